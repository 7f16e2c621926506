/* SPDX-License-Identifier: MIT */
/*
 * monitor/hyperv/pers_hv_hcall.c: Hyper-V hypercall dispatch for the
 * `hyperv` personality, the same shape as xen's (a table of calls with
 * their input shapes; validate and copy in, then act), a pure function
 * of the caller's registers, guest memory and the personality state,
 * and the SynIC delivery of messages and events.  Guest memory is read
 * once: the input block is copied into the monitor (mon_copy_in) before
 * anything looks at it, so another vCPU rewriting it meanwhile cannot
 * make a checked value differ from the one used.  Validation comes
 * first, in a fixed order, and each failure is the status the TLFS lists
 * ([MSDN ff538494] "Common Hypercall Status Codes"; [T:
 * hypercall-interface]):
 *   1. reserved bits of the input value       INVALID_HYPERCALL_INPUT
 *   2. unknown or unadvertised call code      INVALID_HYPERCALL_CODE
 *   3. rep count/start wrong for the call, a variable header the call
 *      has none of, a fast form the call has not   INVALID_HYPERCALL_INPUT
 *   4. input block misaligned, spanning pages, or outside guest RAM
 *                                             INVALID_ALIGNMENT
 *   5. the call's own parameters              its documented status
 */
#include <string.h>

#include "pers_hv.h"

/* The fixed input header of a slow call, as copied from the guest. */
union hcall_input {
	struct hv_tlb_flush flush;
	struct hv_send_ipi ipi;
	struct hv_input_post_message post;
	struct hv_input_signal_event event;
	uint64_t spin_count;
};

struct pers_hv_call {
	struct mon *mon;
	struct pers_hv *hv;
	unsigned vcpu;
	uint64_t control, in, out;
	bool fast;
	unsigned reps, start;           /* rep count and start index */
	union hcall_input input;        /* slow form: the monitor's copy */
	unsigned reps_done;
};

typedef unsigned pers_hv_fn(struct pers_hv_call *c);

struct pers_hv_op {
	uint16_t code;
	bool rep;               /* a rep call */
	bool fast_ok, slow_ok;  /* allowed forms */
	uint32_t in_size;       /* fixed input header (slow form) */
	pers_hv_fn *fn;
};

/* The VPs named by (mask), restricted to those that exist: a bit for a
 * VP that does not exist names nothing to act on, as in KVM's hyperv.c
 * (sparse masks). */
static uint64_t vp_mask(const struct pers_hv_call *c, uint64_t mask)
{
	return c->hv->nvp >= 64 ? mask : mask & ((1ull << c->hv->nvp) - 1);
}

/* HvCallFlushVirtualAddressSpace / List [T: hypercalls/
 * hvcallflushvirtualaddressspace, ...list].  The monitor cannot flush a
 * range of a guest TLB, so it flushes everything on each target (an
 * allowed over-flush) and completes every rep at once. */
static unsigned hc_flush(struct pers_hv_call *c)
{
	const struct hv_tlb_flush *f = &c->input.flush;
	uint64_t mask = f->processor_mask;

	if (f->flags & ~HV_FLUSH_FLAGS_VALID)
		return HV_STATUS_INVALID_PARAMETER;
	if (f->flags & HV_FLUSH_ALL_PROCESSORS)
		mask = ~0ull;
	mask = vp_mask(c, mask);
	c->reps_done = c->reps;
	if (!mask)
		return HV_STATUS_SUCCESS;
	return c->mon->host->flush_tlb(c->mon, c->vcpu, mask) < 0 ?
	       HV_STATUS_OPERATION_FAILED : HV_STATUS_SUCCESS;
}

/* HvCallNotifyLongSpinWait: advisory; the caller's thread yields. */
static unsigned hc_spin_wait(struct pers_hv_call *c)
{
	c->mon->host->yield(c->mon);
	return HV_STATUS_SUCCESS;
}

/* HvCallSendSyntheticClusterIpi [T: hypercalls/
 * hvcallsendsyntheticclusteripi]: fixed vector 0x10-0xff to each VP in
 * the mask; the reserved word must be zero. */
static unsigned hc_send_ipi(struct pers_hv_call *c)
{
	struct hv_send_ipi ipi;
	uint64_t mask;

	if (c->fast)
		ipi = (struct hv_send_ipi){ (uint32_t)c->in,
			(uint32_t)(c->in >> 32), c->out };
	else
		ipi = c->input.ipi;
	/* The TLFS's HvCallSendSyntheticClusterIpi page bounds the vector
	 * (0x10-0xff) without naming a status; KVM (arch/x86/kvm/hyperv.c,
	 * kvm_hv_send_ipi) answers INVALID_HYPERCALL_INPUT, and so do we.
	 * The word after the vector (TargetVtl and padding) must be 0: only
	 * VTL 0 exists here (KVM checks it in the fast form only). */
	if (ipi.reserved || ipi.vector < HV_IPI_LOW_VECTOR ||
	    ipi.vector > HV_IPI_HIGH_VECTOR)
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	mask = vp_mask(c, ipi.cpu_mask);
	for (unsigned vp = 0; mask; vp++, mask >>= 1)
		if (mask & 1)
			c->mon->host->msi(c->mon, vp, (uint8_t)ipi.vector);
	return HV_STATUS_SUCCESS;
}

