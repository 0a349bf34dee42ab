#!/usr/bin/env bash
# bugbench.sh - time to bug for every bug knob, per engine (docs/design.md §22),
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
#   --engines L    random, libfuzzer-plain, libfuzzer, afl (default all
#                  four).  random is `foliofuzz random`: random programs
#                  with the target's op mix, no feedback, run in-process
#                  (the baseline).  libfuzzer-plain is libFuzzer's own byte
#                  mutation and edge coverage only (FOLIOFUZZ_MUTATOR=0,
#                  FOLIOFUZZ_STATE_FEEDBACK=0); libfuzzer adds the op-level
#                  mutator and the state feedback (FOLIOFUZZ_MUTATOR=1,
#                  the default rows: what fuzz_T runs by default);
#                  libfuzzer-mutator and libfuzzer-feedback have one of
#                  the two each (what each adds on its own; not in the
#                  default).  afl is AFL++ with the op-level custom
#                  mutator and the state feedback.  afl needs afl-fuzz and the afl preset;
#                  when either is missing the engine is skipped, and the
#                  script says so.
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
#   --recheck      run no trial: rerun every false alarm of DIR/trials.tsv
#                  without its knob (as trials now do) and relabel those
#                  the knob caused as found; then remake the table
#
# The expected bug is the invariant id on the "# expect: ID with bugs=KNOB"
# line of corpus/regressions/KNOB.trace (ASAN: an AddressSanitizer
# report).  A trial ends at the first crash, or at the limit.  A crash with
# another id is rerun without the knob: if it passes, the knob caused it
# (the same bug, caught by another invariant first: a lost reference may
# show as an underflow before the count is checked), and it counts as found
# under the id it reported; if it still fails, it is a false alarm: it ends
# the trial as not found (libFuzzer and AFL++ stop at their first crash),
# and is counted apart.  Time is wall
# clock from the engine's start (process start, corpus loading included)
# to its exit on the crash, with sanitizer symbolization off (AFL++: to the crash file's appearance, polled
# every 50 ms).
#
# Writes DIR/trials.tsv (one line per trial), DIR/summary.md (the table,
# also printed), DIR/survival.png and DIR/survival-knobs.png (gnuplot;
# fraction of trials still searching over time, per engine/start, all
# knobs together and per knob), and DIR/runs/ (each trial's log and
# crash).  Exit 0, 1 when an engine failed to run, 2 on bad usage.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" && ff_preamble bugbench.sh || exit 1

FF_USAGE="usage: scripts/bugbench.sh [--trials N] [--time S] [--engines random,libfuzzer-plain,libfuzzer,libfuzzer-mutator,libfuzzer-feedback,afl]
                           [--knobs LIST] [--start seeds,empty] [--out DIR]
                           [--random-len L] [--no-build] [--report] [--recheck]"
usage() { ff_usage "$@"; }

trials=5 time_arg=300 engines=random,libfuzzer-plain,libfuzzer,afl knobs='' starts=seeds,empty
out=work/bugbench rlen=64 build=1 report_only= recheck=
while [ $# -gt 0 ]; do
	ff_opt "--trials --time --engines --knobs --start --out --random-len" "$@" ||
		usage "$FF_OPT $FF_ERR"
	shift "$FF_SHIFT"
	case $FF_OPT in
	--trials) trials=$FF_VAL ;;
	--time) time_arg=$FF_VAL ;;
	--engines) engines=$FF_VAL ;;
	--knobs) knobs=$FF_VAL ;;
	--start) starts=$FF_VAL ;;
	--out) out=$FF_VAL ;;
	--random-len) rlen=$FF_VAL ;;
	--no-build) build= ;;
	--report) report_only=1 ;;
	--recheck) report_only=1 recheck=1 ;;
	-h | --help) usage ;;
	*) usage "unknown argument: $FF_OPT" ;;
	esac
done

