#!/usr/bin/env bash
# bugbench.sh - time to bug for every bug knob, per engine (DESIGN §10),
# Magma style: each knob re-introduces a known kernel bug; how long until
# an engine reports that bug's invariant?
#
#   scripts/bugbench.sh [--trials N] [--time S] [--engines LIST]
#                       [--knobs LIST] [--start LIST] [--out DIR]
#                       [--random-len L] [--no-build]
#
#   --trials N     trials per knob x engine x start (default 5); trial k
#                  uses seed k (libFuzzer -seed=k, AFL++ -s k, random
#                  --seed=k)
#   --time S       limit per trial, in seconds (default 300; 90s, 5m, 1h)
#   --engines L    libfuzzer, afl, random (default all three).  random is
#                  `foliofuzz random`: random programs with the target's op
#                  mix, no feedback, run in-process (the baseline).  afl
#                  needs afl-fuzz and the afl preset; when either is
#                  missing the engine is skipped, and the script says so.
#   --knobs L      knob names (default: every kind=bug knob of
#                  `foliofuzz knobs`); each is fuzzed with its target
#   --start L      seeds (the target's shipped corpus, build/asan/corpus/T;
#                  never corpus/regressions) and/or empty (libFuzzer: an
#                  empty corpus; AFL++: one 1-byte input, as it needs one;
#                  random: no seed files).  Default both.
#   --random-len L random programs are 1..L ops long (default 64)
#   --out DIR      default work/bugbench
#   --report       run nothing: remake the table and plots from
#                  DIR/trials.tsv (e.g. after appending another run's lines)
#
# The expected bug is the invariant id on the "# expect: ID with bugs=KNOB"
# line of corpus/regressions/KNOB.trace (ASAN: an AddressSanitizer
# report).  A trial ends at the first crash, or at the limit.  A crash with
# another id is a false alarm: it ends the trial as not found (libFuzzer
# and AFL++ stop at their first crash), and is counted apart.  Time is wall
# clock from the engine's start (process start, corpus loading included)
# to its exit on the crash, with sanitizer symbolization off (AFL++: to the crash file's appearance, polled
# every 50 ms).
#
# Writes DIR/trials.tsv (one line per trial), DIR/summary.md (the table,
# also printed), DIR/survival.png and DIR/survival-knobs.png (gnuplot;
# fraction of trials still searching over time, per engine/start, all
# knobs together and per knob), and DIR/runs/ (each trial's log and
# crash).  Exit 0, 1 when an engine failed to run, 2 on bad usage.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
FF_NAME=bugbench.sh
. scripts/lib.sh

usage() {
	[ $# -gt 0 ] && echo "bugbench.sh: $*" >&2
	cat >&2 <<EOF
usage: scripts/bugbench.sh [--trials N] [--time S] [--engines libfuzzer,afl,random]
                           [--knobs LIST] [--start seeds,empty] [--out DIR]
                           [--random-len L] [--no-build] [--report]
EOF
	exit 2
}

trials=5 time_arg=300 engines=libfuzzer,afl,random knobs='' starts=seeds,empty
out=work/bugbench rlen=64 build=1 report_only=
while [ $# -gt 0 ]; do
	opt=$1 val=
	case $opt in
	--*=*) val=${opt#*=} opt=${opt%%=*} ;;
	esac
	case $opt in
	--trials | --time | --engines | --knobs | --start | --out | --random-len)
		if [ -z "$val" ]; then
			[ $# -ge 2 ] || usage "$opt needs a value"
			val=$2
			shift
		fi
		;;
	esac
	case $opt in
	--trials) trials=$val ;;
	--time) time_arg=$val ;;
	--engines) engines=$val ;;
	--knobs) knobs=$val ;;
	--start) starts=$val ;;
	--out) out=$val ;;
	--random-len) rlen=$val ;;
	--no-build) build= ;;
	--report) report_only=1 ;;
	-h | --help) usage ;;
	*) usage "unknown argument: $opt" ;;
	esac
	shift
done

[[ $trials =~ ^[1-9][0-9]*$ ]] || usage "--trials wants a positive number, not '$trials'"
limit=$(ff_duration "$time_arg") || usage "--time wants a duration like 60, 90s or 5m, not '$time_arg'"
[[ $rlen =~ ^[1-9][0-9]*$ ]] && [ "$rlen" -le 4096 ] || usage "--random-len wants 1..4096, not '$rlen'"
engines=${engines//,/ } starts=${starts//,/ }
for e in $engines; do
	case $e in
	libfuzzer | afl | random) ;;
	*) usage "--engines: libfuzzer, afl or random, not '$e'" ;;
	esac
