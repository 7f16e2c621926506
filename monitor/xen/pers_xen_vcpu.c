/* SPDX-License-Identifier: MIT */
/*
 * monitor/xen/pers_xen_vcpu.c: the per-vCPU hypercalls of the `xen`
 * personality: vcpu_op (start, vcpu_info, one-shot timer), sched_op
 * (yield, block, poll, shutdown), set_timer_op, and the pvclock that
 * vcpu_info.time carries (public/vcpu.h, public/sched.h, public/xen.h).
 * Called with px->lock held; the blocking ops wait on px->cond, which
 * releases it.
 */
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "pers_xen.h"

#include <xen/hvm/hvm_vcpu.h>
#include <xen/sched.h>
#include <xen/vcpu.h>

#define PERS_XEN_WAIT_NS 20000000ull          /* recheck "stopped" this often */
#define PERS_XEN_POLL_MAX 128u  /* Xen do_poll(): nr_ports limit */
/* set_timer_op: a deadline this far ahead, or negative, fires in 100 ms
 * instead (Xen common/sched/core.c do_set_timer_op). */
#define PERS_XEN_TIMER_FAR (1ull << 50)
#define PERS_XEN_TIMER_SLOP 100000000ull
/* Control-register bits a 64-bit start needs or may not have (SDM
 * Vol. 3A 2.5, 2.2.1). */
#define CR0_PE (1ull << 0)
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define EFER_LME (1ull << 8)

uint64_t pers_xen_now(const struct mon *mon)
{
	const struct pers_xen *px = mon->pers_state;
	uint64_t d = mon->host->guest_tsc(mon) - mon->clock.tsc0;

	d = px->tsc_shift < 0 ? d >> -px->tsc_shift : d << px->tsc_shift;
	return (uint64_t)(((unsigned __int128)d * px->tsc_mul) >> 32);
}

/* (vcpu)'s vcpu_info, or NULL before it has one (GPA 0 means none). */
static struct vcpu_info *pers_xen_info(struct mon *mon, unsigned vcpu)
{
	uint64_t gpa = pers_xen_of(mon)->vcpu[vcpu].info;

	return gpa ? mon_gpa_ptr(mon, gpa, sizeof(struct vcpu_info)) : NULL;
}

/* The guest TSC runs at a fixed rate from a fixed offset, so one record
 * {tsc0 -> 0 ns} stays exact: written once, version even.  The stable bit
 * only with --clocksource tsc: Xen sets it only when its own clocksource
 * is the TSC, which takes clocksource=tsc on its command line
 * (xen/arch/x86/time.c, clocksource_is_tsc()). */
void pers_xen_write_time(struct mon *mon, unsigned vcpu)
{
	struct pers_xen *px = pers_xen_of(mon);
	struct vcpu_info *vi = pers_xen_info(mon, vcpu);
	struct vcpu_time_info *t = vi ? &vi->time : NULL;

	if (!t)
		return;
	__atomic_store_n(&t->version, 1, __ATOMIC_SEQ_CST);
	t->tsc_timestamp = mon->clock.tsc0;
	t->system_time = 0;
	t->tsc_to_system_mul = px->tsc_mul;
	t->tsc_shift = px->tsc_shift;
	t->flags = mon->clock.tsc_stable ? XEN_PVCLOCK_TSC_STABLE_BIT : 0;
	__atomic_store_n(&t->version, 2, __ATOMIC_SEQ_CST);
}

/* Wait on px->cond for at most (ns), and never past a VM stop. */
static void pers_xen_wait(struct mon *mon, uint64_t ns)
{
	struct timespec ts;

	if (ns > PERS_XEN_WAIT_NS)
		ns = PERS_XEN_WAIT_NS;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ns += (uint64_t)ts.tv_nsec;
	ts.tv_sec += (time_t)(ns / 1000000000u);
	ts.tv_nsec = (long)(ns % 1000000000u);
	pthread_cond_timedwait(&pers_xen_of(mon)->cond, &pers_xen_of(mon)->lock, &ts);
}

