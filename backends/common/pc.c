/* SPDX-License-Identifier: MIT */
/* pc.c: platform init, CPUs, IPIs and event vectors of a LAPIC-driving
 * backend (backends/common, see pc.h). */
#include <insn.h>

#include "acpi.h"
#include "pc.h"
#include "pic.h"
#include "power.h"
#include "uart.h"

struct pc pc;

/* The boot CPU's LAPIC, then the table (in x2APIC mode the ID read
 * needs the mode enabled), from pc.rsdp. */
static void pc_lapic_cpus(void)
{
    lapic_detect(&pc.lapic);
    lapic_enable(&pc.lapic, VMI_VECTOR_SPURIOUS);
    smp_cpus_from_acpi(&pc.cpus, pc.rsdp, lapic_id(&pc.lapic));
}

void pc_init(uint64_t rsdp_hint)
{
    uart_early();
    pc.rsdp = acpi_find_rsdp(rsdp_hint);
    power_init(pc.rsdp);
    pic_mask_all();
    pc_lapic_cpus();
}

void pc_init_lapic(uint64_t rsdp_hint)
{
    pc.rsdp = acpi_find_rsdp(rsdp_hint);
    pc_lapic_cpus();
}

vmi_status_t pc_cpu_enable(unsigned cpu)
{
    if (cpu >= pc.cpus.count)
        return VMI_EINVAL;
    lapic_enable(&pc.lapic, VMI_VECTOR_SPURIOUS);
    /* A backend with its own timer leaves the LAPIC timer masked. */
    if (!pc.alarm_arm)
        lapic_timer_setup(&pc.lapic, PC_VEC_ALARM, pc.tsc_deadline);
    return VMI_OK;
}

void pc_cpu_online(unsigned cpu)
{
    __atomic_or_fetch(&pc.online, 1ull << cpu, __ATOMIC_RELEASE);
}

vmi_status_t pc_cpu_init(unsigned cpu)
{
    vmi_status_t st = pc_cpu_enable(cpu);
    if (st == VMI_OK)
        pc_cpu_online(cpu);
    return st;
}

void pc_describe(struct vmi_info *info)
{
    info->features |= (pc.lapic.x2apic ? VMI_FEAT_X2APIC : 0) |
                      (pc.tsc_deadline ? VMI_FEAT_TSC_DEADLINE : 0);
    info->alarm = pc.tsc_deadline ? "lapic tsc-deadline" : "lapic oneshot";
    info->console = "uart 0x3f8";
    info->ipi = pc.lapic.x2apic ? "x2apic icr" : "xapic icr";
}

unsigned pc_cpu_count(void)
{
    return pc.cpus.count;
}

unsigned pc_cpu_id(void)
{
    return smp_cpu_self(&pc.cpus, &pc.lapic);
}

vmi_status_t pc_cpu_start(unsigned cpu, const struct vmi_cpu_boot *boot)
{
    return smp_cpu_start(&pc.cpus, &pc.lapic, cpu, boot, pc.tsc_hz);
}

void pc_send_lapic(vmi_cpumask_t cpus, uint8_t vector)
{
    for (unsigned c = 0; c < pc.cpus.count; c++)
        if (cpus >> c & 1)
            lapic_send_ipi(&pc.lapic, pc.cpus.apic_id[c],
                           LAPIC_ICR_FIXED | LAPIC_ICR_ASSERT | vector);
}

void pc_send(vmi_cpumask_t cpus, uint8_t vector)
{
    if (pc.send)
        pc.send(cpus, vector);
    else
        pc_send_lapic(cpus, vector);
}

void pc_ipi_send(vmi_cpumask_t cpus)
{
    pc_send(cpus, PC_VEC_IPI);
}

static void pc_eoi_on(unsigned cpu)
{
    if (pc.eoi)
        pc.eoi(cpu);
    else
        lapic_eoi(&pc.lapic);
}

void pc_irq_eoi(void)
{
    /* Without a hook the CPU index is not needed: skip its lookup. */
    if (pc.eoi)
        pc.eoi(pc_cpu_id());
    else
        lapic_eoi(&pc.lapic);
}

void pc_event_dispatch(unsigned vector)
{
    unsigned cpu = pc_cpu_id();
    switch (vector) {
    case PC_VEC_ALARM:
        pc_eoi_on(cpu);
        pc_alarm_fire(cpu);
        break;
    case PC_VEC_IPI:
        pc_eoi_on(cpu);
        vmi_event(VMI_EVENT_IPI);
        break;
    case PC_VEC_FLUSH:
        /* Flush before EOI: the sender waits for the acknowledgement. */
        shootdown_handle(&pc.sd, cpu);
        pc_eoi_on(cpu);
        break;
    default:
        /* A vector of ours that we never program: acknowledge it. */
        pc_eoi_on(cpu);
        break;
    }
}
