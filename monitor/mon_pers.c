/* SPDX-License-Identifier: MIT */
/* monitor/mon_pers.c: the table of personalities vmi-run --hv accepts. */
#include <stdio.h>
#include <string.h>

#include "mon_pers.h"

static const struct mon_pers *const all[] = {
	&pers_pc, &pers_kvm, &pers_xen, &pers_hv,
};

const struct mon_pers *mon_pers_find(const char *name)
{
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(all[i]->name, name) == 0)
			return all[i];
	return NULL;
}

/* The names of the implemented personalities, space-separated, in (buf). */
void mon_pers_list(char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]) && n < len; i++)
		if (all[i]->available)
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
					      n ? " " : "", all[i]->name);
}
