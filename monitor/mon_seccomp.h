/* SPDX-License-Identifier: MIT */
/*
 * monitor/mon_seccomp.h: the run-phase sandbox (mon_seccomp.c): a seccomp
 * filter that vmi-run installs once setup is done, just before the first
 * KVM_RUN.  Only the system calls of mon_sandbox_rules[] are allowed; any
 * other traps (SIGSYS) and vmi-run exits with MON_EXIT_HOST and one line.
 */
#ifndef MON_SECCOMP_H
#define MON_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>

/* Which argument, if any, a rule checks. */
enum mon_sandbox_arg {
	MON_SB_ANY,             /* every call of the system call */
	MON_SB_FD,              /* argument 0 (a file descriptor) == value */
	MON_SB_IOCTL,           /* argument 1 (an ioctl request) == value */
	MON_SB_SELF,            /* argument 0 == vmi-run's own process id,
				 * getpid() when the filter is installed */
};

/* One allowed system call (or one allowed argument of it). */
struct mon_sandbox_rule {
	const char *sys;        /* system call name, as libseccomp spells it */
	enum mon_sandbox_arg arg;
	unsigned long value;    /* the fd or ioctl request; 0 for MON_SB_ANY
				 * and MON_SB_SELF */
	const char *value_name; /* e.g. "KVM_RUN", "1 (stdout)"; NULL for any */
	const char *pers;       /* the personalities that need it, e.g.
				 * "xen, hyperv"; NULL for every one */
	const char *why;        /* the one-line reason (docs/vmi-run.md) */
};

/* True if rule (r) is installed for personality (pers); NULL: every
 * rule (the unit tests). */
bool mon_sandbox_rule_for(const struct mon_sandbox_rule *r,
			  const char *pers);

/* The rules, in the order docs/vmi-run.md lists them. */
extern const struct mon_sandbox_rule mon_sandbox_rules[];
extern const size_t mon_sandbox_nrules;

/* True if this vmi-run has the sandbox: built with libseccomp and not
 * the sanitizer build (vmi-run-asan; mon_seccomp.c says why). */
bool mon_sandbox_built(void);

/*
 * Install the filter on every thread of the process (SECCOMP_FILTER_FLAG_
 * TSYNC) and the SIGSYS handler that reports a blocked call: the rules
 * for personality (pers), its name (NULL: all rules).  Returns 0, or
 * -errno with one line in err.  Built without libseccomp: returns 0 and
 * does nothing (vmi-run --help says so); so does vmi-run-asan.
 */
int mon_sandbox_install(const char *pers, char *err, size_t errlen);

#endif
