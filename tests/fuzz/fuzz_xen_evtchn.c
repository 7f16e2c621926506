/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_xen_evtchn.c: Xen event channels (pers_xen_evtchn.c):
 * binding, sending, masking, closing and status, and the 2-level
 * delivery into shared_info and vcpu_info that the guest changes between
 * calls, checked against what Xen's interface promises:
 *   - a successful bind returns a port 1..4095 that EVTCHNOP_status then
 *     reports with the kind, vCPU and VIRQ it was bound with; a global
 *     VIRQ binds on vCPU 0 only;
 *   - EVTCHNOP_bind_vcpu moves only global VIRQ, unbound and
 *     interdomain ports, and status then reports the new vCPU;
 *   - EVTCHNOP_send to an IPI port leaves its pending bit set;
 *   - a closed port reads EVTCHNSTAT_closed, is not pending (Xen's
 *     evtchn_free) and closing it again fails;
 *   - one send raises at most one upcall (and only with a legal vector).
 * Input (fuzz.h readers; zeros past the end):
 *
 *   byte 0   vCPUs = 1 + (b & 3); b & 4: shared_info at SHARED_PA;
 *            b & 8: each vCPU's vcpu_info registered; b & 16: per-vCPU
 *            upcall vectors (else b & 32: the callback-vector parameter);
 *            b & 64: guest time TSC-stable (--clocksource tsc)
 *   then records, each an op byte (op % 8), a vCPU byte and fields:
 *   0 bind_virq    u8 virq, u8 vCPU
 *   1 bind_ipi     u8 vCPU
 *   2 alloc_unbound  u8 (bit 0: a domid other than DOMID_SELF), u16 remote
 *   3 send/unmask/close/bind_vcpu  u8 cmd, port selector (bind_vcpu:
 *                  then u8 vCPU)
 *   4 status       port selector
 *   5 raw          u8 cmd; an argument block (length byte, bytes)
 *   6 store        u16 offset into shared_info (or, bit 15, the vCPU's
 *                  vcpu_info), u64 value: the guest's own write
 *   7 time         u16 us: advance time (a VIRQ_TIMER fires if armed);
 *                  also set_timer_op for now + that much
 * A port selector is a u8: below 0x80 one of the ports bound so far,
 * else a u32 follows.
 */
#include <string.h>

#include "fuzz.h"
#include "mon_pers.h"
#include "pers_xen.h"

#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/memory.h>
#include <xen/vcpu.h>

#define SHARED_PA 0x20000ull
#define VINFO_PA 0x21000ull
#define MAX_BOUND 64u

static uint32_t bound[MAX_BOUND];
static unsigned nbound;

static long call(struct mon *m, unsigned vcpu, uint64_t nr, uint64_t cmd,
		 uint64_t arg)
{
	const uint64_t a[5] = { cmd, arg, 0, 0, 0 };

	fz_host.mode = 8;
	fz_host.cpl = 0;
	return fz_xen_hcall(m, vcpu, nr, a);
}

/* EVTCHNOP (cmd) with (len) bytes of (s) as its argument; copied back. */
static long evtchn(struct mon *m, unsigned vcpu, uint64_t cmd, void *s,
		   size_t len)
{
	void *arg = mon_gpa_ptr(m, FZ_ARG_PA, len);
	long r;

	memcpy(arg, s, len);
	r = call(m, vcpu, __HYPERVISOR_event_channel_op, cmd, FZ_ARG_PA);
	memcpy(s, arg, len);
	return r;
}

static struct evtchn_status status(struct mon *m, uint32_t port)
{
	struct evtchn_status st = { .dom = DOMID_SELF, .port = port };

	FZ_CHECK(evtchn(m, 0, EVTCHNOP_status, &st, sizeof(st)) == 0,
		 "status of bound port %u", port);
	return st;
}

/* A bind returned (r) and the port (port): check and remember it. */
static void bound_port(struct mon *m, long r, uint32_t port, uint32_t stat,
		       uint32_t vcpu, uint32_t virq)
{
	struct evtchn_status st;

	if (r != 0)
		return;
	FZ_CHECK(port > 0 && port < PERS_XEN_PORTS, "bound port %u", port);
	st = status(m, port);
	FZ_CHECK(st.status == stat && st.vcpu == vcpu &&
		 (stat != EVTCHNSTAT_virq || st.u.virq == virq),
		 "port %u: status %u vcpu %u, bound as %u vcpu %u", port,
		 st.status, st.vcpu, stat, vcpu);
	if (nbound < MAX_BOUND)
		bound[nbound++] = port;
}

