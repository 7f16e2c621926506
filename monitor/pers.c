/* SPDX-License-Identifier: MIT */
/* monitor/pers.c: the table of personalities vmi-run --hv accepts. */
#include <string.h>

#include "pers.h"

/* Recognised so that --hv xen|hyperv gets a clear "not implemented" line
 * instead of "unknown personality"; pers_xen.c and pers_hv.c replace
 * these entries. */
static const struct mon_pers pers_xen_todo = { .name = "xen" };
static const struct mon_pers pers_hv_todo = { .name = "hyperv" };

static const struct mon_pers *const all[] = {
	&pers_pc, &pers_kvm, &pers_xen_todo, &pers_hv_todo,
};

const struct mon_pers *mon_pers_find(const char *name)
{
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(all[i]->name, name) == 0)
			return all[i];
	return NULL;
}
