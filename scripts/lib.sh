# lib.sh - helpers the campaign scripts share; sourced, never run.
#
#   ff_preamble NAME          strict mode, cd to the repository root, FF_NAME
#   ff_usage [MSG...]         "NAME: MSG" and $FF_USAGE on stderr, exit 2
#   ff_opt VALUED ARGS...     one option of ARGS: FF_OPT, FF_VAL, FF_SHIFT
#   ff_die CODE MSG...        message on stderr, exit CODE
#   ff_need CMD PKG           install Debian package PKG if CMD is missing
#   ff_duration STR           90, 90s, 10m, 1h, 2d -> seconds on stdout
#   ff_targets                the fuzz targets, one a line (`foliofuzz targets`)
#   ff_is_target NAME         true when NAME is one of them
#   ff_build PRESET TGT...    configure PRESET if needed, build targets
#   ff_build_errors LOG       what to show of a failed configure or build
#   ff_benchstat CMD ARGS...  scripts/benchstat.py: the measurement arithmetic
#   ff_options T SECTION      key=value lines of fuzz/T.options [SECTION]
#   ff_classify FILE T BUGS   "ID OP FRAME" of a crash input (see below)
#   ff_is_crash_input NAME    true for crash inputs, false for sidecars
#
# A script starts with
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh" && ff_preamble NAME || exit 1
# and runs from the repository root from then on.

FF_NAME=${FF_NAME:-foliofuzz}

# set -uo pipefail, cd to the repository root (this file's parent dir),
# FF_NAME=NAME for messages.
ff_preamble() {
	set -uo pipefail
	FF_NAME=$1
	cd "$(dirname "${BASH_SOURCE[0]}")/.." || return 1
}

