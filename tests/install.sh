#!/bin/sh
# install.sh BUILD PREFIX CC CFLAGS LDFLAGS - run by `make test`: install
# into a temporary DESTDIR, build examples/repl.c from the installed files
# alone (pkg-config; the source tree is never on the include or library
# path), run it on three questions of the bundled corpus, build and run
# the README's embedding snippet (at most ten lines) the same way, check that the
# installed vzask finds the installed corpus and keeps its index in the
# cache folder, then uninstall and check that nothing is left.
# $VZASK_RUNNER (valgrind under `make valgrind`) runs every program.
set -eu
build=$1 prefix=$2 cc=$3 cflags=$4 ldflags=$5
runner=${VZASK_RUNNER:-}
src=$(pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vzask-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root p=$tmp/root$prefix

fail() { echo "install: FAILED: $*" >&2; exit 1; }

${MAKE:-make} --no-print-directory -s install DESTDIR="$root" BUILD="$build" > "$tmp/make.log" 2>&1 ||
    { cat "$tmp/make.log"; fail "make install DESTDIR=$root"; }

for f in bin/vzask lib/libvzask.a lib/libvzask.so lib/libvzask.so.0 include/vzask.h \
         lib/pkgconfig/vzask.pc share/man/man1/vzask.1 share/man/man3/vzask.3 \
         share/vzask/corpus/000_03d48f2f6344b254.txt share/vzask/corpus/manifest.json \
         share/vzask/data/question.rules; do
    [ -e "$p/$f" ] || fail "make install did not install $prefix/$f"
done
[ "$(readlink "$p/lib/libvzask.so")" = libvzask.so.0 ] || fail "libvzask.so does not point to libvzask.so.0"
if command -v groff > /dev/null; then
    for m in "$p/share/man/man1/vzask.1" "$p/share/man/man3/vzask.3"; do
        w=$(groff -man -Tutf8 -ww -z "$m" 2>&1) || fail "groff cannot format $m"
        [ -z "$w" ] || fail "groff warns on $m: $w"
    done
fi

# The example is copied out and built where the source tree is out of reach;
# PKG_CONFIG_SYSROOT_DIR maps the .pc file's PREFIX paths into DESTDIR.
cp examples/repl.c "$tmp/"
cd "$tmp"
export PKG_CONFIG_PATH="$p/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$root"
flags=$(pkg-config --cflags --libs vzask) || fail "pkg-config does not find vzask.pc"
case " $flags " in *"$src/"*) fail "pkg-config flags point into the source tree: $flags" ;; esac
# shellcheck disable=SC2086 # flags are words
$cc -std=c11 -Wall -Wextra -Wconversion -Werror $cflags -o repl repl.c $flags $ldflags ||
    fail "the example does not build with: $flags"
readelf -d repl | grep -q 'NEEDED.*\[libvzask\.so\.0\]' || fail "repl does not need libvzask.so.0"
# A static link needs vzask.pc's Requires.private and Libs.private.
static_libs=$(pkg-config --static --libs vzask | sed 's/ -lvzask / /; s/^-lvzask //')
# shellcheck disable=SC2086
$cc -std=c11 -Wall -Wextra -Werror $cflags -o repl-static repl.c $(pkg-config --cflags vzask) \
    "$p/lib/libvzask.a" $static_libs $ldflags || fail "the example does not link libvzask.a with: $static_libs"
! readelf -d repl-static | grep -q 'NEEDED.*libvzask' || fail "repl-static still needs libvzask.so"

