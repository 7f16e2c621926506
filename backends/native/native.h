/* SPDX-License-Identifier: MIT */
/* native.h: private state of the native backend; never included outside
 * backends/native/ (and its unit tests). */
#ifndef VMI_NATIVE_H
#define VMI_NATIVE_H

#include <stdbool.h>

#include "flushq.h"
#include "lapic.h"
#include "shootdown.h"
#include "smp.h"
#include "tsc.h"
#include "vmi.h"

/* The backend's vectors, inside VMI_VECTOR_FIRST..LAST (vmi/types.h). */
#define NATIVE_VEC_ALARM 0xf0   /* LAPIC timer */
#define NATIVE_VEC_IPI 0xf1     /* ipi_send */
#define NATIVE_VEC_FLUSH 0xf2   /* remote TLB flush request; never surfaces */

struct native_cpu {
    bool alarm_armed;
    uint64_t alarm_ns;          /* deadline of the armed alarm */
    struct flushq lazy;         /* mmu_lazy_begin/end queue */
} __attribute__((aligned(64)));

struct native {
    struct lapic lapic;
    struct smp_cpus cpus;
    vmi_cpumask_t online;       /* CPUs that ran cpu_init */
    uint64_t rsdp;
    /* Time: ns = ((tsc - tsc0) * to_ns.mult) >> 32. */
    uint64_t tsc_hz, tsc0, wall0_ns;
    bool tsc_hz_guessed;            /* no source gave the rate */
    struct tsc_scale to_ns, from_ns;
    bool tsc_deadline;          /* alarm by IA32_TSC_DEADLINE */
    struct tsc_scale ns_to_lapic;   /* else one-shot count per ns */
    struct vmi_info info;
    char hv_name[13];
    struct shootdown sd;
    struct native_cpu cpu[VMI_MAX_CPUS];
};

extern struct native native;

/* native_time.c */
void native_time_init(void);
uint64_t native_time_ns(void);
uint64_t native_wallclock_ns(void);
uint64_t native_cycles_hz(void);
uint64_t native_stolen_ns(void);
void native_alarm_set(uint64_t deadline_ns);
void native_alarm_cancel(void);
/* The alarm vector fired on this CPU: raise VMI_EVENT_ALARM if due. */
void native_alarm_fire(unsigned cpu);

/* native_smp.c */
void native_smp_init(uint32_t bsp_apic_id);
unsigned native_cpu_count(void);
unsigned native_cpu_id(void);
vmi_status_t native_cpu_start(unsigned cpu, const struct vmi_cpu_boot *boot);
void native_ipi_send(vmi_cpumask_t cpus);
void native_spin_wait(const volatile uint8_t *ptr, uint8_t val);
void native_spin_kick(unsigned cpu);
void native_event_dispatch(unsigned vector);
/* shootdown_kick_fn: send the flush-request vector to (cpu). */
void native_flush_kick(void *ctx, unsigned cpu);

/* native_mmu.c */
void native_tlb_flush_page(vmi_vaddr_t va);
void native_tlb_flush_multi(vmi_cpumask_t cpus, vmi_vaddr_t va,
                            uint64_t npages);
void native_mmu_lazy_begin(void);
void native_mmu_lazy_end(void);

#endif
