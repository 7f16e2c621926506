/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_hv.c: the hyperv personality: its synthetic MSRs
 * (pers_hv_msr.c) and its hypercalls (pers_hv_hcall.c through the port
 * hook of pers_hv.c), interleaved with guest stores and time passing, so
 * that SynIC delivery and synthetic timer expiry run on what the MSRs
 * set up.  Input (fuzz.h readers; zeros past the end):
 *
 *   byte 0   vCPUs = 1 + (b & 3); b & 4: guest time TSC-stable (a valid
 *            reference TSC page, --clocksource tsc)
 *   then records, each an op byte (op % 6) and its fields:
 *   0 wrmsr  vCPU; MSR selector (msrs[] below, else a u32 follows);
 *            fz_addr value, low byte XORed with one more byte
 *   1 rdmsr  vCPU; MSR selector
 *   2 call   vCPU (bit 7: a 32-bit caller, EDX:EAX...); call-code
 *            selector (bits 6:0 index codes[], else the u64's own
 *            code; bit 7: reserved bits cleared);
 *            u64 control; fz_addr in and out; an input block (length
 *            byte, bytes) at FZ_ARG_PA
 *   3 poke   fz_addr, then a block written there (a guest store)
 *   4 time   u16: advance guest time that many us, firing timers
 *   5 synic  vCPU: the usual setup in one step (guest OS id, hypercall
 *            page, SynIC with message and event pages, SINTs unmasked)
 */
#include <string.h>

#include "fuzz.h"
#include "mon_pers.h"
#include "pers_hv.h"

static const uint32_t msrs[] = {
	HV_X64_MSR_GUEST_OS_ID, HV_X64_MSR_HYPERCALL, HV_X64_MSR_VP_INDEX,
	HV_X64_MSR_RESET, HV_X64_MSR_TIME_REF_COUNT, HV_X64_MSR_REFERENCE_TSC,
	HV_X64_MSR_TSC_FREQUENCY, HV_X64_MSR_APIC_FREQUENCY, HV_X64_MSR_EOI,
	HV_X64_MSR_ICR, HV_X64_MSR_TPR, HV_X64_MSR_SCONTROL,
	HV_X64_MSR_SVERSION, HV_X64_MSR_SIEFP, HV_X64_MSR_SIMP, HV_X64_MSR_EOM,
	HV_X64_MSR_SINT0, HV_X64_MSR_SINT0 + 1, HV_X64_MSR_SINT0 + 15,
	HV_X64_MSR_SINT0 + 16, HV_X64_MSR_STIMER0_CONFIG,
	HV_X64_MSR_STIMER0_COUNT, HV_X64_MSR_STIMER0_CONFIG + 2,
	HV_X64_MSR_CRASH_P0, HV_X64_MSR_CRASH_P0 + 3, HV_X64_MSR_CRASH_P0 + 4,
	HV_X64_MSR_CRASH_CTL, 0x40000000u - 1, 0x400000ffu,
};
#define NMSRS (sizeof(msrs) / sizeof(msrs[0]))

static const uint16_t codes[] = {
	HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE, HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST,
	HVCALL_NOTIFY_LONG_SPIN_WAIT, HVCALL_SEND_IPI,
	HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX,
	HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX, HVCALL_SEND_IPI_EX,
	HVCALL_POST_MESSAGE, HVCALL_SIGNAL_EVENT,
};
#define NCODES (sizeof(codes) / sizeof(codes[0]))

/* The SIMP and SIEFP pages of vCPU v in op_synic. */
#define SYNIC_PA(v) (0x40000ull + (v) * 0x2000ull)
#define HCALL_PAGE_PA 0x3f000ull

static uint32_t pick_msr(struct fz *f)
{
	uint8_t sel = fz_u8(f);

	return sel < NMSRS ? msrs[sel] : fz_u32(f);
}

/* Registers that keep what was written (no side effect on the value). */
static bool plain(uint32_t i)
{
	return i == HV_X64_MSR_GUEST_OS_ID || i == HV_X64_MSR_SCONTROL ||
	       i == HV_X64_MSR_SIEFP || i == HV_X64_MSR_SIMP ||
	       (i >= HV_X64_MSR_SINT0 &&
		i < HV_X64_MSR_SINT0 + HV_SYNIC_SINT_COUNT) ||
	       (i >= HV_X64_MSR_CRASH_P0 &&
		i < HV_X64_MSR_CRASH_P0 + HV_CRASH_NPARAMS);
}