# Three questions the corpus answers, one it does not, and a line that is
# not UTF-8: an error on stderr, and the loop goes on.
{ printf '%s\n' "how many died in the Caracas strike" "" "who did Maduro thank"
  printf 'bad \377 byte\n'
  printf '%s\n' "who is the foreign minister of Russia" "How many warships did the US send to the Caribbean?"
} > questions
# A citation prints the bytes [start, end) of the installed document.
cite() {
    printf '  %s [%s, %s) "' "$1" "$2" "$3"
    tail -c +$(($2 + 1)) "$p/share/vzask/corpus/$1.txt" | head -c $(($3 - $2))
    printf '"\n'
}
{ echo "40 people total"; cite 000_03d48f2f6344b254 2607 3010
  echo "Russia"; cite 004_6fbc38b29dad98da 10 71
  echo "Sergei Lavrov"; cite 002_6be69f8a55dac445 90 279
  echo "The corpus does not say."
} > expected
for prog in repl repl-static; do
    st=0
    LD_LIBRARY_PATH="$p/lib" XDG_CACHE_HOME="$tmp/cache" $runner "./$prog" "$p/share/vzask/corpus" \
        < questions > "$prog.out" 2> "$prog.err" || st=$?
    [ $st -eq 0 ] || { cat "$prog.err"; fail "$prog exited with status $st"; }
    diff -u expected "$prog.out" || fail "$prog answered otherwise than expected"
    grep -q 'not valid UTF-8' "$prog.err" || fail "$prog did not report the line that is not UTF-8"
done
LD_LIBRARY_PATH="$p/lib" ldd repl | grep -q "libvzask.so.0 => $p/lib/" || fail "repl did not load the installed libvzask"

# The README's snippet, as a reader would paste it into a main(), with the
# installed corpus as its default (VZASK_CORPUS: the program is not installed).
sed -n '/^## Embedding/,/^## /p' "$src/README.md" | sed -n '/^```c$/,/^```$/p' | sed '1d;$d' > snippet.body
lines=$(wc -l < snippet.body)
[ "$lines" -ge 5 ] && [ "$lines" -le 10 ] || fail "the README's embedding snippet has $lines lines, not 5 to 10"
{ printf '#include <stdio.h>\n#include <string.h>\n#include <vzask.h>\n'
  printf 'int main(int argc, char **argv)\n{\n    const char *q = argc > 1 ? argv[1] : "";\n'
  cat snippet.body
  printf '    return 0;\n}\n'
} > snippet.c
# shellcheck disable=SC2086
$cc -std=c11 -Wall -Wextra -Werror $cflags -o snippet snippet.c $flags $ldflags ||
    fail "the README's embedding snippet does not build"
out=$(LD_LIBRARY_PATH="$p/lib" XDG_CACHE_HOME="$tmp/cache" VZASK_CORPUS="$p/share/vzask/corpus" \
      $runner ./snippet "how many died in the Caracas strike") || fail "the README's snippet failed"
[ "$out" = "40 people total" ] || fail "the README's snippet answered: $out"
out=$(LD_LIBRARY_PATH="$p/lib" XDG_CACHE_HOME="$tmp/cache" VZASK_CORPUS="$p/share/vzask/corpus" \
      $runner ./snippet "what colour is the moon") || fail "the README's snippet failed"
[ "$out" = "The corpus does not say." ] || fail "the README's snippet answered: $out"

# The installed binary finds its corpus by default (the same index as for
# --corpus with the installed folder) and writes its index to the cache only.
export XDG_CACHE_HOME="$tmp/cache2"
$runner "$p/bin/vzask" index > default.out 2>&1 || { cat default.out; fail "installed vzask index"; }
$runner "$p/bin/vzask" index --corpus "$p/share/vzask/corpus" > explicit.out 2>&1 || fail "vzask index --corpus"
d=$(sed -n 's/^-> //p' default.out) e=$(sed -n 's/^-> //p' explicit.out)
[ -n "$d" ] && [ "$d" = "$e" ] || fail "installed vzask indexes '$d', not the installed corpus ('$e')"
case $d in "$tmp/cache2/vzask/"*) ;; *) fail "the index $d is not in the cache folder" ;; esac
out=$($runner "$p/bin/vzask" "how many died in the Caracas strike") || fail "installed vzask did not answer"
[ "$(echo "$out" | head -n 1)" = "40 people total" ] || fail "installed vzask answered: $out"

cd "$src"
${MAKE:-make} --no-print-directory -s uninstall DESTDIR="$root" BUILD="$build" > "$tmp/make.log" 2>&1 ||
    { cat "$tmp/make.log"; fail "make uninstall"; }
left=$(find "$root" ! -type d)
[ -z "$left" ] || fail "make uninstall left: $left"
[ ! -e "$p/share/vzask" ] || fail "make uninstall left $prefix/share/vzask"
echo "install: make install, the example built with pkg-config alone (shared and static), 3 questions answered, the README's $lines-line snippet answers, make uninstall: ok"
