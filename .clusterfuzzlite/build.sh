#!/bin/bash -eu
# build.sh - the OSS-Fuzz / ClusterFuzzLite build of foliofuzz's targets.
#
# The OSS-Fuzz contract: compile with $CC $CFLAGS, link each fuzz target
# with $CXX $CXXFLAGS $LIB_FUZZING_ENGINE (libFuzzer, AFL++ or honggfuzz),
# and put in $OUT, for each target T that `foliofuzz targets` lists:
#   T                  the fuzz target (fuzz/T.c + the model and harness)
#   T_seed_corpus.zip  corpus/T/*.trace encoded to bytes for target T
#                      (zip, or python3's zipfile where zip is missing)
#   T.dict             dicts/T.dict
#   T.options          fuzz/T.options, when there is one
# No CMake: the sources are globbed as CMakeLists.txt does.  The seed
# encoder (the foliofuzz CLI) is a host tool, built without $CFLAGS so it
# needs no sanitizer or engine runtime.  As in the CMake build, only the
# sources of fuzz/instrumented.txt get coverage instrumentation.
# Intermediate files go to $WORK.
# scripts/cflite_check.sh runs this outside Docker.
cd "$SRC/foliofuzz"
work=${WORK:-/tmp}/foliofuzz-build
rm -rf "$work"
mkdir -p "$work/obj" "$work/seeds" "$OUT"

core=$(ls src/mm/*.c src/fs/*.c src/lib/*.c src/glue/*.c src/harness/*.c 2>/dev/null)
std="-std=c11 -fno-strict-aliasing -Iinclude -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION=1"

# The host tool, which also lists the targets (the first column).
${CC} -O1 $std $core src/cli/*.c -o "$work/foliofuzz"
targets=$("$work/foliofuzz" targets | cut -f1)
[ -n "$targets" ] || { echo "build.sh: 'foliofuzz targets' listed no target" >&2; exit 1; }

# Coverage feedback only from fuzz/instrumented.txt, as in the CMake
# build: the other sources are compiled without -fsanitize=fuzzer-no-link
# (libFuzzer), and AFL++'s compiler gets the list as its allowlist.
mapfile -t globs < <(grep -v '^#' fuzz/instrumented.txt | grep .)
instr=() plain=()
: >"$work/afl-allowlist.txt"
for f in $core; do
	hit=
	for g in "${globs[@]}"; do
		# shellcheck disable=SC2053 # $g is a glob
		[[ $f == $g ]] && hit=1
	done
	if [ -n "$hit" ]; then
		instr+=("$f")
		echo "src: $f" >>"$work/afl-allowlist.txt"
	else
		plain+=("$f")
	fi
done
[ ${#instr[@]} -gt 0 ] || { echo "build.sh: fuzz/instrumented.txt matches no source" >&2; exit 1; }
export AFL_LLVM_ALLOWLIST=$work/afl-allowlist.txt
plain_cflags=$(echo " ${CFLAGS} " | sed -e 's/ -fsanitize=fuzzer-no-link / /g' -e 's/,fuzzer-no-link//g')

# The model and harness, once, in parallel.
compile() { # CFLAGS FILE...
	local flags=$1
	shift
	printf '%s\n' "$@" | xargs -P "$(nproc)" -I{} sh -c \
		'o=$1/obj/$(echo "$2" | tr / _).o; exec ${CC} $4 $3 -c "$2" -o "$o"' \
		sh "$work" {} "$std" "$flags"
}
compile "${CFLAGS}" "${instr[@]}"
[ ${#plain[@]} -eq 0 ] || compile "$plain_cflags" "${plain[@]}"

for t in $targets; do
	${CC} ${CFLAGS} $std -c "fuzz/$t.c" -o "$work/fuzz_$t.o"
	${CXX} ${CXXFLAGS} "$work/fuzz_$t.o" "$work"/obj/*.o \
		${LIB_FUZZING_ENGINE} -o "$OUT/$t"

	mkdir -p "$work/seeds/$t"
	for trace in corpus/"$t"/*.trace; do
		[ -f "$trace" ] || continue
		"$work/foliofuzz" encode --target="$t" "$trace" \
			-o "$work/seeds/$t/$(basename "$trace" .trace).bin"
	done
	rm -f "$OUT/${t}_seed_corpus.zip"
	if command -v zip >/dev/null; then
		(cd "$work/seeds/$t" && zip -q "$OUT/${t}_seed_corpus.zip" ./*.bin)
	else
		(cd "$work/seeds/$t" && python3 -m zipfile -c "$OUT/${t}_seed_corpus.zip" ./*.bin)
	fi

	[ -f "dicts/$t.dict" ] && cp "dicts/$t.dict" "$OUT/$t.dict"
	[ -f "fuzz/$t.options" ] && cp "fuzz/$t.options" "$OUT/$t.options"
	echo "build.sh: $OUT/$t"
done
