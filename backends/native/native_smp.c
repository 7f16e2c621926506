/* SPDX-License-Identifier: MIT */
/* native_smp.c: CPUs from the ACPI MADT, start-up by INIT-SIPI-SIPI,
 * LAPIC IPIs, and the backend's interrupt vectors. */
#include <insn.h>

#include "native.h"

void native_smp_init(uint32_t bsp_apic_id)
{
    smp_cpus_from_acpi(&native.cpus, native.rsdp, bsp_apic_id);
}

unsigned native_cpu_count(void)
{
    return native.cpus.count;
}

unsigned native_cpu_id(void)
{
    return smp_cpu_self(&native.cpus, &native.lapic);
}

vmi_status_t native_cpu_start(unsigned cpu, const struct vmi_cpu_boot *boot)
{
    return smp_cpu_start(&native.cpus, &native.lapic, cpu, boot,
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
