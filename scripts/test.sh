#!/usr/bin/env bash
# test.sh - everything CI runs, from a fresh Debian 12 machine:
#   1. installs clang, cmake, gcc, make, python3 (scripts/benchstat.py and
#      its ctest) and libFuzzer if missing (apt-get);
#      and Debian's chromium (the web report's browser test);
#   2. configures and builds the asan, replay-gcc and msan presets;
#   3. runs ctest on all three (unit, regress, negative, smoke labels;
#      MemorySanitizer catches reads of uninitialised model state);
#   4. scripts/replay.sh on both presets (every corpus and regression,
#      engine-free) and scripts/cflite_check.sh (the ClusterFuzzLite build,
#      emulated);
#   5. 20 s libFuzzer smoke runs of fuzz_ops (on a copy of the encoded
#      corpus) and fuzz_trace (the text-trace parser, on every shipped
#      trace), which must end without a crash;
#   6. kshim (docs/kshim.md): installs Debian's linux-source-6.12 (and
#      flex, bison, bc, libelf-dev for its out-of-tree configuration) when
#      missing, and runs `ctest -L kshim` against that tree: the build with
#      the tree's code, the gate, the picks' controls, the extractor on the
#      real tree.  The prepared tree is cached outside the checkout
#      (~/.cache/foliofuzz-kshim), so a second run on the machine is fast.
#      FF_SKIP_KSHIM=1 skips this step (say so in any report).
# Any failure stops the script with a non-zero exit.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { echo "test.sh: $*"; }

apt_install() {
	local sudo=()
	say "installing missing packages: $*"
	if [ "$(id -u)" -ne 0 ]; then
		if ! command -v sudo >/dev/null; then
			say "need root (or sudo) to install: $*" >&2
			exit 1
		fi
		sudo=(sudo)
	fi
	"${sudo[@]}" apt-get update
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"
}

# libFuzzer ships in compiler-rt, a separate package from clang on Debian.
have_libfuzzer() {
	local d ok=1
	d=$(mktemp -d)
	cat >"$d/t.c" <<'C'
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }
C
	if clang -fsanitize=fuzzer,address "$d/t.c" -o "$d/t" >/dev/null 2>&1; then
		ok=0
	fi
	rm -rf "$d"
	return $ok
}

missing=()
for tool in clang cmake gcc make python3; do
	command -v "$tool" >/dev/null || missing+=("$tool")
done
# the campaign web report is checked in Debian's Chromium (ctest browser/)
command -v chromium >/dev/null || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
	apt_install "${missing[@]}"
fi
if ! have_libfuzzer; then
	ver=$(clang -dumpversion | cut -d. -f1)
	apt_install "libclang-rt-$ver-dev"
	have_libfuzzer || { say "clang -fsanitize=fuzzer still fails" >&2; exit 1; }
fi

for preset in asan replay-gcc msan; do
	say "configure and build: $preset"
	# the kshim tests run in step 6 only
	cmake --preset "$preset" -DFF_KSHIM_SRC=""
	cmake --build --preset "$preset" -j2
done

for preset in asan replay-gcc msan; do
	say "ctest: $preset"
	ctest --preset "$preset" --output-on-failure
done

# Engine-free replay of every corpus and regression, naming failing files.
for preset in asan replay-gcc; do
	say "replay: $preset"
	bash scripts/replay.sh "$preset"
done

# The ClusterFuzzLite / OSS-Fuzz build, emulated without Docker.
say "ClusterFuzzLite build check"
bash scripts/cflite_check.sh

# A 20 s libFuzzer run of TARGET on a copy of its seeds, which must end
# without a crash; a crash input is kept and its trace printed.
smoke() { # TARGET SEEDS DICT
	local t=$1 seeds=$2 dict=$3 tmp keep f
	say "libFuzzer smoke run: fuzz_$t, 20 s"
	tmp=$(mktemp -d)
	mkdir "$tmp/corpus"
	cp -R "$seeds/." "$tmp/corpus/"
	# libFuzzer's ~2000 status lines go to a log; one summary line here
	if build/asan/bin/fuzz_"$t" -max_total_time=20 -dict="$dict" \
		-artifact_prefix="$tmp/" "$tmp/corpus" >"$tmp/log" 2>&1; then
		say "fuzz_$t: $(grep -m1 '^Done ' "$tmp/log"), last status:" \
			"$(grep -aE '^#[0-9]+' "$tmp/log" | tail -1 | sed -E 's/^#[0-9]+[[:space:]]+[A-Z]+[[:space:]]+//')"
	else
		tail -40 "$tmp/log" >&2
		keep=build/asan/smoke-artifacts
		mkdir -p "$keep"
		for f in "$tmp"/crash-* "$tmp"/leak-* "$tmp"/timeout-* "$tmp"/oom-*; do
			[ -e "$f" ] || continue
			cp "$f" "$keep/"
			say "crash input kept as $keep/$(basename "$f"); its trace:" >&2
			build/asan/bin/foliofuzz decode "$f" >&2 || true
		done
		rm -rf "$tmp"
		say "FAILED: fuzz_$t crashed in the smoke run" >&2
		exit 1
	fi
	rm -rf "$tmp"
}
smoke ops build/asan/corpus/ops dicts/ops.dict
# the text-trace parser, printer and codec (fuzz/trace.c)
smoke trace build/asan/corpus/trace dicts/trace.dict

if [ "${FF_SKIP_KSHIM:-0}" = 1 ]; then
	say "kshim: SKIPPED (FF_SKIP_KSHIM=1)"
else
	ksrc=/usr/src/linux-source-6.12.tar.xz
	kmissing=()
	[ -f "$ksrc" ] || kmissing+=(linux-source-6.12)
	for tool in flex bison bc; do
		command -v "$tool" >/dev/null || kmissing+=("$tool")
	done
	[ -f /usr/include/libelf.h ] || kmissing+=(libelf-dev)
	if [ ${#kmissing[@]} -gt 0 ]; then
		apt_install "${kmissing[@]}"
	fi
	say "kshim: ctest -L kshim against $(dpkg-query -W -f='${Package} ${Version}' linux-source-6.12 2>/dev/null || echo "$ksrc")"
	cmake --preset asan -DFF_KSHIM_SRC="$ksrc"
	cmake --build --preset asan -j2
	ctest --preset asan -L kshim --output-on-failure
fi

say "all passed"
