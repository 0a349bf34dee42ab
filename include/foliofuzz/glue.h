/*
 * glue.h - the seam between the model and the harness.
 *
 * Model code (src/mm, src/fs, src/lib: kernel functions under kernel names)
 * includes this header and the model headers (mm_types.h, page-flags.h,
 * mm.h, list.h, memdesc.h, snapshot.h, gup.h), and no other foliofuzz
 * header; a ctest (unit/seam) enforces it.  Everything the model may call
 * that is not itself kernel code is declared here:
 *
 *   - the current kernel state, struct ff_kernel (ff_kern): what the kernel
 *     would own, and nothing of the harness;
 *   - pfn_to_page() and page_to_pfn() over its memmap;
 *   - failure recording: VM_BUG_ON_*, ff_vm_bug(), ff_fail() and known
 *     findings;
 *   - bug knobs (ff_bug_on);
 *   - touch tracking (ff_touch): which pfns the checker must look at;
 *   - race points (ff_race_point): where a lockless reader lets an armed
 *     writer run;
 *   - symbolic printing of pointers (ff_sym).
 *
 * The implementations live in src/glue/, on the harness side.  The glue
 * never calls up into the op table: a race point runs a callback set when
 * the race was armed.  This is the line at which a model function can be
 * replaced by real kernel code compiled from a kernel tree.  (The shape is
 * musl mallocng's glue.h and the kernel's tools/testing/vma/include/
 * custom.h: one header that says what the imported code needs.)
 */
#ifndef FOLIOFUZZ_GLUE_H
#define FOLIOFUZZ_GLUE_H

#include <stdbool.h>
#include <stdint.h>

#include "foliofuzz/mm_types.h"

/* ---- the machine: sizes the model is built for */

#define FF_MAX_ORDER 6 /* compile-time ceiling; cfg.max_order <= this */
#define FF_NR_FILES 3
#define FF_NR_ANON_VMAS 2
#define FF_NR_RAM_VMAS 4
#define FF_NR_DAX_FILES 4
#define FF_NR_VMAS (FF_NR_RAM_VMAS + 5) /* 4 RAM, 5 DAX */
#define FF_DAX_FILE_PAGES 32		/* page-index range of each DAX file */
/* The model's DAX "PMD" order: 8 pages, not the kernel's 512, so that a
 * 32-page file holds four and the 64-pfn region eight; alignment rules
 * are the kernel's (index and pfn aligned to the entry size). */
#define FF_DAX_PMD_ORDER 3
#define FF_DAX_PMD_NR (1U << FF_DAX_PMD_ORDER)
#define FF_MAX_MAPS 512	   /* mapping-table size (PTE + PMD entries) */
#define FF_MAX_MAPCOUNT 64 /* per-page mapcount cap the harness respects */

struct ff_config {
	uint32_t nr_pfns;     /* normal RAM pfns (512) */
	uint8_t max_order;    /* buddy MAX_PAGE_ORDER (6) */
	uint8_t pmd_order;    /* order that may be PMD-mapped (4) */
	uint32_t sweep_every; /* full sweep every N steps (64; 0: at end) */
	uint32_t nr_devpriv;  /* ZONE_DEVICE private pfns (64) */
	uint32_t nr_dax;      /* FS-DAX pfns (64; a multiple of 4) */
	uint32_t max_maps;    /* mapping-table capacity, which stands for
			       * page-table memory (FF_MAX_MAPS; fewer in
			       * enumerate's small worlds) */
	uint64_t bugs;	      /* bug knobs, FF_BUG_* bits (bugs.def) */
	uint8_t memdesc;      /* the memdesc representation (memdesc.h) */
	uint8_t kshim;	      /* run the real kernel code a kshim build
			       * linked in (ff_kimpl below); 0: the model */
};

/* ---- objects pages point at.  Aligned so the mapping low bits are free. */

/* Memory cgroups per file and per anon_vma: the last file and the last
 * anon_vma belong to no memcg, so their folios are uncharged (memcg_data
 * 0), as with memcg disabled; the others are charged to the one memcg. */
#define FF_UNCHARGED_FILE (FF_NR_FILES - 1)
#define FF_UNCHARGED_ANON_VMA (FF_NR_ANON_VMAS - 1)

