/* SPDX-License-Identifier: MIT */
/*
 * kvm_smp.c: IPIs (KVM_HC_SEND_IPI when advertised, else the LAPIC's) with
 * ipi_send's directed yield, EOI (PV EOI when advertised, else the
 * LAPIC's), the event vectors of common/x86pc.c with that EOI, and the PV
 * spin-lock slow path (halt + KVM_HC_KICK_CPU when PV_UNHALT is
 * advertised).  The CPU table and start-up are common/x86pc.c's.
 */
#include <insn.h>
#include <kvm_insn.h>

#include "kvm.h"
#include "kvm_hypercall.h"

#define RFLAGS_IF (1ull << 9)   /* SDM Vol. 1 3.4.3.3 */

/* The CPUs of (cpus) that exist. */
static vmi_cpumask_t kvm_valid(vmi_cpumask_t cpus)
{
    unsigned n = x86pc.cpus.count;
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

void kvm_send(vmi_cpumask_t cpus, uint8_t vector)
{
    if (!kvm.use.pv_ipi) {
        x86pc_send_lapic(cpus, vector);
        return;
    }
    /* VMCALL exits to the host, which is serializing: stores before it
     * are visible to the target before its interrupt. */
    cpus = kvm_valid(cpus);
    while (cpus) {
        uint64_t lo, hi;
        uint32_t min;
        vmi_cpumask_t left = kvm_ipi_batch(&x86pc.cpus, cpus, &lo, &hi, &min);
        /* a3 is the ICR low word: fixed delivery, the vector. */
        if (kvm_hc_send_ipi(lo, hi, min, LAPIC_ICR_FIXED | vector) != VMI_OK)
            x86pc_send_lapic(cpus & ~left, vector);
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
    kvm_send(cpus, X86PC_VEC_IPI);
    if (!kvm.use.sched_yield)
        return;
    /* A target that is not running cannot take the IPI: give it our
     * time slice (Linux kvm_smp_send_call_func_ipi; one yield is
     * enough to let the host run it). */
    for (unsigned c = 0; c < x86pc.cpus.count; c++) {
        if (cpus >> c & 1 && kvm_preempted(c)) {
            kvm_hc_sched_yield(x86pc.cpus.apic_id[c]);
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
    if (!kvm.use.pv_spinlock || cpu >= x86pc.cpus.count)
        return;     /* a spinning waiter sees the store by itself */
    kvm_hc_kick_cpu(x86pc.cpus.apic_id[cpu]);
}

/* The EOI on (cpu), the calling CPU.  With PV EOI the host sets the bit
 * when it let this interrupt skip the EOI exit; clearing it is then the
 * EOI (msr.rst, MSR_KVM_PV_EOI_EN). */
static void kvm_eoi(unsigned cpu)
{
    if (!kvm.use.pv_eoi ||
        !test_and_clear_bit32(&kvm.cpu[cpu].pv_eoi, KVM_PV_EOI_BIT))
        lapic_eoi(&x86pc.lapic);
}

void kvm_irq_eoi(void)
{
    /* Without PV EOI the CPU index is not needed: skip its lookup. */
    if (kvm.use.pv_eoi)
        kvm_eoi(x86pc_cpu_id());
    else
        lapic_eoi(&x86pc.lapic);
}

void kvm_event_dispatch(unsigned vector)
{
    unsigned cpu = x86pc_cpu_id();
    enum x86pc_event ev = x86pc_event_decode(cpu, vector);
    kvm_eoi(cpu);
    if (ev == X86PC_EV_ALARM)
        x86pc_lapic_alarm_fired(cpu, kvm_time_ns());
    else if (ev == X86PC_EV_IPI)
        vmi_event(VMI_EVENT_IPI);
}
