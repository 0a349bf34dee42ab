/*
 * harness.h - bytes -> ops -> world -> checker -> report.
 *
 * The op table (ops.c) names every op, its arguments and their ranges; the
 * codec (trace.c) turns bytes into ops (total: every byte string is a
 * program) and ops into canonical bytes and text; the executor (exec.c)
 * runs a program in a fresh world, checking after every step.
 */
#ifndef FOLIOFUZZ_HARNESS_H
#define FOLIOFUZZ_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "foliofuzz/world.h"

enum ff_opcode {
	FF_OP_ALLOC,
	FF_OP_GET,
	FF_OP_PUT,
	FF_OP_FREE,
	FF_OP_SET_TYPE,
	FF_OP_CLEAR_TYPE,
	FF_OP_MAP,
	FF_OP_UNMAP,
	FF_OP_SPLIT,
	FF_OP_MIGRATE,
	FF_OP_DEV_ALLOC,
	FF_OP_DEV_MIGRATE,
	FF_OP_DEV_FAULT,
	FF_OP_DEV_INSERT,
	FF_OP_DEV_UNMAP,
	FF_OP_DAX_FAULT,
	FF_OP_DAX_UNMAP,
	FF_OP_DAX_TRUNCATE,
	FF_OP_DAX_BUSY,
	FF_OP_RACE,
	FF_OP_RACE_PFN,
	FF_OP_PFN_WALK,
	FF_OP_RACE_IN,
	FF_OP_RACE_REP,
	FF_OP_DAX_PMD_FAULT,
	/* Every unassigned opcode slot of a target decodes to this op: it
	 * takes no argument bytes, and its executor refuses it (-EOPNOTSUPP)
	 * and changes nothing.  A new op goes right before it. */
	FF_OP_RESERVED,
	FF_NR_OPS,
};

/* Opcode slots of target "ops": slot s < FF_OP_RESERVED is op s. */
#define FF_OPS_SLOTS 32

#define FF_MAX_ARGS 5
#define FF_MAX_PROG                                                            \
	4096 /* ops per input; the rest of a longer input is ignored */

struct ff_op {
	uint8_t code;
	uint8_t arg[FF_MAX_ARGS];
};

struct ff_arg_desc {
	const char *name;
	uint16_t range;		  /* values 0 .. range-1; one byte each */
	const char *const *names; /* symbolic value names, or NULL */
};

struct ff_op_desc {
	const char *name;
	uint8_t nargs;
	struct ff_arg_desc args[FF_MAX_ARGS];
	/* Checks the caller's preconditions, does the kernel side through
	 * the world's representation (repr.h), updates the reference model.
	 * Returns 0, the kernel's negative errno, or FF_UNSUPPORTED. */
	int (*exec)(struct ff_world *w, const struct ff_op *op);
	const char *doc;
};

/*
 * An executor returns 0, a kernel errno (negative, above -MAX_ERRNO), or
 * FF_UNSUPPORTED, outside errno space: the world's representation has no
 * such operation for this object (repr.h).  The step function turns these
 * and a VM_BUG into a struct ff_step.
 */
#define FF_MAX_ERRNO 4095
#define FF_UNSUPPORTED (-FF_MAX_ERRNO - 1)

enum ff_step_kind {
	FF_STEP_OK,
	FF_STEP_REFUSED,     /* the kernel refused it: errno in err */
	FF_STEP_BUG,	     /* a VM_BUG_ON fired (w->fail says which) */
	FF_STEP_UNSUPPORTED, /* the representation has no such operation */
};

struct ff_step {
	enum ff_step_kind kind;
	int err; /* FF_STEP_REFUSED: the positive errno */
};

static inline bool ff_step_same(struct ff_step a, struct ff_step b)
{
	return a.kind == b.kind && a.err == b.err;
}
/* "ok", "-EINVAL", "VM_BUG", "unsupported", ... */
const char *ff_step_name(struct ff_step s);

extern const struct ff_op_desc ff_op_table[];
extern const char *const ff_kind_names[FF_NR_KINDS];

struct ff_prog {
	struct ff_op *ops;
	size_t nr, cap;
};