/* Xen's send_timer_event(): VIRQ_TIMER on (vcpu), if it is bound.
 * px->lock held. */
static void pers_xen_timer_event(struct mon *mon, unsigned vcpu)
{
	uint16_t port = pers_xen_of(mon)->vcpu[vcpu].virq_port[VIRQ_TIMER];

	if (port)
		pers_xen_set_pending(mon, port);
}

/* The monitor's timer expired (on the timer thread). */
static void pers_xen_timer_fire(struct mon *mon, unsigned vcpu)
{
	struct pers_xen *px = pers_xen_of(mon);

	pthread_mutex_lock(&px->lock);
	pers_xen_timer_event(mon, vcpu);
	pthread_mutex_unlock(&px->lock);
}

/* Arm (vcpu)'s timer for Xen system time (deadline).  Xen keeps the
 * deadline as s_time_t (common/timer.c set_timer), so one with bit 63
 * set is negative; one that has passed fires before the vCPU is back in
 * the guest (set_timer raises TIMER_SOFTIRQ, which runs on the way back;
 * VCPUOP_set_singleshot_timer sends the event itself), so its event is
 * pending when the call returns: here too, with any armed timer
 * cancelled.  The monitor's timer counts exact ns; the guest's pvclock
 * rounds its scale down, so a microsecond of slack keeps a future event
 * from arriving early; the sum saturates (mon_add_sat), never wraps. */
static void pers_xen_timer_arm(struct mon *mon, unsigned vcpu,
			       uint64_t deadline)
{
	const struct mon_host *host = mon->host;
	uint64_t now = pers_xen_now(mon);

	if ((int64_t)deadline <= 0 || deadline <= now) {
		host->timer_cancel(mon, vcpu);
		pers_xen_timer_event(mon, vcpu);
		return;
	}
	host->timer_arm(mon, vcpu, mon_add_sat(host->guest_ns(mon),
					       deadline - now + 1000),
			pers_xen_timer_fire);
}

/* set_timer_op(timeout).  A 32-bit caller passes the deadline in two
 * halves, the high one signed (Xen common/sched/compat.c
 * compat_set_timer_op). */
static long set_timer_op(struct mon *mon, struct pers_xen_call *c, void *b)
{
	uint64_t now = pers_xen_now(mon), timeout = c->a[0];
	unsigned vcpu = c->vcpu;

	(void)b;
	if (pers_xen_compat())
		timeout = (uint64_t)(int64_t)(int32_t)c->a[1] << 32 |
			  (uint32_t)c->a[0];

	if (timeout == 0) {
		mon->host->timer_cancel(mon, vcpu);
		return 0;
	}
	if ((int64_t)timeout < 0 || (timeout > now &&
				     timeout - now > PERS_XEN_TIMER_FAR))
		timeout = now + PERS_XEN_TIMER_SLOP;
	pers_xen_timer_arm(mon, vcpu, timeout);
	return 0;
}

const struct pers_xen_op pers_xen_timer_ops[] = {
	{ 0, 0, 0, false, set_timer_op, 0 },
	{ 0 }
};

/* A context VCPUOP_initialise takes (public/hvm/hvm_vcpu.h): only
 * VCPU_HVM_MODE_64B is implemented.  Xen's checks (arch/x86/hvm/domain.c
 * arch_set_info_hvm_guest): pad zero, a canonical RIP, CR0.PG, CR4.PAE,
 * EFER.LME; then CR4 within hvm_cr4_guest_valid_bits() and EFER (with
 * LMA, which Xen sets) as hvm_efer_valid() wants, both by the guest's
 * CPUID (pers_xen.c).  Then the state KVM_SET_SREGS refuses when
 * VCPUOP_up loads it (Linux kvm_is_valid_cr0, kvm_is_valid_sregs): CR0
 * bits above 31, PG without PE, NW without CD (a MOV to CR0 would #GP:
 * SDM Vol. 3A 2.5), a CR3 with bits at or above the guest's MAXPHYADDR.
 * Xen does not check those here and its VM entry fails later, crashing
 * the domain; vmi-run refuses them with -EINVAL, so that nothing a
 * guest passes can make the load fail as a host error.  CR3 is
 * otherwise unchecked, as Xen with HAP: a bad one faults the vCPU when
 * it runs. */
