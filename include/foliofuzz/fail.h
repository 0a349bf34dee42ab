/*
 * fail.h - the two ways the model reports a broken state (STYLE "two
 * failure paths": bad input is an error return elsewhere, never this).
 *
 *  - ff_vm_bug(): a kernel VM_BUG_ON / BUG_ON.  Records the failure and
 *    leaves the running op at once (longjmp), as the kernel's BUG would.
 *  - ff_fail(): a kernel WARN / bad_page(), or a checker finding.  Records
 *    the failure and returns; the step ends with the report.
 *
 * Only the first failure of an input is kept: it is what the report shows.
 */
#ifndef FOLIOFUZZ_FAIL_H
#define FOLIOFUZZ_FAIL_H

#include <stdbool.h>

enum ff_inv {
#define X(id, stmt, kernel) id,
#include "foliofuzz/invariants.def"
#undef X
	FF_NR_INVS,
	FF_INV_NONE = -1,
};

struct ff_inv_info {
	const char *id;
	const char *statement;
	const char *kernel;
};
extern const struct ff_inv_info ff_invs[FF_NR_INVS];
/* Id by name, or FF_INV_NONE. */
int ff_inv_lookup(const char *name);

#define FF_FAIL_MSG 256

enum ff_finding {
#define X(id, inv, fix, what) id,
#include "foliofuzz/findings.def"
#undef X
	FF_NR_FINDINGS,
	FF_FINDING_NONE = -1,
};

struct ff_finding_info {
	const char *id;
	int inv;
	const char *fix;
	const char *what;
};
extern const struct ff_finding_info ff_findings[FF_NR_FINDINGS];

struct ff_failure {
	int inv;     /* enum ff_inv, FF_INV_NONE when none */
	int finding; /* enum ff_finding, FF_FINDING_NONE if new */
	long pfn;    /* affected pfn, -1 if none */
	char msg[FF_FAIL_MSG];
};

struct page;
void ff_fail(int inv, const struct page *page, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A failure that is a known finding (findings.def). */
void ff_fail_finding(int inv, int finding, const struct page *page,
		     const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void ff_vm_bug(int inv, const struct page *page, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));
bool ff_failed(void);

/*
 * A word as it should appear in a report: pointers into the world are
 * printed symbolically (pfn, file, anon_vma, memcg, TAIL_MAPPING) so the
 * same input gives the same report byte for byte under ASLR.
 */
#define FF_SYM_LEN 40
const char *ff_sym(unsigned long val, char buf[FF_SYM_LEN]);

#define VM_BUG_ON_PAGE(cond, page, inv, ...)                                   \
	do {                                                                   \
		if (cond)                                                      \
			ff_vm_bug(inv, page, __VA_ARGS__);                     \
	} while (0)
#define VM_BUG_ON_FOLIO(cond, folio, inv, ...)                                 \
	VM_BUG_ON_PAGE(cond, &(folio)->page, inv, __VA_ARGS__)

#endif
