/*
 * kshim.c - the harness's side of kshim (docs/kshim.md): which real
 * kernel code this build has.  A kshim build (scripts/kshim.sh) compiles
 * with FF_KSHIM and links src/kshim/impl.c, which defines ks_impl; a
 * model-only build has none, and every world runs the model.
 */
#include <stdlib.h>
#include <string.h>

#include "foliofuzz/fail.h"
#include "foliofuzz/world.h"

#ifdef FF_KSHIM
extern const struct ff_kimpl ks_impl;

const struct ff_kimpl *ff_kshim_impl(void)
{
	return &ks_impl;
}
#else
const struct ff_kimpl *ff_kshim_impl(void)
{
	return NULL;
}

void ff_kshim_manifest(FILE *f)
{
	fputs("not a kshim build: it runs the model alone (scripts/kshim.sh "
	      "--kernel-src SRC builds one with a kernel tree's code)\n",
	      f);
}
#endif

bool ff_kshim_wanted(void)
{
	static int wanted = -1;

	if (wanted < 0) {
		const char *e = getenv("FOLIOFUZZ_KSHIM");

		wanted = !(e && strcmp(e, "0") == 0);
	}
	return wanted;
}

void ff_print_expected(FILE *f, const struct ff_kimpl *impl, int row)
{
	const struct ff_kexpected *e;

	if (!impl || row < 0)
		return;
	e = &impl->expected_rows[row];
	fprintf(f,
		"expected difference: %s (Linux %s..%s, pick %s): %s in this "
		"tree: %s; upstream: %s\n",
		e->id, e->from, e->until[0] ? e->until : "", e->pick,
		ff_invs[e->inv].id, e->why, e->ref);
}
