/*
 * test_invariants.c - one negative test per invariant id.
 *
 * Each case builds a small state through the ops, breaks it on purpose
 * (a corruption of the bits, or a model function driven where its debug
 * check fires), and expects exactly its id.  The table is indexed by id:
 * an id declared in invariants.def without a case here fails the test, so
 * every declared id is proven to be checked.  A clean state must pass.
 */
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include "foliofuzz/bugs.h"
#include "foliofuzz/harness.h"
#include "foliofuzz/memdesc.h"
#include "foliofuzz/mm.h"
#include "foliofuzz/refmodel.h"

static int passed, failed;

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (cond) {                                                    \
			passed++;                                              \
		} else {                                                       \
			failed++;                                              \
			printf("FAIL %s:%d: ", __FILE__, __LINE__);            \
			printf(__VA_ARGS__);                                   \
			printf("\n");                                          \
		}                                                              \
	} while (0)

/*
 * A world after running a text trace.  With setup set, every op must
 * succeed and the result must be clean (the case breaks it afterwards);
 * otherwise the trace runs to its first failure, race ops included (the
 * op after a race op is its writer).
 */
static struct ff_world *world_with(const char *trace, uint64_t bugs,
				   bool memdesc, bool setup)
{
	struct ff_config cfg;
	struct ff_world *w;
	struct ff_prog prog;
	char err[256];

	ff_config_default(&cfg);
	cfg.bugs = bugs;
	cfg.memdesc = memdesc;
	w = ff_world_create(&cfg);
	ff_prog_init(&prog);
	if (ff_trace_parse(trace, strlen(trace), "case", &prog, err,
			   sizeof(err))) {
		printf("bad case trace: %s\n", err);
		failed++;
	}
	for (size_t i = 0; i < prog.nr && (setup || !ff_failed()); i++) {
		struct ff_step s = ff_step(w, &prog, i, true);

		if (setup && (s.kind != FF_STEP_OK || ff_failed())) {
			printf("case setup step %zu failed (%s, inv %d)\n",
			       i + 1, ff_step_name(s), w->fail.inv);
			failed++;
		}
		i += w->consumed;
	}
	w->prog = NULL;
	if (setup) {
		ff_check_full(w);
		if (ff_failed()) {
			printf("case setup is not clean: %s\n", w->fail.msg);
			failed++;
		}
	}
	ff_prog_free(&prog);
	return w;
}

static struct ff_world *world_after(const char *trace)
{
	return world_with(trace, 0, false, true);
}

static struct ff_op op1(enum ff_opcode code, uint8_t a0, uint8_t a1, uint8_t a2,
			uint8_t a3)
{
	struct ff_op op = { code, { a0, a1, a2, a3 } };

	return op;
}

static struct page *pg(struct ff_world *w, unsigned long pfn)
{
	return &w->k.memmap[pfn];
}

static struct folio *obj0(struct ff_world *w)
{
	return (struct folio *)&w->k.memmap[w->objs[0].pfn];
}

/* A free pfn inside some free block that is not its first page. */
static unsigned long free_inner_pfn(struct ff_world *w)
{
	for (unsigned long pfn = 0; pfn < w->k.nr_memmap; pfn++)
		if (PageBuddy(pg(w, pfn)) && buddy_order(pg(w, pfn)) > 0)
			return pfn + 1;
	return 0;
}

static unsigned long free_head_pfn(struct ff_world *w, unsigned int order)
{
	for (unsigned long pfn = 0; pfn < w->k.nr_memmap; pfn++)
		if (PageBuddy(pg(w, pfn)) && buddy_order(pg(w, pfn)) == order)
			return pfn;
	return 0;
}

#define ANON2 "alloc order=2 kind=anon obj=0 index=0\n"
#define ANON0 "alloc order=0 kind=anon obj=0 index=0\n"

/* Each case returns the world in which the failure should be recorded. */
typedef struct ff_world *(*case_fn)(void);

