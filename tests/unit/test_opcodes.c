/*
 * test_opcodes.c - the opcode space of every fuzz target stays fixed
 * (src/harness/targets.c), so campaign corpora keep their meaning.
 *
 *   (a) pinned decoding: every assigned slot of every target decodes to
 *       the op it has always named (the table below), and so does every
 *       byte that aliases it (byte % nr_slots); the table lists exactly
 *       the target's assigned slots, so an op added without a new row
 *       fails here;
 *   (b) the slot counts are pinned powers of two with a reserved slot
 *       left; every other byte decodes to the reserved op, which takes no
 *       argument bytes and is encoded as the first reserved slot;
 *   (c) appending an op to a copy of each target changes the decoding of
 *       exactly the bytes of the slot it takes, which decoded to the
 *       reserved op before: inputs without that byte decode the same;
 *   (d) the reserved op is refused (-EOPNOTSUPP), leaves the world as it
 *       was (the verbose state after it is the state before it), keeps
 *       the memdesc differential going (a memdesc-only bug after it is
 *       still found), and prints as the text "reserved", which parses
 *       back to it.
 *
 * usage: test_opcodes          (prints "N passed, N failed"; exit 1 on any)
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "foliofuzz/bugs.h"
#include "foliofuzz/harness.h"

#include "check.h"

struct pin {
	const char *target;
	uint8_t byte;
	const char *op;
};

/* Every assigned slot: (target, byte) -> op.  Append, never edit. */
static const struct pin pins[] = {
	{ "ops", 0, "alloc" },
	{ "ops", 1, "get" },
	{ "ops", 2, "put" },
	{ "ops", 3, "free" },
	{ "ops", 4, "set_type" },
	{ "ops", 5, "clear_type" },
	{ "ops", 6, "map" },
	{ "ops", 7, "unmap" },
	{ "ops", 8, "split" },
	{ "ops", 9, "migrate" },
	{ "ops", 10, "dev_alloc" },
	{ "ops", 11, "dev_migrate" },
	{ "ops", 12, "dev_fault" },
	{ "ops", 13, "dev_insert" },
	{ "ops", 14, "dev_unmap" },
	{ "ops", 15, "dax_fault" },
	{ "ops", 16, "dax_unmap" },
	{ "ops", 17, "dax_truncate" },
	{ "ops", 18, "dax_busy" },
	{ "ops", 19, "race" },
	{ "ops", 20, "race_pfn" },
	{ "ops", 21, "pfn_walk" },
	{ "ops", 22, "race_in" },
	{ "ops", 23, "race_rep" },
	{ "ops", 24, "dax_pmd_fault" },
	{ "dax", 0, "dax_fault" },
	{ "dax", 1, "dax_unmap" },
	{ "dax", 2, "dax_truncate" },
	{ "dax", 3, "dax_busy" },
	{ "dax", 4, "race_in" },
	{ "dax", 5, "dax_pmd_fault" },
	{ "devmem", 0, "alloc" },
	{ "devmem", 1, "get" },
	{ "devmem", 2, "put" },
	{ "devmem", 3, "free" },
	{ "devmem", 4, "map" },
	{ "devmem", 5, "unmap" },
	{ "devmem", 6, "migrate" },
	{ "devmem", 7, "dev_alloc" },
	{ "devmem", 8, "dev_migrate" },
	{ "devmem", 9, "dev_fault" },
	{ "devmem", 10, "dev_insert" },
	{ "devmem", 11, "dev_unmap" },
	{ "devmem", 12, "race_in" },
	{ "snapshot", 0, "alloc" },
	{ "snapshot", 1, "get" },
	{ "snapshot", 2, "put" },
	{ "snapshot", 3, "free" },
	{ "snapshot", 4, "map" },
	{ "snapshot", 5, "unmap" },
	{ "snapshot", 6, "split" },
	{ "snapshot", 7, "migrate" },
	{ "snapshot", 8, "race" },
	{ "snapshot", 9, "race" }, /* the weight: race fills two slots */
	{ "snapshot", 10, "race_pfn" },
	{ "snapshot", 11, "pfn_walk" },
	{ "snapshot", 12, "race_in" },
	{ "snapshot", 13, "race_rep" },
	{ "memdesc", 0, "alloc" },
	{ "memdesc", 1, "get" },
	{ "memdesc", 2, "put" },
	{ "memdesc", 3, "free" },
	{ "memdesc", 4, "map" },
	{ "memdesc", 5, "unmap" },
	{ "memdesc", 6, "set_type" },
	{ "memdesc", 7, "clear_type" },
	{ "memdesc", 8, "race" },
	{ "memdesc", 9, "race_pfn" },
	{ "memdesc", 10, "pfn_walk" },
	{ "memdesc", 11, "race_in" },
};
#define NR_PINS (sizeof(pins) / sizeof(pins[0]))

