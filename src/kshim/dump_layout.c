/*
 * dump_layout.c - prints what bridge_layout.c exported from a kernel tree,
 * one line each, for `foliofuzz kshim-gate`:
 *
 *   release RELEASE
 *   field   NAME OFFSET SIZE
 *   enum    NAME VALUE
 *
 * Built by scripts/kshim.sh with the host compiler, linked with the
 * bridge object; not part of the foliofuzz library.
 */
#include <stdio.h>

struct ff_ks_entry {
	const char *name;
	unsigned long value;
	unsigned long size;
};

extern const char ff_ks_release[];
extern const struct ff_ks_entry ff_ks_fields[];
extern const struct ff_ks_entry ff_ks_enums[];

int main(void)
{
	printf("release\t%s\n", ff_ks_release);
	for (const struct ff_ks_entry *e = ff_ks_fields; e->name; e++)
		printf("field\t%s\t%lu\t%lu\n", e->name, e->value, e->size);
	for (const struct ff_ks_entry *e = ff_ks_enums; e->name; e++)
		printf("enum\t%s\t%lu\n", e->name, e->value);
	return 0;
}
