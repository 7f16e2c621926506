/* SPDX-License-Identifier: MIT */
/*
 * monitor/mon.h: vmi-run's core: the VM and its vCPUs (struct mon,
 * struct mon_vcpu), the limits of a configuration, the neutral exit
 * record the KVM layer decodes into, and how the VM stops and logs.
 * Beside it, by responsibility: mon_mem.h (the guest-physical layout and
 * the only ways to guest memory), mon_dev.h (the PC devices and the
 * guest's console output), mon_clock.h (guest time and timers),
 * mon_pers.h (the personality interface), mon_host.h (what the
 * personalities ask of the host), mon_exit.h (exit statuses).  Nothing
 * here includes <linux/kvm.h>.
 */
#ifndef MON_H
#define MON_H

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mon_dev.h"
#include "mon_exit.h"
#include "mon_mem.h"

#define MON_MAX_CPUS      64
#define MON_MEM_DEFAULT   (256ull << 20)
#define MON_MEM_MIN       (2ull << 20)
/* RAM is one slot at GPA 0 and must end at or below the PCI hole at
 * 3 GiB, where a PC puts MMIO (and where the LAPIC/IOAPIC live). */
#define MON_MEM_MAX       0xC0000000ull
#define MON_TIMEOUT_DEFAULT 60u
#define MON_TIMEOUT_MAX   86400u
#define MON_CMDLINE_MAX   4095u
#define MON_IMAGE_MAX     (1ull << 30)

struct mon;
struct mon_host;
struct mon_pers;
struct kvm_run;

/* The clock a personality tells the guest its time comes from
 * (--clocksource, docs/vmi-run.md "Guest time"): TSC means every vCPU's
 * TSC-based time agrees (Xen's XEN_PVCLOCK_TSC_STABLE_BIT, a valid
 * Hyper-V reference TSC page); PLATFORM means the guest must not assume
 * so, as under Xen's default clocksource or KVM on a host whose own clock
 * is not the TSC.  MON_CLOCK_NONE: the personality presents no clock. */
enum mon_clocksource { MON_CLOCK_NONE, MON_CLOCK_TSC, MON_CLOCK_PLATFORM };

struct mon_config {
	const char *hv;         /* personality name */
	unsigned cpus;
	uint64_t mem;           /* bytes */
	unsigned timeout;       /* seconds; 0 = no watchdog */
	const char *cmdline;
	const char *image;
	bool verbose;
	bool help;
	bool no_sandbox;        /* --no-sandbox: no seccomp filter */
	enum mon_clocksource clocksource;       /* --clocksource, or 0 */
};

/* General registers in struct kvm_regs order (host_kvm.c asserts it). */
struct mon_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rflags;
};

/* What a personality reads of a vCPU's KVM_GET_SREGS: the control
 * registers and the hidden parts of CS and SS that decide its mode and
 * privilege (SDM Vol. 3A 3.4.5, 5.5). */
struct mon_sregs {
	uint64_t cr0, cr3, cr4, efer;
	uint64_t cs_base;
	uint8_t cs_l, cs_db, cs_dpl, ss_dpl;
};

#define MON_EFER_LMA (1ull << 10)       /* IA-32e mode active: SDM Vol. 3A 2.2.1 */

/* 64-bit mode: IA-32e mode and a code segment with L set; not
 * compatibility mode, and not the L bit alone, which only IA-32e mode
 * reads (SDM Vol. 3A 3.4.5, 5.2.1). */
static inline bool mon_sregs_64bit(const struct mon_sregs *s)
{
	return (s->efer & MON_EFER_LMA) && s->cs_l;
}

enum mon_exit_kind {
	MON_X_INTR,             /* KVM_RUN interrupted by a kick */
	MON_X_IO,
	MON_X_MMIO,
	MON_X_RDMSR,
	MON_X_WRMSR,
	MON_X_SHUTDOWN,         /* triple fault */
	MON_X_INTERNAL,         /* KVM internal error */
	MON_X_FAIL_ENTRY,
	MON_X_SYSTEM_EVENT,
	MON_X_OTHER,            /* any exit reason not listed above */
};

/* One decoded exit.  Pointers point into the vCPU's kvm_run page. */
struct mon_exit {
	enum mon_exit_kind kind;
	uint32_t reason;        /* raw KVM_EXIT_* number */
	uint64_t rip;
	struct mon_regs *regs;  /* sync regs; set *regs_dirty after a change */
	bool *regs_dirty;
	union {
		struct { uint16_t port; bool out; uint8_t size;
			 uint32_t count; uint8_t *data; } io;
		struct { uint64_t gpa; bool write; uint8_t len;
			 uint8_t *data; } mmio;
		struct { uint32_t index; uint64_t *data;
			 uint8_t *error; } msr;
		struct { uint64_t code; uint64_t detail; } info;
	};
};

/* A 64-bit register state that one vCPU's handler asks another vCPU to
 * load and run (mon_host.h vcpu_load): host_kvm_vcpu_load() keeps it in
 * the target's struct mon_vcpu and applies it on the target's own
 * thread, which owns its vCPU ioctls. */
struct mon_vcpu_load {
	struct mon_regs regs;
	uint64_t cr0, cr3, cr4, efer;
};

struct mon_vcpu {
	struct mon *mon;
	unsigned id;
	int fd;
	struct kvm_run *run;
	struct mon_regs *regs;
	bool regs_dirty;
	pthread_t thread;
	bool started;
	atomic_bool done;       /* its loop has ended (mon_run.c) */
	struct mon_vcpu_load load;      /* valid while load_pending */
	atomic_bool load_pending;
	/* Remote TLB flush (mon_host.h flush_tlb, host_kvm_flush_tlbs):
	 * requests made and the last one this vCPU's own thread has
	 * carried out. */
	atomic_ulong flush_req, flush_done;
};

