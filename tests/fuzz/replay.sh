#!/bin/sh
# replay.sh - every fuzz target runs once on each input of its seed corpus
# (tests/fuzz/corpus/TARGET) and on every crash input ever found
# (tests/fuzz/crashes/TARGET): a regression test under each sanitizer
# build of make check. The targets are built with replay.c's main here
# (configure without --enable-fuzzing).
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"
n=0
for t in "$top_builddir"/tests/fuzz/fuzz_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	case "$name" in *.o|*.c) continue ;; esac
	target=${name#fuzz_}
	[ -d "$top_srcdir/tests/fuzz/corpus/$target" ] || {
		echo "FAIL: no seed corpus for $name"
		exit 1
	}
	out=$("$t" "$top_srcdir/tests/fuzz/corpus/$target" \
	    "$top_srcdir/tests/fuzz/crashes/$target") || {
		echo "FAIL: $name on its corpus"
		exit 1
	}
	echo "$out"
	case "$out" in
	*": 0 inputs replayed") echo "FAIL: $name replayed nothing"; exit 1 ;;
	esac
	n=$((n + 1))
done
[ "$n" -ge 11 ] || { echo "FAIL: only $n fuzz targets built"; exit 1; }
echo "replay: $n fuzz targets, every corpus and crash input"