/* A loopback connection id (hyperv/tlfs.h VMI_HV_CONNECTION): the
 * target VP and SINT, or false. */
static bool connection(const struct pers_hv_call *c, uint32_t id, unsigned *vp,
		       unsigned *sint)
{
	if ((id & ~(HV_CONNECTION_ID_MASK)) ||
	    (id & ~0xfffffu) != VMI_HV_CONNECTION_BASE)
		return false;
	*vp = (id >> 4) & 0xffffu;
	*sint = id & 0xfu;
	return *vp < c->hv->nvp;
}

void pers_hv_raise_sint(struct mon *mon, unsigned vp, uint64_t sint_reg)
{
	if (!(sint_reg & HV_SYNIC_SINT_MASKED))
		mon->host->msi(mon, vp, (uint8_t)(sint_reg &
						HV_SYNIC_SINT_VECTOR_MASK));
}

/* [T: inter-partition-communication "SynIC Message Flags"]: a message
 * goes into its SINT's slot of the SIMP page only if the slot is free
 * (HVMSG_NONE); otherwise the call is HV_STATUS_INSUFFICIENT_BUFFERS (we
 * keep no queue) and, unless (drop), the slot's msg_pending flag tells
 * the guest to write EOM.  Called with the lock held, which it keeps. */
unsigned pers_hv_post_msg(struct mon *mon, unsigned vp, unsigned sint,
			  const struct hv_message *msg, bool drop)
{
	const struct pers_hv_vp *v = &pers_hv_of(mon)->vp[vp];
	struct hv_message *slot = NULL;

	if ((v->scontrol & HV_SYNIC_SCONTROL_ENABLE) &&
	    (v->simp & HV_MSR_ENABLE))
		slot = mon_gpa_ptr(mon, (v->simp & HV_MSR_PAGE_MASK) +
				   sint * HV_MESSAGE_SIZE, HV_MESSAGE_SIZE);
	/* [T: hypercalls/hvcallpostmessage]: the target's SynIC or SIM page
	 * disabled is INVALID_SYNIC_STATE. */
	if (!slot)
		return HV_STATUS_INVALID_SYNIC_STATE;
	if (__atomic_load_n(&slot->message_type, __ATOMIC_ACQUIRE) !=
	    HVMSG_NONE) {
		if (!drop)
			__atomic_or_fetch(&slot->message_flags,
					  HV_MSG_FLAG_PENDING, __ATOMIC_SEQ_CST);
		return HV_STATUS_INSUFFICIENT_BUFFERS;
	}
	memcpy((uint8_t *)slot + 4, (const uint8_t *)msg + 4,
	       sizeof(*msg) - 4);
	__atomic_store_n(&slot->message_type, msg->message_type,
			 __ATOMIC_RELEASE);
	return HV_STATUS_SUCCESS;
}

/* HvCallPostMessage [T: hypercalls/hvcallpostmessage]. */
static unsigned hc_post_message(struct pers_hv_call *c)
{
	const struct hv_input_post_message *in = &c->input.post;
	struct hv_message msg = { 0 };
	unsigned vp, sint, st;
	uint64_t sint_reg;

	if (!connection(c, in->connection_id, &vp, &sint))
		return HV_STATUS_INVALID_CONNECTION_ID;
	if ((in->message_type & HVMSG_HYPERVISOR_BIT) ||
	    in->message_type == HVMSG_NONE ||
	    in->payload_size > HV_MESSAGE_PAYLOAD_BYTES)
		return HV_STATUS_INVALID_PARAMETER;
	msg.message_type = in->message_type;
	msg.payload_size = (uint8_t)in->payload_size;
	memcpy(msg.payload, in->payload, in->payload_size);
	pthread_mutex_lock(&c->hv->lock);
	st = pers_hv_post_msg(c->mon, vp, sint, &msg, false);
	sint_reg = c->hv->vp[vp].sint[sint];
	pthread_mutex_unlock(&c->hv->lock);
	if (st == HV_STATUS_SUCCESS)
		pers_hv_raise_sint(c->mon, vp, sint_reg);
	return st;
}

/* HvCallSignalEvent [T: hypercalls/hvcallsignalevent]: set flag (flag) of
 * the SINT's 256-byte area in the target's SIEFP page; raise the SINT if
 * the flag was clear. */
