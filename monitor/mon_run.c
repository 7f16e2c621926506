/* SPDX-License-Identifier: MIT */
/*
 * monitor/mon_run.c: the life of one VM: signals, guest RAM, boot data,
 * KVM objects, CPUID, vCPU threads, the sandbox, the watchdog wait, and
 * teardown in reverse order (kvmtool's goto err_<resource> style).
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "host_kvm.h"
#include "mon_clock.h"
#include "mon_elf.h"
#include "mon_host.h"
#include "mon_run.h"
#include "mon_seccomp.h"
#include "mon_pers.h"

static void on_kick(int sig)
{
	(void)sig;      /* only interrupts KVM_RUN (no SA_RESTART) */
}

/* Signals that ask vmi-run to stop (status 124): blocked in every thread
 * and taken by the watchdog (wait_for_stop), with SIGUSR2, the "VM
 * stopped" wake-up from mon_stopf.  SIGABRT and SIGTRAP come here only
 * from outside (a watchdog's SIGABRT, kill -TRAP): abort() unblocks
 * SIGABRT before raising it, and the kernel unblocks a trap it raises
 * itself (force_sig_info_to_task, Linux's kernel/signal.c), so vmi-run's
 * own abort or breakpoint still ends it.  SIGSYS: ignored_signals. */
static const int stop_signals[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGALRM, SIGVTALRM, SIGPROF,
	SIGXCPU, SIGPWR, SIGABRT, SIGTRAP,
};
/* Fault signals that another process may send (kill -SEGV): not
 * blocked, since a real fault must reach the sanitizer's handler, but
 * taken by on_fault_signal, which tells the two apart.  Not SIGBUS: KVM
 * raises it for a guest page with a memory error without forcing it
 * (kvm_send_hwpoison_signal), and it must then end vmi-run, not wait on
 * a mask; so a SIGBUS sent by another process still ends it. */
static const int fault_signals[] = { SIGSEGV, SIGFPE, SIGILL };
static struct sigaction fault_prev[sizeof(fault_signals) / sizeof(int)];
static volatile sig_atomic_t fault_sent;        /* a sent one, or 0 */
static pthread_t watchdog;

/*
 * A fault signal.  si_code <= 0 (SI_USER, SI_QUEUE, SI_TKILL: sent by a
 * process) asks for a stop: noted, and the watchdog is woken with
 * SIGUSR2, blocked in its thread (async-signal-safe; tgkill of our own
 * pid, as the sandbox allows).  Anything else is a real fault of
 * vmi-run's: the handler that was there before (the sanitizer's) has
 * it; if that returns or there was none, the signal is added to the mask
 * the return restores, so the faulting instruction runs again with it
 * blocked, and the kernel unblocks it and gives it its default action
 * (force_sig_info_to_task): a core, with the fault's own siginfo.
 */
static void on_fault_signal(int sig, siginfo_t *si, void *ctx)
{
	size_t i = 0;

	while (fault_signals[i] != sig)
		i++;
	if (si->si_code <= 0) {
		fault_sent = sig;
		pthread_kill(watchdog, SIGUSR2);
		return;
	}
	if (fault_prev[i].sa_flags & SA_SIGINFO)
		fault_prev[i].sa_sigaction(sig, si, ctx);
	else if (fault_prev[i].sa_handler != SIG_DFL &&
		 fault_prev[i].sa_handler != SIG_IGN)
		fault_prev[i].sa_handler(sig);
	sigaddset(&((ucontext_t *)ctx)->uc_sigmask, sig);
}

/* Signals that would end vmi-run by default and mean nothing to it.  A
 * closed or full stdout must not end it either: the write fails with
 * EPIPE or EFBIG instead (mon_out_write).  SIGSYS: only the sandbox's
 * handler, once installed, acts on it (on its own traps alone); one
 * from another process is ignored, as here before then. */
static const int ignored_signals[] = {
	SIGPIPE, SIGXFSZ, SIGIO, SIGSTKFLT, SIGSYS,
};
static sigset_t wait_set;

static bool is_stop_signal(int sig)
{
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(int); i++)
		if (sig == stop_signals[i])
			return true;
	return false;
}

/*
 * First thing in main, so that no signal can end vmi-run before the
 * watchdog takes it (one that comes during setup stops the VM as soon as
 * it runs).  SIGUSR1 kicks vCPUs out of KVM_RUN: blocked here, unblocked
 * only in the vCPU threads, so that one sent from outside, however many,
 * only makes KVM_RUN return EINTR.  The kick's no-op handler also serves
 * SIGUSR2, should a thread ever have it unblocked.
 */
