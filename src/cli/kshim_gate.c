/*
 * kshim_gate.c - `foliofuzz kshim-gate LAYOUT.tsv`: the kshim gate
 * (docs/kshim.md).
 *
 * LAYOUT.tsv is what scripts/kshim.sh's layout bridge printed for a kernel
 * tree: its release, where it puts each struct page / struct folio field
 * the model relies on, and its page-flag and page-type values.  The gate
 * compares them with the model's own (include/foliofuzz/mm_types.h,
 * page-flags.h) and decides, for each real kernel helper a pick would
 * run on foliofuzz's memmap, whether it may run: a helper that reads a
 * field at another offset, or tests a flag or type the tree numbers
 * differently, is refused and listed with the reason.  It never runs
 * anything itself.
 *
 * Output: one line per difference, then one line per helper
 * ("helper NAME: ok" or "helper NAME: refused: REASON"), then a summary.
 * Exit 0 when the file was read (refusals are results, not errors), 2 on
 * a malformed or unreadable file.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "foliofuzz/mm_types.h"
#include "foliofuzz/page-flags.h"
#include "foliofuzz/readfile.h"

struct entry {
	const char *name;
	unsigned long value; /* offset or enum value */
	unsigned long size;  /* field size, 0 for enums */
};

/* One entry of fields.def (which has no commas). */
#define F(type, logical, member)                                               \
	{ #type "." logical, offsetof(struct type, member),                    \
	  sizeof(((struct type *)0)->member) },

/* The model's fields, under the logical names the bridge uses. */
#define FOLIO_NR_PAGES _nr_pages
#define FF_KS_HAVE_MEMCG 1
static const struct entry model_fields[] = {
#include "../kshim/fields.def"
	{ "struct.page.size", sizeof(struct page), 0 },
	{ "struct.folio.size", sizeof(struct folio), 0 },
};
#define NR_FIELDS (sizeof(model_fields) / sizeof(model_fields[0]))

#define E(name)                                                                \
	{                                                                      \
#name, (unsigned long)(name), 0                                \
	}
static const struct entry model_enums[] = {
	E(PG_locked),
	E(PG_writeback),
	E(PG_referenced),
	E(PG_uptodate),
	E(PG_dirty),
	E(PG_lru),
	E(PG_head),
	E(PG_waiters),
	E(PG_active),
	E(PG_workingset),
	E(PG_owner_priv_1),
	E(PG_owner_2),
	E(PG_arch_1),
	E(PG_reserved),
	E(PG_private),
	E(PG_private_2),
	E(PG_reclaim),
	E(PG_swapbacked),
	E(PG_unevictable),
	E(PG_dropbehind),
	E(PG_mlocked),
	E(PG_hwpoison),
	E(PG_young),
	E(PG_idle),
	E(PG_readahead),
	E(PG_swapcache),
	E(PG_checked),
	E(PG_anon_exclusive),
	E(PG_mappedtodisk),
	E(PG_has_hwpoisoned),
	E(PG_large_rmappable),
	E(PG_partially_mapped),
	E(PGTY_buddy),
	E(PGTY_offline),
	E(PGTY_table),
	E(PGTY_guard),
	E(PGTY_hugetlb),
	E(PGTY_slab),
	E(PGTY_zsmalloc),
	E(PGTY_unaccepted),
	E(PGTY_large_kmalloc),
};
#define NR_ENUMS (sizeof(model_enums) / sizeof(model_enums[0]))

/*
 * The helpers a pick runs, and what each reads.  A dependency "folio.X"
 * or "page.X" is a field; "PG_*" / "PGTY_*" an enum value; "PG_*" also
 * stands for the flags word's layout of every lower-numbered flag.
 */
static const struct {
	const char *helper;
	const char *deps[6];
} helpers[] = {
	{ "page_folio", { "page.compound_head" } },
	{ "PageHead", { "page.flags", "PG_head" } },
	{ "PageLocked", { "page.flags", "PG_locked", "page.compound_head" } },
	{ "PageLRU", { "page.flags", "PG_lru", "page.compound_head" } },
	{ "folio_test_swapbacked", { "folio.flags", "PG_swapbacked" } },
	{ "folio_test_mlocked", { "folio.flags", "PG_mlocked" } },
	{ "PageHWPoison", { "page.flags", "PG_hwpoison" } },
	{ "folio_test_large", { "folio.flags", "PG_head" } },
	{ "folio_order", { "folio._flags_1", "PG_head" } },
	{ "folio_nr_pages", { "folio.nr_pages", "PG_head" } },
	{ "folio_large_mapcount", { "folio.large_mapcount" } },
	{ "folio_entire_mapcount", { "folio.entire_mapcount" } },
	{ "folio_mapcount", { "folio._mapcount", "folio.large_mapcount" } },
	{ "folio_ref_count", { "folio._refcount" } },
	{ "page_has_type", { "page.page_type" } },
	{ "PageBuddy", { "page.page_type", "PGTY_buddy" } },
	{ "PageTable", { "page.page_type", "PGTY_table" } },
	{ "PageOffline", { "page.page_type", "PGTY_offline" } },
	{ "PageSlab", { "page.page_type", "PGTY_slab" } },
	{ "PageZsmalloc", { "page.page_type", "PGTY_zsmalloc" } },
	{ "folio_test_anon", { "folio.mapping" } },
	{ "folio_pincount", { "folio.pincount" } },
};

