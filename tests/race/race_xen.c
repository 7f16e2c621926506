/* SPDX-License-Identifier: MIT */
/*
 * tests/race/race_xen.c: racing vCPUs against the `xen` personality
 * (monitor/pers_xen*.c).  Hypercalls go in through the port hook with
 * Xen's register ABI (64-bit, or 32-bit where a scenario says so), their
 * argument structures in guest RAM that the guest keeps rewriting
 * (race.c); the answers allowed are the Xen error codes and results the
 * public headers (/usr/include/xen) and Xen's sources document for each
 * call.  The host is tests/monitor/fake_host.h with race.c's clock and
 * timers, as in tests/race/race_hv.c.
 */
#include <stdlib.h>
#include <string.h>

#include "mon_pers.h"
#include "pers_xen.h"
#include "race.h"
#include "../monitor/fake_host.h"

#include <xen/grant_table.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/io/console.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/version.h>

/* Guest-physical layout: RAM is 8 MiB; its upper half is scratch that
 * memory_op may remove and repopulate (zero) at will. */
#define ARG(v) (0x100000ull + (v) * 0x1000ull)  /* a vCPU's arguments */
#define SHARED_PA 0x200000ull
#define VINFO(v) (0x210000ull + (v) * 0x1000ull)
#define HC_PAGE 0x220000ull
#define LIST(v) (0x230000ull + (v) * 0x1000ull)  /* ports, extents, frames */
#define BUF(v) (0x240000ull + (v) * 0x1000ull)   /* console_io text */
#define SCRATCH_GFN 0x400ull
#define FAR 0x00007fff00000000ull                /* no memory at all */
#define HOLE_GFN 0x100000ull                     /* 4 GiB: a hole */
#define OFF(type, field) __builtin_offsetof(type, field)
#define E(x) (-(long)XEN_##x)
#define NPORTS 32u                               /* kept per vCPU */

/* The i386 layout of xen_memory_reservation, as a 32-bit guest lays it
 * out from the same public header (4-byte xen_ulong_t and handles). */
struct compat_reservation {
	uint32_t extent_start, nr_extents, extent_order, mem_flags;
	uint16_t domid, pad;
};

static int env_msi(struct mon *mon, unsigned apic, uint8_t vec)
{
	(void)mon;
	if (vec < 0x10 || apic >= RACE_VCPUS)
		race_fail(race_now, "upcall vector %u to vCPU %u", vec, apic);
	return 0;
}

/* The caller's registers: mode 8 is long mode on the identity map of
 * map_identity(), mode 4 protected mode with paging off; CPL 0. */
#define PT_PA MON_SPECIAL_PA    /* special pages 0-2; xen uses 4 and 7 */

static int env_sregs(struct mon *mon, unsigned vcpu, struct mon_sregs *s)
{
	(void)mon;
	*s = fake_host_sregs_at(race_now->mode[vcpu] == 8 ? PT_PA : 0);
	return 0;
}

/* The first GiB identity-mapped with 2 MiB pages (PML4, PDPT, PD in
 * special pages 0-2), outside the RAM the scenarios rewrite. */
static int map_identity(struct mon *m)
{
	uint64_t *t = mon_gpa_ptr(m, PT_PA, 3 * 0x1000);

	if (!t)
		return -1;
	fake_guest_identity_map(t, PT_PA);
	return 0;
}

/* tests/monitor/fake_host.h, with race.c's clock and timer thread and
 * the checks above. */
static void env_init(struct mon *mon)
{
	fake_host_reset(mon, PT_PA, 0);
	fake_host.ops.msi = env_msi;
	fake_host.ops.sregs = env_sregs;
	fake_host.ops.guest_tsc = race_tsc;
	fake_host.ops.guest_ns = race_tsc;
	fake_host.ops.timer_arm = race_timer_arm;
	fake_host.ops.timer_cancel = race_timer_cancel;
}

/* ---- calls as the guest makes them ---------------------------------- */

/* The stub's `out %al, $VMI_PORT_XEN_HYPERCALL`: RAX and RDI, RSI, RDX
 * from 64-bit code, EAX and EBX, ECX, EDX from 32-bit code. */