void ff_prog_init(struct ff_prog *p);
void ff_prog_free(struct ff_prog *p);
int ff_prog_push(struct ff_prog *p, const struct ff_op *op);

/*
 * targets.c: a fuzz target's op subset.  An opcode byte b names slot
 * b % nr_slots (a fixed power of two); slots 0 .. nr_ops-1 are assigned
 * (ops[slot], or op number slot when ops == NULL), the others are reserved
 * and decode to FF_OP_RESERVED.  Adding an op takes the next reserved
 * slot, so no assigned byte changes meaning.
 */
struct ff_target {
	const char *name;
	size_t nr_ops; /* assigned slots (an op may fill two: a weight) */
	const uint8_t *ops;
	const char *doc;
	int differential; /* also run the memdesc representation */
	size_t nr_slots;  /* fixed: never change it for a shipped target */
};
extern const struct ff_target ff_targets[];
extern const size_t ff_nr_targets;
const struct ff_target *ff_target_by_name(const char *name);
/* The op an opcode byte names in target t. */
uint8_t ff_target_code(const struct ff_target *t, uint8_t byte);
/* The canonical opcode byte of op code in t (its first slot; for
 * FF_OP_RESERVED the first reserved slot), or -1 if t lacks it. */
int ff_target_byte(const struct ff_target *t, uint8_t code);

/* mutate.c: op-level mutation of a target's input bytes, in place (a few
 * op changes, re-encoded canonically, at most max_size bytes; 0 when
 * nothing fits), and crossover of two inputs at op boundaries. */
size_t ff_mutate(const struct ff_target *t, uint8_t *data, size_t size,
		 size_t max_size, unsigned int seed);
size_t ff_crossover(const struct ff_target *t, const uint8_t *d1, size_t s1,
		    const uint8_t *d2, size_t s2, uint8_t *out, size_t max_size,
		    unsigned int seed);

/* trace.c: the codec.  ff_decode/ff_encode use the "ops" target (every
 * op); the _target forms use a target's op subset. */
void ff_decode(const uint8_t *data, size_t size, struct ff_prog *out);
void ff_decode_target(const struct ff_target *t, const uint8_t *data,
		      size_t size, struct ff_prog *out);
/* Canonical bytes; returns the length, writing at most cap bytes. */
size_t ff_encode(const struct ff_prog *p, uint8_t *out, size_t cap);
/* As ff_encode for target t; returns (size_t)-1 if an op is not in t. */
size_t ff_encode_target(const struct ff_target *t, const struct ff_prog *p,
			uint8_t *out, size_t cap);
void ff_op_print(FILE *f, const struct ff_op *op);
void ff_trace_print(FILE *f, const struct ff_prog *p, size_t upto);
/* When set, printed traces say "# target: NAME": the fuzz target whose
 * encoding (and differential) they came from. */
extern const char *ff_trace_target;
/* Parses a text trace.  On error returns -1 and writes
 * "file:line:col: message" to err. */
int ff_trace_parse(const char *text, size_t len, const char *fname,
		   struct ff_prog *out, char *err, size_t errlen);
/* True if the buffer is a text trace (starts with "# foliofuzz trace"). */
int ff_is_text_trace(const uint8_t *data, size_t size, const char *fname);

/* exec.c: running a program. */
struct ff_run_opts {
	struct ff_config cfg;
	int differential; /* also run the memdesc representation and compare */
	FILE *report;	  /* where the report goes (NULL = stderr) */
	FILE *verbose;	  /* per-step state, or NULL */
	int check;	  /* 0 = no invariant checks (bench) */
	int suppress;	  /* known findings end the input as a pass (1) */
	int kshim_diff;	  /* kshim build: also run the model in a second
			   * world and compare the struct pages (kshim.c) */
	/* Called after each step of the primary world, with the op and its
	 * outcome (state feedback, feedback.c); it must only read w.  NULL:
	 * none. */
	void (*on_step)(void *ctx, struct ff_world *w, const struct ff_op *op,
			struct ff_step s);
	void *on_step_ctx;
};