static struct ff_world *c_pfn_state(void)
{
	struct ff_world *w = world_after("");
	unsigned long pfn = free_head_pfn(w, 6);

	pg(w, pfn)->page_type = UINT_MAX; /* lost its Buddy type */
	ff_check_full(w);
	return w;
}

static struct ff_world *c_page_folio(void)
{
	struct ff_world *w = world_after(ANON2);
	struct folio *f = obj0(w);

	/* tail 2 names a free page as its head */
	pg(w, free_inner_pfn(w))->flags = 0;
	folio_page(f, 2)->compound_head =
		(unsigned long)pg(w, free_inner_pfn(w)) | 1;
	ff_check_full(w);
	return w;
}

static struct ff_world *c_buddy_align(void)
{
	struct ff_world *w = world_after("");

	pg(w, free_head_pfn(w, 6))->private = 7;
	ff_check_full(w);
	return w;
}

static struct ff_world *c_buddy_type(void)
{
	struct ff_world *w = world_after("");

	pg(w, free_inner_pfn(w))->page_type = (unsigned int)PGTY_offline << 24;
	ff_check_full(w);
	return w;
}

static struct ff_world *c_buddy_state(void)
{
	struct ff_world *w = world_after("");

	pg(w, free_inner_pfn(w))->_refcount = 1;
	ff_check_full(w);
	return w;
}

static struct ff_world *c_buddy_list(void)
{
	struct ff_world *w = world_after("");

	w->k.nr_free[6]++;
	ff_check_full(w);
	return w;
}

static struct ff_world *c_buddy_merged(void)
{
	struct ff_world *w = world_after("");
	unsigned long pfn = free_head_pfn(w, 6);

	/* two unmerged order-5 halves */
	pg(w, pfn)->private = 5;
	pg(w, pfn + 32)->private = 5;
	pg(w, pfn + 32)->page_type = (unsigned int)PGTY_buddy << 24;
	ff_check_full(w);
	return w;
}

static struct ff_world *c_free_bad_page(void)
{
	struct ff_world *w =
		world_after("alloc order=0 kind=plain obj=0 index=0\n");
	struct ff_op put = op1(FF_OP_PUT, 0, 0, 0, 0);

	set_bit_flags(PG_active, &obj0(w)->flags);
	ff_exec_step(w, &put, true);
	return w;
}

static struct ff_world *c_free_tail(void)
{
	struct ff_world *w =
		world_after("alloc order=2 kind=plain obj=0 index=0\n");
	struct ff_op put = op1(FF_OP_PUT, 0, 0, 0, 0);

	folio_page(obj0(w), 3)->mapping = NULL;
	ff_exec_step(w, &put, false);
	return w;
}

static struct ff_world *c_compound_tail(void)
{
	struct ff_world *w = world_after(ANON2);

	folio_page(obj0(w), 2)->compound_head = 0;
	ff_check_full(w);
	return w;
}

static struct ff_world *c_compound_head(void)
{
	struct ff_world *w = world_after(ANON2);

	obj0(w)->_nr_pages = 3;
	ff_check_full(w);
	return w;
}

static struct ff_world *c_tail_refcount(void)
{
	struct ff_world *w = world_after(ANON2);

	folio_page(obj0(w), 2)->_refcount = 1;
	ff_check_full(w);
	return w;
}

static struct ff_world *c_tail_mapping(void)
{
	struct ff_world *w = world_after(ANON2);

	folio_page(obj0(w), 3)->mapping = NULL;
	ff_check_full(w);
	return w;
}

static struct ff_world *c_refcount(void)
{
	struct ff_world *w = world_after(ANON2);

	obj0(w)->_refcount++;
	ff_check_full(w);
	return w;
}

static struct ff_world *c_mapcount(void)
{
	struct ff_world *w = world_after(ANON0);

	obj0(w)->_mapcount = 0;
	ff_check_full(w);
	return w;
}

static struct ff_world *c_large_mapcount(void)
{
	struct ff_world *w = world_after(ANON2);