static long hcall(struct race_rig *r, unsigned vcpu, uint64_t nr, uint64_t a1,
		  uint64_t a2, uint64_t a3)
{
	bool wide = r->mode[vcpu] == 8, dirty = false;
	struct mon_regs g = { .rax = nr, .rdx = a3 };
	uint8_t data = 0;
	struct mon_exit x = { .kind = MON_X_IO, .regs = &g, .regs_dirty = &dirty,
		.io = { .port = VMI_PORT_XEN_HYPERCALL, .out = true, .size = 1,
			.count = 1, .data = &data } };

	if (wide)
		g.rdi = a1, g.rsi = a2;
	else
		g.rbx = a1, g.rcx = a2;
	if (!pers_xen.pio(r->mon, vcpu, &x) || !dirty) {
		race_fail(r, "vcpu %u: the hypercall port was not taken", vcpu);
		return 0;
	}
	return wide ? (long)g.rax : (long)(int32_t)g.rax;
}

static bool one_of(long got, const long *ok, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (got == ok[i])
			return true;
	return false;
}

/* Is (got) one of the answers listed?  If not, record it. */
static bool allowed(struct race_rig *r, const char *what, unsigned vcpu,
		    uint64_t i, long got, const long *ok, unsigned n)
{
	if (one_of(got, ok, n))
		return true;
	race_fail(r, "vcpu %u call %llu: %s returned %ld", vcpu,
		  (unsigned long long)i, what, got);
	return false;
}
#define ALLOWED(r, what, vcpu, i, got, ...) \
	allowed(r, what, vcpu, i, got, (const long[]){ __VA_ARGS__ }, \
		sizeof((const long[]){ __VA_ARGS__ }) / sizeof(long))

static long evtchn(struct race_rig *r, unsigned vcpu, unsigned cmd,
		   uint64_t arg)
{
	return hcall(r, vcpu, __HYPERVISOR_event_channel_op, cmd, arg, 0);
}

/* The monitor's view, read as its own threads do: under its lock. */
static struct pers_xen *locked(struct race_rig *r)
{
	struct pers_xen *px = r->pers;

	pthread_mutex_lock(&px->lock);
	return px;
}

static void unlock(struct pers_xen *px)
{
	pthread_mutex_unlock(&px->lock);
}

/* ---- the VM ------------------------------------------------------------ */

/* Both vCPUs up with their upcall vectors; shared_info in RAM. */
static int xen_setup(struct race_rig *r)
{
	struct xen_add_to_physmap *a = race_gpa(r, ARG(0), sizeof(*a));
	struct xen_hvm_evtchn_upcall_vector *u;
	struct pers_xen *px;

	r->mon->pers = &pers_xen;
	env_init(r->mon);
	if (!a || map_identity(r->mon) < 0 || pers_xen.init(r->mon) < 0)
		return -1;
	r->pers = px = r->mon->pers_state;
	r->mode[0] = r->mode[1] = 8;
	px->vcpu[1].initialised = px->vcpu[1].up = true;
	*a = (struct xen_add_to_physmap){ .domid = DOMID_SELF,
		.space = XENMAPSPACE_shared_info, .gpfn = SHARED_PA >> 12 };
	if (hcall(r, 0, __HYPERVISOR_memory_op, XENMEM_add_to_physmap,
		  ARG(0), 0) != 0)
		return race_fail(r, "mapping shared_info failed"), -1;
	for (unsigned v = 0; v < RACE_VCPUS; v++) {
		u = race_gpa(r, ARG(v), sizeof(*u));
		*u = (struct xen_hvm_evtchn_upcall_vector){ v, 0xf0 + v };
		if (hcall(r, v, __HYPERVISOR_hvm_op,
			  HVMOP_set_evtchn_upcall_vector, ARG(v), 0) != 0)
			return race_fail(r, "upcall vector refused"), -1;
	}
	return 0;
}

static void xen_teardown(struct race_rig *r)
{
	struct pers_xen *px = r->pers;

	if (!px)
		return;
	pthread_mutex_destroy(&px->lock);
	pthread_cond_destroy(&px->cond);
	free(px);
}