static bool pers_xen_context_ok(const struct pers_xen *px,
				const struct vcpu_hvm_context *c)
{
	const struct vcpu_hvm_x86_64 *r = &c->cpu_regs.x86_64;
	uint64_t efer = r->efer | MON_EFER_LMA;

	if (c->pad || c->mode != VCPU_HVM_MODE_64B ||
	    (uint64_t)((int64_t)(r->rip << 16) >> 16) != r->rip ||
	    !(r->cr0 & CR0_PG) || !(r->cr4 & CR4_PAE) ||
	    !(r->efer & EFER_LME) || (r->cr4 & ~px->cr4_valid) ||
	    (efer & ~px->efer_valid))
		return false;
	return !(r->cr0 >> 32) && (r->cr0 & CR0_PE) &&
	       (!(r->cr0 & CR0_NW) || (r->cr0 & CR0_CD)) &&
	       !(r->cr3 >> px->maxphyaddr);
}

/* Xen's common_vcpu_op first refuses a vCPU that has no vcpu_info (one
 * past shared_info's XEN_LEGACY_MAX_VCPUS slots that has not registered
 * its own) with -EINVAL, then reads the context (arch_initialise_vcpu). */
static long vcpu_initialise(struct mon *mon, struct pers_xen_call *call,
			    void *b)
{
	struct pers_xen *px = pers_xen_of(mon);
	struct vcpu_hvm_context ctx;
	const struct vcpu_hvm_context *c = &ctx;
	const struct vcpu_hvm_x86_64 *r = &c->cpu_regs.x86_64;
	unsigned id = (unsigned)call->a[1];
	long e;

	(void)b;
	if (id >= XEN_LEGACY_MAX_VCPUS && !px->vcpu[id].info_registered)
		return -XEN_EINVAL;
	if ((e = pers_xen_copy_in(mon, &ctx, call->a[2], sizeof(ctx))) < 0)
		return e;
	if (px->vcpu[id].initialised)
		return -XEN_EEXIST;
	if (!pers_xen_context_ok(px, c))
		return -XEN_EINVAL;
	px->vcpu[id].start = (struct mon_vcpu_load){
		.regs = { .rax = r->rax, .rbx = r->rbx, .rcx = r->rcx,
			  .rdx = r->rdx, .rsi = r->rsi, .rdi = r->rdi,
			  .rsp = r->rsp, .rbp = r->rbp, .rip = r->rip,
			  .rflags = r->rflags | 2 },
		.cr0 = r->cr0, .cr3 = r->cr3, .cr4 = r->cr4, .efer = r->efer,
	};
	px->vcpu[id].initialised = true;
	return 0;
}

static long vcpu_up(struct mon *mon, struct pers_xen_call *c, void *b)
{
	struct pers_xen *px = pers_xen_of(mon);
	unsigned id = (unsigned)c->a[1];

	(void)b;
	if (!px->vcpu[id].initialised)
		return -XEN_EINVAL;
	if (px->vcpu[id].up)
		return 0;
	px->vcpu[id].up = true;
	return mon->host->vcpu_load(mon, id, &px->vcpu[id].start) < 0 ?
	       -XEN_EINVAL : 0;
}

