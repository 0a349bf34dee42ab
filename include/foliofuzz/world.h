/*
 * world.h - one fuzz input's universe: the memmap, the buddy allocator, the
 * objects pages point at (address spaces, anon_vmas, VMAs, a memcg), the
 * page-table stand-in (the mapping table), the reference model and the
 * checker's bookkeeping.
 *
 * A world is created per input and destroyed after it; nothing survives
 * between inputs.  The memmap is one exactly-sized heap array, so a stray
 * struct page pointer is an AddressSanitizer report.  pfns are laid out as
 * three regions: [0, nr_pfns) normal RAM under the buddy allocator, then
 * nr_devpriv ZONE_DEVICE private pages owned by a dmirror-style driver,
 * then nr_dax FS-DAX pages backing the DAX files.
 */
#ifndef FOLIOFUZZ_WORLD_H
#define FOLIOFUZZ_WORLD_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include "foliofuzz/fail.h"
#include "foliofuzz/mm_types.h"

#define FF_MAX_ORDER 6 /* compile-time ceiling; cfg.max_order <= this */
#define FF_NR_FILES 3
#define FF_NR_ANON_VMAS 2
#define FF_NR_RAM_VMAS 4
#define FF_NR_DAX_FILES 4
#define FF_NR_VMAS (FF_NR_RAM_VMAS + 5) /* 4 RAM, 5 DAX */
#define FF_DAX_FILE_PAGES 32		/* page-index range of each DAX file */
#define FF_MAX_MAPS 512	   /* mapping-table capacity (PTE + PMD entries) */
#define FF_MAX_MAPCOUNT 64 /* per-page mapcount cap the harness respects */

struct ff_config {
	uint32_t nr_pfns;     /* normal RAM pfns (512) */
	uint8_t max_order;    /* buddy MAX_PAGE_ORDER (6) */
	uint8_t pmd_order;    /* order that may be PMD-mapped (4) */
	uint32_t sweep_every; /* full sweep every N steps (64; 0: at end) */
	uint32_t nr_devpriv;  /* ZONE_DEVICE private pfns (64) */
	uint32_t nr_dax;      /* FS-DAX pfns (64; a multiple of 4) */
	uint64_t bugs;	      /* bug knobs, FF_BUG_* bits (bugs.def) */
	uint8_t memdesc;      /* the memdesc representation (memdesc.h) */
};

void ff_config_default(struct ff_config *cfg);

/* Objects pages point at.  Aligned so the mapping low bits are free. */
struct address_space {
	uint32_t id;
	uint32_t nrpages; /* pages in the page cache */
	uint8_t dax;	  /* an FS-DAX file: pages come from the DAX region */
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
};

struct anon_vma {
	uint32_t id;
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
	uint32_t index;	   /* file page index (DAX mappings) */
};

/* --- reference model (DESIGN §7): updated from op meaning, never from bits */

enum ff_kind {
	FF_KIND_ANON,
	FF_KIND_FILE,
	FF_KIND_SLAB,
	FF_KIND_PGTABLE,
	FF_KIND_OFFLINE,
	FF_KIND_ZSMALLOC,
	FF_KIND_PLAIN,
	FF_NR_KINDS,
	FF_KIND_NONE = 0xff,
};

enum ff_pstate {
	FF_PS_FREE,  /* in a buddy block */
	FF_PS_HEAD,  /* head of a large folio */
	FF_PS_TAIL,  /* tail of a large folio */
	FF_PS_SMALL, /* order-0 allocated page */
};

enum ff_dax_state {
	FF_DAX_NONE,
	FF_DAX_SINGLE,
	FF_DAX_SHARED
};

struct ff_ref_page {
	uint8_t state;	  /* enum ff_pstate */
	uint8_t dax;	  /* DAX pages: enum ff_dax_state */
	uint8_t dax_file; /* DAX_SINGLE: the file */
	uint8_t pad;
	uint32_t dax_n;	  /* DAX: associations; SINGLE: the index */
	uint32_t obj;	  /* object id owning the pfn (valid unless FREE) */
	int32_t mapcount; /* PTE mappings of this page */
};

