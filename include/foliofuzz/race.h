/*
 * race.h - deterministic races, the harness side.
 *
 * Model code calls ff_race_point() (glue.h) at the moments another CPU
 * may act.  The race ops (race.c, docs/design.md §11) arm one point: race
 * and race_rep run a lockless reader with the op(s) after them as writers
 * run at the reader's point; race_in runs the op after it as the writer
 * with a reader at the writer's point.  The same bytes give the same
 * interleaving.
 */
#ifndef FOLIOFUZZ_RACE_H
#define FOLIOFUZZ_RACE_H

#include "foliofuzz/world.h"

/* Does a race_in reader hold a reference on folio (another CPU's)? */
bool ff_race_holds(const struct ff_world *w, const struct folio *folio);

#endif
