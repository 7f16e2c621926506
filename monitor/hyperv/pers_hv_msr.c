/* SPDX-License-Identifier: MIT */
/*
 * monitor/hyperv/pers_hv_msr.c: the Hyper-V synthetic MSRs of the `hyperv`
 * personality: guest OS id and the hypercall page, VP index, reset, the
 * reference counter and reference TSC page, the SynIC registers,
 * synthetic timer 0, and the crash MSRs.  They reach us as KVM_EXIT_X86_
 * RDMSR/WRMSR (KVM knows none of them here); returning false injects #GP,
 * which is what the TLFS prescribes for a read-only MSR written, a
 * reserved bit set, or a page outside guest RAM.
 */
#include <inttypes.h>
#include <string.h>

#include "pers_hv.h"

uint64_t pers_hv_tsc_scale(uint32_t tsc_khz)
{
	/* [T: timers] ReferenceTime = ((TSC * scale) >> 64) + offset, so
	 * scale = 10^7 * 2^64 / TSC Hz (below 2^64 for a TSC over 10 MHz). */
	return (uint64_t)(((unsigned __int128)HV_REF_HZ << 64) /
			  ((uint64_t)tsc_khz * 1000u));
}

uint64_t pers_hv_ref_time(const struct pers_hv *hv, uint64_t tsc)
{
	return (uint64_t)(((unsigned __int128)tsc * hv->tsc_scale) >> 64) +
	       (uint64_t)hv->tsc_offset;
}

/* The partition's reference time now, as HV_X64_MSR_TIME_REF_COUNT
 * reads it and the stimers count it (KVM: get_time_ref_counter for both,
 * arch/x86/kvm/hyperv.c); the caller holds hv->lock.  With a valid
 * reference TSC page, the page's formula on this vCPU's TSC, so the two
 * agree, as in KVM.  Without one, never less
 * than any earlier read on any vCPU: KVM's is then a host clock
 * (get_kvmclock_ns()), vmi-run's the host TSC of the host CPU this thread
 * runs on, and where the host's clocksource is not the TSC (the page is
 * then invalid: docs/vmi-run.md "Guest time") host CPUs' TSCs may
 * disagree.  Clamping a valid page's count too made it run ahead of the
 * page by the skew of an earlier read on another host CPU. */
static uint64_t ref_count(struct mon *mon, struct pers_hv *hv)
{
	uint64_t now = pers_hv_ref_time(hv, mon->host->guest_tsc(mon));

	if (mon->clock.tsc_stable)
		return now;
	if (now > hv->ref_last)
		hv->ref_last = now;
	return hv->ref_last;
}

/* (len) bytes of guest RAM at the page of (msr_val), or NULL. */
static void *msr_page(struct mon *mon, uint64_t msr_val)
{
	return mon_gpa_ptr(mon, msr_val & HV_MSR_PAGE_MASK, HV_PAGE_SIZE);
}

/* [T: hypercall-interface "Establishing the Hypercall Interface"]: the
 * page is enabled only once a guest OS id is set; KVM's hyperv.c ignores
 * the write before that, and so do we.  The stub keeps the TLFS register
 * ABI; the rest of the page is int3 (0xcc), as Xen's viridian.c does. */
static bool write_hypercall(struct mon *mon, struct pers_hv *hv, uint64_t v)
{
	static const uint8_t stub[VMI_HV_STUB_LEN] = {
		0xe6, VMI_PORT_HV_HYPERCALL,    /* out %al, $port */
		0xc3,                           /* ret */
	};
	uint8_t *page;

	if (!hv->guest_os_id)
		return true;
	if (v & HV_MSR_ENABLE) {
		if (!(page = msr_page(mon, v)))
			return false;
		memset(page + sizeof(stub), 0xcc, HV_PAGE_SIZE - sizeof(stub));
		memcpy(page, stub, sizeof(stub));
	}
	hv->hypercall = v;
	return true;
}

