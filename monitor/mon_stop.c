/* SPDX-License-Identifier: MIT */
/*
 * monitor/mon_stop.c: ending the guest.  The first reason to stop wins and
 * its one-line message is printed by main at exit; every later vCPU that
 * notices only leaves its loop.  Also the -v log and the fail-closed
 * counter for accesses to unknown ports, MMIO and MSRs.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mon.h"

void mon_stopf(struct mon *mon, int status, const char *fmt, ...)
{
	bool expected = false;
	va_list ap;

	if (!atomic_compare_exchange_strong(&mon->stopped, &expected, true))
		return;
	mon->status = status;
	va_start(ap, fmt);
	vsnprintf(mon->msg, sizeof(mon->msg), fmt, ap);
	va_end(ap);
	if (mon->kick)
		mon->kick(mon);
}

bool mon_is_stopped(const struct mon *mon)
{
	return atomic_load(&mon->stopped);
}

size_t mon_oneline(char *out, size_t cap, const char *in, size_t len)
{
	size_t n = 0;

	/* Each byte read once: another vCPU may be writing the buffer. */
	for (; n < len && n + 1 < cap; n++) {
		unsigned char c = (unsigned char)in[n];
		if (!c)
			break;
		out[n] = c >= 0x20 && c <= 0x7e ? (char)c : '?';
	}
	out[n] = '\0';
	return n;
}

void mon_logf(const struct mon *mon, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	if (!mon->cfg.verbose)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "vmi-run: %s\n", line);
}

/*
 * Policy for an access nobody owns (docs/vmi-run.md): the caller has
 * already answered it (reads all-ones, writes dropped, MSRs #GP); here it
 * is counted, logged with -v, and past MON_UNKNOWN_CAP the guest stops.
 */
void mon_unknown(struct mon *mon, const struct mon_exit *x, const char *what,
		 uint64_t where, bool write)
{
	unsigned long n = atomic_fetch_add(&mon->unknown, 1) + 1;

	if (n <= MON_UNKNOWN_LOG)
		mon_logf(mon, "unknown %s 0x%" PRIx64 " %s at rip=0x%" PRIx64
			 "%s", what, where, write ? "write" : "read", x->rip,
			 n == MON_UNKNOWN_LOG ? " (further ones not logged)" :
			 "");
	if (n == MON_UNKNOWN_CAP)
		mon_stopf(mon, MON_EXIT_CRASH, "guest stopped after %lu "
			  "accesses to unknown ports/MMIO/MSRs; last: %s "
			  "0x%" PRIx64 " %s at rip=0x%" PRIx64, n, what, where,
			  write ? "write" : "read", x->rip);
}