void mon_signals_init(void)
{
	struct sigaction sa = { .sa_handler = on_kick };
	struct sigaction fault = { .sa_sigaction = on_fault_signal,
				   .sa_flags = SA_SIGINFO | SA_ONSTACK };
	sigset_t block;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	watchdog = pthread_self();
	sigemptyset(&fault.sa_mask);
	for (size_t i = 0; i < sizeof(fault_signals) / sizeof(int); i++)
		sigaction(fault_signals[i], &fault, &fault_prev[i]);
	for (size_t i = 0; i < sizeof(ignored_signals) / sizeof(int); i++)
		signal(ignored_signals[i], SIG_IGN);
	for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
		signal(sig, SIG_IGN);
	sigemptyset(&wait_set);
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(int); i++)
		sigaddset(&wait_set, stop_signals[i]);
	sigaddset(&wait_set, SIGUSR2);
	block = wait_set;
	sigaddset(&block, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &block, NULL);
}

static void log_cpuid(const struct mon *mon, const struct mon_cpuid *t)
{
	for (unsigned i = 0; i < t->n; i++)
		mon_logf(mon, "cpuid %08x.%u: %08x %08x %08x %08x",
			 t->e[i].function, t->e[i].index, t->e[i].eax,
			 t->e[i].ebx, t->e[i].ecx, t->e[i].edx);
}

/* Supported -> personality -> TSC leaves -> per-vCPU APIC ID. */
static int setup_cpuid(struct mon *mon, char *err, size_t errlen)
{
	struct mon_cpuid *t = malloc(2 * sizeof(*t)), *vt = t + 1;
	int r;

	if (!t)
		return snprintf(err, errlen, "out of memory"), -ENOMEM;
	r = host_kvm_supported_cpuid(mon, t, err, errlen);
	if (r == 0)
		r = mon->pers->cpuid(t, err, errlen);
	if (r == 0 && (r = mon_cpuid_add_tsc(t, mon->tsc_khz)) < 0)
		snprintf(err, errlen, "cannot add CPUID TSC leaves");
	if (r == 0)
		log_cpuid(mon, t);
	for (unsigned i = 0; r == 0 && i < mon->nvcpu; i++) {
		*vt = *t;
		mon_cpuid_set_apic_id(vt, i);
		r = host_kvm_set_cpuid(&mon->vcpu[i], vt, err, errlen);
	}
	free(t);
	return r;
}

/* Guest memory contents: image, ACPI tables, start_info. */
static int fill_ram(struct mon *mon, const struct mon_image *img,
		    const uint8_t *file, char *err, size_t errlen)
{
	uint8_t *acpi = mon_gpa_ptr(mon, MON_ACPI_PA, MON_BIOS_END - MON_ACPI_PA);
	long rsdp;

	if (mon_elf_load(mon, img, file) < 0 || !acpi)
		return snprintf(err, errlen, "image does not fit in RAM"), -EFAULT;
	rsdp = mon_acpi_build(acpi, MON_BIOS_END - MON_ACPI_PA, MON_ACPI_PA,
			      mon->cfg.cpus);
	if (rsdp < 0 || mon_boot_info_write(mon, mon->cfg.cmdline,
					    (uint64_t)rsdp) < 0)
		return snprintf(err, errlen, "cannot write boot data"), -EINVAL;
	return 0;
}

static int create_machine(struct mon *mon, const struct mon_image *img,
			  char *err, size_t errlen)
{
	int r = host_kvm_create_vm(mon, err, errlen);

	for (unsigned i = 0; r == 0 && i < mon->cfg.cpus; i++)
		r = host_kvm_create_vcpu(mon, i, err, errlen);
	if (r == 0)
		r = setup_cpuid(mon, err, errlen);
	if (r == 0)
		r = mon_clock_start(mon, err, errlen);
	mon->host = &mon_host_kvm;
	if (r == 0 && mon->pers->init && (r = mon->pers->init(mon)) < 0)
		snprintf(err, errlen, "personality %s setup failed: %s",
			 mon->pers->name, strerror(-r));
	/* APs stay as KVM created them: waiting for INIT/SIPI, which the
	 * guest sends through the in-kernel LAPIC. */
	if (r == 0)
		r = host_kvm_boot_bsp(&mon->vcpu[0], (uint32_t)img->entry,
				      MON_START_INFO_PA, err, errlen);
	return r;
}

/* The watchdog: wait for a stop, a signal, or the deadline. */
static void wait_for_stop(struct mon *mon)
{
	uint64_t deadline = mon->start_ns + mon->cfg.timeout * 1000000000ull;

	while (!mon_is_stopped(mon)) {
		uint64_t now = mon_now_ns();
		struct timespec ts;
		int sig;

		if (!mon->cfg.timeout) {
			sig = sigwaitinfo(&wait_set, NULL);
		} else if (now >= deadline) {
			mon_stopf(mon, MON_EXIT_TIMEOUT, "guest timed out after "
				  "%u s (--timeout)", mon->cfg.timeout);
			break;
		} else {
			ts.tv_sec = (time_t)((deadline - now) / 1000000000u);
			ts.tv_nsec = (long)((deadline - now) % 1000000000u);
			sig = sigtimedwait(&wait_set, NULL, &ts);
		}
		if (!is_stop_signal(sig))
			sig = fault_sent;
		if (sig)
			mon_stopf(mon, MON_EXIT_TIMEOUT, "stopped by signal %s",
				  strsignal(sig));
	}
}

