/*
 * race_point.c - the glue's race points (docs/design.md §11).  Readers and
 * writers in the model call ff_race_point() at the moments another CPU may
 * act; if a race op armed this point (harness/race.c), the callback it set
 * runs now, for as many passes of the point as the op asked.  Nothing
 * fires inside the callback itself (a reader's put that frees a page
 * passes the free path's points).  The glue knows nothing of ops.
 */
#include "foliofuzz/glue.h"
#include "foliofuzz/world.h"

void ff_race_point(enum ff_race_point rp)
{
	struct ff_world *w = ff_cur;

	if (!w->race.run || w->race.busy || w->race.point != (int)rp)
		return;
	w->race.passes++;
	if (w->race.times && w->race.fired >= w->race.times)
		return;
	w->race.fired++;
	w->race.busy = true;
	w->race.run(w);
	w->race.busy = false;
}