/* [T: timers "Reference TSC Page"]: sequence 0 while the page is being
 * written (invalid), then a non-zero sequence once scale and offset are
 * consistent.  They never change afterwards (no migration here).  With
 * --clocksource platform the sequence stays 0, which tells the guest to
 * read HV_X64_MSR_TIME_REF_COUNT, as KVM does while its host clock is not
 * a stable TSC (arch/x86/kvm/hyperv.c kvm_hv_setup_tsc_page). */
static bool write_ref_tsc(struct mon *mon, struct pers_hv *hv, uint64_t v)
{
	struct hv_ref_tsc_page *p;

	if (v & HV_MSR_ENABLE) {
		if (!(p = msr_page(mon, v)))
			return false;
		__atomic_store_n(&p->tsc_sequence, HV_REF_TSC_INVALID,
				 __ATOMIC_SEQ_CST);
		p->tsc_scale = hv->tsc_scale;
		p->tsc_offset = hv->tsc_offset;
		if (mon->clock.tsc_stable)
			__atomic_store_n(&p->tsc_sequence, 1u,
					 __ATOMIC_SEQ_CST);
	}
	hv->ref_tsc = v;
	return true;
}

/* SIMP/SIEFP: bit 0 enable, bits 11:1 preserved, 63:12 the page, which
 * must be guest RAM while enabled. */
static bool write_synic_page(struct mon *mon, uint64_t *reg, uint64_t v)
{
	if ((v & HV_MSR_ENABLE) && !msr_page(mon, v))
		return false;
	*reg = v;
	return true;
}

/* SINTx: vector 7:0, masked 16, auto-EOI 17, polling 18; the rest is
 * reserved (#GP).  An unmasked vector below 16 is invalid (KVM hyperv.c
 * synic_set_sint; Xen synic.c). */
static bool write_sint(uint64_t *reg, uint64_t v)
{
	const uint64_t ok = HV_SYNIC_SINT_VECTOR_MASK | HV_SYNIC_SINT_MASKED |
			    HV_SYNIC_SINT_AUTO_EOI | (1ull << 18);

	if ((v & ~ok) || (!(v & HV_SYNIC_SINT_MASKED) &&
			  (v & HV_SYNIC_SINT_VECTOR_MASK) <
			  HV_SYNIC_FIRST_VALID_VECTOR))
		return false;
	*reg = v;
	return true;
}

static void stimer_fire(struct mon *mon, unsigned vcpu);

/* Arm or disarm the host timer to match stimer 0's registers. */
static void stimer_update(struct mon *mon, struct pers_hv *hv, unsigned vcpu)
{
	struct pers_hv_vp *vp = &hv->vp[vcpu];
	uint64_t due;

	if (!(vp->stimer_config & HV_STIMER_ENABLE) || !vp->stimer_count) {
		mon->host->timer_cancel(mon, vcpu);
		return;
	}
	/* One-shot: COUNT is the absolute expiry; periodic: the period, at
	 * least PERS_HV_STIMER_MIN_PERIOD.  Saturating, so a COUNT near
	 * 2^64 is "never", not a wrap to a deadline already passed. */
	due = vp->stimer_count;
	if (vp->stimer_config & HV_STIMER_PERIODIC)
		due = mon_add_sat(ref_count(mon, hv),
				  due < PERS_HV_STIMER_MIN_PERIOD ?
				  PERS_HV_STIMER_MIN_PERIOD : due);
	vp->stimer_expiry = due;
	/* 100 ns units to guest ns, +100 so that rounding never fires it
	 * before the guest's own reading of the reference time. */
	mon->host->timer_arm(mon, vcpu, mon_add_sat(mon_mul_sat(due, 100), 100),
			   stimer_fire);
}

/* [T: timers "Synthetic Timer Configuration Register"].  Needs an
 * enabled SynIC, as in KVM (hyperv.c stimer MSRs); direct mode needs a
 * deliverable vector; message mode with SINTx 0 disables the timer. */
