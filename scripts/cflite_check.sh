#!/usr/bin/env bash
# cflite_check.sh - run .clusterfuzzlite/build.sh outside Docker, in the
# environment OSS-Fuzz's base-builder gives it for libFuzzer + ASan, and
# check what it leaves in $OUT.
#
#   scripts/cflite_check.sh [--keep]
#
# Emulated: CC=clang CXX=clang++, CFLAGS/CXXFLAGS with
# -fsanitize=address,fuzzer-no-link, LIB_FUZZING_ENGINE=-fsanitize=fuzzer,
# SRC (holding a link to this checkout as foliofuzz), WORK and OUT in a
# temp dir.  Then, for every target T that `foliofuzz targets` lists (the
# host tool build.sh built):
# $OUT/T is executable, T_seed_corpus.zip holds one input per
# corpus/T/*.trace, T.dict exists, and T runs the unzipped seed corpus
# with -runs=0 and its dictionary (libFuzzer parses the dictionary and
# runs every seed once) and exits 0; and only the sources of
# fuzz/instrumented.txt carry coverage callbacks.  --keep keeps the temp dir.
# Exit: 0 when all of that holds, 1 otherwise.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" && ff_preamble cflite_check.sh || exit 1

keep=
case ${1:-} in
'') ;;
--keep) keep=1 ;;
*)
	echo "usage: scripts/cflite_check.sh [--keep]" >&2
	exit 2
	;;
esac

# build.sh zips with zip or python3; unzipping here wants unzip or python3.
command -v zip >/dev/null || command -v python3 >/dev/null || ff_need zip zip
command -v unzip >/dev/null || command -v python3 >/dev/null || ff_need unzip unzip
unzip_to() { # ZIP DIR
	if command -v unzip >/dev/null; then
		unzip -q -o "$1" -d "$2"
	else
		python3 -m zipfile -e "$1" "$2"
	fi
}

tmp=$(mktemp -d) || exit 1
if [ -n "$keep" ]; then
	ff_say "keeping $tmp"
else
	trap 'rm -rf "$tmp"' EXIT
fi
mkdir -p "$tmp/src" "$tmp/out" "$tmp/work"
ln -s "$PWD" "$tmp/src/foliofuzz"

san="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
ff_say "building with .clusterfuzzlite/build.sh (libFuzzer, ASan)"
if ! env CC=clang CXX=clang++ CFLAGS="$san" CXXFLAGS="$san" \
	LIB_FUZZING_ENGINE=-fsanitize=fuzzer SANITIZER=address \
	FUZZING_ENGINE=libfuzzer ARCHITECTURE=x86_64 \
	SRC="$tmp/src" WORK="$tmp/work" OUT="$tmp/out" \
	bash .clusterfuzzlite/build.sh >"$tmp/build.log" 2>&1; then
	tail -n 30 "$tmp/build.log" >&2
	ff_die 1 "build.sh failed"
fi

bad=0
check() { # what, condition...
	local what=$1
	shift
	if "$@"; then
		return 0
	fi
	echo "cflite_check.sh: FAIL: $what" >&2
	bad=$((bad + 1))
	return 1
}

targets=$(FF_CLI=$tmp/work/foliofuzz-build/foliofuzz ff_targets) ||
	ff_die 1 "build.sh's host tool does not list the targets"
for t in $targets; do
	out=$tmp/out
	check "$out/$t is an executable" test -x "$out/$t" || continue
	check "$out/${t}_seed_corpus.zip exists" test -f "$out/${t}_seed_corpus.zip" || continue
	check "$out/$t.dict exists" test -f "$out/$t.dict"
	if [ -f "fuzz/$t.options" ]; then
		check "$out/$t.options exists" test -f "$out/$t.options"
	fi
	seeds=$tmp/seeds/$t
	mkdir -p "$seeds"
	unzip_to "$out/${t}_seed_corpus.zip" "$seeds" ||
		check "unzip ${t}_seed_corpus.zip" false
	want=$(ls corpus/"$t"/*.trace 2>/dev/null | wc -l)
	got=$(find "$seeds" -type f | wc -l)
	check "${t}_seed_corpus.zip holds $want seeds (has $got)" test "$got" -eq "$want"
	if "$out/$t" -runs=0 -dict="$out/$t.dict" "$seeds" >"$tmp/$t.log" 2>&1; then
		check "$t read its $want seeds" grep -q "seed corpus: files: $want " "$tmp/$t.log"
		check "$t ran them (INITED)" grep -q 'INITED' "$tmp/$t.log"
		ff_say "$t: $got seeds replayed, dictionary $(grep -c '^[^#]' "$out/$t.dict") entries"
	else
		tail -n 20 "$tmp/$t.log" >&2
		check "$t -runs=0 on its seed corpus exits 0" false
	fi
done
# Coverage feedback only from fuzz/instrumented.txt, as the CMake build:
# an op executor has coverage callbacks, the checker has none.
obj=$tmp/work/foliofuzz-build/obj
if command -v nm >/dev/null; then
	check "src/harness/ops.c is instrumented" \
		grep -q __sanitizer_cov <(nm "$obj/src_harness_ops.c.o" 2>&1)
	check "src/harness/check.c is not instrumented" \
		test -z "$(nm "$obj/src_harness_check.c.o" | grep __sanitizer_cov)"
fi
[ "$bad" -eq 0 ] || ff_die 1 "$bad check(s) failed"
ff_say "ClusterFuzzLite build: all targets built and replay their seeds"
