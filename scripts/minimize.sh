#!/usr/bin/env bash
# minimize.sh - corpus minimization and two-stage crash minimization.
#
#   scripts/minimize.sh corpus [TARGET] [--engine libfuzzer|afl]
#                       [--from DIR]... [-o OUT_DIR]
#   scripts/minimize.sh --crash FILE [TARGET] [--bugs LIST]
#                       [--engine libfuzzer|afl] [--time SECONDS] [-o OUT.trace]
#
# corpus: the smallest set of inputs with the same coverage, into a fresh
# directory (default work/TARGET-min).  libFuzzer: -merge=1 with a control
# file; AFL++: afl-cmin.  Inputs default to the campaign's work dir
# (work/TARGET-ENGINE: corpus/, or sync/*/queue/) and the shipped corpus.
# It refuses to run on partial state: an OUT_DIR that exists and is not
# empty, or OUT_DIR.partial / OUT_DIR.merge left by an interrupted run
# (libFuzzer can resume from the .merge file; delete both to start over).
#
# --crash: FILE (bytes or a text trace) must break an invariant.
#   1. op level: `foliofuzz minimize` (ddmin over ops, same invariant id);
#   2. byte level: libFuzzer -minimize_crash=1 for --time seconds (default
#      10), or afl-tmin, on the encoded result;
#   3. op level again on what stage 2 left, if it still breaks the same id.
# The output (default FILE.min.trace) is the shortest text trace, headed
# "# expect: I_X with bugs=LIST", ready for corpus/regressions/.  A crash
# that only a sanitizer sees gets stage 2 alone and "# expect: ASAN".
# --bugs defaults to FOLIOFUZZ_BUGS, else to the campaign.conf beside the
# crash's directory (fuzz.sh writes it).
#
# Exit: 0 done; 1 a tool failed; 2 bad usage, partial state, or a FILE
# that does not fail.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" && ff_preamble minimize.sh || exit 1

FF_USAGE="usage: scripts/minimize.sh corpus [TARGET] [--engine libfuzzer|afl] [--from DIR]... [-o OUT_DIR]
       scripts/minimize.sh --crash FILE [TARGET] [--bugs LIST] [--engine libfuzzer|afl]
                           [--time SECONDS] [-o OUT.trace]"
usage() { ff_usage "$@"; }

mode= crash= target= engine=libfuzzer out= time=10 from=() bugs_set= bugs=
while [ $# -gt 0 ]; do
	ff_opt "--crash --engine --from --bugs --time -o" "$@" ||
		usage "$FF_OPT $FF_ERR"
	shift "$FF_SHIFT"
	case $FF_OPT in
	corpus) mode=corpus ;;
	--crash) mode=crash crash=$FF_VAL ;;
	--engine) engine=$FF_VAL ;;
	--from) from+=("$FF_VAL") ;;
	--bugs) bugs=$FF_VAL bugs_set=1 ;;
	--time) time=$FF_VAL ;;
	-o) out=$FF_VAL ;;
	-h | --help) usage ;;
	-*) usage "unknown option: $FF_OPT" ;;
	*)
		[ -z "$target" ] || usage "one target at a time"
		target=$FF_OPT
		;;
	esac
done
[ -n "$mode" ] || usage "say 'corpus' or '--crash FILE'"
target=${target:-ops}
ff_is_target "$target" || usage "no fuzz target '$target'"
case $engine in
libfuzzer | afl) ;;
*) usage "--engine is libfuzzer or afl, not '$engine'" ;;
esac
[[ $time =~ ^[1-9][0-9]*$ ]] || usage "--time wants whole seconds"

# Nonempty directory?
nonempty() { [ -d "$1" ] && [ -n "$(ls -A "$1" 2>/dev/null)" ]; }

# ---- corpus -------------------------------------------------------------

# Runs a tool in the background and waits, so ^C or SIGTERM reach this
# script at once: the tool is stopped and the script exits 130 naming
# what the interrupted run left (a rerun refuses it until removed).
interruptible() {
	local p
	"$@" &
	p=$!
	trap 'kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null
		ff_die 130 "interrupted; partial state kept: $(ls -d "$part"* "$cf" 2>/dev/null | xargs)"' INT TERM
	wait "$p"
	local rc=$?
	trap - INT TERM
	return $rc
}

