#!/usr/bin/env bash
# test_cli.sh FOLIOFUZZ WORK_DIR - the CLI's rough edges (issue 12, item 4),
# ctest unit/cli: unknown options named, "--opt VALUE" and "--opt=VALUE"
# alike, SUB --help, decode of a text trace parsed not decoded, gen refusing
# a terminal, the "# target:" header rules and ops outside the target,
# leading zeros, the size limit, "run -" and outputs checked before work
# and never left half written.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
ff=${1:?usage: test_cli.sh FOLIOFUZZ WORK_DIR}
work=${2:?usage: test_cli.sh FOLIOFUZZ WORK_DIR}
. tests/scripts/testlib.sh
rm -rf "$work" && mkdir -p "$work" || exit 1
knob=dax_shared_aliases_anon
rt=corpus/regressions/$knob.trace

# unknown options name themselves, in every command that takes options
for c in "run $rt" "decode $rt" "encode $rt -o $work/x" "gen" "bench" \
	"minimize $rt" "random" "verify $rt"; do
	expect_rc 2 "$c --frob" "$ff" $c --frobnicate
	expect_out "unknown option '--frobnicate'" "$c names the option"
done
# both forms of a valued option
expect_rc 1 "run --bugs LIST" "$ff" run --bugs "$knob" "$rt"
expect_rc 1 "run --bugs=LIST" "$ff" run --bugs="$knob" "$rt"
expect_rc 0 "gen --seed S --len L --text" "$ff" gen --seed 3 --len 4 --text
expect_rc 0 "gen --seed=S --len=L --text" "$ff" gen --seed=3 --len=4 --text
# SUB --help
for c in decode encode run expect verify explain knobs targets gen bench minimize kshim-gate kshim; do
	expect_rc 0 "$c --help" "$ff" "$c" --help
	expect_out "^usage: foliofuzz $c" "$c --help prints its usage"
done
expect_rc 0 "random -h" "$ff" random -h
# decode of a text trace: parsed and printed, errors are file:line:col
expect_rc 0 "decode a text trace" "$ff" decode "$rt"
expect_out "^dax_fault file=d0 index=3 vma=0$" "decode passes a trace through"
printf '# foliofuzz trace\nalloc order=0 kind=anon\nbogus x=1\n' >"$work/bad.trace"
expect_rc 2 "decode a malformed trace" "$ff" decode "$work/bad.trace"
expect_out "bad\.trace:3:1: unknown op 'bogus'" "decode names file:line:col"
# gen refuses to write bytes to a terminal
if command -v script >/dev/null; then
	expect_rc 2 "gen to a terminal" script -qec "$ff gen" /dev/null
	expect_out "binary output to a terminal" "gen refuses the terminal"
fi
# the "# target:" header
printf '# foliofuzz trace\n# target: dax\nalloc order=0 kind=anon obj=0 index=0\n' >"$work/t1.trace"
expect_rc 2 "an op outside the header's target" "$ff" run "$work/t1.trace"
expect_out "t1\.trace:3:1: op 'alloc' is not in target 'dax'" "names the op's file:line:col"
printf '# foliofuzz trace\n# target:\ndax_fault file=d0 index=0 vma=0\n' >"$work/t2.trace"
expect_rc 2 "an empty header" "$ff" run "$work/t2.trace"
expect_out "t2\.trace:2: '# target:' needs a target name" "names the empty header"
printf '# foliofuzz trace\n# target: dax\ndax_fault file=d0 index=0 vma=0\n' >"$work/t3.trace"
expect_rc 2 "header and --target disagree" "$ff" run --target=ops "$work/t3.trace"
expect_out "says '# target: dax' but the command line says --target=ops" "says which is which"
expect_rc 0 "header and --target agree" "$ff" run --target=dax "$work/t3.trace"
printf '# foliofuzz trace\ndax_fault file=d0 index=0 vma=0\n# target: snapshot\n' >"$work/t4.trace"
expect_rc 0 "a '# target:' after the first op is a comment" "$ff" run "$work/t4.trace"
# numbers, size, standard input, outputs
printf '# foliofuzz trace\nalloc order=00000000001 kind=anon obj=0 index=0\n' >"$work/z.trace"
expect_rc 0 "leading zeros" "$ff" run "$work/z.trace"
truncate -s 65M "$work/big.bin"
expect_rc 2 "an input over the limit" "$ff" run "$work/big.bin"
expect_out "too large \(68157440 bytes; inputs are limited to 64 MiB\)" "states the limit"
expect_rc 1 "run - reads standard input" sh -c "'$ff' run --bugs=$knob - <'$rt'"
expect_out "^-: 2 ops" "run - names standard input"
for c in "decode $rt" "encode $rt" "gen --len=4" "minimize $rt --bugs=$knob"; do
	expect_rc 2 "$c -o into a missing directory" "$ff" $c -o "$work/none/out"
	expect_out "none/out: No such file or directory" "$c fails before the work"
done
expect_rc 0 "encode writes its output" "$ff" encode "$rt" -o "$work/out.bin"
[ -s "$work/out.bin" ] && ok || bad "encode wrote out.bin"
ls "$work"/*.tmp* >/dev/null 2>&1 && bad "temporary outputs left behind" || ok

echo "test_cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
