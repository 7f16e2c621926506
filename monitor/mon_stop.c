/* SPDX-License-Identifier: MIT */
/*
 * monitor/mon_stop.c: ending the guest.  The first reason to stop wins and
 * its one-line message is printed by main at exit; every later vCPU that
 * notices only leaves its loop.  Also the -v log and the fail-closed
 * counter for accesses to unknown ports, MMIO and MSRs, and the one line
 * for each KVM exit that ends the guest.
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

/* KVM_SYSTEM_EVENT_* (<linux/kvm.h>, api.rst "system_event"). */
#define SYSTEM_EVENT_SHUTDOWN 1
#define SYSTEM_EVENT_RESET    2

static void system_event(struct mon *mon, const struct mon_vcpu *v,
			 const struct mon_exit *x)
{
	if (x->info.code == SYSTEM_EVENT_SHUTDOWN)
		mon_stopf(mon, MON_EXIT_POWEROFF, "%s", "");
	else if (x->info.code == SYSTEM_EVENT_RESET)
		mon_stopf(mon, MON_EXIT_RESET, "guest reset the machine "
			  "(KVM_EXIT_SYSTEM_EVENT) on vcpu %u at rip=0x%" PRIx64
			  "; exit %d", v->id, x->rip, MON_EXIT_RESET);
	else
		mon_stopf(mon, MON_EXIT_CRASH, "guest crashed (KVM_EXIT_SYSTEM_"
			  "EVENT type %" PRIu64 ") on vcpu %u at rip=0x%" PRIx64,
			  x->info.code, v->id, x->rip);
}

/* Every exit that ends the guest, each with its one line. */
void mon_fault_exit(struct mon *mon, const struct mon_vcpu *v,
		    const struct mon_exit *x)
{
	switch (x->kind) {
	case MON_X_SHUTDOWN:
		mon_stopf(mon, MON_EXIT_CRASH, "guest triple fault (KVM_EXIT_"
			  "SHUTDOWN) on vcpu %u at rip=0x%" PRIx64, v->id,
			  x->rip);
		break;
	case MON_X_INTERNAL:
		mon_stopf(mon, MON_EXIT_CRASH, "KVM internal error (KVM_EXIT_"
			  "INTERNAL_ERROR suberror %" PRIu64 "%s) on vcpu %u "
			  "at rip=0x%" PRIx64, x->info.code, x->info.code == 1 ?
			  ": emulation failed, e.g. a triple fault" : "",
			  v->id, x->rip);
		break;
	case MON_X_FAIL_ENTRY:
		mon_stopf(mon, MON_EXIT_CRASH, "guest entry failed (KVM_EXIT_"
			  "FAIL_ENTRY reason 0x%" PRIx64 ") on vcpu %u at rip=0x%"
			  PRIx64, x->info.code, v->id, x->rip);
		break;
	case MON_X_SYSTEM_EVENT:
		system_event(mon, v, x);
		break;
	default:
		mon_stopf(mon, MON_EXIT_CRASH, "unhandled KVM exit reason %u "
			  "on vcpu %u at rip=0x%" PRIx64, x->reason, v->id,
			  x->rip);
		break;
	}
}
