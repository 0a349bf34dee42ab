#!/usr/bin/env bash
# test_kshim_extract.sh - the kshim extractor, `scripts/kshim_tool.py
# extract` (ctest unit/kshim_extract).
#
#   tests/scripts/test_kshim_extract.sh WORK_DIR [PYTHON [CC]]
#
# On tests/data/kshim/extract/sample.c (ours, in the kernel's style: no
# kernel code): the text of a few definitions byte for byte against the
# expected files next to it, each block under a #line naming the right
# source line, source order, the --locs header, NAME#K and the ambiguity
# error, the missing-name error (exit 2, every name listed) also after a
# rename "upstream", bad usage (exit 2, never a traceback), and that the
# extracted code compiles, its diagnostics and __FILE__/__LINE__ naming
# sample.c.
set -u

cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
work=${1:?usage: test_kshim_extract.sh WORK_DIR [PYTHON [CC]]}
python=${2:-python3}
cc=${3:-cc}
rm -rf "$work" && mkdir -p "$work/out" || exit 1
work=$(cd "$work" && pwd)
. tests/scripts/testlib.sh

tree=$PWD/tests/data/kshim     # --tree, with REL extract/sample.c
rel=extract/sample.c
sample=$tree/$rel
data=$tree/extract

rx() { # TEXT: TEXT as an extended regex matching itself
	# shellcheck disable=SC2001 # one bracket expression, not ten replacements
	sed 's/[][\\.*^$+?(){}|]/\\&/g' <<<"$1"
}

extract() { # ARGS...: the extractor on the sample
	"$python" scripts/kshim_tool.py extract --tree "$tree" --file "$rel" "$@"
}

same_as() { # EXPECTED FILE WHAT: FILE is EXPECTED with @TREE@ filled in
	local want
	want=$(<"$1")
	if [ "${want//@TREE@/$tree}" == "$(<"$2")" ]; then
		ok
	else
		bad "$3: differs from $1"
		diff -u <(printf '%s\n' "${want//@TREE@/$tree}") "$2" | sed 's/^/    /' >&2
	fi
}

no_traceback() { # WHAT: $out is a message, not a Python traceback
	if grep -q "Traceback" <<<"$out"; then
		bad "$1: a traceback"
		show_out
	else
		ok
	fi
}

lines_match() { # FILE WHAT: each block under `#line N "sample"` is sample.c from line N on
	if awk -v want="\"$sample\"" '
		function flush(  i) {
			if (!k)
				return
			if (blk[k] != "") {
				print "block at #line " first ": no blank line after it"
				bad++
			}
			for (i = 1; i < k; i++)
				if (blk[i] != src[first + i - 1]) {
					print "#line " first ": output line " i " is not sample.c:" first + i - 1
					bad++
					return
				}
		}
		NR == FNR { src[FNR] = $0; next }
		/^#line / {
			flush()
			first = $2
			path = $0
			sub(/^#line [0-9]+ /, "", path)
			if (path != want) {
				print "#line names " path
				bad++
			}
			k = 0
			blocks++
			next
		}
		first { blk[++k] = $0 }
		END { flush(); if (!blocks) { print "no #line"; bad++ } exit bad != 0 }
	' "$sample" "$1" >"$work/lines.txt"; then
		ok
	else
		bad "$2: #line numbers: $(cat "$work/lines.txt")"
	fi
}

in_order() { # FILE WHAT: its #line numbers rise
	if awk '/^#line / { if ($2 <= last) exit 1; last = $2 }' "$1"; then
		ok
	else
		bad "$2: definitions not in source order"
	fi
}

# ---- the text, byte for byte -------------------------------------------------
# Given out of source order; smp_box_tag has a prototype (line 39) and a
# kernel-doc comment above its definition, and its return type on a line
# of its own.
expect_rc 0 "basic extraction" extract --out "$work/out/basic.c" \
	--locs "$work/out/basic_locs.h" smp_box_value SMP_SHIFT smp_box_tag struct:smp_box
