/* SPDX-License-Identifier: MIT */
/*
 * monitor/xen/pers_xen.h: the `xen` personality's state and the
 * interfaces between its files: pers_xen.c (CPUID, hypercall-page MSR,
 * the hypercall port: decoding, the hypercall table and its dispatch,
 * guest pointers through the caller's page tables, continuations),
 * pers_xen_evtchn.c (event channels and upcalls), pers_xen_hcall.c
 * (xen_version, console_io, hvm_op, the console ring and log),
 * pers_xen_mem.c (memory_op, grant table) and pers_xen_vcpu.c (vcpu_op,
 * sched_op, set_timer_op, pvclock).  Every number comes from the Xen
 * public headers of libxen-dev (/usr/include/xen).
 */
#ifndef PERS_XEN_H
#define PERS_XEN_H

/* The interface version the headers expose (xen-compat.h latest for
 * libxen-dev 4.17); vcpu_time_info.flags needs > 0x00040600. */
#ifndef __XEN_INTERFACE_VERSION__
#define __XEN_INTERFACE_VERSION__ 0x00040e00
#endif

/* The public headers use the <stdint.h> types without including it. */
#include <stdint.h>

#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/event_channel.h>

#include "mon.h"
#include "mon_clock.h"
#include "mon_cpuid.h"
#include "mon_host.h"


/* The Xen version vmi-run presents: the interface of the installed
 * public headers (libxen-dev 4.17).  XENVER_version and CPUID base+1. */
#define PERS_XEN_VERSION_MAJOR 4u
#define PERS_XEN_VERSION_MINOR 17u

/* Event channels offered: Xen's 2-level limit, EVTCHN_2L_NR_CHANNELS
 * (4096 on x86-64; public/event_channel.h).  A toolstack may set a lower
 * per-domain limit (xl's max_event_channels); vmi-run has none.  Port 0
 * is never valid, as in Xen (evtchn_init reserves it). */
#define PERS_XEN_PORTS ((unsigned)EVTCHN_2L_NR_CHANNELS)

/* The domain id DOMID_SELF stands for, where Xen writes one back
 * (EVTCHNOP_alloc_unbound remote_dom DOMID_SELF): the first id Xen gives
 * a domU (common/domctl.c hands them out from 1). */
#define PERS_XEN_DOMID 1u

/* Grant table v1 (public/grant_table.h): frames offered, xl's default
 * max_grant_frames (xl.conf(5): 64), of which INITIAL_NR_GRANT_FRAMES
 * (1, Xen's common/grant_table.c) exist from the start. */
#define PERS_XEN_GNT_MAX_FRAMES 64u
#define PERS_XEN_GNT_INITIAL_FRAMES 1u
/* Unimplemented hypercalls and sub-ops named under -v (once each). */
#define PERS_XEN_UNIMPL_MAX 64u

/* The special pages, in the special area below 0xFF000000 (mon.h), at
 * the indices Xen's domain builder gives them (libxenguest's
 * SPECIALPAGE_XENSTORE 4 and SPECIALPAGE_CONSOLE 7; QEMU's Xen emulation
 * uses the same).  The console page is HVM_PARAM_CONSOLE_PFN; the
 * xenstore page is kept free for HVM_PARAM_STORE_PFN (vmi-run has no
 * xenstore and answers 0 for it: docs/vmi-run.md). */
#define PERS_XEN_SPECIAL_PA(i) (MON_SPECIAL_PA + (uint64_t)(i) * 0x1000u)
#define PERS_XEN_SPECIALPAGE_XENSTORE 4u
#define PERS_XEN_SPECIALPAGE_CONSOLE 7u
#define PERS_XEN_CONSOLE_PA PERS_XEN_SPECIAL_PA(PERS_XEN_SPECIALPAGE_CONSOLE)

/* Hypercall-page stubs: 128 of 32 bytes, stub i = `mov $i,%eax; out
 * %al,$VMI_PORT_XEN_HYPERCALL; ret` (Xen's page layout, with an OUT in
 * place of VMCALL: public/arch-x86/xen-x86_64.h; Xen
 * arch/x86/hvm/svm/svm.c svm_init_hypercall_page). */