	obj0(w)->_large_mapcount = 0;
	ff_check_full(w);
	return w;
}

static struct ff_world *c_type_mapped(void)
{
	struct ff_world *w =
		world_after("alloc order=0 kind=plain obj=0 index=0\n");
	struct ff_op set = op1(FF_OP_SET_TYPE, 0, 0, 0, 0);

	obj0(w)->_mapcount = 0; /* a mapping the harness does not know */
	ff_exec_step(w, &set, false);
	return w;
}

static struct ff_world *c_type_clear(void)
{
	struct ff_world *w =
		world_after("alloc order=0 kind=slab obj=0 index=0\n");
	struct ff_op clr = op1(FF_OP_CLEAR_TYPE, 0, 6 /* slab */, 0, 0);

	obj0(w)->page.page_type = (unsigned int)PGTY_offline << 24;
	ff_exec_step(w, &clr, false);
	return w;
}

static struct ff_world *c_type_tail(void)
{
	struct ff_world *w =
		world_after("alloc order=2 kind=plain obj=0 index=0\n");

	folio_page(obj0(w), 2)->page_type = (unsigned int)PGTY_offline << 24;
	ff_check_full(w);
	return w;
}

static struct ff_world *c_mapping_kind(void)
{
	struct ff_world *w = world_after(ANON2);

	obj0(w)->mapping = NULL;
	ff_check_full(w);
	return w;
}

static struct ff_world *c_index(void)
{
	struct ff_world *w = world_after(ANON2);

	obj0(w)->index += 4;
	ff_check_full(w);
	return w;
}

static struct ff_world *c_flags(void)
{
	struct ff_world *w = world_after(ANON2);

	folio_set_locked(obj0(w));
	ff_check_full(w);
	return w;
}

static struct ff_world *c_ref_underflow(void)
{
	struct ff_world *w =
		world_after("alloc order=0 kind=plain obj=0 index=0\n");
	struct ff_op put = op1(FF_OP_PUT, 0, 0, 0, 0);

	obj0(w)->_refcount = 0;
	ff_exec_step(w, &put, false);
	return w;
}

static struct ff_world *c_ref_freeze(void)
{
	struct ff_world *w = world_after(ANON0);
	jmp_buf jb;

	w->bug_jmp = &jb;
	if (!setjmp(jb))
		folio_ref_unfreeze(obj0(w), 1); /* not frozen: refcount 1 */
	w->bug_jmp = NULL;
	return w;
}

static struct ff_world *c_split(void)
{
	struct ff_world *w = world_after(ANON2);
	struct ff_op split = op1(FF_OP_SPLIT, 0, 0, 0, 0);

	/* a PTE mapping the page tables do not know about */
	folio_page(obj0(w), 2)->_mapcount = 0;
	ff_exec_step(w, &split, false);
	return w;
}

static struct ff_world *c_migrate(void)
{
	struct ff_world *w = world_after(ANON0);
	struct ff_op mig = op1(FF_OP_MIGRATE, 0, 0, 0, 0);

	folio_set_writeback(obj0(w));
	ff_exec_step(w, &mig, false);
	return w;
}

/* An anon PMD whose deposited page table went missing, then zapped. */
static struct ff_world *c_pgtable(void)
{
	struct ff_world *w = world_after("alloc order=4 kind=anon obj=0 "
					 "index=0\n"
					 "map h=0 vma=0 first=0 nr=0\n");
	struct ff_op unmap = op1(FF_OP_UNMAP, 0, 0, 0, 0);

	w->k.maps[0].nodeposit = 1;
	ff_exec_step(w, &unmap, false);
	return w;
}

static struct ff_world *c_memcg(void)
{
	struct ff_world *w = world_after(ANON2);

	obj0(w)->memcg_data = 0;
	ff_check_full(w);
	return w;
}

static struct ff_world *c_model(void)
{
	struct ff_world *w = world_after(ANON0);

