/* SPDX-License-Identifier: MIT */
/*
 * monitor/hyperv/pers_hv.c: the `hyperv` personality: the Hyper-V TLFS guest
 * interface, emulated in vmi-run because this host's KVM has no
 * KVM_CAP_HYPERV.  This file: the CPUID leaves (advertising exactly what
 * pers_hv_msr.c and pers_hv_hcall.c implement), setup, and the port hook
 * through which the hypercall page's stub reaches us.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mon_pers.h"
#include "pers_hv.h"

/*
 * What is advertised [T: feature-discovery].  Privileges: the reference
 * counter and TSC page, SynIC, synthetic timers, the hypercall MSRs, VP
 * index, reset, the frequency MSRs; post messages and signal events.
 * Not APIC_ACCESS (EOI/ICR/TPR): they cannot be made reliable against
 * KVM's in-kernel LAPIC here (docs/contract-decisions.md D7;
 * docs/hosts.md [host:kvm-pvm:lapic]).
 */
#define HV_EAX_PRIVS (HV_PRIV_TIME_REF_COUNT | HV_PRIV_SYNIC | \
		      HV_PRIV_SYNTIMER | HV_PRIV_HYPERCALL | HV_PRIV_VP_INDEX | \
		      HV_PRIV_RESET | HV_PRIV_REFERENCE_TSC | \
		      HV_PRIV_FREQUENCY_MSRS)
#define HV_EBX_PRIVS (HV_PRIV_POST_MESSAGES | HV_PRIV_SIGNAL_EVENTS)
#define HV_EDX_FEATS (HV_FEAT_FREQUENCY_MSRS | HV_FEAT_GUEST_CRASH_MSRS | \
		      HV_FEAT_STIMER_DIRECT)
/* Recommendations: flush and IPIs by hypercall, reset by MSR, and no
 * auto-EOI (a SINT is a plain fixed interrupt here: it needs an EOI). */
#define HV_EAX_RECS (HV_REC_REMOTE_TLB_FLUSH | HV_REC_CLUSTER_IPI | \
		     HV_REC_SYSTEM_RESET | HV_REC_DEPRECATING_AEOI)

static int put(struct mon_cpuid *t, uint32_t fn, uint32_t a, uint32_t b,
	       uint32_t c, uint32_t d)
{
	struct mon_cpuid_entry e = { fn, 0, 0, a, b, c, d };

	return mon_cpuid_put(t, &e);
}

static int pers_hv_cpuid(struct mon_cpuid *t, char *err, size_t errlen)
{
	int r = 0;

	/* Drop KVM's own leaves: the guest must see one hypervisor. */
	mon_cpuid_remove(t, 0x40000000u, 0x4fffffffu);
	r |= put(t, HV_CPUID_VENDOR, PERS_HV_MAX_LEAF, HV_SIG_EBX, HV_SIG_ECX,
		 HV_SIG_EDX);
	r |= put(t, HV_CPUID_INTERFACE, HV_INTERFACE_HV1, 0, 0, 0);
	r |= put(t, HV_CPUID_VERSION, 0, PERS_HV_VERSION_MAJOR << 16 |
		 PERS_HV_VERSION_MINOR, 0, 0);
	r |= put(t, HV_CPUID_FEATURES, HV_EAX_PRIVS, HV_EBX_PRIVS, 0,
		 HV_EDX_FEATS);
	r |= put(t, HV_CPUID_ENLIGHTENMENT, HV_EAX_RECS, PERS_HV_SPIN_RETRIES,
		 0, 0);
	r |= put(t, HV_CPUID_LIMITS, MON_MAX_CPUS, MON_MAX_CPUS, 0, 0);
	/* 0x40000006-0x4000000A: no hardware features in use, no CPU
	 * management, no SVM or nested features: all zero. */
	for (uint32_t fn = HV_CPUID_HW_FEATURES; fn <= PERS_HV_MAX_LEAF; fn++)
		r |= put(t, fn, 0, 0, 0, 0);
	if (r < 0) {
		snprintf(err, errlen, "CPUID table full");
		return -ENOSPC;
	}
	mon_cpuid_set_hypervisor(t, true);
	return 0;
}

int pers_hv_state_init(struct mon *mon, struct pers_hv *hv)
{
	memset(hv, 0, sizeof(*hv));
	hv->nvp = mon->nvcpu;
	hv->tsc_khz = mon->tsc_khz;
	/* The TSC page needs a TSC faster than 10 MHz (scale < 2^64). */
	if ((uint64_t)mon->tsc_khz * 1000u <= HV_REF_HZ)
		return -ENOTSUP;
	hv->tsc_scale = pers_hv_tsc_scale(mon->tsc_khz);
	/* Reference time 0 when the monitor's guest clock starts. */
	hv->tsc_offset = -(int64_t)pers_hv_ref_time(hv, mon->clock.tsc0);
	for (unsigned i = 0; i < MON_MAX_CPUS; i++)
		for (unsigned s = 0; s < HV_SYNIC_SINT_COUNT; s++)
			hv->vp[i].sint[s] = HV_SYNIC_SINT_MASKED;
	pthread_mutex_init(&hv->lock, NULL);
	mon->pers_state = hv;
	return 0;
}

