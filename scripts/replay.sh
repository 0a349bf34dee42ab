#!/usr/bin/env bash
# replay.sh - engine-free replay of every shipped corpus and regression
# under ASan+UBSan, naming each failing file (SQLite fuzzcheck style).
#
#   scripts/replay.sh [PRESET]        PRESET: asan (default) or replay-gcc
#
# Builds the preset's CLI, replay drivers and encoded corpora, then:
#   1. each target's encoded corpus, build/PRESET/corpus/T/, through
#      fuzz_T_replay (and any raw, non-.trace files under corpus/T/);
#   2. every corpus/*/*.trace through `foliofuzz run`, as its "# expect:"
#      line says (the same rules as the ctest regress label):
#        none or "pass"                must pass;
#        "I_X with bugs=K"             passes without K, breaks I_X with K;
#        "ASAN with bugs=K"            passes without K, an ASan report with K;
#        "I_X finding=F fix=K"         --no-suppress reports F, a plain run
#                                      stops at F and passes, and
#                                      --no-suppress --bugs=K passes.
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

# check_run WANT_RC PATTERN -- ARGS: `foliofuzz run ARGS` must exit
# WANT_RC ("nonzero": any failure) with output matching PATTERN, and no
# sanitizer report unless a failure is wanted.  Prints why not, with the
# end of the output; nothing when it behaved.
check_run() {
	local want=$1 pat=$2 out rc why=
	shift 3
	out=$("$cli" run "$@" 2>&1)
	rc=$?
	case $want in
	nonzero) [ "$rc" -ne 0 ] ;;
	*) [ "$rc" -eq "$want" ] ;;
	esac || why="run $*: exit $rc, want $want"
	if [ -z "$why" ] && [ -n "$pat" ] && ! grep -qE -- "$pat" <<<"$out"; then
		why="run $*: output lacks /$pat/"
	fi
	if [ -z "$why" ] && [ "$want" != nonzero ] &&
		grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' <<<"$out"; then
		why="run $*: a sanitizer fired"
	fi
	[ -z "$why" ] && return
	echo "$why"
	printf '%s\n' "$out" | tail -n 25 | sed 's/^/    /'
}

n_traces=0
word='(^|[^A-Z0-9_])'
for trace in corpus/*/*.trace; do
	[ -f "$trace" ] || continue
	n_traces=$((n_traces + 1))
	expect=$(grep -m 2 -E '^#[[:space:]]*expect:' "$trace")
	if [ "$(grep -cE '^#[[:space:]]*expect:' "$trace")" -gt 1 ]; then
		fail "$trace" "more than one '# expect:' line"
		continue
	fi
	expect=$(sed -E 's/^#[[:space:]]*expect:[[:space:]]*//; s/[[:space:]]+$//' <<<"$expect")
	why=
	if [ -z "$expect" ] || [ "$expect" = pass ]; then
		why=$(check_run 0 '' -- "$trace")
	elif [[ $expect =~ ^(I_[A-Z0-9_]+)[[:space:]]+finding=(F_[A-Z0-9_]+)[[:space:]]+fix=([a-z0-9_]+)$ ]]; then
		f=${BASH_REMATCH[2]} k=${BASH_REMATCH[3]}
		why=$(check_run 1 "$word$f" -- --no-suppress "$trace")
		[ -n "$why" ] || why=$(check_run 0 "known finding $f" -- "$trace")
		[ -n "$why" ] || why=$(check_run 0 '' -- --no-suppress --bugs="$k" "$trace")
	elif [[ $expect =~ ^ASAN[[:space:]]+with[[:space:]]+bugs=([A-Za-z0-9_,]+)$ ]]; then
		k=${BASH_REMATCH[1]}
		why=$(check_run 0 '' -- "$trace")
		[ -n "$why" ] || why=$(check_run nonzero 'ERROR: AddressSanitizer' -- --bugs="$k" "$trace")
	elif [[ $expect =~ ^(I_[A-Z0-9_]+)[[:space:]]+with[[:space:]]+bugs=([A-Za-z0-9_,]+)$ ]]; then
		id=${BASH_REMATCH[1]} k=${BASH_REMATCH[2]}
		why=$(check_run 0 '' -- "$trace")
		[ -n "$why" ] || why=$(check_run 1 "invariant $id violated" -- --bugs="$k" "$trace")
	else
		why="cannot read '# expect: $expect'"
	fi
	[ -z "$why" ] || fail "$trace" "$why"
done

echo "replay.sh: $preset: $n_inputs encoded inputs of ${#targets[@]} targets, $n_traces traces"
if [ ${#failed[@]} -gt 0 ]; then
	echo "replay.sh: ${#failed[@]} FAILED:" >&2
	printf '  %s\n' "${failed[@]}" >&2
	exit 1
fi
echo "replay.sh: all passed"
