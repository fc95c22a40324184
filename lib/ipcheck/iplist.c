/*
 * iplist - allow and deny lists of client networks; see iplist.h.
 */
#include "config.h"

#include <string.h>

#include "util/mem.h"
#include "util/netlist.h"
#include "ipcheck/iplist.h"

/* iplist_lookup - the most specific entry over all lists */
int
iplist_lookup(const struct iplist_set *set, const ipaddr *ip,
    struct iplist_match *m)
{
	const struct netlist_entry *e;
	size_t i;

	memset(m, 0, sizeof(*m));
	if (set == NULL || ip == NULL)
		return 0;
	for (i = 0; i < set->n; i++) {
		if ((e = netlist_lookup(&set->v[i].nets, ip)) == NULL)
			continue;
		if (m->entry == NULL || e->prefix > m->entry->prefix ||
		    (e->prefix == m->entry->prefix && set->v[i].allow &&
		    !m->list->allow)) {
			m->list = &set->v[i];
			m->entry = e;
		}
	}
	return m->entry != NULL;
}

/* iplist_free - release a list */
void
iplist_free(struct iplist *l)
{
	mem_free(l->name);
	mem_free(l->text);
	netlist_free(&l->nets);
	memset(l, 0, sizeof(*l));
}