# "NAME: MSG" when given, then the script's $FF_USAGE, on stderr; exit 2.
# @TARGETS@ in FF_USAGE becomes the fuzz targets (ff_targets).
ff_usage() {
	local text=${FF_USAGE:-usage: scripts/$FF_NAME}
	[ $# -gt 0 ] && echo "$FF_NAME: $*" >&2
	if [[ $text == *@TARGETS@* ]]; then
		text=${text//@TARGETS@/$(ff_targets 2>/dev/null | xargs)}
	fi
	printf '%s\n' "$text" >&2
	exit 2
}

# One option of a script's arguments, in a `while [ $# -gt 0 ]` loop:
#   ff_opt "--time --out" "$@" || ff_usage "$FF_OPT $FF_ERR"
#   shift "$FF_SHIFT"
#   case $FF_OPT in --time) t=$FF_VAL ;; ... esac
# VALUED lists the options that take a value, as "--opt VALUE" or
# "--opt=VALUE".  Sets FF_OPT (the option, or the plain argument), FF_VAL
# (its value) and FF_SHIFT (the arguments it took: 1 or 2).  Returns 1
# with FF_ERR set when a valued option has no value.  "--flag=X" for an
# option not in VALUED stays whole in FF_OPT, so it reads as unknown.
ff_opt() {
	local valued=" $1 " opt val
	shift
	FF_OPT=$1 FF_VAL= FF_SHIFT=1 FF_ERR=
	case $FF_OPT in
	--*=*)
		opt=${FF_OPT%%=*} val=${FF_OPT#*=}
		if [[ $valued == *" $opt "* ]]; then
			FF_OPT=$opt FF_VAL=$val
		fi
		return 0
		;;
	esac
	[[ $valued == *" $FF_OPT "* ]] || return 0
	if [ $# -lt 2 ]; then
		FF_ERR="needs a value"
		return 1
	fi
	FF_VAL=$2 FF_SHIFT=2
}

ff_say() { echo "$FF_NAME: $*"; }

ff_die() {
	local code=$1
	shift
	echo "$FF_NAME: $*" >&2
	exit "$code"
}

# apt-get install, through sudo when not root; says what it installs.
ff_apt_install() {
	local sudo=()
	ff_say "installing missing Debian packages: $*" >&2
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null ||
			ff_die 1 "need root (or sudo) to install: $*"
		sudo=(sudo)
	fi
	# apt's output goes to a log, shown only when it fails
	local log
	log=$(mktemp)
	if ! { "${sudo[@]}" apt-get update -qq &&
		"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq "$@"; } >"$log" 2>&1; then
		tail -20 "$log" >&2
		rm -f "$log"
		ff_die 1 "apt-get install $* failed"
	fi
	rm -f "$log"
	ff_say "installed: $*" >&2
}

ff_need() {
	command -v "$1" >/dev/null || ff_apt_install "$2"
	command -v "$1" >/dev/null || ff_die 1 "$1 still missing after installing $2"
}

# Seconds from 90, 90s, 10m, 1h or 2d; returns 1 on anything else.
ff_duration() {
	local s=$1 n unit
	[[ $s =~ ^([0-9]+)([smhd]?)$ ]] || return 1
	n=$((10#${BASH_REMATCH[1]}))
	unit=${BASH_REMATCH[2]}
	case $unit in
	'' | s) ;;
	m) n=$((n * 60)) ;;
	h) n=$((n * 3600)) ;;
	d) n=$((n * 86400)) ;;
	esac
	[ "$n" -gt 0 ] || return 1
	echo "$n"
}

# The fuzz targets: the first column of `foliofuzz targets` (NAME NR_OPS
# DIFFERENTIAL DOC; ctest unit/targets_list keeps it equal to
# CMakeLists.txt's FF_FUZZ_TARGETS).  The CLI is $FF_CLI, else
# build/asan/bin/foliofuzz, built first when it is missing.  Prints
# nothing and returns 1 when the CLI cannot list them.
ff_targets() {
	local cli=${FF_CLI:-build/asan/bin/foliofuzz}
	if [ ! -x "$cli" ]; then
		if [ -n "${FF_CLI:-}" ]; then
			echo "$FF_NAME: FF_CLI=$cli is not an executable" >&2
			return 1
		fi
		ff_say "building $cli to list the fuzz targets" >&2
		(ff_build asan foliofuzz) || return 1
	fi
	"$cli" targets | cut -f1 | grep . || {
		echo "$FF_NAME: '$cli targets' listed no target" >&2
		return 1
	}
}

ff_is_target() {
	local t
	for t in $(ff_targets); do
		[ "$t" = "$1" ] && return 0
	done
	return 1
}

# The lines of a failed build worth showing: errors, each "CMake Error"
# block (a build reruns the configure when a trace or CMakeLists.txt
# changed), and FILE:LINE: messages, such as a malformed "# expect:" line
# (corpus/regressions/x.trace:3: ...) the configure stopped at.
ff_build_errors() {
	awk '/CMake Error/ { blk = 1 }
		blk && /^[ \t]*$/ { blk = 0 }
		blk || /error|Error/ || /^[^ \t]+:[0-9]+: / { print }' "$1" | head -n 40
}

ff_build() {
	local preset=$1 log
	shift
	log=$(mktemp)
	if [ ! -f "build/$preset/CMakeCache.txt" ] &&
		! cmake --preset "$preset" >"$log" 2>&1; then
		cat "$log" >&2
		rm -f "$log"
		ff_die 1 "cmake --preset $preset failed"
	fi
	local t0=$SECONDS
	ff_say "building $* ($preset preset)" >&2
	if ! cmake --build --preset "$preset" -j"$(nproc)" --target "$@" >"$log" 2>&1; then
		ff_build_errors "$log" >&2
		rm -f "$log"
		ff_die 1 "building $* ($preset) failed; rerun: cmake --build --preset $preset"
	fi
	rm -f "$log"
	ff_say "built in $((SECONDS - t0)) s" >&2
}

# Medians, survival curves, ratios and tables of bench.sh, bugbench.sh
# and plot.sh: scripts/benchstat.py (Python 3, standard library only).
ff_benchstat() {
	ff_need python3 python3
	python3 scripts/benchstat.py "$@"
}

# fuzz/T.options is OSS-Fuzz's INI format: "[libfuzzer]" then "key = value".
ff_options() {
	local file=fuzz/$1.options
	[ -f "$file" ] || return 0
	awk -v want="[$2]" '
		/^[ \t]*(#|;|$)/ { next }
		/^[ \t]*\[/ { gsub(/[ \t]/, ""); sec = $0; next }
		sec == want && /=/ {
			k = $0; sub(/=.*/, "", k); gsub(/[ \t]/, "", k)
			v = $0; sub(/^[^=]*=/, "", v); gsub(/^[ \t]+|[ \t]+$/, "", v)
			print k "=" v
		}' "$file"
}

# Raw crash inputs, not the .trace / .report files written beside them.
ff_is_crash_input() {
	case $1 in
	*.trace | *.report | *.txt | *.md | README*) return 1 ;;
	esac
	return 0
}

# The signature of a crash input: "ID OP FRAME" on one line, where ID is
# the invariant id (I_*), or the sanitizer's error kind (asan-KIND,
# ubsan-KIND, lsan-leak), timeout, or no-repro; OP is the failing op
# (teardown, or - when unknown); FRAME the top model stack frame of a
# sanitizer report, or -.  `foliofuzz run --summary` first (its summary
# line gives the id and the op), then the target's replay driver (targets
# whose inputs are not op programs, and crashes only the engine build
# shows; only there is the report itself read).  The full output goes to
# $FF_CLASSIFY_LOG when set.
ff_classify() {
	local file=$1 target=$2 bugs=$3 out rc sum re id op frame
	local cli=${FF_CLI:-build/asan/bin/foliofuzz}
	local replay=${FF_BIN:-build/asan/bin}/fuzz_${target}_replay
	export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:report_error_type=1}

	out=$(FOLIOFUZZ_BUGS=$bugs timeout 60 "$cli" run --summary --target="$target" "$file" 2>&1)
	rc=$?
	sum=$(grep -m 1 '^summary: ' <<<"$out")
	id= op=
	re='^summary: result=fail inv=([^ ]+) step=[^ ]+ op=([^ ]+)'
	if [[ $sum =~ $re ]]; then
		id=${BASH_REMATCH[1]} op=${BASH_REMATCH[2]}
	fi
	if [ $rc -eq 0 ] && [ -x "$replay" ]; then
		out=$(FOLIOFUZZ_BUGS=$bugs timeout 60 "$replay" "$file" 2>&1)
		rc=$?
		# The replay driver prints the report, not a summary.
		id=$(sed -nE 's/.*==== foliofuzz: invariant (I_[A-Z0-9_]+) violated.*/\1/p' <<<"$out" | head -1)
		op=$(sed -nE 's/^step [0-9]+ of [0-9]+: ([a-z_]+).*/\1/p; s/^step: teardown.*/teardown/p' <<<"$out" | head -1)
	fi
	[ -n "${FF_CLASSIFY_LOG:-}" ] && printf '%s\n' "$out" >"$FF_CLASSIFY_LOG"

	if [ -z "$id" ]; then
		id=$(sed -nE 's/.*ERROR: AddressSanitizer: ([A-Za-z-]+).*/asan-\1/p' <<<"$out" | head -1)
	fi
	if [ -z "$id" ] && grep -q 'ERROR: LeakSanitizer' <<<"$out"; then
		id=lsan-leak
	fi
	if [ -z "$id" ]; then
		id=$(sed -nE 's/^SUMMARY: UndefinedBehaviorSanitizer: ([a-z-]+).*/ubsan-\1/p' <<<"$out" | head -1)
	fi
	if [ -z "$id" ] && grep -q 'runtime error:' <<<"$out"; then
		id=ubsan
	fi
	if [ -z "$id" ]; then
		case $rc in
		0) id=no-repro ;;
		124) id=timeout ;;
		*) id=exit-$rc ;;
		esac
	fi

	# The first frame outside the sanitizer runtime, libc, the drivers and
	# the model headers' inline helpers (include/foliofuzz/*.h: a
	# test_bit_flags says less than the try_to_unmap that called it).
	frame=$(grep -vE '^ *#[0-9]+ 0x[0-9a-f]+ in [^ ]+ [^ ]*include/foliofuzz/[^ ]*\.h:' <<<"$out" |
		sed -nE 's/^ *#[0-9]+ 0x[0-9a-f]+ in ([A-Za-z_][A-Za-z0-9_.]*) .*/\1/p' |
		grep -vE '^(__asan|__ubsan|__sanitizer|__interceptor|__lsan|_?_?GI_|abort|raise|malloc|calloc|realloc|free|mem(cpy|move|set|cmp)|str[a-z]*|ff_fail|ff_vm_bug|LLVMFuzzerTestOneInput|main|run_one|replay_(file|path)|fuzzer::)' |
		head -1)
	echo "$id ${op:--} ${frame:--}"
}
