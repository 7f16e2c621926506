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

#include "host_kvm.h"
#include "mon_clock.h"
#include "mon_elf.h"
#include "mon_run.h"
#include "mon_seccomp.h"
#include "pers.h"

static void on_kick(int sig)
{
	(void)sig;      /* only interrupts KVM_RUN (no SA_RESTART) */
}

/* SIGUSR1 kicks vCPUs out of KVM_RUN; every other signal we care about
 * is blocked in all threads and collected by the main thread. */
static void setup_signals(sigset_t *wait_set)
{
	struct sigaction sa = { .sa_handler = on_kick };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);       /* a closed stdout must not kill us */
	sigemptyset(wait_set);
	sigaddset(wait_set, SIGINT);
	sigaddset(wait_set, SIGTERM);
	sigaddset(wait_set, SIGHUP);
	sigaddset(wait_set, SIGUSR2);   /* "the VM stopped", from mon_stopf */
	pthread_sigmask(SIG_BLOCK, wait_set, NULL);
	sigaddset(wait_set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, wait_set, NULL);
	sigdelset(wait_set, SIGUSR1);
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

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The watchdog: wait for a stop, a signal, or the deadline. */
static void wait_for_stop(struct mon *mon, const sigset_t *set)
{
	double deadline = now_s() + mon->cfg.timeout;

	while (!mon_is_stopped(mon)) {
		double left = deadline - now_s();
		struct timespec ts = { (time_t)left,
			(long)((left - (double)(time_t)left) * 1e9) };
		int sig;
		if (mon->cfg.timeout && left <= 0) {
			mon_stopf(mon, MON_EXIT_TIMEOUT, "guest timed out after "
				  "%u s (--timeout)", mon->cfg.timeout);
			break;
		}
		sig = mon->cfg.timeout ? sigtimedwait(set, NULL, &ts) :
					 sigwaitinfo(set, NULL);
		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP)
			mon_stopf(mon, MON_EXIT_TIMEOUT, "stopped by signal %s",
				  strsignal(sig));
	}
}

/* A vCPU thread parks at the gate until the sandbox is in place, so that
 * thread creation and start (clone3, stack mmap, guard-page mprotect,
 * rseq, ASan's sigaltstack) stay in setup. */
static void *vcpu_thread(void *arg)
{
	struct mon *mon = ((struct mon_vcpu *)arg)->mon;

	pthread_mutex_lock(&mon->gate.lock);
	mon->gate.parked++;
	pthread_cond_broadcast(&mon->gate.cond);
	while (!mon->gate.open)
		pthread_cond_wait(&mon->gate.cond, &mon->gate.lock);
	pthread_mutex_unlock(&mon->gate.lock);
	return mon_vcpu_loop(arg);
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
	else if (mon_sandbox_install(err, sizeof(err)) < 0)
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

/* Run all vCPU threads until the VM stops; returns nothing: the outcome
 * is in mon->status and mon->msg. */
static void run_vcpus(struct mon *mon, const sigset_t *set)
{
	unsigned started = 0;

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
	wait_for_stop(mon, set);
	for (unsigned i = 0; i < mon->nvcpu; i++)
		if (mon->vcpu[i].started)
			pthread_join(mon->vcpu[i].thread, NULL);
	if (mon->status == MON_EXIT_TIMEOUT) {
		size_t n = strlen(mon->msg);
		snprintf(mon->msg + n, sizeof(mon->msg) - n, "; vcpu 0 at "
			 "rip=0x%" PRIx64, mon->vcpu[0].regs->rip);
	}
}

int mon_run(struct mon *mon, const struct mon_image *img,
	    const uint8_t *file)
{
	char err[256];
	sigset_t set;
	int status = MON_EXIT_HOST;

	setup_signals(&set);
	mon->main_thread = pthread_self();
	mon->kvm_fd = mon->vm_fd = -1;
	for (unsigned i = 0; i < MON_MAX_CPUS; i++)
		mon->vcpu[i].fd = -1;
	if (host_kvm_open(mon, err, sizeof(err)) < 0) {
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
		 "PVH entry 0x%" PRIx64 ", TSC %u kHz", mon->cfg.image,
		 mon->nvcpu, mon->ram_size >> 20, mon->pers->name, img->entry,
		 mon->tsc_khz);
	mon->kick = host_kvm_kick_all;
	run_vcpus(mon, &set);
	mon_clock_stop(mon);
	mon_uart_flush(mon);
	mon_logf(mon, "%" PRIu64 " port exits, %" PRIu64 " ignored legacy "
		 "writes, %lu unknown accesses", mon->dev.pio_exits,
		 mon->dev.legacy_writes, atomic_load(&mon->unknown));
	status = mon->status;
	err[0] = '\0';
err_ram:
	mon_clock_stop(mon);
	munmap(mon->ram, mon->cfg.mem);
	if (mon->extra)
		munmap(mon->extra, MON_EXTRA_SIZE);
err_kvm:
	host_kvm_close(mon);
	if (err[0])
		fprintf(stderr, "vmi-run: %s\n", err);
	else if (mon->msg[0])
		fprintf(stderr, "vmi-run: %s\n", mon->msg);
	return status;
}