same_as "$data/basic.expected" "$work/out/basic.c" "basic"
same_as "$data/basic_locs.expected" "$work/out/basic_locs.h" "basic --locs"
lines_match "$work/out/basic.c" "basic"
in_order "$work/out/basic.c" "basic"
if [ -z "$(find "$work/out" -name '.*')" ]; then ok; else bad "a temporary file is left in $work/out"; fi

# Braces in comments, strings and char literals, #ifdef in bodies (one
# whose branches each open a brace), a macro with a multi-line comment,
# unbalanced braces in macros, an annotation after the parameters, macro
# invocations with no ';' above a function, the #else smp_check.
tricky="smp_sum smp_box_name smp_count SMP_LIMIT smp_check#2 smp_reset SMP_BEGIN
	smp_after_gen smp_for_each_set_bit enum:smp_state union:smp_word"
# shellcheck disable=SC2086 # one word per name
expect_rc 0 "tricky extraction" extract --out "$work/out/tricky.c" $tricky
same_as "$data/tricky.expected" "$work/out/tricky.c" "tricky"
lines_match "$work/out/tricky.c" "tricky"
in_order "$work/out/tricky.c" "tricky"

# stdout by default, the same text
# shellcheck disable=SC2086
"$python" scripts/kshim_tool.py extract --tree "$tree" --file "$rel" $tricky >"$work/stdout.c" 2>&1
if cmp -s "$work/stdout.c" "$work/out/tricky.c"; then ok; else bad "stdout differs from --out"; fi

# ---- NAME#K and the ambiguity ------------------------------------------------
expect_rc 2 "smp_check without #K" extract smp_check
expect_out "smp_check is defined 2 times, at lines 77, 82" "ambiguity lists both lines"
expect_out "smp_check#1 .. smp_check#2" "ambiguity says how to pick"
expect_rc 0 "smp_check#1" extract --locs "$work/out/k1.h" smp_check#1
expect_line "#line 77 \"$sample\"" "smp_check#1 is the #ifdef one"
expect_line "	return smp_box_tag(box) != 0;" "smp_check#1 body"
if grep -qxF -- '#define KS_LOC_smp_check "extract/sample.c:77"' "$work/out/k1.h"; then
	ok
else
	bad "smp_check#1: --locs header: want KS_LOC_smp_check, no #1"
fi
expect_rc 0 "smp_check#2" extract smp_check#2
expect_line "#line 82 \"$sample\"" "smp_check#2 is the #else one"
expect_rc 2 "smp_check#3" extract smp_check#3
expect_out "smp_check#3: smp_check is defined 2 times, at lines 77, 82" "#K out of range"
expect_rc 2 "smp_check#1 and smp_check#2 together" extract smp_check#1 smp_check#2
expect_out "smp_check is picked twice" "one KS_LOC name, two definitions"

# ---- missing names -------------------------------------------------------------
# A prototype, a call and a macro-generated function are not definitions.
echo "old" >"$work/out/keep.c"
expect_rc 2 "missing names" extract --out "$work/out/keep.c" smp_box_tag smp_nothing \
	struct:smp_nobox smp_only_declared smp_gen_one enum:smp_box
expect_line "kshim_tool: extract: extract/sample.c: no definition of smp_nothing, struct:smp_nobox, smp_only_declared, smp_gen_one, enum:smp_box in $sample: renamed or removed upstream? Update the picks table src/kshim/picks.tsv" \
	"one message listing every missing name"
no_traceback "missing names"
if [ "$(cat "$work/out/keep.c")" == "old" ]; then ok; else bad "a failed run replaced --out"; fi

# "Upstream" renames smp_box_value: the old name is reported, the new found.
mkdir -p "$work/tree/extract" && cp "$sample" "$work/tree/extract/" || exit 1
sed -i 's/\<smp_box_value(/smp_box_val(/' "$work/tree/extract/sample.c"
expect_rc 2 "renamed upstream" "$python" scripts/kshim_tool.py extract \
	--tree "$work/tree" --file "$rel" SMP_SHIFT smp_box_value smp_box_tag
expect_out "no definition of smp_box_value in $(rx "$work/tree/extract/sample.c"): renamed or removed upstream" \
	"the renamed function is named"
