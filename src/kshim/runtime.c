/*
 * runtime.c - the kshim runtime every pick shares (docs/kshim.md): WARN and
 * BUG from real kernel code become foliofuzz failures that name the
 * tree's file:line, and the table of real code this build runs (ks_impl).
 */
#include <stdio.h>
#include <string.h>

#include "shim.h"

#include "ks_manifest.h"
#include "picks.h"
#include "foliofuzz/world.h"

const char *ks_tree_path(const char *file)
{
	size_t n = strlen(KS_TREE);

	if (strncmp(file, KS_TREE, n) == 0 && file[n] == '/')
		return file + n + 1;
	return file;
}

bool ks_warned(const char *cond, const char *file, int line)
{
	ff_fail(I_KSHIM_WARN, NULL,
		"WARNING: %s:%d: WARN_ON_ONCE(%s) (Linux %s)",
		ks_tree_path(file), line, cond, KS_RELEASE);
	return true;
}

void ks_bugged(const char *cond, const char *file, int line,
	       const struct page *page)
{
	ff_vm_bug(I_KSHIM_WARN, page, "kernel BUG at %s:%d: %s (Linux %s)",
		  ks_tree_path(file), line, cond, KS_RELEASE);
}

/* ---- the expected-differences table (expected.def), rows that apply to
 * this tree and to a pick it was built with */
#define KS_VER(a, b) (((a) << 16) + ((b) << 8))
static const struct ff_kexpected all_rows[] = {
#define X(id, pick, fa, fb, ua, ub, inv, why, ref)                             \
	{ #id, #pick, #fa "." #fb, (ua) ? #ua "." #ub : "", inv, why, ref },
/* the until column: "" when open-ended */
#include "expected.def"
#undef X
};
static const struct {
	unsigned from, until;
} row_range[] = {
#define X(id, pick, fa, fb, ua, ub, inv, why, ref)                             \
	{ KS_VER(fa, fb), (ua) ? KS_VER(ua, ub) : ~0u },
#include "expected.def"
#undef X
};
#define NR_ROWS (sizeof(all_rows) / sizeof(all_rows[0]))

static bool pick_built(const char *pick)
{
	const char *all = KS_PICKS; /* "dax freecheck util pageflags" */
	size_t n = strlen(pick);

	for (const char *p = all; (p = strstr(p, pick)); p += n)
		if ((p == all || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return true;
	return false;
}

/* Set by a pick (or the differential) just before it reports a difference
 * it has classified; the I_KSHIM_FREECHECK and I_KSHIM_DIFF rows apply
 * only that way. */
int ks_expected_hint = -1;

int ks_expected_row(const char *id)
{
	for (unsigned i = 0; i < NR_ROWS; i++)
		if (strcmp(all_rows[i].id, id) == 0)
			return (int)i;
	return -1;
}

static bool row_applies(unsigned i)
{
	unsigned v = KS_VERSION_CODE & ~0xffu;

	return v >= row_range[i].from && v < row_range[i].until &&
	       pick_built(all_rows[i].pick);
}

static int expected(int inv)
{
	int hint = ks_expected_hint;

	ks_expected_hint = -1;
	if (hint >= 0)
		return row_applies((unsigned)hint) &&
				       all_rows[hint].inv == inv ?
			       hint :
			       -1;
	for (unsigned i = 0; i < NR_ROWS; i++)
		if (all_rows[i].inv == inv && inv != I_KSHIM_FREECHECK &&
		    inv != I_KSHIM_DIFF && row_applies(i))
			return (int)i;
	return -1;
}

/* NULL forgets a hint no failure took (the world had already failed). */
static void expect_next(const char *id)
{
	ks_expected_hint = id ? ks_expected_row(id) : -1;
}

const struct ff_kimpl ks_impl = {
	.release = KS_RELEASE,
#ifdef KS_PICK_dax
	.dax_insert = ks_dax_insert,
	.dax_disassociate = ks_dax_disassociate,
	.dax_busy = ks_dax_busy,
#endif
#ifdef KS_PICK_util
	.folio_mapping = ks_util_folio_mapping,
	.folio_anon_vma = ks_util_folio_anon_vma,
#endif
#ifdef KS_PICK_freecheck
	.check_free = ks_check_free,
	.check_free_done = ks_check_free_done,
#endif
#ifdef KS_PICK_pageflags
	.check_page = ks_check_page,
#endif
	.expected = expected,
	.expected_rows = all_rows,
	.expect_next = expect_next,
};

/* `foliofuzz kshim`: what this build runs and how it was made. */
void ff_kshim_manifest(FILE *f)
{
	fputs(ks_manifest, f);
	fprintf(f, "picks built: %s\n", KS_PICKS);
	fputs("layout gate (scripts/kshim.sh, foliofuzz kshim-gate):\n", f);
	fputs(ks_gate_text, f);
	fputs("expected differences that apply to this tree:\n", f);
	for (unsigned i = 0; i < NR_ROWS; i++)
		if (row_applies(i))
			ff_print_expected(f, &ks_impl, (int)i);
}