static uint32_t pick_port(struct fz *f)
{
	uint8_t sel = fz_u8(f);

	if (sel < 0x80)
		return nbound ? bound[sel % nbound] : sel;
	return fz_u32(f);
}

static bool pending(struct mon *m, uint32_t port)
{
	const struct shared_info *s = mon_gpa_ptr(m, SHARED_PA, 4096);

	return port < PERS_XEN_PORTS &&
	       (s->evtchn_pending[port / 64] >> (port % 64) & 1);
}

/* Xen's virq_is_global(): all but the "V." VIRQs of public/xen.h. */
static bool virq_global(uint32_t virq)
{
	return virq != VIRQ_TIMER && virq != VIRQ_DEBUG &&
	       virq != VIRQ_XENOPROF && virq != VIRQ_XENPMU;
}

static void op_bind_vcpu(struct mon *m, unsigned vcpu, uint32_t port,
			 uint32_t to)
{
	const struct pers_xen_port p = port < PERS_XEN_PORTS ?
		pers_xen_of(m)->port[port] : (struct pers_xen_port){ 0 };
	struct evtchn_bind_vcpu b = { .port = port, .vcpu = to };
	long r = evtchn(m, vcpu, EVTCHNOP_bind_vcpu, &b, sizeof(b));
	bool movable = (p.kind == PERS_XEN_VIRQ && virq_global(p.virq)) ||
		       p.kind == PERS_XEN_UNBOUND || p.kind == PERS_XEN_CONSOLE;

	FZ_CHECK(r == (to >= m->nvcpu ? -XEN_ENOENT : movable ? 0 : -XEN_EINVAL),
		 "bind_vcpu port %u (kind %u) to %u: %ld", port, p.kind, to, r);
	if (r == 0)
		FZ_CHECK(status(m, port).vcpu == to, "port %u moved to %u, "
			 "status says %u", port, to, status(m, port).vcpu);
}

static void op_port(struct fz *f, struct mon *m, unsigned vcpu)
{
	static const uint32_t cmds[4] = { EVTCHNOP_send, EVTCHNOP_unmask,
					  EVTCHNOP_close, EVTCHNOP_bind_vcpu };
	uint32_t cmd = cmds[fz_u8(f) % 4], port = pick_port(f);
	bool ipi = port < PERS_XEN_PORTS && pers_xen_of(m)->port[port].kind == PERS_XEN_IPI;
	bool shared = pers_xen_of(m)->shared_info == SHARED_PA;
	unsigned msis = fz_host.msis;
	long r;

	if (cmd == EVTCHNOP_bind_vcpu) {
		op_bind_vcpu(m, vcpu, port, fz_u8(f));
		FZ_CHECK(fz_host.msis == msis, "bind_vcpu raised an upcall");
		return;
	}
	r = evtchn(m, vcpu, cmd, &port, sizeof(port));

	FZ_CHECK(fz_host.msis <= msis + 1, "one %u raised %u upcalls", cmd,
		 fz_host.msis - msis);
	if (cmd == EVTCHNOP_send && ipi) {
		FZ_CHECK(r == 0, "send to IPI port %u: %ld", port, r);
		FZ_CHECK(!shared || pending(m, port), "IPI port %u sent, not "
			 "pending", port);
	}
	if (cmd == EVTCHNOP_close && r == 0) {
		struct evtchn_status st = status(m, port);
		FZ_CHECK(st.status == EVTCHNSTAT_closed, "closed port %u "
			 "reads status %u", port, st.status);
		FZ_CHECK(!shared || !pending(m, port), "closed port %u still "
			 "pending", port);
		FZ_CHECK(evtchn(m, vcpu, cmd, &port, sizeof(port)) ==
			 -XEN_EINVAL, "port %u closed twice", port);
	}
}

/* The guest's own 8-byte store into shared_info or its vcpu_info. */
static void op_store(struct fz *f, struct mon *m, unsigned vcpu)
{
	uint16_t off = fz_u16(f);
	uint64_t v = fz_u64(f), gpa;
	uint64_t *p;

	if (off & 0x8000)
		gpa = pers_xen_of(m)->vcpu[vcpu].info + (off & 0x38);
	else
		gpa = SHARED_PA + (off & 0xff8);
	if ((p = mon_gpa_ptr(m, gpa, 8)))
		*p = v;
}

