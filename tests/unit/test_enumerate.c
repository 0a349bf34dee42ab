/*
 * test_enumerate.c - the canonical state hash (src/harness/statehash.c)
 * and the search of `foliofuzz enumerate` (src/harness/enumerate.c),
 * docs/design.md §24.
 *
 * The hash: two programs that reach the same state (alloc, and alloc; get;
 * put) hash alike, a different state (alloc; get) does not, and the same
 * state in two worlds alive at once (at different addresses) hashes
 * alike.  The search: a state reached by two programs is expanded once
 * (every kept state is expanded or left on the last frontier, and some
 * programs end in a known state), the search is deterministic, and a
 * knob's violation comes out at its shortest length.
 *
 * usage: test_enumerate     (prints "N passed, N failed"; exit 1 on any)
 */
#include <stdio.h>
#include <string.h>

#include "foliofuzz/bugs.h"
#include "foliofuzz/enumerate.h"

#include "check.h"

static void parse(const char *text, struct ff_prog *p)
{
	char err[256];

	ff_prog_init(p);
	if (ff_trace_parse(text, strlen(text), "test", p, err, sizeof(err)))
		fprintf(stderr, "%s\n", err);
}

static void small_cfg(struct ff_config *c)
{
	ff_config_default(c);
	c->nr_pfns = 16;
	c->max_order = 2;
}

/* The state hash after running text in w (a world already created). */
static struct ff_state_hash hash_in(struct ff_world *w, const char *text)
{
	struct ff_prog p;

	parse(text, &p);
	for (size_t i = 0; i < p.nr; i++)
		ff_exec_step(w, &p.ops[i], true);
	CHECK(!ff_world_failed(w), "%s: no failure", text);
	ff_prog_free(&p);
	return ff_state_hash(w);
}

static struct ff_state_hash hash_of(const char *text)
{
	struct ff_config c;
	struct ff_world *w;
	struct ff_state_hash h;

	small_cfg(&c);
	w = ff_world_create(&c);
	h = hash_in(w, text);
	ff_world_teardown(w, false);
	ff_world_destroy(w);
	return h;
}

static bool same(struct ff_state_hash a, struct ff_state_hash b)
{
	return a.lo == b.lo && a.hi == b.hi;
}

static void test_hash(void)
{
	const char *a = "# foliofuzz trace\nalloc order=1 kind=anon\n";
	const char *agp = "# foliofuzz trace\nalloc order=1 kind=anon\n"
			  "get h=0\nput h=0\n";
	const char *ag = "# foliofuzz trace\nalloc order=1 kind=anon\n"
			 "get h=0\n";
	const char *two = "# foliofuzz trace\nalloc order=0 kind=file\n"
			  "alloc order=1 kind=anon\nmap h=1 vma=0 first=0 "
			  "nr=2\n";
	struct ff_config c;
	struct ff_world *w1, *w2;

	CHECK(same(hash_of(a), hash_of(agp)),
	      "alloc and alloc;get;put reach one state");
	CHECK(!same(hash_of(a), hash_of(ag)), "an extra reference differs");
	CHECK(same(hash_of(two), hash_of(two)), "deterministic");

	/* two worlds alive at once live at different addresses */
	small_cfg(&c);
	w1 = ff_world_create(&c);
	w2 = ff_world_create(&c);
	CHECK(w1 != w2 && w1->k.memmap != w2->k.memmap, "two worlds");
	CHECK(same(hash_in(w1, two), hash_in(w2, two)),
	      "the same state at two addresses hashes alike");
	ff_world_teardown(w1, false);
	ff_world_teardown(w2, false);
	ff_world_destroy(w1);
	ff_world_destroy(w2);
}

static void opts(struct ff_enum_opts *o, const char *ops, unsigned depth)
{
	ff_enum_opts_default(o);
	o->depth = depth;
	o->seconds = 0;
	o->ops = 0;
	for (int c = 0; c < FF_OP_RESERVED; c++) {
		const char *n = ff_op_table[c].name;
		const char *at = strstr(ops, n);
		size_t len = strlen(n);

		if (at && (at == ops || at[-1] == ',') &&
		    (at[len] == ',' || !at[len]))
			o->ops |= 1ULL << c;
	}
}