static struct entry tree[256];
static size_t nr_tree;
static char release[128];

static const struct entry *find(const struct entry *t, size_t n,
				const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return &t[i];
	return NULL;
}

/* Parses the bridge's lines; names point into text.  -1 on bad input. */
static int parse(char *text, const char *path)
{
	unsigned line = 0;

	for (char *p = text, *nl; p && *p; p = nl) {
		char *f[4] = { 0 };
		int nf = 0;

		line++;
		nl = strchr(p, '\n');
		if (nl)
			*nl++ = 0;
		for (char *q = p; nf < 4;) {
			f[nf++] = q;
			q = strchr(q, '\t');
			if (!q)
				break;
			*q++ = 0;
		}
		if (nf == 2 && strcmp(f[0], "release") == 0) {
			snprintf(release, sizeof(release), "%s", f[1]);
			continue;
		}
		if (nr_tree == sizeof(tree) / sizeof(tree[0])) {
			fprintf(stderr, "%s:%u: too many entries\n", path,
				line);
			return -1;
		}
		if ((nf == 4 && strcmp(f[0], "field") == 0 &&
		     ff_cli_parse_uint(f[2], ~0UL, &tree[nr_tree].value) &&
		     ff_cli_parse_uint(f[3], ~0UL, &tree[nr_tree].size)) ||
		    (nf == 3 && strcmp(f[0], "enum") == 0 &&
		     ff_cli_parse_uint(f[2], ~0UL, &tree[nr_tree].value))) {
			tree[nr_tree++].name = f[1];
			continue;
		}
		fprintf(stderr,
			"%s:%u: want 'release R', 'field NAME OFF SIZE' or "
			"'enum NAME VALUE' (tab-separated)\n",
			path, line);
		return -1;
	}
	if (!release[0] || !nr_tree) {
		fprintf(stderr,
			"%s: no release line or no entries: not a "
			"kshim layout\n",
			path);
		return -1;
	}
	return 0;
}

/* Why dependency dep differs between the tree and the model, or NULL. */
static const char *differs(const char *dep, char *why, size_t n)
{
	bool field = strchr(dep, '.') != NULL;
	const struct entry *m = field ? find(model_fields, NR_FIELDS, dep) :
					find(model_enums, NR_ENUMS, dep);
	const struct entry *t = find(tree, nr_tree, dep);

	if (!m)
		snprintf(why, n, "%s: not in the model", dep);
	else if (!t)
		snprintf(why, n, "%s: not in the tree", dep);
	else if (field && (t->value != m->value || t->size != m->size))
		snprintf(why, n,
			 "%s at offset %lu size %lu in the tree, %lu size %lu "
			 "in the model",
			 dep, t->value, t->size, m->value, m->size);
	else if (!field && t->value != m->value)
		snprintf(why, n, "%s is %#lx in the tree, %#lx in the model",
			 dep, t->value, m->value);
	else
		return NULL;
	return why;
}

int ff_cmd_kshim_gate(int argc, char **argv)
{
	char err[512], why[256];
	size_t size, diffs = 0, refused = 0;
	char *text;

	if (argc != 1) {
		fprintf(stderr, "usage: foliofuzz kshim-gate LAYOUT.tsv\n");
		return 2;
	}
	text = ff_read_file(argv[0], &size, err, sizeof(err));
	if (!text) {
		fprintf(stderr, "foliofuzz: %s\n", err);
		return 2;
	}
	if (parse(text, argv[0])) {
		free(text);
		return 2;
	}
	printf("kernel %s\n", release);
	for (size_t i = 0; i < NR_FIELDS + NR_ENUMS; i++) {
		const struct entry *m = i < NR_FIELDS ?
						&model_fields[i] :
						&model_enums[i - NR_FIELDS];

		if (differs(m->name, why, sizeof(why))) {
			printf("differs %s\n", why);
			diffs++;
		}
	}
	for (size_t h = 0; h < sizeof(helpers) / sizeof(helpers[0]); h++) {
		const char *bad = NULL;

		for (int d = 0; d < 6 && helpers[h].deps[d] && !bad; d++)
			bad = differs(helpers[h].deps[d], why, sizeof(why));
		if (bad) {
			printf("helper %s: refused: %s\n", helpers[h].helper,
			       bad);
			refused++;
		} else {
			printf("helper %s: ok\n", helpers[h].helper);
		}
	}
	printf("gate: kernel %s: %zu differences, %zu of %zu helpers "
	       "refused\n",
	       release, diffs, refused, sizeof(helpers) / sizeof(helpers[0]));
	free(text);
	return 0;
}