static unsigned hc_signal_event(struct pers_hv_call *c)
{
	struct hv_input_signal_event ev;
	struct pers_hv *hv = c->hv;
	uint8_t *flags = NULL, bit = 0, old = 0;
	unsigned vp, sint;
	uint64_t sint_reg;

	if (c->fast && (c->in & HV_SIGNAL_RSVD_MASK))
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	if (c->fast)
		ev = (struct hv_input_signal_event){ (uint32_t)c->in,
			(uint16_t)(c->in >> HV_SIGNAL_FLAG_SHIFT), 0 };
	else
		ev = c->input.event;
	if (!connection(c, ev.connection_id, &vp, &sint))
		return HV_STATUS_INVALID_CONNECTION_ID;
	if (ev.flag_number >= HV_EVENT_FLAGS_COUNT || ev.reserved)
		return HV_STATUS_INVALID_PARAMETER;
	pthread_mutex_lock(&hv->lock);
	if ((hv->vp[vp].scontrol & HV_SYNIC_SCONTROL_ENABLE) &&
	    (hv->vp[vp].siefp & HV_MSR_ENABLE))
		flags = mon_gpa_ptr(c->mon, (hv->vp[vp].siefp &
				    HV_MSR_PAGE_MASK) + sint * 256u, 256u);
	sint_reg = hv->vp[vp].sint[sint];
	if (flags) {
		bit = (uint8_t)(1u << (ev.flag_number % 8));
		old = __atomic_fetch_or(&flags[ev.flag_number / 8], bit,
					__ATOMIC_SEQ_CST);
	}
	pthread_mutex_unlock(&hv->lock);
	if (!flags)     /* [T: hypercalls/hvcallsignalevent] */
		return HV_STATUS_INVALID_SYNIC_STATE;
	if (!(old & bit))
		pers_hv_raise_sint(c->mon, vp, sint_reg);
	return HV_STATUS_SUCCESS;
}

/* Every call this personality implements (and CPUID advertises).  The
 * Ex flush/IPI forms are not: 0x40000004.eax bit 11 is clear. */
static const struct pers_hv_op calls[] = {
	{ HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE, false, false, true,
	  sizeof(struct hv_tlb_flush), hc_flush },
	{ HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST, true, false, true,
	  sizeof(struct hv_tlb_flush), hc_flush },
	{ HVCALL_NOTIFY_LONG_SPIN_WAIT, false, true, true, sizeof(uint64_t),
	  hc_spin_wait },
	{ HVCALL_SEND_IPI, false, true, true, sizeof(struct hv_send_ipi),
	  hc_send_ipi },
	{ HVCALL_POST_MESSAGE, false, false, true,
	  sizeof(struct hv_input_post_message), hc_post_message },
	{ HVCALL_SIGNAL_EVENT, false, true, true,
	  sizeof(struct hv_input_signal_event), hc_signal_event },
};

static const struct pers_hv_op *find_call(uint16_t code)
{
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		if (calls[i].code == code)
			return &calls[i];
	return NULL;
}

/* Step 3: the input value's shape against the call's. */
static bool shape_ok(const struct pers_hv_call *c, const struct pers_hv_op *d)
{
	if (c->control & HV_HC_VARHEAD_MASK)
		return false;   /* none of our calls has a variable header */
	if (c->fast ? !d->fast_ok : !d->slow_ok)
		return false;
	if (!d->rep)
		return c->reps == 0 && c->start == 0;
	return c->reps != 0 && c->start < c->reps;
}

/* Step 4: the slow input block (header plus rep list) in one page of
 * RAM; its header fetched once into c->input.  The rep list (the flush
 * list's GVAs) is checked to be there but never read: every rep is the
 * same full flush (hc_flush). */
static unsigned fetch_input(struct pers_hv_call *c, const struct pers_hv_op *d)
{
	uint64_t size = d->in_size + (d->rep ? 8ull * c->reps : 0);

	if (c->fast)
		return HV_STATUS_SUCCESS;
	if ((c->in & (HV_HC_ALIGN - 1)) ||
	    (c->in & (HV_PAGE_SIZE - 1)) + size > HV_PAGE_SIZE ||
	    !mon_gpa_ptr(c->mon, c->in, size) ||
	    !mon_copy_in(c->mon, &c->input, c->in, d->in_size))
		return HV_STATUS_INVALID_ALIGNMENT;
	return HV_STATUS_SUCCESS;
}

uint64_t pers_hv_hypercall(struct mon *mon, unsigned vcpu, uint64_t control,
			   uint64_t in, uint64_t out)
{
	struct pers_hv_call c = { mon, pers_hv_of(mon), vcpu, control, in, out,
		.fast = control & HV_HC_FAST,
		.reps = (unsigned)(control >> HV_HC_REP_COUNT_SHIFT &
				   HV_HC_REP_MASK),
		.start = (unsigned)(control >> HV_HC_REP_START_SHIFT &
				    HV_HC_REP_MASK) };
	const struct pers_hv_op *d = find_call(control & HV_HC_CODE_MASK);
	unsigned st;

	if (control & (HV_HC_RSVD_MASK | HV_HC_NESTED))
		st = HV_STATUS_INVALID_HYPERCALL_INPUT;
	else if (!d)
		st = HV_STATUS_INVALID_HYPERCALL_CODE;
	else if (!shape_ok(&c, d))
		st = HV_STATUS_INVALID_HYPERCALL_INPUT;
	else if ((st = fetch_input(&c, d)) == HV_STATUS_SUCCESS)
		st = d->fn(&c);
	return st | (uint64_t)c.reps_done << HV_RESULT_REPS_SHIFT;
}
