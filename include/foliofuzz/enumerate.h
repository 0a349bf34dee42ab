/*
 * enumerate.h - explicit-state exploration of small worlds
 * (docs/design.md §24): every program up to a depth, breadth first, each
 * distinct world state expanded once, with the full check after every
 * step, so the first violation found is a shortest program that shows it.
 */
#ifndef FOLIOFUZZ_ENUMERATE_H
#define FOLIOFUZZ_ENUMERATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "foliofuzz/harness.h"

/*
 * statehash.c: the canonical hash of a world's state, what determines its
 * future behaviour: the memmap of every region, the kernel's objects
 * (buddy free lists and counts, files, anon_vmas, VMAs, pgmaps, the
 * driver, the DAX files), the mapping table, and the reference model (the
 * live objects in handle order without their ids, per-pfn state with the
 * owner as a handle).  Pointers into the world or its memmap are hashed as
 * offsets, so two worlds at different addresses in the same state hash
 * alike.  Not hashed: statistics, touch marks, the race state of the last
 * step, next_obj_id, the memdesc descriptor pools.
 */
struct ff_state_hash {
	uint64_t lo, hi;
};
struct ff_state_hash ff_state_hash(const struct ff_world *w);

#define FF_ENUM_MAX_JOBS 64

struct ff_enum_opts {
	const struct ff_target *target;
	struct ff_config cfg; /* the small world (nr_pfns, max_order...) */
	unsigned depth;	      /* longest program, in ops */
	uint64_t ops;	      /* ops allowed (bit per opcode); 0: all */
	double seconds;	      /* time limit (0: none) */
	size_t max_states;    /* bound of the visited set */
	int suppress;	      /* known findings end a program as a pass */
	unsigned jobs;	      /* processes per level (0, 1: this one) */
	FILE *progress;	      /* a line per depth, or NULL */
};

struct ff_enum_result {
	bool found;	     /* a violation */
	int inv;	     /* its invariant */
	struct ff_prog prog; /* the shortest failing program (found) */
	bool shortest;	     /* found, and every shorter program ran */
	unsigned depth_done; /* every program up to this depth ran */
	bool cut_states;     /* the visited set filled: states not kept */
	bool cut_time;	     /* the time limit stopped the search */
	size_t states;	     /* distinct states (the empty world included) */
	uint64_t programs;   /* programs run */
	uint64_t deduped;    /* programs whose final state was known */
	uint64_t dead;	     /* programs ended by a suppressed finding */
	uint64_t expanded;   /* nodes whose transitions ran */
	uint64_t frontier;   /* nodes kept, never expanded (depth D) */
	double secs;	     /* wall time */
	size_t mem;	     /* bytes of the visited set and frontier */
};

/* The program ff_enumerate() is running, or NULL: a sanitizer's death
 * callback names it (in BFS order, the first program that dies is a
 * shortest one). */
extern const struct ff_prog *ff_enum_running;

/* The defaults: 16 pfns, max order 2, depth 4, 60 s, 1M states. */
void ff_enum_opts_default(struct ff_enum_opts *o);
/* Runs the search; res->prog must be freed with ff_prog_free. */
void ff_enumerate(const struct ff_enum_opts *o, struct ff_enum_result *res);
/* The transitions from a state with `live` live objects, those with more
 * than one page in `large` (bit h: object h; bit 23: any from 23 on)
 * (a race op and
 * its writers are one transition of two or three ops): the finite
 * argument domains of docs/design.md §24. */
struct ff_enum_trans {
	struct ff_prog ops; /* every transition's ops, one after another */
	uint8_t *lens;	    /* ops of transition i */
	size_t nr, cap;
};
void ff_enum_transitions(const struct ff_enum_opts *o, unsigned live,
			 uint32_t large, struct ff_enum_trans *out);
void ff_enum_trans_free(struct ff_enum_trans *t);

#endif
