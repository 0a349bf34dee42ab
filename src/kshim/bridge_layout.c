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

/* One entry of fields.def (which has no commas). */
#define F(type, logical, member)                                               \
	{ #type "." logical, offsetof(struct type, member),                    \
	  sizeof_field(struct type, member) },

const char ff_ks_release[] = UTS_RELEASE;

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 15, 0)
#define FOLIO_NR_PAGES _nr_pages
#else
#define FOLIO_NR_PAGES _folio_nr_pages
#endif
#ifdef CONFIG_MEMCG
#define FF_KS_HAVE_MEMCG 1
#else
#define FF_KS_HAVE_MEMCG 0
#endif

const struct ff_ks_entry ff_ks_fields[] = {
#include "fields.def"
	{ "struct.page.size", sizeof(struct page), 0 },
	{ "struct.folio.size", sizeof(struct folio), 0 },
	{ 0, 0, 0 },
};

#define E(name) { #name, (unsigned long)(name), 0 },
const struct ff_ks_entry ff_ks_enums[] = {
#include "ks_enums.h"
	{ 0, 0, 0 },
};
