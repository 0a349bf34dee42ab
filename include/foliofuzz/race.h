/*
 * race.h - deterministic races, the harness side.
 *
 * Lockless readers call ff_race_point() (glue.h) between their reads.  A
 * `race` op arms one named point with a writer, the op after it in the
 * program; when the reader passes that point, the writer runs there, to
 * completion, and the reader carries on.  The same bytes give the same
 * interleaving.
 */
#ifndef FOLIOFUZZ_RACE_H
#define FOLIOFUZZ_RACE_H

#include "foliofuzz/world.h"

/* Arms the op after the running one as the writer at point, marking it
 * consumed; ff_race_finish() runs it if the reader never reached point. */
void ff_race_arm(struct ff_world *w, uint8_t point);
void ff_race_finish(struct ff_world *w);

/* Does a race_in reader hold a reference on folio (another CPU's)? */
bool ff_race_holds(const struct ff_world *w, const struct folio *folio);

#endif