/* ---- the PV console ring: out_prod / out_cons ---------------------------- */

static void ring_call(struct race_rig *r, unsigned vcpu, uint64_t i)
{
	uint32_t *port = race_gpa(r, ARG(vcpu), sizeof(*port));

	*port = 1;      /* the console's channel (HVM_PARAM_CONSOLE_EVTCHN) */
	ALLOWED(r, "EVTCHNOP_send(console)", vcpu, i,
		evtchn(r, vcpu, EVTCHNOP_send, ARG(vcpu)), 0);
}

/* ---- console_io: the text changes while it is written ---------------------- */

#define CONIO_MAX 64u                   /* bytes: each is a monitor load */
#define CONIO_END (RACE_RAM - 40)       /* a buffer that may leave RAM */

/* CONSOLEIO_write of (count) bytes at a buffer whose bytes the guest
 * flips between text, newline and NUL: 0, or -EFAULT exactly when the
 * buffer leaves RAM (count is a register: it cannot change). */
static void conio_call(struct race_rig *r, unsigned vcpu, uint64_t i)
{
	uint64_t count = 1 + i * 37 % CONIO_MAX, buf = BUF(vcpu);
	long want = 0;

	if (i % 16 == 15) {
		buf = CONIO_END;
		want = count > RACE_RAM - CONIO_END ? E(EFAULT) : 0;
	}
	ALLOWED(r, "console_io(write)", vcpu, i,
		hcall(r, vcpu, __HYPERVISOR_console_io, CONSOLEIO_write,
		      count, buf), want);
}

/* ---- memory_op reservations: nr_extents, extent_order, the list ------------ */

static int mem_setup(struct race_rig *r)
{
	struct xen_memory_reservation *m;
	struct compat_reservation *cm;
	uint64_t *list;
	uint32_t *clist;

	if (xen_setup(r) < 0 || !(m = race_gpa(r, ARG(0), sizeof(*m))) ||
	    !(cm = race_gpa(r, ARG(0) + 0x800, sizeof(*cm))) ||
	    !(list = race_gpa(r, LIST(0), 4096)) ||
	    !(clist = race_gpa(r, LIST(1), 4096)))
		return -1;
	*m = (struct xen_memory_reservation){ .nr_extents = 4,
					      .domid = DOMID_SELF };
	set_xen_guest_handle(m->extent_start, (xen_pfn_t *)(uintptr_t)LIST(0));
	*cm = (struct compat_reservation){ (uint32_t)LIST(1), 4, 0, 0,
					   DOMID_SELF, 0 };
	/* Four extents in the scratch half, then nothing valid: ~0 is no
	 * RAM gfn, so every call stops there. */
	memset(list, 0xff, 4096);
	memset(clist, 0xff, 4096);
	for (unsigned k = 0; k < 4; k++)
		list[k] = clist[k] = (uint32_t)(SCRATCH_GFN + k * 0x100);
	return 0;
}

/* decrease_reservation, populate_physmap, increase_reservation from
 * 64- and 32-bit code, from start extent 0 or 2: the answer is a count
 * of extents done, from the start extent up; the list holds four, so at
 * most 4 (increase writes nothing back: up to the free pages). */
static void mem_call(struct race_rig *r, unsigned vcpu, uint64_t i)
{
	static const unsigned ops[] = { XENMEM_decrease_reservation,
		XENMEM_populate_physmap, XENMEM_increase_reservation };
	unsigned op = ops[i % 3];
	uint64_t start = i / 3 % 2 * 2, arg = ARG(0);
	long got, most = op == XENMEM_increase_reservation ?
			 (long)(start + RACE_RAM / 4096) : 4;
	struct pers_xen *px;

	r->mode[vcpu] = i / 6 % 2 ? 4 : 8;
	if (r->mode[vcpu] == 4)
		arg += 0x800;
	got = hcall(r, vcpu, __HYPERVISOR_memory_op, op | start << 6, arg, 0);
	if (got < (long)start || got > (most > (long)start ? most : (long)start))
		race_fail(r, "vcpu %u call %llu: memory_op %u from extent %llu "
			  "returned %ld", vcpu, (unsigned long long)i, op,
			  (unsigned long long)start, got);
	px = locked(r);
	if (px->tot_pages > px->max_pages)
		race_fail(r, "tot_pages %llu > max_pages %llu",
			  (unsigned long long)px->tot_pages,
			  (unsigned long long)px->max_pages);
	unlock(px);
	r->mode[vcpu] = 8;
}

