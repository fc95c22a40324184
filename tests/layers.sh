#!/bin/sh
# layers.sh - lib/ keeps the layers of lib/README.md: includes and calls
# point down and no files call each other in a circle (tests/layers.py on
# the tree and on the build's libraries). Then the checker is shown to
# fail on wrong includes, a call upwards, circles and a file missing from
# its folder's library, so that a tree that breaks the rules cannot pass.
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"
CHECK="python3 $top_srcdir/tests/layers.py"
CC=${CC:-cc}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

libs=$(ls "$top_builddir"/lib/*/libauthgate_*.a)
[ "$(echo "$libs" | wc -l)" -ge 11 ] || fail "the folder libraries are not built"
$CHECK "$top_srcdir" $libs || fail "the tree breaks the layer rules"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# must_fail WHAT EXPECTED ARGS... - the checker refuses, naming the problem
must_fail() {
	what=$1
	expected=$2
	shift 2
	if $CHECK "$@" > "$tmp/out" 2>&1; then
		cat "$tmp/out"
		fail "$what was not caught"
	fi
	grep -F -- "$expected" "$tmp/out" > /dev/null ||
		{ cat "$tmp/out"; fail "$what: no line with '$expected'"; }
	echo "caught: $(grep -F -- "$expected" "$tmp/out" | head -1)"
}

# a wrong include: util/ (the bottom) reaching up into session/
mkdir "$tmp/tree"
cp -R "$top_srcdir/lib" "$tmp/tree/lib"
chmod -R u+w "$tmp/tree"
printf '#include "session/session.h"\n' >> "$tmp/tree/lib/util/str.c"
must_fail "an include upwards" \
    'util/ includes "session/session.h", but util/ may use no other folder' \
    "$tmp/tree"

# the same with angle brackets, and by a relative path
cp "$top_srcdir/lib/util/str.c" "$tmp/tree/lib/util/str.c"
printf '#include <session/session.h>\n' >> "$tmp/tree/lib/util/str.c"
must_fail "an include upwards in <>" \
    'util/ includes "session/session.h", but util/ may use no other folder' \
    "$tmp/tree"
cp "$top_srcdir/lib/util/str.c" "$tmp/tree/lib/util/str.c"
printf '#include "../session/session.h"\n' >> "$tmp/tree/lib/util/str.c"
must_fail "an include by a relative path" \
    'include "../session/session.h" by its folder under lib/' "$tmp/tree"

# a header of lib/ included without its folder
cp "$top_srcdir/lib/util/str.c" "$tmp/tree/lib/util/str.c"
printf '#include "mem.h"\n' >> "$tmp/tree/lib/dns/dns_cache.c"
must_fail "an include without its folder" 'include "mem.h" with its folder ("util/mem.h")' \
    "$tmp/tree"

# calls: dns/ calling into verdict/, and two util/ files in a circle
mkdir -p "$tmp/o/dns" "$tmp/o/verdict" "$tmp/o/util"
printf 'void verdict_probe(void);\nvoid dns_probe(void);\nvoid dns_probe(void) { verdict_probe(); }\n' \
    > "$tmp/up.c"
printf 'void verdict_probe(void);\nvoid verdict_probe(void) { }\n' > "$tmp/top.c"
printf 'void b_probe(void);\nvoid a_probe(void);\nvoid a_probe(void) { b_probe(); }\n' \
    > "$tmp/a.c"
printf 'void a_probe(void);\nvoid b_probe(void);\nvoid b_probe(void) { a_probe(); }\n' \
    > "$tmp/b.c"
$CC -c -o "$tmp/o/dns/up.o" "$tmp/up.c"
$CC -c -o "$tmp/o/verdict/top.o" "$tmp/top.c"
$CC -c -o "$tmp/o/util/a.o" "$tmp/a.c"
$CC -c -o "$tmp/o/util/b.o" "$tmp/b.c"
must_fail "a call upwards" 'lib/dns/up.o: calls verdict_probe() of lib/verdict/top.o' \
    "$top_srcdir" "$tmp/o/dns/up.o" "$tmp/o/verdict/top.o"
must_fail "a circle" 'files call each other in a circle: util/a.o -> util/b.o' \
    "$top_srcdir" "$tmp/o/util/a.o" "$tmp/o/util/b.o"

# the same circle inside a folder's library, which must also hold every
# .c file of its folder
${AR:-ar} rc "$tmp/o/util/libauthgate_util.a" "$tmp/o/util/a.o" "$tmp/o/util/b.o"
must_fail "a circle inside a library" \
    'files call each other in a circle: util/a.o -> util/b.o' \
    "$top_srcdir" "$tmp/o/util/libauthgate_util.a"
must_fail "a file missing from its library" \
    "lib/util/str.c: not in its folder's library libauthgate_util.a" \
    "$top_srcdir" "$tmp/o/util/libauthgate_util.a"
echo "layers: PASS"
