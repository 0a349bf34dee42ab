/*
 * swap.c - reference drops and the last put: folio_put_testzero(),
 * folio_put(), __folio_put(), and folio_ref_unfreeze() from page_ref.h.
 *
 * Follows mm/swap.c and include/linux/page_ref.h of Linux v6.17: the last
 * put uncharges the memcg and hands the frozen folio to the allocator;
 * a ZONE_DEVICE folio goes to free_zone_device_folio() instead.  The
 * model has no LRU and no deferred split queue, so page_cache_release() and
 * folio_unqueue_deferred_split() have nothing to do.
 */
#include "foliofuzz/glue.h"
#include "foliofuzz/mm.h"

bool folio_put_testzero(struct folio *folio)
{
	VM_BUG_ON_FOLIO(folio->_refcount <= 0, folio, I_REF_UNDERFLOW,
			"folio_put on refcount %d", folio->_refcount);
	return --folio->_refcount == 0;
}

void __folio_put(struct folio *folio)
{
	FF_FUNC();
	if (folio_is_zone_device(folio)) {
		free_zone_device_folio(folio);
		return;
	}
	mem_cgroup_uncharge(folio);
	free_frozen_pages(&folio->page, folio_order(folio));
}

void folio_put(struct folio *folio)
{
	if (folio_put_testzero(folio))
		__folio_put(folio);
}

void folio_put_refs(struct folio *folio, int refs)
{
	FF_FUNC();
	VM_BUG_ON_FOLIO(folio->_refcount < refs, folio, I_REF_UNDERFLOW,
			"folio_put_refs(%d) on refcount %d", refs,
			folio->_refcount);
	folio->_refcount -= refs;
	if (folio->_refcount == 0)
		__folio_put(folio);
}

void folio_ref_unfreeze(struct folio *folio, int count)
{
	FF_FUNC();
	VM_BUG_ON_FOLIO(folio->_refcount != 0, folio, I_REF_FREEZE,
			"folio_ref_unfreeze on refcount %d", folio->_refcount);
	VM_BUG_ON_FOLIO(count == 0, folio, I_REF_FREEZE,
			"folio_ref_unfreeze to 0");
	folio->_refcount = count;
}

/* mm/memcontrol.c: the charge is the memcg pointer in memcg_data. */
void mem_cgroup_charge(struct folio *folio, struct mem_cgroup *memcg)
{
	folio->memcg_data = (unsigned long)memcg;
}

void mem_cgroup_uncharge(struct folio *folio)
{
	folio->memcg_data = 0;
}