	set_bit_flags(PG_head, &obj0(w)->flags); /* bits say large */
	ff_check_full(w);
	return w;
}

static struct ff_world *c_leak(void)
{
	struct ff_world *w = world_after(ANON2);

	/* a page-table entry nobody will ever zap */
	w->k.maps[w->k.nr_maps++] = (struct ff_map){ .pfn = 0, .vma = 0 };
	ff_world_teardown(w, true);
	return w;
}

static struct ff_world *c_devpriv_pgmap(void)
{
	struct ff_world *w = world_after("");

	((struct folio *)pg(w, w->k.devpriv_start + 3))->pgmap = NULL;
	ff_check_full(w);
	return w;
}

static struct ff_world *c_devpriv_free(void)
{
	struct ff_world *w = world_after("");

	/* the stale anon mapping of seed 003 on a free device page */
	pg(w, w->k.devpriv_start + 3)->mapping =
		(struct address_space *)((unsigned long)&w->k.anon_vmas[0] + 1);
	ff_check_full(w);
	return w;
}

#define DAX1 "dax_fault file=d0 index=3 vma=0\n"

static struct ff_world *c_dax_state(void)
{
	struct ff_world *w = world_after(DAX1);

	pg(w, w->k.dax_files[0].pfn[3])->index = 4;
	ff_check_full(w);
	return w;
}

static struct ff_world *c_dax_anon(void)
{
	struct ff_world *w = world_after(DAX1);

	pg(w, w->k.dax_files[0].pfn[3])->mapping = (struct address_space *)0x1;
	ff_check_full(w);
	return w;
}

static struct ff_world *c_dax_rmap(void)
{
	struct ff_world *w = world_after(DAX1);

	w->k.maps[0].index = 4; /* a PTE the file's rmap cannot reach */
	ff_check_full(w);
	return w;
}

#define RACE_SPLIT(reader, page, point)                                        \
	"alloc order=2 kind=file obj=0 index=0\n"                              \
	"race reader=" reader " h=0 page=" page " point=" point "\n"           \
	"split h=0 order=1 at=0\n"

static struct ff_world *c_snapshot(void)
{
	return world_with(RACE_SPLIT("snapshot", "3", "after_page"),
			  1ULL << FF_BUG_snapshot_live_head, false, false);
}

static struct ff_world *c_gup(void)
{
	return world_with(RACE_SPLIT("gup_fast", "3", "after_read"),
			  1ULL << FF_BUG_gup_no_recheck, false, false);
}

static struct ff_world *c_memdesc(void)
{
	struct ff_world *w = world_with(ANON2, 0, true, true);

	/* a folio page whose memdesc names a slab */
	*page_memdesc(folio_page(obj0(w), 1)) =
		(memdesc_t)w->objs[0].desc | MD_TYPE_SLAB;
	ff_check_full(w);
	return w;
}

static struct ff_world *c_memdesc_diff(void)
{
	struct ff_world *a = world_after(ANON2),
			*b = world_with(ANON2, 0, true, true);

	ff_world_enter(b);
	b->objs[0].index = 7; /* the representations disagree */
	ff_compare_representations(a, b, (struct ff_step){ FF_STEP_OK, 0 },
				   (struct ff_step){ FF_STEP_OK, 0 });
	ff_world_enter(a);
	ff_world_destroy(a);
	ff_world_enter(b);
	return b;
}

static struct ff_world *c_untouched(void)
{
	struct ff_world *w = world_after("");
	unsigned long pfn = free_inner_pfn(w);

	/* a stray write no check reads (private of a free page inside its
	 * block), to a pfn no step touched */
	pg(w, pfn)->private = 0x5a;
	ff_check_full(w);
	CHECK(!ff_failed(), "the sweep reads the stray write: %s", w->fail.msg);
	ff_world_teardown(w, true);
	return w;
}

/*
 * Invariants only real kernel code can break (kshim builds, docs/kshim.md):
 * their negative tests are the kshim ctests (label kshim), which build
 * against a kernel tree: kshim/positive_* (the tree's WARN, its helpers'
 * cross-check, its free checks and the differential).
 */