/* ---- VCPUOP_register_vcpu_info: offset and mfn ------------------------------ */

/* Registration succeeds once per vCPU; the harness forgets each one so
 * that the next call races the checks again.  The vcpu_info the monitor
 * then uses must be where some value the guest wrote put it. */
static void info_call(struct race_rig *r, unsigned vcpu, uint64_t i)
{
	struct pers_xen *px;
	long got = hcall(r, vcpu, __HYPERVISOR_vcpu_op,
			 VCPUOP_register_vcpu_info, vcpu, ARG(vcpu));
	uint64_t at;

	if (!ALLOWED(r, "VCPUOP_register_vcpu_info", vcpu, i, got, 0,
		     E(ENXIO), E(EINVAL)) || got)
		return;
	px = locked(r);
	at = px->vcpu[vcpu].info;
	px->vcpu[vcpu].info_registered = false;
	unlock(px);
	if (at != VINFO(vcpu) && at != VINFO(vcpu) + 64)
		race_fail(r, "vcpu %u call %llu: vcpu_info registered at "
			  "0x%llx", vcpu, (unsigned long long)i,
			  (unsigned long long)at);
}

/* ---- SCHEDOP_poll: nr_ports, the list and its address --------------------- */

#define POLL_PORT 2u            /* the first free port: 1 is the console's */

static int poll_setup(struct race_rig *r)
{
	struct evtchn_alloc_unbound *a = race_gpa(r, ARG(1), sizeof(*a));
	struct sched_poll *p;
	uint32_t *ports;

	if (xen_setup(r) < 0 || !(p = race_gpa(r, ARG(0), sizeof(*p))) ||
	    !(ports = race_gpa(r, LIST(0), 4096)))
		return -1;
	/* A port in use that never becomes pending: unbound. */
	*a = (struct evtchn_alloc_unbound){ DOMID_SELF, 0, 0 };
	if (evtchn(r, 0, EVTCHNOP_alloc_unbound, ARG(1)) != 0 ||
	    a->port != POLL_PORT)
		return race_fail(r, "alloc_unbound gave port %u", a->port), -1;
	for (unsigned k = 0; k < 1024; k++)
		ports[k] = a->port;
	*p = (struct sched_poll){ .nr_ports = 1, .timeout = 1 };
	set_xen_guest_handle(p->ports, (evtchn_port_t *)(uintptr_t)LIST(0));
	return 0;
}

/* A timeout already passed: 0, or the first refusal Xen's do_poll
 * would give (-EINVAL for too many or an unusable port, -EFAULT). */
static void poll_call(struct race_rig *r, unsigned vcpu, uint64_t i)
{
	ALLOWED(r, "SCHEDOP_poll", vcpu, i,
		hcall(r, vcpu, __HYPERVISOR_sched_op, SCHEDOP_poll, ARG(0), 0),
		0, E(EINVAL), E(EFAULT));
}

/* ---- grant table setup and add_to_physmap ---------------------------------- */

#define PHYSMAP_OFF 0x100u

static int gnt_setup(struct race_rig *r)
{
	struct gnttab_setup_table *t;
	struct xen_add_to_physmap *a;

	if (xen_setup(r) < 0 || !(t = race_gpa(r, ARG(0), sizeof(*t))) ||
	    !(a = race_gpa(r, ARG(0) + PHYSMAP_OFF, sizeof(*a))))
		return -1;
	*t = (struct gnttab_setup_table){ .dom = DOMID_SELF, .nr_frames = 1 };
	set_xen_guest_handle(t->frame_list, (xen_pfn_t *)(uintptr_t)LIST(0));
	*a = (struct xen_add_to_physmap){ .domid = DOMID_SELF,
		.space = XENMAPSPACE_shared_info, .gpfn = SHARED_PA >> 12 };
	return 0;
}

