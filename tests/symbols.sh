#!/bin/sh
# symbols.sh LIB.so HEADER [MANPAGE] - the shared library's exported symbols are
# exactly the functions the public header declares VZ_EXTERN: a function
# missing from the library breaks callers at load time, and an extra one
# is an internal that callers could start to depend on.  Also checks the
# soname, which is what programs record and the loader looks for, and
# that the man page names every function of the header, and that every
# declaration has its doc comment: right above it, or above the group of
# declarations it belongs to.
set -eu
so=$1 header=$2 man=${3:-}
tmp=${TMPDIR:-/tmp}/vzask-symbols.$$
trap 'rm -f "$tmp".*' EXIT

# A declaration starts its line with VZ_EXTERN and names the function just
# before the first parenthesis (its arguments may run over several lines).
sed -n 's/^VZ_EXTERN[^(]*[ *]\([A-Za-z_][A-Za-z_0-9]*\)(.*/\1/p' "$header" | sort -u > "$tmp.h"
nm -D --defined-only "$so" | awk '{ print $NF }' | sort -u > "$tmp.so"

status=0
if [ ! -s "$tmp.h" ]; then
    echo "symbols: no VZ_EXTERN function found in $header" >&2; status=1
fi
missing=$(comm -23 "$tmp.h" "$tmp.so")
extra=$(comm -13 "$tmp.h" "$tmp.so")
[ -z "$missing" ] || { echo "symbols: declared in $header but not exported by $so:" $missing >&2; status=1; }
[ -z "$extra" ] || { echo "symbols: exported by $so but not declared VZ_EXTERN in $header:" $extra >&2; status=1; }
# Every export is a function (T), never data a caller could write.
notext=$(nm -D --defined-only "$so" | awk '$2 != "T" { print $NF }')
[ -z "$notext" ] || { echo "symbols: exported symbols that are not functions:" $notext >&2; status=1; }
major=$(awk '$2 == "VZ_VERSION_MAJOR" { print $3 }' "$header")
soname=$(readelf -d "$so" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
[ "$soname" = "libvzask.so.$major" ] || { echo "symbols: soname is '$soname', not libvzask.so.$major" >&2; status=1; }
# Continuation lines of a declaration's arguments start with blanks.
bare=$(awk '/^VZ_EXTERN/ { if (prev !~ /\*\/ *$/ && prev !~ /^VZ_EXTERN/ && prev !~ /^ /) \
                               print $0 } { prev = $0 }' "$header" |
       sed 's/^VZ_EXTERN[^(]*[ *]\([A-Za-z_][A-Za-z_0-9]*\)(.*/\1/')
[ -z "$bare" ] || { echo "symbols: declared without a doc comment in $header:" $bare >&2; status=1; }
if [ -n "$man" ]; then
    # roff escapes the hyphen (\-) but not the underscore: names appear as is.
    undocumented=$(while read -r f; do grep -qw "$f" "$man" || echo "$f"; done < "$tmp.h")
    [ -z "$undocumented" ] || { echo "symbols: not named in $man:" $undocumented >&2; status=1; }
fi
[ $status -ne 0 ] || echo "symbols: $(wc -l < "$tmp.so") exported functions = the VZ_EXTERN declarations of $header; soname $soname"
exit $status