#define PERS_XEN_STUB_SIZE 32u
#define PERS_XEN_STUBS (4096u / PERS_XEN_STUB_SIZE)

enum pers_xen_kind {
	PERS_XEN_FREE, PERS_XEN_UNBOUND, PERS_XEN_VIRQ, PERS_XEN_IPI,
	PERS_XEN_CONSOLE
};

struct pers_xen_port {
	uint8_t kind;           /* enum pers_xen_kind */
	uint8_t virq;           /* PERS_XEN_VIRQ */
	uint16_t vcpu;          /* the vCPU it notifies */
	uint16_t remote;        /* PERS_XEN_UNBOUND: the remote domid named */
};

struct pers_xen_vcpu {
	uint64_t info;          /* GPA of its vcpu_info, 0 = none yet */
	bool info_registered;   /* VCPUOP_register_vcpu_info done */
	uint8_t vector;         /* per-vCPU upcall vector, 0 = none */
	bool initialised, up;   /* VCPUOP_initialise / VCPUOP_up */
	struct mon_vcpu_load start;     /* VCPUOP_initialise's context */
	uint16_t virq_port[NR_VIRQS];
	/* Upcalls raised on it (pers_xen_evtchn.c): each wakes its
	 * SCHEDOP_poll, as Xen's vcpu_kick() unblocks a polling vCPU. */
	uint32_t kicks;
};

struct pers_xen {
	pthread_mutex_t lock;   /* everything below */
	pthread_cond_t cond;    /* broadcast whenever a port becomes pending */
	uint64_t hcall_page;    /* GPA, 0 = none */
	uint64_t shared_info;   /* GPA, 0 = not mapped yet */
	uint8_t callback_vector;        /* HVM_PARAM_CALLBACK_IRQ type 2 */
	uint64_t callback_irq;          /* the parameter as set */
	uint32_t console_port;
	/* Xen's d->valid_evtchns: the ports that exist, bound or not
	 * (pers_xen_evtchn.c); grows a bucket at a time, never shrinks. */
	uint32_t valid_ports;
	uint64_t store_evtchn, console_evtchn_set;
	uint64_t wall_ns;       /* host wall clock at guest ns 0 */
	/* memory_op bookkeeping (Xen's p2m and d->tot_pages/max_pages);
	 * removed[], at the end, has a bit per RAM gfn. */
	uint64_t tot_pages, max_pages;
	uint64_t max_gpfn;              /* highest pool gfn ever mapped */
	/* Where monitor state lives in the guest's physical space: the
	 * GPA, and the pool page (mon.h) backing it or -1 for a RAM page. */
	int shared_pool;
	uint64_t gnt_gpa[PERS_XEN_GNT_MAX_FRAMES];    /* 0 = not mapped */
	int gnt_pool[PERS_XEN_GNT_MAX_FRAMES];
	unsigned gnt_frames;            /* nr_grant_frames() */
	uint32_t pool_used;             /* bit i: pool page i in use */
	/* console_io: at the start of a line of the log (stderr). */
	bool log_bol;
	uint64_t unimpl[PERS_XEN_UNIMPL_MAX]; /* (nr << 32 | sub-op + 1) seen */
	unsigned nunimpl;
	uint32_t tsc_mul;       /* pvclock scale of the guest TSC */
	int8_t tsc_shift;
	/* From the guest's CPUID, as Xen takes them from the domain's
	 * policy: the guest-physical address width (0x80000008 EAX[7:0])
	 * and 1 GiB pages (0x80000001 EDX[26]), for the page walk. */
	uint8_t maxphyaddr;
	bool page1gb;
	/* The CR4 and EFER bits a VCPUOP_initialise context may set (Xen's
	 * hvm_cr4_guest_valid_bits and hvm_efer_valid, by the same CPUID
	 * bits). */
	uint64_t cr4_valid, efer_valid;
	struct pers_xen_vcpu vcpu[MON_MAX_CPUS];
	struct pers_xen_port port[PERS_XEN_PORTS];
	/* One bit per RAM gfn that decrease_reservation removed, sized by
	 * guest RAM and allocated with the rest (pers_xen_init). */
	uint8_t removed[];
};