done
for s in $starts; do
	case $s in
	seeds | empty) ;;
	*) usage "--start: seeds or empty, not '$s'" ;;
	esac
done
[ -n "$engines" ] && [ -n "$starts" ] || usage "no engine or no start"

tsv=$out/trials.tsv
if [ -n "$report_only" ]; then
	[ -s "$tsv" ] || ff_die 1 "--report: no $tsv"
	build=
fi

cli=build/asan/bin/foliofuzz
[ -n "$build" ] && ff_build asan foliofuzz
[ -x "$cli" ] || ff_die 1 "$cli is missing (build the asan preset)"

run_trials() {
# ---- knobs, their targets and expected ids ----------------------------------

all=()
while IFS=$'\t' read -r name target kind; do
	[ "$kind" = bug ] || continue
	ktarget[$name]=$target
	all+=("$name")
done < <("$cli" knobs)
[ ${#all[@]} -gt 0 ] || ff_die 1 "'$cli knobs' lists no bug knob"
if [ -z "$knobs" ]; then
	knobs=${all[*]}
else
	knobs=${knobs//,/ }
	for k in $knobs; do
		[ -n "${ktarget[$k]:-}" ] ||
			usage "'$k' is not a bug knob (known: ${all[*]})"
	done
fi
run_knobs=()
for k in $knobs; do
	trace=corpus/regressions/$k.trace
	# `foliofuzz expect`: KIND ID BUGS FINDING FIX (a malformed line is
	# named FILE:LINE on stderr).
	id=
	if [ -f "$trace" ] && IFS=$'\t' read -r kind id kbugs _ < <("$cli" expect "$trace"); then
		[ "$kind" = bug ] && [[ ,$kbugs, == *,$k,* ]] || id=
	fi
	if [ -z "$id" ]; then
		ff_say "skipping knob $k: no '# expect: ID with bugs=$k' line in $trace" >&2
		continue
	fi
	kexpect[$k]=$id
	run_knobs+=("$k")
done
[ ${#run_knobs[@]} -gt 0 ] || ff_die 1 "no knob to run"
tlist=$(for k in "${run_knobs[@]}"; do echo "${ktarget[$k]}"; done | sort -u)
for t in $tlist; do
	ff_is_target "$t" || ff_die 1 "knob target '$t' has no fuzz/$t.c"
done

# ---- engines: build, and say plainly what cannot run ------------------------

if [ -n "$build" ]; then
	tg=()
	for t in $tlist; do
		tg+=("corpus_$t")
		[[ " $engines " == *" libfuzzer "* ]] && tg+=("fuzz_$t")
	done
	ff_build asan "${tg[@]}"
fi

run_engines=()
for e in $engines; do
	case $e in
	afl)
		if ! command -v afl-fuzz >/dev/null; then
			ff_say "AFL++ is not installed (afl-fuzz missing; Debian: apt-get install afl++): SKIPPING engine afl" >&2
			continue
		fi
		if ! cmake --list-presets 2>/dev/null | grep -q '"afl"'; then
			ff_say "no afl preset in CMakePresets.json: SKIPPING engine afl" >&2
			continue
		fi
		ok=1
		if [ -n "$build" ]; then
			tg=()
			for t in $tlist; do
				tg+=("fuzz_${t}_afl")
			done
			( [ -f build/afl/CMakeCache.txt ] || cmake --preset afl >/dev/null 2>&1 ) &&
				cmake --build --preset afl -j"$(nproc)" --target "${tg[@]}" >/dev/null 2>&1 || ok=
		fi
		for t in $tlist; do
			[ -x "build/afl/bin/fuzz_${t}_afl" ] || ok=
		done
		if [ -z "$ok" ]; then
			ff_say "the afl preset does not build fuzz_T_afl for: $tlist (cmake --preset afl && cmake --build --preset afl): SKIPPING engine afl" >&2
			continue
		fi
		;;
	libfuzzer)
		for t in $tlist; do
			[ -x "build/asan/bin/fuzz_$t" ] ||
				ff_die 1 "build/asan/bin/fuzz_$t is missing (the asan preset builds it)"
		done
		;;
	esac
	run_engines+=("$e")
done
[ ${#run_engines[@]} -gt 0 ] || ff_die 1 "no engine can run"

mkdir -p "$out/runs" || ff_die 1 "cannot create $out"
printf 'knob\ttarget\texpected\tengine\tstart\ttrial\tseed\tlimit_s\tfound\ttime_s\tid\tfalse_alarm\tlog\n' >"$tsv"
# No symbolization: it adds 0.1-0.4 s after each sanitizer report or
# libFuzzer crash, which would count as search time (afl-fuzz turns it off
# too).  Rerun a crash with foliofuzz run or fuzz_T_replay for symbols.
# abort_on_error=1: afl-fuzz refuses custom ASAN_OPTIONS without it, and
# libFuzzer records an abort like any other crash.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}abort_on_error=1:symbolize=0
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:report_error_type=1}:symbolize=0

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# The id a log reports: the invariant, ASAN, or another sanitizer/engine
# failure; empty when nothing crashed.
crash_id() {
	local log=$1 id
	id=$(sed -nE 's/.*==== foliofuzz: invariant (I_[A-Z0-9_]+) violated.*/\1/p' "$log" | head -1)
	[ -n "$id" ] && { echo "$id"; return; }
	grep -q 'ERROR: AddressSanitizer' "$log" && { echo ASAN; return; }
	grep -q 'ERROR: LeakSanitizer' "$log" && { echo LSAN; return; }
	grep -q 'runtime error:' "$log" && { echo UBSAN; return; }
	grep -q 'ERROR: libFuzzer: timeout' "$log" && { echo TIMEOUT; return; }
	grep -q 'ERROR: libFuzzer: out-of-memory' "$log" && { echo OOM; return; }
	grep -qE 'ERROR: libFuzzer: (deadly signal|fuzz target exited)' "$log" && { echo SIGNAL; return; }
	return 0
}

# Runs one trial; prints "found time id" (found 1/0, id - for none), or
# "error" when the engine did not run.
trial_libfuzzer() { # KNOB TARGET START SEED DIR
	local k=$1 t=$2 s=$3 seed=$4 dir=$5 t0 t1 o args=()
	mkdir -p "$dir/corpus"
	for o in $(ff_options "$t" libfuzzer); do
		args+=("-$o")
	done
	[ -f "dicts/$t.dict" ] && args+=(-dict="dicts/$t.dict")
	args+=(-seed="$seed" -max_total_time="$limit" -timeout=20
		-print_final_stats=1 -artifact_prefix="$dir/" "$dir/corpus")
	[ "$s" = seeds ] && args+=("build/asan/corpus/$t")
	t0=$(now)
	FOLIOFUZZ_BUGS=$k timeout -k 10 $((limit + 60)) "build/asan/bin/fuzz_$t" "${args[@]}" >"$dir/log" 2>&1
	t1=$(now)
	id=$(crash_id "$dir/log")
	if [ -z "$id" ] && ! grep -q 'Done [0-9]* runs in' "$dir/log"; then
		echo error
		return
	fi
	echo "$([ "$id" = "${kexpect[$k]}" ] && echo 1 || echo 0) $(elapsed "$t0" "$t1") ${id:--}"
}

trial_random() { # KNOB TARGET START SEED DIR
	local k=$1 t=$2 s=$3 seed=$4 dir=$5 t0 t1 rc args=()
	mkdir -p "$dir"
	args=(random --target="$t" --bugs="$k" --seconds="$limit" --seed="$seed"
		--len="$rlen" --save="$dir/found.trace")
	[ "$s" = seeds ] && args+=(--corpus="build/asan/corpus/$t")
	t0=$(now)
	timeout -k 10 $((limit + 60)) "$cli" "${args[@]}" >"$dir/log" 2>&1
	rc=$?
	t1=$(now)
	id=$(crash_id "$dir/log")
	if [ -z "$id" ] && { [ $rc -ne 0 ] || ! grep -q '^random: none after' "$dir/log"; }; then
		echo error
		return
	fi
	echo "$([ "$id" = "${kexpect[$k]}" ] && echo 1 || echo 0) $(elapsed "$t0" "$t1") ${id:--}"
}

trial_afl() { # KNOB TARGET START SEED DIR
	local k=$1 t=$2 s=$3 seed=$4 dir=$5 t0 t1='' crash tm pid args=()
	mkdir -p "$dir/in"
	if [ "$s" = seeds ]; then
		cp build/asan/corpus/"$t"/* "$dir/in/"
	else
		printf '\0' >"$dir/in/empty"
	fi
	[ -f "dicts/$t.dict" ] && args+=(-x "dicts/$t.dict")
	args+=(-i "$dir/in" -o "$dir/out" -V "$limit" -s "$seed" -m none)
	t0=$(now)
	AFL_NO_UI=1 AFL_BENCH_UNTIL_CRASH=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 \
		AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_CRASH_README=1 \
		FOLIOFUZZ_BUGS=$k \
		timeout -k 10 $((limit + 60)) afl-fuzz "${args[@]}" -- "build/afl/bin/fuzz_${t}_afl" \
		>"$dir/log" 2>&1 </dev/null &
	pid=$!
	# Watch for the first crash (every 50 ms), to time it on the same
	# wall clock as the other engines (AFL++'s time: field in the crash
	# name leaves out its startup and dry run).  AFL++ 4 skips a seed that
	# crashes in its dry run and fuzzes on; that seed is the find
	# (libFuzzer stops on it): watch the log for it too.
	while kill -0 "$pid" 2>/dev/null; do
		if grep -q "results in a crash" "$dir/log" ||
			compgen -G "$dir/out/default/crashes/id:*" >/dev/null; then
			t1=$(now)
			kill -TERM "$pid" 2>/dev/null
			break
		fi
		sleep 0.05
	done
	wait "$pid" 2>/dev/null
	[ -n "$t1" ] || t1=$(now)
	tm=$(elapsed "$t0" "$t1")
	crash=$(sed -nE "s/.*Test case '([^']+)' results in a crash.*/\1/p" "$dir/log" | head -1)
	if [ -n "$crash" ]; then
		crash=$(find "$dir/out" "$dir/in" -name "$(basename "$crash")" -type f | head -1)
	else
		crash=$(find "$dir/out" -path '*/crashes/id:*' -type f 2>/dev/null | sort | head -1)
	fi
	if [ -z "$crash" ]; then
		if grep -qE 'PROGRAM ABORT|Fatal error' "$dir/log"; then
			echo error
			return
		fi
		echo "0 $tm -"
		return
	fi
	cp "$crash" "$dir/crash"
	FOLIOFUZZ_BUGS=$k timeout 60 "$cli" run --target="$t" "$dir/crash" >"$dir/crash.log" 2>&1
	[ -n "$(crash_id "$dir/crash.log")" ] ||
		FOLIOFUZZ_BUGS=$k timeout 60 "build/afl/bin/fuzz_${t}_afl" "$dir/crash" >>"$dir/crash.log" 2>&1
	id=$(crash_id "$dir/crash.log")
	echo "$([ "$id" = "${kexpect[$k]}" ] && echo 1 || echo 0) $tm ${id:-no-repro}"
}

# ---- the trials -----------------------------------------------------------

total=$((${#run_knobs[@]} * ${#run_engines[@]} * $(wc -w <<<"$starts") * trials))
ff_say "${#run_knobs[@]} knob(s) x ${run_engines[*]} x $starts x $trials trial(s), limit $limit s each: $total trials, at most $((total * limit)) s"
n=0
for k in "${run_knobs[@]}"; do
	t=${ktarget[$k]}
	for e in "${run_engines[@]}"; do
		for s in $starts; do
			for ((i = 1; i <= trials; i++)); do
				n=$((n + 1))
				dir=$out/runs/$k/$e-$s-$i
				rm -rf "$dir"
				mkdir -p "$dir"
				if [ -n "${broken[$e]:-}" ]; then
					continue
				fi
				read -r found tm id < <("trial_$e" "$k" "$t" "$s" "$i" "$dir")
				if [ "$found" = error ]; then
					ff_say "engine $e failed to run ($dir/log); skipping it from here on:" >&2
					tail -15 "$dir/log" >&2
					broken[$e]=1
					failed=1
					continue
				fi
				fa=0
				[ "$found" = 0 ] && [ "$id" != - ] && fa=1
				printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$k" "$t" "${kexpect[$k]}" \
					"$e" "$s" "$i" "$i" "$limit" "$found" "$tm" "$id" "$fa" "$dir/log" >>"$tsv"
				what="not found"
				[ "$found" = 1 ] && what="found $id"
				[ "$fa" = 1 ] && what="FALSE ALARM $id (want ${kexpect[$k]})"
				ff_say "[$n/$total] $k $e $s trial $i: $what after $tm s" >&2
			done
		done
	done
done
}

failed=0
declare -A ktarget kexpect broken
if [ -n "$report_only" ]; then
	limit=$(tail -n +2 "$tsv" | cut -f8 | sort -g | tail -1)
	trials=$(tail -n +2 "$tsv" | cut -f6 | sort -g | tail -1)
	mapfile -t run_engines < <(tail -n +2 "$tsv" | cut -f4 | sort -u)
	mapfile -t run_knobs < <(tail -n +2 "$tsv" | cut -f1 | sort -u)
	starts=$(tail -n +2 "$tsv" | cut -f5 | sort -u | tr '\n' ' ')
else
	run_trials
fi

# ---- the table ---------------------------------------------------------------

# Sorted by group then time, not-found as +inf: the median is the middle.
summary() {
	tail -n +2 "$tsv" |
		awk -F'\t' -v OFS='\t' '{ print $1, $4, $5, ($9 == 1 ? $10 : 1e18), $9, $12, $11, $3, $8 }' |
		sort -t$'\t' -k1,1 -k2,2 -k3,3 -k4,4g |
		awk -F'\t' '
		function fmt(v) { return v >= 1e17 ? "-" : sprintf("%.2f", v) }
		function flush(   m, lo, hi, med, fa, i) {
			if (key == "")
				return
			# median over all trials, not-found = +inf (censored)
			if (n % 2)
				med = t[(n + 1) / 2]
			else
				med = (t[n / 2] >= 1e17 || t[n / 2 + 1] >= 1e17) ? 1e18 : (t[n / 2] + t[n / 2 + 1]) / 2
			lo = found ? t[1] : 1e18
			hi = found ? t[found] : 1e18
			mtxt = med >= 1e17 ? ("> " lim) : fmt(med)
			fatxt = nfa ? (nfa " (" fas ")") : "0"
			printf("| %s | %s | %s | %s | %s | %s | %s | %d/%d | %s |\n", kn, ex, eng, st,
				mtxt, fmt(lo), fmt(hi), found, n, fatxt)
		}
		{
			k = $1 "|" $2 "|" $3
			if (k != key) {
				flush()
				key = k; n = 0; found = 0; nfa = 0; fas = ""
				kn = $1; eng = $2; st = $3; ex = $8; lim = $9
			}
			t[++n] = $4
			if ($5 == 1)
				found++
			if ($6 == 1) {
				nfa++
				if (index(" " fas " ", " " $7 " ") == 0)
					fas = fas (fas == "" ? "" : " ") $7
			}
		}
		END { flush() }'
}

cpu=$(sed -nE 's/^model name[[:space:]]*: *//p' /proc/cpuinfo | head -1)
{
	echo "# foliofuzz bugbench: time to bug"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git describe --always --dirty 2>/dev/null || echo unknown)"
	echo "- machine: $(nproc) CPUs ($cpu), $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
	[ -n "$report_only" ] && echo "- remade with --report from $tsv ($(($(wc -l <"$tsv") - 1)) trials); their parameters:"
	echo "- command: scripts/bugbench.sh --trials $trials --time $limit --engines $(tr ' ' , <<<"${run_engines[*]}") --start $(tr ' ' , <<<"$starts" | sed 's/,$//') --knobs $(tr ' ' , <<<"${run_knobs[*]}") --random-len $rlen"
	echo
	echo "Seconds to the first crash with the knob's invariant (wall clock, engine"
	echo "start included).  median over all trials, a trial that did not find the"
	echo "bug counting as infinite (> limit when half or more did not); min and"
	echo "max over the trials that found it.  A false alarm is a crash with"
	echo "another id; it ends that trial as not found."
	echo
	echo "| knob | expect | engine | start | median s | min s | max s | found | false alarms |"
	echo "|---|---|---|---|---:|---:|---:|---:|---|"
	summary
	echo
} >"$out/summary.md"

# ---- the survival plot ------------------------------------------------------

plot() {
	local dat=$out/survival.dat gp=$out/survival.gp groups g k ks i
	if ! command -v gnuplot >/dev/null; then
		ff_say "gnuplot is missing (Debian: apt-get install gnuplot-nox): no survival plot" >&2
		return
	fi
	# One block per engine/start (and per knob): "t fraction still searching".
	survival() { # AWK-FILTER
		tail -n +2 "$tsv" | awk -F'\t' "$1" | sort -g |
			awk -v lim="$limit" '
			{ v[++n] = $1 }
			END {
				left = n
				printf "0.01 1\n"
				for (i = 1; i <= n; i++) {
					if (v[i] >= 1e17)
						break
					t = v[i] < 0.01 ? 0.01 : v[i]
					left--
					printf "%g %g\n", t, n ? left / n : 0
				}
				printf "%g %g\n\n\n", lim, n ? left / n : 0
			}'
	}
	groups=$(tail -n +2 "$tsv" | cut -f4,5 | sort -u | tr '\t' '/')
	# Colour by engine, dashes by start: readable in print too.
	style() {
		local c='#555555' d=1
		case ${1%/*} in
		libfuzzer) c='#1f5fbf' ;;
		afl) c='#c0392b' ;;
		random) c='#333333' ;;
		esac
		[ "${1#*/}" = empty ] && d=2
		printf "lw 2 lc rgb '%s' dt %d" "$c" "$d"
	}
	: >"$dat"
	for g in $groups; do
		survival "\$4 \"/\" \$5 == \"$g\" { print (\$9 == 1 ? \$10 : 1e18) }" >>"$dat"
	done
	ks=$(tail -n +2 "$tsv" | cut -f1 | sort -u)
	for k in $ks; do
		for g in $groups; do
			survival "\$1 == \"$k\" && \$4 \"/\" \$5 == \"$g\" { print (\$9 == 1 ? \$10 : 1e18) }" >>"$out/survival-knobs.dat"
		done
	done 2>/dev/null
	{
		echo "set terminal pngcairo size 900,560 font ',11'"
		echo "set termoption noenhanced"
		echo "set output '$out/survival.png'"
		echo "set title 'bugbench: trials still searching (all knobs; $trials trial(s) each, limit $limit s)'"
		echo "set xlabel 'seconds (log scale)'"
		echo "set ylabel 'fraction of trials without the bug'"
		echo "set logscale x"
		echo "set xrange [0.01:$limit]"
		echo "set yrange [0:1.05]"
		echo "set grid"
		echo "set key outside right"
		printf "plot "
		i=0
		for g in $groups; do
			[ $i -gt 0 ] && printf ", "
			printf "'%s' index %d using 1:2 with steps %s title '%s'" "$dat" "$i" "$(style "$g")" "$g"
			i=$((i + 1))
		done
		echo
	} >"$gp"
	local nk ng cols rows j
	nk=$(wc -w <<<"$ks")
	ng=$(wc -w <<<"$groups")
	cols=3
	rows=$(((nk + cols - 1) / cols))
	{
		echo "set terminal pngcairo size 1200,$((rows * 300 + 40)) font ',9'"
		echo "set termoption noenhanced"
		echo "set output '$out/survival-knobs.png'"
		echo "set multiplot layout $rows,$cols title 'bugbench: trials still searching, per knob (x: seconds, log scale)'"
		echo "set logscale x"
		echo "set xrange [0.01:$limit]"
		echo "set yrange [0:1.05]"
		echo "set grid"
		echo "set key bottom left font ',8' opaque"
		j=0
		for k in $ks; do
			echo "set title '$k'"
			printf "plot "
			i=0
			for g in $groups; do
				[ $i -gt 0 ] && printf ", "
				printf "'%s' index %d using 1:2 with steps %s title '%s'" "$out/survival-knobs.dat" $((j * ng + i)) "$(style "$g")" "$g"
				i=$((i + 1))
			done
			echo
			echo "unset key" # the first panel's key serves them all
			j=$((j + 1))
		done
		echo "unset multiplot"
	} >"$out/survival-knobs.gp"
	rm -f "$out/survival-knobs.dat.tmp"
	gnuplot "$gp" && gnuplot "$out/survival-knobs.gp" ||
		ff_say "gnuplot failed ($gp)" >&2
}
rm -f "$out/survival-knobs.dat"
plot

cat "$out/summary.md"
ff_say "raw: $tsv; plots: $out/survival.png $out/survival-knobs.png"
exit $failed
