#!/usr/bin/env bash
# test_knob_seeds.sh FOLIOFUZZ - ctest unit/knob_seeds: no seed of a knob's
# target (corpus/<target>/) trips a knob listed in
# tests/data/seedless_knobs.txt; each listed knob exists and is still
# tripped by its own regression trace (so the check can fail).
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
ff=${1:?usage: test_knob_seeds.sh PATH/TO/foliofuzz}
. tests/scripts/testlib.sh
knobs=$("$ff" knobs) || { bad "foliofuzz knobs failed"; exit 1; }
while read -r k; do
	case $k in '' | '#'*) continue ;; esac
	t=$(awk -v k="$k" '$1 == k { print $2 }' <<<"$knobs")
	if [ -z "$t" ]; then
		bad "$k: not a knob"
		continue
	fi
	"$ff" run --bugs="$k" "corpus/regressions/$k.trace" >/dev/null 2>&1 &&
		bad "$k: its regression trace does not trip it" || ok
	for f in corpus/"$t"/*; do
		if "$ff" run --target="$t" --bugs="$k" "$f" >/dev/null 2>&1; then
			ok
		else
			bad "$k: seed $f (target $t) trips it: keep knob reproducers out of the seed corpora"
		fi
	done
done <tests/data/seedless_knobs.txt
echo "test_knob_seeds: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