/* VCPUOP_register_vcpu_info (Xen common/domain.c map_vcpu_info): an
 * offset that crosses the page or is not aligned to vcpu_info's
 * alignment (8: the monitor updates it with atomics) is -ENXIO, then a
 * second registration, another vCPU that is not down (Xen: "on yourself
 * or on other offline VCPUS"; moving it would race with that vCPU's own
 * updates) or a frame outside RAM -EINVAL; rsvd is not looked at.  The
 * current contents move with it.  Without any it starts zeroed: for a
 * vCPU past 31 with the upcall masked, as Xen's dummy vcpu_info; for one
 * with a slot in a shared_info not mapped yet, not masked, as the copy
 * of that slot in Xen's own page, which nothing masks for an HVM or PVH
 * domain (x86/domain.c clears the page; libxenguest masks PV domains'
 * slots only).  Then every selector bit and the upcall are marked
 * pending, as Xen does "to make sure nothing gets lost". */
static long vcpu_register_info(struct mon *mon, struct pers_xen_call *c,
			       void *b)
{
	struct pers_xen *px = pers_xen_of(mon);
	const struct vcpu_register_vcpu_info *ri = b;
	unsigned id = (unsigned)c->a[1];
	struct vcpu_info *old, *new;
	uint64_t gpa;

	if (ri->offset > 4096 - sizeof(struct vcpu_info) ||
	    ri->offset % _Alignof(struct vcpu_info))
		return -XEN_ENXIO;
	if (px->vcpu[id].info_registered ||
	    (id != c->vcpu && px->vcpu[id].up) ||
	    ri->mfn > (UINT64_MAX >> 12))
		return -XEN_EINVAL;
	gpa = (ri->mfn << 12) + ri->offset;
	/* GPA 0 is "no vcpu_info" here: refused, where Xen takes it
	 * (docs/vmi-run.md), as add_to_physmap refuses gfn 0. */
	if (gpa == 0 || !(new = mon_gpa_ptr(mon, gpa, sizeof(*new))))
		return -XEN_EINVAL;
	old = pers_xen_info(mon, id);
	if (!old) {
		memset(new, 0, sizeof(*new));
		new->evtchn_upcall_mask = id >= XEN_LEGACY_MAX_VCPUS;
	} else if (old != new) {
		memmove(new, old, sizeof(*new));
	}
	px->vcpu[id].info = gpa;
	px->vcpu[id].info_registered = true;
	pers_xen_write_time(mon, id);
	__atomic_store_n(&new->evtchn_pending_sel, ~(xen_ulong_t)0,
			 __ATOMIC_SEQ_CST);
	pers_xen_kick_upcall(mon, id);
	return 0;
}

static long vcpu_singleshot(struct mon *mon, struct pers_xen_call *c,
			    void *b)
{
	const struct vcpu_set_singleshot_timer *t = b;

	/* VCPU_SSHOTTMR_future "can be ignored by the hypervisor"
	 * (public/vcpu.h), and Xen 4.17 does: a deadline already passed
	 * fires at once (common/domain.c). */
	pers_xen_timer_arm(mon, c->vcpu, t->timeout_abs_ns);
	return 0;
}

static long vcpu_is_up(struct mon *mon, struct pers_xen_call *c, void *b)
{
	(void)b;
	return pers_xen_of(mon)->vcpu[c->a[1]].up;
}

/* No periodic timer is ever running. */
static long vcpu_stop_periodic(struct mon *mon, struct pers_xen_call *c,
			       void *b)
{
	(void)mon, (void)c, (void)b;
	return 0;
}

static long vcpu_stop_singleshot(struct mon *mon, struct pers_xen_call *c,
				 void *b)
{
	(void)b;
	mon->host->timer_cancel(mon, c->vcpu);
	return 0;
}

/* A 32-bit caller's vcpu_set_singleshot_timer is 12 bytes: the same
 * fields, without the tail padding (4-byte aligned uint64_t; Xen's
 * xlat.lst translates it). */
#define PERS_XEN_COMPAT_SINGLESHOT 12u

