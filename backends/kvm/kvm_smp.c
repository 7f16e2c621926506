/* SPDX-License-Identifier: MIT */
/*
 * kvm_smp.c: CPUs from the ACPI MADT, start-up by INIT-SIPI-SIPI, IPIs
 * (KVM_HC_SEND_IPI when advertised, else the LAPIC ICR), the PV spin-lock
 * slow path (halt + KVM_HC_KICK_CPU when PV_UNHALT is advertised), PV EOI,
 * and the backend's interrupt vectors.
 */
#include <insn.h>

#include "kvm.h"
#include "kvm_hypercall.h"
#include "kvm_insn.h"

#define RFLAGS_IF (1ull << 9)   /* SDM Vol. 1 3.4.3.3 */

void kvm_smp_init(uint32_t bsp_apic_id)
{
    smp_cpus_from_acpi(&kvm.cpus, kvm.rsdp, bsp_apic_id);
}

unsigned kvm_cpu_count(void)
{
    return kvm.cpus.count;
}

unsigned kvm_cpu_id(void)
{
    return smp_cpu_self(&kvm.cpus, &kvm.lapic);
}

vmi_status_t kvm_cpu_start(unsigned cpu, const struct vmi_cpu_boot *boot)
{
    return smp_cpu_start(&kvm.cpus, &kvm.lapic, cpu, boot, kvm.tsc_hz);
}

/* The CPUs of (cpus) that exist. */
static vmi_cpumask_t kvm_valid(vmi_cpumask_t cpus)
{
    unsigned n = kvm.cpus.count;
    return n >= VMI_MAX_CPUS ? cpus : cpus & ((1ull << n) - 1);
}

vmi_cpumask_t kvm_ipi_batch(const struct smp_cpus *c, vmi_cpumask_t cpus,
                            uint64_t *lo, uint64_t *hi, uint32_t *min)
{
    uint32_t m = UINT32_MAX;
    for (unsigned i = 0; i < c->count; i++)
        if (cpus >> i & 1 && c->apic_id[i] < m)
            m = c->apic_id[i];
    vmi_cpumask_t left = 0;
    *lo = *hi = 0;
    *min = m;
    for (unsigned i = 0; i < c->count; i++) {
        if (!(cpus >> i & 1))
            continue;
        uint32_t d = c->apic_id[i] - m;
        if (d < 64)
            *lo |= 1ull << d;
        else if (d < KVM_IPI_CLUSTER)
            *hi |= 1ull << (d - 64);
        else
            left |= 1ull << i;
    }
    return left;
}

static void kvm_send_lapic(vmi_cpumask_t cpus, uint8_t vector)
{
    for (unsigned c = 0; c < kvm.cpus.count; c++)
        if (cpus >> c & 1)
            lapic_send_ipi(&kvm.lapic, kvm.cpus.apic_id[c],
                           LAPIC_ICR_FIXED | LAPIC_ICR_ASSERT | vector);
}

void kvm_send_mask(vmi_cpumask_t cpus, uint8_t vector)
{
    cpus = kvm_valid(cpus);
    if (!kvm.use.pv_ipi) {
        kvm_send_lapic(cpus, vector);
        return;
    }
    /* VMCALL exits to the host, which is serializing: stores before it
     * are visible to the target before its interrupt. */
    while (cpus) {
        uint64_t lo, hi;
        uint32_t min;
        vmi_cpumask_t left = kvm_ipi_batch(&kvm.cpus, cpus, &lo, &hi, &min);
        /* a3 is the ICR low word: fixed delivery, the vector. */
        if (kvm_hc_send_ipi(lo, hi, min, LAPIC_ICR_FIXED | vector) != VMI_OK)
            kvm_send_lapic(cpus & ~left, vector);
        cpus = left;
    }
}

static bool kvm_preempted(unsigned cpu)
{
    return __atomic_load_n(&kvm.cpu[cpu].steal.preempted, __ATOMIC_RELAXED) &
           KVM_VCPU_PREEMPTED;
}

void kvm_ipi_send(vmi_cpumask_t cpus)
{
    kvm_send_mask(cpus, KVM_VEC_IPI);
    if (!kvm.use.sched_yield)
        return;
    /* A target that is not running cannot take the IPI: give it our
     * time slice (Linux kvm_smp_send_call_func_ipi; one yield is
     * enough to let the host run it). */
    cpus = kvm_valid(cpus);
    for (unsigned c = 0; c < kvm.cpus.count; c++) {
        if (cpus >> c & 1 && kvm_preempted(c)) {
            kvm_hc_sched_yield(kvm.cpus.apic_id[c]);
            break;
        }
    }
}

void kvm_spin_wait(const volatile uint8_t *ptr, uint8_t val)
{
    if (!kvm.use.pv_spinlock) {
        /* One pause and return: the caller re-checks *ptr. */
        cpu_relax();
        return;
    }
    /* Halt until kicked.  KVM wakes a vCPU halted with interrupts
     * masked on KICK_CPU (hypercalls.rst), so the masked case needs no
     * interrupt; the value is re-checked after masking, so a kick that
     * came first is not waited for (Linux kvm_wait). */
    if (!(read_rflags() & RFLAGS_IF)) {
        if (*ptr == val)
            hlt();
        return;
    }
    cli();
    if (*ptr == val)
        sti_hlt();
    else
        sti();
}

void kvm_spin_kick(unsigned cpu)
{
    if (!kvm.use.pv_spinlock || cpu >= kvm.cpus.count)
        return;     /* a spinning waiter sees the store by itself */
    kvm_hc_kick_cpu(kvm.cpus.apic_id[cpu]);
}

static void kvm_eoi_on(unsigned cpu)
{
    /* The host sets the bit when it let this interrupt skip the EOI
     * exit; clearing it is then the EOI (msr.rst, MSR_KVM_PV_EOI_EN). */
    if (kvm.use.pv_eoi && test_and_clear_bit32(&kvm.cpu[cpu].pv_eoi,
                                               KVM_PV_EOI_BIT))
        return;
    lapic_eoi(&kvm.lapic);
}

void kvm_eoi(void)
{
    if (!kvm.use.pv_eoi) {
        lapic_eoi(&kvm.lapic);
        return;
    }
    kvm_eoi_on(kvm_cpu_id());
}

void kvm_event_dispatch(unsigned vector)
{
    unsigned cpu = kvm_cpu_id();
    switch (vector) {
    case KVM_VEC_ALARM:
        kvm_eoi_on(cpu);
        kvm_alarm_fire(cpu);
        break;
    case KVM_VEC_IPI:
        kvm_eoi_on(cpu);
        vmi_event(VMI_EVENT_IPI);
        break;
    case KVM_VEC_FLUSH:
        /* Flush before EOI: the sender waits for the acknowledgement. */
        shootdown_handle(&kvm.sd, cpu);
        kvm_eoi_on(cpu);
        break;
    default:
        /* A vector of ours that we never program: acknowledge it. */
        kvm_eoi_on(cpu);
        break;
    }
}
