/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_timer.c: timer programming by the guest: Xen
 * set_timer_op and VCPUOP_{set,stop}_singleshot_timer (pers_xen_vcpu.c)
 * or Hyper-V synthetic timer 0's CONFIG and COUNT MSRs (pers_hv_msr.c),
 * with guest time advancing between calls and the fake host's timer
 * thread firing what expires (fuzz_mon.c fz_advance: a callback that
 * re-arms its timer at or before the time it fired would spin the
 * monitor's timer thread, and fails).  The deadlines the personality
 * asks the host for are checked against the ABI:
 *   xen  set_timer_op(0) cancels; a deadline that has passed (for the
 *        singleshot timer also a negative one, bit 63) arms nothing and
 *        cancels the timer (its event is sent at once); set_timer_op's
 *        negative or absurdly far one fires in 100 ms (Xen's slop), and
 *        none wraps: the host deadline is never before now, and never
 *        more than 100 ms plus 1 us ahead of the later of now and the
 *        requested time;
 *   hv   with the SynIC on, an enabled timer with a non-zero COUNT is
 *        armed: one-shot for COUNT (100 ns units, saturating), periodic
 *        for at least the minimum period (PERS_HV_STIMER_MIN_PERIOD)
 *        from now; otherwise it is cancelled; an
 *        expiry in direct mode raises the configured vector; a message
 *        that finds its slot busy leaves the timer unarmed until an EOM
 *        on a free slot sends it.
 * Input (fuzz.h readers; zeros past the end):
 *
 *   byte 0   b & 1: hyperv, else xen; vCPUs = 1 + (b >> 1 & 1)
 *   then records, each an op byte (op % 4), a vCPU byte and fields:
 *   0 program  xen: u8 how (set_timer_op, singleshot, stop singleshot,
 *                   stop periodic) and a deadline;
 *              hv:  u8 which (CONFIG or COUNT) and a value
 *              A deadline or COUNT: u8 kind (now + u32 ns, now - u32 ns,
 *              raw u64, 0) then its fields
 *   1 advance  u32: guest ns to let pass (at most 10 ms)
 *   2 setup    xen: bind VIRQ_TIMER on the vCPU; hv: SynIC and SINTs on,
 *              every message slot freed, EOM
 *   3 config   hv only: u8 vector, u8 SINT, u8 flags: CONFIG from parts
 */
#include <string.h>

#include "fuzz.h"
#include "mon_pers.h"
#include "pers_hv.h"
#include "pers_xen.h"

#include <xen/hvm/hvm_op.h>
#include <xen/memory.h>
#include <xen/vcpu.h>

#define XEN_SLOP 100000000ull   /* pers_xen_vcpu.c PERS_XEN_TIMER_SLOP */
#define MAX_STEP 10000000u      /* 10 ms */
/* A periodic stimer's shortest period, in guest ns, less 1 us for the
 * rounding of the reference clock (100 ns units) on the way. */
#define MIN_PERIOD_NS (PERS_HV_STIMER_MIN_PERIOD * 100 - 1000)

/* A time in guest ns (xen: Xen system time; hv: reference time * 100,
 * scaled back to 100 ns units by the caller). */
static uint64_t when(struct fz *f)
{
	uint8_t kind = fz_u8(f);
	uint64_t now = fz_now_ns();

	switch (kind % 4) {
	case 0: return now + fz_u32(f);
	case 1: return now - (fz_u32(f) % (now + 1));
	case 2: return fz_u64(f);
	default: return 0;
	}
}

static const struct fz_timer *timer(unsigned vcpu)
{
	return &fz_host.timer[vcpu];
}

/* ---- xen ---- */

static long xen_call(struct mon *m, unsigned vcpu, uint64_t nr, uint64_t a0,
		     uint64_t a1, uint64_t a2)
{
	const uint64_t a[5] = { a0, a1, a2, 0, 0 };

	return fz_xen_hcall(m, vcpu, nr, a);
}

/* The host deadline for a Xen deadline (t) asked for at (now); one
 * that had (passed) is not armed: its event is sent at once and the
 * timer cancelled, as Xen's fires before the vCPU re-enters the guest. */
static void check_xen_arm(unsigned vcpu, uint64_t t, uint64_t now,
			  unsigned arms, bool not_early, bool passed)
{
	const struct fz_timer *tm = timer(vcpu);
	uint64_t late = ((int64_t)t > 0 && t > now) ? t : now;

	if (passed) {
		FZ_CHECK(fz_host.arms == arms && !tm->fn, "passed deadline "
			 "%llu at %llu armed", (unsigned long long)t,
			 (unsigned long long)now);
		return;
	}
	FZ_CHECK(fz_host.arms == arms + 1 && tm->fn, "not armed for %llu",
		 (unsigned long long)t);
	FZ_CHECK(tm->deadline >= now, "deadline %llu before now %llu",
		 (unsigned long long)tm->deadline, (unsigned long long)now);
	FZ_CHECK(tm->deadline <= mon_add_sat(late, XEN_SLOP + 1000),
		 "asked %llu at %llu, armed %llu", (unsigned long long)t,
		 (unsigned long long)now, (unsigned long long)tm->deadline);
	FZ_CHECK(!not_early || tm->deadline >= t, "asked %llu, armed %llu: "
		 "early", (unsigned long long)t,
		 (unsigned long long)tm->deadline);
}

static void xen_program(struct fz *f, struct mon *m, unsigned vcpu)
{
	uint8_t how = fz_u8(f) % 4;
	uint64_t t = when(f), now = fz_now_ns();
	struct vcpu_set_singleshot_timer s = { .timeout_abs_ns = t };
	unsigned arms = fz_host.arms;
	long r;

	memcpy(mon_gpa_ptr(m, FZ_ARG_PA, sizeof(s)), &s, sizeof(s));
	switch (how) {
	case 0:
		r = xen_call(m, vcpu, __HYPERVISOR_set_timer_op, t, 0, 0);
		FZ_CHECK(r == 0, "set_timer_op: %ld", r);
		if (t == 0)
			FZ_CHECK(!timer(vcpu)->fn, "set_timer_op(0) armed");
		else    /* below Xen's "absurdly far" (2^50 ns ahead) */
			check_xen_arm(vcpu, t, now, arms, (int64_t)t > 0 &&
				      t > now && t - now < (1ull << 40),
				      (int64_t)t > 0 && t <= now);
		break;
	case 1:
		r = xen_call(m, vcpu, __HYPERVISOR_vcpu_op,
			     VCPUOP_set_singleshot_timer, vcpu, FZ_ARG_PA);
		FZ_CHECK(r == 0, "singleshot: %ld", r);
		check_xen_arm(vcpu, t, now, arms, (int64_t)t > 0,
			      (int64_t)t <= 0 || t <= now);
		break;
	case 2:
		r = xen_call(m, vcpu, __HYPERVISOR_vcpu_op,
			     VCPUOP_stop_singleshot_timer, vcpu, 0);
		FZ_CHECK(r == 0 && !timer(vcpu)->fn, "stop singleshot");
		break;
	default:
		xen_call(m, vcpu, __HYPERVISOR_vcpu_op,
			 VCPUOP_stop_periodic_timer, vcpu, 0);
		break;
	}
}

/* VIRQ_TIMER bound on (vcpu), shared_info mapped (its vcpu_info too)
 * and an upcall vector: an expiry then marks the port pending and
 * raises the upcall. */
static void xen_setup(struct mon *m, unsigned vcpu)
{
	struct evtchn_bind_virq b = { .virq = VIRQ_TIMER, .vcpu = vcpu };
	struct xen_add_to_physmap a = { .domid = DOMID_SELF,
		.space = XENMAPSPACE_shared_info, .gpfn = 0x20 };
	struct xen_hvm_evtchn_upcall_vector u = { .vcpu = vcpu,
						  .vector = 0xf3 };

	memcpy(mon_gpa_ptr(m, FZ_ARG_PA, sizeof(b)), &b, sizeof(b));
	xen_call(m, 0, __HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq,
		 FZ_ARG_PA, 0);
	memcpy(mon_gpa_ptr(m, FZ_ARG_PA, sizeof(a)), &a, sizeof(a));
	xen_call(m, 0, __HYPERVISOR_memory_op, XENMEM_add_to_physmap,
		 FZ_ARG_PA, 0);
	memcpy(mon_gpa_ptr(m, FZ_ARG_PA, sizeof(u)), &u, sizeof(u));
	xen_call(m, 0, __HYPERVISOR_hvm_op, HVMOP_set_evtchn_upcall_vector,
		 FZ_ARG_PA, 0);
}

/* ---- hyperv ---- */

static bool hv_wrmsr(struct mon *m, unsigned vcpu, uint32_t i, uint64_t v)
{
	return fz_msr(m, vcpu, true, i, &v);
}

/* Just programmed (fresh) or after time passed (everything due fired). */
static void check_hv_timer(struct mon *m, unsigned vcpu, bool fresh)
{
	const struct pers_hv_vp *vp = &pers_hv_of(m)->vp[vcpu];
	const struct fz_timer *tm = timer(vcpu);
	uint64_t cfg = vp->stimer_config, now = fz_now_ns();

	if (!(cfg & HV_STIMER_ENABLE) || !vp->stimer_count ||
	    vp->stimer_msg_pending) {
		FZ_CHECK(!tm->fn, "stimer off or waiting for EOM, host timer "
			 "armed");
		FZ_CHECK(!vp->stimer_msg_pending || ((cfg & HV_STIMER_ENABLE) &&
			 !(cfg & HV_STIMER_DIRECT)), "message pending for a "
			 "timer off or in direct mode");
		return;
	}
	FZ_CHECK(tm->fn, "stimer on, host timer off");
	if (!fresh) {
		FZ_CHECK(tm->deadline > now, "due at %llu, not fired by %llu",
			 (unsigned long long)tm->deadline,
			 (unsigned long long)now);
	} else if (cfg & HV_STIMER_PERIODIC) {
		FZ_CHECK(tm->deadline >= mon_add_sat(now, MIN_PERIOD_NS),
			 "period shorter than the minimum: %llu at %llu",
			 (unsigned long long)tm->deadline,
			 (unsigned long long)now);
	} else {
		uint64_t at = mon_mul_sat(vp->stimer_count, 100);
		FZ_CHECK(tm->deadline >= at && tm->deadline <=
			 mon_add_sat(at, 1000), "one-shot for %llu armed %llu",
			 (unsigned long long)vp->stimer_count,
			 (unsigned long long)tm->deadline);
	}
}

static void hv_program(struct fz *f, struct mon *m, unsigned vcpu)
{
	bool count = fz_u8(f) & 1;
	uint64_t v = when(f);

	if (count)
		v /= 100;       /* guest ns to reference time */
	if (hv_wrmsr(m, vcpu, count ? HV_X64_MSR_STIMER0_COUNT :
		     HV_X64_MSR_STIMER0_CONFIG, v))
		check_hv_timer(m, vcpu, true);
}

static void hv_config(struct fz *f, struct mon *m, unsigned vcpu)
{
	uint64_t vec = fz_u8(f), sint = fz_u8(f) & 0xf, fl = fz_u8(f);
	uint64_t v = (fl & 0xf) | vec << HV_STIMER_VECTOR_SHIFT |
		     sint << HV_STIMER_SINTX_SHIFT |
		     (fl & 0x10 ? HV_STIMER_DIRECT : 0);

	if (hv_wrmsr(m, vcpu, HV_X64_MSR_STIMER0_CONFIG, v))
		check_hv_timer(m, vcpu, true);
}

/* The SynIC on, and the guest's message handler: every slot freed,
 * then EOM, which sends a timer message that waited for its slot. */
static void hv_setup(struct mon *m, unsigned vcpu)
{
	uint64_t simp = 0x40000 + vcpu * 0x1000ull;
	struct hv_message *slot = mon_gpa_ptr(m, simp, 4096);

	hv_wrmsr(m, vcpu, HV_X64_MSR_SCONTROL, HV_SYNIC_SCONTROL_ENABLE);
	hv_wrmsr(m, vcpu, HV_X64_MSR_SIMP, simp | HV_MSR_ENABLE);
	for (unsigned s = 0; s < HV_SYNIC_SINT_COUNT; s++) {
		hv_wrmsr(m, vcpu, HV_X64_MSR_SINT0 + s, 0x40 + s);
		slot[s].message_type = HVMSG_NONE;
	}
	hv_wrmsr(m, vcpu, HV_X64_MSR_EOM, 0);
	FZ_CHECK(!pers_hv_of(m)->vp[vcpu].stimer_msg_pending,
		 "EOM on free slots left the timer message pending");
}

/* A direct-mode expiry raises the configured vector (message mode
 * raises its SINT's, checked in fuzz_hv.c's runs). */
static void advance(struct fz *f, struct mon *m, bool hv)
{
	uint64_t cfg[MON_MAX_CPUS];
	unsigned msis = fz_host.msis;

	for (unsigned v = 0; hv && v < m->nvcpu; v++)
		cfg[v] = pers_hv_of(m)->vp[v].stimer_config;
	fz_advance(m, fz_u32(f) % MAX_STEP);
	if (hv && m->nvcpu == 1 && fz_host.msis > msis &&
	    (cfg[0] & HV_STIMER_DIRECT))
		FZ_CHECK(fz_host.last_vector == (uint8_t)((cfg[0] &
			 HV_STIMER_VECTOR_MASK) >> HV_STIMER_VECTOR_SHIFT),
			 "direct stimer raised vector %u", fz_host.last_vector);
	for (unsigned v = 0; hv && v < m->nvcpu; v++)
		check_hv_timer(m, v, false);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	uint8_t b = fz_u8(&f);
	bool hv = b & 1;
	struct mon *m = fz_vm(hv ? &pers_hv : &pers_xen, 1 + (b >> 1 & 1),
			      false);

	while (fz_more(&f)) {
		uint8_t op = fz_u8(&f) % 4;
		unsigned vcpu = fz_u8(&f) % m->nvcpu;
		switch (op) {
		case 0:
			if (hv)
				hv_program(&f, m, vcpu);
			else
				xen_program(&f, m, vcpu);
			break;
		case 1: advance(&f, m, hv); break;
		case 2:
			if (hv)
				hv_setup(m, vcpu);
			else
				xen_setup(m, vcpu);
			break;
		default:
			if (hv)
				hv_config(&f, m, vcpu);
			break;
		}
	}
	return 0;
}
