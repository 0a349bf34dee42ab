/*
 * list.h - the kernel's circular doubly linked list, as the buddy free lists
 * and _deferred_list use it.  list_del() leaves the kernel's poison values
 * (LIST_POISON1/2 on x86-64) so a stale link looks like it does there.
 */
#ifndef FOLIOFUZZ_LIST_H
#define FOLIOFUZZ_LIST_H

#include <stdbool.h>

#include "foliofuzz/mm_types.h"

#define LIST_POISON1 ((struct list_head *)0xdead000000000100UL)
#define LIST_POISON2 ((struct list_head *)0xdead000000000122UL)

static inline void INIT_LIST_HEAD(struct list_head *l)
{
	l->next = l;
	l->prev = l;
}
static inline bool list_empty(const struct list_head *l)
{
	return l->next == l;
}
static inline void list_add(struct list_head *n, struct list_head *head)
{
	n->next = head->next;
	n->prev = head;
	head->next->prev = n;
	head->next = n;
}
static inline void list_add_tail(struct list_head *n, struct list_head *head)
{
	n->prev = head->prev;
	n->next = head;
	head->prev->next = n;
	head->prev = n;
}
static inline void list_del(struct list_head *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
	e->next = LIST_POISON1;
	e->prev = LIST_POISON2;
}
#define list_entry(ptr, type, member)                                          \
	((type *)((char *)(ptr)-offsetof(type, member)))

#endif
