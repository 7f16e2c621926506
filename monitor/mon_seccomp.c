/* SPDX-License-Identifier: MIT */
/*
 * monitor/mon_seccomp.c: vmi-run's run-phase sandbox, a seccomp filter
 * (libseccomp) with one reason per allowed system call, as Solo5's hvt
 * tender has.  The list was measured with strace -f over every
 * personality, test guest and conformance image (docs/vmi-run.md
 * "Sandbox").  Policy for anything else: SIGSYS, one line, exit 71.
 *
 * <linux/kvm.h> is included for the ioctl request numbers only: this
 * file issues no KVM ioctl (host_kvm.c stays the only one that does).
 */
#include <errno.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "mon_exit.h"
#include "mon_seccomp.h"

#define ANY(s, why)        { s, MON_SB_ANY, 0, NULL, NULL, why }
#define FD(s, fd, n, why)  { s, MON_SB_FD, fd, n, NULL, why }
#define IOCTL(req, why)    { "ioctl", MON_SB_IOCTL, req, #req, NULL, why }
/* An ioctl only the personalities (pers) make: the others (pc, kvm) run
 * with KVM_RUN alone. */
#define IOCTL_FOR(req, pers, why) \
	{ "ioctl", MON_SB_IOCTL, req, #req, pers, why }
#define SELF(s, why)       { s, MON_SB_SELF, 0, "own pid", NULL, why }

const struct mon_sandbox_rule mon_sandbox_rules[] = {
	IOCTL(KVM_RUN, "run the guest: every vCPU thread's loop (mon_vcpu.c)"),
	IOCTL_FOR(KVM_GET_SREGS, "xen, hyperv",
		  "read the own vCPU's segment and control registers: "
		  "hyperv remote TLB flush and hypercall CPL check, xen "
		  "hypercall mode, CPL and page walk, VCPUOP_up"),
	IOCTL_FOR(KVM_SET_SREGS, "xen, hyperv",
		  "toggle CR4.PGE to flush the own vCPU's TLB (hyperv); "
		  "64-bit state of a vCPU started by VCPUOP_up (xen)"),
	IOCTL_FOR(KVM_GET_VCPU_EVENTS, "hyperv",
		  "read the own vCPU's event state before "
		  "injecting #UD (hyperv: a hypercall from CPL > 0)"),
	IOCTL_FOR(KVM_SET_VCPU_EVENTS, "hyperv",
		  "inject #UD into the own vCPU (hyperv: a "
		  "hypercall from CPL > 0)"),
	IOCTL_FOR(KVM_SET_REGS, "xen",
		  "registers of a vCPU started by VCPUOP_up (xen), "
		  "on its own thread"),
	IOCTL_FOR(KVM_SET_MP_STATE, "xen",
		  "make a vCPU started by VCPUOP_up runnable "
		  "(xen)"),
	IOCTL_FOR(KVM_SET_USER_MEMORY_REGION, "xen",
		  "map or move a monitor page outside guest RAM (xen: "
		  "shared_info or a grant frame at a gfn in a hole, "
		  "XENMEM_add_to_physmap), from a vCPU thread"),
	IOCTL_FOR(KVM_SIGNAL_MSI, "xen, hyperv",
		  "inject timer, IPI and event vectors (xen, "
		  "hyperv) from the vCPU threads and the timer thread"),
	FD("write", 1, "1 (stdout)", "guest console output: UART and Xen PV "
	   "console ring"),
	FD("write", 2, "2 (stderr)", "the one-line exit message, the -v "
	   "log and the xen personality's hypervisor log (console_io)"),
	ANY("poll", "wait, 20 ms at a time, until stdout or stderr takes a "
	    "write, so that a full pipe holds the guest back but never keeps "
	    "vmi-run from ending (mon_fd_ready)"),
	ANY("futex", "mutexes, condition variables (device lock, timer "
	    "thread, SCHEDOP_block/poll) and joining threads"),
	ANY("clock_gettime", "watchdog, PIT, timers; the vDSO answers unless "
	    "the host clocksource cannot be read in user space"),
	ANY("time", "the RTC (mon_rtc.c); the vDSO answers unless the host "
	    "clocksource cannot be read in user space"),
	ANY("clock_nanosleep", "nanosleep(): the main thread's naps while it "
	    "joins the vCPU threads after the stop (mon_run.c); a remote TLB "
	    "flush's wait (hyperv)"),
	ANY("sched_yield", "Xen SCHEDOP_yield and Hyper-V "
	    "HvCallNotifyLongSpinWait"),
	ANY("rt_sigtimedwait", "the watchdog waits for a stop, a signal or "
	    "the deadline (mon_run.c)"),
	ANY("rt_sigprocmask", "vCPU threads unblock the kick; pthread_kill() "
	    "blocks signals around tgkill"),
	ANY("rt_sigreturn", "return from the kick's SIGUSR1 handler"),
	ANY("restart_syscall", "the kernel resumes an interrupted poll or "
	    "nanosleep with it after SIGSTOP/SIGCONT (job control); it only "
	    "continues that call"),
	ANY("getpid", "pthread_kill() passes the process id to tgkill"),
	ANY("gettid", "pthread_kill() of the own thread (the watchdog's stop "
	    "kicks the main thread itself)"),
	SELF("tgkill", "pthread_kill(): kick a vCPU thread out of KVM_RUN, "
	     "SIGUSR2 to the main thread when the VM stops; no other "
	     "process"),
	ANY("madvise", "glibc releases an ending thread's stack "
	    "(MADV_DONTNEED)"),
	ANY("munmap", "teardown: guest RAM, kvm_run pages, the image buffer"),
	ANY("close", "teardown: the vCPU, VM and /dev/kvm descriptors"),
	ANY("set_robust_list", "glibc thread start: the timer thread, started "
	    "in setup, may still be starting when the filter lands (TSYNC)"),
	ANY("rseq", "glibc thread start (as set_robust_list): registers the "
	    "thread's restartable-sequence area"),
	ANY("exit", "a vCPU thread or the timer thread ends"),
	ANY("exit_group", "vmi-run ends (also from the SIGSYS handler)"),
};
const size_t mon_sandbox_nrules =
	sizeof(mon_sandbox_rules) / sizeof(mon_sandbox_rules[0]);

bool mon_sandbox_rule_for(const struct mon_sandbox_rule *r, const char *pers)
{
	size_t n = pers ? strlen(pers) : 0;

	if (!r->pers || !pers)
		return true;
	for (const char *p = r->pers; (p = strstr(p, pers)) != NULL; p += n)
		if ((p == r->pers || p[-1] == ' ') &&
		    (p[n] == '\0' || p[n] == ','))
			return true;
	return false;
}

/*
 * vmi-run-asan has no filter (see the end of this file and docs/vmi-run.md
 * "Sandbox"): its sanitizer runtime needs most of what the filter denies.
 */
#if MON_HAVE_SECCOMP && !defined(__SANITIZE_ADDRESS__)
#include <seccomp.h>

/* Append (s) or the hex/decimal digits of (v) to buf; async-signal-safe. */
static size_t put_str(char *buf, size_t n, size_t cap, const char *s)
{
	while (*s && n < cap)
		buf[n++] = *s++;
	return n;
}

static size_t put_num(char *buf, size_t n, size_t cap, unsigned long v,
		      unsigned base)
{
	char d[24];
	size_t k = 0;

	do {
		d[k++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v && k < sizeof(d));
	while (k && n < cap)
		buf[n++] = d[--k];
	return n;
}

/* si_code of a SIGSYS from a seccomp trap (SYS_SECCOMP, Linux
 * <asm-generic/siginfo.h>, which glibc's <signal.h> lacks). */
#define SIGSYS_SECCOMP 1

/*
 * A system call outside the list: one line naming it (and the request,
 * for ioctl), then exit 71, never death by the signal.  Only write and
 * exit_group here, both allowed; SIGSYS is blocked while this runs,
 * so a trap in here would kill the process.  A SIGSYS that another
 * process sent (kill -SYS) is no trap: ignored, as before the filter
 * (mon_signals_init).
 */
static void on_sigsys(int sig, siginfo_t *si, void *ctx)
{
	const ucontext_t *uc = ctx;
	char line[200];
	size_t n = 0, cap = sizeof(line) - 1;

	(void)sig;
	if (si->si_code != SIGSYS_SECCOMP)
		return;
	n = put_str(line, n, cap, "vmi-run: sandbox: system call ");
	n = put_num(line, n, cap, (unsigned long)si->si_syscall, 10);
	if (si->si_syscall == __NR_ioctl) {
		n = put_str(line, n, cap, " (ioctl request 0x");
		n = put_num(line, n, cap,
			    (unsigned long)uc->uc_mcontext.gregs[REG_RSI], 16);
		n = put_str(line, n, cap, ")");
	}
	n = put_str(line, n, cap, " is not allowed after setup; exit 71 "
		    "(--no-sandbox runs without the filter)");
	line[n++] = '\n';
	/* Raw system calls: nothing that libc (atexit handlers) or a
	 * sanitizer (interceptors) could add calls to. */
	(void)syscall(SYS_write, STDERR_FILENO, line, n);
	syscall(SYS_exit_group, MON_EXIT_HOST);
}

static int add_rule(scmp_filter_ctx f, const struct mon_sandbox_rule *r)
{
	int nr = seccomp_syscall_resolve_name(r->sys);

	if (nr == __NR_SCMP_ERROR)
		return -ENOSYS;
	switch (r->arg) {
	case MON_SB_FD:
		return seccomp_rule_add(f, SCMP_ACT_ALLOW, nr, 1,
					SCMP_A0(SCMP_CMP_EQ, r->value));
	case MON_SB_IOCTL:
		return seccomp_rule_add(f, SCMP_ACT_ALLOW, nr, 1,
					SCMP_A1(SCMP_CMP_EQ, r->value));
	case MON_SB_SELF:
		/* Every thread shares the process id (TSYNC puts the
		 * filter on threads that exist already). */
		return seccomp_rule_add(f, SCMP_ACT_ALLOW, nr, 1,
					SCMP_A0(SCMP_CMP_EQ,
						(scmp_datum_t)getpid()));
	default:
		return seccomp_rule_add(f, SCMP_ACT_ALLOW, nr, 0);
	}
}

static int add_rules(scmp_filter_ctx f, const char *pers,
		     const struct mon_sandbox_rule *t, size_t n, char *err,
		     size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		int r = 0;

		if (mon_sandbox_rule_for(&t[i], pers))
			r = add_rule(f, &t[i]);
		if (r < 0)
			return snprintf(err, errlen, "sandbox rule %s %s: %s",
					t[i].sys, t[i].value_name ?
					t[i].value_name : "", strerror(-r)), r;
	}
	return 0;
}

/* Calls of a foreign ABI (int 0x80, x32) trap as well, not kill. */
static int configure(scmp_filter_ctx f)
{
	int r = seccomp_attr_set(f, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_TRAP);

	if (r == 0)
		r = seccomp_attr_set(f, SCMP_FLTATR_CTL_TSYNC, 1);
	/* KVM_RUN is the hot call: test ioctl first. */
	if (r == 0)
		r = seccomp_syscall_priority(f, SCMP_SYS(ioctl), 255);
	return r;
}

bool mon_sandbox_built(void)
{
	return true;
}

int mon_sandbox_install(const char *pers, char *err, size_t errlen)
{
	struct sigaction sa = { .sa_sigaction = on_sigsys,
				.sa_flags = SA_SIGINFO };
	scmp_filter_ctx f = seccomp_init(SCMP_ACT_TRAP);
	int r;

	err[0] = '\0';
	if (!f)
		return snprintf(err, errlen, "sandbox: seccomp_init failed"),
		       -ENOMEM;
	sigemptyset(&sa.sa_mask);
	r = configure(f);
	if (r < 0)
		snprintf(err, errlen, "sandbox: cannot configure the filter: "
			 "%s", strerror(-r));
	if (r == 0)
		r = add_rules(f, pers, mon_sandbox_rules, mon_sandbox_nrules,
			      err, errlen);
	if (r == 0 && sigaction(SIGSYS, &sa, NULL) < 0) {
		r = -errno;
		snprintf(err, errlen, "sandbox: sigaction(SIGSYS): %s",
			 strerror(errno));
	}
	if (r == 0 && (r = seccomp_load(f)) > 0)
		r = -ESRCH;     /* TSYNC: thread (r) could not be synced */
	if (r < 0 && !err[0])
		snprintf(err, errlen, "cannot install the seccomp filter: %s "
			 "(--no-sandbox runs without it)", strerror(-r));
	seccomp_release(f);
	return r;
}

#else
/*
 * No sandbox, as vmi-run --help says: built without libseccomp, or the
 * sanitizer build.  There LeakSanitizer's check at exit stops the threads
 * from a helper task (clone with CLONE_UNTRACED) that ptrace()s them and
 * reads /proc, and reports are symbolized by opening files.  Measured:
 * with the filter on, the trapped helper dies and LSan then waits for it
 * forever, with SIGTERM blocked: a hang, the one outcome vmi-run must
 * never have.  The filter is exercised by the -O2 vmi-run instead, which
 * the boot and conformance tests run.
 */

bool mon_sandbox_built(void)
{
	return false;
}

int mon_sandbox_install(const char *pers, char *err, size_t errlen)
{
	(void)pers, (void)err, (void)errlen;
	return 0;
}

#endif
