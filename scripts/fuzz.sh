#!/usr/bin/env bash
# fuzz.sh - a resumable fuzz campaign on one target, with libFuzzer or AFL++.
#
#   scripts/fuzz.sh [TARGET] [--engine libfuzzer|afl] [--time DURATION]
#                   [--jobs N] [--bugs LIST|help] [--workdir DIR]
#                   [--kshim DIR] [--status-every SECONDS] [--dry-run]
#                   [-- ENGINE_FLAGS...]
#
# Defaults: target ops, libFuzzer, 60 s, one job, no bug knobs, work dir
# work/TARGET-ENGINE.  DURATION is 90, 90s, 10m, 1h or 2d.  Builds what the
# engine needs (asan preset for libFuzzer, afl for AFL++, which is
# installed from Debian when missing) and fuzzes fuzz_TARGET with the
# shipped corpus (build/<preset>/corpus/TARGET/, encoded from
# corpus/TARGET/*.trace), dicts/TARGET.dict and fuzz/TARGET.options.
#
#   --jobs N    libFuzzer: fork mode, -fork=N -ignore_crashes=1, so the
#               campaign outlives its crashes and collects every one;
#               AFL++: one main and N-1 secondaries sharing a sync dir.
#               With one libFuzzer job, the run stops at its first crash.
#   --bugs L    FOLIOFUZZ_BUGS=L for the target (bug knobs; checked with
#               `foliofuzz run --bugs=` first; `--bugs help` lists them).
#   --kshim D   fuzz the kshim build in D (scripts/kshim.sh --out D): its
#               bin/fuzz_TARGET runs the kernel tree's code; crashes are
#               named and reported by its bin/foliofuzz, and expected
#               differences of that tree are suppressed unless
#               FOLIOFUZZ_NO_SUPPRESS is set (docs/kshim.md).  libFuzzer
#               only; the default work dir is work/TARGET-kshim-RELEASE.
#
# AFL++ also runs foliofuzz's op-level mutator (src/harness/mutate.c) as a
# custom mutator, build/afl/lib/libff_afl_mutator.so (fuzz/afl_mutator.c),
# beside its own havoc and splice: AFL_CUSTOM_MUTATOR_LIBRARY and
# FOLIOFUZZ_TARGET=TARGET are set for afl-fuzz.  FOLIOFUZZ_MUTATOR=0 in the
# environment runs AFL++'s mutations alone, and libFuzzer's own (the
# op-level mutator is on by default there too: fuzz/fuzz.h).
#
# The work dir keeps everything and a second run resumes from it:
#   corpus/         libFuzzer corpus (AFL++: sync/*/queue)
#   crashes/        every crash input the moment the engine saves it, then
#                   renamed ID-HASH by its invariant id (or sanitizer kind,
#                   e.g. asan-heap-buffer-overflow), with ID-HASH.trace
#                   (the decoded program) and ID-HASH.report beside it
#   progress.tsv    one line per status tick, across runs (scripts/plot.sh)
#   campaign.conf   target, engine and knobs, for triage.sh and resumes
#   log/            the engine's output, one file per run and instance
# SIGINT, SIGTERM and SIGHUP stop the engine cleanly: libFuzzer's fork-mode
# job corpora are salvaged and merged into corpus/, so nothing found is
# lost (the same happens at the next start after a SIGKILL).  The traps
# are in place before the build.  A backgrounded run (&, nohup, CI)
# ignores SIGINT: stop it with SIGTERM.  If the script itself is killed
# (kill -9, OOM killer), the engine dies with it (setpriv --pdeathsig and
# a watchdog), and AFL++ stops at --time on its own (-V).  A work dir in
# use names the PID of the fuzz.sh holding it.
#
# Exit: 0 when this run found no crash, 1 when it did (or the engine
# failed), 2 on bad usage or an unknown bug knob.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" && ff_preamble fuzz.sh || exit 1

