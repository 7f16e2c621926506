/* SPDX-License-Identifier: MIT */
/*
 * tests/race/race_hv.c: racing vCPUs against the `hyperv` personality
 * (monitor/pers_hv*.c).  Every hypercall goes in through the port hook,
 * as the hypercall page's stub makes it, with the input block in guest
 * RAM that the guest keeps rewriting (race.c); the answers allowed are the
 * TLFS statuses each call documents (the list in pers_hv_hcall.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mon_pers.h"
#include "pers_hv.h"
#include "race.h"
#include "../monitor/fake_host.h"

/* Guest-physical layout (all RAM). */
#define HC_PAGE 0x10000ull
#define SIMP(vp) (0x20000ull + (vp) * 0x1000ull)
#define SIEFP(vp) (0x30000ull + (vp) * 0x1000ull)
#define IN(vp) (0x40000ull + (vp) * 0x1000ull)  /* a vCPU's input page */
#define IPI_OFF 0x800u                          /* the IPI block in it */
#define SLOT(vp, sint) (SIMP(vp) + (sint) * HV_MESSAGE_SIZE)
#define CONN(vp, sint) VMI_HV_CONNECTION(vp, sint)
#define OFF(type, field) __builtin_offsetof(type, field)
#define PM struct hv_input_post_message
#define SE struct hv_input_signal_event
#define PATTERN 0x1122334455667788ull
#define SINT_VEC(sint) (0x50u + (sint))
/* The SINT vCPU (v) posts to on the other VP; SINT 3 is the stimer's,
 * and the guest thread scribbles on its slot. */
#define POST_SINT(v) (4u + (v))
#define IPI_VEC 0x40u
#define STIMER_VEC 0x60u

/* One flush's target mask, seen by the dispatcher that made the call. */
static _Thread_local uint64_t flushed;

static int env_msi(struct mon *mon, unsigned vcpu, uint8_t vector)
{
	(void)mon;
	/* The TLFS and the LAPIC: no interrupt below vector 16, and only
	 * to a VP that exists. */
	if (vector < HV_SYNIC_FIRST_VALID_VECTOR || vcpu >= RACE_VCPUS)
		race_fail(race_now, "interrupt vector %u to vp %u", vector,
			  vcpu);
	return 0;
}

static int env_flush(struct mon *mon, unsigned self, uint64_t mask)
{
	(void)mon, (void)self;
	flushed = mask;
	return 0;
}

/* The guest calls from CPL 0 in protected mode (fake_host.h's caller);
 * a #UD would be a bug. */
static int env_inject_ud(struct mon *mon, unsigned vcpu)
{
	(void)mon;
	fprintf(stderr, "race: #UD injected on vcpu %u from CPL 0\n", vcpu);
	abort();
}

/* tests/monitor/fake_host.h, with race.c's clock and timer thread and
 * the checks above. */
static void env_init(struct mon *mon)
{
	/* A caller in 64-bit mode, whose registers (RCX, RDX, R8) the calls
	 * below use; hyperv walks no page tables, so CR3 is only nonzero. */
	fake_host_reset(mon, 0x1000, 0);
	fake_host.ops.guest_tsc = race_tsc;
	fake_host.ops.timer_arm = race_timer_arm;
	fake_host.ops.timer_cancel = race_timer_cancel;
	fake_host.ops.msi = env_msi;
	fake_host.ops.flush_tlb = env_flush;
	fake_host.ops.inject_ud = env_inject_ud;
}

/* ---- calls as the guest makes them ---------------------------------- */

static bool msr(struct race_rig *r, unsigned vcpu, bool write, uint32_t index,
		uint64_t *v)
{
	return pers_hv.msr(r->mon, vcpu, write, index, v);
}

static bool wrmsr(struct race_rig *r, unsigned vcpu, uint32_t index,
		  uint64_t v)
{
	return msr(r, vcpu, true, index, &v);
}

/* `out %al, $VMI_PORT_HV_HYPERCALL` with the TLFS x64 registers. */
static uint64_t hcall(struct race_rig *r, unsigned vcpu, uint64_t control,
		      uint64_t in, uint64_t out)
{
	struct mon_regs regs = { .rax = 0x5a5a, .rcx = control, .rdx = in,
				 .r8 = out };
	bool dirty = false;
	uint8_t data = 0;
	struct mon_exit x = { .kind = MON_X_IO, .regs = &regs,
		.regs_dirty = &dirty, .io = { .port = VMI_PORT_HV_HYPERCALL,
		.out = true, .size = 1, .count = 1, .data = &data } };

	if (!pers_hv.pio(r->mon, vcpu, &x) || !dirty) {
		race_fail(r, "vcpu %u: the hypercall port was not taken", vcpu);
		return ~0ull;
	}
	/* Result value: status 15:0, reps 43:32, the rest reserved (0). */
	if (regs.rax & ~(HV_RESULT_STATUS_MASK | 0xfffull << 32))
		race_fail(r, "vcpu %u: result 0x%llx has reserved bits", vcpu,
			  (unsigned long long)regs.rax);
	return regs.rax;
}