/* A vCPU thread parks at the gate until the sandbox is in place, so that
 * thread creation and start (clone3, stack mmap, guard-page mprotect,
 * rseq, ASan's sigaltstack) stay in setup. */
static void *vcpu_thread(void *arg)
{
	struct mon_vcpu *v = arg;
	struct mon *mon = v->mon;

	pthread_mutex_lock(&mon->gate.lock);
	mon->gate.parked++;
	pthread_cond_broadcast(&mon->gate.cond);
	while (!mon->gate.open)
		pthread_cond_wait(&mon->gate.cond, &mon->gate.lock);
	pthread_mutex_unlock(&mon->gate.lock);
	mon_vcpu_loop(v);
	atomic_store(&v->done, true);   /* only the exit is left: join */
	return NULL;
}

/* Install the filter once every started vCPU thread is parked (with or
 * without the filter, so that --no-sandbox changes nothing else). */
static void sandbox(struct mon *mon, unsigned started)
{
	char err[256];

	pthread_mutex_lock(&mon->gate.lock);
	while (mon->gate.parked < started)
		pthread_cond_wait(&mon->gate.cond, &mon->gate.lock);
	pthread_mutex_unlock(&mon->gate.lock);
	/* glibc loads the time zone (open, read, malloc) on the first
	 * gmtime_r(), which the RTC (mon_rtc.c) calls from a vCPU thread:
	 * load it now, in setup. */
	tzset();
	if (mon->cfg.no_sandbox)
		mon_logf(mon, "sandbox: off (--no-sandbox)");
	else if (!mon_sandbox_built())
		mon_logf(mon, "sandbox: none in this build (see --help)");
	else if (mon_sandbox_install(mon->pers->name, err,
				     sizeof(err)) < 0)
		mon_stopf(mon, MON_EXIT_HOST, "%s", err);
	else
		mon_logf(mon, "sandbox: seccomp filter on");
}

/* The end of setup: every thread exists; confine them all (TSYNC), then
 * let the vCPUs run.  A filter that cannot be installed stops the VM
 * before its first instruction (fail closed). */
static void open_gate(struct mon *mon, unsigned started)
{
	if (!mon_is_stopped(mon))
		sandbox(mon, started);
	pthread_mutex_lock(&mon->gate.lock);
	mon->gate.open = true;
	pthread_cond_broadcast(&mon->gate.cond);
	pthread_mutex_unlock(&mon->gate.lock);
}

/* Join the vCPU threads once every loop has ended.  One that has not
 * ended MON_JOIN_GRACE_NS after the stop is stuck in a host call (a
 * write that does not return) and is left behind: the watchdog does not
 * depend on it.  The kick is repeated meanwhile, for a thread that
 * blocked just after the first.  No thread is joined before all loops
 * have ended, so that none is signalled after its join.  Returns the id
 * of a vCPU left behind, or -1. */
static int join_vcpus(struct mon *mon)
{
	const struct timespec nap = { 0, MON_OUT_POLL_MS * 1000000L };
	uint64_t end = atomic_load(&mon->stop_ns) + MON_JOIN_GRACE_NS;

	for (;;) {
		int stuck = -1;

		for (unsigned i = 0; i < mon->nvcpu && stuck < 0; i++)
			if (mon->vcpu[i].started &&
			    !atomic_load(&mon->vcpu[i].done))
				stuck = (int)i;
		if (stuck < 0)
			break;
		if (mon_now_ns() >= end)
			return stuck;
		mon->kick(mon);
		nanosleep(&nap, NULL);
	}
	for (unsigned i = 0; i < mon->nvcpu; i++)
		if (mon->vcpu[i].started)
			pthread_join(mon->vcpu[i].thread, NULL);
	return -1;
}

/* Run all vCPU threads until the VM stops; the outcome is in mon->status
 * and mon->msg.  Returns the id of a vCPU thread left behind, or -1. */