FF_USAGE="usage: scripts/fuzz.sh [TARGET] [--engine libfuzzer|afl] [--time DURATION]
                       [--jobs N] [--bugs LIST|help] [--workdir DIR] [--kshim DIR]
                       [--status-every SECONDS] [--dry-run] [-- ENGINE_FLAGS...]
DURATION: 90, 90s, 10m, 1h, 2d.  targets: @TARGETS@"
usage() { ff_usage "$@"; }

# ---- arguments ----------------------------------------------------------

target= engine=libfuzzer time_arg=60 jobs=1 bugs= workdir= every= dry= kshim=
extra=()
while [ $# -gt 0 ]; do
	ff_opt "--engine --time --jobs --bugs --workdir --status-every --kshim" "$@" ||
		usage "$FF_OPT $FF_ERR"
	shift "$FF_SHIFT"
	case $FF_OPT in
	--engine) engine=$FF_VAL ;;
	--time) time_arg=$FF_VAL ;;
	--jobs) jobs=$FF_VAL ;;
	--bugs) bugs=$FF_VAL ;;
	--workdir) workdir=$FF_VAL ;;
	--kshim) kshim=$FF_VAL ;;
	--status-every) every=$FF_VAL ;;
	--dry-run) dry=1 ;;
	-h | --help) usage ;;
	--)
		extra=("$@")
		break
		;;
	-*) usage "unknown option: $FF_OPT" ;;
	*)
		[ -z "$target" ] || usage "one target at a time ('$target', '$FF_OPT')"
		target=$FF_OPT
		;;
	esac
done
target=${target:-ops}

ff_is_target "$target" || usage "no fuzz target '$target'"
case $engine in
libfuzzer | afl) ;;
*) usage "--engine is libfuzzer or afl, not '$engine'" ;;
esac
secs=$(ff_duration "$time_arg") ||
	usage "--time wants a duration like 90, 90s, 10m or 1h, not '$time_arg'"
[[ $jobs =~ ^[1-9][0-9]*$ ]] && [ "$jobs" -le 64 ] ||
	usage "--jobs wants 1..64, not '$jobs'"
if [ -z "$every" ]; then
	every=10
	[ "$secs" -gt 3600 ] && every=30
	[ "$secs" -gt 21600 ] && every=60
fi
[[ $every =~ ^[1-9][0-9]*$ ]] || usage "--status-every wants whole seconds, not '$every'"
# The binaries: the asan preset's, or a kshim build's (real kernel code).
bin=build/asan/bin
if [ -n "$kshim" ]; then
	[ "$engine" = libfuzzer ] || usage "--kshim fuzzes with libFuzzer only"
	[ -x "$kshim/bin/fuzz_$target" ] && [ -x "$kshim/bin/foliofuzz" ] ||
		ff_die 2 "$kshim: no kshim build of fuzz_$target (scripts/kshim.sh --kernel-src SRC --out $kshim)"
	bin=$kshim/bin
	release=$("$bin/foliofuzz" kshim | sed -n 's/^Linux \([^,]*\),.*/\1/p')
	[ -n "$release" ] || ff_die 2 "$kshim/bin/foliofuzz is not a kshim build"
	export FF_CLI=$bin/foliofuzz FF_BIN=$bin
	workdir=${workdir:-work/$target-kshim-$release}
fi
workdir=${workdir:-work/$target-$engine}

# ---- bug knobs: the CLI knows them ---------------------------------------

cli=${FF_CLI:-$bin/foliofuzz}
if [ -n "$bugs" ]; then
	[ -n "${FF_CLI:-}" ] || ff_build asan foliofuzz
	if [ "$bugs" = help ]; then
		"$cli" run --bugs=help
		exit 0
	fi
	if ! msg=$("$cli" run --bugs="$bugs" /dev/null 2>&1 >/dev/null); then
		ff_die 2 "--bugs $bugs: ${msg#foliofuzz: } (list them: scripts/fuzz.sh --bugs help)"
	fi
fi

# ---- the engine's command lines -----------------------------------------

