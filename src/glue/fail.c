/*
 * fail.c - the glue's failure recording: the first broken invariant of an
 * input goes into the current world's failure record; a VM_BUG leaves the
 * running op through the jump target the runner set.  The invariant and
 * finding tables are in tables.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "foliofuzz/fail.h"
#include "foliofuzz/glue.h"
#include "foliofuzz/world.h"

static void record(int inv, const struct page *page, const char *fmt,
		   va_list ap)
{
	struct ff_world *w = ff_cur;

	if (!w || w->fail.inv != FF_INV_NONE)
		return;
	w->fail.inv = inv;
	w->fail.finding = FF_FINDING_NONE;
	w->fail.expected = -1;
	w->fail.pfn = -1;
	if (page && page >= w->k.memmap && page < w->k.memmap + w->k.nr_memmap)
		w->fail.pfn = (long)(page - w->k.memmap);
	vsnprintf(w->fail.msg, sizeof(w->fail.msg), fmt, ap);
	if (w->k.impl && w->k.impl->expected)
		w->fail.expected = w->k.impl->expected(inv);
}

void ff_fail(int inv, const struct page *page, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(inv, page, fmt, ap);
	va_end(ap);
}

void ff_fail_finding(int inv, int finding, const struct page *page,
		     const char *fmt, ...)
{
	va_list ap;
	bool first = ff_cur && ff_cur->fail.inv == FF_INV_NONE;

	va_start(ap, fmt);
	record(inv, page, fmt, ap);
	va_end(ap);
	if (first)
		ff_cur->fail.finding = finding;
}

void ff_vm_bug(int inv, const struct page *page, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(inv, page, fmt, ap);
	va_end(ap);
	if (ff_cur && ff_cur->bug_jmp)
		longjmp(*ff_cur->bug_jmp, 1);
	/* A VM_BUG outside any op (teardown, unit tests without a jump
	 * target) has nowhere to unwind to: stop like the kernel does. */
	fprintf(stderr, "foliofuzz: VM_BUG outside an op: %s\n",
		ff_cur ? ff_cur->fail.msg : "(no world)");
	abort();
}

void ff_kshim_ran(const char *fn, const char *loc)
{
	struct ff_world *w = ff_cur;
	size_t len;
	char item[96];

	if (!w)
		return;
	snprintf(item, sizeof(item), "%s (%s)", fn, loc);
	if (strstr(w->kshim_ran, item))
		return;
	len = strlen(w->kshim_ran);
	snprintf(w->kshim_ran + len, sizeof(w->kshim_ran) - len, "%s%s",
		 len ? ", " : "", item);
}

bool ff_failed(void)
{
	return ff_cur && ff_cur->fail.inv != FF_INV_NONE;
}
