/*
 * targets.c - fuzz targets as op subsets, with a fixed opcode space.
 *
 * A focused target fuzzes a subset of the op table: its opcode byte picks
 * a slot, byte % nr_slots, so every byte still decodes and the fuzzer
 * spends no time on ops outside the focus.  nr_slots is fixed per target
 * (a power of two, so every slot is as likely); slot k < nr_ops is the
 * k-th op of the subset (target "ops": op number k), and every other slot
 * is reserved and decodes to FF_OP_RESERVED, which the executor refuses.
 * Adding an op to a target takes its next reserved slot (append to the
 * list; for "ops", add the opcode right before FF_OP_RESERVED): inputs
 * that used an assigned byte decode as before, and only those that used
 * that reserved byte change.  Text traces are the same for every target;
 * only the byte encoding differs.
 */
#include <string.h>

#include "foliofuzz/harness.h"

_Static_assert(FF_OP_RESERVED < FF_OPS_SLOTS, "target ops: no slot left");

static const uint8_t dax_ops[] = {
	FF_OP_DAX_FAULT, FF_OP_DAX_UNMAP, FF_OP_DAX_TRUNCATE,
	FF_OP_DAX_BUSY,	 FF_OP_RACE_IN,	  FF_OP_DAX_PMD_FAULT,
};

static const uint8_t devmem_ops[] = {
	FF_OP_ALLOC,	   FF_OP_GET,	    FF_OP_PUT,	      FF_OP_FREE,
	FF_OP_MAP,	   FF_OP_UNMAP,	    FF_OP_MIGRATE,    FF_OP_DEV_ALLOC,
	FF_OP_DEV_MIGRATE, FF_OP_DEV_FAULT, FF_OP_DEV_INSERT, FF_OP_DEV_UNMAP,
	FF_OP_RACE_IN,
};

#define DAX_SLOTS 8
_Static_assert(sizeof(dax_ops) < DAX_SLOTS, "target dax: no slot left");

#define DEVMEM_SLOTS 16
_Static_assert(sizeof(devmem_ops) < DEVMEM_SLOTS,
	       "target devmem: no slot left");

/* race appears twice: it weights the op this target is about. */
static const uint8_t snapshot_ops[] = {
	FF_OP_ALLOC,   FF_OP_GET,      FF_OP_PUT,      FF_OP_FREE,
	FF_OP_MAP,     FF_OP_UNMAP,    FF_OP_SPLIT,    FF_OP_MIGRATE,
	FF_OP_RACE,    FF_OP_RACE,     FF_OP_RACE_PFN, FF_OP_PFN_WALK,
	FF_OP_RACE_IN, FF_OP_RACE_REP,
};

#define SNAPSHOT_SLOTS 16
_Static_assert(sizeof(snapshot_ops) < SNAPSHOT_SLOTS,
	       "target snapshot: no slot left");

/* What both representations share (repr_memdesc.c): the differential. */
static const uint8_t memdesc_ops[] = {
	FF_OP_ALLOC, FF_OP_GET,	     FF_OP_PUT,	     FF_OP_FREE,
	FF_OP_MAP,   FF_OP_UNMAP,    FF_OP_SET_TYPE, FF_OP_CLEAR_TYPE,
	FF_OP_RACE,  FF_OP_RACE_PFN, FF_OP_PFN_WALK, FF_OP_RACE_IN,
};

#define MEMDESC_SLOTS 16
_Static_assert(sizeof(memdesc_ops) < MEMDESC_SLOTS,
	       "target memdesc: no slot left");

const struct ff_target ff_targets[] = {
	{ .name = "ops",
	  .nr_ops = FF_OP_RESERVED,
	  .doc = "every op: RAM, device-private and FS-DAX together",
	  .nr_slots = FF_OPS_SLOTS },
	{ .name = "dax",
	  .nr_ops = sizeof(dax_ops),
	  .ops = dax_ops,
	  .doc = "FS-DAX faults, unmaps and truncation over reflinked files",
	  .nr_slots = DAX_SLOTS },
	{ .name = "devmem",
	  .nr_ops = sizeof(devmem_ops),
	  .ops = devmem_ops,
	  .doc = "anon RAM pages, device-private pages and the migrate_vma "
		 "pipeline",
	  .nr_slots = DEVMEM_SLOTS },
	{ .name = "snapshot",
	  .nr_ops = sizeof(snapshot_ops),
	  .ops = snapshot_ops,
	  .doc = "lockless readers (snapshot_page, /proc/kpage*, GUP-fast) "
		 "racing split, free, reuse and migration",
	  .nr_slots = SNAPSHOT_SLOTS },
	{ .name = "memdesc",
	  .nr_ops = sizeof(memdesc_ops),
	  .ops = memdesc_ops,
	  .doc = "struct page vs memdesc representations on the same ops, "
		 "GUP-fast on memdescs, put_page dispatch",
	  .differential = 1,
	  .nr_slots = MEMDESC_SLOTS },
};
const size_t ff_nr_targets = sizeof(ff_targets) / sizeof(ff_targets[0]);

const struct ff_target *ff_target_by_name(const char *name)
{
	for (size_t i = 0; i < ff_nr_targets; i++)
		if (strcmp(ff_targets[i].name, name) == 0)
			return &ff_targets[i];
	return NULL;
}

uint8_t ff_target_code(const struct ff_target *t, uint8_t byte)
{
	size_t k = byte % t->nr_slots;

	if (k >= t->nr_ops)
		return FF_OP_RESERVED;
	return t->ops ? t->ops[k] : (uint8_t)k;
}

int ff_target_byte(const struct ff_target *t, uint8_t code)
{
	if (code == FF_OP_RESERVED)
		return (int)t->nr_ops; /* the first reserved slot */
	if (!t->ops)
		return code < t->nr_ops ? code : -1;
	for (size_t k = 0; k < t->nr_ops; k++)
		if (t->ops[k] == code)
			return (int)k;
	return -1;
}
