/*
 * race_point.c - the glue's race points.  A lockless reader in the model
 * calls ff_race_point() between its reads; if a race op armed this point
 * (harness/race.c), the writer runs now, once, through the callback the
 * race op set.  The glue knows nothing of ops.
 */
#include "foliofuzz/glue.h"
#include "foliofuzz/world.h"

void ff_race_point(enum ff_race_point rp)
{
	struct ff_world *w = ff_cur;

	if (!w->race.run || w->race.fired || w->race.point != (int)rp)
		return;
	w->race.fired = true;
	w->race.run(w);
}