/* Is (st) one of the (n) statuses in (ok)?  If not, record it. */
static bool allowed(struct race_rig *r, const char *what, unsigned vcpu,
		    uint64_t st, const unsigned *ok, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (st == ok[i])
			return true;
	race_fail(r, "vcpu %u: %s answered status 0x%llx", vcpu, what,
		  (unsigned long long)st);
	return false;
}
#define ALLOWED(r, what, vcpu, st, ...) \
	allowed(r, what, vcpu, st, (const unsigned[]){ __VA_ARGS__ }, \
		sizeof((const unsigned[]){ __VA_ARGS__ }) / sizeof(unsigned))

/* A delivered message as the guest finds it in its slot: the type the
 * poster sends (1; never one with the hypervisor bit), of a size the
 * poster asked for.  Then free the slot, as the guest's handler does
 * before EOM. */
static void take_slot(struct race_rig *r, unsigned vp, unsigned sint,
		      const uint32_t *sizes, unsigned nsizes)
{
	struct hv_message *m = race_gpa(r, SLOT(vp, sint), HV_MESSAGE_SIZE);
	uint32_t type;
	bool size_ok = false;

	if (!m)
		return;
	type = __atomic_load_n(&m->message_type, __ATOMIC_ACQUIRE);
	if (type == HVMSG_NONE)
		return;
	for (unsigned i = 0; i < nsizes; i++)
		size_ok |= m->payload_size == sizes[i];
	if (type != 1)
		race_fail(r, "vp %u sint %u: message type 0x%x delivered", vp,
			  sint, type);
	if (!size_ok)
		race_fail(r, "vp %u sint %u: message of %u payload bytes "
			  "delivered", vp, sint, m->payload_size);
	__atomic_store_n(&m->message_type, HVMSG_NONE, __ATOMIC_RELEASE);
}

/* ---- the VM ------------------------------------------------------------ */

/* Hypercall page on; per VP: SynIC on, SIMP and SIEFP pages, every SINT
 * unmasked with its own vector; each input page a valid PostMessage. */
static int hv_setup(struct race_rig *r)
{
	struct pers_hv *hv = calloc(1, sizeof(*hv));
	bool ok;

	env_init(r->mon);
	ok = hv && pers_hv_state_init(r->mon, hv) == 0;

	r->pers = hv;
	r->mon->pers = &pers_hv;
	ok = ok && wrmsr(r, 0, HV_X64_MSR_GUEST_OS_ID, 1ull << 63) &&
	     wrmsr(r, 0, HV_X64_MSR_HYPERCALL, HC_PAGE | HV_MSR_ENABLE);
	for (unsigned vp = 0; ok && vp < RACE_VCPUS; vp++) {
		PM *pm = race_gpa(r, IN(vp), sizeof(*pm));
		ok = pm && wrmsr(r, vp, HV_X64_MSR_SCONTROL, 1) &&
		     wrmsr(r, vp, HV_X64_MSR_SIMP, SIMP(vp) | HV_MSR_ENABLE) &&
		     wrmsr(r, vp, HV_X64_MSR_SIEFP, SIEFP(vp) | HV_MSR_ENABLE);
		for (unsigned s = 0; ok && s < HV_SYNIC_SINT_COUNT; s++)
			ok = wrmsr(r, vp, HV_X64_MSR_SINT0 + s, SINT_VEC(s));
		if (ok)
			*pm = (PM){ CONN(1 - vp, POST_SINT(vp)), 0, 1, 8,
				   { PATTERN } };
	}
	if (!ok)
		race_fail(r, "hyperv setup refused");
	return ok ? 0 : -1;
}

static void hv_teardown(struct race_rig *r)
{
	struct pers_hv *hv = r->pers;

	if (hv)
		pthread_mutex_destroy(&hv->lock);
	free(hv);
}

/* ---- HvCallPostMessage: payload_size 0 <-> 0xFFFFFFFF -------------------- */

