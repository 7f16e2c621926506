/* SPDX-License-Identifier: MIT */
/* kvm.h: private state of the kvm backend; never included outside
 * backends/kvm/ (and its unit tests).  The PC state it shares with the
 * other backends (LAPIC, CPUs, alarm, TLB flushes) is common/x86pc.h's
 * `x86pc`. */
#ifndef VMI_KVM_H
#define VMI_KVM_H

#include <stdbool.h>

#include "kvm_abi.h"
#include "x86pc.h"
#include "pvclock.h"

/*
 * Per-CPU areas shared with the host, registered by physical address (==
 * the virtual one: the kernel identity-maps its image).  None may cross a
 * page (KVM maps each one page): the element is 64-byte aligned, so steal
 * (64 bytes at offset 0) and clock (32 bytes at offset 64) sit within one
 * 64-byte line each.
 */
struct kvm_cpu {
    struct kvm_steal_time steal;            /* 64-byte aligned, zeroed */
    struct pvclock_vcpu_time_info clock;    /* 4-byte aligned */
    uint32_t pv_eoi;                        /* 4-byte aligned, zeroed */
} __attribute__((aligned(64)));

_Static_assert(__builtin_offsetof(struct kvm_cpu, steal) % 64 == 0, "steal");
_Static_assert(__builtin_offsetof(struct kvm_cpu, clock) % 32 == 0, "clock");
_Static_assert(__builtin_offsetof(struct kvm_cpu, pv_eoi) % 4 == 0, "pv_eoi");

/* What the backend uses, decided once in init from CPUID and the CPU
 * count (Linux arch/x86/kernel/kvm.c gives the same conditions). */
struct kvm_use {
    bool kvmclock;      /* CLOCKSOURCE2 and the host filled the clock */
    bool stable_bit;    /* CLOCKSOURCE_STABLE_BIT: trust PVCLOCK_TSC_STABLE */
    bool steal;         /* STEAL_TIME */
    bool pv_eoi;        /* PV_EOI */
    bool pv_tlb_flush;  /* PV_TLB_FLUSH, STEAL_TIME, !REALTIME, > 1 CPU */
    bool pv_ipi;        /* PV_SEND_IPI, > 1 CPU */
    bool pv_spinlock;   /* PV_UNHALT, !REALTIME, > 1 CPU */
    bool sched_yield;   /* PV_SCHED_YIELD, STEAL_TIME, !REALTIME, > 1 CPU */
};

struct kvm {
    uint32_t base;              /* CPUID base of KVM's leaves */
    uint32_t features, hints;   /* CPUID base+1 eax, edx */
    struct kvm_use use;
    struct tsc_clock tsc;       /* time, only without kvmclock */
    uint64_t last_ns;           /* pvclock_clamp's high-water mark */
    struct pvclock_wall_clock wall __attribute__((aligned(16)));
    struct vmi_info info;
    struct kvm_cpu cpu[VMI_MAX_CPUS];
};

extern struct kvm kvm;

/* The physical address of backend data (identity-mapped image). */
static inline uint64_t kvm_pa(const volatile void *p)
{
    return (uint64_t)(uintptr_t)p;
}

/* kvm.c */
/* Write (msr) <- pa(area) | KVM_MSR_ENABLED; vmi_panic(what) if the host
 * refuses it with #GP. */
void kvm_msr_enable(uint32_t msr, const volatile void *area, const char *what);

/* kvm_detect.c */
/* The base of KVM's CPUID leaves, or 0 (also the auto backend's probe). */
uint32_t kvm_probe(void);
/* Fill kvm.base, features and hints and choose the hypercall
 * instruction (kvm_hc_choose), or refuse (does not return). */
void kvm_detect(void);
/* Decide kvm.use from the features and the CPU count. */
void kvm_choose(unsigned ncpus);

/* kvm_time.c */
void kvm_time_init(void);
/* Register this CPU's kvmclock and steal-time areas. */
void kvm_time_cpu_init(unsigned cpu);
uint64_t kvm_time_ns(void);
uint64_t kvm_wallclock_ns(void);
uint64_t kvm_stolen_ns(void);
/* A consistent reading of (st)->steal (version loop, msr.rst). */
uint64_t kvm_steal_read(const volatile struct kvm_steal_time *st);
/* The LAPIC alarm (common/x86pc_alarm.c) on this time base. */
void kvm_alarm_set(uint64_t deadline_ns);

/* kvm_smp.c */
/* (vector) to each CPU of (cpus): by KVM_HC_SEND_IPI with PV IPIs (the
 * CPUs it refuses, and every CPU without PV IPIs, by the LAPIC). */
void kvm_send(vmi_cpumask_t cpus, uint8_t vector);
/* One SEND_IPI batch: the CPUs of (cpus) whose APIC IDs fall within
 * KVM_IPI_CLUSTER of the lowest one go into (*lo, *hi) from (*min).
 * Returns the CPUs left for further batches. */
vmi_cpumask_t kvm_ipi_batch(const struct smp_cpus *c, vmi_cpumask_t cpus,
                            uint64_t *lo, uint64_t *hi, uint32_t *min);
void kvm_ipi_send(vmi_cpumask_t cpus);
/* PV EOI when in use, else the LAPIC EOI. */
void kvm_irq_eoi(void);
/* The PC's vectors (x86pc_event_decode) with that EOI, and the LAPIC
 * alarm on kvm_time_ns. */
void kvm_event_dispatch(unsigned vector);
void kvm_spin_wait(const volatile uint8_t *ptr, uint8_t val);
void kvm_spin_kick(unsigned cpu);

/* kvm_mmu.c */
/* PV TLB flush: mark each preempted CPU of (cpus) to flush when it next
 * runs; returns the CPUs that still need an IPI. */
vmi_cpumask_t kvm_flush_preempted(vmi_cpumask_t cpus);
/* The PC's flushes (lazy queue, local, shootdown) with PV TLB flush when
 * in use and the flush IPIs by kvm_send. */
void kvm_tlb_flush_multi(vmi_cpumask_t cpus, vmi_vaddr_t va, uint64_t npages);
void kvm_mmu_lazy_end(void);

#endif