static void gnt_call(struct race_rig *r, unsigned vcpu, uint64_t i)
{
	const struct gnttab_setup_table *t = race_gpa(r, ARG(0), sizeof(*t));
	static const long stats[] = { GNTST_okay, GNTST_general_error,
				      GNTST_bad_virt_addr };
	struct pers_xen *px;
	long got;

	if (i & 1) {
		got = hcall(r, vcpu, __HYPERVISOR_memory_op,
			    XENMEM_add_to_physmap, ARG(0) + PHYSMAP_OFF, 0);
		ALLOWED(r, "XENMEM_add_to_physmap", vcpu, i, got, 0,
			E(EINVAL), E(ENOMEM));
	} else {
		got = hcall(r, vcpu, __HYPERVISOR_grant_table_op,
			    GNTTABOP_setup_table, ARG(0), 1);
		if (ALLOWED(r, "GNTTABOP_setup_table", vcpu, i, got, 0) &&
		    !one_of(t->status, stats, 3))
			race_fail(r, "vcpu %u call %llu: setup_table status %d",
				  vcpu, (unsigned long long)i, t->status);
	}
	px = locked(r);
	if (px->gnt_frames > PERS_XEN_GNT_MAX_FRAMES)
		race_fail(r, "%u grant frames", px->gnt_frames);
	unlock(px);
}

/* ---- two vCPUs on event channels, timers and the shared pages --------------- */

struct evt_own {
	uint32_t port[NPORTS];          /* IPI ports this vCPU bound */
	unsigned n;
	uint32_t virq;                  /* its VIRQ_TIMER port, 0 = none */
};
_Static_assert(sizeof(struct evt_own) <=
	       sizeof(((struct race_rig *)0)->own[0]), "evt_own");

#define A_IPI 0x000u                    /* evtchn_bind_ipi */
#define A_PORT 0x040u                   /* one evtchn_port_t */
#define A_STATUS 0x080u                 /* evtchn_status */
#define A_VIRQ 0x0c0u                   /* evtchn_bind_virq */
#define A_TIMER 0x100u                  /* vcpu_set_singleshot_timer */
#define A_PARAM 0x140u                  /* xen_hvm_param */
#define A_FEAT 0x180u                   /* xen_feature_info */
#define A_DOMID 0x1c0u                  /* domid_t */

static void *arg(struct race_rig *r, unsigned vcpu, unsigned off, size_t len)
{
	return race_gpa(r, ARG(vcpu) + off, len);
}

static long port_cmd(struct race_rig *r, unsigned vcpu, unsigned cmd,
		     uint32_t port)
{
	*(uint32_t *)arg(r, vcpu, A_PORT, 4) = port;
	return evtchn(r, vcpu, cmd, ARG(vcpu) + A_PORT);
}

/* Bind an IPI port (the guest thread flips its vCPU field) and keep it;
 * close the oldest, which only this vCPU ever closes: must be 0. */
static void evt_ports(struct race_rig *r, unsigned vcpu, uint64_t i)
{
	struct evtchn_bind_ipi *b = arg(r, vcpu, A_IPI, sizeof(*b));
	struct evt_own *own = (struct evt_own *)r->own[vcpu];
	long got;

	if (own->n == NPORTS || (i & 8 && own->n)) {
		got = port_cmd(r, vcpu, EVTCHNOP_close, own->port[0]);
		ALLOWED(r, "EVTCHNOP_close(own port)", vcpu, i, got, 0);
		own->n--;
		memmove(own->port, own->port + 1, own->n * sizeof(own->port[0]));
		return;
	}
	got = evtchn(r, vcpu, EVTCHNOP_bind_ipi, ARG(vcpu) + A_IPI);
	if (!ALLOWED(r, "EVTCHNOP_bind_ipi", vcpu, i, got, 0, E(ENOENT)) ||
	    got)
		return;
	if (b->port == 0 || b->port >= PERS_XEN_PORTS)
		race_fail(r, "vcpu %u: bind_ipi gave port %u", vcpu, b->port);
	else
		own->port[own->n++] = b->port;
}

