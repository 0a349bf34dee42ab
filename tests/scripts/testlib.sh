# testlib.sh - what the shell tests share; source it from the repository
# root.  Each check counts one pass ($pass) or one failure ($fail); a test
# ends by printing "NAME: $pass passed, $fail failed" and exiting non-zero
# when $fail is not 0.
#
#   ok / bad MSG              count a pass / a failure (MSG on stderr)
#   expect_rc RC WHAT CMD...  CMD exits RC; its output (stdout+stderr) in $out
#   expect_out REGEX WHAT     $out matches the extended regex
#   expect_line LINE WHAT     $out has exactly this line
pass=0 fail=0
out=

ok() {
	pass=$((pass + 1))
}

bad() {
	fail=$((fail + 1))
	echo "FAIL: $*" >&2
}

show_out() {
	printf '%s\n' "$out" | sed 's/^/    /' >&2
}

expect_rc() {
	local want=$1 what=$2 rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		ok
	else
		bad "$what: exit $rc, want $want: $*"
		show_out
	fi
}

expect_out() {
	if grep -qE -- "$1" <<<"$out"; then
		ok
	else
		bad "$2: output lacks /$1/"
		show_out
	fi
}

expect_line() {
	if grep -qxF -- "$1" <<<"$out"; then
		ok
	else
		bad "$2: output lacks the line '$1'"
		show_out
	fi
}

# kshim tests (tests/scripts/test_kshim_*.sh KSHIM_DIR): $kdir is the kshim
# build (scripts/kshim.sh --out), $ff its foliofuzz.
kshim_dir() {
	kdir=${1:?usage: $(basename "$0") KSHIM_DIR (a scripts/kshim.sh build)}
	ff=$kdir/bin/foliofuzz
	[ -x "$ff" ] || { echo "$kdir: no kshim build" >&2; exit 2; }
}