minimize_corpus() {
	local w=work/$target-$engine d n_in n_out cf part
	out=${out:-work/$target-min}
	out=${out%/}
	part=$out.partial cf=$out.merge
	if nonempty "$out"; then
		ff_die 2 "$out exists and is not empty; choose another -o or remove it"
	fi
	if [ -e "$part" ] || [ -e "$cf" ]; then
		ff_die 2 "an interrupted minimization left $part or $cf; remove both to start over"
	fi
	if [ ${#from[@]} -eq 0 ]; then
		if [ "$engine" = afl ]; then
			for d in "$w"/sync/*/queue; do
				[ -d "$d" ] && from+=("$d")
			done
		else
			[ -d "$w/corpus" ] && from+=("$w/corpus")
		fi
	fi

	if [ "$engine" = afl ]; then
		ff_need afl-cmin afl++
		ff_build afl "fuzz_${target}_afl" "corpus_$target"
		from+=("build/afl/corpus/$target")
	else
		ff_build asan "fuzz_$target" "corpus_$target"
		from+=("build/asan/corpus/$target")
	fi
	for d in "${from[@]}"; do
		[ -d "$d" ] || ff_die 2 "no such directory: $d"
	done
	n_in=$(find "${from[@]}" -maxdepth 1 -type f ! -name '.*' ! -name README.txt | wc -l)
	ff_say "$target: minimizing $n_in inputs from ${from[*]}"

	mkdir -p "$part" || ff_die 1 "cannot create $part"
	if [ "$engine" = afl ]; then
		# afl-cmin takes one input directory.
		local all=$part.in
		mkdir -p "$all"
		for d in "${from[@]}"; do
			find "$d" -maxdepth 1 -type f -name 'id:*' -exec cp -n {} "$all"/ \;
			find "$d" -maxdepth 1 -type f -name '*.bin' -exec cp -n {} "$all"/ \;
		done
		rmdir "$part"
		# AFL_ALLOW_TMP: afl-cmin refuses /tmp and /var/tmp otherwise
		AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_ALLOW_TMP=1 \
			interruptible afl-cmin -m none -i "$all" -o "$part" \
			-- "build/afl/bin/fuzz_${target}_afl" >"$out.log" 2>&1 ||
			ff_die 1 "afl-cmin failed; see $out.log (the inputs gathered for it are in $all$([ -e "$part" ] && echo ", its partial output in $part"); remove them to start over)"
		rm -rf "$all"
	else
		FOLIOFUZZ_BUGS= interruptible "build/asan/bin/fuzz_$target" -merge=1 \
			-merge_control_file="$cf" "$part" "${from[@]}" >"$out.log" 2>&1 ||
			ff_die 1 "libFuzzer -merge=1 failed; see $out.log (partial state kept: $part, $cf)"
	fi
	rmdir "$out" 2>/dev/null
	mv "$part" "$out" || ff_die 1 "cannot rename $part to $out"
	rm -f "$cf"
	n_out=$(find "$out" -maxdepth 1 -type f | wc -l)
	ff_say "$n_in inputs -> $n_out in $out (log: $out.log)"
	if [ "$engine" = libfuzzer ]; then
		ff_say "to fuzz from it: mv $w/corpus $w/corpus.old && mv $out $w/corpus"
	fi
}

# ---- crash ----------------------------------------------------------------

minimize_crash() {
	local cli=build/asan/bin/foliofuzz id id2 n1 n3 kind conf
	[ -f "$crash" ] || ff_die 2 "no such file: $crash"
	conf=$(dirname "$(dirname "$crash")")/campaign.conf
	if [ -z "$bugs_set" ]; then
		bugs=${FOLIOFUZZ_BUGS:-}
		if [ -z "$bugs" ] && [ -f "$conf" ]; then
			bugs=$(sed -n 's/^bugs=//p' "$conf")
			[ -n "$bugs" ] && ff_say "bugs=$bugs (from $conf)"
		fi
	fi
	out=${out:-$crash.min.trace}
	if [ "$engine" = afl ]; then
		ff_need afl-tmin afl++
		ff_build afl "fuzz_${target}_afl"
	fi
	ff_build asan foliofuzz "fuzz_$target" "fuzz_${target}_replay"
	tmp=$(mktemp -d) || exit 1 # global: the EXIT trap needs it
	trap 'rm -rf "$tmp"' EXIT
	export FOLIOFUZZ_BUGS=$bugs

	# Stage 1: op level.  Exit 2 means no invariant breaks.
	if "$cli" minimize --target="$target" "$crash" -o "$tmp/s1.trace" 2>"$tmp/s1.log"; then
		id=$("$cli" expect "$tmp/s1.trace" | cut -f2)
		n1=$(grep -cv '^#' "$tmp/s1.trace")
		ff_say "stage 1 (ops): $(sed 's/^foliofuzz minimize: //' "$tmp/s1.log")"
		"$cli" encode --target="$target" "$tmp/s1.trace" -o "$tmp/s1.bin" ||
			ff_die 1 "encode failed"
	else
		kind=$(ff_classify "$crash" "$target" "$bugs")
		kind=${kind%% *}
		case $kind in
		asan-* | ubsan* | lsan-*)
			ff_say "no invariant breaks; a sanitizer reports $kind: byte stage only"
			if [[ $crash == *.trace ]] || head -n 1 "$crash" | grep -q '^# foliofuzz trace'; then
				"$cli" encode --target="$target" "$crash" -o "$tmp/s1.bin" ||
					ff_die 1 "encode --target=$target failed"
			else
				cp "$crash" "$tmp/s1.bin"
			fi
			;;
		*)
			cat "$tmp/s1.log" >&2
			ff_die 2 "$crash does not fail${bugs:+ with bugs=$bugs} ($kind); nothing to minimize"
			;;
		esac
	fi

	# Stage 2: byte level.  libFuzzer keeps any crash it meets; stage 3
	# checks the id is still the same.
	if [ "$engine" = afl ]; then
		AFL_SKIP_CPUFREQ=1 afl-tmin -m none -i "$tmp/s1.bin" -o "$tmp/s2.bin" \
			-- "build/afl/bin/fuzz_${target}_afl" >"$tmp/s2.log" 2>&1
	else
		"build/asan/bin/fuzz_$target" -minimize_crash=1 -max_total_time="$time" \
			-exact_artifact_path="$tmp/s2.bin" "$tmp/s1.bin" >"$tmp/s2.log" 2>&1
	fi
	if [ ! -s "$tmp/s2.bin" ]; then
		ff_say "stage 2 (bytes) produced nothing; keeping stage 1"
		cp "$tmp/s1.bin" "$tmp/s2.bin"
	else
		ff_say "stage 2 (bytes): $(wc -c <"$tmp/s1.bin") -> $(wc -c <"$tmp/s2.bin") bytes"
	fi

	if [ -z "${id:-}" ]; then
		# Sanitizer crash: the decoded bytes are the result.
		{
			echo "# foliofuzz trace"
			case $kind in
			asan-*) echo "# expect: ASAN${bugs:+ with bugs=$bugs}" ;;
			esac
			echo "# $kind; minimized by scripts/minimize.sh from $crash"
			"$cli" decode --target="$target" "$tmp/s2.bin" | grep -v '^# foliofuzz trace'
		} >"$out"
		ff_say "result: $out ($(grep -cv '^#' "$out") ops, $kind)"
		return
	fi

	# Stage 3: op level again, kept only when it is shorter and the same id.
	if "$cli" minimize --target="$target" "$tmp/s2.bin" -o "$tmp/s3.trace" 2>"$tmp/s3.log"; then
		id2=$("$cli" expect "$tmp/s3.trace" | cut -f2)
		n3=$(grep -cv '^#' "$tmp/s3.trace")
		if [ "$id2" != "$id" ]; then
			ff_say "stage 3: the byte stage drifted to $id2; keeping stage 1 ($id)"
		elif [ "$n3" -lt "$n1" ]; then
			ff_say "stage 3 (ops): $n1 -> $n3 ops"
			cp "$tmp/s3.trace" "$tmp/s1.trace"
		else
			ff_say "stage 3 (ops): no shorter than stage 1 ($n1 ops)"
		fi
	else
		ff_say "stage 3: the byte stage's result no longer fails; keeping stage 1"
	fi
	sed "s|^# minimized by foliofuzz minimize from .*|# minimized by scripts/minimize.sh from $crash|" \
		"$tmp/s1.trace" >"$out" || ff_die 1 "cannot write $out"
	ff_say "result: $out ($(grep -cv '^#' "$out") ops, $id)"
	ff_say "as a regression: cp $out corpus/regressions/NAME.trace"
}

if [ "$mode" = corpus ]; then
	[ -z "$bugs_set" ] || usage "--bugs is for --crash"
	minimize_corpus
else
	minimize_crash
fi
