/* SPDX-License-Identifier: MIT */
/* monitor/mon_pers.c: the table of personalities vmi-run --hv accepts,
 * and the clock they present (--clocksource). */
#include <errno.h>
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

bool mon_clock_source_is_tsc(const char *source)
{
	/* KVM's gtod_is_based_on_tsc() (arch/x86/kvm/x86.c): the TSC itself,
	 * or Hyper-V's reference TSC page when the host is a Hyper-V guest. */
	return strcmp(source, "tsc") == 0 ||
	       strcmp(source, "hyperv_clocksource_tsc_page") == 0;
}

void mon_host_clocksource(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, len - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	/* The first line; any other byte that is not printable ASCII, a NUL
	 * included, reads '?': the name goes into a one-line error, and
	 * "tsc" followed by odd bytes is not the TSC. */
	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			buf[i] = '\0';
			break;
		}
		if ((unsigned char)buf[i] < 0x20 || (unsigned char)buf[i] > 0x7e)
			buf[i] = '?';
	}
}

int mon_clock_choose(struct mon *mon, const char *host_source, char *err,
		     size_t errlen)
{
	enum mon_clocksource want = mon->cfg.clocksource ? mon->cfg.clocksource
							 : mon->pers->clock;
	bool tsc = mon_clock_source_is_tsc(host_source);

	if (mon->cfg.clocksource == MON_CLOCK_TSC && !tsc)
		return snprintf(err, errlen, "--clocksource tsc: the host's "
				"clocksource is '%s', and KVM keeps a guest "
				"clock stable only on the TSC",
				host_source[0] ? host_source : "unknown"),
		       -ENODEV;
	/* A personality's own default falls back quietly, as KVM's
	 * Hyper-V emulation does. */
	mon->clock.tsc_stable = want == MON_CLOCK_TSC && tsc;
	return 0;
}
