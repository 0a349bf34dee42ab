#!/usr/bin/env bash
# test_scripts.sh - the campaign scripts parse what they promise and reject
# the rest with exit 2, without building or fuzzing anything (ctest
# unit/scripts).
#
#   tests/scripts/test_scripts.sh PATH/TO/foliofuzz
#
# Checks: duration parsing (scripts/lib.sh ff_duration); fuzz.sh argument
# errors, an unknown bug knob (asked of the CLI), and the engine command
# lines it would run (--dry-run); the options file parser; ff_classify's
# signature of a failing trace; minimize.sh refusing partial state; usage
# errors of the other scripts; the shared option parser (lib.sh ff_opt)
# and the target list (ff_targets, from `foliofuzz targets`).
set -u

cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
cli=${1:?usage: test_scripts.sh PATH/TO/foliofuzz}
export FF_CLI=$cli
. tests/scripts/testlib.sh

# ---- durations ------------------------------------------------------------

FF_NAME=test . scripts/lib.sh
for pair in 90:90 90s:90 10m:600 1h:3600 2d:172800 007:7; do
	got=$(ff_duration "${pair%%:*}")
	[ "$got" = "${pair#*:}" ] && ok || bad "ff_duration ${pair%%:*} = '$got', want ${pair#*:}"
done
for s in '' x 5x 1.5h -5 0 0m 10M 1h30m ' 9'; do
	if got=$(ff_duration "$s"); then
		bad "ff_duration '$s' accepted as '$got'"
	else
		ok
	fi
done

# ---- fuzz.sh: usage errors exit 2 ------------------------------------------
# Every call has --dry-run: a regression in the checks must not start a
# campaign.

expect_rc 2 "bad duration" scripts/fuzz.sh --time 5x --dry-run
expect_out "duration" "bad duration message"
expect_rc 2 "duration without value" scripts/fuzz.sh --dry-run --time
expect_rc 2 "unknown engine" scripts/fuzz.sh --engine honggfuzz --dry-run
expect_rc 2 "zero jobs" scripts/fuzz.sh --jobs 0 --dry-run
expect_rc 2 "jobs not a number" scripts/fuzz.sh --jobs=two --dry-run
expect_rc 2 "unknown target" scripts/fuzz.sh no_such_target --dry-run
expect_out "no fuzz target" "unknown target message"
expect_rc 2 "two targets" scripts/fuzz.sh ops ops --dry-run
expect_rc 2 "unknown option" scripts/fuzz.sh --frobnicate --dry-run
expect_rc 2 "unknown knob" scripts/fuzz.sh --bugs no_such_knob --dry-run
expect_out "unknown bug knob" "unknown knob message"

# ---- fuzz.sh --dry-run: the engine command lines -----------------------

expect_rc 0 "dry run, defaults" scripts/fuzz.sh --dry-run
expect_out "for 60 s, 1 job" "default 60 s, one job"
expect_out "fuzz_ops .*-max_total_time=60 " "plain libFuzzer run, 60 s"
expect_out "-dict=dicts/ops.dict" "the target's dictionary"
expect_out "-artifact_prefix=work/ops-libfuzzer/crashes/" "default work dir"
if [ -f fuzz/ops.options ]; then
	expect_out "fuzz_ops .*-max_len=" "options from fuzz/ops.options"
fi
expect_rc 0 "dry run, 1h 2 jobs" scripts/fuzz.sh ops --time 1h --jobs 2 --workdir /tmp/x --dry-run
expect_out "for 3600 s, 2 job" "1h is 3600 s"
expect_out "-fork=2 -ignore_crashes=1" "fork mode keeps going after crashes"
expect_out "-artifact_prefix=/tmp/x/crashes/" "--workdir"
expect_rc 0 "dry run, AFL++ 3 jobs" scripts/fuzz.sh --engine=afl --jobs 3 --time 10m --dry-run
expect_out "afl-fuzz -M main .*fuzz_ops_afl" "AFL++ main instance"
expect_out "afl-fuzz -S s2 .*-o work/ops-afl/sync" "AFL++ secondaries share the sync dir"

# ---- the options file parser ------------------------------------------------

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/fuzz"
cat >"$tmp/fuzz/t.options" <<'EOF'
# a comment
[libfuzzer]
max_len = 512
timeout=10

[afl]
max_len = 99
EOF
got=$(cd "$tmp" && ff_options t libfuzzer | tr '\n' ' ')
[ "$got" = "max_len=512 timeout=10 " ] && ok || bad "ff_options [libfuzzer] = '$got'"
got=$(cd "$tmp" && ff_options t afl | tr '\n' ' ')
[ "$got" = "max_len=99 " ] && ok || bad "ff_options [afl] = '$got'"
got=$(cd "$tmp" && ff_options missing libfuzzer)
[ -z "$got" ] && ok || bad "ff_options of a missing file = '$got'"