static inline struct pers_xen *pers_xen_of(struct mon *mon)
{
	return mon->pers_state;
}

/* The hypercall being handled on this thread, Xen's `current` (each
 * vCPU's hypercalls run on its own thread, and SCHEDOP_block/poll drop
 * px->lock while they wait, so this cannot live in struct pers_xen):
 * who called, from which mode, with which registers. */
struct pers_xen_call {
	unsigned vcpu;
	int mode;               /* hvm_guest_x86_mode(): 0 real, 1 vm86,
				 * 2 16-bit, 4 32-bit, 8 64-bit */
	int cpl;
	struct mon_sregs s;
	uint64_t rip, rflags;
	uint64_t nr, a[5];
	/* A continuation: re-execute the call with a[] after this exit,
	 * from the stub's first instruction at (restart_rip). */
	bool restart;
	int8_t stub;            /* 0 not looked yet, 1 a stub, -1 none */
	uint64_t restart_rip;
};

/*
 * The hypercall table (pers_xen.c): every hypercall, and for each of its
 * sub-ops the shape of its argument block.  The dispatcher validates and
 * copies in once, then calls the handler, which acts on the monitor's
 * copy: it checks the hypercall's vCPU argument (vcpu), finds the sub-op
 * by a[0] (subops) or takes the one op, checks the caller's own vCPU
 * (self), copies (size) bytes in from argument (block) (PERS_XEN_IN) or
 * zeroes them, calls (fn) with the copy, and on a 0 result copies it back
 * (PERS_XEN_OUT); for a 32-bit caller (size32) bytes where set.  A
 * fault while copying is the call's -EFAULT.  An unknown hypercall or
 * sub-op is -ENOSYS (named under -v).
 */
#define PERS_XEN_IN 1u
#define PERS_XEN_OUT 2u
/* The largest block: xen_capabilities_info_t. */
#define PERS_XEN_BLOCK_MAX 1024u
typedef long pers_xen_fn(struct mon *mon, struct pers_xen_call *c,
			 void *block);
struct pers_xen_op {
	uint32_t cmd;
	uint16_t size;          /* bytes of the argument block, 0 = none */
	uint8_t dir;            /* PERS_XEN_IN | PERS_XEN_OUT */
	bool self;              /* a[1] must be the caller: else -EINVAL */
	pers_xen_fn *fn;        /* NULL ends a table */
	/* A 32-bit caller's block, where Xen's compat layout differs in
	 * size (Xen's xlat.lst marks it "!"); the handler then decodes that
	 * layout (pers_xen_compat()).  0: (size) for both. */
	uint16_t size32;
};
struct pers_xen_hcall {
	const char *name;       /* for the -v log */
	const struct pers_xen_op *ops;  /* NULL: not implemented */
	uint8_t block;          /* the argument that points at the block */
	bool subops;            /* a[0] names the op; else ops[0] */
	bool vcpu;              /* a[1] names a vCPU: -ENOENT past the last */
};
/* The sub-op tables, one per hypercall, in the files that act. */
extern const struct pers_xen_op pers_xen_version_ops[];      /* _hcall.c */
extern const struct pers_xen_op pers_xen_console_io_ops[];   /* _hcall.c */
extern const struct pers_xen_op pers_xen_hvm_ops[];          /* _hcall.c */
/* memory_op and grant_table_op: one op each, which decodes its own
 * command (the command word carries a continuation's start extent,
 * resp. the count is an argument of its own) and blocks (compat
 * layouts for a 32-bit caller, lists of a guest-given length). */
extern const struct pers_xen_op pers_xen_memory_ops[];       /* _mem.c */
extern const struct pers_xen_op pers_xen_grant_ops[];        /* _mem.c */
extern const struct pers_xen_op pers_xen_evtchn_ops[];       /* _evtchn.c */
extern const struct pers_xen_op pers_xen_vcpu_ops[];         /* _vcpu.c */
extern const struct pers_xen_op pers_xen_sched_ops[];        /* _vcpu.c */
extern const struct pers_xen_op pers_xen_timer_ops[];        /* _vcpu.c */

