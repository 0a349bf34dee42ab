/*
 * blame.c - which model function broke the page (issue 12: reports that
 * name the cause).
 *
 * When an input breaks an invariant at pfn P, the report replays it in a
 * fresh world with the checkpoints of FF_FUNC() (glue.h) on: at the return
 * of every kernel-named model function, and after every op and every
 * teardown release, P's struct page is compared with what it was at the
 * previous checkpoint.  The last change before the failure is the blame:
 * the function whose return left P as it was found broken, its callers,
 * the step (or the teardown's object) and the words that changed.  The
 * model is deterministic, so the replay is the same run.
 */
#include <stdio.h>
#include <string.h>

#include "foliofuzz/harness.h"
#include "foliofuzz/mm.h"

int ff_blame_on;

#define DEPTH 24
#define EVENTS 12

/* One write to P seen at a checkpoint. */
struct event {
	char where[64];	 /* "step 3", or the teardown's object */
	char chain[160]; /* outermost -> innermost model function */
	char loc[64];	 /* the innermost's file:line */
	struct page before, after;
};

static struct {
	struct ff_world *w;
	long pfn;
	struct page last; /* P at the previous checkpoint */
	struct {
		const char *fn, *file;
		int line;
	} stack[DEPTH];
	int depth;
	const char *where; /* "step N", or the teardown's object */
	/* the writes of the last context that wrote P, in order */
	struct event ev[EVENTS];
	int nr_ev, dropped;
	char ev_where[64];
} B;

/* P changed since the last checkpoint: the change belongs to the function
 * on top of the stack (it ran between the two checkpoints). */
static void note_change(void)
{
	const struct page *now = &B.w->k.memmap[B.pfn];
	struct event *e;
	size_t len = 0;

	if (memcmp(now, &B.last, sizeof(*now)) == 0)
		return;
	if (strcmp(B.ev_where, B.where) != 0) { /* a later step: start over */
		snprintf(B.ev_where, sizeof(B.ev_where), "%s", B.where);
		B.nr_ev = 0;
		B.dropped = 0;
	}
	if (B.nr_ev == EVENTS) { /* keep the first ones and the last */
		B.dropped++;
		B.nr_ev--;
	}
	e = &B.ev[B.nr_ev++];
	snprintf(e->where, sizeof(e->where), "%s", B.where);
	e->chain[0] = e->loc[0] = 0;
	for (int i = 0; i < B.depth && i < DEPTH && len < sizeof(e->chain); i++)
		len += (size_t)snprintf(e->chain + len, sizeof(e->chain) - len,
					"%s%s", i ? " -> " : "", B.stack[i].fn);
	if (B.depth > 0 && B.depth <= DEPTH)
		snprintf(e->loc, sizeof(e->loc), "%s:%d",
			 B.stack[B.depth - 1].file, B.stack[B.depth - 1].line);
	else
		snprintf(e->chain, sizeof(e->chain),
			 "the harness (op executor or checker)");
	e->before = B.last;
	e->after = *now;
	B.last = *now;
}

void ff_blame_enter(const char *fn, const char *file, int line)
{
	note_change(); /* what the caller did before this call */
	if (B.depth < DEPTH) {
		B.stack[B.depth].fn = fn;
		B.stack[B.depth].file = file;
		B.stack[B.depth].line = line;
	}
	B.depth++;
}

void ff_blame_exit(void)
{
	note_change(); /* what this function did since its last call */
	if (B.depth > 0)
		B.depth--;
}

/* The teardown releases objects one by one: name the one in hand. */
void ff_blame_context(const char *what)
{
	if (ff_blame_on)
		B.where = what;
}

static const char *const word_name[8] = {
	"flags",
	"lru.next/compound_head",
	"lru.prev",
	"mapping",
	"index/share",
	"private",
	"_mapcount/page_type,_refcount",
	"memcg_data",
};

const char *ff_page_word_name(int word)
{
	return word >= 0 && word < 8 ? word_name[word] : "?";
}

static void print_event(FILE *f, const struct event *e)
{
	const uint64_t *x = (const uint64_t *)&e->before,
		       *y = (const uint64_t *)&e->after;
	char a[FF_SYM_LEN], b[FF_SYM_LEN];

	fprintf(f, "  %s%s%s%s\n", e->chain, e->loc[0] ? " (" : "", e->loc,
		e->loc[0] ? ")" : "");
	for (int i = 0; i < 8; i++) {
		if (x[i] == y[i])
			continue;
		if (i == 0) { /* flags: bits, never a pointer */
			fprintf(f, "    flags: %#lx -> %#lx\n",
				(unsigned long)x[0], (unsigned long)y[0]);
		} else if (i == 6) { /* two 32-bit counters */
			if ((uint32_t)x[6] != (uint32_t)y[6])
				fprintf(f,
					"    _mapcount/page_type: %#x -> %#x\n",
					(uint32_t)x[6], (uint32_t)y[6]);
			if (x[6] >> 32 != y[6] >> 32)
				fprintf(f, "    _refcount: %d -> %d\n",
					(int32_t)(x[6] >> 32),
					(int32_t)(y[6] >> 32));
		} else {
			fprintf(f, "    %s: %s -> %s\n", word_name[i],
				ff_sym((unsigned long)x[i], a),
				ff_sym((unsigned long)y[i], b));
		}
	}
}

bool ff_blame(FILE *f, const struct ff_world *failed,
	      const struct ff_prog *prog, size_t step)
{
	struct ff_world *w;
	char where[64];
	bool found;

	if (failed->fail.pfn < 0)
		return false;
	memset(&B, 0, sizeof(B));
	w = ff_world_create(&failed->k.cfg);
	B.w = w;
	B.pfn = failed->fail.pfn;
	B.last = w->k.memmap[B.pfn];
	ff_blame_on = 1;
	for (size_t k = 0; k < prog->nr && k <= step && !ff_world_failed(w);
	     k++) {
		snprintf(where, sizeof(where), "step %zu (%s)", k + 1,
			 ff_op_table[prog->ops[k].code].name);
		B.where = where;
		B.depth = 0;
		ff_step(w, prog, k, true);
		B.depth = 0;
		note_change(); /* the op executor's own writes */
		k += w->consumed;
	}
	if (step >= prog->nr && !ff_world_failed(w)) {
		B.where = "the teardown";
		B.depth = 0;
		ff_world_teardown(w, true);
	}
	ff_blame_on = 0;
	ff_world_enter(w);
	found = B.nr_ev > 0;
	if (!found) {
		fprintf(f,
			"blame: pfn %ld is as the world was built: no step "
			"wrote it\n",
			B.pfn);
	} else {
		fprintf(f,
			"blame: pfn %ld was last written in %s, by (in "
			"order%s):\n",
			B.pfn, B.ev_where,
			B.dropped ? ", some middle writes left out" : "");
		for (int i = 0; i < B.nr_ev; i++)
			print_event(f, &B.ev[i]);
	}
	ff_world_destroy(w);
	memset(&B, 0, sizeof(B));
	return found;
}