preset=asan
[ "$engine" = afl ] && preset=afl
seeds=build/$preset/corpus/$target
dict=dicts/$target.dict
mapfile -t opts < <(ff_options "$target" libfuzzer)
log_dir=$workdir/log
corpus=$workdir/corpus
crashes=$workdir/crashes
sync=$workdir/sync

lf_cmd() {
	local o cmd=("$bin/fuzz_$target")
	if [ "$jobs" -gt 1 ]; then
		# The script stops fork mode itself (salvaging the jobs' corpora);
		# libFuzzer's own limit is a backstop.
		cmd+=(-fork="$jobs" -ignore_crashes=1 -max_total_time=$((secs + 120)))
	else
		cmd+=(-max_total_time="$secs")
	fi
	[ -f "$dict" ] && cmd+=(-dict="$dict")
	for o in "${opts[@]}"; do
		cmd+=("-$o")
	done
	cmd+=(-artifact_prefix="$crashes/" -print_final_stats=1 "${extra[@]}"
		"$corpus" "$seeds")
	printf '%s\0' "${cmd[@]}"
}

# AFL++'s custom mutator: the op-level one unless FOLIOFUZZ_MUTATOR=0.
afl_mutator=
if [ "$engine" = afl ] && [ "${FOLIOFUZZ_MUTATOR:-}" != 0 ]; then
	afl_mutator=$PWD/build/afl/lib/libff_afl_mutator.so
fi

afl_cmd() { # NAME ROLE: ROLE is -M or -S
	# -V: AFL++ stops on its own at the time limit, even as an orphan
	local o cmd=()
	[ -n "$afl_mutator" ] && cmd+=(env AFL_CUSTOM_MUTATOR_LIBRARY="$afl_mutator"
		FOLIOFUZZ_TARGET="$target")
	cmd+=(afl-fuzz "$2" "$1" -i "$seeds" -o "$sync" -m none -V "$secs")
	[ -f "$dict" ] && cmd+=(-x "$dict")
	for o in "${opts[@]}"; do
		case $o in
		max_len=*) cmd+=(-G "${o#*=}") ;;
		timeout=*) cmd+=(-t "$((${o#*=} * 1000))+") ;;
		esac
	done
	cmd+=("${extra[@]}" -- "build/afl/bin/fuzz_${target}_afl")
	printf '%s\0' "${cmd[@]}"
}

instances() { # the AFL++ instance names
	local i
	echo main
	for ((i = 1; i < jobs; i++)); do
		echo "s$i"
	done
}

if [ -n "$dry" ]; then
	ff_say "$target with $engine for $secs s, $jobs job(s), status every $every s, work dir $workdir${bugs:+, FOLIOFUZZ_BUGS=$bugs}"
	if [ "$engine" = libfuzzer ]; then
		mapfile -d '' c < <(lf_cmd)
		ff_say "would run: ${c[*]}"
	else
		for n in $(instances); do
			role=-S
			[ "$n" = main ] && role=-M
			mapfile -d '' c < <(afl_cmd "$n" "$role")
			ff_say "would run: ${c[*]}"
		done
	fi
	exit 0
fi

# ---- signals: from here on, before any work -------------------------------
#
# SIGINT, SIGTERM and SIGHUP are noted and the campaign stops in order at
# the next safe point (after the build, after the start-up salvage, or
# with the engine stopped and its corpora salvaged).  A run started in the
# background (&, nohup, most CI runners) has SIGINT ignored by the shell
# from the start, which no trap can undo: stop it with SIGTERM.
stop_sig=
trap 'stop_sig=INT' INT
trap 'stop_sig=TERM' TERM
trap 'stop_sig=HUP' HUP
stopped_early() {
	[ -n "$stop_sig" ] || return 1
	ff_say "stopped by SIG$stop_sig before the engine started ($1)"
	exit 0
}

# ---- build ----------------------------------------------------------------

if [ "$engine" = afl ]; then
	ff_need afl-fuzz afl++
	ff_build afl "fuzz_${target}_afl" "corpus_$target" ff_afl_mutator
	ff_build asan foliofuzz "fuzz_${target}_replay"
