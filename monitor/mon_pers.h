/* SPDX-License-Identifier: MIT */
/*
 * monitor/mon_pers.h: the personality interface.  A personality is what
 * the guest sees of its hypervisor: CPUID leaves, MSRs, ports (a
 * hypercall port), and VM-wide setup.  Each lives in its own folder,
 * monitor/<name>/ (pc, kvm, xen, hyperv), and is one const struct of
 * hooks; a NULL hook means "nothing beyond the plain PC".  Its state is
 * its own (mon->pers_state, from its init); the host is mon->host
 * (mon_host.h).  Names: docs/ARCHITECTURE.md "Personalities".  Adding
 * one means a folder with its meson.build, this struct filled, and an
 * entry in all[] in mon_pers.c.
 */
#ifndef MON_PERS_H
#define MON_PERS_H

#include <stdbool.h>
#include <stdint.h>

#include "mon.h"
#include "mon_cpuid.h"

struct mon_pers {
	const char *name;
	bool available;         /* false: recognised but not implemented */
	bool special;           /* give the guest the special area (mon.h) */
	/* The clock it presents without --clocksource; MON_CLOCK_NONE: it
	 * presents none, and --clocksource is refused. */
	enum mon_clocksource clock;
	/* Turn KVM's supported table into what the guest sees; called once
	 * before the common TSC/APIC-ID edits.  Returns 0 or -errno with a
	 * reason in err. */
	int (*cpuid)(struct mon_cpuid *t, char *err, size_t errlen);
	/* VM-wide setup after the VM and vCPUs exist, before any runs. */
	int (*init)(struct mon *mon);
	/* An MSR exit KVM did not handle.  Return true if handled (*data set
	 * for reads); false makes the monitor inject #GP. */
	bool (*msr)(struct mon *mon, unsigned vcpu, bool write,
		    uint32_t index, uint64_t *data);
	/* A port access; return true if the personality owns the port. */
	bool (*pio)(struct mon *mon, unsigned vcpu, const struct mon_exit *x);
};

extern const struct mon_pers pers_pc;
extern const struct mon_pers pers_kvm;
extern const struct mon_pers pers_xen;
extern const struct mon_pers pers_hv;

const struct mon_pers *mon_pers_find(const char *name);
void mon_pers_list(char *buf, size_t len);

/* The host kernel's own clocksource: Linux's sysfs file below. */
#define MON_HOST_CLOCKSOURCE \
	"/sys/devices/system/clocksource/clocksource0/current_clocksource"
/* Read it from (path) into (buf): the first line, without the newline,
 * other bytes outside printable ASCII as '?'; "" if unreadable. */
void mon_host_clocksource(const char *path, char *buf, size_t len);
/* Whether a host clocksource of that name is the TSC, by KVM's rule for
 * its master clock (a stable kvmclock and Hyper-V reference page). */
bool mon_clock_source_is_tsc(const char *source);
/* Set mon->clock.tsc_stable: whether guest time is presented as stable
 * across vCPUs (--clocksource, else the personality's default), which
 * needs (host_source) to be the TSC.  An explicit --clocksource tsc on
 * another host clock is refused: -ENODEV with one line in err. */
int mon_clock_choose(struct mon *mon, const char *host_source, char *err,
		     size_t errlen);

#endif
