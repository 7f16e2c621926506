/* SPDX-License-Identifier: MIT */
/*
 * monitor/xen/pers_xen_evtchn.c: Xen event channels for the `xen`
 * personality: the port table, EVTCHNOP_* (public/event_channel.h), and
 * the 2-level delivery into the guest's shared_info and vcpu_info with an
 * upcall by the per-vCPU vector (Xen common/event_2l.c and
 * common/event_channel.c semantics; layout in public/xen.h).  The bitmaps
 * live in guest RAM and the guest changes them concurrently, so every
 * update is an atomic read-modify-write.  Called with px->lock held.
 */
#include <string.h>

#include "pers_xen.h"

#define BITS 64u        /* bits per xen_ulong_t word (x86-64) */

static struct shared_info *pers_xen_shinfo(struct mon *mon)
{
	struct pers_xen *px = pers_xen_of(mon);

	return px->shared_info ? mon_gpa_ptr(mon, px->shared_info, 4096) : NULL;
}

static struct vcpu_info *pers_xen_vinfo(struct mon *mon, unsigned vcpu)
{
	uint64_t gpa = pers_xen_of(mon)->vcpu[vcpu].info;

	return gpa ? mon_gpa_ptr(mon, gpa, sizeof(struct vcpu_info)) : NULL;
}

/* Xen keeps its ports in buckets of EVTCHNS_PER_BUCKET, a page of
 * 64-byte struct evtchn (xen/include/xen/sched.h: aligned(64)), so 64:
 * the first at evtchn_init, then each one the first time a port in it is
 * allocated, never freed (common/event_channel.c evtchn_allocate_port).
 * A port below d->valid_evtchns exists, bound or not, port 0 (reserved)
 * included: its status reads closed, unmask does nothing and is 0,
 * set_priority is 2-level's -ENOSYS; a port past it is -EINVAL. */
#define PERS_XEN_BUCKET 64u

static bool pers_xen_port_exists(const struct pers_xen *px, uint32_t port)
{
	return port < px->valid_ports;
}

void pers_xen_evtchn_init(struct pers_xen *px)
{
	memset(px->port, 0, sizeof(px->port));
	px->valid_ports = PERS_XEN_BUCKET;
	/* The console is a channel to a back end (xenconsoled on Xen, the
	 * monitor here) that notifies vCPU 0. */
	px->console_port = 1;
	px->port[1] = (struct pers_xen_port){ .kind = PERS_XEN_CONSOLE, .vcpu = 0 };
}

/* Assert the upcall: the vCPU's own vector, else the callback vector
 * (both through the LAPIC here, so both need an EOI: docs/vmi-run.md). */
static void pers_xen_inject(struct mon *mon, unsigned vcpu)
{
	struct pers_xen *px = pers_xen_of(mon);
	uint8_t vec = px->vcpu[vcpu].vector ? px->vcpu[vcpu].vector
					    : px->callback_vector;

	if (vec && px->vcpu[vcpu].up) {
		mon->host->msi(mon, vcpu, vec);
		px->vcpu[vcpu].kicks++;
	}
	pthread_cond_broadcast(&px->cond);
}

void pers_xen_kick_upcall(struct mon *mon, unsigned vcpu)
{
	struct vcpu_info *vi = pers_xen_vinfo(mon, vcpu);

	/* Xen vcpu_mark_events_pending(): only a 0 -> 1 change injects. */
	if (vi && !__atomic_exchange_n(&vi->evtchn_upcall_pending, 1,
				       __ATOMIC_SEQ_CST))
		pers_xen_inject(mon, vcpu);
}

void pers_xen_assert_upcall(struct mon *mon, unsigned vcpu)
{
	pers_xen_inject(mon, vcpu);
}

/* The port's word is pending and unmasked: flag it in pending_sel. */
static void pers_xen_mark_sel(struct mon *mon, unsigned vcpu, uint32_t port)
{
	struct vcpu_info *vi = pers_xen_vinfo(mon, vcpu);
	xen_ulong_t w = 1ull << (port / BITS);

	if (vi && !(__atomic_fetch_or(&vi->evtchn_pending_sel, w,
				      __ATOMIC_SEQ_CST) & w))
		pers_xen_kick_upcall(mon, vcpu);
}

