/*
 * race.h - deterministic races (DESIGN §5).
 *
 * Lockless readers (snapshot_page, GUP-fast, the /proc/kpage* readers)
 * call ff_race_point() between their reads.  A `race` op arms one named
 * point and a writer op; when the reader passes that point, the writer
 * runs there, to completion, and the reader carries on.  The same bytes
 * give the same interleaving.
 */
#ifndef FOLIOFUZZ_RACE_H
#define FOLIOFUZZ_RACE_H

#include "foliofuzz/world.h"

enum ff_race_point {
	RP_SNAP_AFTER_PAGE,  /* snapshot_page: page copied, head not read */
	RP_SNAP_AFTER_FOLIO, /* snapshot_page: page[0..1] copied */
	RP_SNAP_AFTER_PAGE2, /* snapshot_page: page[2] copied, flags not set */
	RP_GUP_AFTER_READ,   /* GUP-fast: folio (or memdesc) read */
	RP_GUP_AFTER_TYPE,   /* GUP-fast (memdesc): type checked */
	RP_GUP_AFTER_TRYGET, /* GUP-fast: reference taken, not rechecked */
	FF_NR_RACE_POINTS,
};

/* Runs the armed writer if this is the armed point (first pass only). */
void ff_race_point(enum ff_race_point rp);
/* Arms the op after the running one as the writer at point, marking it
 * consumed; ff_race_finish() runs it if the reader never reached point. */
void ff_race_arm(struct ff_world *w, uint8_t point);
void ff_race_finish(struct ff_world *w);

#endif
