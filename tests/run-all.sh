#!/bin/sh
# run-all.sh - the README's test command: install what is needed, then run
# every test authgate has. Run as root from a checkout (CI: .ci/run).
#
#   1. build with warnings as errors, make check: unit tests, integration
#      tests (daemon + nsd + miltertest), end-to-end (private Postfix)
#   2. make distcheck: the release tarball builds (VPATH, read-only
#      sources) and passes the tests that need no server (unit,
#      conformance, layers, fuzz corpora: the rest ran in step 1 and runs
#      again in 4 and 5); tests/dist-files.sh: it holds every file of the
#      checkout that it ships
#   3. the Debian package (tests/package/package.sh): dpkg-buildpackage,
#      lintian without errors, installed, run as its unit runs it behind
#      Debian's chrooted Postfix, purged (the machine left as it was)
#   4. the whole suite again under AddressSanitizer + UBSan
#   5. the whole suite again under ThreadSanitizer (the resolver thread,
#      the task pool and the daemon's sessions; tests/tsan.supp lists the
#      libmilter shutdown races that are not ours)
#   6. every fuzz target under libFuzzer (clang, ASan+UBSan) for
#      FUZZ_SECONDS (default 8) each, from its seed corpus: a short
#      crash check; tests/fuzz/README.md says how to fuzz for hours
# A test that cannot run here fails (AUTHGATE_REQUIRE_ALL_TESTS=1) instead
# of being skipped. Build trees: build/, build-asan/, build-tsan/,
# build-fuzz/. make check includes the fault experiments
# (tests/faults/faults.sh, short form) and the replay of every fuzz
# corpus and crash input (tests/fuzz/replay.sh).
set -eu
# nsd, postfix and smtp-sink live in /usr/sbin, often not in a CI PATH
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
cd "$(dirname "$0")/.."
SRC=$(pwd)
JOBS=$(nproc)
# the third-party conformance suites (read-only): next to the checkout,
# or where this machine keeps them
CONFORMANCE=""
for d in "${AUTHGATE_CONFORMANCE_DIR:-}" "$SRC/../shared/conformance" \
    /work/shared/conformance; do
	if [ -n "$d" ] && [ -f "$d/authres/cases.json" ]; then
		CONFORMANCE=$(cd "$d" && pwd)
		break
	fi
done
if [ -z "$CONFORMANCE" ]; then
	echo "run-all: conformance suites not found; set AUTHGATE_CONFORMANCE_DIR" >&2
	exit 1
fi
export AUTHGATE_REQUIRE_ALL_TESTS=1
START=$(date +%s)

step() {
	echo
	echo "==== $* ($(($(date +%s) - START)) s)"
}

# check_tree DIR - make check; show the failing logs
check_tree() {
	if ! make -C "$1" -j"$JOBS" check; then
		cat "$1/test-suite.log"
		exit 1
	fi
	# the conformance pass counts, which automake keeps in the test's log
	grep -h '^[a-z0-9-]*: [0-9]*/[0-9]* ' "$1"/tests/conformance/*_suite.log ||
		true
}

step "dependencies"
sh contrib/install-deps.sh

step "autoreconf"
autoreconf -fi

step "build with -Werror, make check"
mkdir -p build
(cd build && "$SRC/configure" -q --enable-werror \
    --with-conformance-dir="$CONFORMANCE")
make -C build -j"$JOBS"
check_tree build

step "make distcheck"
make -C build -j"$JOBS" distcheck \
    DISTCHECK_CONFIGURE_FLAGS="--enable-werror --with-conformance-dir=$CONFORMANCE" \
    TESTS='$(DISTCHECK_TESTS)'
sh tests/dist-files.sh build/authgate-*.tar.gz

step "the Debian package: built, linted, installed, run as its unit, purged"
sh tests/package/package.sh "$SRC"

step "AddressSanitizer + UndefinedBehaviorSanitizer: the whole suite"
mkdir -p build-asan
(cd build-asan && "$SRC/configure" -q --enable-werror \
    --enable-sanitizers=address,undefined \
    --with-conformance-dir="$CONFORMANCE")
make -C build-asan -j"$JOBS"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    check_tree build-asan

step "ThreadSanitizer: the whole suite (resolver, task pool, daemon)"
mkdir -p build-tsan
(cd build-tsan && "$SRC/configure" -q --enable-werror \
    --enable-sanitizers=thread --with-conformance-dir="$CONFORMANCE")
make -C build-tsan -j"$JOBS"
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$SRC/tests/tsan.supp" \
    check_tree build-tsan

step "fuzzing: every target under libFuzzer, ${FUZZ_SECONDS:-8} s each"
mkdir -p build-fuzz
(cd build-fuzz && CC=clang "$SRC/configure" -q --enable-werror \
    --enable-fuzzing --enable-sanitizers=address,undefined \
    --with-conformance-dir="$CONFORMANCE")
make -C build-fuzz -j"$JOBS" fuzz
sh tests/fuzz/run.sh build-fuzz "${FUZZ_SECONDS:-8}"

step "all tests passed"