void pers_xen_set_pending(struct mon *mon, uint32_t port)
{
	struct pers_xen *px = pers_xen_of(mon);
	struct shared_info *s = pers_xen_shinfo(mon);
	xen_ulong_t bit = 1ull << (port % BITS);
	unsigned w = port / BITS;

	if (!s)
		return;         /* no shared_info yet: nowhere to record it */
	if (__atomic_fetch_or(&s->evtchn_pending[w], bit, __ATOMIC_SEQ_CST) & bit)
		return;
	pthread_cond_broadcast(&px->cond);      /* SCHEDOP_poll waiters */
	if (__atomic_load_n(&s->evtchn_mask[w], __ATOMIC_SEQ_CST) & bit)
		return;
	pers_xen_mark_sel(mon, px->port[port].vcpu, port);
}

bool pers_xen_port_pending(struct mon *mon, uint32_t port)
{
	struct shared_info *s = pers_xen_shinfo(mon);

	return s && port < PERS_XEN_PORTS &&
	       (__atomic_load_n(&s->evtchn_pending[port / BITS],
				__ATOMIC_SEQ_CST) >> (port % BITS) & 1);
}

static long pers_xen_alloc(struct pers_xen *px, struct pers_xen_port what)
{
	for (uint32_t p = 1; p < PERS_XEN_PORTS; p++) {
		if (px->port[p].kind == PERS_XEN_FREE) {
			px->port[p] = what;
			if (p >= px->valid_ports)
				px->valid_ports = (p / PERS_XEN_BUCKET + 1) *
						  PERS_XEN_BUCKET;
			return p;
		}
	}
	return -XEN_ENOSPC;     /* Xen get_free_port() */
}

/* Allocate a port of (p)'s kind and write it to (*out) inside the
 * guest's argument structure (s, len bytes at arg).  A structure that
 * cannot be written back (a read-only page under CR0.WP) leaves the port
 * bound and the call -EFAULT, as in Xen (do_event_channel_op: "Cleaning
 * up here would be a mess!").  Returns the port, or -errno. */
static long pers_xen_bind(struct mon *mon, struct pers_xen_port p, uint64_t arg,
			  void *s, size_t len, evtchn_port_t *out)
{
	struct pers_xen *px = pers_xen_of(mon);
	long r = pers_xen_alloc(px, p);

	if (r < 0)
		return r;
	if (p.kind == PERS_XEN_VIRQ)
		px->vcpu[p.vcpu].virq_port[p.virq] = (uint16_t)r;
	*out = (evtchn_port_t)r;
	return pers_xen_copy_out(mon, arg, s, len) < 0 ? -XEN_EFAULT : r;
}

/* Xen's virq_is_global() (common/event_channel.c): the VIRQs public/xen.h
 * marks "V." are per vCPU; every other one, the x86 VIRQ_ARCH_* included,
 * is global: bound on vCPU 0 only, its notifications then movable to any
 * vCPU with EVTCHNOP_bind_vcpu. */
static bool virq_is_global(uint32_t virq)
{
	return virq != VIRQ_TIMER && virq != VIRQ_DEBUG &&
	       virq != VIRQ_XENOPROF && virq != VIRQ_XENPMU;
}

static long bind_virq(struct mon *mon, struct pers_xen_call *c, void *blk)
{
	struct pers_xen *px = pers_xen_of(mon);
	struct evtchn_bind_virq b = *(struct evtchn_bind_virq *)blk;
	uint64_t arg = c->a[1];
	long r;

	if (b.virq >= NR_VIRQS)
		return -XEN_EINVAL;
	if (virq_is_global(b.virq) && b.vcpu != 0)
		return -XEN_EINVAL;     /* checked before the vCPU exists */
	if (b.vcpu >= mon->nvcpu)
		return -XEN_ENOENT;     /* Xen: no such vCPU */
	if (px->vcpu[b.vcpu].virq_port[b.virq])
		return -XEN_EEXIST;
	r = pers_xen_bind(mon, (struct pers_xen_port){ PERS_XEN_VIRQ, (uint8_t)b.virq,
			  (uint16_t)b.vcpu, 0 },
			  arg, &b, sizeof(b), &b.port);
	return r < 0 ? r : 0;
}