static bool kshim_only(int id)
{
	return id == I_KSHIM_WARN || id == I_KSHIM_XCHECK ||
	       id == I_KSHIM_FREECHECK || id == I_KSHIM_DIFF;
}

static const case_fn cases[FF_NR_INVS] = {
	[I_UNTOUCHED] = c_untouched,
	[I_MEMDESC] = c_memdesc,
	[I_MEMDESC_DIFF] = c_memdesc_diff,
	[I_SNAPSHOT] = c_snapshot,
	[I_GUP] = c_gup,
	[I_DEVPRIV_PGMAP] = c_devpriv_pgmap,
	[I_DEVPRIV_FREE] = c_devpriv_free,
	[I_DAX_STATE] = c_dax_state,
	[I_DAX_ANON] = c_dax_anon,
	[I_DAX_RMAP] = c_dax_rmap,
	[I_PFN_STATE] = c_pfn_state,
	[I_PAGE_FOLIO] = c_page_folio,
	[I_BUDDY_ALIGN] = c_buddy_align,
	[I_BUDDY_TYPE] = c_buddy_type,
	[I_BUDDY_STATE] = c_buddy_state,
	[I_BUDDY_LIST] = c_buddy_list,
	[I_BUDDY_MERGED] = c_buddy_merged,
	[I_FREE_BAD_PAGE] = c_free_bad_page,
	[I_FREE_TAIL] = c_free_tail,
	[I_COMPOUND_TAIL] = c_compound_tail,
	[I_COMPOUND_HEAD] = c_compound_head,
	[I_TAIL_REFCOUNT] = c_tail_refcount,
	[I_TAIL_MAPPING] = c_tail_mapping,
	[I_REFCOUNT] = c_refcount,
	[I_MAPCOUNT] = c_mapcount,
	[I_LARGE_MAPCOUNT] = c_large_mapcount,
	[I_TYPE_MAPPED] = c_type_mapped,
	[I_TYPE_CLEAR] = c_type_clear,
	[I_TYPE_TAIL] = c_type_tail,
	[I_MAPPING_KIND] = c_mapping_kind,
	[I_INDEX] = c_index,
	[I_FLAGS] = c_flags,
	[I_REF_UNDERFLOW] = c_ref_underflow,
	[I_REF_FREEZE] = c_ref_freeze,
	[I_SPLIT] = c_split,
	[I_MIGRATE] = c_migrate,
	[I_PGTABLE] = c_pgtable,
	[I_MEMCG] = c_memcg,
	[I_MODEL] = c_model,
	[I_LEAK] = c_leak,
};

int main(void)
{
	struct ff_world *w;

	/* A clean world and a busy clean state pass the full sweep. */
	w = world_after(ANON2 "alloc order=4 kind=file obj=1 index=16\n"
			      "map h=1 vma=1 first=0 nr=0\n"
			      "map h=0 vma=0 first=1 nr=2\n");
	ff_check_full(w);
	CHECK(w->fail.inv == FF_INV_NONE, "clean state reported %s",
	      w->fail.inv >= 0 ? ff_invs[w->fail.inv].id : "?");
	CHECK(ff_world_teardown(w, true), "clean teardown failed: %s",
	      w->fail.msg);
	ff_world_destroy(w);

	for (int id = 0; id < FF_NR_INVS; id++) {
		if (!cases[id] && kshim_only(id))
			continue; /* real kernel code only: kshim/ ctests */
		if (!cases[id]) {
			CHECK(0, "%s has no negative test", ff_invs[id].id);
			continue;
		}
		w = cases[id]();
		CHECK(w->fail.inv == id, "%s: expected it, got %s (%s)",
		      ff_invs[id].id,
		      w->fail.inv >= 0 ? ff_invs[w->fail.inv].id : "nothing",
		      w->fail.msg);
		ff_world_destroy(w);
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