else
	# the seeds are encoded by the asan build, kshim or not
	ff_build asan "fuzz_$target" "fuzz_${target}_replay" foliofuzz "corpus_$target"
fi

stopped_early "after the build"

# ---- the work dir -----------------------------------------------------------

mkdir -p "$crashes" "$log_dir" "$workdir/.tmp" ||
	ff_die 1 "cannot create $workdir"
[ "$engine" = afl ] || mkdir -p "$corpus" || ff_die 1 "cannot create $corpus"
exec 9>>"$workdir/.lock" # append: opening must not erase the holder's PID
if ! flock -n 9; then
	holder=$(cat "$workdir/.lock" 2>/dev/null)
	ff_die 1 "another campaign is running in $workdir (fuzz.sh PID ${holder:-unknown})"
fi
echo $$ >"$workdir/.lock"

conf=$workdir/campaign.conf
if [ -f "$conf" ]; then
	old_bugs=$(sed -n 's/^bugs=//p' "$conf")
	old_engine=$(sed -n 's/^engine=//p' "$conf")
	old_target=$(sed -n 's/^target=//p' "$conf")
	[ "$old_engine" = "$engine" ] && [ "$old_target" = "$target" ] ||
		ff_die 2 "$workdir was a $old_target campaign with $old_engine; use another --workdir"
	[ "$old_bugs" = "$bugs" ] ||
		ff_say "note: $workdir ran with bugs='$old_bugs', now bugs='$bugs'"
fi
printf 'target=%s\nengine=%s\nbugs=%s\nkshim=%s\n' "$target" "$engine" "$bugs" "$kshim" >"$conf"

# libFuzzer fork mode keeps each job's new inputs in $TMPDIR/libFuzzerTemp.
# FuzzWithForkPID.dir/C<job> until the job ends and the parent merges
# them; copy them out before they can go away, then merge the copies into
# corpus/ (-merge=1 keeps only inputs with new features).
salvage=$workdir/.tmp/salvage
salvage_fork_corpora() {
	local d
	mkdir -p "$salvage"
	for d in "$workdir"/.tmp/*FuzzWithFork*.dir/C[0-9]*; do
		[ -d "$d" ] && cp -n "$d"/* "$salvage"/ 2>/dev/null
	done
}

merge_salvage() {
	local n before after
	n=$(find "$salvage" -maxdepth 1 -type f 2>/dev/null | wc -l)
	[ "$n" -gt 0 ] || return 0
	before=$(find "$corpus" -maxdepth 1 -type f | wc -l)
	TMPDIR=$workdir/.tmp "$bin/fuzz_$target" -merge=1 \
		-artifact_prefix="$crashes/" "$corpus" "$salvage" \
		>"$log_dir/merge-salvage.log" 2>&1 ||
		ff_say "merging the salvaged inputs failed; they stay in $salvage (log: $log_dir/merge-salvage.log)"
	after=$(find "$corpus" -maxdepth 1 -type f | wc -l)
	ff_say "salvaged $n inputs from running fork-mode jobs: $((after - before)) new in $corpus"
	[ -f "$log_dir/merge-salvage.log" ] && grep -q '^MERGE-OUTER: ' "$log_dir/merge-salvage.log" &&
		rm -rf "$salvage"
}

# A run killed with SIGKILL leaves its jobs' inputs behind.
if [ "$engine" = libfuzzer ]; then
	salvage_fork_corpora
	merge_salvage
fi
rm -rf "$workdir"/.tmp/*FuzzWithFork*.dir
stopped_early "after the start-up salvage"

progress=$workdir/progress.tsv
[ -f "$progress" ] ||
	echo "# unix_time elapsed execs exec_per_s cov ft corpus crashes ids session" >"$progress"
# Elapsed time and execs accumulate across runs.
read -r base_elapsed base_execs session < <(awk '!/^#/ { e = $2; s = $10
		if ($3 != "NaN") x = $3 }
	END { printf "%d %d %d\n", e, x, s + 1 }' "$progress")

# ---- crashes: name each by what it breaks -----------------------------------

count_crashes() {
	local f n=0
	for f in "$crashes"/*; do
		[ -f "$f" ] && ff_is_crash_input "$f" && n=$((n + 1))
	done
	echo $n
}

# Distinct ids among the named crashes, as "ID(count) ...".
crash_ids() {
	local f
	for f in "$crashes"/*; do
		[ -f "$f" ] && ff_is_crash_input "$f" || continue
		f=${f##*/}
		case $f in
		crash-* | leak-*) continue ;; # not named yet
		esac
		echo "${f%-*}"
	done | sort | uniq -c | awk '{ printf "%s%s(%d)", (NR > 1 ? " " : ""), $2, $1 }'
}

