/*
 * ops.c - the op table: each op's name, arguments and executor.
 *
 * An executor does what a kernel caller would do: it checks the caller's
 * own preconditions (a refused op returns the kernel's errno and changes
 * nothing), calls the modelled kernel functions, and then updates the
 * reference model from what the op means.  It never reads struct page bits
 * to decide what the reference model should say.
 */
#include <string.h>

#include "foliofuzz/harness.h"
#include "foliofuzz/mm.h"
#include "foliofuzz/refmodel.h"
#include "foliofuzz/repr.h"

const char *const ff_kind_names[FF_NR_KINDS] = {
	"anon", "file", "slab", "pgtable", "offline", "zsmalloc", "plain",
};

/* Page types the set_type / clear_type ops may name. */
static const char *const type_names[] = {
	"offline",    "table",	       "guard", "zsmalloc",
	"unaccepted", "large_kmalloc", "slab",
};
static const enum pagetype type_values[] = {
	PGTY_offline,	 PGTY_table,	     PGTY_guard, PGTY_zsmalloc,
	PGTY_unaccepted, PGTY_large_kmalloc, PGTY_slab,
};
#define NR_TYPE_ARGS (sizeof(type_names) / sizeof(type_names[0]))

static void touch_obj(struct ff_world *w, const struct ff_obj *o)
{
	ff_world_touch(w, o->pfn, 1UL << o->order);
}

/* ---- alloc */

struct ff_obj *ff_file_overlap(struct ff_world *w, uint32_t file,
			       unsigned long index, unsigned long nr)
{
	for (uint32_t i = 0; i < w->nr_objs; i++) {
		struct ff_obj *o = &w->objs[i];

		if (o->kind == FF_KIND_FILE && o->mapping_id == file &&
		    o->index < index + nr && index < o->index + ff_obj_nr(o))
			return o;
	}
	return NULL;
}

static int op_alloc(struct ff_world *w, const struct ff_op *op)
{
	unsigned int order = op->arg[0];
	uint8_t kind = op->arg[1];
	uint32_t sel = op->arg[2];
	unsigned long nr = 1UL << order;
	unsigned long index = op->arg[3] & ~(nr - 1);
	unsigned long pfn;
	uint8_t type = 0;
	void *desc = NULL;
	struct ff_obj *o;
	int rc;

	if (order > w->k.cfg.max_order)
		return -EINVAL;
	if ((kind == FF_KIND_PGTABLE || kind == FF_KIND_OFFLINE ||
	     kind == FF_KIND_ZSMALLOC) &&
	    order)
		return -EINVAL;
	if (kind == FF_KIND_FILE &&
	    ff_file_overlap(w, sel % FF_NR_FILES, index, nr))
		return -EEXIST; /* filemap_add_folio */
	rc = ff_repr_of(w)->alloc(w, order, kind, sel, index, &pfn, &type,
				  &desc);
	if (rc)
		return rc;
	o = ff_obj_alloced(w, pfn, order, kind, sel, index, type);
	o->desc = desc;
	return 0;
}

/* ---- get / put */

static int op_get(struct ff_world *w, const struct ff_op *op)
{
	struct ff_obj *o = ff_obj_handle(w, op->arg[0]);
	int rc;

	if (!o)
		return -ENOENT;
	if (o->hrefs >= 1024)
		return -EINVAL; /* the harness never approaches overflow */
	rc = ff_repr_of(w)->get(w, o);
	if (rc)
		return rc;
	o->hrefs++;
	return 0;
}

static int op_put(struct ff_world *w, const struct ff_op *op)
{
	struct ff_obj *o = ff_obj_handle(w, op->arg[0]);
	int rc;

	if (!o)
		return -ENOENT;
	if (!o->hrefs)
		return -EINVAL; /* no reference of ours to drop */
	rc = ff_repr_of(w)->put(w, o);
	if (rc)
		return rc;
	o->hrefs--;
	ff_obj_settle(w, o);
	return 0;
}

/* ---- free: drop everything the harness holds on the object */

/* Also used by teardown: releases the object through the kernel paths. */
void ff_obj_free(struct ff_world *w, struct ff_obj *o)
{
	ff_repr_of(w)->free(w, o);
	ff_obj_release(w, o);
}