/* vcpu_op(cmd, vcpuid, arg): the table checks vcpuid, and that the
 * one-shot timer ops name the caller's own (Xen's answer otherwise:
 * -EINVAL). */
#define IN PERS_XEN_IN
const struct pers_xen_op pers_xen_vcpu_ops[] = {
	{ VCPUOP_initialise, 0, 0, false, vcpu_initialise, 0 },
	{ VCPUOP_up, 0, 0, false, vcpu_up, 0 },
	{ VCPUOP_is_up, 0, 0, false, vcpu_is_up, 0 },
	{ VCPUOP_register_vcpu_info, sizeof(struct vcpu_register_vcpu_info),
	  IN, false, vcpu_register_info, 0 },
	{ VCPUOP_stop_periodic_timer, 0, 0, false, vcpu_stop_periodic, 0 },
	{ VCPUOP_set_singleshot_timer,
	  sizeof(struct vcpu_set_singleshot_timer), IN, true,
	  vcpu_singleshot, PERS_XEN_COMPAT_SINGLESHOT },
	{ VCPUOP_stop_singleshot_timer, 0, 0, true, vcpu_stop_singleshot, 0 },
	{ 0 }
};

/* SCHEDOP_block: wait until an upcall is pending for this vCPU.  Xen
 * first enables event delivery, clearing the caller's
 * evtchn_upcall_mask (common/sched/core.c vcpu_block_enable_events,
 * local_event_delivery_enable), for an HVM vCPU too. */
static long sched_block(struct mon *mon, struct pers_xen_call *c, void *b)
{
	unsigned vcpu = c->vcpu;
	struct vcpu_info *self = pers_xen_info(mon, vcpu);

	(void)b;
	if (self)
		__atomic_store_n(&self->evtchn_upcall_mask, 0, __ATOMIC_SEQ_CST);
	while (!mon_is_stopped(mon)) {
		struct vcpu_info *vi = pers_xen_info(mon, vcpu);
		if (!vi || __atomic_load_n(&vi->evtchn_upcall_pending,
					   __ATOMIC_SEQ_CST))
			break;
		pers_xen_wait(mon, PERS_XEN_WAIT_NS);
	}
	return 0;
}

/* A 32-bit caller's sched_poll (Xen's compat_sched_poll, common/sched/
 * compat.c compat_poll): a 4-byte guest handle, so the count and the
 * deadline move up. */
struct pers_xen_compat_sched_poll {
	uint32_t ports, nr_ports;
	uint64_t timeout;
};
_Static_assert(sizeof(struct pers_xen_compat_sched_poll) == 16, "compat");

/* SCHEDOP_poll: wait until one of the ports is pending (masked or not),
 * an upcall is raised on the caller, or the absolute (timeout) passes
 * (Xen common/sched/core.c do_poll: the vCPU blocks, and the upcall's
 * vcpu_kick() unblocks it, arch/x86/hvm/vlapic.c vlapic_set_irq).  A
 * timeout with bit 63 set is a negative s_time_t, already past: Xen's
 * poll timer fires at once (common/timer.c).  Like Xen, it reads the
 * ports one by one and stops at the first that is unreadable (-EFAULT),
 * past the limit or not in use (-EINVAL: a free port, or port 0, which
 * Xen reserves; xen/include/xen/event.h evtchn_port_poll, evtchn_usable)
 * or pending (0). */
