/* SPDX-License-Identifier: MIT */
/*
 * monitor/mon.h: vmi-run core: the VM state, the guest-physical layout,
 * the neutral exit record the KVM layer decodes into, and the pure
 * functions (arguments, ELF, ACPI, memory map, devices) that the unit
 * tests drive without /dev/kvm.  Nothing here includes <linux/kvm.h>.
 */
#ifndef MON_H
#define MON_H

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mon_exit.h"

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

/*
 * Guest-physical layout.  The monitor writes only these ranges; an image
 * segment may not overlap them, and the memory map reports them reserved.
 * 0x8000 (VMI_TRAMPOLINE_PA) stays ordinary RAM: it is the guest's.
 */
#define MON_ZERO_PAGE_PA  0x0ull       /* real-mode IVT/BDA, left unused */
#define MON_START_INFO_PA 0x1000ull    /* struct hvm_start_info */
#define MON_MEMMAP_PA     0x1040ull    /* hvm_memmap_table_entry[] */
#define MON_MEMMAP_MAX    8u
#define MON_CMDLINE_PA    0x2000ull    /* NUL-terminated command line */
#define MON_BOOT_END      0x3000ull
#define MON_BIOS_PA       0xA0000ull   /* legacy VGA/ROM hole, as on a PC */
#define MON_ACPI_PA       0xE0000ull   /* RSDP scan area (ACPI 6.4 5.2.5.1) */
#define MON_BIOS_END      0x100000ull

/*
 * Monitor pages outside guest RAM (personalities that ask for them:
 * struct mon_pers.special).  The special area is 8 pages ending at
 * 0xFF000000, where Xen's domain builder puts an HVM/PVH domain's special
 * pages (libxenguest's X86_HVM_END_SPECIAL_REGION 0xff000 and
 * X86_HVM_NR_SPECIAL_PAGES 8) and QEMU's Xen emulation its
 * XEN_SPECIAL_AREA_ADDR 0xFEFF8000; the memory map reports it reserved.
 * The pool is pages a personality maps at run time at a gfn outside RAM
 * (Xen XENMEM_add_to_physmap into a hole); each is its own KVM slot.
 * Every monitor access to them goes through mon_gpa_ptr, as to RAM.
 */
#define MON_SPECIAL_PA    0xFEFF8000ull
#define MON_SPECIAL_PAGES 8u
#define MON_SPECIAL_END   (MON_SPECIAL_PA + MON_SPECIAL_PAGES * 0x1000ull)
#define MON_POOL_PAGES    16u
#define MON_MAX_REGIONS   (1u + MON_POOL_PAGES)
#define MON_EXTRA_SIZE    ((MON_SPECIAL_PAGES + MON_POOL_PAGES) * 0x1000ull)

/* Port map (see docs/vmi-run.md).  PM1a blocks are the FADT's; 0xcf9 is
 * the PIIX/ICH reset control register named by the FADT RESET_REG. */
#define MON_PORT_PM1A_EVT 0x600u
#define MON_PORT_PM1A_CNT 0x604u
#define MON_PORT_RESET    0xcf9u
#define MON_PORT_POST     0x80u
/* SLP_TYP of \_S5 in the DSDT (mon_acpi.c); PM1_CNT bits 10-12 and
 * SLP_EN bit 13 (ACPI 6.4 4.8.3.2.1, Table 4.13). */
#define MON_ACPI_S5_SLP_TYP 5u
#define MON_PM1_SLP_TYP_SHIFT 10
#define MON_PM1_SLP_EN (1u << 13)
#define MON_PM1_SCI_EN (1u << 0)

/* Fail closed: after this many accesses to unknown ports, MMIO or MSRs
 * the guest is stopped (a guest spinning on them would never end). */
#define MON_UNKNOWN_CAP   10000ul
#define MON_UNKNOWN_LOG   16ul

struct mon;
struct mon_host;
struct mon_pers;
struct kvm_run;

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

struct mon_uart {
	uint8_t lcr, mcr, ier, scr, dll, dlm;
	size_t len;
	char buf[512];
};

/* Guest console output to mon.out_fd (stdout), mon_out_write(): what
 * could not be written, and why; reported on vmi-run's one line. */
struct mon_out {
	uint64_t dropped;       /* bytes */
	int err;                /* errno that ended output for good, or 0 */
	bool late;              /* not writable within MON_OUT_GRACE_NS */
};

struct mon_pic {
	uint8_t mask;
	uint8_t icw_left;       /* initialisation words still expected */
	bool icw4;
};

