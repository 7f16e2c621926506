/* SPDX-License-Identifier: MIT */
/*
 * monitor/mon_stop.c: ending the guest.  The first reason to stop wins and
 * its one-line message is printed by main at exit; every later vCPU that
 * notices only leaves its loop.  Also the -v log and the fail-closed
 * counter for accesses to unknown ports, MMIO and MSRs, and the one line
 * for each KVM exit that ends the guest.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mon.h"

uint64_t mon_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void mon_stopf(struct mon *mon, int status, const char *fmt, ...)
{
	uint64_t never = 0;
	bool expected = false;
	va_list ap;

	/* The time first: whoever sees stopped also sees when. */
	atomic_compare_exchange_strong(&mon->stop_ns, &never, mon_now_ns());
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

bool mon_guest_code_ok(uint64_t v)
{
	return v <= MON_EXIT_GUEST_MAX || v == VMI_EXIT_SKIP || v == VMI_EXIT_ERROR;
}

int mon_guest_status(uint64_t v, int other)
{
	return mon_guest_code_ok(v) ? (int)v : other;
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

/* Until when a writer may wait: the grace after the stop (none for a
 * stop without a time: only unit tests); before the stop, as long as the
 * watchdog allows (for -v lines during setup, before it runs). */
static uint64_t grace_end(const struct mon *mon)
{
	uint64_t stop;

	if (!mon_is_stopped(mon))
		return mon->cfg.timeout ? mon->start_ns + MON_OUT_GRACE_NS +
			mon->cfg.timeout * 1000000000ull : UINT64_MAX;
	stop = atomic_load(&mon->stop_ns);
	return stop ? stop + MON_OUT_GRACE_NS : 0;
}

bool mon_fd_ready(const struct mon *mon, int fd, uint64_t until)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		uint64_t end = until ? until : grace_end(mon), now = mon_now_ns();
		uint64_t left = now < end ? (end - now + 999999) / 1000000 : 0;
		int ms = left < MON_OUT_POLL_MS ? (int)left : MON_OUT_POLL_MS;
		int r = poll(&p, 1, ms);

		if (r > 0 || (r < 0 && errno != EINTR))
			return true;
		if (r == 0 && ms == 0)
			return false;
	}
}

/* One line on stderr in one write (whole, on a pipe: at most PIPE_BUF
 * bytes), or nothing if stderr does not take it by (until); 0: the
 * policy of mon_fd_ready. */
static void err_line(const struct mon *mon, uint64_t until, const char *fmt,
		     va_list ap)
{
	char line[512];
	int n = snprintf(line, sizeof(line), "vmi-run: ");

	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	while (mon_fd_ready(mon, STDERR_FILENO, until) &&
	       write(STDERR_FILENO, line, (size_t)n) < 0 && errno == EINTR)
		;
}

void mon_say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_line(NULL, mon_now_ns() + MON_OUT_GRACE_NS, fmt, ap);
	va_end(ap);
}

void mon_logf(const struct mon *mon, const char *fmt, ...)
{
	va_list ap;

	if (!mon->cfg.verbose)
		return;
	va_start(ap, fmt);
	err_line(mon, 0, fmt, ap);
	va_end(ap);
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
