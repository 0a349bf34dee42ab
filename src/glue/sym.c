/*
 * sym.c - the glue's symbolic printing: a word as a report shows it.
 * Pointers into the kernel state print as names (pfn:N+off, fileN, dN for
 * the DAX files, anon_vmaN+bits, memcg, devpriv_pgmap / dax_pgmap,
 * dmirror, vmaN, world+offset for other kernel objects), list
 * poison and TAIL_MAPPING by name, other host pointers as "ptr?", so the
 * same input gives the same report byte for byte under ASLR.
 */
#include <stdio.h>

#include "foliofuzz/glue.h"
#include "foliofuzz/list.h"
#include "foliofuzz/page-flags.h"

const char *ff_sym(unsigned long val, char buf[FF_SYM_LEN])
{
	const struct ff_kernel *k = ff_kern;
	unsigned long mm, mm_end;

	if (val == 0) {
		snprintf(buf, FF_SYM_LEN, "0");
		return buf;
	}
	if (val == (unsigned long)TAIL_MAPPING) {
		snprintf(buf, FF_SYM_LEN, "TAIL_MAPPING");
		return buf;
	}
	if (!k) {
		snprintf(buf, FF_SYM_LEN, "0x%lx", val);
		return buf;
	}
	mm = (unsigned long)k->memmap;
	mm_end = mm + k->nr_memmap * sizeof(struct page);
	if (val >= mm && val < mm_end) {
		unsigned long off = val - mm;

		snprintf(buf, FF_SYM_LEN, "pfn:%lu+%lu",
			 off / sizeof(struct page), off % sizeof(struct page));
		return buf;
	}
	for (int i = 0; i < FF_NR_FILES; i++)
		if (val == (unsigned long)&k->files[i]) {
			snprintf(buf, FF_SYM_LEN, "file%d", i);
			return buf;
		}
	for (int i = 0; i < FF_NR_ANON_VMAS; i++)
		for (unsigned long b = 0; b < 4; b++)
			if (val == (unsigned long)&k->anon_vmas[i] + b) {
				snprintf(buf, FF_SYM_LEN, "anon_vma%d+%lu", i,
					 b);
				return buf;
			}
	if (val == (unsigned long)&k->memcg) {
		snprintf(buf, FF_SYM_LEN, "memcg");
		return buf;
	}
	for (int i = 0; i < FF_NR_DAX_FILES; i++) /* the DAX files: d0..d3 */
		if (val == (unsigned long)&k->dax_files[i].as) {
			snprintf(buf, FF_SYM_LEN, "d%d", i);
			return buf;
		}
	if (val == (unsigned long)&k->devpriv_pgmap ||
	    val == (unsigned long)&k->dax_pgmap) {
		snprintf(buf, FF_SYM_LEN, "%s_pgmap",
			 val == (unsigned long)&k->dax_pgmap ? "dax" :
							       "devpriv");
		return buf;
	}
	if (val == (unsigned long)&k->dmirror) {
		snprintf(buf, FF_SYM_LEN, "dmirror");
		return buf;
	}
	for (int i = 0; i < FF_NR_VMAS; i++)
		if (val == (unsigned long)&k->vmas[i]) {
			snprintf(buf, FF_SYM_LEN, "vma%d", i);
			return buf;
		}
	if (val >= (unsigned long)k && val < (unsigned long)(k + 1)) {
		snprintf(buf, FF_SYM_LEN, "world+0x%lx",
			 val - (unsigned long)k);
		return buf;
	}
	if (val == (unsigned long)LIST_POISON1 ||
	    val == (unsigned long)LIST_POISON2) {
		snprintf(buf, FF_SYM_LEN, "LIST_POISON%d",
			 val == (unsigned long)LIST_POISON1 ? 1 : 2);
		return buf;
	}
	/* Any other value above the small-integer range is a host pointer
	 * whose bits vary run to run: hide them. */
	if (val >= (1UL << 40) && val < (0xdead000000000000UL))
		snprintf(buf, FF_SYM_LEN, "ptr?");
	else
		snprintf(buf, FF_SYM_LEN, "0x%lx", val);
	return buf;
}