# Renames libFuzzer's crash-HASH (or an AFL++ crash, copied) to ID-HASH,
# with the decoded trace and the report beside it.
name_crash() { # SRC HASH KIND: KIND is the libFuzzer prefix or "crash"
	local src=$1 hash=$2 kind=$3 sig id dst
	case $kind in
	timeout | oom | slow-unit) id=$kind ;;
	*)
		sig=$(FF_CLASSIFY_LOG="$workdir/.tmp/report" ff_classify "$src" "$target" "$bugs")
		id=${sig%% *}
		;;
	esac
	dst=$crashes/$id-$hash
	if [ "$src" != "$dst" ]; then
		if [ -e "$dst" ]; then
			[ "${src#$crashes/}" != "$src" ] && rm -f "$src"
			return
		fi
		case $src in
		"$crashes"/*) mv "$src" "$dst" ;;
		*) cp "$src" "$dst" ;;
		esac
	fi
	"$cli" decode --target="$target" "$dst" -o "$dst.trace" 2>/dev/null
	# the report was made from the input under its engine name: name the
	# file it is now
	[ -f "$workdir/.tmp/report" ] &&
		sed "s|$src|$dst|g" "$workdir/.tmp/report" >"$dst.report" &&
		rm -f "$workdir/.tmp/report"
	new_crashes=$((new_crashes + 1))
	# One line per new kind; the status line counts the rest.
	grep -qxF "$id" "$workdir/.tmp/seen-ids" 2>/dev/null && return
	echo "$id" >>"$workdir/.tmp/seen-ids"
	ff_say "new crash kind $id: $dst"
}

new_crashes=0
# Names new crash inputs; with a DEADLINE (unix time) it leaves the rest
# for the next tick, so a burst of crashes does not stall the status.
collect_crashes() {
	local deadline=${1:-} f base d
	for f in "$crashes"/crash-* "$crashes"/leak-* "$crashes"/timeout-* \
		"$crashes"/oom-* "$crashes"/slow-unit-*; do
		[ -f "$f" ] || continue
		[ -n "$deadline" ] && [ "$(now)" -ge "$deadline" ] && return 0
		base=${f##*/}
		name_crash "$f" "${base#*-}" "${base%%-*}"
	done
	[ "$engine" = afl ] || return 0
	for d in "$sync"/*/crashes; do
		for f in "$d"/id:*; do
			[ -f "$f" ] || continue
			grep -qxF "$f" "$workdir/.collected" 2>/dev/null && continue
			[ -n "$deadline" ] && [ "$(now)" -ge "$deadline" ] && return 0
			echo "$f" >>"$workdir/.collected"
			name_crash "$f" "$(sha1sum <"$f" | cut -c1-40)" crash
		done
	done
}

# ---- status ---------------------------------------------------------------

now() { date +%s; }
t0=$(now)
execs=0 eps=0 cov=0 ft=0 corp=0 known=0

# Sets execs eps cov ft corp from the engine's latest status: libFuzzer's
# last "#N ... cov: ft: corp:" line (exec/s averaged over this run), or
# AFL++'s plot_data, summed over the instances.
read_stats() {
	local line
	if [ "$engine" = afl ]; then
		# plot_data: relative_time, cycles_done, cur_item, corpus_count,
		# pending_total, pending_favs, map_size, saved_crashes,
		# saved_hangs, max_depth, execs_per_sec, total_execs, edges_found
		# Without a terminal AFL++ writes it once a minute; the
		# corpus is counted live from main's queue.
		# A resumed AFL++ continues total_execs from its last run and
		# its plot_data keeps the last run's lines: this run's
		# executions are the totals less those it started from, and
		# nothing is known until every instance wrote a line of its own.
		local lines
		lines=$(for n in $(instances); do
			tail -n 1 "$sync/$n/plot_data" 2>/dev/null || echo "#"
		done)
		if [ "$lines" = "$afl_start_lines" ]; then
			known=0
		else
			read -r known execs eps cov < <(awk -F', *' -v base="$afl_start_execs" \
				'!/^#/ && NF >= 13 { k = 1; x += $12; e += $11
					if ($13 > c) c = $13 }
				END { printf "%d %d %d %d\n", k, x - base, e, c }' <<<"$lines")
		fi
		ft=0
		corp=$(find "$sync/main/queue" -maxdepth 1 -type f -name 'id:*' 2>/dev/null | wc -l)
		return
	fi
	line=$(tail -c 65536 "$log" 2>/dev/null | grep -aE '^#[0-9]+' | tail -n 1)
	[ -n "$line" ] || return 0
	known=1
	execs=$(sed -E 's/^#([0-9]+).*/\1/' <<<"$line")
	cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$line")
	ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$line")
	corp=$(sed -nE 's/.* corp: ([0-9]+).*/\1/p' <<<"$line")
	cov=${cov:-0} ft=${ft:-0} corp=${corp:-0}
	local el=$(($(now) - t0))
	eps=$((el > 0 ? execs / el : 0))
}

