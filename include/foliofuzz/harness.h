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
	FF_NR_OPS,
};

#define FF_MAX_ARGS 4
#define FF_MAX_PROG 4096 /* ops per input; the rest of a longer input is ignored */

struct ff_op {
	uint8_t code;
	uint8_t arg[FF_MAX_ARGS];
};

struct ff_arg_desc {
	const char *name;
	uint16_t range;            /* values 0 .. range-1; one byte each */
	const char *const *names;  /* symbolic value names, or NULL */
};

struct ff_op_desc {
	const char *name;
	uint8_t nargs;
	struct ff_arg_desc args[FF_MAX_ARGS];
	/* Returns 0 or the kernel's negative errno for a refused op. */
	int (*exec)(struct ff_world *w, const struct ff_op *op);
	const char *doc;
};

extern const struct ff_op_desc ff_op_table[FF_NR_OPS];
extern const char *const ff_kind_names[FF_NR_KINDS];

struct ff_prog {
	struct ff_op *ops;
	size_t nr, cap;
};

void ff_prog_init(struct ff_prog *p);
void ff_prog_free(struct ff_prog *p);
int ff_prog_push(struct ff_prog *p, const struct ff_op *op);

/* trace.c: the codec. */
void ff_decode(const uint8_t *data, size_t size, struct ff_prog *out);
/* Canonical bytes; returns the length, writing at most cap bytes. */
size_t ff_encode(const struct ff_prog *p, uint8_t *out, size_t cap);
void ff_op_print(FILE *f, const struct ff_op *op);
void ff_trace_print(FILE *f, const struct ff_prog *p, size_t upto);
/* Parses a text trace.  On error returns -1 and writes
 * "file:line:col: message" to err. */
int ff_trace_parse(const char *text, size_t len, const char *fname,
		   struct ff_prog *out, char *err, size_t errlen);
/* True if the buffer is a text trace (starts with "# foliofuzz trace"). */
int ff_is_text_trace(const uint8_t *data, size_t size, const char *fname);

/* exec.c: running a program. */
struct ff_run_opts {
	struct ff_config cfg;
	FILE *report;      /* where the report goes (NULL = stderr) */
	FILE *verbose;     /* per-step state, or NULL */
	int check;         /* 0 = no invariant checks (bench) */
};

struct ff_result {
	int inv;           /* FF_INV_NONE when every invariant held */
	size_t step;       /* failing step (index into prog), or prog->nr */
	size_t ok, refused;
};

void ff_run_opts_default(struct ff_run_opts *o);
/* One step in world w: the op, then (with check) the incremental check.
 * Returns the op's result; a VM_BUG gives -1 with w->fail set. */
int ff_exec_step(struct ff_world *w, const struct ff_op *op, bool check);
/* Runs prog in a fresh world; prints the report on failure. */
void ff_run(const struct ff_run_opts *o, const struct ff_prog *prog,
	    struct ff_result *res);

/* check.c */
void ff_check_step(struct ff_world *w);
void ff_check_full(struct ff_world *w);

/* report.c */
void ff_report(FILE *f, struct ff_world *after, struct ff_world *before,
	       const struct ff_prog *prog, size_t step);
void ff_dump_page(FILE *f, unsigned long pfn);
void ff_dump_row(FILE *f, const struct ff_world *w, unsigned long base,
		 unsigned long nr);

/* ops.c: releases an object through the kernel paths (free op, teardown). */
void ff_obj_free(struct ff_world *w, struct ff_obj *o);

#endif
