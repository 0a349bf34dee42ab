#!/usr/bin/env bash
# test_expect_configure.sh - a malformed "# expect:" line stops the
# configure naming its file:line, and scripts/lib.sh's ff_build shows that
# line (ctest unit/expect_configure).
#
#   tests/scripts/test_expect_configure.sh CMAKE CC WORK_DIR
#
# 1. cmake/expect_check.cmake in script mode (what CMakeLists.txt runs at
#    configure) on good traces, then on a malformed one;
# 2. a tiny CMake project in WORK_DIR that checks its one trace the same
#    way, built through ff_build: first with a good line, then, with the
#    build tree in place, with a malformed one (the build reruns the
#    configure, which fails).
set -u

cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
root=$PWD
cmake=${1:?usage: test_expect_configure.sh CMAKE CC WORK_DIR}
cc=${2:?usage: test_expect_configure.sh CMAKE CC WORK_DIR}
work=${3:?usage: test_expect_configure.sh CMAKE CC WORK_DIR}
rm -rf "$work" && mkdir -p "$work/proj/corpus/regressions" || exit 1
work=$(cd "$work" && pwd)
. tests/scripts/testlib.sh
# Here a failure always shows the output that made it one.
bad() {
	fail=$((fail + 1))
	echo "FAIL: $*" >&2
	show_out
}

trace=$work/proj/corpus/regressions/x.trace
good() {
	printf '# foliofuzz trace\n#\n# expect: I_GUP with bugs=gup_no_recheck\nalloc order=0 kind=anon obj=0 index=0\n' >"$trace"
}
malformed() {
	printf '# foliofuzz trace\n#\n# expect: I_GUP with bugs=gup_no_rechek\nalloc order=0 kind=anon obj=0 index=0\n' >"$trace"
}
check() { # ARGS...: cmake -P expect_check.cmake; output in $out
	out=$("$cmake" -DCC="$cc" -DBIN_DIR="$work/bin" "$@" \
		-P cmake/expect_check.cmake 2>&1)
}

# ---- 1. the configure-time checker ------------------------------------------

good
if check -DTRACES="$root/corpus/regressions/F_DAX_STALE_SHARE.trace;$trace"; then
	grep -qF "$(printf 'corpus/regressions/F_DAX_STALE_SHARE.trace\tfinding\tI_DAX_STATE\t-\tF_DAX_STALE_SHARE\tfix_dax_stale_share')" <<<"$out" &&
		grep -qF "$(printf 'x.trace\tbug\tI_GUP\tgup_no_recheck\t-\t-')" <<<"$out" && ok ||
		bad "checker lines of good traces"
else
	bad "checker failed on good traces"
fi
malformed
if check -DTRACES="$trace"; then
	bad "checker accepted a malformed trace"
else
	grep -qE "^([^ ]*/)?corpus/regressions/x.trace:3: unknown bug knob 'gup_no_rechek'" <<<"$out" && ok ||
		bad "checker does not name file:line at the start of a line"
fi

# ---- 2. ff_build shows it ---------------------------------------------------

cat >"$work/proj/CMakeLists.txt" <<EOF
cmake_minimum_required(VERSION 3.21)
project(expect_configure LANGUAGES NONE)
include($root/cmake/expect_check.cmake)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS $trace)
ff_expect_check(lines $cc \${CMAKE_BINARY_DIR}/expect-check $trace)
add_custom_target(t ALL)
EOF
cat >"$work/proj/CMakePresets.json" <<'EOF'
{
  "version": 3,
  "configurePresets": [ { "name": "p", "binaryDir": "${sourceDir}/build/p" } ],
  "buildPresets": [ { "name": "p", "configurePreset": "p" } ]
}
EOF
good
build() { # ff_build in the project: output in $out, status in $rc
	out=$(cd "$work/proj" && FF_NAME=test bash -c ". '$root/scripts/lib.sh' && ff_build p t" 2>&1)
	rc=$?
}
build
[ "$rc" -eq 0 ] && ok || bad "ff_build with a good trace: exit $rc"
malformed
touch "$trace"
build
if [ "$rc" -eq 0 ]; then
	bad "ff_build with a malformed trace succeeded"
else
	grep -qE "corpus/regressions/x.trace:3: unknown bug knob 'gup_no_rechek'" <<<"$out" && ok ||
		bad "ff_build hides file:line of the malformed trace"
fi
rm -rf "$work/proj/build"
build
if [ "$rc" -eq 0 ]; then
	bad "ff_build (fresh configure) with a malformed trace succeeded"
else
	grep -qE "corpus/regressions/x.trace:3: unknown bug knob" <<<"$out" && ok ||
		bad "ff_build (fresh configure) hides file:line"
fi

echo "test_expect_configure: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