expect_rc 0 "the new name" "$python" scripts/kshim_tool.py extract \
	--tree "$work/tree" --file "$rel" smp_box_val
expect_line "#line 59 \"$work/tree/extract/sample.c\"" "the new name, at the same line"

# ---- bad usage: exit 2, never a traceback ---------------------------------------
usage() { # WHAT ARGS...
	local what=$1
	shift
	expect_rc 2 "$what" "$python" scripts/kshim_tool.py extract "$@"
	no_traceback "$what"
}
usage "no arguments"
usage "no NAME" --tree "$tree" --file "$rel"
usage "no --tree" --file "$rel" smp_sum
usage "an unknown option" --tree "$tree" --file "$rel" --frob smp_sum
usage "a bad NAME" --tree "$tree" --file "$rel" smp-sum
usage "#0" --tree "$tree" --file "$rel" smp_sum#0
usage "a bad kind" --tree "$tree" --file "$rel" class:smp_box
usage "--file outside the tree" --tree "$tree" --file ../kshim/extract/sample.c smp_sum
usage "--file absolute" --tree "$tree" --file "$sample" smp_sum
usage "a missing tree" --tree "$work/nothing" --file "$rel" smp_sum
expect_out "nothing: no such directory" "a missing tree says so"
usage "a missing file" --tree "$tree" --file extract/none.c smp_sum
expect_out "extract/none\.c: no such file in $(rx "$tree")$" "a missing file says so"
usage "a directory as --file" --tree "$tree" --file extract smp_sum
usage "--out in a missing directory" --tree "$tree" --file "$rel" --out "$work/none/x.c" smp_sum
usage "--out a directory" --tree "$tree" --file "$rel" --out "$work" smp_sum
usage "--out and --locs the same" --tree "$tree" --file "$rel" --out "$work/x" --locs "$work/x" smp_sum

# ---- the output compiles; diagnostics and __FILE__/__LINE__ name sample.c ------
cat >"$work/wrap.c" <<'EOF'
/* What the extracted sample code needs from "the kernel". */
#include <stddef.h>
#define noinline __attribute__((noinline))
#define __always_inline inline __attribute__((always_inline))
#define __must_hold(x)
static inline int smp_gen_one(void);
static inline int smp_gen_two(void);
#include "out/all.c"
SMP_GEN(one)
SMP_GEN(two)
EOF
expect_rc 0 "extract everything" extract --out "$work/out/all.c" SMP_SHIFT SMP_TAG_MASK \
	SMP_LIMIT SMP_EMPTY_INIT SMP_BEGIN SMP_END struct:smp_box enum:smp_state \
	union:smp_word smp_for_each_set_bit smp_box_tag smp_box_value smp_box_name \
	smp_check#2 smp_count smp_sum smp_reset smp_total SMP_GEN smp_after_gen smp_where
lines_match "$work/out/all.c" "everything"
expect_rc 0 "$cc -fsyntax-only of the extracted code" "$cc" -fsyntax-only "$work/wrap.c"
# smp_check#2 does not use its parameter: the warning names sample.c:82.
expect_rc 0 "$cc -Wunused-parameter" "$cc" -fsyntax-only -Wunused-parameter "$work/wrap.c"
expect_out "^$(rx "$sample"):82:[0-9]+: warning: unused parameter" "a diagnostic names the user's file and line"

cat >"$work/where.c" <<'EOF'
#include <stdio.h>
#include "out/where.c"
int main(void)
{
	const char *file;
	unsigned long line = smp_where(&file);

	printf("%s:%lu\n", file, line);
	return 0;
}
EOF
expect_rc 0 "extract smp_where" extract --out "$work/out/where.c" smp_where
expect_rc 0 "$cc where.c" "$cc" -o "$work/where" "$work/where.c"
expect_rc 0 "run where" "$work/where"
expect_line "$sample:$(grep -n 'return __LINE__;' "$sample" | cut -d: -f1)" \
	"__FILE__ and __LINE__ name sample.c"

echo "test_kshim_extract: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