[[ $trials =~ ^[1-9][0-9]*$ ]] || usage "--trials wants a positive number, not '$trials'"
limit=$(ff_duration "$time_arg") || usage "--time wants a duration like 60, 90s or 5m, not '$time_arg'"
[[ $rlen =~ ^[1-9][0-9]*$ ]] && [ "$rlen" -le 4096 ] || usage "--random-len wants 1..4096, not '$rlen'"
engines=${engines//,/ } starts=${starts//,/ }
for e in $engines; do
	case $e in
	libfuzzer | libfuzzer-plain | libfuzzer-mutator | libfuzzer-feedback | afl | random) ;;
	*) usage "--engines: random, libfuzzer-plain, libfuzzer, libfuzzer-mutator, libfuzzer-feedback or afl, not '$e'" ;;
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

# Did the knob cause the crash a trial saved in DIR?  Its input (libFuzzer's
# crash-*, random's found.trace, AFL++'s crash) rerun on TARGET without any
# knob passes.
knob_caused() { # DIR TARGET
	local f
	f=$(find "$1" -maxdepth 1 \( -name 'crash-*' -o -name found.trace -o -name crash \) -type f | head -1)
	[ -n "$f" ] || return 1
	env -u FOLIOFUZZ_BUGS timeout 60 "$cli" run --target="$2" "$f" >/dev/null 2>&1
}

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
		[[ " $engines " == *" libfuzzer"* ]] && tg+=("fuzz_$t")
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
			tg=(ff_afl_mutator)
			for t in $tlist; do
				tg+=("fuzz_${t}_afl")
			done
			( [ -f build/afl/CMakeCache.txt ] || cmake --preset afl >/dev/null 2>&1 ) &&
				cmake --build --preset afl -j"$(nproc)" --target "${tg[@]}" >/dev/null 2>&1 || ok=
		fi
		for t in $tlist; do
			[ -x "build/afl/bin/fuzz_${t}_afl" ] || ok=
		done
		[ -f build/afl/lib/libff_afl_mutator.so ] || ok=
		if [ -z "$ok" ]; then
			ff_say "the afl preset does not build fuzz_T_afl for: $tlist (cmake --preset afl && cmake --build --preset afl): SKIPPING engine afl" >&2
			continue
		fi
		;;
	libfuzzer | libfuzzer-plain | libfuzzer-mutator | libfuzzer-feedback)
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

now() { date +%s%N; } # nanoseconds
elapsed() { # T0 T1 (now): seconds between them, to the millisecond
	local ms=$((($2 - $1) / 1000000))
	printf '%d.%03d' $((ms / 1000)) $((ms % 1000))
}

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
trial_libfuzzer-plain() { # KNOB TARGET START SEED DIR
	FOLIOFUZZ_MUTATOR=0 FOLIOFUZZ_STATE_FEEDBACK=0 run_libfuzzer "$@"
}

trial_libfuzzer() { # KNOB TARGET START SEED DIR
	FOLIOFUZZ_MUTATOR=1 FOLIOFUZZ_STATE_FEEDBACK=1 run_libfuzzer "$@"
}

trial_libfuzzer-mutator() { # KNOB TARGET START SEED DIR
	FOLIOFUZZ_MUTATOR=1 FOLIOFUZZ_STATE_FEEDBACK=0 run_libfuzzer "$@"
}

trial_libfuzzer-feedback() { # KNOB TARGET START SEED DIR
	FOLIOFUZZ_MUTATOR=0 FOLIOFUZZ_STATE_FEEDBACK=1 run_libfuzzer "$@"
}

