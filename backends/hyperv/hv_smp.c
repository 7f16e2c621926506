/* SPDX-License-Identifier: MIT */
/*
 * hv_smp.c: IPIs by HvCallSendSyntheticClusterIpi when recommended (else
 * the LAPIC's), the event vectors of common/x86pc.c with the alarm on
 * stimer0 or the LAPIC timer, and the long-spin-wait notification.  CPUs
 * (ACPI MADT) and start-up (INIT-SIPI-SIPI: the TLFS has no start-VP
 * call for a guest like ours) are common/x86pc.c's.
 */
#include <insn.h>

#include "hyperv.h"

uint64_t hv_vp_mask(vmi_cpumask_t cpus, vmi_cpumask_t *rest)
{
    uint64_t vps = 0;
    *rest = 0;
    for (unsigned c = 0; c < x86pc.cpus.count; c++) {
        if (!(cpus >> c & 1))
            continue;
        if (hv.vp_index[c] < 64)
            vps |= 1ull << hv.vp_index[c];
        else
            *rest |= 1ull << c;     /* needs the Ex call: go native */
    }
    return vps;
}

/* [T: hypercalls/hvcallsendsyntheticclusteripi], fast form: RDX =
 * vector (reserved upper half 0), R8 = VP mask; the CPUs it cannot name
 * by the LAPIC. */
void hv_send(vmi_cpumask_t cpus, uint8_t vector)
{
    if (!hv.use.ipi) {
        x86pc_send_lapic(cpus, vector);
        return;
    }
    vmi_cpumask_t rest;
    uint64_t vps = hv_vp_mask(cpus, &rest);
    uint64_t r = vps ? hv_hcall_fast(HVCALL_SEND_IPI, vector, vps) : 0;
    if (hv_status(r) != VMI_OK)
        vmi_panic("hyperv: HvCallSendSyntheticClusterIpi failed");
    if (rest)
        x86pc_send_lapic(rest, vector);
}

void hv_ipi_send(vmi_cpumask_t cpus)
{
    hv_send(cpus, X86PC_VEC_IPI);
}

/* stimer0's direct mode and the cluster IPI both raise ordinary LAPIC
 * vectors, so the LAPIC EOI serves every vector here (Linux
 * arch/x86/kvm/hyperv.c stimer_notify_direct). */
void hv_event_dispatch(unsigned vector)
{
    unsigned cpu = x86pc_cpu_id();
    enum x86pc_event ev = x86pc_event_decode(cpu, vector);
    lapic_eoi(&x86pc.lapic);
    if (ev == X86PC_EV_ALARM)
        hv_alarm_fired(cpu);
    else if (ev == X86PC_EV_IPI)
        vmi_event(VMI_EVENT_IPI);
}

/* One pause per call; every spin_retries calls on this CPU (CPUID
 * 0x40000004.ebx), tell the hypervisor with HvCallNotifyLongSpinWait
 * (fast, RDX = the count) [T: hypercalls/hvcallnotifylongspinwait]. */
void hv_spin_wait(const volatile uint8_t *ptr, uint8_t val)
{
    (void)ptr;
    (void)val;
    cpu_relax();
    if (!hv.use.spin)
        return;
    struct hv_cpu *c = &hv.cpu[x86pc_cpu_id()];
    if (++c->spins < hv.spin_retries)
        return;
    uint64_t r = hv_hcall_fast(HVCALL_NOTIFY_LONG_SPIN_WAIT, c->spins, 0);
    c->spins = 0;
    if (hv_status(r) != VMI_OK)
        vmi_panic("hyperv: HvCallNotifyLongSpinWait failed");
}

void hv_spin_kick(unsigned cpu)
{
    (void)cpu;  /* spin_wait never blocks: nothing to wake */
}