struct address_space {
	uint32_t id;
	uint32_t nrpages; /* pages in the page cache */
	uint8_t dax;	  /* an FS-DAX file: pages come from the DAX region */
	struct mem_cgroup *memcg; /* its page cache is charged here, or NULL */
} __attribute__((aligned(8)));

/* include/linux/memremap.h */
enum memory_type {
	MEMORY_DEVICE_PRIVATE = 1,
	MEMORY_DEVICE_COHERENT,
	MEMORY_DEVICE_FS_DAX,
	MEMORY_DEVICE_GENERIC,
	MEMORY_DEVICE_PCI_P2PDMA,
};

struct dev_pagemap;
struct dev_pagemap_ops {
	void (*page_free)(struct page *page);
};

struct dev_pagemap {
	enum memory_type type;
	const struct dev_pagemap_ops *ops;
	void *owner; /* the driver (migrate_vma pgmap_owner) */
	long ref;    /* percpu_ref stand-in: pages handed out */
	unsigned long start_pfn, nr_pfns;
} __attribute__((aligned(8)));

/* The device driver's own state (lib/test_hmm.c dmirror_device). */
struct ff_dmirror {
	struct page *free_pages; /* chained through zone_device_data */
	unsigned long nr_free;
	unsigned long calloc; /* allocations handed out */
};

/* An FS-DAX file: its block map and which of its extents are reflinked. */
struct ff_dax_file {
	struct address_space as;
	uint32_t nr;			   /* pages in the file */
	uint32_t pfn[FF_DAX_FILE_PAGES];   /* index -> pfn */
	uint8_t shared[FF_DAX_FILE_PAGES]; /* IOMAP_F_SHARED extent */
	uint8_t entry[FF_DAX_FILE_PAGES];  /* DAX entry in the xarray */
	uint8_t pmd[FF_DAX_FILE_PAGES];	   /* the entry is a PMD entry */
};

struct anon_vma {
	uint32_t id;
	struct mem_cgroup *memcg; /* its folios are charged here, or NULL */
} __attribute__((aligned(8)));

struct mem_cgroup {
	uint32_t id;
} __attribute__((aligned(8)));

struct ff_vma {
	struct anon_vma *anon_vma; /* vma0/1 share anon_vma 0 (fork) */
	struct address_space *file;
};

/* One entry of the page-table stand-in: a PTE or PMD mapping. */
struct ff_map {
	uint32_t pfn; /* mapped page (PTE) or folio head (PMD) */
	uint8_t vma;
	uint8_t pmd;	   /* 1 = maps the whole folio (entire mapping) */
	uint8_t migration; /* 1 = temporarily a migration entry */
	uint8_t devpriv;   /* 1 = a device-private swap entry */
	uint8_t from_pmd;  /* 1 = a PTE __split_huge_pmd() made of a PMD */
	uint8_t nodeposit; /* 1 = an anon PMD with no page table deposited */
	uint32_t index;	   /* file page index (DAX mappings) */
};

struct md_folio;
struct md_slab;
struct md_ptdesc;
struct ff_kimpl;

/*
 * The kernel state: everything the modelled kernel owns.  pfns are laid
 * out as three regions: [0, nr_pfns) normal RAM under the buddy
 * allocator, then nr_devpriv ZONE_DEVICE private pages owned by a
 * dmirror-style driver, then nr_dax FS-DAX pages backing the DAX files.
 * The memmap is one exactly-sized heap array, so a stray struct page
 * pointer is an AddressSanitizer report.
 */
struct ff_kernel {
	struct ff_config cfg;
	struct page *memmap;
	unsigned long nr_memmap; /* pfns in the memmap (all regions) */

	/* buddy allocator (mm/page_alloc.c) */
	struct list_head free_area[FF_MAX_ORDER + 1];
	unsigned long nr_free[FF_MAX_ORDER + 1];

	/* objects */
	struct address_space files[FF_NR_FILES];
	struct anon_vma anon_vmas[FF_NR_ANON_VMAS];
	struct ff_vma vmas[FF_NR_VMAS];
	struct mem_cgroup memcg;
	struct dev_pagemap devpriv_pgmap, dax_pgmap;
	struct ff_dmirror dmirror;
	struct ff_dax_file dax_files[FF_NR_DAX_FILES];
	unsigned long devpriv_start, dax_start; /* first pfn of each region */

