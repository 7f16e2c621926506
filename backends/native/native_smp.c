/* SPDX-License-Identifier: MIT */
/* native_smp.c: CPUs from the ACPI MADT, start-up by INIT-SIPI-SIPI,
 * LAPIC IPIs, and the backend's interrupt vectors. */
#include <insn.h>

#include "native.h"

void native_smp_init(uint32_t bsp_apic_id)
{
    smp_cpus_from_acpi(&native.cpus, native.rsdp, bsp_apic_id);
    for (unsigned i = 0; i < 256; i++)
        native.apic_to_cpu[i] = NATIVE_APIC_ID_NONE;
    for (unsigned i = 0; i < native.cpus.count; i++)
        if (native.cpus.apic_id[i] < 256)
            native.apic_to_cpu[native.cpus.apic_id[i]] = (uint8_t)i;
}

unsigned native_cpu_count(void)
{
    return native.cpus.count;
}

unsigned native_cpu_id(void)
{
    uint32_t id = lapic_id(&native.lapic);
    if (id < 256 && native.apic_to_cpu[id] != NATIVE_APIC_ID_NONE)
        return native.apic_to_cpu[id];
    /* x2APIC IDs above 255 (large machines) take the slow path. */
    int i = smp_cpu_index(&native.cpus, id);
    return i < 0 ? 0 : (unsigned)i;
}

vmi_status_t native_cpu_start(unsigned cpu, const struct vmi_cpu_boot *boot)
{
    if (cpu == 0 || cpu >= native.cpus.count || !boot)
        return VMI_EINVAL;
    return smp_boot_ap(&native.lapic, native.cpus.apic_id[cpu], cpu, boot,
                       native.tsc_hz);
}

static void native_send(unsigned cpu, uint8_t vector)
{
    lapic_send_ipi(&native.lapic, native.cpus.apic_id[cpu],
                   LAPIC_ICR_FIXED | LAPIC_ICR_ASSERT | vector);
}

void native_ipi_send(vmi_cpumask_t cpus)
{
    for (unsigned c = 0; c < native.cpus.count; c++)
        if (cpus >> c & 1)
            native_send(c, NATIVE_VEC_IPI);
}

void native_spin_wait(const volatile uint8_t *ptr, uint8_t val)
{
    /* One pause and return: the caller re-checks *ptr. */
    (void)ptr;
    (void)val;
    cpu_relax();
}

void native_spin_kick(unsigned cpu)
{
    /* Nothing to do: a spinning waiter sees the lock holder's store
     * through cache coherence, no wake-up needed. */
    (void)cpu;
}

void native_event_dispatch(unsigned vector)
{
    unsigned cpu = native_cpu_id();
    switch (vector) {
    case NATIVE_VEC_ALARM:
        lapic_eoi(&native.lapic);
        native_alarm_fire(cpu);
        break;
    case NATIVE_VEC_IPI:
        lapic_eoi(&native.lapic);
        vmi_event(VMI_EVENT_IPI);
        break;
    case NATIVE_VEC_FLUSH:
        /* Flush before EOI: the sender waits for the acknowledgement. */
        shootdown_handle(&native.sd, cpu);
        lapic_eoi(&native.lapic);
        break;
    default:
        /* A vector of ours that we never program: acknowledge it. */
        lapic_eoi(&native.lapic);
        break;
    }
}

void native_flush_kick(void *ctx, unsigned cpu)
{
    (void)ctx;
    native_send(cpu, NATIVE_VEC_FLUSH);
}