static int op_free(struct ff_world *w, const struct ff_op *op)
{
	struct ff_obj *o = ff_obj_handle(w, op->arg[0]);

	if (!o)
		return -ENOENT;
	ff_obj_free(w, o);
	return 0;
}

/* ---- set_type / clear_type on the first page */

static int op_set_type(struct ff_world *w, const struct ff_op *op)
{
	const struct ff_repr *r = ff_repr_of(w);
	struct ff_obj *o = ff_obj_handle(w, op->arg[0]);
	enum pagetype t = type_values[op->arg[1] % NR_TYPE_ARGS];

	if (!o)
		return -ENOENT;
	if (ff_kind_is_mapped(o->kind) || o->devpriv)
		return -EINVAL; /* page types never go on mappable folios */
	if (r->type_ok && !r->type_ok(o, t))
		return FF_UNSUPPORTED;
	if (o->type && o->type != t)
		return -EBUSY;
	touch_obj(w, o);
	ff_page_set_type(pfn_to_page(o->pfn), t);
	o->type = (uint8_t)t;
	return 0;
}

static int op_clear_type(struct ff_world *w, const struct ff_op *op)
{
	const struct ff_repr *r = ff_repr_of(w);
	struct ff_obj *o = ff_obj_handle(w, op->arg[0]);
	enum pagetype t = type_values[op->arg[1] % NR_TYPE_ARGS];

	if (!o)
		return -ENOENT;
	if (r->type_ok && !r->type_ok(o, (enum pagetype)o->type))
		return FF_UNSUPPORTED;
	if (o->type != t)
		return -EINVAL; /* only the type's owner clears it */
	touch_obj(w, o);
	ff_page_clear_type(pfn_to_page(o->pfn), t);
	o->type = 0;
	return 0;
}

/* ---- map / unmap */

/* The VMA an anon/file object can be mapped in, picked by a byte. */
int ff_pick_vma(struct ff_world *w, const struct ff_obj *o, uint8_t sel)
{
	int ok[FF_NR_VMAS], n = 0;

	for (int v = 0; v < FF_NR_VMAS; v++) {
		const struct ff_vma *vma = &w->k.vmas[v];

		if (o->kind == FF_KIND_ANON && vma->anon_vma &&
		    vma->anon_vma->id == o->mapping_id)
			ok[n++] = v;
		if (o->kind == FF_KIND_FILE && vma->file->id == o->mapping_id)
			ok[n++] = v;
	}
	return n ? ok[sel % n] : -1;
}

uint32_t ff_map_slots(const struct ff_world *w)
{
	return pgtable_slots(&w->k);
}

static int op_map(struct ff_world *w, const struct ff_op *op)
{
	const struct ff_repr *r = ff_repr_of(w);
	struct ff_obj *o = ff_obj_handle(w, op->arg[0]);
	unsigned long nr, first, cnt;
	int vma, rc;

	if (!o)
		return -ENOENT;
	if (!ff_kind_is_mapped(o->kind) || o->devpriv)
		return -EINVAL; /* device-private pages have no present PTEs */
	vma = ff_pick_vma(w, o, op->arg[1]);
	if (vma < 0)
		return -EINVAL;
	nr = 1UL << o->order;
	if (op->arg[3] == 0) { /* PMD mapping of a PMD-sized folio */
		if (!r->map_pmd)
			return FF_UNSUPPORTED;
		touch_obj(w, o);
		if (o->order != w->k.cfg.pmd_order || o->order == 0)
			return -EINVAL;
		if (o->pmd_maps >= FF_MAX_MAPCOUNT)
			return -ENOMEM;
		rc = r->map_pmd(w, o, vma); /* the page table is the kernel's */
		if (rc)
			return rc;
		o->pmd_maps++;
		return 0;
	}
	touch_obj(w, o);
	first = op->arg[2] % nr;
	cnt = op->arg[3];
	if (cnt > nr - first)
		cnt = nr - first;
	if (ff_map_slots(w) + cnt > w->k.cfg.max_maps)
		return -ENOMEM;
	for (unsigned long i = first; i < first + cnt; i++)
		if (w->ref[o->pfn + i].mapcount + o->pmd_maps >=
		    FF_MAX_MAPCOUNT)
			return -ENOMEM;
	r->map_ptes(w, o, vma, first, cnt);
	for (unsigned long i = first; i < first + cnt; i++)
		w->ref[o->pfn + i].mapcount++;
	o->pte_maps += (int32_t)cnt;
	return 0;
}