struct mon_dev {
	pthread_mutex_t lock;
	struct mon_uart uart;
	struct mon_pic pic[2];
	uint8_t pit_flip[3];
	uint16_t pm1_cnt;
	uint8_t port61;
	uint8_t rtc_index;
	uint64_t legacy_writes; /* ignored PIC/PIT/ELCR writes (-v) */
	uint64_t pio_exits;
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
	pthread_mutex_t lock;   /* guards timer[] and quit */
	pthread_cond_t cond;
	pthread_t thread;
	bool running, quit;
	struct mon_timer timer[MON_MAX_CPUS];
};

/* A range of monitor pages mapped into the guest outside RAM.  Entries
 * are published by a release store of mon.nregion and never move in
 * memory; gpa is MON_REGION_NONE while unmapped (a stale reader then
 * misses it; the host pages stay valid until exit). */
#define MON_REGION_NONE UINT64_MAX
struct mon_region {
	_Atomic uint64_t gpa;
	uint64_t size;
	uint8_t *host;
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
void mon_usage(int fd);

/* mon_mem.c: the only way to reach guest memory. */
void *mon_gpa_ptr(const struct mon *mon, uint64_t gpa, uint64_t len);
/* Copy (len) bytes of guest-physical memory at (gpa) into (dst), or
 * from (src) to it: true if all of them are guest memory (one piece of
 * RAM or of one monitor page area, as mon_gpa_ptr), else false with
 * nothing copied; len 0 is no range (false).  The personalities' one
 * physical copy: the caller checks and uses its own copy, so a value
 * another vCPU rewrites meanwhile is never read twice. */
bool mon_copy_in(const struct mon *mon, void *dst, uint64_t gpa,
		 uint64_t len);
bool mon_copy_out(struct mon *mon, uint64_t gpa, const void *src,
		  uint64_t len);
struct mon_range { uint64_t start, end; const char *what; };
extern const struct mon_range mon_reserved[];
extern const unsigned mon_nreserved;
struct hvm_memmap_table_entry;
unsigned mon_memmap_build(uint64_t mem, bool special,
			  struct hvm_memmap_table_entry *out, unsigned max);
/* Give the guest the special area at MON_SPECIAL_PA, backed by extra
 * (MON_EXTRA_SIZE bytes, zeroed), as region 0. */
void mon_special_init(struct mon *mon, uint8_t *extra);
/* Map pool page (page, < MON_POOL_PAGES) at (gpa), or unmap it with
 * MON_REGION_NONE; returns a pointer to the page or NULL. */
void *mon_pool_map(struct mon *mon, unsigned page, uint64_t gpa);
int mon_boot_info_write(struct mon *mon, const char *cmdline, uint64_t rsdp);

/* mon_acpi.c */
long mon_acpi_build(uint8_t *area, size_t len, uint64_t base, unsigned ncpus);
uint8_t mon_acpi_sum(const uint8_t *p, size_t len);

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

/* mon_dev.c */
void mon_dev_init(struct mon_dev *dev);
void mon_pio(struct mon *mon, unsigned vcpu, const struct mon_exit *x);
void mon_mmio(struct mon *mon, unsigned vcpu, const struct mon_exit *x);
void mon_msr(struct mon *mon, unsigned vcpu, const struct mon_exit *x);
void mon_uart_flush(struct mon *mon);
void mon_exit_dispatch(struct mon *mon, const struct mon_vcpu *v,
		       const struct mon_exit *x);

/* mon_uart.c: guest console output, called with dev.lock held (or after
 * the vCPU threads ended).  While the VM runs, a stdout that cannot take
 * more holds the writer back (a slow reader loses nothing); once the VM
 * has stopped, output that cannot be written within MON_OUT_GRACE_NS of
 * the stop is dropped, as is all output after a write error (EPIPE,
 * ENOSPC, EBADF...), so that vmi-run always ends.  Never blocks for
 * longer than MON_OUT_POLL_MS without looking at mon_is_stopped(). */
#define MON_OUT_GRACE_NS   250000000ull
#define MON_OUT_GRACE_TEXT "0.25 s"
#define MON_OUT_POLL_MS    20
/* After the stop, the watchdog waits this long for the vCPU threads to
 * end (mon_run.c), then leaves without a thread that has not: writers
 * give up at MON_OUT_GRACE_NS, so only a thread stuck in a system call
 * is left behind, and vmi-run still ends within 1 s of the stop. */
#define MON_JOIN_GRACE_NS  500000000ull
void mon_out_write(struct mon *mon, const char *buf, size_t len);
/* The note for vmi-run's one line ("N bytes of guest output dropped
 * (...)"), or "" if nothing was dropped.  Returns its length. */
size_t mon_out_note(const struct mon *mon, char *buf, size_t cap);

/* mon_vcpu.c */
void *mon_vcpu_loop(void *arg);
/* mon_stop.c: stop the VM with the one line of an exit that ends it. */
void mon_fault_exit(struct mon *mon, const struct mon_vcpu *v,
		    const struct mon_exit *x);

#endif