run_libfuzzer() { # KNOB TARGET START SEED DIR (the environment picks the mode)
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
		AFL_CUSTOM_MUTATOR_LIBRARY="$PWD/build/afl/lib/libff_afl_mutator.so" \
		FOLIOFUZZ_TARGET=$t FOLIOFUZZ_STATE_FEEDBACK=1 FOLIOFUZZ_BUGS=$k \
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
				if [ "$found" = 0 ] && [ "$id" != - ]; then
					if knob_caused "$dir" "$t"; then
						found=1
					else
						fa=1
					fi
				fi
				printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$k" "$t" "${kexpect[$k]}" \
					"$e" "$s" "$i" "$i" "$limit" "$found" "$tm" "$id" "$fa" "$dir/log" >>"$tsv"
				what="not found"
				[ "$found" = 1 ] && what="found $id"
				[ "$found" = 1 ] && [ "$id" != "${kexpect[$k]}" ] &&
					what="found $id (the knob's bug; expected ${kexpect[$k]})"
				[ "$fa" = 1 ] && what="FALSE ALARM $id (want ${kexpect[$k]})"
				ff_say "[$n/$total] $k $e $s trial $i: $what after $tm s" >&2
			done
		done
	done
done
}

failed=0
declare -A ktarget kexpect broken
if [ -n "$recheck" ]; then
	[ -f "$tsv" ] || ff_die 2 "--recheck: no $tsv"
	tmp=$(mktemp "$tsv.XXXXXX") || ff_die 1 "cannot write beside $tsv"
	while IFS=$'\t' read -r k t x e s i sd lim found tm id fa log; do
		if [ "$k" != knob ] && [ "$fa" = 1 ] && knob_caused "$(dirname "$log")" "$t"; then
			found=1 fa=0
			ff_say "recheck: $k $e $s trial $i: $id passes without the knob: found" >&2
		fi
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
			"$k" "$t" "$x" "$e" "$s" "$i" "$sd" "$lim" "$found" "$tm" "$id" "$fa" "$log"
	done <"$tsv" >"$tmp" && mv "$tmp" "$tsv" || ff_die 1 "cannot rewrite $tsv"
fi
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
#
# benchstat.py summary: median over all trials, a trial that did not find
# the bug counting as +inf (censored), min and max over the trials that did.

{
	echo "# foliofuzz bugbench: time to bug"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git describe --always --dirty 2>/dev/null || echo unknown)"
	echo "- machine: $(ff_benchstat machine)"
	[ -n "$report_only" ] && echo "- remade with --report from $tsv ($(($(wc -l <"$tsv") - 1)) trials); their parameters:"
	echo "- command: scripts/bugbench.sh --trials $trials --time $limit --engines $(tr ' ' , <<<"${run_engines[*]}") --start $(tr ' ' , <<<"$starts" | sed 's/,$//') --knobs $(tr ' ' , <<<"${run_knobs[*]}") --random-len $rlen"
	echo
	echo "Seconds to the first crash with the knob's invariant (wall clock, engine"
	echo "start included).  median over all trials, a trial that did not find the"
	echo "bug counting as infinite (> limit when half or more did not); min and"
	echo "max over the trials that found it.  A crash with another id that"
	echo "passes without the knob is the knob's bug caught by another"
	echo "invariant: found.  A false alarm is a crash with another id that"
	echo "also fails without the knob; it ends that trial as not found."
	echo
	ff_benchstat summary "$tsv" || failed=1
	echo
} >"$out/summary.md"

# ---- the survival plot ------------------------------------------------------

plot() {
	local dat=$out/survival.dat gp=$out/survival.gp groups g k ks i
	if ! command -v gnuplot >/dev/null; then
		ff_say "gnuplot is missing (Debian: apt-get install gnuplot-nox): no survival plot" >&2
		return
	fi
	# One block per engine/start (and per knob): "t fraction still
	# searching"; benchstat.py names the blocks in the order it wrote them.
	groups=$(ff_benchstat survival "$tsv" --limit "$limit" --out "$dat") || {
		ff_say "benchstat.py survival failed: no survival plot" >&2
		return
	}
	ks=$(ff_benchstat survival "$tsv" --limit "$limit" --per-knob \
		--out "$out/survival-knobs.dat" | cut -f1 | uniq) || return
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
	gnuplot "$gp" && gnuplot "$out/survival-knobs.gp" ||
		ff_say "gnuplot failed ($gp)" >&2
}
plot

cat "$out/summary.md"
ff_say "raw: $tsv; plots: $out/survival.png $out/survival-knobs.png"
exit $failed