/* The monitor must take payload_size once: a check that reads 0 and a
 * copy that reads 0xFFFFFFFF overruns its 240-byte buffer (ASan), and
 * one that stores a third reading delivers a message of 255 bytes. */
static void post_size_call(struct race_rig *r, unsigned vcpu, uint64_t i)
{
	static const uint32_t sizes[] = { 0 };
	uint64_t st = hcall(r, vcpu, HVCALL_POST_MESSAGE, IN(vcpu), 0);

	(void)i;
	if (ALLOWED(r, "PostMessage", vcpu, st, HV_STATUS_SUCCESS,
		    HV_STATUS_INVALID_PARAMETER,
		    HV_STATUS_INSUFFICIENT_BUFFERS))
		take_slot(r, 1 - vcpu, POST_SINT(vcpu), sizes, 1);
}

/* ---- HvCallPostMessage: every field --------------------------------------- */

static void post_fields_call(struct race_rig *r, unsigned vcpu, uint64_t i)
{
	static const uint32_t sizes[] = { 8, 240 };
	uint64_t st = hcall(r, vcpu, HVCALL_POST_MESSAGE, IN(vcpu), 0);

	(void)i;
	if (ALLOWED(r, "PostMessage", vcpu, st, HV_STATUS_SUCCESS,
		    HV_STATUS_INVALID_PARAMETER,
		    HV_STATUS_INVALID_CONNECTION_ID,
		    HV_STATUS_INSUFFICIENT_BUFFERS))
		take_slot(r, 1 - vcpu, POST_SINT(vcpu), sizes, 2);
}

/* ---- HvCallSignalEvent, slow form ------------------------------------------- */

static int signal_setup(struct race_rig *r)
{
	SE *ev;

	if (hv_setup(r) < 0 || !(ev = race_gpa(r, IN(0), sizeof(*ev))))
		return -1;
	*ev = (SE){ CONN(1, 3), 9, 0 };
	return 0;
}

static void signal_call(struct race_rig *r, unsigned vcpu, uint64_t i)
{
	uint8_t *flags = race_gpa(r, SIEFP(1) + 3 * 256, 256);
	uint64_t st = hcall(r, vcpu, HVCALL_SIGNAL_EVENT, IN(0), 0);

	ALLOWED(r, "SignalEvent", vcpu, st, HV_STATUS_SUCCESS,
		HV_STATUS_INVALID_PARAMETER, HV_STATUS_INVALID_CONNECTION_ID);
	if (flags && i % 64 == 0)       /* the guest takes its events */
		memset(flags, 0, 256);
}

/* Flags go only into the 256 bytes of the target's SINT 3. */
static void signal_finish(struct race_rig *r)
{
	for (unsigned vp = 0; vp < RACE_VCPUS; vp++) {
		const uint8_t *p = race_gpa(r, SIEFP(vp), 4096);
		for (unsigned b = 0; p && b < 4096; b++)
			if (p[b] && !(vp == 1 && b / 256 == 3))
				race_fail(r, "event flag set in vp %u's SIEFP "
					  "byte %u", vp, b);
	}
}

/* ---- flush and IPI input blocks ---------------------------------------------- */

static int flush_setup(struct race_rig *r)
{
	struct hv_tlb_flush *f;
	struct hv_send_ipi *ipi;

	if (hv_setup(r) < 0 || !(f = race_gpa(r, IN(0), sizeof(*f))) ||
	    !(ipi = race_gpa(r, IN(0) + IPI_OFF, sizeof(*ipi))))
		return -1;
	*f = (struct hv_tlb_flush){ 0, 0, 0x2 };
	*ipi = (struct hv_send_ipi){ IPI_VEC, 0, 0x3 };
	return 0;
}

/* Flush: flags flip between 0 (flush VP 1) and an invalid value with
 * HV_FLUSH_ALL_PROCESSORS.  A flush of both VPs after a check that
 * passed is a torn read of flags; flushing more is allowed (the monitor
 * already over-flushes), so it is counted, not failed.  IPI: a vector
 * outside 0x10-0xff must never be injected (env_msi). */