static void test_search(void)
{
	struct ff_enum_opts o;
	struct ff_enum_result r1, r2;
	char err[256];

	/* alloc;get;put reaches alloc's state: expanded once */
	opts(&o, "alloc,get,put", 3);
	ff_enumerate(&o, &r1);
	CHECK(!r1.found, "clean");
	CHECK(r1.depth_done == 3 && !r1.cut_states && !r1.cut_time,
	      "complete to depth 3");
	CHECK(r1.deduped > 0, "some programs end in a known state (%llu)",
	      (unsigned long long)r1.deduped);
	CHECK(r1.expanded + r1.frontier == r1.states,
	      "each state expanded at most once: %llu expanded + %llu left "
	      "== %zu states",
	      (unsigned long long)r1.expanded, (unsigned long long)r1.frontier,
	      r1.states);
	ff_prog_free(&r1.prog);
	ff_enumerate(&o, &r2);
	CHECK(r2.states == r1.states && r2.programs == r1.programs,
	      "deterministic: %zu/%zu states", r1.states, r2.states);
	ff_prog_free(&r2.prog);

	/* --jobs: workers run slices of a level and the parent merges their
	 * states in order, so a complete search is the same search (levels
	 * 2 and 3 have more than JOBS_MIN_WORK transitions: workers run) */
	opts(&o, "alloc,get,put,free,split,map,unmap", 3);
	ff_enumerate(&o, &r1);
	o.jobs = 3;
	ff_enumerate(&o, &r2);
	CHECK(r1.programs > 10000 && !r1.found && !r2.found &&
		      r2.depth_done == 3 && r2.states == r1.states &&
		      r2.programs == r1.programs && r2.deduped == r1.deduped &&
		      r2.dead == r1.dead && r2.expanded == r1.expanded &&
		      r2.frontier == r1.frontier,
	      "--jobs=3 is the same search: %zu/%zu states, %llu/%llu "
	      "programs, %llu/%llu deduplicated, %llu/%llu expanded",
	      r1.states, r2.states, (unsigned long long)r1.programs,
	      (unsigned long long)r2.programs, (unsigned long long)r1.deduped,
	      (unsigned long long)r2.deduped, (unsigned long long)r1.expanded,
	      (unsigned long long)r2.expanded);
	ff_prog_free(&r1.prog);
	ff_prog_free(&r2.prog);
	opts(&o, "alloc,get,put", 3);

	/* a bound on the visited set cuts the search, and says so */
	o.max_states = 5;
	ff_enumerate(&o, &r1);
	CHECK(r1.cut_states && r1.states == 5 && r1.depth_done < 3,
	      "cut by --max-states at %zu states, depth %u", r1.states,
	      r1.depth_done);
	ff_prog_free(&r1.prog);

	/* a knob: the shortest program that shows it */
	opts(&o, "alloc,get,put,free", 3);
	CHECK(ff_bugs_parse("type_not_reset_on_free", &o.cfg.bugs, err,
			    sizeof(err)) == 0,
	      "knob");
	ff_enumerate(&o, &r1);
	CHECK(r1.found && r1.inv == I_FREE_BAD_PAGE && r1.prog.nr == 1 &&
		      r1.shortest && r1.depth_done == 0,
	      "type_not_reset_on_free at depth 1 (%zu ops), shortest",
	      r1.prog.nr);
	ff_prog_free(&r1.prog);

	/* the same program with workers: migrate_enomem_split_fail_putback
	 * is four ops in 8 pfns, found while level 3 runs in workers */
	opts(&o, "alloc,map,get,migrate", 4);
	o.cfg.nr_pfns = 8;
	CHECK(ff_bugs_parse("migrate_enomem_split_fail_putback", &o.cfg.bugs,
			    err, sizeof(err)) == 0,
	      "knob");
	ff_enumerate(&o, &r1);
	o.jobs = 2;
	ff_enumerate(&o, &r2);
	CHECK(r1.found && r2.found && r2.shortest && r1.inv == r2.inv &&
		      r1.prog.nr == 4 && r2.prog.nr == r1.prog.nr &&
		      memcmp(r1.prog.ops, r2.prog.ops,
			     r1.prog.nr * sizeof(*r1.prog.ops)) == 0,
	      "--jobs=2 finds the same program (%zu and %zu ops)", r1.prog.nr,
	      r2.prog.nr);
	ff_prog_free(&r1.prog);
	ff_prog_free(&r2.prog);
}

/* Every transition is a valid text trace: arguments within their ranges
 * (the -o output must parse). */
static void test_domains(void)
{
	static const uint32_t infos[] = { 0, 1, 1 | 1 << 8, 3 | 5 << 8 };
	struct ff_enum_opts o;
	size_t bad = 0, nr = 0;

	ff_enum_opts_default(&o);
	for (size_t t = 0; t < ff_nr_targets; t++) {
		o.target = &ff_targets[t];
		for (size_t i = 0; i < sizeof(infos) / sizeof(infos[0]); i++) {
			struct ff_enum_trans tr = { 0 };

			ff_prog_init(&tr.ops);
			ff_enum_transitions(&o, infos[i] & 0xff, infos[i] >> 8,
					    &tr);
			for (size_t k = 0; k < tr.ops.nr; k++) {
				const struct ff_op *op = &tr.ops.ops[k];
				const struct ff_op_desc *d =
					&ff_op_table[op->code];

				nr++;
				for (unsigned a = 0; a < d->nargs; a++)
					bad += op->arg[a] >= d->args[a].range;
			}
			ff_enum_trans_free(&tr);
		}
	}
	CHECK(nr > 0 && bad == 0,
	      "%zu of %zu ops with an argument out of range", bad, nr);
}

int main(void)
{
	test_domains();
	test_hash();
	test_search();
	printf("%u passed, %u failed\n", nr_passed, nr_failed);
	return nr_failed != 0;
}
