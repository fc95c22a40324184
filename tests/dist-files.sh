#!/bin/sh
# dist-files.sh - the release tarball holds every file of the checkout
# (run-all.sh, after make distcheck): a file git tracks but EXTRA_DIST
# forgot would break a build or a test from the tarball only.
#
#   sh tests/dist-files.sh TARBALL
#
# Not in the tarball on purpose: the CI entry (.ci/), .gitignore, the
# Debian packaging (debian/: the package is built from the checkout by
# tests/package/package.sh, which is not shipped either) and m4/.gitkeep.
set -eu
cd "$(dirname "$0")/.."
[ $# -eq 1 ] && [ -f "$1" ] || { echo "usage: dist-files.sh TARBALL" >&2; exit 64; }
if ! git rev-parse --git-dir >/dev/null 2>&1; then
	echo "dist-files: not a git checkout, nothing to compare"
	exit 0
fi
tracked=$(mktemp)
shipped=$(mktemp)
trap 'rm -f "$tracked" "$shipped"' EXIT
git ls-files | grep -Ev '^(\.ci/|\.gitignore$|debian/|m4/\.gitkeep$|tests/package/package\.sh$)' |
    sort > "$tracked"
tar tzf "$1" | sed 's|^[^/]*/||' | grep -v '/$' | sort > "$shipped"
missing=$(comm -23 "$tracked" "$shipped")
if [ -n "$missing" ]; then
	echo "dist-files: tracked but not in $1 (add them to EXTRA_DIST):"
	echo "$missing"
	exit 1
fi
echo "ok - $1 holds all $(wc -l < "$tracked") files of the checkout it ships"
