/* SPDX-License-Identifier: MIT */
/* kvm_detect.c: finding KVM's CPUID leaves and choosing which of its
 * paravirtual features the backend uses. */
#include <insn.h>

#include "kvm.h"
#include "power.h"

/* The 12-byte vendor signature of leaf (r) as a string; non-printable
 * bytes become '?', so the refusal line stays one readable line. */
static void kvm_sig_string(const struct vmi_cpuid *r, char out[KVM_FOUND_LEN])
{
    const uint32_t sig[3] = { r->ebx, r->ecx, r->edx };
    unsigned n = 0;
    for (unsigned i = 0; i < 12; i++) {
        char ch = (char)(sig[i / 4] >> (8 * (i % 4)));
        if (!ch)
            break;
        out[n++] = ch >= 0x20 && ch < 0x7f ? ch : '?';
    }
    out[n] = 0;
}

static bool kvm_sig_is_kvm(const struct vmi_cpuid *r)
{
    return r->ebx == KVM_SIG_EBX && r->ecx == KVM_SIG_ECX &&
           r->edx == KVM_SIG_EDX;
}

static void kvm_copy(char out[KVM_FOUND_LEN], const char *s)
{
    unsigned n = 0;
    for (; s[n] && n < KVM_FOUND_LEN - 1; n++)
        out[n] = s[n];
    out[n] = 0;
}

uint32_t kvm_cpuid_base(char found[KVM_FOUND_LEN])
{
    struct vmi_cpuid r;
    cpuid(1, 0, &r);
    if (!(r.ecx & CPUID1_ECX_HYPERVISOR)) {
        kvm_copy(found, "no hypervisor");
        return 0;
    }
    /* Scan like Linux's hypervisor_cpuid_base(): KVM may sit above
     * another personality (e.g. at 0x40000100 behind Hyper-V's leaves).
     * The max-leaf check is skipped, as Linux does for KVM: old hosts
     * report eax = 0 there. */
    for (uint32_t base = KVM_CPUID_FIRST; base <= KVM_CPUID_LAST;
         base += KVM_CPUID_STEP) {
        cpuid(base, 0, &r);
        if (kvm_sig_is_kvm(&r))
            return base;
        if (base == KVM_CPUID_FIRST)
            kvm_sig_string(&r, found);
    }
    if (!found[0])
        kvm_copy(found, "an unnamed hypervisor");
    return 0;
}

void kvm_detect(void)
{
    char found[KVM_FOUND_LEN];
    uint32_t base = kvm_cpuid_base(found);
    if (!base)
        vmi_refuse("KVM (KVMKVMKVM)", found);
    struct vmi_cpuid r;
    cpuid(base + KVM_CPUID_FEATURES_OFF, 0, &r);
    kvm.base = base;
    kvm.features = r.eax;
    kvm.hints = r.edx;
}

void kvm_choose(unsigned ncpus)
{
    uint32_t f = kvm.features;
    bool rt = kvm.hints & KVM_HINTS_REALTIME;
    bool smp = ncpus > 1;
    struct kvm_use *u = &kvm.use;
    u->stable_bit = f & KVM_FEATURE_CLOCKSOURCE_STABLE_BIT;
    u->steal = f & KVM_FEATURE_STEAL_TIME;
    u->pv_eoi = f & KVM_FEATURE_PV_EOI;
    /* Linux pv_tlb_flush_supported(); it also excludes guests with
     * MWAIT, which idle without the host seeing them preempted: this
     * backend never uses MWAIT. */
    u->pv_tlb_flush = (f & KVM_FEATURE_PV_TLB_FLUSH) && u->steal && !rt && smp;
    /* Linux pv_ipi_supported(), kvm_spinlock_init(), and
     * kvm_smp_send_call_func_ipi()'s PV_SCHED_YIELD condition. */
    u->pv_ipi = (f & KVM_FEATURE_PV_SEND_IPI) && smp;
    u->pv_spinlock = (f & KVM_FEATURE_PV_UNHALT) && !rt && smp;
    u->sched_yield = (f & KVM_FEATURE_PV_SCHED_YIELD) && !rt && smp;
}