static int op_unmap(struct ff_world *w, const struct ff_op *op)
{
	const struct ff_repr *r = ff_repr_of(w);
	struct ff_obj *o = ff_obj_handle(w, op->arg[0]);
	unsigned long nr, first, last;
	int vma, removed = 0;

	if (!o)
		return -ENOENT;
	if (!ff_kind_is_mapped(o->kind))
		return -EINVAL;
	vma = ff_pick_vma(w, o, op->arg[1]);
	if (vma < 0)
		return -EINVAL;
	if (op->arg[3] == 0 && !r->map_pmd)
		return FF_UNSUPPORTED; /* no PMD mappings to zap */
	nr = 1UL << o->order;
	first = op->arg[2] % nr;
	last = op->arg[3] == 0 ? first : first + op->arg[3] - 1;
	if (last >= nr)
		last = nr - 1;
	touch_obj(w, o);
	/* zap_pte_range / zap_huge_pmd: rmap first, references after. */
	for (uint32_t i = 0; i < w->k.nr_maps;) {
		struct ff_map *m = &w->k.maps[i];
		unsigned long idx = m->pfn - o->pfn;

		if (m->vma != vma || m->pfn < o->pfn || idx >= nr ||
		    (op->arg[3] == 0) != (m->pmd == 1) ||
		    (!m->pmd && (idx < first || idx > last))) {
			i++;
			continue;
		}
		r->unmap_one(w, o, m);
		if (m->pmd) {
			o->pmd_maps--;
		} else {
			w->ref[m->pfn].mapcount--;
			o->pte_maps--;
		}
		w->k.maps[i] = w->k.maps[--w->k.nr_maps];
		removed++;
		if (op->arg[3] == 0)
			break; /* one PMD at a time */
	}
	if (!removed)
		return -ENOENT;
	r->put_refs(w, o, removed);
	ff_obj_settle(w, o);
	return 0;
}

/* ---- split (struct pages only) */

static struct folio *obj_folio(const struct ff_obj *o)
{
	return (struct folio *)pfn_to_page(o->pfn);
}

/*
 * The reference model after split_folio_to_order() of o (rc its result),
 * the caller's reference following page at: a refusal after unmap_folio()
 * changed the mappings; a split makes 2^(old-new) objects.  Also used by
 * migrate's split on -ENOMEM.
 */
static int split_update(struct ff_world *w, struct ff_obj *o,
			unsigned int new_order, unsigned long at, int rc)
{
	struct folio *folio = obj_folio(o);
	unsigned long nr = 1UL << o->order, new_nr;
	struct ff_obj old;
	uint32_t pos;

	if (o->kind == FF_KIND_FILE && (o->pte_maps || o->pmd_maps) &&
	    (!rc || !folio_mapped(folio))) {
		/* unmap_folio() ran (the split went on, or was refused after
		 * it by a reference another CPU took): a file folio's
		 * mappings are zapped, not kept as migration entries, and
		 * fault back on demand. */
		for (unsigned long i = 0; i < nr; i++)
			w->ref[o->pfn + i].mapcount = 0;
		o->pte_maps = 0;
		o->pmd_maps = 0;
	}
	if (rc && o->pmd_maps && !folio_entire_mapcount(folio)) {
		/* Refused after unmap_folio() (a reference another CPU took
		 * made the freeze fail): the PMD mappings were split into
		 * PTE mappings of every page, and stay so. */
		for (unsigned long i = 0; i < nr; i++)
			w->ref[o->pfn + i].mapcount += o->pmd_maps;
		o->pte_maps += o->pmd_maps * (int32_t)nr;
		o->pmd_maps = 0;
	}
	if (rc)
		return rc;

	/* Reference model: the object becomes 2^(old-new) objects. */
	old = *o;
	pos = (uint32_t)(o - w->objs);
	new_nr = 1UL << new_order;
	memmove(&w->objs[pos], &w->objs[pos + 1],
		(w->nr_objs - pos - 1) * sizeof(*o));
	w->nr_objs--;
	for (unsigned long i = 0; i < nr; i++) {
		w->ref[old.pfn + i].mapcount += old.pmd_maps;
		w->ref[old.pfn + i].state = FF_PS_FREE;
	}
	for (unsigned long i = 0; i < nr; i += new_nr) {
		int32_t maps = 0;
		int32_t saved[1 << FF_MAX_ORDER];
		struct ff_obj *n;

		for (unsigned long k = 0; k < new_nr; k++) {
			saved[k] = w->ref[old.pfn + i + k].mapcount;
			maps += saved[k];
		}
		n = ff_obj_new(w, old.pfn + i, new_order, old.kind);
		for (unsigned long k = 0; k < new_nr; k++)
			w->ref[old.pfn + i + k].mapcount = saved[k];
		n->mapping_id = old.mapping_id;
		n->index = old.index + i;
		n->charged = old.charged;
		n->type = i == 0 ? old.type : 0;
		n->pte_maps = maps;
		n->cache_refs = old.kind == FF_KIND_FILE ? (int32_t)new_nr : 0;
		n->hrefs = (at >= i && at < i + new_nr) ? old.hrefs : 0;
		ff_obj_settle(w, n);
	}
	return 0;
}

