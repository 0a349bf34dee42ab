#!/usr/bin/env bash
# bench.sh - speed measurements (docs/design.md §22): steps/s and harness efficiency.
#
#   scripts/bench.sh [--time S] [--bench-seconds S] [--targets LIST]
#                    [--presets LIST] [--no-sweep] [--max-len N]
#                    [--out DIR] [--no-build] [--kshim DIR]
#
# 1. `foliofuzz bench` (checked steps/s and unchecked ops/s over a pool of
#    random programs) in each preset of --presets (default release,asan):
#    for every fuzz target's op mix at the default world (512 pfns, 64-op
#    programs), then, for target ops, the step cost against world size
#    (--pfns 128 512 1024 4096) and program length (--len 16 64 256 1024).
#    Each point runs --bench-seconds checked plus as long unchecked
#    (default 2).  --presets none skips this part; --no-sweep the sweeps.
# 2. libFuzzer exec/s (asan preset: ASan+UBSan) of every fuzz target for
#    --time seconds (default 20) from its shipped corpus, then of fuzz_null
#    (fuzz/null.c: reads the input, nothing else) for as long on the
#    corpus the target ended with, with the same -max_len (default 4096),
#    dictionary and seed: their ratio is the harness efficiency.  Peak RSS
#    from -print_final_stats=1.  --time 0 skips this part.  With --kshim
#    DIR (a scripts/kshim.sh build), each target is also fuzzed as DIR's
#    fuzz_T, the kernel tree's code linked in, from the same seeds and
#    against the same fuzz_null run: a row "T@kshim-RELEASE".
#
# Runs one thing at a time (one core).  Writes DIR/cli.tsv,
# DIR/libfuzzer.tsv and DIR/bench.md (the tables, also printed), default
# DIR work/bench.  Exit 0, 1 when a run failed, 2 on bad usage.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" && ff_preamble bench.sh || exit 1

FF_USAGE="usage: scripts/bench.sh [--time S] [--bench-seconds S] [--targets LIST]
                        [--presets LIST|none] [--no-sweep] [--max-len N]
                        [--out DIR] [--no-build]
targets: @TARGETS@"
usage() { ff_usage "$@"; }

time_s=20 bench_s=2 targets='' presets=release,asan sweep=1 max_len=4096
out=work/bench build=1 kshim=
while [ $# -gt 0 ]; do
	ff_opt "--time --bench-seconds --targets --presets --max-len --out --kshim" "$@" ||
		usage "$FF_OPT $FF_ERR"
	shift "$FF_SHIFT"
	case $FF_OPT in
	--time) time_s=$FF_VAL ;;
	--bench-seconds) bench_s=$FF_VAL ;;
	--targets) targets=$FF_VAL ;;
	--presets) presets=$FF_VAL ;;
	--max-len) max_len=$FF_VAL ;;
	--out) out=$FF_VAL ;;
	--no-sweep) sweep= ;;
	--no-build) build= ;;
	--kshim) kshim=$FF_VAL ;;
	-h | --help) usage ;;
	*) usage "unknown argument: $FF_OPT" ;;
	esac
done

if [ "$time_s" != 0 ]; then
	time_s=$(ff_duration "$time_s") || usage "--time wants seconds (or 0), not '$time_s'"
fi
[[ $bench_s =~ ^[1-9][0-9]*$ ]] || usage "--bench-seconds wants whole seconds >= 1, not '$bench_s'"
[[ $max_len =~ ^[1-9][0-9]*$ ]] || usage "--max-len wants a positive number, not '$max_len'"
if [ -z "$targets" ]; then
	targets=$(ff_targets | xargs)
else
	targets=${targets//,/ }
	for t in $targets; do
		ff_is_target "$t" || usage "no fuzz target '$t'"
	done
fi
[ -z "$kshim" ] || [ -x "$kshim/bin/foliofuzz" ] ||
	usage "--kshim: no kshim build in '$kshim' (scripts/kshim.sh --out DIR)"
[ "$presets" = none ] && presets=
presets=${presets//,/ }
for p in $presets; do
	case $p in
	release | asan) ;;
	*) usage "--presets: release, asan or none, not '$p'" ;;
	esac
done

# ---- build ------------------------------------------------------------------

if [ -n "$build" ]; then
	for p in $presets; do
		ff_build "$p" foliofuzz
	done
	if [ "$time_s" != 0 ]; then
		tg=(fuzz_null)
		for t in $targets; do
			tg+=("fuzz_$t" "corpus_$t")
		done
		ff_build asan "${tg[@]}"
	fi
fi

mkdir -p "$out" || ff_die 1 "cannot create $out"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0

# ---- the machine ------------------------------------------------------------

{
	echo "# foliofuzz bench"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- commit: $(git describe --always --dirty 2>/dev/null || echo unknown)"
	echo "- machine: $(ff_benchstat machine), load average $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "- compiler: $(clang --version 2>/dev/null | head -1)"
	echo "- command: scripts/bench.sh --time $time_s --bench-seconds $bench_s --targets ${targets// /,} --presets $(tr ' ' , <<<"${presets:-none}")$([ -n "$sweep" ] || echo " --no-sweep") --max-len $max_len"
	echo
} >"$out/bench.md"

# ---- 1. foliofuzz bench -----------------------------------------------------

printf 'preset\ttarget\tpfns\tlen\tseed\tseconds\tchecked_steps_per_cpu_s\tunchecked_ops_per_cpu_s\tns_per_step\tchecked_steps_per_wall_s\tunchecked_ops_per_wall_s\n' >"$out/cli.tsv"

