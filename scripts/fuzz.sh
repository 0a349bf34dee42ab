#!/usr/bin/env bash
# fuzz.sh - a libFuzzer campaign on one fuzz target, resumable.
#
#   scripts/fuzz.sh [TARGET] [--time SECONDS] [-- LIBFUZZER_FLAGS...]
#
# TARGET is a fuzz/TARGET.c (default: ops); SECONDS defaults to 60.  Builds
# the asan preset (configuring it on first use), then fuzzes with the
# target's dictionary.  State lives in work/TARGET/: corpus/ (seeded from
# the shipped corpus on the first run, grown and reused afterwards) and
# crashes/ (libFuzzer artifacts).  Ends with the number of crashes; exits 1
# if this run found one, 0 otherwise, 2 on bad usage.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

usage() {
	echo "usage: scripts/fuzz.sh [TARGET] [--time SECONDS] [-- LIBFUZZER_FLAGS...]" >&2
	local f names=
	for f in fuzz/*.c; do
		f=${f#fuzz/}
		[ "$f" = replay_main.c ] || names="$names ${f%.c}"
	done
	echo "targets:$names" >&2
	exit 2
}

target=ops
time=60
extra=()
target_set=
while [ $# -gt 0 ]; do
	case $1 in
	--time)
		[ $# -ge 2 ] || usage
		time=$2
		shift 2
		;;
	--time=*)
		time=${1#--time=}
		shift
		;;
	-h | --help)
		usage
		;;
	--)
		shift
		extra=("$@")
		break
		;;
	-*)
		echo "fuzz.sh: unknown option: $1" >&2
		usage
		;;
	*)
		if [ -n "$target_set" ]; then
			echo "fuzz.sh: one target at a time ('$target', '$1')" >&2
			usage
		fi
		target=$1
		target_set=1
		shift
		;;
	esac
done
case $time in
'' | *[!0-9]*)
	echo "fuzz.sh: --time wants whole seconds, got '$time'" >&2
	usage
	;;
esac
if [ ! -f "fuzz/$target.c" ] || [ "$target" = replay_main ]; then
	echo "fuzz.sh: no fuzz target '$target'" >&2
	usage
fi

[ -f build/asan/CMakeCache.txt ] || cmake --preset asan
cmake --build --preset asan -j2 --target "fuzz_$target" "corpus_$target"

work=work/$target
mkdir -p "$work/corpus" "$work/crashes"
if [ -z "$(ls -A "$work/corpus")" ]; then
	echo "fuzz.sh: seeding $work/corpus from the shipped corpus"
	cp -R "build/asan/corpus/$target/." "$work/corpus/"
else
	echo "fuzz.sh: resuming with $(find "$work/corpus" -maxdepth 1 -type f | wc -l) inputs in $work/corpus"
fi

dict=()
[ -f "dicts/$target.dict" ] && dict=("-dict=dicts/$target.dict")

crash_files() {
	find "$work/crashes" -maxdepth 1 -type f \
		\( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
		-o -name 'oom-*' \) "$@" | sort
}

stamp=$work/.last-run
touch "$stamp"
rc=0
"build/asan/bin/fuzz_$target" -max_total_time="$time" "${dict[@]}" \
	-artifact_prefix="$work/crashes/" -print_final_stats=1 \
	"${extra[@]}" "$work/corpus" || rc=$?

total=$(crash_files | wc -l)
mapfile -t new < <(crash_files -newer "$stamp")
echo "fuzz.sh: $target: $total crash(es) in $work/crashes/, ${#new[@]} new this run"
if [ ${#new[@]} -gt 0 ]; then
	for f in "${new[@]}"; do
		echo "fuzz.sh: new: $f"
	done
	echo "fuzz.sh: read it with  build/asan/bin/foliofuzz decode ${new[0]}"
	echo "fuzz.sh: rerun it with build/asan/bin/foliofuzz run ${new[0]}"
	exit 1
fi
if [ "$rc" -ne 0 ]; then
	echo "fuzz.sh: fuzz_$target exited with status $rc" >&2
	exit 1
fi