/* Bind this vCPU's VIRQ_TIMER, or close it again: the timer thread
 * raises it meanwhile. */
static void evt_virq(struct race_rig *r, unsigned vcpu, uint64_t i)
{
	struct evtchn_bind_virq *bv = arg(r, vcpu, A_VIRQ, sizeof(*bv));
	struct evt_own *own = (struct evt_own *)r->own[vcpu];
	long got;

	if (own->virq && i & 64) {
		got = port_cmd(r, vcpu, EVTCHNOP_close, own->virq);
		ALLOWED(r, "EVTCHNOP_close(VIRQ_TIMER)", vcpu, i, got, 0);
		own->virq = 0;
		return;
	}
	*bv = (struct evtchn_bind_virq){ VIRQ_TIMER, vcpu, 0 };
	got = evtchn(r, vcpu, EVTCHNOP_bind_virq, ARG(vcpu) + A_VIRQ);
	if (ALLOWED(r, "EVTCHNOP_bind_virq", vcpu, i, got, 0, E(EEXIST)) &&
	    got == 0)
		own->virq = bv->port;
}

/* The upcall's vectors, which every delivery reads: the callback
 * parameter, or this vCPU's own vector. */
static void evt_vector(struct race_rig *r, unsigned vcpu, uint64_t i)
{
	struct xen_hvm_param *p = arg(r, vcpu, A_PARAM, sizeof(*p));
	struct xen_hvm_evtchn_upcall_vector *u = arg(r, vcpu, A_PARAM,
						     sizeof(*u));
	long got;

	if (i & 32) {
		*p = (struct xen_hvm_param){ DOMID_SELF, 0,
			HVM_PARAM_CALLBACK_IRQ, 2ull << 56 | (0xe0 + i % 16) };
		got = hcall(r, vcpu, __HYPERVISOR_hvm_op, HVMOP_set_param,
			    ARG(vcpu) + A_PARAM, 0);
		ALLOWED(r, "HVMOP_set_param(CALLBACK_IRQ)", vcpu, i, got, 0);
		return;
	}
	*u = (struct xen_hvm_evtchn_upcall_vector){ vcpu, 0xf0 + i % 16 };
	got = hcall(r, vcpu, __HYPERVISOR_hvm_op,
		    HVMOP_set_evtchn_upcall_vector, ARG(vcpu) + A_PARAM, 0);
	ALLOWED(r, "HVMOP_set_evtchn_upcall_vector", vcpu, i, got, 0);
}

static void evt_call(struct race_rig *r, unsigned vcpu, uint64_t i)
{
	const struct evt_own *own = (const struct evt_own *)r->own[vcpu];
	uint32_t mine = own->n ? own->port[i % own->n] : 1;
	uint64_t v;
	long got;

	switch (i % 11) {
	case 0:
		evt_ports(r, vcpu, i);
		break;
	case 1:
		ALLOWED(r, "EVTCHNOP_send", vcpu, i,
			port_cmd(r, vcpu, EVTCHNOP_send, i & 16 ? 1 : mine), 0);
		break;
	case 2:
		ALLOWED(r, "EVTCHNOP_unmask", vcpu, i,
			port_cmd(r, vcpu, EVTCHNOP_unmask, mine), 0);
		break;
	case 3:
		/* The port is the guest thread's: in use, free or past the
		 * limit (dom is ours). */
		got = evtchn(r, vcpu, EVTCHNOP_status, ARG(vcpu) + A_STATUS);
		ALLOWED(r, "EVTCHNOP_status", vcpu, i, got, 0, E(EINVAL));
		break;
	case 4:
		evt_virq(r, vcpu, i);
		break;
	case 5:
		/* A deadline just ahead: the timer thread fires it. */
		got = hcall(r, vcpu, __HYPERVISOR_set_timer_op,
			    pers_xen_now(r->mon) + 1000, 0, 0);
		ALLOWED(r, "set_timer_op", vcpu, i, got, 0);
		break;
	case 6:
		*(uint64_t *)arg(r, vcpu, A_TIMER, 8) = i & 1 ? 1 : ~0ull >> 1;
		got = hcall(r, vcpu, __HYPERVISOR_vcpu_op, i & 32 ?
			    VCPUOP_stop_singleshot_timer :
			    VCPUOP_set_singleshot_timer, vcpu,
			    ARG(vcpu) + A_TIMER);
		ALLOWED(r, "VCPUOP_{set,stop}_singleshot_timer", vcpu, i, got,
			0);
		break;
	case 7:
		evt_vector(r, vcpu, i);
		break;
	case 8:
		v = HC_PAGE;
		if (!pers_xen.msr(r->mon, vcpu, true, 0x40000000u, &v))
			race_fail(r, "vcpu %u: hypercall page MSR #GP", vcpu);
		break;
	case 9:
		*(struct xen_feature_info *)arg(r, vcpu, A_FEAT, 8) =
			(struct xen_feature_info){ 0, 0 };
		got = hcall(r, vcpu, __HYPERVISOR_xen_version,
			    XENVER_get_features, ARG(vcpu) + A_FEAT, 0);
		ALLOWED(r, "XENVER_get_features", vcpu, i, got, 0);
		break;
	default:
		*(domid_t *)arg(r, vcpu, A_DOMID, 2) = DOMID_SELF;
		got = hcall(r, vcpu, __HYPERVISOR_memory_op,
			    XENMEM_current_reservation, ARG(vcpu) + A_DOMID, 0);
		if (got <= 0 || got > RACE_RAM / 4096)
			race_fail(r, "vcpu %u: current_reservation %ld", vcpu,
				  got);
		break;
	}
}