# ---- minimize.sh refuses partial state --------------------------------------

mkdir -p "$tmp/out"
touch "$tmp/out/x"
expect_rc 2 "nonempty output dir" scripts/minimize.sh corpus -o "$tmp/out"
expect_out "not empty" "nonempty output dir message"
mkdir -p "$tmp/out2" && touch "$tmp/out2.merge"
expect_rc 2 "merge control file left" scripts/minimize.sh corpus -o "$tmp/out2"
expect_out "interrupted" "interrupted merge message"
mkdir -p "$tmp/out3.partial"
expect_rc 2 "partial dir left" scripts/minimize.sh corpus -o "$tmp/out3"
expect_rc 2 "minimize without a mode" scripts/minimize.sh
expect_rc 2 "minimize, missing crash" scripts/minimize.sh --crash "$tmp/no_such_file"

# ---- ff_classify reads `run --summary` ---------------------------------------

got=$(ff_classify corpus/regressions/type_not_reset_on_free.trace ops type_not_reset_on_free)
[ "$got" = "I_FREE_BAD_PAGE put -" ] && ok ||
	bad "ff_classify of a knob trace = '$got', want 'I_FREE_BAD_PAGE put -'"
got=$(ff_classify corpus/regressions/md_list_poison.trace memdesc md_list_poison)
[ "${got% -}" = "I_MEMDESC put" ] && ok ||
	bad "ff_classify of a memdesc knob trace = '$got', want 'I_MEMDESC put -'"

# ---- the other scripts: usage errors ---------------------------------------

for s in triage replay coverage plot; do
	[ -x "scripts/$s.sh" ] || continue
	expect_rc 2 "$s.sh unknown option" "scripts/$s.sh" --frobnicate
done
expect_rc 2 "triage.sh without a dir" scripts/triage.sh
expect_rc 2 "plot.sh on a dir without progress" scripts/plot.sh "$tmp"

# ---- the shared option parser (lib.sh ff_opt) -------------------------------

opt_case() { # WANT_RC WANT "OPT|VAL|SHIFT" ARGS...: ff_opt on ARGS
	local want_rc=$1 want=$2 rc
	shift 2
	ff_opt "--time --out -o" "$@"
	rc=$?
	if [ "$rc" = "$want_rc" ] && [ "$FF_OPT|$FF_VAL|$FF_SHIFT" = "$want" ]; then
		ok
	else
		bad "ff_opt $*: rc $rc, '$FF_OPT|$FF_VAL|$FF_SHIFT', want rc $want_rc, '$want'"
	fi
}
opt_case 0 "--time|10|2" --time 10 --out x
opt_case 0 "--time|10|1" --time=10 --out x
opt_case 0 "--time||1" --time= --out x # an empty value, not the next argument
opt_case 0 "--out|a=b|1" --out=a=b
opt_case 0 "-o|f.png|2" -o f.png
opt_case 1 "--time||1" --time
opt_case 0 "--dry-run||1" --dry-run --time 3
opt_case 0 "--dry-run=1||1" --dry-run=1 # reads as an unknown option
opt_case 0 "ops||1" ops --time 3
expect_rc 2 "fuzz.sh empty --time=" scripts/fuzz.sh --time= --dry-run
expect_out "fuzz.sh: --time wants" "fuzz.sh empty --time= says so"
expect_rc 2 "fuzz.sh flag with a value" scripts/fuzz.sh --dry-run=1
expect_out "unknown option: --dry-run=1" "fuzz.sh names the bad flag"
expect_rc 2 "bench.sh --out without value" scripts/bench.sh --no-build --out
expect_out "bench.sh: --out needs a value" "bench.sh names the option"
expect_rc 2 "bugbench.sh bad --trials" scripts/bugbench.sh --trials=0 --no-build
expect_rc 2 "bugbench.sh bad --engines" scripts/bugbench.sh --engines=random,libfuzzer-edges --no-build
expect_out "libfuzzer-feedback or afl, not 'libfuzzer-edges'" "bugbench.sh lists the engines"
expect_rc 2 "plot.sh -o without value" scripts/plot.sh "$tmp" -o
expect_rc 2 "triage.sh --runs without value" scripts/triage.sh "$tmp" --runs

# ---- the fuzz targets: `foliofuzz targets`, first column ------------------

got=$(ff_targets | xargs)
want=$("$cli" targets | cut -f1 | xargs)
[ -n "$got" ] && [ "$got" = "$want" ] && ok || bad "ff_targets: '$got', want '$want'"
ff_is_target ops && ok || bad "ops is not a target"
ff_is_target no_such_target && bad "no_such_target is a target" || ok
expect_rc 1 "ff_targets with a missing CLI" env FF_CLI=/nonexistent/foliofuzz \
	bash -c '. scripts/lib.sh; ff_targets'

echo "test_scripts: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