/* One vCPU's one-shot timer (mon_clock.c); fn == NULL means disarmed. */
struct mon_timer {
	uint64_t deadline;      /* guest ns (mon_guest_ns) */
	void (*fn)(struct mon *mon, unsigned vcpu);
};

/* Guest time and the timer thread (mon_clock.h). */
struct mon_clock {
	uint64_t offset;        /* guest TSC - host TSC */
	uint64_t tsc0;          /* guest TSC at which guest ns is 0 */
	bool tsc_stable;        /* MON_CLOCK_TSC in effect (mon_clock_choose) */
	pthread_mutex_t lock;   /* guards timer[] and quit */
	pthread_cond_t cond;
	pthread_t thread;
	bool running, quit;
	struct mon_timer timer[MON_MAX_CPUS];
};

struct mon {
	struct mon_config cfg;
	const struct mon_pers *pers;
	uint8_t *ram;
	uint64_t ram_size;
	int kvm_fd, vm_fd;
	size_t run_size;
	uint32_t tsc_khz;
	unsigned nvcpu;
	struct mon_vcpu vcpu[MON_MAX_CPUS];
	struct mon_dev dev;
	struct mon_clock clock;
	uint8_t *extra;         /* MON_EXTRA_SIZE: special area, then pool */
	struct mon_region region[MON_MAX_REGIONS];      /* [0] special area */
	atomic_uint nregion;
	/* Make region i's current gpa a KVM slot (or remove it when
	 * MON_REGION_NONE); NULL in unit tests.  Returns 0 or -errno. */
	int (*map_region)(struct mon *mon, unsigned i);
	/* What the personalities ask of the host (mon_host.h): KVM's,
	 * set before their init; a fake in the host-free tests. */
	const struct mon_host *host;
	void *pers_state;       /* the personality's own, from its init */
	int out_fd;             /* guest console output (stdout) */
	struct mon_out out;     /* under dev.lock */
	pthread_t main_thread;
	void (*kick)(struct mon *mon);  /* NULL in unit tests */
	/* vCPU threads wait here until the sandbox is in place (mon_run.c). */
	struct { pthread_mutex_t lock; pthread_cond_t cond;
		 unsigned parked; bool open; } gate;
	uint64_t start_ns;      /* mon_now_ns() at vmi-run's start */
	atomic_bool stopped;
	_Atomic uint64_t stop_ns;       /* mon_now_ns() of the stop */
	atomic_ulong unknown;
	atomic_ulong intr;      /* KVM_RUN returns with EINTR (-v) */
	int status;
	char msg[320];
};

/* mon_args.c */
int mon_args_parse(int argc, const char *const argv[], struct mon_config *cfg,
		   char *err, size_t errlen);
int mon_parse_size(const char *s, uint64_t *out);
/* The --help text into (buf) (cap > 0 bytes, NUL-terminated); its
 * length, truncated to cap - 1. */
size_t mon_usage(char *buf, size_t cap);

/* mon_stop.c: the first stop wins; the message is printed once at exit.
 * stop_ns is set before stopped, so whoever sees the stop sees its time. */
void mon_stopf(struct mon *mon, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool mon_is_stopped(const struct mon *mon);
uint64_t mon_now_ns(void);      /* CLOCK_MONOTONIC */
/*
 * Exit codes a guest gives (port 0xf4, a Hyper-V crash report): its own
 * are 0-63, VMI_EXIT_SKIP and VMI_EXIT_ERROR (include/vmi/abi.h); every
 * other status is vmi-run's, and a guest must not be able to give one
 * (a guest-written 69 would read as "no KVM", a skip).  Returns (v) when
 * it is a guest code, else (other), the caller's status for "the guest
 * gave no valid code".  The one rule: docs/vmi-run.md "Exit status".
 */
bool mon_guest_code_ok(uint64_t v);
int mon_guest_status(uint64_t v, int other);
/* Guest-supplied text for a status line: at most (len) bytes of (in), up
 * to its first NUL, into (out) (cap > 0 bytes, always NUL-terminated),
 * each byte outside printable ASCII 0x20-0x7e replaced by '?', so that
 * the line stays one line and carries no terminal escapes.  Returns the
 * length written. */
size_t mon_oneline(char *out, size_t cap, const char *in, size_t len);
/* -v: one line on stderr, held back like guest output (mon_out_write). */
void mon_logf(const struct mon *mon, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* vmi-run's own one line ("vmi-run: ...") on stderr, given up if stderr
 * takes nothing for MON_OUT_GRACE_NS: a full stderr cannot hang it. */
void mon_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Wait until (fd) takes a write without blocking (POLLOUT; for a pipe:
 * a free page, so up to PIPE_BUF bytes go through) or has an error that
 * write() will name.  (until): a CLOCK_MONOTONIC deadline in ns, or 0
 * for "while the VM runs (at most until the watchdog's deadline), and
 * MON_OUT_GRACE_NS after its stop".  Looks again every MON_OUT_POLL_MS.
 * False if the deadline passed first. */
bool mon_fd_ready(const struct mon *mon, int fd, uint64_t until);
void mon_unknown(struct mon *mon, const struct mon_exit *x,
		 const char *what, uint64_t where, bool write);

/* mon_vcpu.c */
void *mon_vcpu_loop(void *arg);
/* mon_stop.c: stop the VM with the one line of an exit that ends it. */
void mon_fault_exit(struct mon *mon, const struct mon_vcpu *v,
		    const struct mon_exit *x);

#endif
