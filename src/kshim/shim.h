/*
 * shim.h - what extracted kernel code sees (docs/kshim.md, "extract").
 *
 * scripts/kshim.sh copies named functions and macros out of a kernel tree
 * into build/kshim-<release>/gen/ (never into this repository) and
 * compiles them inside a pick file (src/kshim/pick_*.c) that includes this
 * header first.  The extracted code then runs on foliofuzz's own struct
 * page and struct folio (include/foliofuzz/mm_types.h): fields are found
 * by name, so a field the tree moved is still the same field here, and
 * its flag names are the model's flag names.
 *
 * Everything below is our own declaration of a kernel interface the
 * extracted code calls: compiler annotations, the config test, WARN and
 * BUG (which become foliofuzz failures naming the tree's file:line, as
 * #line directives keep __FILE__ and __LINE__ pointing there), atomics
 * over the model's plain integers, and the xarray value-entry encoding.
 * A pick adds what only it needs.  The tree's configuration comes from
 * its generated autoconf.h, which kshim.sh force-includes, so #ifdef
 * CONFIG_X inside extracted code follows the user's .config.
 */
#ifndef FOLIOFUZZ_KSHIM_SHIM_H
#define FOLIOFUZZ_KSHIM_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "foliofuzz/glue.h"
#include "foliofuzz/list.h"
#include "foliofuzz/mm.h"
#include "foliofuzz/mm_types.h"
#include "foliofuzz/page-flags.h"

#include "ks_build.h" /* generated: KS_RELEASE, KS_VERSION_CODE, KS_TREE */

#define KS_KERNEL_VERSION(a, b, c) (((a) << 16) + ((b) << 8) + (c))

/* ---- compiler annotations */
#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif
#ifndef __always_inline /* glibc's sys/cdefs.h has one */
#define __always_inline inline __attribute__((always_inline))
#endif
#ifndef noinline
#define noinline __attribute__((noinline))
#endif
#ifndef __maybe_unused
#define __maybe_unused __attribute__((unused))
#endif
#ifndef __must_check
#define __must_check __attribute__((warn_unused_result))
#endif
#define fallthrough __attribute__((fallthrough))
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
/* A run-time check: kernel code asserts on pointer constants too, which
 * are no integer constant expressions for _Static_assert. */
#define BUILD_BUG_ON(cond) BUG_ON(cond)
#define EXPORT_SYMBOL(sym)
#define EXPORT_SYMBOL_GPL(sym)

/* IS_ENABLED(CONFIG_X): 1 when autoconf.h defines CONFIG_X to 1 (y) or
 * CONFIG_X_MODULE (m).  Our own form of the usual placeholder trick. */
#define KS_ARG_PLACEHOLDER_1 0,
#define KS_TAKE_SECOND(ignored, val, ...) val
#define KS_IS_DEFINED3(maybe) KS_TAKE_SECOND(maybe 1, 0, )
#define KS_IS_DEFINED2(val) KS_IS_DEFINED3(KS_ARG_PLACEHOLDER_##val)
#define KS_IS_DEFINED(x) KS_IS_DEFINED2(x)
#define IS_ENABLED(option)                                                     \
	(KS_IS_DEFINED(option) || KS_IS_DEFINED(option##_MODULE))
#define IS_BUILTIN(option) KS_IS_DEFINED(option)

/* ---- WARN and BUG in real code: foliofuzz failures naming file:line */
bool ks_warned(const char *cond, const char *file, int line);
__attribute__((noreturn)) void ks_bugged(const char *cond, const char *file,
					 int line, const struct page *page);
#define WARN_ON_ONCE(cond)                                                     \
	({                                                                     \
		bool ks_c_ = !!(cond);                                         \
		if (unlikely(ks_c_))                                           \
			ks_warned(#cond, __FILE__, __LINE__);                  \
		unlikely(ks_c_);                                               \
	})
#define WARN_ON(cond) WARN_ON_ONCE(cond)
#define BUG_ON(cond)                                                           \
	do {                                                                   \
		if (unlikely(cond))                                            \
			ks_bugged(#cond, __FILE__, __LINE__, NULL);            \
	} while (0)
#define BUG() ks_bugged("BUG()", __FILE__, __LINE__, NULL)
/* The model's VM_BUG_ON_* take an invariant; the kernel's do not. */
#undef VM_BUG_ON_PAGE
#undef VM_BUG_ON_FOLIO
#define VM_BUG_ON(cond) BUG_ON(cond)
#define VM_BUG_ON_PAGE(cond, page)                                             \
	do {                                                                   \
		if (unlikely(cond))                                            \
			ks_bugged(#cond, __FILE__, __LINE__, (page));          \
	} while (0)
#define VM_BUG_ON_FOLIO(cond, folio) VM_BUG_ON_PAGE(cond, &(folio)->page)
#define VM_WARN_ON_ONCE(cond) ((void)WARN_ON_ONCE(cond))
#define VM_WARN_ON_ONCE_FOLIO(cond, folio) ((void)WARN_ON_ONCE(cond))
#define VM_WARN_ON_FOLIO(cond, folio) ((void)WARN_ON_ONCE(cond))

/* "fs/dax.c:356" for a path inside the tree (or the path as it is). */
const char *ks_tree_path(const char *file);

/* ---- atomics: the model keeps counters as plain integers */
#define atomic_read(v) READ_ONCE(*(v))
#define atomic_set(v, i) WRITE_ONCE(*(v), (i))
#define atomic_inc(v) ((void)(++*(v)))
#define atomic_dec(v) ((void)(--*(v)))

/* ---- geometry (x86-64) */
#ifndef PAGE_SHIFT
#define PAGE_SHIFT 12
#endif
#ifndef PAGE_SIZE
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#endif
#ifndef PMD_SHIFT
#define PMD_SHIFT 21
#endif
#ifndef PMD_SIZE
#define PMD_SIZE (1UL << PMD_SHIFT)
#endif

/* ---- xarray value entries (include/linux/xarray.h's encoding) */
static inline void *xa_mk_value(unsigned long v)
{
	return (void *)((v << 1) | 1);
}
static inline unsigned long xa_to_value(const void *entry)
{
	return (unsigned long)entry >> 1;
}
static inline bool xa_is_value(const void *entry)
{
	return (unsigned long)entry & 1;
}

/* ---- VMAs: only what linear_page_index() reads */
struct vm_area_struct {
	unsigned long vm_start;
	unsigned long vm_pgoff;
};
static inline unsigned long linear_page_index(const struct vm_area_struct *vma,
					      unsigned long address)
{
	return ((address - vma->vm_start) >> PAGE_SHIFT) + vma->vm_pgoff;
}

/* The pick glue notes each real function it calls (the report names them). */
#define KS_RAN(fn) ff_kshim_ran(#fn, KS_LOC_##fn)

#endif