static int evt_setup(struct race_rig *r)
{
	if (xen_setup(r) < 0)
		return -1;
	for (unsigned v = 0; v < RACE_VCPUS; v++) {
		struct evtchn_status *st = arg(r, v, A_STATUS, sizeof(*st));
		if (!st)
			return -1;
		*st = (struct evtchn_status){ .dom = DOMID_SELF, .port = 1 };
	}
	return 0;
}

#define SHINFO(field) (SHARED_PA + OFF(struct shared_info, field))
#define UPCALL(v) (SHARED_PA + (v) * sizeof(struct vcpu_info) + \
		   OFF(struct vcpu_info, evtchn_upcall_pending))

#define CONS(field) (PERS_XEN_CONSOLE_PA + OFF(struct xencons_interface, field))
#define RESV(field) (ARG(0) + OFF(struct xen_memory_reservation, field))
#define CRESV(field) (ARG(0) + 0x800 + OFF(struct compat_reservation, field))
#define VCI(v, field) (ARG(v) + OFF(struct vcpu_register_vcpu_info, field))
#define POLL(field) (ARG(0) + OFF(struct sched_poll, field))
#define SETUP(field) (ARG(0) + OFF(struct gnttab_setup_table, field))
#define PHYSMAP(field) (ARG(0) + PHYSMAP_OFF + \
			OFF(struct xen_add_to_physmap, field))
#define IPI_VCPU(v) (ARG(v) + A_IPI + OFF(struct evtchn_bind_ipi, vcpu))
#define STATUS_PORT(v) (ARG(v) + A_STATUS + OFF(struct evtchn_status, port))