static long sched_poll(struct mon *mon, struct pers_xen_call *c, void *b)
{
	evtchn_port_t ports[PERS_XEN_POLL_MAX];
	const struct pers_xen_compat_sched_poll *cp = b;
	struct sched_poll sp = *(const struct sched_poll *)b;
	uint64_t list = (uint64_t)(uintptr_t)sp.ports.p;
	const uint32_t *kicks = &pers_xen_of(mon)->vcpu[c->vcpu].kicks;
	uint32_t kicks0 = *kicks;
	long e;

	if (pers_xen_compat()) {
		list = cp->ports;
		sp.nr_ports = cp->nr_ports;
		sp.timeout = cp->timeout;
	}
	if (sp.nr_ports > PERS_XEN_POLL_MAX)
		return -XEN_EINVAL;
	for (unsigned i = 0; i < sp.nr_ports; i++) {
		if ((e = pers_xen_copy_in(mon, &ports[i], list + i * sizeof(ports[0]),
					  sizeof(ports[0]))) < 0)
			return e;
		if (ports[i] >= PERS_XEN_PORTS ||
		    pers_xen_of(mon)->port[ports[i]].kind == PERS_XEN_FREE)
			return -XEN_EINVAL;
		if (pers_xen_port_pending(mon, ports[i]))
			return 0;
	}
	while (!mon_is_stopped(mon)) {
		uint64_t now = pers_xen_now(mon);
		for (unsigned i = 0; i < sp.nr_ports; i++)
			if (pers_xen_port_pending(mon, ports[i]))
				return 0;
		if (*kicks != kicks0 || (sp.timeout &&
		    ((int64_t)sp.timeout < 0 || now >= sp.timeout)))
			return 0;
		pers_xen_wait(mon, sp.timeout ? sp.timeout - now : PERS_XEN_WAIT_NS);
	}
	return 0;
}

/* SCHEDOP_shutdown: the reason becomes vmi-run's exit status
 * (docs/vmi-run.md): poweroff 0, reboot 6, crash and watchdog 5, any
 * other 70.  Xen takes the reason's low byte and shuts the domain down
 * whatever it is (common/sched/core.c: domain_shutdown(d,
 * (u8)reason)), so 0x100 is a poweroff there too. */
static long sched_shutdown(struct mon *mon, struct pers_xen_call *c,
			   void *b)
{
	uint8_t reason = (uint8_t)((const struct sched_shutdown *)b)->reason;
	unsigned vcpu = c->vcpu;

	switch (reason) {
	case SHUTDOWN_poweroff:
		mon_stopf(mon, VMI_EXIT_OK, "%s", "");
		return 0;
	case SHUTDOWN_reboot:
		mon_stopf(mon, VMI_EXIT_REBOOT, "guest rebooted (Xen SHUTDOWN_"
			  "reboot) on vcpu %u; exit %d", vcpu, VMI_EXIT_REBOOT);
		return 0;
	case SHUTDOWN_crash:
	case SHUTDOWN_watchdog:
		mon_stopf(mon, VMI_EXIT_CRASH, "guest reported a crash (Xen "
			  "SCHEDOP_shutdown reason %u) on vcpu %u; exit %d",
			  reason, vcpu, VMI_EXIT_CRASH);
		return 0;
	default:        /* suspend, soft_reset, or a reason Xen has no name for */
		mon_stopf(mon, MON_EXIT_CRASH, "guest asked for unsupported "
			  "Xen shutdown reason %u on vcpu %u", reason, vcpu);
		return 0;
	}
}

static long sched_yield_op(struct mon *mon, struct pers_xen_call *c,
			   void *b)
{
	(void)c, (void)b;
	pthread_mutex_unlock(&pers_xen_of(mon)->lock);
	mon->host->yield(mon);
	pthread_mutex_lock(&pers_xen_of(mon)->lock);
	return 0;
}

const struct pers_xen_op pers_xen_sched_ops[] = {
	{ SCHEDOP_yield, 0, 0, false, sched_yield_op, 0 },
	{ SCHEDOP_block, 0, 0, false, sched_block, 0 },
	{ SCHEDOP_poll, sizeof(struct sched_poll), IN, false, sched_poll,
	  sizeof(struct pers_xen_compat_sched_poll) },
	{ SCHEDOP_shutdown, sizeof(struct sched_shutdown), IN, false,
	  sched_shutdown, 0 },
	{ 0 }
};
