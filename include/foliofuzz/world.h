/*
 * world.h - one fuzz input's universe: the kernel state the model sees
 * (struct ff_kernel, glue.h: memmap, buddy allocator, files, anon_vmas,
 * VMAs, page-table stand-in, memcg, pgmaps, driver, DAX files, memdesc
 * pools) and, around it, the harness state: the reference model, the live
 * objects, the checker's touch marks, the race state, the running program
 * and the failure record.
 *
 * A world is created per input and destroyed after it; nothing survives
 * between inputs.
 */
#ifndef FOLIOFUZZ_WORLD_H
#define FOLIOFUZZ_WORLD_H

#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdint.h>

#include "foliofuzz/fail.h"
#include "foliofuzz/glue.h"

/* --- reference model (docs/design.md §14): updated from op meaning, never from bits */

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

/* A DAX pfn's place: an order-0 folio, or the head or a tail of a PMD
 * entry's folio.  A PMD folio's association state is on its head. */
enum ff_dax_role {
	FF_DAX_SMALL,
	FF_DAX_HEAD,
	FF_DAX_TAIL
};

enum ff_dax_state {
	FF_DAX_NONE,
	FF_DAX_SINGLE,
	FF_DAX_SHARED
};

struct ff_ref_page {
	uint8_t state;	      /* enum ff_pstate */
	uint8_t dax;	      /* DAX pages: enum ff_dax_state */
	uint8_t dax_file;     /* DAX_SINGLE: the file */
	uint8_t dax_role;     /* DAX: enum ff_dax_role (PMD folios) */
	uint32_t dax_n;	      /* DAX: associations; SINGLE: the index */
	uint32_t obj;	      /* object id owning the pfn (valid unless FREE) */
	int32_t mapcount;     /* PTE mappings of this page */
	int32_t dax_pmd_maps; /* DAX PMD folio head: its PMD mappings */
	uint8_t dax_lost;     /* DAX: its own association was overwritten
			       * when a PMD entry made it a tail */
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

struct ff_stats {
	uint64_t steps, ops_ok, ops_refused, checks, sweeps;
};

struct ff_world {
	struct ff_kernel k; /* first: what the model sees (glue.h) */

	/* reference model */
	struct ff_ref_page *ref; /* nr_memmap entries */
	struct ff_obj *objs;	 /* live set, in creation order */
	uint32_t nr_objs, cap_objs;
	uint32_t next_obj_id;

	/* checker bookkeeping */
	uint32_t *touched; /* pfns touched this step */
	uint32_t nr_touched;
	uint8_t *touched_mark; /* per pfn: already in touched[] */
	uint64_t *dirty;       /* bitmap: pfns touched since the world was
				* built or restored (world.c recycling) */
	bool img_clean;	       /* the final check found every pfn outside
				* dirty as built (ff_check_sweep) */

	/* deterministic races (race.h, docs/design.md §11): what an armed
	 * race runs (run) when the running code passes point
	 * (glue race_point.c) */
	struct {
		void (*run)(struct ff_world *w);
		int point;
		int times;  /* passes of point that run it; 0 = every pass */
		int passes; /* passes of point so far */
		int fired;  /* times run ran */
		bool busy;  /* run is running: no point fires inside it */
		/* race / race_rep: the writer ops, one per pass */
		const struct ff_op *writers;
		uint32_t nr_writers;
		int writer_rc; /* the last writer's result */
		/* race_in: the reader, its page, and the references readers
		 * took at the point, held until the writer returns */
		int reader;
		unsigned long pfn;
		struct folio *held[8];
		int nr_held;
		uint8_t outcome; /* reader outcomes seen (FF_RO_* bits) */
	} race;
	struct page *s0;	    /* race ops: the state before the reader */
	struct ff_config key;	    /* the config asked for (recycling key) */
	struct ff_world *img;	    /* the world as first built (world.c) */
	struct page *img_memmap;    /* its memmap as first built */
	const struct ff_prog *prog; /* the running program and its pc, so a */
	size_t pc;		    /* race op can take the ops after it as */
	uint32_t consumed;	    /* its writers: how many it took */

	/* failure state (fail.h) */
	struct ff_failure fail;
	char kshim_ran[192];   /* kshim: real kernel functions run this step */
	struct ff_world *peer; /* run --kshim-diff: the model's world beside
				* this one (kshim.c), or NULL */
	jmp_buf *bug_jmp;      /* set while an op runs: VM_BUG_ON exits */

	struct ff_stats stats;
};

/*
 * The current world: the one whose kernel the model runs in (ff_kern) and
 * whose failure record the glue writes.  Only ff_world_enter() changes it.
 */
extern struct ff_world *ff_cur;

static inline struct ff_world *ff_world_of(struct ff_kernel *k)
{
	return (struct ff_world *)((char *)k - offsetof(struct ff_world, k));
}
/* Makes w the current world (w may be NULL). */
static inline void ff_world_enter(struct ff_world *w)
{
	ff_cur = w;
	ff_kern = w ? &w->k : NULL;
}
static inline bool ff_world_failed(const struct ff_world *w)
{
	return w->fail.inv != FF_INV_NONE;
}

/* The defaults; in a kshim build cfg.kshim is set unless the environment
 * says FOLIOFUZZ_KSHIM=0. */
void ff_config_default(struct ff_config *cfg);

/* kshim builds (src/harness/kshim.c): the real code linked in, or NULL in
 * a model-only build; whether the environment asks for it (default yes). */
const struct ff_kimpl *ff_kshim_impl(void);
bool ff_kshim_wanted(void);
/* "expected difference: ID (Linux FROM..UNTIL, pick P): WHY; upstream: REF" */
void ff_print_expected(FILE *f, const struct ff_kimpl *impl, int row);
/* run --kshim-diff: after a step of both worlds, records I_KSHIM_DIFF in
 * real (the tree's code) at the first struct page that differs from the
 * model's world, or when the model's world failed and real did not. */
void ff_kshim_compare(struct ff_world *real, struct ff_world *model);
/* `foliofuzz kshim`: the manifest of a kshim build (src/kshim/runtime.c). */
void ff_kshim_manifest(FILE *f);

struct ff_world *ff_world_create(const struct ff_config *cfg);

/* Tears down every live object through the modelled kernel paths; with
 * check, sweeps and checks I_LEAK.  Returns false if a failure was
 * recorded. */
bool ff_world_teardown(struct ff_world *w, bool check);
void ff_world_destroy(struct ff_world *w);

/* Marks [pfn, pfn + nr) as touched this step (ff_touch() for w). */
void ff_world_touch(struct ff_world *w, unsigned long pfn, unsigned long nr);

#endif