static int op_split(struct ff_world *w, const struct ff_op *op)
{
	struct ff_obj *o = ff_obj_handle(w, op->arg[0]);
	unsigned int new_order = op->arg[1];
	struct folio *folio, *keep;
	unsigned long at;
	bool temp;
	int rc;

	if (!o)
		return -ENOENT;
	if (o->order == 0)
		return -EINVAL; /* callers only split large folios */
	folio = obj_folio(o);
	at = op->arg[2] % (1UL << o->order);
	touch_obj(w, o);
	temp = o->hrefs == 0; /* the caller must hold a reference */
	if (temp)
		folio_get(folio);
	folio_trylock(folio);
	rc = split_folio_to_order(folio, new_order, folio_page(folio, at));
	keep = page_folio(folio_page(folio, at));
	folio_unlock(keep);
	if (temp)
		folio_put(keep);
	return split_update(w, o, new_order, at, rc);
}

/* ---- migrate */

static int op_migrate(struct ff_world *w, const struct ff_op *op)
{
	struct ff_obj *o = ff_obj_handle(w, op->arg[0]);
	struct folio *src, *dst = NULL;
	unsigned long nr;
	bool temp;
	int rc, split_rc;

	if (!o)
		return -ENOENT;
	if (!ff_kind_is_mapped(o->kind) || o->devpriv)
		return -EINVAL; /* only LRU folios in RAM */
	src = obj_folio(o);
	nr = 1UL << o->order;
	touch_obj(w, o);
	temp = o->hrefs == 0; /* isolation takes a reference */
	if (temp)
		folio_get(src);
	rc = isolate_migrate_check(src);
	if (rc) {
		if (temp)
			folio_put(src);
		return rc;
	}
	folio_trylock(src);
	rc = migrate_pages_one(src, &dst, &split_rc);
	/* after a split on -ENOMEM, src is the order-0 folio at page 0:
	 * it kept the lock and the isolation reference */
	folio_unlock(src);
	if (rc) {
		if (temp)
			folio_put(src);
		if (split_rc != MIGRATE_NOT_SPLIT)
			split_update(w, o, 0, 0, split_rc);
		return rc;
	}
	touch_obj(w, o);
	ff_world_touch(w, folio_pfn(dst), nr);
	if (temp)
		folio_put(dst); /* the new folio's allocation reference */
	folio_put(src);		/* isolation reference: frees src */

	ff_obj_move(w, o, folio_pfn(dst));
	return 0;
}

/* An unassigned opcode slot (targets.c): refused, nothing changes. */
static int op_reserved(struct ff_world *w, const struct ff_op *op)
{
	(void)w;
	(void)op;
	return -EOPNOTSUPP;
}

/* ---- the table */

#define H                                                                      \
	{                                                                      \
		"h", 256, NULL                                                 \
	}

