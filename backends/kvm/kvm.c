/* SPDX-License-Identifier: MIT */
/*
 * kvm.c: the kvm backend's ops table, init and per-CPU setup.  A KVM
 * guest is an HVM guest: CPU state, interrupt flag and page tables are
 * the plain instructions (common/x86.h).  KVM's paravirtual interface
 * replaces what it does better: kvmclock for time, steal time, PV EOI,
 * PV TLB flush, and, where advertised, PV IPIs and PV spin locks.
 * Everything else (LAPIC alarm and events, UART console, INIT-SIPI-SIPI,
 * TLB shootdown, power) is the PC's, shared with the native backend
 * through backends/common (x86pc.h); the ops that use a PV feature are
 * kvm_*, and test kvm.use each time.
 */
#include <insn.h>

#include "kvm.h"
#include "power.h"
#include "console.h"
#include "x86.h"

struct kvm kvm;

static uint32_t kvm_features_used(void)
{
    const struct kvm_use *u = &kvm.use;
    return (u->kvmclock ? VMI_FEAT_PV_CLOCK : 0) |
           (u->steal ? VMI_FEAT_STEAL_TIME : 0) |
           (u->pv_eoi ? VMI_FEAT_PV_EOI : 0) |
           (u->pv_tlb_flush ? VMI_FEAT_PV_TLB_FLUSH : 0) |
           (u->pv_ipi ? VMI_FEAT_PV_IPI : 0) |
           (u->pv_spinlock ? VMI_FEAT_PV_SPINLOCK : 0);
}

static void kvm_identify(void)
{
    const struct kvm_use *u = &kvm.use;
    kvm.info = (struct vmi_info){
        .backend = "kvm",
        .version = VMI_VERSION,
        .hypervisor = "KVM",
        .hv_version = 0,    /* KVM has no version leaf */
        .features = kvm_features_used(),
        .clock = u->kvmclock ? "kvmclock" : "tsc",
    };
    x86pc_describe(&kvm.info);
    if (u->pv_ipi)
        kvm.info.ipi = "kvm send_ipi";
}

static vmi_status_t kvm_init(const struct vmi_boot *boot)
{
    kvm_detect();   /* refuses, with one line, if KVM is not there */
    x86pc_init(boot);
    kvm_choose(x86pc.cpus.count);
    kvm_time_init();
    kvm_identify();
    return VMI_OK;
}

void kvm_msr_enable(uint32_t msr, const volatile void *area, const char *what)
{
    /* A host that advertised the feature and then refuses the MSR (#GP)
     * is broken; say which.  The #GP reaches the fixup through the boot
     * library's early IDT (vmi/boot.h vmi_trap_early); a kernel with its
     * own entry and no IDT yet triple-faults instead. */
    if (wrmsr_safe(msr, kvm_pa(area) | KVM_MSR_ENABLED))
        vmi_panic(what);
}

/* Each CPU registers its own areas (the MSRs are per vCPU), then joins
 * as x86pc_cpu_init makes it: online only once they are in place. */
static vmi_status_t kvm_cpu_init(unsigned cpu)
{
    if (cpu >= x86pc.cpus.count)
        return VMI_EINVAL;
    kvm_time_cpu_init(cpu);
    /* The word is .bss, hence zeroed, as msr.rst requires. */
    if (kvm.use.pv_eoi)
        kvm_msr_enable(MSR_KVM_PV_EOI_EN, &kvm.cpu[cpu].pv_eoi,
                       "kvm: host refused MSR_KVM_PV_EOI_EN");
    return x86pc_cpu_init(cpu);
}

static const struct vmi_info *kvm_info(void)
{
    return &kvm.info;
}

const struct vmi_ops vmi_ops = {
    VMI_X86_ARCH_OPS,
    /* kvm's own */
    .init = kvm_init,
    .cpu_init = kvm_cpu_init,
    .info = kvm_info,
    .irq_eoi = kvm_irq_eoi,
    .event_dispatch = kvm_event_dispatch,
    .time_ns = kvm_time_ns,
    .wallclock_ns = kvm_wallclock_ns,
    .cycles_hz = x86pc_cycles_hz,
    .stolen_ns = kvm_stolen_ns,
    .alarm_set = kvm_alarm_set,
    .tlb_flush_multi = kvm_tlb_flush_multi,
    .mmu_lazy_end = kvm_mmu_lazy_end,
    .ipi_send = kvm_ipi_send,
    .spin_wait = kvm_spin_wait,
    .spin_kick = kvm_spin_kick,
    /* the PC's (common/x86pc.h) */
    .cpu_count = x86pc_cpu_count,
    .cpu_id = x86pc_cpu_id,
    .cpu_start = x86pc_cpu_start,
    .alarm_cancel = x86pc_lapic_alarm_cancel,
    .tlb_flush_page = x86pc_tlb_flush_page,
    .mmu_lazy_begin = x86pc_mmu_lazy_begin,
    /* instructions (common/x86.h), UART, power */
    .halt = x86_halt,
    .console_write = console_write,
    .console_read = console_read,
    .shutdown = power_off,
    .reboot = power_reset,
    .crash = power_crash,
};