# Inputs kept on disk: what the next run starts from (with the seeds).
corpus_files() {
	if [ "$engine" = afl ]; then
		find "$sync"/*/queue -maxdepth 1 -type f -name 'id:*' 2>/dev/null | wc -l
	else
		find "$corpus" -maxdepth 1 -type f | wc -l
	fi
}

hms() { printf '%02d:%02d:%02d' $(($1 / 3600)) $(($1 % 3600 / 60)) $(($1 % 60)); }

# One progress.tsv row and one line.  Numbers the engine has not reported
# yet (AFL++'s first minute, AFL++'s ft) are NaN in the file, - on screen.
status() {
	local el=$(($(now) - t0)) n c ids tx te tc tf
	read_stats
	if [ -n "${final_execs:-}" ]; then
		execs=$final_execs eps=${final_eps:-$eps} known=1
	fi
	n=$corp
	[ "$n" -gt 0 ] || n=$(corpus_files)
	c=$(count_crashes)
	ids=$(crash_ids | wc -w)
	tx=NaN te=NaN tc=NaN tf=NaN
	if [ "$known" = 1 ]; then
		tx=$((base_execs + execs)) te=$eps tc=$cov
		[ "$engine" = afl ] || tf=$ft
	fi
	echo "$(now) $((base_elapsed + el)) $tx $te $tc $tf $n $c $ids $session" >>"$progress"
	ff_say "[$(hms $el)/$(hms "$secs")] execs $(shown "$execs")  exec/s $(shown "$eps")  cov $(shown "$cov")  ft $(shown "$tf")  corpus $n  crashes $c ($ids ids)"
}

shown() { # a number, or - when unknown
	if [ "$known" = 1 ] && [ "$1" != NaN ]; then echo "$1"; else echo -; fi
}

# ---- run --------------------------------------------------------------------

# each engine process also dies the moment this script does
pdeath=
command -v setpriv >/dev/null && pdeath="setpriv --pdeathsig KILL"

crash_ids | tr ' ' '\n' | sed 's/(.*//' >"$workdir/.tmp/seen-ids"
export FOLIOFUZZ_BUGS=$bugs
pids=()
stamp=$(date +%Y%m%d-%H%M%S)
if [ "$engine" = libfuzzer ]; then
	mapfile -d '' cmd < <(lf_cmd)
	log=$log_dir/libfuzzer-$stamp.log
	ff_say "$target: libFuzzer, $jobs job(s), $secs s, work dir $workdir${bugs:+, bugs=$bugs}"
	ff_say "log: $log"
	# Own session: a terminal's ^C reaches this script only, which stops
	# the engine in order (salvage first).
	TMPDIR=$workdir/.tmp setsid $pdeath "${cmd[@]}" >"$log" 2>&1 </dev/null 9>&- &
	pids+=($!)
else
	# where a resumed run's counts start from (read_stats)
	afl_start_lines=$(for n in $(instances); do
		tail -n 1 "$sync/$n/plot_data" 2>/dev/null || echo "#"
	done)
	afl_start_execs=$(awk -F', *' '!/^#/ && NF >= 13 { x += $12 } END { printf "%d\n", x }' \
		<<<"$afl_start_lines")
	export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
		AFL_NO_AFFINITY=1 AFL_AUTORESUME=1 AFL_NO_UI=1
	mkdir -p "$sync"
	mut="op-level custom mutator"
	[ -n "$afl_mutator" ] || mut="no custom mutator (FOLIOFUZZ_MUTATOR=0)"
	ff_say "$target: AFL++, $jobs instance(s), $secs s, sync dir $sync${bugs:+, bugs=$bugs}, $mut"
	for n in $(instances); do
		role=-S
		[ "$n" = main ] && role=-M
		mapfile -d '' cmd < <(afl_cmd "$n" "$role")
		setsid $pdeath "${cmd[@]}" >"$log_dir/afl-$n-$stamp.log" 2>&1 </dev/null 9>&- &
		pids+=($!)
	done
	ff_say "logs: $log_dir/afl-*-$stamp.log"
fi
# The engines run in their own sessions (a terminal's ^C reaches this
# script only).  If this script dies without stopping them (kill -9, the
# OOM killer, a CI runner killing only the top process), the watchdog, in
# a session of its own, kills their process groups within a second.
# Neither holds the work dir's lock (fd 9 closed): it goes with the script.
setsid bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done
	shift; for g; do kill -KILL -- "-$g" 2>/dev/null; done' \
	watchdog $$ "${pids[@]}" </dev/null >/dev/null 2>&1 9>&- &
watchdog=$!


alive() {
	local p
	for p in "${pids[@]}"; do
		kill -0 "$p" 2>/dev/null && return 0
	done
	return 1
}

# True while any process of the engine's process groups is left.
group_alive() {
	local p
	for p in "${pids[@]}"; do
		kill -0 -- -"$p" 2>/dev/null && return 0
	done
	return 1
}

stop_engine() {
	local p i
	if [ "$engine" = libfuzzer ] && [ "$jobs" -gt 1 ]; then
		# Freeze the whole fork-mode tree and copy the jobs' corpora:
		# nothing a job found is lost with the temp dir.  Then the
		# STOP file ends every job, running or about to start, and
		# SIGUSR1 asks the parent to exit gracefully (not SIGINT: it
		# runs its jobs with system(), which ignores SIGINT).
		kill -STOP -- -"${pids[0]}" 2>/dev/null
		salvage_fork_corpora
		for p in "$workdir"/.tmp/*FuzzWithFork*.dir; do
			[ -d "$p" ] && touch "$p/STOP"
		done
		kill -USR1 -- -"${pids[0]}" 2>/dev/null
		kill -CONT -- -"${pids[0]}" 2>/dev/null
	else
		for p in "${pids[@]}"; do
			kill -INT -- -"$p" 2>/dev/null
		done
	fi
	for ((i = 0; i < 300; i++)); do
		group_alive || return 0
		sleep 0.1
	done
	ff_say "the engine did not stop within 30 s; killing it"
	for p in "${pids[@]}"; do
		kill -KILL -- -"$p" 2>/dev/null
	done
}

next=$((t0 + every))
reason=
while :; do
	if [ -n "$stop_sig" ]; then
		reason="stopped by SIG$stop_sig"
		break
	fi
	if ! alive; then
		reason="the engine exited"
		break
	fi
	if [ "$(now)" -ge $((t0 + secs)) ] && { [ "$engine" = afl ] || [ "$jobs" -gt 1 ]; }; then
		reason="time is up"
		break
	fi
	if [ "$(now)" -ge "$next" ]; then
		collect_crashes $(($(now) + (every + 1) / 2))
		status
		while [ "$next" -le "$(now)" ]; do
			next=$((next + every))
		done
	fi
	sleep 1 9>&- &
	wait $! 2>/dev/null
done
group_alive && stop_engine
wait "${pids[@]}" 2>/dev/null # not the watchdog: it lives until we exit
kill "$watchdog" 2>/dev/null
[ "$engine" = libfuzzer ] && [ "$jobs" -gt 1 ] && merge_salvage
trap - INT TERM HUP
[ "$reason" = "the engine exited" ] && [ "$(now)" -ge $((t0 + secs)) ] &&
	reason="time is up"

# ---- summary ----------------------------------------------------------------

collect_crashes
[ "$reason" = "the engine exited" ] && [ "$new_crashes" -gt 0 ] &&
	reason="stopped at a crash"
if [ "$engine" = libfuzzer ] && [ "$jobs" -eq 1 ]; then
	# Plain mode prints exact totals at exit.
	final_execs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$log" | tail -n 1)
	final_eps=$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+)/\1/p' "$log" | tail -n 1)
fi
status >/dev/null
el=$(($(now) - t0))
ff_say "---- summary: $target, $engine, $reason after $(hms $el) ----"
ff_say "this run: $(shown "$execs") execs, $(shown "$eps") exec/s, cov $(shown "$cov")$([ "$engine" = afl ] || echo ", ft $ft")"
ff_say "campaign: $(hms $((base_elapsed + el))) in $session run(s), $((base_execs + execs)) execs"
shown=$corpus/
[ "$engine" = afl ] && shown="$sync/*/queue/"
ff_say "corpus: $corp inputs in the engine, $(corpus_files) files kept in $shown"
ff_say "crashes: $(count_crashes) in $crashes/, $new_crashes new this run"
ids=$(crash_ids)
[ -n "$ids" ] && ff_say "by id: $ids"
ff_say "progress: $progress (scripts/plot.sh $workdir)"
if [ "$(count_crashes)" -gt 0 ]; then
	ff_say "triage:   scripts/triage.sh $crashes"
	first=$(ls -t "$crashes" | grep -vE '\.(trace|report)$|^(crash|leak)-' | head -n 1)
	ff_say "read:     $crashes/$first.trace and $crashes/$first.report"
	ff_say "rerun:    ${bugs:+FOLIOFUZZ_BUGS=$bugs }$cli run --target=$target $crashes/$first"
	ff_say "minimize: scripts/minimize.sh --crash $crashes/$first $target${bugs:+ --bugs $bugs}"
fi
# An engine that ended on its own, early and without a crash, failed:
# show why.
rc=0
failed=
if [ "$reason" = "the engine exited" ]; then
	failed=1
elif [ "$engine" = libfuzzer ] && [ "$jobs" -eq 1 ] && [ "$new_crashes" -eq 0 ] &&
	[ -z "$stop_sig" ] && ! grep -q '^stat::number_of_executed_units' "$log"; then
	failed=1
fi
if [ -n "$failed" ]; then
	if [ "$engine" = afl ]; then
		logs=("$log_dir"/afl-*-"$stamp".log)
	else
		logs=("$log")
	fi
	for l in "${logs[@]}"; do
		ff_say "the engine stopped early; the end of $l:" >&2
		tail -n 15 "$l" >&2
	done
	rc=1
fi
[ "$new_crashes" -gt 0 ] && rc=1
exit $rc