/* The slot count of every target: fixed once its corpora exist. */
static const struct {
	const char *target;
	size_t slots;
} slot_pins[] = {
	{ "ops", 32 },	    { "dax", 8 },      { "devmem", 16 },
	{ "snapshot", 16 }, { "memdesc", 16 },
};

static const char *op_name(uint8_t code)
{
	return code < FF_NR_OPS ? ff_op_table[code].name : "(out of range)";
}

/* The op pinned at (target, slot), or NULL. */
static const char *pinned(const char *target, size_t slot)
{
	for (size_t i = 0; i < NR_PINS; i++)
		if (strcmp(pins[i].target, target) == 0 && pins[i].byte == slot)
			return pins[i].op;
	return NULL;
}

/* ---- (a) and (b) */

static void test_pinned(void)
{
	CHECK(strcmp(ff_op_table[FF_OP_RESERVED].name, "reserved") == 0 &&
		      ff_op_table[FF_OP_RESERVED].nargs == 0,
	      "the reserved op is \"%s\" with %d arguments, want \"reserved\" "
	      "with none",
	      ff_op_table[FF_OP_RESERVED].name,
	      ff_op_table[FF_OP_RESERVED].nargs);
	CHECK(FF_OP_RESERVED == FF_NR_OPS - 1,
	      "FF_OP_RESERVED is not the last op: new ops go before it");
	CHECK(ff_nr_targets == sizeof(slot_pins) / sizeof(slot_pins[0]),
	      "%zu targets, %zu with a pinned slot count", ff_nr_targets,
	      sizeof(slot_pins) / sizeof(slot_pins[0]));

	for (size_t i = 0; i < sizeof(slot_pins) / sizeof(slot_pins[0]); i++) {
		const struct ff_target *t =
			ff_target_by_name(slot_pins[i].target);
		size_t npins = 0;

		if (!CHECK(t, "no target %s", slot_pins[i].target))
			continue;
		CHECK(t->nr_slots == slot_pins[i].slots,
		      "target %s has %zu opcode slots, pinned at %zu: changing "
		      "it re-maps every raw input",
		      t->name, t->nr_slots, slot_pins[i].slots);
		CHECK(t->nr_slots && (t->nr_slots & (t->nr_slots - 1)) == 0 &&
			      t->nr_slots <= 256,
		      "target %s: %zu slots is not a power of two <= 256",
		      t->name, t->nr_slots);
		CHECK(t->nr_ops < t->nr_slots,
		      "target %s: %zu ops fill all %zu slots", t->name,
		      t->nr_ops, t->nr_slots);
		for (size_t k = 0; k < NR_PINS; k++)
			npins += strcmp(pins[k].target, t->name) == 0;
		CHECK(npins == t->nr_ops,
		      "target %s: %zu assigned slots, %zu pinned: pin the new "
		      "op's slot in this table",
		      t->name, t->nr_ops, npins);

		for (unsigned b = 0; b < 256; b++) {
			size_t slot = b % t->nr_slots;
			const char *want = pinned(t->name, slot);
			uint8_t code = ff_target_code(t, (uint8_t)b);

			if (slot < t->nr_ops) {
				CHECK(want && strcmp(op_name(code), want) == 0,
				      "target %s byte %u (slot %zu) decodes to "
				      "%s, pinned %s",
				      t->name, b, slot, op_name(code),
				      want ? want : "(no pin)");
			} else {
				CHECK(code == FF_OP_RESERVED && !want,
				      "target %s byte %u (slot %zu of %zu "
				      "assigned) decodes to %s, want reserved",
				      t->name, b, slot, t->nr_ops,
				      op_name(code));
			}
		}
		/* Canonical bytes: the first slot of each op, and the first
		 * reserved slot for the reserved op. */
		for (size_t s = 0; s < t->nr_ops; s++) {
			uint8_t code = ff_target_code(t, (uint8_t)s);
			int byte = ff_target_byte(t, code);

			CHECK(byte >= 0 && (size_t)byte <= s &&
				      ff_target_code(t, (uint8_t)byte) == code,
			      "target %s: op %s encodes as %d", t->name,
			      op_name(code), byte);
		}
		CHECK(ff_target_byte(t, FF_OP_RESERVED) == (int)t->nr_ops,
		      "target %s: the reserved op encodes as %d, want %zu",
		      t->name, ff_target_byte(t, FF_OP_RESERVED), t->nr_ops);
	}

	/* The reserved op takes no argument bytes: the next byte is an op. */
	{
		const uint8_t in[] = { FF_OP_RESERVED, FF_OP_GET, 7,
				       FF_OPS_SLOTS - 1 };
		struct ff_prog p;

		ff_prog_init(&p);
		ff_decode(in, sizeof(in), &p);
		CHECK(p.nr == 3 && p.ops[0].code == FF_OP_RESERVED &&
			      p.ops[1].code == FF_OP_GET &&
			      p.ops[1].arg[0] == 7 &&
			      p.ops[2].code == FF_OP_RESERVED,
		      "reserved, get 7, reserved decoded to %zu ops", p.nr);
		ff_prog_free(&p);
	}
}

