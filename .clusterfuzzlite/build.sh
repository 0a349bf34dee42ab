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
# needs no sanitizer or engine runtime.  Intermediate files go to $WORK.
# scripts/cflite_check.sh runs this outside Docker.
cd "$SRC/foliofuzz"
work=${WORK:-/tmp}/foliofuzz-build
rm -rf "$work"
mkdir -p "$work/obj" "$work/seeds" "$OUT"

core=$(ls src/mm/*.c src/fs/*.c src/lib/*.c src/harness/*.c 2>/dev/null)
std="-std=c11 -fno-strict-aliasing -Iinclude -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION=1"

# The host tool, which also lists the targets (the first column).
${CC} -O1 $std $core src/cli/*.c -o "$work/foliofuzz"
targets=$("$work/foliofuzz" targets | cut -f1)
[ -n "$targets" ] || { echo "build.sh: 'foliofuzz targets' listed no target" >&2; exit 1; }

# The model and harness, once, in parallel.
for f in $core; do
	echo "$f"
done | xargs -P "$(nproc)" -I{} sh -c \
	'o=$1/obj/$(echo "$2" | tr / _).o; exec ${CC} ${CFLAGS} $3 -c "$2" -o "$o"' \
	sh "$work" {} "$std"

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