const struct ff_op_desc ff_op_table[FF_NR_OPS] = {
	[FF_OP_ALLOC] = { "alloc",
			  4,
			  { { "order", FF_MAX_ORDER + 1, NULL },
			    { "kind", FF_NR_KINDS, ff_kind_names },
			    { "obj", 256, NULL },
			    { "index", 256, NULL } },
			  op_alloc,
			  "allocate 2^order pages of a kind; obj picks the "
			  "anon_vma or file, index the page-cache/linear index" },
	[FF_OP_GET] = { "get", 1, { H }, op_get, "folio_get" },
	[FF_OP_PUT] = { "put",
			1,
			{ H },
			op_put,
			"folio_put of a handle reference; the last put frees" },
	[FF_OP_FREE] = { "free",
			 1,
			 { H },
			 op_free,
			 "unmap, remove from the page cache, destruct, and drop "
			 "every handle reference" },
	[FF_OP_SET_TYPE] = { "set_type",
			     2,
			     { H, { "type", NR_TYPE_ARGS, type_names } },
			     op_set_type,
			     "__SetPage<Type> on the first page" },
	[FF_OP_CLEAR_TYPE] = { "clear_type",
			       2,
			       { H, { "type", NR_TYPE_ARGS, type_names } },
			       op_clear_type,
			       "__ClearPage<Type> on the first page" },
	[FF_OP_MAP] = { "map",
			4,
			{ H,
			  { "vma", 256, NULL },
			  { "first", 1 << FF_MAX_ORDER, NULL },
			  { "nr", (1 << FF_MAX_ORDER) + 1, NULL } },
			op_map,
			"map pages [first, first+nr) by PTE; nr=0 maps the "
			"whole PMD-order folio by PMD" },
	[FF_OP_UNMAP] = { "unmap",
			  4,
			  { H,
			    { "vma", 256, NULL },
			    { "first", 1 << FF_MAX_ORDER, NULL },
			    { "nr", (1 << FF_MAX_ORDER) + 1, NULL } },
			  op_unmap,
			  "zap PTEs of pages [first, first+nr); nr=0 zaps one "
			  "PMD mapping" },
	[FF_OP_SPLIT] = { "split",
			  3,
			  { H,
			    { "order", FF_MAX_ORDER + 1, NULL },
			    { "at", 1 << FF_MAX_ORDER, NULL } },
			  op_split,
			  "split_folio_to_order; the caller's reference stays "
			  "with the folio holding page 'at'" },
	[FF_OP_MIGRATE] = { "migrate",
			    1,
			    { H },
			    op_migrate,
			    "migrate to a new RAM folio (migrate_pages, one "
			    "folio); on -ENOMEM a large folio is split to "
			    "order 0 and its pieces put back" },
	[FF_OP_DEV_ALLOC] = { "dev_alloc",
			      0,
			      { { 0 } },
			      ff_op_dev_alloc,
			      "the driver allocates a device-private page "
			      "(zone_device_page_init)" },
	[FF_OP_DEV_MIGRATE] = { "dev_migrate",
				2,
				{ H, { "pte", 256, NULL } },
				ff_op_dev_migrate,
				"migrate_vma RAM -> device of an anon page, "
				"through its pte-th mapping" },
	[FF_OP_DEV_FAULT] = { "dev_fault",
			      2,
			      { H, { "pte", 256, NULL } },
			      ff_op_dev_fault,
			      "CPU fault on the pte-th device-private entry: "
			      "migrate_to_ram" },
	[FF_OP_DEV_INSERT] = { "dev_insert",
			       2,
			       { { "vma", 256, NULL }, { "index", 256, NULL } },
			       ff_op_dev_insert,
			       "migrate_vma of an unpopulated anon address: a new "
			       "device page (migrate_vma_insert_page)" },
	[FF_OP_DEV_UNMAP] = { "dev_unmap",
			      1,
			      { H },
			      ff_op_dev_unmap,
			      "try_to_unmap of a device-private folio" },
	[FF_OP_DAX_FAULT] = { "dax_fault",
			      3,
			      { { "file", FF_NR_DAX_FILES, ff_dax_file_names },
				{ "index", FF_DAX_FILE_PAGES, NULL },
				{ "vma", 256, NULL } },
			      ff_op_dax_fault,
			      "DAX fault: associate the entry (shared when the "
			      "extent is reflinked) and map the page" },
	[FF_OP_DAX_UNMAP] = { "dax_unmap",
			      3,
			      { { "file", FF_NR_DAX_FILES, ff_dax_file_names },
				{ "index", FF_DAX_FILE_PAGES, NULL },
				{ "vma", 256, NULL } },
			      ff_op_dax_unmap,
			      "zap one PTE of a DAX page" },
	[FF_OP_DAX_TRUNCATE] = { "dax_truncate",
				 2,
				 { { "file", FF_NR_DAX_FILES,
				     ff_dax_file_names },
				   { "index", FF_DAX_FILE_PAGES, NULL } },
				 ff_op_dax_truncate,
				 "unmap the file index everywhere and "
				 "dax_disassociate_entry" },
	[FF_OP_DAX_BUSY] = { "dax_busy",
			     2,
			     { { "file", FF_NR_DAX_FILES, ff_dax_file_names },
			       { "index", FF_DAX_FILE_PAGES, NULL } },
			     ff_op_dax_busy,
			     "dax_busy_page; busy must mean pinned" },
	[FF_OP_RACE] = { "race",
			 4,
			 { { "reader", FF_NR_LOCKLESS_READERS,
			     ff_reader_names },
			   H,
			   { "page", 1 << FF_MAX_ORDER, NULL },
			   { "point", 6, ff_race_point_names } },
			 ff_op_race,
			 "run a lockless reader on a page of h; the next op is "
			 "the writer, run at the race point" },
	[FF_OP_RACE_PFN] = { "race_pfn",
			     4,
			     { { "reader", FF_NR_LOCKLESS_READERS,
				 ff_reader_names },
			       { "pfn_hi", 256, NULL },
			       { "pfn_lo", 256, NULL },
			       { "point", 6, ff_race_point_names } },
			     ff_op_race_pfn,
			     "race on any pfn (free pages included); the next "
			     "op is the writer" },
	[FF_OP_PFN_WALK] = { "pfn_walk",
			     4,
			     { { "reader", FF_NR_LOCKLESS_READERS,
				 ff_reader_names },
			       { "start_hi", 256, NULL },
			       { "start_lo", 256, NULL },
			       { "len", 256, NULL } },
			     ff_op_pfn_walk,
			     "run a reader over len+1 pfns, like compaction or "
			     "/proc/kpageflags" },
	[FF_OP_RACE_IN] = { "race_in",
			    5,
			    { { "reader", FF_NR_READERS, ff_reader_names },
			      H,
			      { "page", 1 << FF_MAX_ORDER, NULL },
			      { "point", FF_NR_WRITER_POINTS,
				ff_race_point_names + FF_NR_READER_POINTS },
			      { "times", 8, NULL } },
			    ff_op_race_in,
			    "the next op is the writer; when it passes the "
			    "point, run the reader on a page of h (at the "
			    "first times+1 passes; 7: every pass); readers "
			    "hold what they took until the writer returns" },
	[FF_OP_RACE_REP] = { "race_rep",
			     5,
			     { { "reader", FF_NR_LOCKLESS_READERS,
				 ff_reader_names },
			       H,
			       { "page", 1 << FF_MAX_ORDER, NULL },
			       { "point", FF_NR_READER_POINTS,
				 ff_race_point_names },
			       { "writers", 8, NULL } },
			     ff_op_race_rep,
			     "race with writers+1 writer ops: the k-th op "
			     "after this runs at the reader's k-th pass of "
			     "the point (retry loops), the rest after it" },
	[FF_OP_DAX_PMD_FAULT] = { "dax_pmd_fault",
				  3,
				  { { "file", FF_NR_DAX_FILES,
				      ff_dax_file_names },
				    { "index", FF_DAX_FILE_PAGES, NULL },
				    { "vma", 256, NULL } },
				  ff_op_dax_pmd_fault,
				  "DAX PMD fault (dax_iomap_pmd_fault) at the "
				  "aligned index: a PMD entry and mapping, or "
				  "the PTE fault where the kernel falls back" },
	[FF_OP_RESERVED] = { "reserved",
			     0,
			     { { 0 } },
			     op_reserved,
			     "an unassigned opcode slot: refused (-EOPNOTSUPP), "
			     "changes nothing" },
};
