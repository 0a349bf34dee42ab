#!/usr/bin/env bash
# coverage.sh - source-based coverage (llvm-cov) of the model over the
# shipped corpora, and optionally over a campaign's corpus.
#
#   scripts/coverage.sh [DIR...]
#
# Builds the coverage preset (clang -fprofile-instr-generate
# -fcoverage-mapping, no sanitizers, no engine), then runs with
# LLVM_PROFILE_FILE set:
#   - each target's replay driver over its encoded corpus
#     (build/coverage/corpus/T/), and over each DIR whose path names the
#     target (work/T-libfuzzer/corpus, work/T-afl/sync/main/queue, ...;
#     a DIR that names no target goes to fuzz_ops_replay);
#   - `foliofuzz run` on every corpus/*/*.trace, with and without the
#     knobs its "# expect:" line names (the knobs' code paths count too).
# Writes build/coverage/html/index.html and prints the line and branch
# summary of the model and harness sources (src/mm, src/fs, src/lib,
# src/harness).  Exit: 0, 1 when a tool fails, 2 on bad usage.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" && ff_preamble coverage.sh || exit 1

dirs=()
for a in "$@"; do
	case $a in
	-h | --help | -*)
		echo "usage: scripts/coverage.sh [CORPUS_DIR...]" >&2
		exit 2
		;;
	esac
	[ -d "$a" ] || {
		echo "coverage.sh: no such directory: $a" >&2
		exit 2
	}
	dirs+=("$a")
done

ver=$(clang -dumpversion 2>/dev/null | cut -d. -f1)
profdata=$(command -v "llvm-profdata-$ver" || command -v llvm-profdata) ||
	ff_die 1 "llvm-profdata not found (Debian: llvm-$ver)"
llvm_cov=$(command -v "llvm-cov-$ver" || command -v llvm-cov) ||
	ff_die 1 "llvm-cov not found (Debian: llvm-$ver)"

ff_build coverage foliofuzz
mapfile -t targets < <(FF_CLI=build/coverage/bin/foliofuzz ff_targets)
[ ${#targets[@]} -gt 0 ] || ff_die 1 "'build/coverage/bin/foliofuzz targets' listed no fuzz target"
build=()
for t in "${targets[@]}"; do
	build+=("fuzz_${t}_replay" "corpus_$t")
done
ff_build coverage "${build[@]}"
b=build/coverage
rm -rf "$b/profraw" "$b/html"
mkdir -p "$b/profraw"
export LLVM_PROFILE_FILE=$PWD/$b/profraw/%p-%m.profraw
unset FOLIOFUZZ_BUGS

# Which target a corpus dir belongs to: the first target named in its path.
dir_target() {
	local t
	for t in "${targets[@]}"; do
		case /$1/ in
		*/"$t"/* | */"$t"-*) echo "$t" && return ;;
		esac
	done
	echo ops
}

runs=0
for t in "${targets[@]}"; do
	"$b/bin/fuzz_${t}_replay" "$b/corpus/$t" >/dev/null 2>&1 && runs=$((runs + 1))
done
for d in "${dirs[@]}"; do
	t=$(dir_target "$d")
	ff_say "$d through fuzz_${t}_replay"
	"$b/bin/fuzz_${t}_replay" "$d" >/dev/null 2>&1 || ff_say "note: $d had a failing input"
done
for trace in corpus/*/*.trace; do
	"$b/bin/foliofuzz" run "$trace" >/dev/null 2>&1
	# `foliofuzz expect`: KIND ID BUGS FINDING FIX.  A knob whose bug is
	# a wild pointer (ASAN) just crashes without ASan and writes no
	# profile: skip it.
	knobs=
	if IFS=$'\t' read -r kind id kbugs _ fix < <("$b/bin/foliofuzz" expect "$trace"); then
		case $kind in
		bug) [ "$id" = ASAN ] || knobs=$kbugs ;;
		finding) knobs=$fix ;;
		esac
		[ "$knobs" = - ] && knobs=
	fi
	if [ -n "$knobs" ]; then
		# Without ASan a knob's wild pointer may crash: that run's
		# profile is lost, nothing else.
		("$b/bin/foliofuzz" run --no-suppress --bugs="$knobs" "$trace" >/dev/null 2>&1) 2>/dev/null
	fi
done

shopt -s nullglob
raws=("$b"/profraw/*.profraw)
[ ${#raws[@]} -gt 0 ] || ff_die 1 "no profiles written under $b/profraw"
"$profdata" merge -sparse "${raws[@]}" -o "$b/foliofuzz.profdata" ||
	ff_die 1 "llvm-profdata merge failed"

objs=("$b/bin/foliofuzz")
for t in "${targets[@]}"; do
	objs+=(-object "$b/bin/fuzz_${t}_replay")
done
srcs=()
for d in src/mm src/fs src/lib src/harness; do
	[ -d "$d" ] && srcs+=("$PWD/$d")
done
"$llvm_cov" show "${objs[@]}" -instr-profile="$b/foliofuzz.profdata" \
	-format=html -output-dir="$b/html" -show-branches=count \
	-show-line-counts-or-regions "${srcs[@]}" >/dev/null ||
	ff_die 1 "llvm-cov show failed"
"$llvm_cov" report "${objs[@]}" -instr-profile="$b/foliofuzz.profdata" \
	-show-branch-summary "${srcs[@]}" >"$b/report.txt" ||
	ff_die 1 "llvm-cov report failed"

# Per directory and in total, from the report's file rows:
#   Filename Regions Missed Cover Functions Missed Executed Lines Missed
#   Cover Branches Missed Cover
echo
awk -v root="$PWD/" '
	function line(name, l, lm, br, bm) {
		printf "%-14s lines %6.2f%% (%5d/%5d)   branches %6.2f%% (%5d/%5d)\n",
			name, l ? 100 * (l - lm) / l : 0, l - lm, l,
			br ? 100 * (br - bm) / br : 0, br - bm, br
	}
	$1 ~ /\.c$/ && NF >= 13 {
		f = $1; sub(root, "", f); d = f; sub(/\/[^\/]*$/, "", d)
		if (d !~ /^src\//) d = "src/" d
		if (!(d in L)) order[++n] = d
		L[d] += $8; LM[d] += $9; B[d] += $11; BM[d] += $12
		tl += $8; tlm += $9; tb += $11; tbm += $12
	}
	END {
		for (i = 1; i <= n; i++) line(order[i], L[order[i]], LM[order[i]], B[order[i]], BM[order[i]])
		line("total", tl, tlm, tb, tbm)
	}' "$b/report.txt"
echo
ff_say "$runs corpora, $(ls corpus/*/*.trace | wc -l) traces${dirs:+, ${dirs[*]}}"
ff_say "per file: $b/report.txt; HTML: $b/html/index.html"