/* ---- (c) appending an op */

static void test_append(void)
{
	static const uint8_t new_ops[] = { FF_OP_GET, FF_OP_RACE };
	uint8_t ops[256], in[300];
	struct ff_prog a, b;

	ff_prog_init(&a);
	ff_prog_init(&b);
	rng_state = 0x6f70636f646573ULL;
	for (size_t i = 0; i < ff_nr_targets; i++) {
		const struct ff_target *t = &ff_targets[i];
		struct ff_target grown = *t;
		size_t slot = t->nr_ops;
		unsigned changed = 0, bad = 0, same_bad = 0;

		/* the target with one more op, in its next reserved slot */
		for (size_t k = 0; k < t->nr_ops; k++)
			ops[k] = t->ops ? t->ops[k] : (uint8_t)k;
		ops[slot] = new_ops[i % 2];
		grown.ops = ops;
		grown.nr_ops = t->nr_ops + 1;

		for (unsigned byte = 0; byte < 256; byte++) {
			uint8_t before = ff_target_code(t, (uint8_t)byte);
			uint8_t after = ff_target_code(&grown, (uint8_t)byte);

			if (before == after)
				continue;
			changed++;
			if (byte % t->nr_slots != slot ||
			    before != FF_OP_RESERVED || after != ops[slot])
				bad++;
		}
		CHECK(changed == 256 / t->nr_slots && bad == 0,
		      "target %s: appending %s changed %u bytes (%u not of its "
		      "slot %zu, or not reserved before); want %zu",
		      t->name, op_name(ops[slot]), changed, bad, slot,
		      256 / t->nr_slots);

		/* Whole inputs: without that slot's byte, the same program. */
		for (unsigned n = 0; n < 300; n++) {
			size_t len = (size_t)(rng() % sizeof(in));

			for (size_t k = 0; k < len; k++) {
				in[k] = (uint8_t)rng();
				if (in[k] % t->nr_slots == slot)
					in[k]++; /* never the new op's slot */
			}
			ff_decode_target(t, in, len, &a);
			ff_decode_target(&grown, in, len, &b);
			if (a.nr != b.nr ||
			    (a.nr &&
			     memcmp(a.ops, b.ops, a.nr * sizeof(*a.ops))))
				same_bad++;
		}
		CHECK(same_bad == 0,
		      "target %s: %u inputs without slot %zu decode differently "
		      "once an op is appended",
		      t->name, same_bad, slot);
	}
	ff_prog_free(&a);
	ff_prog_free(&b);
}

/* ---- (d) the reserved op in the executor and in text */

/* Parses text into p (which must parse). */
static bool parse(const char *text, struct ff_prog *p)
{
	char err[200];
	int rc = ff_trace_parse(text, strlen(text), "d.trace", p, err,
				sizeof(err));

	return CHECK(rc == 0, "does not parse: %s\n%s", err, text);
}

/* Runs p; the verbose per-step output goes to *verbose (malloc'd). */
static void run_verbose(const struct ff_prog *p, int differential,
			uint64_t bugs, struct ff_result *res, char **verbose)
{
	struct ff_run_opts o;
	size_t size = 0;
	FILE *null = fopen("/dev/null", "w");

	*verbose = NULL;
	ff_run_opts_default(&o);
	o.differential = differential;
	o.cfg.bugs = bugs;
	o.report = null;
	o.verbose = open_memstream(verbose, &size);
	if (!null || !o.verbose)
		exit(2);
	ff_run(&o, p, res);
	fclose(o.verbose);
	fclose(null);
}

/* The state a verbose step line and the rows after it show: from its
 * "  [live" to the next "step " line.  NULL when there is no step k. */
static char *step_state(const char *verbose, unsigned k)
{
	char head[32];
	const char *at, *end;
	char *out;

	snprintf(head, sizeof(head), "step %u: ", k);
	at = strstr(verbose, head);
	if (!at || !(at = strstr(at, "  [live")))
		return NULL;
	end = strstr(at, "\nstep ");
	end = end ? end : at + strlen(at);
	out = malloc((size_t)(end - at) + 1);
	if (!out)
		exit(2);
	memcpy(out, at, (size_t)(end - at));
	out[end - at] = 0;
	return out;
}

