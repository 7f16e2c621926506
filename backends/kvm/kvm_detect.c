/* SPDX-License-Identifier: MIT */
/* kvm_detect.c: finding KVM's CPUID leaves and choosing which of its
 * paravirtual features the backend uses. */
#include <insn.h>

#include "hvsig.h"
#include "kvm.h"
#include "kvm_hypercall.h"
#include "power.h"

/* KVM may sit above another personality, e.g. at 0x40000100 behind
 * Hyper-V's leaves: hvsig_find scans them all. */
uint32_t kvm_probe(void)
{
    return hvsig_find(KVM_SIG_EBX, KVM_SIG_ECX, KVM_SIG_EDX);
}

void kvm_detect(void)
{
    uint32_t base = kvm_probe();
    if (!base) {
        char found[HVSIG_LEN];
        hvsig_found(found);
        vmi_refuse("KVM (KVMKVMKVM)", found);
    }
    struct vmi_cpuid r;
    cpuid(base + KVM_CPUID_FEATURES_OFF, 0, &r);
    kvm.base = base;
    kvm.features = r.eax;
    kvm.hints = r.edx;
    kvm_hc_choose();
}

/* asm/kvm_para.h numbers the CPUID feature and hint bits. */
static bool bit(uint32_t word, unsigned n)
{
    return word >> n & 1;
}

void kvm_choose(unsigned ncpus)
{
    uint32_t f = kvm.features;
    bool rt = bit(kvm.hints, KVM_HINTS_REALTIME);
    bool smp = ncpus > 1;
    struct kvm_use *u = &kvm.use;
    u->stable_bit = bit(f, KVM_FEATURE_CLOCKSOURCE_STABLE_BIT);
    u->steal = bit(f, KVM_FEATURE_STEAL_TIME);
    u->pv_eoi = bit(f, KVM_FEATURE_PV_EOI);
    /* Linux pv_tlb_flush_supported(); it also excludes guests with
     * MWAIT, which idle without the host seeing them preempted: this
     * backend never uses MWAIT. */
    u->pv_tlb_flush = bit(f, KVM_FEATURE_PV_TLB_FLUSH) && u->steal && !rt && smp;
    /* Linux pv_ipi_supported(), kvm_spinlock_init() and
     * pv_sched_yield_supported(): the yield is for a preempted target,
     * which only the steal-time area's preempted byte tells. */
    u->pv_ipi = bit(f, KVM_FEATURE_PV_SEND_IPI) && smp;
    u->pv_spinlock = bit(f, KVM_FEATURE_PV_UNHALT) && !rt && smp;
    u->sched_yield = bit(f, KVM_FEATURE_PV_SCHED_YIELD) && u->steal && !rt && smp;
}
