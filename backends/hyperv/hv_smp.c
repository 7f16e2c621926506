/* SPDX-License-Identifier: MIT */
/* hv_smp.c: CPUs from the ACPI MADT and started by INIT-SIPI-SIPI (the
 * TLFS has no start-VP call for a guest like ours), IPIs by
 * HvCallSendSyntheticClusterIpi when recommended, the long-spin-wait
 * notification, and the backend's vectors. */
#include <insn.h>

#include "hyperv.h"

void hv_smp_init(uint32_t bsp_apic_id)
{
    smp_cpus_from_acpi(&hv.cpus, hv.rsdp, bsp_apic_id);
}

unsigned hv_cpu_count(void)
{
    return hv.cpus.count;
}

unsigned hv_cpu_id(void)
{
    return smp_cpu_self(&hv.cpus, &hv.lapic);
}

vmi_status_t hv_cpu_start(unsigned cpu, const struct vmi_cpu_boot *boot)
{
    return smp_cpu_start(&hv.cpus, &hv.lapic, cpu, boot, hv.tsc_hz);
}

uint64_t hv_vp_mask(vmi_cpumask_t cpus, vmi_cpumask_t *rest)
{
    uint64_t vps = 0;
    *rest = 0;
    for (unsigned c = 0; c < hv.cpus.count; c++) {
        if (!(cpus >> c & 1))
            continue;
        if (hv.vp_index[c] < 64)
            vps |= 1ull << hv.vp_index[c];
        else
            *rest |= 1ull << c;     /* needs the Ex call: go native */
    }
    return vps;
}

static void hv_send_native(vmi_cpumask_t cpus, uint8_t vector)
{
    for (unsigned c = 0; c < hv.cpus.count; c++)
        if (cpus >> c & 1)
            lapic_send_ipi(&hv.lapic, hv.cpus.apic_id[c],
                           LAPIC_ICR_FIXED | LAPIC_ICR_ASSERT | vector);
}

/* [T: hypercalls/hvcallsendsyntheticclusteripi], fast form: RDX = vector
 * (reserved upper half 0), R8 = VP mask. */
void hv_ipi_send(vmi_cpumask_t cpus)
{
    vmi_cpumask_t rest = cpus;
    if (hv.use.ipi) {
        uint64_t vps = hv_vp_mask(cpus, &rest);
        uint64_t r = vps ? hv_hcall_fast(HVCALL_SEND_IPI, HV_VEC_IPI, vps) : 0;
        if (hv_status(r) != VMI_OK)
            vmi_panic("hyperv: HvCallSendSyntheticClusterIpi failed");
    }
    if (rest)
        hv_send_native(rest, HV_VEC_IPI);
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
    struct hv_cpu *c = &hv.cpu[hv_cpu_id()];
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

void hv_event_dispatch(unsigned vector)
{
    unsigned cpu = hv_cpu_id();
    switch (vector) {
    case HV_VEC_ALARM:
        /* Direct mode is a LAPIC interrupt: it needs an EOI [ABI 3.6]. */
        lapic_eoi(&hv.lapic);
        hv_alarm_fire(cpu);
        break;
    case HV_VEC_IPI:
        lapic_eoi(&hv.lapic);
        vmi_event(VMI_EVENT_IPI);
        break;
    case HV_VEC_FLUSH:
        shootdown_handle(&hv.sd, cpu);
        lapic_eoi(&hv.lapic);
        break;
    default:
        lapic_eoi(&hv.lapic);
        break;
    }
}

void hv_flush_kick(void *ctx, unsigned cpu)
{
    (void)ctx;
    hv_send_native(1ull << cpu, HV_VEC_FLUSH);
}