static void test_reserved_op(void)
{
	static const char prog[] = "alloc order=2 kind=anon obj=0 index=0\n"
				   "reserved\n"
				   "get h=0\n"
				   "reserved\n"
				   "map h=0 vma=0 first=1 nr=2\n"
				   "reserved\n"
				   "unmap h=0 vma=0 first=1 nr=2\n"
				   "put h=0\n";
	struct ff_result res;
	struct ff_prog p;
	char *verbose;

	/* Refused, counted as refused, and invisible in the state: after
	 * each reserved step (2, 4, 6) the world is as after the step
	 * before it, in both representations. */
	ff_prog_init(&p);
	if (parse(prog, &p)) {
		for (int diff = 0; diff <= 1; diff++) {
			run_verbose(&p, diff, 0, &res, &verbose);
			CHECK(res.inv == FF_INV_NONE && res.refused == 3 &&
				      res.ok == 5,
			      "differential %d: inv %d, %zu refused, %zu ok; "
			      "want none, 3, 5",
			      diff, res.inv, res.refused, res.ok);
			CHECK(strstr(verbose,
				     "step 2: reserved -> -EOPNOTSUPP") != NULL,
			      "differential %d: the reserved op is not refused "
			      "as -EOPNOTSUPP:\n%s",
			      diff, verbose);
			for (unsigned k = 2; k <= 6; k += 2) {
				char *before = step_state(verbose, k - 1);
				char *after = step_state(verbose, k);

				CHECK(before && after &&
					      strstr(before, "[live 1") &&
					      strcmp(before, after) == 0,
				      "differential %d: step %u (reserved) "
				      "changed the state:\n%s\n---\n%s",
				      diff, k, before ? before : "(none)",
				      after ? after : "(none)");
				free(before);
				free(after);
			}
			free(verbose);
		}
	}

	/* The memdesc differential goes on past a reserved op: a bug only
	 * the memdesc world shows, after it, is still found (were the op
	 * unsupported there, that world would stop at it). */
	{
		uint64_t bugs = 0;
		char err[200];
		int want = ff_inv_lookup("I_MEMDESC");

		CHECK(ff_bugs_parse("md_list_poison", &bugs, err,
				    sizeof(err)) == 0,
		      "md_list_poison: %s", err);
		CHECK(want != FF_INV_NONE, "no invariant I_MEMDESC");
		for (int reserved = 0; reserved <= 1; reserved++) {
			const char *text =
				reserved ?
					"alloc order=0 kind=plain\n"
					"reserved\nreserved\nput h=0\n" :
					"alloc order=0 kind=plain\nput h=0\n";

			if (!parse(text, &p))
				continue;
			run_verbose(&p, 1, bugs, &res, &verbose);
			CHECK(res.inv == want,
			      "md_list_poison %s reserved ops: inv %d, want "
			      "I_MEMDESC (%d)",
			      reserved ? "with" : "without", res.inv, want);
			free(verbose);
		}
	}
	ff_prog_free(&p);

	/* Text: prints as "reserved" and parses back to it; every target
	 * encodes it as its first reserved slot. */
	{
		static const struct ff_op reserved = { FF_OP_RESERVED, { 0 } };
		struct ff_prog q;
		char *buf = NULL, err[200];
		size_t size = 0;
		FILE *f = open_memstream(&buf, &size);
		uint8_t byte;
		int rc;

		ff_prog_init(&p);
		ff_prog_init(&q);
		if (!f || ff_prog_push(&p, &reserved))
			exit(2);
		ff_trace_print(f, &p, SIZE_MAX);
		fclose(f);
		CHECK(strstr(buf, "\nreserved\n") != NULL,
		      "the reserved op printed as: %s", buf);
		rc = ff_trace_parse(buf, size, "p.trace", &q, err, sizeof(err));
		CHECK(rc == 0 && q.nr == 1 && q.ops[0].code == FF_OP_RESERVED,
		      "printed reserved op does not parse back: %s", err);
		for (size_t i = 0; i < ff_nr_targets; i++) {
			size_t n =
				ff_encode_target(&ff_targets[i], &q, &byte, 1);

			CHECK(n == 1 && byte == ff_targets[i].nr_ops,
			      "target %s encodes reserved as %zu bytes, %u",
			      ff_targets[i].name, n, byte);
		}
		free(buf);
		ff_prog_free(&p);
		ff_prog_free(&q);
	}
}

int main(void)
{
	test_pinned();
	test_append();
	test_reserved_op();
	printf("%u passed, %u failed\n", nr_passed, nr_failed);
	return nr_failed ? 1 : 0;
}