static void flush_call(struct race_rig *r, unsigned vcpu, uint64_t i)
{
	uint64_t st;

	if (i & 1) {
		st = hcall(r, vcpu, HVCALL_SEND_IPI, IN(0) + IPI_OFF, 0);
		ALLOWED(r, "SendSyntheticClusterIpi", vcpu, st,
			HV_STATUS_SUCCESS, HV_STATUS_INVALID_HYPERCALL_INPUT);
		return;
	}
	flushed = 0;
	st = hcall(r, vcpu, HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE, IN(0), 0);
	if (!ALLOWED(r, "FlushVirtualAddressSpace", vcpu, st,
		     HV_STATUS_SUCCESS, HV_STATUS_INVALID_PARAMETER))
		return;
	if (st == HV_STATUS_INVALID_PARAMETER && flushed)
		race_fail(r, "flush refused but done (mask 0x%llx)",
			  (unsigned long long)flushed);
	if (st == HV_STATUS_SUCCESS && flushed != 0x2)
		atomic_fetch_add(&r->torn, 1);
}

/* ---- two vCPUs on the SynIC, timers and MSRs ------------------------------- */

/* What each vCPU's guest side knows of its own VP's registers (only
 * it writes them), to know the answer its MSR writes must get. */
struct own {
	bool scontrol;
};
_Static_assert(sizeof(struct own) <= sizeof(((struct race_rig *)0)->own[0]),
	       "own");

static struct own *own_of(struct race_rig *r, unsigned vcpu)
{
	return (struct own *)r->own[vcpu];
}

static int synic_setup(struct race_rig *r)
{
	for (unsigned v = 0; v < RACE_VCPUS; v++)
		own_of(r, v)->scontrol = true;
	return hv_setup(r);
}

static void expect_msr(struct race_rig *r, unsigned vcpu, uint32_t index,
		       uint64_t v, bool want)
{
	if (wrmsr(r, vcpu, index, v) != want)
		race_fail(r, "vcpu %u: wrmsr 0x%x = 0x%llx %s", vcpu, index,
			  (unsigned long long)v, want ? "#GP" : "accepted");
}

static void synic_msrs(struct race_rig *r, unsigned vcpu, uint64_t i)
{
	struct own *own = own_of(r, vcpu);
	uint64_t v;

	switch (i % 5) {
	case 0:
		expect_msr(r, vcpu, HV_X64_MSR_SINT0 + 2, SINT_VEC(2) |
			   (i & 8 ? HV_SYNIC_SINT_MASKED : 0), true);
		break;
	case 1:
		expect_msr(r, vcpu, HV_X64_MSR_SIMP,
			   i % 40 == 1 ? 0 : SIMP(vcpu) | HV_MSR_ENABLE, true);
		break;
	case 2:
		own->scontrol = i % 80 != 2;
		expect_msr(r, vcpu, HV_X64_MSR_SCONTROL, own->scontrol, true);
		break;
	case 3:
		/* Direct mode (vector 0x60) or message mode to SINT 3,
		 * periodic or not; needs the SynIC on. */
		v = HV_STIMER_ENABLE | (i & 16 ? HV_STIMER_PERIODIC : 0) |
		    (i & 32 ? HV_STIMER_DIRECT |
		     (uint64_t)STIMER_VEC << HV_STIMER_VECTOR_SHIFT :
		     3ull << HV_STIMER_SINTX_SHIFT);
		expect_msr(r, vcpu, HV_X64_MSR_STIMER0_COUNT, 1 + i % 3000,
			   own->scontrol);
		expect_msr(r, vcpu, HV_X64_MSR_STIMER0_CONFIG, v,
			   own->scontrol);
		break;
	default:
		if (!msr(r, vcpu, false, HV_X64_MSR_VP_INDEX, &v) || v != vcpu)
			race_fail(r, "vcpu %u: VP_INDEX reads %llu", vcpu,
				  (unsigned long long)v);
		msr(r, vcpu, false, HV_X64_MSR_TIME_REF_COUNT, &v);
		msr(r, vcpu, false, HV_X64_MSR_STIMER0_CONFIG, &v);
		break;
	}
}

