/*
 * bridge_layout.c - the kshim layout bridge (docs/kshim.md).
 *
 * Not part of the foliofuzz library: scripts/kshim.sh compiles this file
 * with a kernel tree's own headers, .config and compiler flags (minus the
 * kernel-only code generation) and links it into a small dumper.  It
 * exports, as plain data, where that tree puts the struct page / struct
 * folio fields the model relies on and the values of its page flags and
 * page types, so the gate can compare them with the model before any
 * real kernel helper runs on foliofuzz's memmap.
 *
 * Fields have logical names ("folio.nr_pages"); the member behind a name
 * depends on the kernel version (docs/kernel-notes.md §3.3).  The enum
 * names come from ks_enums.h, which kshim.sh writes from the tree's own
 * enum pageflags / enum pagetype, so a renamed or removed flag is seen,
 * not a compile error.
 */
#include <generated/utsrelease.h>
#include <linux/mm_types.h>
#include <linux/page-flags.h>
#include <linux/stddef.h>
#include <linux/version.h>

struct ff_ks_entry {
	const char *name;
	unsigned long value; /* offset, or enum value */
	unsigned long size;  /* field size; 0 for an enum */
};

#define F(type, logical, member)                                               \
	{                                                                      \
#type "." logical, offsetof(struct type, member),              \
			sizeof_field(struct type, member)                      \
	}

const char ff_ks_release[] = UTS_RELEASE;

const struct ff_ks_entry ff_ks_fields[] = {
	F(page, "flags", flags),
	F(page, "lru", lru),
	F(page, "compound_head", compound_head),
	F(page, "mapping", mapping),
	F(page, "index", index),
	F(page, "private", private),
	F(page, "_mapcount", _mapcount),
	F(page, "page_type", page_type),
	F(page, "_refcount", _refcount),
#ifdef CONFIG_MEMCG
	F(page, "memcg_data", memcg_data),
#endif
	F(page, "zone_device_data", zone_device_data),
	F(folio, "flags", flags),
	F(folio, "lru", lru),
	F(folio, "mapping", mapping),
	F(folio, "index", index),
	F(folio, "private", private),
	F(folio, "_mapcount", _mapcount),
	F(folio, "_refcount", _refcount),
	F(folio, "_flags_1", _flags_1),
	F(folio, "_head_1", _head_1),
	F(folio, "large_mapcount", _large_mapcount),
	F(folio, "entire_mapcount", _entire_mapcount),
	F(folio, "nr_pages_mapped", _nr_pages_mapped),
	F(folio, "pincount", _pincount),
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 15, 0)
	F(folio, "nr_pages", _nr_pages),
#else
	F(folio, "nr_pages", _folio_nr_pages),
#endif
	F(folio, "_flags_2", _flags_2),
	F(folio, "_head_2", _head_2),
	{ "struct.page.size", sizeof(struct page), 0 },
	{ "struct.folio.size", sizeof(struct folio), 0 },
	{ 0, 0, 0 },
};

#define E(name) { #name, (unsigned long)(name), 0 },
const struct ff_ks_entry ff_ks_enums[] = {
#include "ks_enums.h"
	{ 0, 0, 0 },
};