	/* page tables stand-in */
	struct ff_map maps[FF_MAX_MAPS];
	uint32_t nr_maps;

	/* kshim builds: the real kernel functions this kernel runs in place
	 * of (or beside) the model's; NULL: the model alone (ff_kimpl) */
	const struct ff_kimpl *impl;

	/* memdesc representation: descriptor pools (type-safe, reused) */
	struct {
		struct md_folio *free_folios;
		struct md_slab *free_slabs;
		struct md_ptdesc *free_ptdescs;
		void **all; /* every descriptor, freed with the world */
		uint32_t nr_all, cap_all;
	} md;
};

/* The kernel the model runs in (model code has no world argument).  Set
 * by the harness's runner when it enters a world (ff_world_enter). */
extern struct ff_kernel *ff_kern;

#define mem_map (ff_kern->memmap)
#define pfn_to_page(pfn) (&ff_kern->memmap[(pfn)])
#define page_to_pfn(page) ((unsigned long)((page)-ff_kern->memmap))
#define folio_pfn(folio) page_to_pfn(&(folio)->page)
#define pfn_folio(pfn) page_folio(pfn_to_page(pfn))

static inline bool ff_pfn_is_ram(const struct ff_kernel *k, unsigned long pfn)
{
	return pfn < k->cfg.nr_pfns;
}
static inline bool ff_pfn_is_devpriv(const struct ff_kernel *k,
				     unsigned long pfn)
{
	return pfn >= k->devpriv_start && pfn < k->dax_start;
}
static inline bool ff_pfn_is_dax(const struct ff_kernel *k, unsigned long pfn)
{
	return pfn >= k->dax_start && pfn < k->nr_memmap;
}

/* Set-up code is the same for every input: keep it out of coverage. */
#if defined(__clang__)
#define FF_NO_COVERAGE __attribute__((no_sanitize("coverage")))
#else
#define FF_NO_COVERAGE
#endif

/* ---- failure recording (src/glue/fail.c)
 *
 * The two ways the model reports a broken state (bad input is an error
 * return elsewhere, never this):
 *  - ff_vm_bug(): a kernel VM_BUG_ON / BUG_ON.  Records the failure and
 *    leaves the running op at once (longjmp), as the kernel's BUG would.
 *  - ff_fail(): a kernel WARN / bad_page(), or a checker finding.  Records
 *    the failure and returns; the step ends with the report.
 * Only the first failure of an input is kept: it is what the report shows.
 */
enum ff_inv {
#define X(id, stmt, kernel) id,
#include "foliofuzz/invariants.def"
#undef X
	FF_NR_INVS,
	FF_INV_NONE = -1,
};

enum ff_finding {
#define X(id, inv, fix, what) id,
#include "foliofuzz/findings.def"
#undef X
	FF_NR_FINDINGS,
	FF_FINDING_NONE = -1,
};