static int run_vcpus(struct mon *mon)
{
	unsigned started = 0;
	int stuck;

	pthread_mutex_init(&mon->gate.lock, NULL);
	pthread_cond_init(&mon->gate.cond, NULL);
	for (unsigned i = 0; i < mon->nvcpu; i++) {
		int e = pthread_create(&mon->vcpu[i].thread, NULL,
				       vcpu_thread, &mon->vcpu[i]);
		if (e) {
			mon_stopf(mon, MON_EXIT_HOST, "cannot start vcpu %u "
				  "thread: %s", i, strerror(e));
			break;
		}
		mon->vcpu[i].started = true;
		started++;
	}
	open_gate(mon, started);
	wait_for_stop(mon);
	stuck = join_vcpus(mon);
	if (mon->status == MON_EXIT_TIMEOUT) {
		size_t n = strlen(mon->msg);
		snprintf(mon->msg + n, sizeof(mon->msg) - n, "; vcpu 0 at "
			 "rip=0x%" PRIx64, mon->vcpu[0].regs->rip);
	}
	return stuck;
}

/* vmi-run's one line: the setup error or the stop's message, and what
 * became of guest output that could not be written, if any. */
static void report(const struct mon *mon, const char *err)
{
	const char *what = err[0] ? err : mon->msg;
	char note[128];

	mon_out_note(mon, note, sizeof(note));
	if (what[0] && note[0])
		mon_say("%s; %s", what, note);
	else if (what[0] || note[0])
		mon_say("%s", what[0] ? what : note);
}

/* A vCPU thread did not end (join_vcpus): leave now, with the status,
 * and without teardown, which that thread may still be using. */
static void leave_stuck(struct mon *mon, int vcpu)
{
	char err[sizeof(mon->msg) + 128];

	snprintf(err, sizeof(err), "%s%svcpu %d was still in a host call "
		 "%u ms after the stop; left behind", mon->msg,
		 mon->msg[0] ? "; " : "", vcpu,
		 (unsigned)(MON_JOIN_GRACE_NS / 1000000u));
	mon_say("%s", err);
	_exit(mon->status);
}

int mon_run(struct mon *mon, const struct mon_image *img,
	    const uint8_t *file)
{
	char err[256], source[64];
	int status = MON_EXIT_HOST, stuck;

	mon->main_thread = pthread_self();
	mon->kvm_fd = mon->vm_fd = -1;
	for (unsigned i = 0; i < MON_MAX_CPUS; i++)
		mon->vcpu[i].fd = -1;
	source[0] = '\0';     /* read only where a personality presents a clock */
	if (mon->pers->clock)
		mon_host_clocksource(MON_HOST_CLOCKSOURCE, source,
				     sizeof(source));
	if (host_kvm_open(mon, err, sizeof(err)) < 0 ||
	    mon_clock_choose(mon, source, err, sizeof(err)) < 0) {
		status = MON_EXIT_UNAVAIL;
		goto err_kvm;
	}
	/* MAP_NORESERVE: untouched guest RAM costs nothing and reads zero. */
	mon->ram = mmap(NULL, mon->cfg.mem, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mon->ram == MAP_FAILED) {
		snprintf(err, sizeof(err), "cannot map %" PRIu64 " bytes of "
			 "guest RAM: %s", mon->cfg.mem, strerror(errno));
		goto err_kvm;
	}
	mon->ram_size = mon->cfg.mem;
	if (mon->pers->special) {
		void *x = mmap(NULL, MON_EXTRA_SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (x == MAP_FAILED) {
			snprintf(err, sizeof(err), "cannot map the special "
				 "area: %s", strerror(errno));
			goto err_ram;
		}
		mon_special_init(mon, x);
	}
	if (fill_ram(mon, img, file, err, sizeof(err)) < 0 ||
	    create_machine(mon, img, err, sizeof(err)) < 0)
		goto err_ram;
	mon_logf(mon, "%s: %u vCPU(s), %" PRIu64 " MiB RAM, personality %s, "
		 "PVH entry 0x%" PRIx64 ", TSC %u kHz%s", mon->cfg.image,
		 mon->nvcpu, mon->ram_size >> 20, mon->pers->name, img->entry,
		 mon->tsc_khz, !mon->pers->clock ? "" : mon->clock.tsc_stable ?
		 ", clocksource tsc" : ", clocksource platform");
	mon->kick = host_kvm_kick_all;
	stuck = run_vcpus(mon);
	if (stuck >= 0)
		leave_stuck(mon, stuck);
	mon_clock_stop(mon);
	mon_uart_flush(mon);
	mon_logf(mon, "%" PRIu64 " port exits, %" PRIu64 " ignored legacy "
		 "writes, %lu unknown accesses, KVM_RUN interrupted %lu times",
		 mon->dev.pio_exits, mon->dev.legacy_writes,
		 atomic_load(&mon->unknown), atomic_load(&mon->intr));
	status = mon->status;
	err[0] = '\0';
err_ram:
	mon_clock_stop(mon);
	munmap(mon->ram, mon->cfg.mem);
	if (mon->extra)
		munmap(mon->extra, MON_EXTRA_SIZE);
err_kvm:
	host_kvm_close(mon);
	report(mon, err);
	return status;
}
