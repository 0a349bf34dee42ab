#!/usr/bin/env bash
# replay.sh - engine-free replay of every shipped corpus and regression
# under ASan+UBSan, naming each failing file (SQLite fuzzcheck style).
#
#   scripts/replay.sh [PRESET]        PRESET: asan (default) or replay-gcc
#
# Builds the preset's CLI, replay drivers and encoded corpora, then:
#   1. each target's encoded corpus, build/PRESET/corpus/T/, through
#      fuzz_T_replay (and any raw, non-.trace files under corpus/T/);
#   2. every corpus/*/*.trace through `foliofuzz verify`, which runs each
#      leg of its "# expect:" line (the ctest regress label does the same;
#      include/foliofuzz/expect.h has the grammar): "pass" passes,
#      "I_X with bugs=K" passes without K and breaks I_X with it, "ASAN
#      with bugs=K" gives an ASan report with K, "I_X finding=F fix=K"
#      reports F with --no-suppress, stops at F without, and passes with
#      the fix.  A malformed line is named as FILE:LINE.
# Exit: 0 when everything behaved, 1 naming every file that did not,
# 2 on bad usage.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" && ff_preamble replay.sh || exit 1

preset=asan
case ${1:-} in
'') ;;
asan | replay-gcc) preset=$1 ;;
-h | --help | -* | *)
	echo "usage: scripts/replay.sh [asan|replay-gcc]" >&2
	exit 2
	;;
esac
[ $# -le 1 ] || {
	echo "usage: scripts/replay.sh [asan|replay-gcc]" >&2
	exit 2
}

ff_build "$preset" foliofuzz
bin=build/$preset/bin
cli=$bin/foliofuzz
mapfile -t targets < <(FF_CLI=$cli ff_targets)
[ ${#targets[@]} -gt 0 ] || ff_die 1 "'$cli targets' listed no fuzz target"
build_targets=()
for t in "${targets[@]}"; do
	build_targets+=("fuzz_${t}_replay" "corpus_$t")
done
ff_build "$preset" "${build_targets[@]}"
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
unset FOLIOFUZZ_BUGS

failed=()
fail() { # FILE WHY [OUTPUT]
	failed+=("$1")
	echo "replay.sh: FAIL $1: $2" >&2
	if [ -n "${3:-}" ]; then
		printf '%s\n' "$3" | tail -n 25 | sed 's/^/    /' >&2
	fi
}

# ---- 1. encoded corpora through the replay drivers ----------------------

n_inputs=0
for t in "${targets[@]}"; do
	dirs=("build/$preset/corpus/$t")
	raw=$(find "corpus/$t" -maxdepth 1 -type f ! -name '*.trace' ! -name '.*' 2>/dev/null | head -n 1)
	[ -n "$raw" ] && dirs+=("corpus/$t")
	if out=$("$bin/fuzz_${t}_replay" "${dirs[@]}" 2>&1); then
		n=$(sed -nE 's/^replayed ([0-9]+) inputs.*/\1/p' <<<"$out")
		n_inputs=$((n_inputs + ${n:-0}))
	else
		name=$(sed -n 's/^replay: failing input: //p' <<<"$out" | tail -n 1)
		fail "${name:-${dirs[*]}}" "fuzz_${t}_replay failed" "$out"
	fi
done

# ---- 2. text traces by their expectation ----------------------------------

n_traces=0
for trace in corpus/*/*.trace; do
	[ -f "$trace" ] || continue
	n_traces=$((n_traces + 1))
	# A leg that did not hold: "verify: FILE: leg L: FAILED: why" and
	# its run's output; a malformed line: "FILE:LINE: message" alone.
	if ! out=$("$cli" verify "$trace" 2>&1); then
		why=$(grep -m 1 ': FAILED: ' <<<"$out" | sed 's/^verify: [^ ]*: //')
		fail "$trace" "${why:-$(head -n 1 <<<"$out")}" "$([ -n "$why" ] && printf '%s' "$out")"
	fi
done

echo "replay.sh: $preset: $n_inputs encoded inputs of ${#targets[@]} targets, $n_traces traces"
if [ ${#failed[@]} -gt 0 ]; then
	echo "replay.sh: ${#failed[@]} FAILED:" >&2
	printf '  %s\n' "${failed[@]}" >&2
	exit 1
fi
echo "replay.sh: all passed"