struct ff_result {
	int inv;     /* FF_INV_NONE when every invariant held */
	size_t step; /* failing step (index into prog), or prog->nr */
	size_t ok, refused;
	int finding;  /* a suppressed known finding, or FF_FINDING_NONE */
	int expected; /* kshim: a suppressed expected difference (its row in
		       * the tree's table, docs/kshim.md), or -1 */
};

void ff_run_opts_default(struct ff_run_opts *o);
/* The memdesc differential check of one step (records I_MEMDESC_DIFF in
 * the current world). */
void ff_compare_representations(struct ff_world *a, struct ff_world *b,
				struct ff_step sa, struct ff_step sb);
/*
 * The step function: op pc of prog in world w (which becomes the current
 * world), with the op after it as the writer if it is a race op; then,
 * with check, the incremental check of what the step touched.  Every
 * runner (ff_run, the report's replay, unit tests) steps through here.
 */
struct ff_step ff_step(struct ff_world *w, const struct ff_prog *prog,
		       size_t pc, bool check);
/* One op outside a program (no writer for a race op). */
struct ff_step ff_exec_step(struct ff_world *w, const struct ff_op *op,
			    bool check);
/* Runs one op's executor in w's representation (race writers too). */
int ff_exec_op(struct ff_world *w, const struct ff_op *op);
/* Runs prog in a fresh world; prints the report on failure. */
void ff_run(const struct ff_run_opts *o, const struct ff_prog *prog,
	    struct ff_result *res);

/*
 * feedback.c: state-coverage feedback (docs/design.md §20.5).  The
 * abstract state a step reached, as at most FF_STATE_FEATURES hashed
 * features written to out: (op, outcome, the touched object's kind,
 * order and mapped / typed / shared / frozen bits) and, for an armed race
 * op, (reader, race point, reached, writer outcome, outcome).  The same
 * world and step give the same features.  Returns how many it wrote.
 */
#define FF_STATE_FEATURES 4
size_t ff_state_features(struct ff_world *w, const struct ff_op *op,
			 struct ff_step s, uint32_t out[FF_STATE_FEATURES]);
/* Whether the fuzz targets feed features to the engine: yes unless the
 * environment says FOLIOFUZZ_STATE_FEEDBACK=0 (read at each call).  A
 * comma-separated list of rows (step, race, memory, room) feeds only
 * those, from then on; a bad value exits 2 with a message. */
bool ff_state_feedback_wanted(void);
/* Parses such a value into a row mask (bit f: row f): 0, or -1. */
int ff_state_rows_parse(const char *e, unsigned int *rows);

/* check.c */
void ff_check_step(struct ff_world *w);
void ff_check_full(struct ff_world *w);
/* The periodic and final sweep: what ff_check_full() finds, looking only
 * at the pfns the input touched, plus I_UNTOUCHED for a pfn written but
 * never touched.  True when every untouched pfn was as built. */
bool ff_check_sweep(struct ff_world *w);

/* report.c */
void ff_report(FILE *f, struct ff_world *after, struct ff_world *before,
	       const struct ff_prog *prog, size_t step);
void ff_dump_page(FILE *f, unsigned long pfn);
/* blame.c: replays prog up to step (prog->nr: and the teardown) in a fresh
 * world with the FF_FUNC() checkpoints on and prints which model function
 * last wrote the failed world's fail.pfn, and the words it changed. */
bool ff_blame(FILE *f, const struct ff_world *failed,
	      const struct ff_prog *prog, size_t step);
/* What the teardown is releasing, for blame (a constant or static text). */
void ff_blame_context(const char *what);
/* The 8 words of a struct page, by field: "flags", "mapping", ... */
const char *ff_page_word_name(int word);
void ff_dump_row(FILE *f, const struct ff_world *w, unsigned long base,
		 unsigned long nr, long mark);

/* ops.c: releases an object through the kernel paths (free op, teardown). */
void ff_obj_free(struct ff_world *w, struct ff_obj *o);
int ff_pick_vma(struct ff_world *w, const struct ff_obj *o, uint8_t sel);
uint32_t ff_map_slots(const struct ff_world *w);
/* The live file object whose page-cache range overlaps [index, +nr). */
struct ff_obj *ff_file_overlap(struct ff_world *w, uint32_t file,
			       unsigned long index, unsigned long nr);

