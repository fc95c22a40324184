#!/bin/sh
# run.sh - fuzz every target with libFuzzer for a while: the short form
# in the test command (tests/run-all.sh), the long form by hand.
#
#   sh tests/fuzz/run.sh BUILD_DIR SECONDS [TARGET...]
#
# BUILD_DIR is a tree configured with CC=clang --enable-fuzzing
# --enable-sanitizers=address,undefined and built with "make fuzz". Each
# target first runs its crash inputs (tests/fuzz/crashes/TARGET), then
# fuzzes for SECONDS from its seed corpus, keeping what it finds in
# BUILD_DIR/fuzz-corpus/TARGET (reused by the next run). A crash stops
# the run: libFuzzer writes the input to BUILD_DIR/fuzz-crash-*; copy it
# into tests/fuzz/crashes/TARGET/ (and fix the bug) so it is replayed for
# ever. One line per target: executions, coverage, corpus size.
#
#   sh tests/fuzz/run.sh build-fuzz 600          # ten minutes each
set -eu
[ $# -ge 2 ] || { echo "usage: run.sh BUILD_DIR SECONDS [TARGET...]" >&2; exit 64; }
build=$(cd "$1" && pwd)
seconds=$2
shift 2
src=$(cd "$(dirname "$0")/../.." && pwd)
targets=$*
[ -n "$targets" ] || targets=$(cd "$build/tests/fuzz" && ls fuzz_* |
    grep -v '\.' | sed 's/^fuzz_//')
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
status=0
for t in $targets; do
	bin="$build/tests/fuzz/fuzz_$t"
	[ -x "$bin" ] || { echo "no such target: $bin" >&2; exit 64; }
	corpus="$build/fuzz-corpus/$t"
	mkdir -p "$corpus"
	if [ -d "$src/tests/fuzz/crashes/$t" ] &&
	    [ -n "$(ls "$src/tests/fuzz/crashes/$t")" ]; then
		"$bin" -runs=0 "$src/tests/fuzz/crashes/$t" \
		    > "$build/fuzz-$t.log" 2>&1 || {
			tail -40 "$build/fuzz-$t.log"
			echo "FAIL: $t: a known crash input crashes again"
			exit 1
		}
	fi
	rc=0
	"$bin" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=3072 \
	    -max_len=65536 -print_final_stats=1 \
	    -artifact_prefix="$build/fuzz-crash-$t-" \
	    "$corpus" "$src/tests/fuzz/corpus/$t" > "$build/fuzz-$t.log" 2>&1 ||
	    rc=$?
	if [ $rc = 72 ]; then
		# libFuzzer's exit code for SIGINT/SIGTERM: stopped, not crashed
		echo "fuzz_$t: interrupted (signal), no crash found so far"
		exit 72
	elif [ $rc != 0 ]; then
		tail -60 "$build/fuzz-$t.log"
		echo "FAIL: $t crashed; the input is in $build/fuzz-crash-$t-*"
		status=1
		continue
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
	    "$build/fuzz-$t.log")
	cov=$(grep -o 'cov: [0-9]*' "$build/fuzz-$t.log" | tail -1)
	ft=$(grep -o 'ft: [0-9]*' "$build/fuzz-$t.log" | tail -1)
	echo "fuzz_$t: ${seconds}s, $execs executions, $cov, $ft," \
	    "corpus $(ls "$corpus" | wc -l) inputs"
done
exit $status