static bool write_stimer_config(struct mon *mon, struct pers_hv *hv,
				unsigned vcpu, uint64_t v)
{
	struct pers_hv_vp *vp = &hv->vp[vcpu];
	uint64_t vec = (v & HV_STIMER_VECTOR_MASK) >> HV_STIMER_VECTOR_SHIFT;

	if ((v & HV_STIMER_RESERVED) ||
	    (v && !(vp->scontrol & HV_SYNIC_SCONTROL_ENABLE)) ||
	    ((v & HV_STIMER_DIRECT) && vec < HV_SYNIC_FIRST_VALID_VECTOR))
		return false;
	if (!(v & HV_STIMER_DIRECT) && !(v & HV_STIMER_SINTX_MASK))
		v &= ~HV_STIMER_ENABLE;
	vp->stimer_config = v;
	vp->stimer_msg_pending = false;
	stimer_update(mon, hv, vcpu);
	return true;
}

/* COUNT: 0 disables; with auto-enable, a non-zero write enables. */
static bool write_stimer_count(struct mon *mon, struct pers_hv *hv,
			       unsigned vcpu, uint64_t v)
{
	struct pers_hv_vp *vp = &hv->vp[vcpu];

	if (v && !(vp->scontrol & HV_SYNIC_SCONTROL_ENABLE))
		return false;
	vp->stimer_count = v;
	vp->stimer_msg_pending = false;
	if (!v)
		vp->stimer_config &= ~HV_STIMER_ENABLE;
	else if (vp->stimer_config & HV_STIMER_AUTO_ENABLE)
		vp->stimer_config |= HV_STIMER_ENABLE;
	stimer_update(mon, hv, vcpu);
	return true;
}

/* Stimer 0 of (vcpu) expires, from the timer thread or again at the
 * guest's EOM; called with the lock held, which it drops.  Direct mode
 * raises the APIC vector.  Message mode posts HVMSG_TIMER_EXPIRED to
 * SINTx.  A periodic timer's tick that finds that slot busy is dropped
 * ("to avoid piling up periodic ticks"); a one-shot's, or any with the
 * SIM page off, stays pending, the timer unarmed and a one-shot enabled,
 * until an EOM finds the slot free or CONFIG or COUNT is written, as in
 * KVM (hyperv.c stimer_send_msg, synic_deliver_msg, stimer_expiration,
 * kvm_hv_notify_acked_sint, stimer_cleanup). */
static void stimer_expire(struct mon *mon, struct pers_hv *hv, unsigned vcpu)
{
	struct pers_hv_vp *vp = &hv->vp[vcpu];
	uint64_t cfg = vp->stimer_config;
	unsigned sint = (unsigned)((cfg & HV_STIMER_SINTX_MASK) >>
				   HV_STIMER_SINTX_SHIFT);
	struct hv_message msg = { .message_type = HVMSG_TIMER_EXPIRED,
		.payload_size = sizeof(struct hv_timer_message_payload) };
	struct hv_timer_message_payload *pl = (void *)msg.payload;
	uint64_t sint_reg = vp->sint[sint];
	bool periodic = cfg & HV_STIMER_PERIODIC;
	unsigned st = HV_STATUS_SUCCESS;

	*pl = (struct hv_timer_message_payload){ .expiration_time =
		vp->stimer_expiry, .delivery_time = ref_count(mon, hv) };
	if (!(cfg & HV_STIMER_DIRECT))
		st = pers_hv_post_msg(mon, vcpu, sint, &msg, periodic);
	vp->stimer_msg_pending = st != HV_STATUS_SUCCESS &&
		!(periodic && st == HV_STATUS_INSUFFICIENT_BUFFERS);
	if (vp->stimer_msg_pending) {
		pthread_mutex_unlock(&hv->lock);
		return;
	}
	if (periodic)
		stimer_update(mon, hv, vcpu);
	else
		vp->stimer_config &= ~HV_STIMER_ENABLE;
	pthread_mutex_unlock(&hv->lock);
	if (st != HV_STATUS_SUCCESS)
		return;                 /* a periodic tick dropped */
	if (cfg & HV_STIMER_DIRECT)
		mon->host->msi(mon, vcpu, (uint8_t)((cfg & HV_STIMER_VECTOR_MASK)
						  >> HV_STIMER_VECTOR_SHIFT));
	else
		pers_hv_raise_sint(mon, vcpu, sint_reg);
}