void ff_fail(int inv, const struct page *page, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A failure that is a known finding (findings.def). */
void ff_fail_finding(int inv, int finding, const struct page *page,
		     const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void ff_vm_bug(int inv, const struct page *page, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));
/* True once the current world has recorded a failure. */
bool ff_failed(void);

#define VM_BUG_ON_PAGE(cond, page, inv, ...)                                   \
	do {                                                                   \
		if (cond)                                                      \
			ff_vm_bug(inv, page, __VA_ARGS__);                     \
	} while (0)
#define VM_BUG_ON_FOLIO(cond, folio, inv, ...)                                 \
	VM_BUG_ON_PAGE(cond, &(folio)->page, inv, __VA_ARGS__)

/* ---- bug knobs (bugs.def): a knob costs one load and a bit test */

enum ff_bug {
#define X(name, seed, target, what) FF_BUG_##name,
#include "foliofuzz/bugs.def"
#undef X
	FF_NR_BUGS,
};

#define ff_bug_on(b) ((ff_kern->cfg.bugs >> (FF_BUG_##b)) & 1)

/* ---- touch tracking (src/glue/touch.c): the model marks the pfns whose
 * struct pages it wrote, so the checker looks at them after the step. */

void ff_touch(unsigned long pfn, unsigned long nr);

/* ---- race points (src/glue/race_point.c)
 *
 * Two kinds, one mechanism (docs/design.md §11).  Lockless readers
 * (snapshot_page, GUP-fast, the /proc/kpage* readers) call ff_race_point()
 * between their reads: a `race` op runs a reader and the op after it (the
 * writer) runs at the armed point.  Writers (split, migrate, the free path,
 * the migrate_vma stages, DAX association) call it at the moments another
 * CPU may look in: a `race_in` op runs the op after it (the writer) and a
 * reader runs at the armed point, in the writer's half-done state.  Either
 * side may run at several passes of the point (retry loops, one pass per
 * tail).  The same bytes give the same interleaving.  Each writer point is
 * named after the kernel function and the moment it stands for.
 */
enum ff_race_point {
	/* reader points: a writer op runs here */
	RP_SNAP_AFTER_PAGE,  /* snapshot_page: page copied, head not read */
	RP_SNAP_AFTER_FOLIO, /* snapshot_page: page[0..1] copied */
	RP_SNAP_AFTER_PAGE2, /* snapshot_page: page[2] copied, flags not set */
	RP_GUP_AFTER_READ,   /* GUP-fast: folio (or memdesc) read */
	RP_GUP_AFTER_TYPE,   /* GUP-fast (memdesc): type checked */
	RP_GUP_AFTER_TRYGET, /* GUP-fast: reference taken, not rechecked */
	FF_NR_READER_POINTS,
	/* writer points: a reader runs here */
	RP_SPLIT_AFTER_UNMAP = FF_NR_READER_POINTS, /* __folio_split: after
						     * unmap_folio, before the
						     * refcount freeze */
	RP_SPLIT_AFTER_FREEZE,	/* __folio_split: frozen, nothing split yet */
	RP_SPLIT_TAIL,		/* __split_folio_to_order: before each new
				* folio is set up (one pass per new folio) */
	RP_SPLIT_BEFORE_REMAP,	/* __folio_split: unfrozen, before remap_page */
	RP_MIGRATE_AFTER_UNMAP, /* migrate_pages_batch: src unmapped, not
				  * moved yet */
	RP_MIGRATE_AFTER_FREEZE, /* folio_migrate_mapping: src frozen, mapping
				  * not moved */
	RP_MIGRATE_AFTER_MOVE,	 /* folio_migrate_mapping: dst holds the
				  * mapping, src unfrozen */
	RP_MIGRATE_BEFORE_REMAP, /* migrate_folio_move: before
				  * remove_migration_ptes */
	RP_FREE_BEFORE_MERGE,	 /* free_frozen_pages: prepared, not merged */
	RP_FREE_MERGE,		 /* __free_one_page: before each buddy merge */
	RP_MVMA_AFTER_SETUP,	 /* migrate_vma_setup done, before pages */
	RP_MVMA_BEFORE_FINALIZE, /* migrate_vma_pages done, before finalize */
	RP_DAX_ASSOCIATE,	 /* dax_associate_entry: before the fields */
	RP_DAX_DISASSOCIATE,	 /* dax_disassociate_entry: before the put */
	RP_MD_PUT_DISPATCH,	 /* memdesc put_page: type read, before the
				  * dispatch */
	FF_NR_RACE_POINTS,
};
#define FF_NR_WRITER_POINTS (FF_NR_RACE_POINTS - FF_NR_READER_POINTS)

void ff_race_point(enum ff_race_point rp);

/* ---- kshim: real kernel code in place of model functions (docs/kshim.md)
 *
 * A kshim build (scripts/kshim.sh) compiles selected functions of a user's
 * kernel tree into foliofuzz and fills one struct ff_kimpl with them.  A
 * world whose cfg.kshim is set points k.impl at it; a model function that
 * a pick replaces starts with FF_KSHIM_SWAP(), so the same op runs the
 * tree's code instead.  The check_* members run beside the model and
 * compare (pageflags cross-check, freecheck).  Outside kshim builds
 * FF_KSHIM is not defined and the hooks compile to nothing.
 */
struct ff_dax_file;
struct ff_kexpected;
struct ff_kimpl {
	const char *release; /* the tree's kernel release, "6.12.117" */
	/* fs/dax.c (pick dax): the harness-facing DAX entry operations */
	int (*dax_insert)(struct ff_dax_file *f, unsigned long index);
	void (*dax_disassociate)(struct ff_dax_file *f, unsigned long index);
	struct page *(*dax_busy)(struct ff_dax_file *f, unsigned long index);
	/* mm/util.c (pick util) */
	struct address_space *(*folio_mapping)(const struct folio *folio);
	struct anon_vma *(*folio_anon_vma)(const struct folio *folio);
	/* beside the model: called on every page the model frees, before
	 * its own checks, with the model's verdict still to come (freecheck) */
	void (*check_free)(struct page *page, unsigned int order);
	/* ... and after it, with the model's verdict */
	void (*check_free_done)(struct page *page, unsigned int order,
				bool model_bad);
	/* beside the model: called for every touched pfn after each step
	 * (pageflags) */
	void (*check_page)(unsigned long pfn);
	/* the expected-difference row that explains a failure of inv in
	 * this tree, or -1 */
	int (*expected)(int inv);
	const struct ff_kexpected *expected_rows; /* the whole table */
	/* the next failure is the difference row ID explains, if that row
	 * applies to this tree (rows matched only by classification); NULL
	 * forgets it (each step starts without one) */
	void (*expect_next)(const char *id);
};

/* One row of the expected-differences table (src/kshim/expected.def). */
struct ff_kexpected {
	const char *id;	   /* EXP_DAX_SHARED_ANON */
	const char *pick;  /* the pick whose real code shows it */
	const char *from;  /* first release it applies to, "6.12" */
	const char *until; /* first release it no longer applies to, or "" */
	int inv;	   /* the invariant it breaks (enum ff_inv) */
	const char *why;
	const char *ref; /* the upstream commit or patch title */
};

#ifdef FF_KSHIM
#define FF_KSHIM_SWAP(fn, ...)                                                 \
	do {                                                                   \
		if (ff_kern->impl && ff_kern->impl->fn)                        \
			return ff_kern->impl->fn(__VA_ARGS__);                 \
	} while (0)
#define FF_KSHIM_SWAP_VOID(fn, ...)                                            \
	do {                                                                   \
		if (ff_kern->impl && ff_kern->impl->fn) {                      \
			ff_kern->impl->fn(__VA_ARGS__);                        \
			return;                                                \
		}                                                              \
	} while (0)
#define FF_KSHIM_BESIDE(fn, ...)                                               \
	do {                                                                   \
		if (ff_kern->impl && ff_kern->impl->fn)                        \
			ff_kern->impl->fn(__VA_ARGS__);                        \
	} while (0)
#else
#define FF_KSHIM_SWAP(fn, ...) ((void)0)
#define FF_KSHIM_SWAP_VOID(fn, ...) ((void)0)
#define FF_KSHIM_BESIDE(fn, ...) ((void)0)
#endif

/* Real kernel code notes that it ran (fn, and "file:line" in the tree), so
 * a report can name it (src/glue/fail.c). */
void ff_kshim_ran(const char *fn, const char *loc);

/* ---- blame checkpoints (src/harness/blame.c)
 *
 * Every kernel-named model function in src/mm, src/fs and src/lib starts
 * with FF_FUNC() (unit/seam checks it).  Normally it costs one test of a
 * global flag at entry and at return; when a report replays a failing
 * input to blame it, entry and return are checkpoints, and the report
 * names the model function whose return left the affected struct page as
 * it was found broken, with its callers.
 */
extern int ff_blame_on __attribute__((visibility("hidden")));
void ff_blame_enter(const char *fn, const char *file, int line);
void ff_blame_exit(void);
static inline void ff_blame_scope_end(const int *unused)
{
	(void)unused;
	if (__builtin_expect(ff_blame_on, 0))
		ff_blame_exit();
}
#define FF_FUNC()                                                              \
	int ff_blame_scope_                                                    \
		__attribute__((cleanup(ff_blame_scope_end), unused)) = 0;      \
	if (__builtin_expect(ff_blame_on, 0))                                  \
	ff_blame_enter(__func__, __FILE__, __LINE__)

/* ---- symbolic printing (src/glue/sym.c)
 *
 * A word as it should appear in a report: pointers into the kernel state
 * print symbolically (pfn, file, anon_vma, memcg, TAIL_MAPPING) so the same
 * input gives the same report byte for byte under ASLR.
 */
#define FF_SYM_LEN 40
const char *ff_sym(unsigned long val, char buf[FF_SYM_LEN]);

#endif