static void setup(struct mon *m, uint8_t b)
{
	struct xen_add_to_physmap a = { .domid = DOMID_SELF,
		.space = XENMAPSPACE_shared_info, .gpfn = SHARED_PA >> 12 };

	if (b & 4) {
		memcpy(mon_gpa_ptr(m, FZ_ARG_PA, sizeof(a)), &a, sizeof(a));
		FZ_CHECK(call(m, 0, __HYPERVISOR_memory_op,
			      XENMEM_add_to_physmap, FZ_ARG_PA) == 0,
			 "map shared_info");
	}
	for (unsigned v = 0; v < m->nvcpu; v++) {
		struct vcpu_register_vcpu_info ri = { .mfn = VINFO_PA >> 12,
			.offset = v * 64 };
		struct xen_hvm_evtchn_upcall_vector u = { .vcpu = v,
			.vector = 0xf3 };
		pers_xen_of(m)->vcpu[v].up = true;    /* as after VCPUOP_up */
		if (b & 8) {
			memcpy(mon_gpa_ptr(m, FZ_ARG_PA, sizeof(ri)), &ri,
			       sizeof(ri));
			FZ_CHECK(fz_xen_hcall(m, v, __HYPERVISOR_vcpu_op,
					      (const uint64_t[5]){
						VCPUOP_register_vcpu_info, v,
						FZ_ARG_PA }) == 0,
				 "vcpu_info of %u", v);
		}
		if (b & 16) {
			memcpy(mon_gpa_ptr(m, FZ_ARG_PA, sizeof(u)), &u,
			       sizeof(u));
			FZ_CHECK(call(m, v, __HYPERVISOR_hvm_op,
				      HVMOP_set_evtchn_upcall_vector,
				      FZ_ARG_PA) == 0, "upcall vector");
		}
	}
	if (!(b & 16) && (b & 32)) {
		struct xen_hvm_param p = { .domid = DOMID_SELF,
			.index = HVM_PARAM_CALLBACK_IRQ,
			.value = (uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR <<
				 56 | 0xf2 };
		memcpy(mon_gpa_ptr(m, FZ_ARG_PA, sizeof(p)), &p, sizeof(p));
		FZ_CHECK(call(m, 0, __HYPERVISOR_hvm_op, HVMOP_set_param,
			      FZ_ARG_PA) == 0, "callback vector");
	}
}

static void op(struct fz *f, struct mon *m, uint8_t what)
{
	unsigned vcpu = fz_u8(f) % m->nvcpu;

	switch (what % 8) {
	case 0: {
		struct evtchn_bind_virq b = { .virq = fz_u8(f),
					      .vcpu = fz_u8(f) };
		long r = evtchn(m, vcpu, EVTCHNOP_bind_virq, &b, sizeof(b));
		FZ_CHECK(r != 0 || !virq_global(b.virq) || b.vcpu == 0,
			 "global VIRQ %u bound on vCPU %u", b.virq, b.vcpu);
		bound_port(m, r, b.port, EVTCHNSTAT_virq, b.vcpu, b.virq);
		break;
	}
	case 1: {
		struct evtchn_bind_ipi b = { .vcpu = fz_u8(f) };
		long r = evtchn(m, vcpu, EVTCHNOP_bind_ipi, &b, sizeof(b));
		bound_port(m, r, b.port, EVTCHNSTAT_ipi, b.vcpu, 0);
		break;
	}
	case 2: {
		struct evtchn_alloc_unbound a = {
			.dom = fz_u8(f) & 1 ? 0 : DOMID_SELF,
			.remote_dom = fz_u16(f) };
		long r = evtchn(m, vcpu, EVTCHNOP_alloc_unbound, &a, sizeof(a));
		bound_port(m, r, a.port, EVTCHNSTAT_unbound, 0, 0);
		break;
	}
	case 3: op_port(f, m, vcpu); break;
	case 4: {
		struct evtchn_status st = { .dom = DOMID_SELF,
					    .port = pick_port(f) };
		evtchn(m, vcpu, EVTCHNOP_status, &st, sizeof(st));
		break;
	}
	case 5: {
		uint8_t cmd = fz_u8(f);
		fz_block(f, m, FZ_ARG_PA);
		call(m, vcpu, __HYPERVISOR_event_channel_op, cmd, FZ_ARG_PA);
		break;
	}
	case 6: op_store(f, m, vcpu); break;
	default: {
		uint64_t us = fz_u16(f);
		call(m, vcpu, __HYPERVISOR_set_timer_op,
		     pers_xen_now(m) + us * 1000 + 1, 0);
		fz_advance(m, us * 1000 + 2000);
		break;
	}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	uint8_t b = fz_u8(&f);
	struct mon *m = fz_vm(&pers_xen, 1 + (b & 3), false);

	nbound = 0;
	m->clock.tsc_stable = b & 64;
	setup(m, b);
	while (fz_more(&f))
		op(&f, m, fz_u8(&f));
	return 0;
}