/* ops_device.c: device-private and FS-DAX ops. */
extern const char *const ff_dax_file_names[FF_NR_DAX_FILES];
int ff_op_dev_alloc(struct ff_world *w, const struct ff_op *op);
int ff_op_dev_migrate(struct ff_world *w, const struct ff_op *op);
int ff_op_dev_fault(struct ff_world *w, const struct ff_op *op);
int ff_op_dev_insert(struct ff_world *w, const struct ff_op *op);
int ff_op_dev_unmap(struct ff_world *w, const struct ff_op *op);
int ff_op_dax_fault(struct ff_world *w, const struct ff_op *op);
int ff_op_dax_unmap(struct ff_world *w, const struct ff_op *op);
int ff_op_dax_truncate(struct ff_world *w, const struct ff_op *op);
int ff_op_dax_busy(struct ff_world *w, const struct ff_op *op);
int ff_op_dax_pmd_fault(struct ff_world *w, const struct ff_op *op);
/* race.c: race ops (docs/design.md §11).  race / race_rep / race_pfn run a
 * lockless reader and take the op(s) after them as writers run at a
 * reader point; race_in runs the op after it as the writer and a reader at
 * a writer point.  The first four readers are the lockless ones (their
 * numbers are part of the race op's encoding); race_in has them all. */
enum ff_reader {
	FF_READER_SNAPSHOT,
	FF_READER_KPAGEFLAGS,
	FF_READER_KPAGECOUNT,
	FF_READER_GUP_FAST,
	FF_NR_LOCKLESS_READERS,
	FF_READER_SPEC_GET = FF_NR_LOCKLESS_READERS, /* filemap_get_entry */
	FF_READER_MF_GET,    /* memory_failure: get_hwpoison_page */
	FF_READER_PUT_OTHER, /* folio_put of a reference taken before */
	FF_NR_READERS,
};
/* Reader outcomes seen during a race (w->race.outcome, state feedback). */
enum {
	FF_RO_GOT = 1,	    /* a reference taken */
	FF_RO_MISSED = 2,   /* a try-get failed or a recheck backed out */
	FF_RO_FAITHFUL = 4, /* a FAITHFUL snapshot */
	FF_RO_TORN = 8,	    /* a snapshot gave up */
};
extern const char *const ff_reader_names[FF_NR_READERS];
extern const char *const ff_race_point_names[];
int ff_op_race_in(struct ff_world *w, const struct ff_op *op);
int ff_op_race_rep(struct ff_world *w, const struct ff_op *op);
int ff_op_race(struct ff_world *w, const struct ff_op *op);
int ff_op_race_pfn(struct ff_world *w, const struct ff_op *op);
int ff_op_pfn_walk(struct ff_world *w, const struct ff_op *op);

/* Teardown of the DAX region: truncate every entry. */
void ff_dax_teardown(struct ff_world *w);

/*
 * minimize.c: op-level delta debugging (docs/design.md §19).  A predicate returns
 * nonzero when prog still fails the way being minimized, and sets *step to
 * the failing op's index (prog->nr when it failed after the last op).
 * ff_minimize() shrinks prog in place keeping the predicate true: drops
 * ops after the failing step, ddmin chunks, single ops, then shrinks each
 * argument toward 0.  Returns 0, 1 when prog does not fail to begin with
 * (unchanged), -1 when out of memory.
 */
typedef int (*ff_min_pred)(const struct ff_prog *prog, void *ctx, size_t *step);

struct ff_min_stats {
	size_t tries; /* predicate calls */
	size_t ops_before, ops_after;
};

int ff_minimize(struct ff_prog *prog, ff_min_pred fails, void *ctx,
		struct ff_min_stats *st);

/* The predicate "ff_run() fails with invariant inv"; ctx is this. */
struct ff_min_inv {
	const struct ff_run_opts *opts; /* opts->report: /dev/null to silence */
	int inv;
	unsigned long runs;
};
int ff_min_fails_inv(const struct ff_prog *prog, void *ctx, size_t *step);

#endif