/* The timer thread's callback. */
static void stimer_fire(struct mon *mon, unsigned vcpu)
{
	struct pers_hv *hv = pers_hv_of(mon);

	pthread_mutex_lock(&hv->lock);
	if (hv->vp[vcpu].stimer_config & HV_STIMER_ENABLE)
		stimer_expire(mon, hv, vcpu);   /* drops the lock */
	else
		pthread_mutex_unlock(&hv->lock);
}

/* EOM [T: inter-partition-communication "SynIC Message Flags"]: the
 * guest has freed a slot; a timer message waiting for one is sent again
 * (KVM: synic_set_msr HV_X64_MSR_EOM).  Messages of HvCallPostMessage
 * are not queued (INSUFFICIENT_BUFFERS instead): nothing else to do. */
static void write_eom(struct mon *mon, struct pers_hv *hv, unsigned vcpu)
{
	pthread_mutex_lock(&hv->lock);
	if (hv->vp[vcpu].stimer_msg_pending &&
	    (hv->vp[vcpu].stimer_config & HV_STIMER_ENABLE))
		stimer_expire(mon, hv, vcpu);   /* drops the lock */
	else
		pthread_mutex_unlock(&hv->lock);
}

/*
 * [T: partition-properties "Partition Crash Enlightenment"] and the
 * project's convention (contract-decisions.md D2): a CRASH_CTL write with
 * CRASH_NOTIFY ends the guest with status P0 when P0 is a guest code
 * (mon_guest_status), else VMI_EXIT_CRASH; with CRASH_NOTIFY_MSG, P3/P4
 * name the message.
 */
static bool write_crash_ctl(struct mon *mon, struct pers_hv *hv,
			    unsigned vcpu, uint64_t v)
{
	const uint64_t *p = hv->crash;
	uint64_t len = p[4] < 256 ? p[4] : 256;
	bool text = false;
	char raw[256], line[257];
	int code;

	if (v & ~(HV_CRASH_CTL_NOTIFY | HV_CRASH_CTL_NOTIFY_MSG))
		return false;
	if (!(v & HV_CRASH_CTL_NOTIFY))
		return true;
	/* The guest's bytes, fetched once, made one line ('?' for the
	 * others). */
	if ((v & HV_CRASH_CTL_NOTIFY_MSG) && len &&
	    (text = mon_copy_in(mon, raw, p[3], len)))
		mon_oneline(line, sizeof(line), raw, len);
	code = mon_guest_status(p[0], VMI_EXIT_CRASH);
	mon_stopf(mon, code, "guest crash report (HV_X64_MSR_CRASH_CTL) on "
		  "vcpu %u: P0=0x%" PRIx64 " P1=0x%" PRIx64 " P2=0x%" PRIx64
		  "%s%s; exit %d", vcpu, p[0], p[1], p[2], text ? ": " : "",
		  text ? line : "", code);
	return true;
}

static bool msr_write(struct mon *mon, struct pers_hv *hv, unsigned vcpu,
		      uint32_t i, uint64_t v)
{
	struct pers_hv_vp *vp = &hv->vp[vcpu];

	if (i >= HV_X64_MSR_SINT0 && i < HV_X64_MSR_SINT0 + HV_SYNIC_SINT_COUNT)
		return write_sint(&vp->sint[i - HV_X64_MSR_SINT0], v);
	if (i >= HV_X64_MSR_CRASH_P0 && i < HV_X64_MSR_CRASH_P0 +
	    HV_CRASH_NPARAMS) {
		hv->crash[i - HV_X64_MSR_CRASH_P0] = v;
		return true;
	}
	switch (i) {
	case HV_X64_MSR_GUEST_OS_ID:
		hv->guest_os_id = v;
		if (!v)         /* a zero id disables the page (KVM) */
			hv->hypercall &= ~HV_MSR_ENABLE;
		return true;
	case HV_X64_MSR_HYPERCALL:
		return write_hypercall(mon, hv, v);
	case HV_X64_MSR_RESET:
		if (v & HV_RESET_REQUEST)
			mon_stopf(mon, MON_EXIT_RESET, "guest reset the machine "
				  "(HV_X64_MSR_RESET) on vcpu %u; exit %d", vcpu,
				  MON_EXIT_RESET);
		return !(v & ~HV_RESET_REQUEST);
	case HV_X64_MSR_REFERENCE_TSC:
		return write_ref_tsc(mon, hv, v);
	case HV_X64_MSR_SCONTROL:
		if (v & ~HV_SYNIC_SCONTROL_ENABLE)
			return false;
		vp->scontrol = v;
		return true;
	case HV_X64_MSR_SIEFP:
		return write_synic_page(mon, &vp->siefp, v);
	case HV_X64_MSR_SIMP:
		return write_synic_page(mon, &vp->simp, v);
	case HV_X64_MSR_STIMER0_CONFIG:
		return write_stimer_config(mon, hv, vcpu, v);
	case HV_X64_MSR_STIMER0_COUNT:
		return write_stimer_count(mon, hv, vcpu, v);
	case HV_X64_MSR_CRASH_CTL:
		return write_crash_ctl(mon, hv, vcpu, v);
	default:        /* read-only (VP_INDEX, TIME_REF_COUNT, ...) or absent */
		return false;
	}
}