/* The current hypercall, or NULL outside one. */
struct pers_xen_call *pers_xen_current(void);

/* Hypercall continuations (Xen's hypercall_create_continuation): a
 * hypercall whose work depends on a guest count does a bounded part
 * per exit and is then re-executed with arguments that say where to
 * go on.  Possible only for a call from a stub of the hypercall page
 * (pers_xen.c says why); pers_xen_can_continue() says whether the current
 * one is, pers_xen_continue() sets argument (i) to (v) and asks for the
 * re-execution. */
bool pers_xen_can_continue(struct mon *mon);
void pers_xen_continue(struct mon *mon, unsigned i, uint64_t v);

/* A 32-bit caller (Xen's compat layouts apply). */
static inline bool pers_xen_compat(void)
{
	const struct pers_xen_call *c = pers_xen_current();

	return c && c->mode != 8;
}

/* pers_xen.c: a guest structure of (len) bytes at the current
 * caller's linear address (va), copied in or out page by page as Xen's
 * copy_from_guest/copy_to_guest do for an HVM guest: translated through
 * the caller's page tables, each page in guest RAM; else -EFAULT (an
 * out copy may have written the pages before the one that failed, as in
 * Xen).  Outside a hypercall: -EFAULT. */
long pers_xen_copy_in(struct mon *mon, void *dst, uint64_t va, uint64_t len);
long pers_xen_copy_out(struct mon *mon, uint64_t va, const void *src,
		       uint64_t len);

/* pers_xen_evtchn.c, all with px->lock held. */
void pers_xen_evtchn_init(struct pers_xen *px);
/* Mark (port) pending and, unless masked, raise the upcall on the vCPU
 * it notifies (Xen common/event_2l.c evtchn_2l_set_pending). */
void pers_xen_set_pending(struct mon *mon, uint32_t port);
/* Is (port) pending in shared_info? */
bool pers_xen_port_pending(struct mon *mon, uint32_t port);
/* Mark an upcall pending on (vcpu) and raise it if that is new. */
void pers_xen_kick_upcall(struct mon *mon, unsigned vcpu);
/* Raise the upcall on (vcpu), whether one is pending or not: Xen's
 * hvm_assert_evtchn_irq, which HVMOP_set_evtchn_upcall_vector calls
 * unconditionally (arch/x86/hvm/hvm.c; the guest finds nothing pending
 * if nothing is). */
void pers_xen_assert_upcall(struct mon *mon, unsigned vcpu);

/* pers_xen.c: under -v, name an unimplemented hypercall (sub = -1) or
 * sub-op once, with the caller's RIP. */
void pers_xen_unimplemented(struct mon *mon, unsigned nr, int64_t sub,
			    const char *what);

/* pers_xen_mem.c */
/* Move a monitor page (shared_info, a grant frame) whose contents are at
 * (*gpa, 0 = none yet; *pool its pool page or -1) to (gfn): RAM or a
 * pool page in a hole.  Returns 0 or -XEN_EINVAL/-XEN_ENOMEM. */
long pers_xen_place_page(struct mon *mon, uint64_t *gpa, int *pool,
			 uint64_t gfn);
void pers_xen_mem_init(struct mon *mon);

/* pers_xen_vcpu.c */
/* Write vcpu_time_info into (vcpu)'s vcpu_info (fixed TSC rate). */
void pers_xen_write_time(struct mon *mon, unsigned vcpu);
/* Xen system time now: ns since guest TSC tsc0, by the pvclock scale
 * the guest also uses. */
uint64_t pers_xen_now(const struct mon *mon);

/* pers_xen_hcall.c: print a guest console buffer in order with the UART. */
void pers_xen_console_out(struct mon *mon, const char *buf, size_t len);
/* Write to vmi-run's log of the hypervisor (stderr): console_io. */
void pers_xen_log_out(struct mon *mon, const char *buf, size_t len);
/* Drain the PV console ring (EVTCHNOP_send to the console port). */
void pers_xen_console_drain(struct mon *mon);

#endif