static int pers_hv_init(struct mon *mon)
{
	struct pers_hv *hv;
	int r;

	if (!mon->host)
		return -ENOSYS;
	hv = calloc(1, sizeof(*hv));
	if (!hv)
		return -ENOMEM;
	r = pers_hv_state_init(mon, hv);
	if (r < 0) {
		free(hv);
		return r;
	}
	/* Route every Hyper-V synthetic MSR (0x40000000-0x400001ff, TLFS
	 * appendix "MSRs") to us even on a host whose KVM implements
	 * Hyper-V itself; on this host KVM knows none of them, so the
	 * filter changes nothing and a failure to install it is only
	 * logged. */
	r = mon->host->msr_filter_deny(mon, HV_X64_MSR_GUEST_OS_ID, 0x200);
	if (r < 0)
		mon_logf(mon, "hyperv: KVM_X86_SET_MSR_FILTER failed (%d)", r);
	return 0;
}

/*
 * [MSDN ff543172] "Valid Hypercall Environments": only protected mode
 * at CPL 0 may call; from CPL > 0 or real mode the call raises #UD and
 * does nothing.  With IOPL 0 a CPL3 `out` faults #GP before it gets
 * here; a kernel that grants IOPL 3 (or the port in its TSS I/O bitmap)
 * lets it through, and this refuses it.  The CPL is SS.DPL, which equals
 * it even under a conforming CS (SDM Vol. 3A 5.5), as Xen's
 * hvm_get_cpl() takes it.  Returns false if the call may not proceed;
 * else (*sp) holds the caller's state, whose mode picks the registers.
 */
static bool caller_privileged(struct mon *mon, unsigned vcpu,
			      struct mon_sregs *sp)
{
	struct mon_sregs s;
	int r = mon->host->sregs(mon, vcpu, &s);

	if (r < 0) {            /* a host error, not the guest's doing */
		mon_stopf(mon, MON_EXIT_HOST, "hyperv: KVM_GET_SREGS on vcpu %u "
			  "failed: %s; exit %d", vcpu, strerror(-r),
			  MON_EXIT_HOST);
		return false;
	}
	*sp = s;
	if (s.ss_dpl == 0 && (s.cr0 & 1))       /* CR0.PE */
		return true;
	r = mon->host->inject_ud(mon, vcpu);
	if (r < 0)
		mon_stopf(mon, MON_EXIT_HOST, "hyperv: cannot raise #UD on vcpu "
			  "%u: %s; exit %d", vcpu, strerror(-r), MON_EXIT_HOST);
	return false;
}

/*
 * The hypercall page's stub `out %al, $VMI_PORT_HV_HYPERCALL; ret`, read
 * and written through KVM's sync regs.  The registers are the TLFS x64
 * ones from 64-bit mode (RCX control, RDX input GPA, R8 output GPA;
 * result in RAX) and its x86 ones from any other protected mode,
 * compatibility mode included (EDX:EAX control, EBX:ECX input, EDI:ESI
 * output; result in EDX:EAX) [T: hypercall-interface], as KVM chooses
 * them (arch/x86/kvm/hyperv.c, is_64_bit_hypercall).  Only while the
 * page is enabled: otherwise the port is unknown, as on a machine
 * without it.  A caller below CPL 0 gets #UD, RAX unchanged
 * (caller_privileged).
 */
static uint64_t pair(uint64_t hi, uint64_t lo)
{
	return (uint64_t)(uint32_t)hi << 32 | (uint32_t)lo;
}

static bool pers_hv_pio(struct mon *mon, unsigned vcpu,
			const struct mon_exit *x)
{
	struct pers_hv *hv = pers_hv_of(mon);
	struct mon_regs *r = x->regs;
	struct mon_sregs s;
	bool enabled;

	if (x->io.port != VMI_PORT_HV_HYPERCALL || !hv)
		return false;
	pthread_mutex_lock(&hv->lock);
	enabled = hv->hypercall & HV_MSR_ENABLE;
	pthread_mutex_unlock(&hv->lock);
	if (!enabled || !x->io.out || x->io.size != 1 || x->io.count != 1)
		return false;
	if (!caller_privileged(mon, vcpu, &s))
		return true;
	if (mon_sregs_64bit(&s)) {
		r->rax = pers_hv_hypercall(mon, vcpu, r->rcx, r->rdx, r->r8);
	} else {
		uint64_t st = pers_hv_hypercall(mon, vcpu, pair(r->rdx, r->rax),
						pair(r->rbx, r->rcx),
						pair(r->rdi, r->rsi));
		r->rdx = st >> 32;
		r->rax = (uint32_t)st;
	}
	*x->regs_dirty = true;
	return true;
}

const struct mon_pers pers_hv = {
	.name = "hyperv",
	.available = true,
	.clock = MON_CLOCK_TSC,         /* KVM's, on a host whose clock is the TSC */
	.cpuid = pers_hv_cpuid,
	.init = pers_hv_init,
	.msr = pers_hv_msr,
	.pio = pers_hv_pio,
};
