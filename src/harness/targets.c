/*
 * targets.c - fuzz targets as op subsets.
 *
 * A focused target fuzzes a subset of the op table: its opcode byte picks
 * an op from the subset (modulo its size), so every byte still decodes and
 * the fuzzer spends no time on ops outside the focus.  Text traces are the
 * same for every target; only the byte encoding differs.
 */
#include <string.h>

#include "foliofuzz/harness.h"

static const uint8_t dax_ops[] = {
	FF_OP_DAX_FAULT,
	FF_OP_DAX_UNMAP,
	FF_OP_DAX_TRUNCATE,
	FF_OP_DAX_BUSY,
};

static const uint8_t devmem_ops[] = {
	FF_OP_ALLOC,	   FF_OP_GET,	    FF_OP_PUT,	      FF_OP_FREE,
	FF_OP_MAP,	   FF_OP_UNMAP,	    FF_OP_MIGRATE,    FF_OP_DEV_ALLOC,
	FF_OP_DEV_MIGRATE, FF_OP_DEV_FAULT, FF_OP_DEV_INSERT, FF_OP_DEV_UNMAP,
};

/* race appears twice: it weights the op this target is about. */
static const uint8_t snapshot_ops[] = {
	FF_OP_ALLOC, FF_OP_GET,	  FF_OP_PUT,	  FF_OP_FREE,
	FF_OP_MAP,   FF_OP_UNMAP, FF_OP_SPLIT,	  FF_OP_MIGRATE,
	FF_OP_RACE,  FF_OP_RACE,  FF_OP_RACE_PFN, FF_OP_PFN_WALK,
};

/* What both representations share (ops_memdesc.c): the differential. */
static const uint8_t memdesc_ops[] = {
	FF_OP_ALLOC, FF_OP_GET,	     FF_OP_PUT,	     FF_OP_FREE,
	FF_OP_MAP,   FF_OP_UNMAP,    FF_OP_SET_TYPE, FF_OP_CLEAR_TYPE,
	FF_OP_RACE,  FF_OP_RACE_PFN, FF_OP_PFN_WALK,
};

const struct ff_target ff_targets[] = {
	{ "ops", FF_NR_OPS, NULL,
	  "every op: RAM, device-private and FS-DAX together", 0 },
	{ "dax", sizeof(dax_ops), dax_ops,
	  "FS-DAX faults, unmaps and truncation over reflinked files", 0 },
	{ "devmem", sizeof(devmem_ops), devmem_ops,
	  "anon RAM pages, device-private pages and the migrate_vma pipeline",
	  0 },
	{ "snapshot", sizeof(snapshot_ops), snapshot_ops,
	  "lockless readers (snapshot_page, /proc/kpage*, GUP-fast) racing "
	  "split, free, reuse and migration",
	  0 },
	{ "memdesc", sizeof(memdesc_ops), memdesc_ops,
	  "struct page vs memdesc representations on the same ops, GUP-fast "
	  "on memdescs, put_page dispatch",
	  1 },
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
	uint8_t k = byte % t->nr_ops;

	return t->ops ? t->ops[k] : k;
}

int ff_target_byte(const struct ff_target *t, uint8_t code)
{
	if (!t->ops)
		return code;
	for (size_t k = 0; k < t->nr_ops; k++)
		if (t->ops[k] == code)
			return (int)k;
	return -1;
}