const struct race_scn race_xen_scns[] = {
	/* The guest moves both indices anywhere: empty, a few bytes,
	 * exactly full, past full, producer behind the consumer. */
	{ .name = "xen-console-ring-indices", .weight = 2, .vcpus = 1,
	  .setup = xen_setup, .teardown = xen_teardown, .call = ring_call,
	  .flip = { RACE_FLIP(CONS(out_cons), 4, 0, 3, 0x7fffffffu),
		    RACE_FLIP(CONS(out_prod), 4, 5, 2051, 0xffffffffu, 2) } },
	{ .name = "xen-console-io-text", .weight = 1, .vcpus = 2,
	  .quiet = true, .setup = xen_setup, .teardown = xen_teardown,
	  .call = conio_call,
	  .flip = { RACE_FLIP(BUF(0) + 3, 1, '\n', 'x', 0),
		    RACE_FLIP(BUF(1) + 100, 1, '\n', 0x1b),
		    RACE_FLIP(CONIO_END + 7, 1, '\n', 'y') } },
	{ .name = "xen-memory-op-extents", .weight = 2, .vcpus = 1,
	  .setup = mem_setup, .teardown = xen_teardown, .call = mem_call,
	  .flip = { RACE_FLIP(RESV(nr_extents), 8, 1, 4, 0x3ffffff, 0x4000000),
		    RACE_FLIP(RESV(extent_order), 4, 0, 9, 10),
		    RACE_FLIP(CRESV(nr_extents), 4, 1, 4, 0x3ffffff,
			      0xffffffffu),
		    RACE_FLIP(CRESV(extent_order), 4, 0, 9),
		    RACE_FLIP(LIST(0) + 8, 8, SCRATCH_GFN + 1, ~0ull),
		    RACE_FLIP(LIST(1) + 4, 4, SCRATCH_GFN + 1, 0xffffffffu) } },
	{ .name = "xen-vcpu-info-offset", .weight = 2, .vcpus = 2,
	  .setup = xen_setup, .teardown = xen_teardown, .call = info_call,
	  .flip = { RACE_FLIP(VCI(0, offset), 4, 0, 4, 4090, 64),
		    RACE_FLIP(VCI(1, offset), 4, 64, 0xffffffffu, 0, 4033),
		    RACE_FLIP(VCI(0, mfn), 8, VINFO(0) >> 12, FAR >> 12, ~0ull),
		    RACE_FLIP(VCI(1, mfn), 8, VINFO(1) >> 12,
			      RACE_RAM >> 12) } },
	{ .name = "xen-sched-poll-ports", .weight = 1, .vcpus = 1,
	  .setup = poll_setup, .teardown = xen_teardown, .call = poll_call,
	  .flip = { RACE_FLIP(POLL(nr_ports), 4, 1, 2, 129, 0xffffffffu),
		    RACE_FLIP(POLL(ports), 8, LIST(0), FAR, RACE_RAM - 4),
		    RACE_FLIP(LIST(0), 4, POLL_PORT, 0, PERS_XEN_PORTS,
			      0xffffffffu) } },
	{ .name = "xen-grant-and-physmap", .weight = 2, .vcpus = 1,
	  .setup = gnt_setup, .teardown = xen_teardown, .call = gnt_call,
	  .flip = { RACE_FLIP(SETUP(nr_frames), 4, 1, 64, 65, 0xffffffffu),
		    RACE_FLIP(SETUP(frame_list), 8, LIST(0), FAR,
			      RACE_RAM - 8),
		    RACE_FLIP(PHYSMAP(space), 4, XENMAPSPACE_shared_info,
			      XENMAPSPACE_grant_table),
		    RACE_FLIP(PHYSMAP(idx), 8, 0, 1, 63, 64),
		    RACE_FLIP(PHYSMAP(gpfn), 8, SHARED_PA >> 12, HOLE_GFN,
			      HOLE_GFN + 1, MON_SPECIAL_PA >> 12) } },
	{ .name = "xen-evtchn-two-vcpus", .weight = 3, .vcpus = 2,
	  .timer = true, .setup = evt_setup, .teardown = xen_teardown,
	  .call = evt_call,
	  .flip = { RACE_FLIP(IPI_VCPU(0), 4, 0, 1, 99),
		    RACE_FLIP(IPI_VCPU(1), 4, 1, 99, 0),
		    RACE_FLIP(STATUS_PORT(0), 4, 1, 2, PERS_XEN_PORTS, 0xffffffffu),
		    RACE_FLIP(STATUS_PORT(1), 4, 3, 0, 4095),
		    RACE_FLIP_CAS(SHINFO(evtchn_mask[0]), 8, 0, ~0ull),
		    RACE_FLIP_CAS(SHINFO(evtchn_pending[0]), 8, 0, 0x6),
		    RACE_FLIP(UPCALL(0), 1, 0, 1),
		    RACE_FLIP(UPCALL(1), 1, 0, 1) } },
};
const unsigned race_xen_nscns = sizeof(race_xen_scns) / sizeof(race_xen_scns[0]);