static bool msr_read(struct mon *mon, struct pers_hv *hv, unsigned vcpu,
		     uint32_t i, uint64_t *v)
{
	const struct pers_hv_vp *vp = &hv->vp[vcpu];

	if (i >= HV_X64_MSR_SINT0 && i < HV_X64_MSR_SINT0 + HV_SYNIC_SINT_COUNT)
		return *v = vp->sint[i - HV_X64_MSR_SINT0], true;
	if (i >= HV_X64_MSR_CRASH_P0 && i < HV_X64_MSR_CRASH_P0 +
	    HV_CRASH_NPARAMS)
		return *v = hv->crash[i - HV_X64_MSR_CRASH_P0], true;
	switch (i) {
	case HV_X64_MSR_GUEST_OS_ID:    *v = hv->guest_os_id; return true;
	case HV_X64_MSR_HYPERCALL:      *v = hv->hypercall; return true;
	case HV_X64_MSR_VP_INDEX:       *v = vcpu; return true;
	case HV_X64_MSR_RESET:          *v = 0; return true;
	case HV_X64_MSR_TIME_REF_COUNT: *v = ref_count(mon, hv); return true;
	case HV_X64_MSR_REFERENCE_TSC:  *v = hv->ref_tsc; return true;
	case HV_X64_MSR_TSC_FREQUENCY:  *v = hv->tsc_khz * 1000ull; return true;
	case HV_X64_MSR_APIC_FREQUENCY: *v = PERS_HV_APIC_HZ; return true;
	case HV_X64_MSR_SCONTROL:       *v = vp->scontrol; return true;
	case HV_X64_MSR_SVERSION:       *v = HV_SYNIC_VERSION_1; return true;
	case HV_X64_MSR_SIEFP:          *v = vp->siefp; return true;
	case HV_X64_MSR_SIMP:           *v = vp->simp; return true;
	case HV_X64_MSR_EOM:            *v = 0; return true;
	case HV_X64_MSR_STIMER0_CONFIG: *v = vp->stimer_config; return true;
	case HV_X64_MSR_STIMER0_COUNT:  *v = vp->stimer_count; return true;
	case HV_X64_MSR_CRASH_CTL:
		*v = HV_CRASH_CTL_NOTIFY | HV_CRASH_CTL_NOTIFY_MSG;
		return true;
	default:
		return false;
	}
}

bool pers_hv_msr(struct mon *mon, unsigned vcpu, bool write, uint32_t index,
		 uint64_t *data)
{
	struct pers_hv *hv = pers_hv_of(mon);
	bool ok;

	if (!hv || vcpu >= hv->nvp)
		return false;
	if (write && index == HV_X64_MSR_EOM) {
		write_eom(mon, hv, vcpu);
		return true;
	}
	pthread_mutex_lock(&hv->lock);
	ok = write ? msr_write(mon, hv, vcpu, index, *data) :
		     msr_read(mon, hv, vcpu, index, data);
	pthread_mutex_unlock(&hv->lock);
	return ok;
}