static long bind_ipi(struct mon *mon, struct pers_xen_call *c, void *blk)
{
	struct evtchn_bind_ipi b = *(struct evtchn_bind_ipi *)blk;
	uint64_t arg = c->a[1];
	long r;

	if (b.vcpu >= mon->nvcpu)
		return -XEN_ENOENT;
	r = pers_xen_bind(mon, (struct pers_xen_port){ PERS_XEN_IPI, 0,
			  (uint16_t)b.vcpu, 0 },
			  arg, &b, sizeof(b), &b.port);
	return r < 0 ? r : 0;
}

/* The guest is the only domain: any other domid names no domain, which
 * Xen answers with -ESRCH (rcu_lock_domain_by_any_id fails) before any
 * permission check (common/event_channel.c). */
static bool pers_xen_self(domid_t d)
{
	return d == DOMID_SELF;
}

static long alloc_unbound(struct mon *mon, struct pers_xen_call *c,
			  void *blk)
{
	struct evtchn_alloc_unbound a = *(struct evtchn_alloc_unbound *)blk;
	uint64_t arg = c->a[1];
	long r;

	if (!pers_xen_self(a.dom))
		return -XEN_ESRCH;
	/* Xen records the remote domid without looking it up, DOMID_SELF
	 * as the caller's own id (evtchn_alloc_unbound); binding would
	 * check it.  Remote 0 is the usual back end's, dom0's. */
	r = pers_xen_bind(mon, (struct pers_xen_port){ PERS_XEN_UNBOUND, 0, 0,
			a.remote_dom == DOMID_SELF ? PERS_XEN_DOMID : a.remote_dom },
			  arg, &a, sizeof(a), &a.port);
	return r < 0 ? r : 0;
}

/* Xen evtchn_send(): IPI ports notify their vCPU, unbound ones drop the
 * event, the console wakes its back end; VIRQ and free ports: -EINVAL. */
static long pers_xen_send(struct mon *mon, uint32_t port)
{
	struct pers_xen *px = pers_xen_of(mon);

	if (!pers_xen_port_exists(px, port))
		return -XEN_EINVAL;
	switch (px->port[port].kind) {
	case PERS_XEN_IPI:
		pers_xen_set_pending(mon, port);
		return 0;
	case PERS_XEN_UNBOUND:
		return 0;
	case PERS_XEN_CONSOLE:
		pers_xen_console_drain(mon);
		return 0;
	default:
		return -XEN_EINVAL;
	}
}

/* Xen evtchn_2l_unmask(): clear the mask; a pending port then raises
 * the upcall as a new event would.  An existing port that is not in use
 * (port 0, a free one) is left alone (evtchn_port_unmask). */
static long pers_xen_unmask(struct mon *mon, uint32_t port)
{
	struct pers_xen *px = pers_xen_of(mon);
	struct shared_info *s = pers_xen_shinfo(mon);
	xen_ulong_t bit = 1ull << (port % BITS);

	if (!pers_xen_port_exists(px, port))
		return -XEN_EINVAL;
	if (!s || px->port[port].kind == PERS_XEN_FREE)
		return 0;
	if ((__atomic_fetch_and(&s->evtchn_mask[port / BITS], ~bit,
				__ATOMIC_SEQ_CST) & bit) &&
	    pers_xen_port_pending(mon, port))
		pers_xen_mark_sel(mon, px->port[port].vcpu, port);
	return 0;
}

/* Xen __evtchn_close() and evtchn_free(): the port's pending bit is
 * cleared ("to avoid unexpected behavior on re-bind": an event on the
 * port bound again would otherwise find it set and raise no upcall) and
 * it notifies vCPU 0 again; its mask bit is left as it is. */