static bool wrmsr(struct mon *m, unsigned vcpu, uint32_t i, uint64_t v)
{
	uint64_t back = v;
	bool ok = fz_msr(m, vcpu, true, i, &back);

	if (ok && plain(i)) {
		FZ_CHECK(fz_msr(m, vcpu, false, i, &back) && back == v,
			 "MSR 0x%x wrote 0x%llx, reads 0x%llx", i,
			 (unsigned long long)v, (unsigned long long)back);
	}
	if (ok && i == HV_X64_MSR_HYPERCALL && (v & HV_MSR_ENABLE) &&
	    pers_hv_of(m)->guest_os_id) {
		const uint8_t *p = mon_gpa_ptr(m, v & HV_MSR_PAGE_MASK, 4096);
		FZ_CHECK(p && p[0] == 0xe6 && p[1] == VMI_PORT_HV_HYPERCALL &&
			 p[2] == 0xc3, "hypercall page at 0x%llx",
			 (unsigned long long)v);
	}
	return ok;
}

static void op_rdmsr(struct fz *f, struct mon *m)
{
	unsigned vcpu = fz_u8(f) % m->nvcpu;
	uint32_t i = pick_msr(f);
	uint64_t v = 0xdeadbeef;
	bool ok = fz_msr(m, vcpu, false, i, &v);

	if (i == HV_X64_MSR_VP_INDEX)
		FZ_CHECK(ok && v == vcpu, "VP_INDEX of %u reads %llu", vcpu,
			 (unsigned long long)v);
	if (i == HV_X64_MSR_TSC_FREQUENCY)
		FZ_CHECK(ok && v == FZ_TSC_KHZ * 1000ull, "TSC_FREQUENCY");
	/* Synthetic MSRs are 0x40000000-0x4000ffff (TLFS); KVM hands us the
	 * others only when it refuses them, and so do we. */
	if (i >> 16 != 0x4000)
		FZ_CHECK(!ok, "MSR 0x%x outside the synthetic range read", i);
}

static void op_call(struct fz *f, struct mon *m)
{
	/* vb: bit 7 a 32-bit caller, bits 6:5 which kind, bits 4:0 the vCPU */
	static const int x86[4] = { FZ_CALLER_32, FZ_CALLER_32,
				    FZ_CALLER_COMPAT, FZ_CALLER_32_CS_L };
	uint8_t vb = fz_u8(f);
	unsigned vcpu = (vb & 0x1f) % m->nvcpu;
	uint8_t sel = fz_u8(f);
	uint64_t control = fz_u64(f), in = fz_addr(f), out = fz_addr(f);

	if ((sel & 0x7f) < NCODES)
		control = (control & ~HV_HC_CODE_MASK) | codes[sel & 0x7f];
	if (sel & 0x80)         /* mostly well-formed: no reserved bits */
		control &= ~(HV_HC_RSVD_MASK | HV_HC_NESTED |
			     HV_HC_VARHEAD_MASK);
	fz_block(f, m, FZ_ARG_PA);
	fz_hv_hcall(m, vcpu, control, in, out,
		    vb & 0x80 ? x86[vb >> 5 & 3] : FZ_CALLER_64);
}

static void op_synic(struct fz *f, struct mon *m)
{
	unsigned v = fz_u8(f) % m->nvcpu;

	wrmsr(m, v, HV_X64_MSR_GUEST_OS_ID, VMI_HV_GUEST_OS_ID(1));
	wrmsr(m, v, HV_X64_MSR_HYPERCALL, HCALL_PAGE_PA | HV_MSR_ENABLE);
	wrmsr(m, v, HV_X64_MSR_SCONTROL, HV_SYNIC_SCONTROL_ENABLE);
	wrmsr(m, v, HV_X64_MSR_SIMP, SYNIC_PA(v) | HV_MSR_ENABLE);
	wrmsr(m, v, HV_X64_MSR_SIEFP, (SYNIC_PA(v) + 0x1000) | HV_MSR_ENABLE);
	for (unsigned s = 0; s < HV_SYNIC_SINT_COUNT; s++)
		wrmsr(m, v, HV_X64_MSR_SINT0 + s, 0x30 + s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	uint8_t b = fz_u8(&f);
	struct mon *m = fz_vm(&pers_hv, 1 + (b & 3), false);

	m->clock.tsc_stable = b & 4;    /* a valid reference TSC page */

	while (fz_more(&f)) {
		switch (fz_u8(&f) % 6) {
		case 0: {
			unsigned vcpu = fz_u8(&f) % m->nvcpu;
			uint32_t i = pick_msr(&f);
			uint64_t v = fz_addr(&f) ^ fz_u8(&f);
			wrmsr(m, vcpu, i, v);
			break;
		}
		case 1: op_rdmsr(&f, m); break;
		case 2: op_call(&f, m); break;
		case 3: fz_block(&f, m, fz_addr(&f)); break;
		case 4: fz_advance(m, fz_u16(&f) * 1000ull); break;
		default: op_synic(&f, m); break;
		}
	}
	return 0;
}