/* A live folio as the reference model sees it. */
struct ff_obj {
	uint32_t id;  /* unique per world, never reused */
	uint32_t pfn; /* head pfn */
	uint8_t order;
	uint8_t kind;	     /* enum ff_kind */
	uint8_t type;	     /* PGTY_* the first page carries, 0 = none */
	uint8_t charged;     /* memcg charged */
	int32_t hrefs;	     /* references held through handles */
	int32_t cache_refs;  /* page-cache references (nr pages when cached) */
	int32_t pte_maps;    /* PTE mappings, all pages */
	int32_t pmd_maps;    /* entire (PMD) mappings */
	uint32_t mapping_id; /* anon_vma id or file id */
	unsigned long index;
	uint8_t devpriv; /* lives in the device-private region */
	void *desc;	 /* memdesc world: the object's descriptor */
};

struct ff_op;
struct ff_prog;
struct md_folio;
struct md_slab;
struct md_ptdesc;

struct ff_stats {
	uint64_t steps, ops_ok, ops_refused, checks, sweeps;
};

struct ff_world {
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

	/* reference model */
	struct ff_ref_page *ref; /* nr_memmap entries */
	struct ff_obj *objs;	 /* live set, in creation order */
	uint32_t nr_objs, cap_objs;
	uint32_t next_obj_id;

	/* checker bookkeeping */
	uint32_t *touched; /* pfns touched this step */
	uint32_t nr_touched;
	uint8_t *touched_mark; /* per pfn: already in touched[] */

	/* deterministic races (race.h): the armed writer of a race op */
	struct {
		const struct ff_op *writer;
		int point;
		bool fired;
		int writer_rc;
	} race;
	struct page *s0;	    /* race ops: the state before the reader */
	struct ff_config key;	    /* the config asked for (recycling key) */
	struct ff_world *img;	    /* the world as first built (world.c) */
	struct page *img_memmap;    /* its memmap as first built */
	const struct ff_prog *prog; /* the running program and its pc, so a */
	size_t pc;		    /* race op can take the next op as its */
	bool consumed_next;	    /* writer */

	/* memdesc representation: descriptor pools (type-safe, reused) */
	struct {
		struct md_folio *free_folios;
		struct md_slab *free_slabs;
		struct md_ptdesc *free_ptdescs;
		void **all; /* every descriptor, freed with the world */
		uint32_t nr_all, cap_all;
	} md;

	/* failure state (fail.h) */
	struct ff_failure fail;
	jmp_buf *bug_jmp; /* set while an op runs: VM_BUG_ON exits */

	struct ff_stats stats;
};

/* The world the modelled kernel code runs in (it has no world argument). */
extern struct ff_world *ff_cur;

/* Inline on the hot path; fail.c has the out-of-line definition. */
#define ff_failed() (ff_cur && ff_cur->fail.inv != FF_INV_NONE)

#define mem_map (ff_cur->memmap)
#define pfn_to_page(pfn) (&ff_cur->memmap[(pfn)])
#define page_to_pfn(page) ((unsigned long)((page)-ff_cur->memmap))
#define folio_pfn(folio) page_to_pfn(&(folio)->page)
#define pfn_folio(pfn) page_folio(pfn_to_page(pfn))

/* World setup is the same for every input: keep it out of coverage. */
#if defined(__clang__)
#define FF_NO_COVERAGE __attribute__((no_sanitize("coverage")))
#else
#define FF_NO_COVERAGE
#endif

struct ff_world *ff_world_create(const struct ff_config *cfg);

static inline bool ff_pfn_is_ram(const struct ff_world *w, unsigned long pfn)
{
	return pfn < w->cfg.nr_pfns;
}
static inline bool ff_pfn_is_devpriv(const struct ff_world *w,
				     unsigned long pfn)
{
	return pfn >= w->devpriv_start && pfn < w->dax_start;
}
static inline bool ff_pfn_is_dax(const struct ff_world *w, unsigned long pfn)
{
	return pfn >= w->dax_start && pfn < w->nr_memmap;
}
/* Tears down every live object through the modelled kernel paths; with
 * check, sweeps and checks I_LEAK.  Returns false if a failure was
 * recorded. */
bool ff_world_teardown(struct ff_world *w, bool check);
void ff_world_destroy(struct ff_world *w);

void ff_touch(struct ff_world *w, unsigned long pfn, unsigned long nr);

#endif