static long pers_xen_close(struct mon *mon, uint32_t port)
{
	struct pers_xen *px = pers_xen_of(mon);
	struct shared_info *s = pers_xen_shinfo(mon);
	struct pers_xen_port *p;

	if (!pers_xen_port_exists(px, port) ||
	    px->port[port].kind == PERS_XEN_FREE)
		return -XEN_EINVAL;
	p = &px->port[port];
	/* A global VIRQ is bound on vCPU 0 whichever vCPU it notifies. */
	if (p->kind == PERS_XEN_VIRQ)
		px->vcpu[virq_is_global(p->virq) ? 0 : p->vcpu]
			.virq_port[p->virq] = 0;
	*p = (struct pers_xen_port){ PERS_XEN_FREE, 0, 0, 0 };
	if (s)
		__atomic_fetch_and(&s->evtchn_pending[port / BITS],
				   ~(1ull << (port % BITS)), __ATOMIC_SEQ_CST);
	return 0;
}

/* Xen evtchn_bind_vcpu(): move where a port's events go.  Global VIRQ,
 * unbound and interdomain ports (the console's) move; per-vCPU VIRQs,
 * IPIs and free ports cannot (-EINVAL); a vCPU that does not exist is
 * -ENOENT before the port is looked at.  A pending event stays where it
 * was flagged, as in Xen's 2-level ABI. */
static long bind_vcpu(struct mon *mon, struct pers_xen_call *c, void *blk)
{
	struct pers_xen *px = pers_xen_of(mon);
	const struct evtchn_bind_vcpu b = *(const struct evtchn_bind_vcpu *)blk;
	struct pers_xen_port *p;

	(void)c;
	if (b.vcpu >= mon->nvcpu)
		return -XEN_ENOENT;
	if (!pers_xen_port_exists(px, b.port))
		return -XEN_EINVAL;
	p = &px->port[b.port];
	switch (p->kind) {
	case PERS_XEN_VIRQ:
		if (!virq_is_global(p->virq))
			return -XEN_EINVAL;
		break;
	case PERS_XEN_UNBOUND:
	case PERS_XEN_CONSOLE:
		break;
	default:
		return -XEN_EINVAL;
	}
	p->vcpu = (uint16_t)b.vcpu;
	return 0;
}

/* FIFO event channels are not offered: init_control is answered as
 * Xen's evtchn_fifo_init_control() checks its arguments (-ENOENT for a
 * vCPU past the count, -EINVAL for an offset past the page or not 8-byte
 * aligned, -EINVAL for a control gfn that is not RAM), and a valid call
 * is -ENOSYS, where Xen would switch to FIFO: a guest then stays with
 * 2-level, as on a Xen without FIFO.  expand_array before a successful
 * init_control is Xen's -EOPNOTSUPP; set_priority is 2-level's -ENOSYS
 * for a valid port (evtchn_port_set_priority). */
static long fifo_init_control(struct mon *mon, struct pers_xen_call *c,
			      void *blk)
{
	const struct evtchn_init_control ic =
		*(const struct evtchn_init_control *)blk;

	(void)c;
	if (ic.vcpu >= mon->nvcpu)
		return -XEN_ENOENT;
	if (ic.offset > 4096 - sizeof(struct evtchn_fifo_control_block) ||
	    (ic.offset & 7))
		return -XEN_EINVAL;
	if (ic.control_gfn > (UINT64_MAX >> 12) ||
	    !mon_gpa_ptr(mon, ic.control_gfn << 12, 4096))
		return -XEN_EINVAL;
	pers_xen_unimplemented(mon, __HYPERVISOR_event_channel_op,
			       EVTCHNOP_init_control, "FIFO event channels");
	return -XEN_ENOSYS;
}

static long fifo_expand_array(struct mon *mon, struct pers_xen_call *c,
			      void *blk)
{
	(void)mon, (void)c, (void)blk;
	return -XEN_EOPNOTSUPP;
}