bench_point() { # PRESET TARGET PFNS LEN
	local line
	ff_say "foliofuzz bench ($1): target $2, $3 pfns, len $4" >&2
	if ! line=$("build/$1/bin/foliofuzz" bench --tsv --target="$2" \
		--pfns="$3" --len="$4" --seconds="$bench_s" 2>"$tmp/bench.err"); then
		cat "$tmp/bench.err" >&2
		ff_say "foliofuzz bench failed ($1, $2, $3 pfns, len $4)" >&2
		fail=1
		return
	fi
	printf '%s\t%s\n' "$1" "$line" >>"$out/cli.tsv"
}

for p in $presets; do
	for t in $targets; do
		bench_point "$p" "$t" 512 64
	done
	if [ -n "$sweep" ]; then
		for n in 128 1024 4096; do
			bench_point "$p" ops "$n" 64
		done
		for l in 16 256 1024; do
			bench_point "$p" ops 512 "$l"
		done
	fi
done

if [ -n "$presets" ]; then
	{
		echo "## foliofuzz bench: checked steps/s"
		echo
		echo "One step = one op plus the incremental invariant check (the full"
		echo "sweep every cfg.sweep_every steps, world creation and teardown with"
		echo "its final check included); unchecked = the same programs with"
		echo "checking off.  A pool of 64 seeded random programs of len ops (the"
		echo "target's op mix), $bench_s s each.  Rates per CPU second of the"
		echo "process (one core, robust to a busy machine); per wall second in"
		echo "cli.tsv.  check share = the part of the time spent checking."
		echo
		ff_benchstat cli-table "$out/cli.tsv" || fail=1
		echo
	} >>"$out/bench.md"
fi

# ---- 2. libFuzzer exec/s against the null target ----------------------------

ff_benchstat lf-row --header >"$out/libfuzzer.tsv"

# Runs libFuzzer; LOG.time gets the CPU seconds it used, "USER SYS".
lf_run() { # BINARY LOG DICT CORPUS_DIRS...
	local bin=$1 log=$2 dict=$3 rc TIMEFORMAT='%U %S'
	shift 3
	local args=(-max_total_time="$time_s" -max_len="$max_len" -seed=1
		-print_final_stats=1 -artifact_prefix="$tmp/art-")
	[ -f "$dict" ] && args+=(-dict="$dict")
	{ time timeout -k 10 $((time_s + 120)) "$bin" "${args[@]}" "$@" >"$log" 2>&1; } 2>"$log.time"
	rc=$?
	grep -q '^Done [0-9]* runs' "$log"
}

# Fuzzes target T's binary BIN from T's seeds into NEW; on a failure,
# says so with the log's tail and sets fail.
lf_target() { # BIN LOG T NEW
	ff_say "libFuzzer: $1 for $time_s s" >&2
	lf_run "$1" "$2" "dicts/$3.dict" "$4" "build/asan/corpus/$3" && return 0
	ff_say "$1 failed (crash or error); its log:" >&2
	tail -40 "$2" >&2
	fail=1
	return 1
}

if [ "$time_s" != 0 ]; then
	for t in $targets; do
		seeds=build/asan/corpus/$t
		new=$tmp/$t-new nulldir=$tmp/$t-null
		mkdir -p "$new" "$nulldir"
		lf_target "build/asan/bin/fuzz_$t" "$tmp/$t.log" "$t" "$new" || continue
		ff_say "libFuzzer: fuzz_null for $time_s s on fuzz_$t's corpus" >&2
		if ! lf_run build/asan/bin/fuzz_null "$tmp/$t-null.log" "dicts/$t.dict" "$nulldir" "$new" "$seeds"; then
			ff_say "fuzz_null failed; its log:" >&2
			tail -40 "$tmp/$t-null.log" >&2
			fail=1
			continue
		fi
		ff_benchstat lf-row --target "$t" --seconds "$time_s" --max-len "$max_len" \
			--log "$tmp/$t.log" --null-log "$tmp/$t-null.log" \
			--time-file "$tmp/$t.log.time" --null-time-file "$tmp/$t-null.log.time" \
			--corpus "$new" "$seeds" >>"$out/libfuzzer.tsv" || fail=1
		[ -n "$kshim" ] || continue
		# the same target with the kernel tree's code (scripts/kshim.sh)
		krel=$("$kshim/bin/foliofuzz" kshim | sed -n 's/^Linux \([^,]*\),.*/\1/p')
		knew=$tmp/$t-kshim
		mkdir -p "$knew"
		lf_target "$kshim/bin/fuzz_$t" "$tmp/$t-kshim.log" "$t" "$knew" || continue
		ff_benchstat lf-row --target "$t@kshim-$krel" --seconds "$time_s" --max-len "$max_len" \
			--log "$tmp/$t-kshim.log" --null-log "$tmp/$t-null.log" \
			--time-file "$tmp/$t-kshim.log.time" --null-time-file "$tmp/$t-null.log.time" \
			--corpus "$knew" "$seeds" >>"$out/libfuzzer.tsv" || fail=1
	done
	{
		echo "## libFuzzer exec/s (asan preset: ASan+UBSan) against the null target"
		echo
		echo "Each target fuzzed $time_s s from its shipped corpus (-seed=1, its dictionary,"
		echo "-max_len=$max_len); then fuzz_null as long on the corpus the target ended with,"
		echo "same flags.  exec/s = executions per CPU second of the process (user + sys,"
		echo "corpus loading included), then libFuzzer's own average_exec_per_sec (wall)."
		echo "efficiency = target exec/s / null exec/s (per CPU second)."
		echo
		ff_benchstat lf-table "$out/libfuzzer.tsv" || fail=1
		echo
	} >>"$out/bench.md"
fi

cat "$out/bench.md"
ff_say "tables: $out/bench.md; raw: $out/cli.tsv $out/libfuzzer.tsv"
exit $fail