static void synic_call(struct race_rig *r, unsigned vcpu, uint64_t i)
{
	static const uint32_t sizes[] = { 8 };
	unsigned other = 1 - vcpu;
	uint64_t st;

	switch (i % 4) {
	case 0:
		st = hcall(r, vcpu, HVCALL_POST_MESSAGE, IN(vcpu), 0);
		ALLOWED(r, "PostMessage", vcpu, st, HV_STATUS_SUCCESS,
			HV_STATUS_INVALID_PARAMETER,
			HV_STATUS_INSUFFICIENT_BUFFERS,
			HV_STATUS_INVALID_SYNIC_STATE);
		break;
	case 1:
		st = hcall(r, vcpu, HVCALL_SIGNAL_EVENT | HV_HC_FAST,
			   (uint64_t)(i % 2048) << 32 | CONN(other, 3), 0);
		ALLOWED(r, "SignalEvent", vcpu, st, HV_STATUS_SUCCESS,
			HV_STATUS_INVALID_SYNIC_STATE);
		break;
	case 2:
		synic_msrs(r, vcpu, i / 4);
		break;
	default:
		/* The guest's handler: the slot the other vCPU posts to
		 * (slot 3, the stimer's, is the guest thread's to scribble
		 * on), its event flags, then EOM; now and then a cluster
		 * IPI to both. */
		take_slot(r, vcpu, POST_SINT(other), sizes, 1);
		memset(race_gpa(r, SIEFP(vcpu) + 3 * 256, 256), 0, 256);
		expect_msr(r, vcpu, HV_X64_MSR_EOM, 0, true);
		if (i % 32 == 3) {
			st = hcall(r, vcpu, HVCALL_SEND_IPI | HV_HC_FAST,
				   IPI_VEC, 0x3);
			ALLOWED(r, "SendSyntheticClusterIpi", vcpu, st,
				HV_STATUS_SUCCESS);
		}
		break;
	}
}

#define SIZE_FLIP(vp, a, b) RACE_FLIP(IN(vp) + OFF(PM, payload_size), 4, a, b)
#define TYPE_FLIP(vp, ...) RACE_FLIP(IN(vp) + OFF(PM, message_type), 4, \
				     __VA_ARGS__)
#define CONN_FLIP(vp, ...) RACE_FLIP(IN(vp) + OFF(PM, connection_id), 4, \
				     __VA_ARGS__)
#define FLUSH(field) (IN(0) + OFF(struct hv_tlb_flush, field))
#define IPI(field) (IN(0) + IPI_OFF + OFF(struct hv_send_ipi, field))

const struct race_scn race_hv_scns[] = {
	{ .name = "hv-post-message-payload-size", .weight = 3, .vcpus = 1,
	  .setup = hv_setup, .teardown = hv_teardown, .call = post_size_call,
	  .flip = { SIZE_FLIP(0, 0, 0xffffffffu) } },
	{ .name = "hv-post-message-fields", .weight = 2, .vcpus = 2,
	  .setup = hv_setup, .teardown = hv_teardown, .call = post_fields_call,
	  .flip = { SIZE_FLIP(0, 240, 241), SIZE_FLIP(1, 8, 0xffffffffu),
		    CONN_FLIP(0, CONN(1, POST_SINT(0)), CONN(7, 2), 0x1234),
		    CONN_FLIP(1, CONN(0, POST_SINT(1)), 0),
		    TYPE_FLIP(0, 1, HVMSG_TIMER_EXPIRED, 0),
		    TYPE_FLIP(1, 1, 0) } },
	{ .name = "hv-signal-event-slow", .weight = 1, .vcpus = 1,
	  .setup = signal_setup, .teardown = hv_teardown, .call = signal_call,
	  .finish = signal_finish,
	  .flip = { RACE_FLIP(IN(0) + OFF(SE, flag_number), 2,
			      9, 2047, 2048, 0xffff),
		    RACE_FLIP(IN(0) + OFF(SE, connection_id), 4,
			      CONN(1, 3), CONN(9, 3)),
		    RACE_FLIP(IN(0) + OFF(SE, reserved), 2, 0, 1) } },
	{ .name = "hv-flush-and-ipi-input", .weight = 1, .vcpus = 1,
	  .setup = flush_setup, .teardown = hv_teardown, .call = flush_call,
	  .flip = { RACE_FLIP(FLUSH(flags), 8,
			      0, HV_FLUSH_ALL_PROCESSORS | 1ull << 5),
		    RACE_FLIP(IPI(vector), 4, IPI_VEC, 0x0f, 0x100),
		    RACE_FLIP(IPI(reserved), 4, 0, 1) } },
	{ .name = "hv-synic-two-vcpus", .weight = 2, .vcpus = 2, .timer = true,
	  .setup = synic_setup, .teardown = hv_teardown, .call = synic_call,
	  .flip = { SIZE_FLIP(0, 8, 0xffffffffu), SIZE_FLIP(1, 8, 0xffffffffu),
		    RACE_FLIP(SLOT(0, 3), 4, HVMSG_NONE, 1),
		    RACE_FLIP(SLOT(1, 3), 4, HVMSG_NONE, 1) } },
};
const unsigned race_hv_nscns = sizeof(race_hv_scns) / sizeof(race_hv_scns[0]);