static long fifo_set_priority(struct mon *mon, struct pers_xen_call *c,
			      void *blk)
{
	(void)c;
	if (!pers_xen_port_exists(pers_xen_of(mon),
				  ((struct evtchn_set_priority *)blk)->port))
		return -XEN_EINVAL;
	return -XEN_ENOSYS;
}

static long evtchn_status(struct mon *mon, struct pers_xen_call *c,
			  void *blk)
{
	static const uint32_t stat[] = {
		[PERS_XEN_FREE] = EVTCHNSTAT_closed, [PERS_XEN_UNBOUND] = EVTCHNSTAT_unbound,
		[PERS_XEN_VIRQ] = EVTCHNSTAT_virq, [PERS_XEN_IPI] = EVTCHNSTAT_ipi,
		[PERS_XEN_CONSOLE] = EVTCHNSTAT_interdomain,
	};
	struct pers_xen *px = pers_xen_of(mon);
	struct evtchn_status *st = blk;

	(void)c;
	if (!pers_xen_self(st->dom))
		return -XEN_ESRCH;
	if (!pers_xen_port_exists(px, st->port))
		return -XEN_EINVAL;
	const struct pers_xen_port *p = &px->port[st->port];
	st->status = stat[p->kind];
	st->vcpu = p->vcpu;
	memset(&st->u, 0, sizeof(st->u));
	if (p->kind == PERS_XEN_VIRQ)
		st->u.virq = p->virq;
	else if (p->kind == PERS_XEN_UNBOUND)
		st->u.unbound.dom = p->remote;
	else if (p->kind == PERS_XEN_CONSOLE)
		st->u.interdomain.dom = 0;      /* the console back end */
	return 0;
}

/* The commands that take one evtchn_port_t. */
static long evtchn_send(struct mon *mon, struct pers_xen_call *c, void *blk)
{
	(void)c;
	return pers_xen_send(mon, *(evtchn_port_t *)blk);
}

static long evtchn_unmask(struct mon *mon, struct pers_xen_call *c,
			  void *blk)
{
	(void)c;
	return pers_xen_unmask(mon, *(evtchn_port_t *)blk);
}

static long evtchn_close(struct mon *mon, struct pers_xen_call *c, void *blk)
{
	(void)c;
	return pers_xen_close(mon, *(evtchn_port_t *)blk);
}

/* event_channel_op(cmd, arg).  The binds write the port back
 * themselves: a port whose structure cannot be written is freed again. */
#define IN PERS_XEN_IN
const struct pers_xen_op pers_xen_evtchn_ops[] = {
	{ EVTCHNOP_bind_virq, sizeof(struct evtchn_bind_virq), IN, false,
	  bind_virq, 0 },
	{ EVTCHNOP_bind_ipi, sizeof(struct evtchn_bind_ipi), IN, false,
	  bind_ipi, 0 },
	{ EVTCHNOP_alloc_unbound, sizeof(struct evtchn_alloc_unbound), IN,
	  false, alloc_unbound, 0 },
	{ EVTCHNOP_send, sizeof(evtchn_port_t), IN, false, evtchn_send, 0 },
	{ EVTCHNOP_unmask, sizeof(evtchn_port_t), IN, false, evtchn_unmask, 0 },
	{ EVTCHNOP_close, sizeof(evtchn_port_t), IN, false, evtchn_close, 0 },
	{ EVTCHNOP_bind_vcpu, sizeof(struct evtchn_bind_vcpu), IN, false,
	  bind_vcpu, 0 },
	{ EVTCHNOP_status, sizeof(struct evtchn_status),
	  PERS_XEN_IN | PERS_XEN_OUT, false, evtchn_status, 0 },
	{ EVTCHNOP_init_control, sizeof(struct evtchn_init_control), IN,
	  false, fifo_init_control, 0 },
	{ EVTCHNOP_expand_array, sizeof(struct evtchn_expand_array), IN,
	  false, fifo_expand_array, 0 },
	{ EVTCHNOP_set_priority, sizeof(struct evtchn_set_priority), IN,
	  false, fifo_set_priority, 0 },
	{ 0 }
};
