/* SPDX-License-Identifier: MIT */
/*
 * x86pc.h: the PC as a backend that drives the LAPIC itself runs it (native,
 * kvm and hyperv; xen uses the CPU table, the alarm bookkeeping and the
 * flushes): platform init, the CPU table, LAPIC IPIs, the alarm (LAPIC
 * timer, or a backend's own timer), the event vectors, and TLB flushes
 * (remote by common/shootdown, deferred by common/flushq).
 *
 * One backend is linked per kernel, so the state is one global, `x86pc`, and
 * the functions below marked "op" have the ops' own signatures: a vmi_ops
 * table points at them directly.  What a hypervisor does better plugs in
 * through the hooks in struct x86pc, each a direct function pointer that is
 * NULL (the plain LAPIC mechanism) unless the backend set it in init:
 * kvm's PV EOI, PV IPI and PV TLB flush; hyperv's cluster-IPI and flush
 * hypercalls and synthetic timer; xen's singleshot timer.
 */
#ifndef VMI_COMMON_PC_H
#define VMI_COMMON_PC_H

#include <stdbool.h>

#include "flushq.h"
#include "lapic.h"
#include "shootdown.h"
#include "smp.h"
#include "tsc.h"
#include "vmi.h"

/* The backend's vectors, inside VMI_VECTOR_FIRST..LAST (vmi/types.h). */
#define X86PC_VEC_ALARM 0xf0       /* LAPIC timer, or hyperv stimer0 direct */
#define X86PC_VEC_IPI 0xf1         /* ipi_send */
#define X86PC_VEC_FLUSH 0xf2       /* remote TLB flush request; never surfaces */

/* End of interrupt for the vector in service on (cpu), the calling CPU. */
typedef void x86pc_eoi_fn(unsigned cpu);
/* Send (vector) to every CPU in (cpus). */
typedef void x86pc_send_fn(vmi_cpumask_t cpus, uint8_t vector);
/* Of the remote flush targets (cpus), the ones that still need an IPI. */
typedef vmi_cpumask_t x86pc_flush_filter_fn(vmi_cpumask_t cpus);
/* On CPU (self): flush (npages) from (va) on the remote targets (cpus)
 * the backend's own way, where it can; returns the CPUs it could not,
 * which then get an IPI. */
typedef vmi_cpumask_t x86pc_flush_remote_fn(unsigned self, vmi_cpumask_t cpus,
                                         vmi_vaddr_t va, uint64_t npages);
/* Program (cpu)'s own one-shot timer, (cpu) being the calling CPU, to
 * raise the alarm at (deadline_ns) of x86pc.now's time base (at once if
 * past); its interrupt must end in x86pc_alarm_fire(cpu). */
typedef void x86pc_alarm_arm_fn(unsigned cpu, uint64_t deadline_ns);
/* Stop the calling CPU (cpu)'s own one-shot timer. */
typedef void x86pc_alarm_stop_fn(unsigned cpu);

struct x86pc_cpu {
    bool alarm_armed;
    uint64_t alarm_ns;          /* deadline of the armed alarm */
    struct flushq lazy;         /* mmu_lazy_begin/end queue */
} __attribute__((aligned(64)));

struct x86pc {
    struct lapic lapic;
    struct smp_cpus cpus;
    vmi_cpumask_t online;       /* CPUs that ran x86pc_cpu_init (or _online) */
    uint64_t rsdp;
    uint64_t tsc_hz;            /* set by the backend before x86pc_alarm_init */
    bool tsc_deadline;          /* alarm by IA32_TSC_DEADLINE */
    struct tsc_scale from_ns;   /* ns -> TSC ticks (deadline mode) */
    struct tsc_scale ns_to_lapic;   /* ns -> timer ticks (one-shot mode) */
    uint64_t (*now)(void);      /* the backend's time_ns, for the alarm */
    x86pc_eoi_fn *eoi;             /* NULL: LAPIC EOI */
    x86pc_send_fn *send;           /* NULL: x86pc_send_lapic */
    x86pc_flush_filter_fn *flush_filter;   /* NULL: IPI every target */
    x86pc_flush_remote_fn *flush_remote;   /* NULL: IPI every target */
    x86pc_alarm_arm_fn *alarm_arm;     /* NULL: the LAPIC timer; else both */
    x86pc_alarm_stop_fn *alarm_stop;   /* are set and the LAPIC timer unused */
    struct shootdown sd;
    struct x86pc_cpu cpu[VMI_MAX_CPUS];
};

extern struct x86pc x86pc;

/* x86pc.c */
/* Boot CPU: UART, RSDP from (rsdp_hint) or a scan, power_init, PIC mask,
 * LAPIC mode and enable, the CPU table from the MADT. */
void x86pc_init(uint64_t rsdp_hint);
/* For a backend that is not a whole PC (xen PVH: no PIC, power of its
 * own): only the RSDP from (rsdp_hint) or a scan, LAPIC mode and enable,
 * and the CPU table from the MADT. */
void x86pc_init_lapic(uint64_t rsdp_hint);
/* Op cpu_init's common part: VMI_EINVAL for a (cpu) not in the table,
 * else enable this CPU's LAPIC, set up its timer, mark it online. */
vmi_status_t x86pc_cpu_init(unsigned cpu);
/* x86pc_cpu_init in two halves, for a backend with per-CPU setup of its own
 * that needs the LAPIC on and must finish before the CPU counts as
 * online: enable checks (cpu), enables the LAPIC and sets up its timer
 * (not with x86pc.alarm_arm); online marks (cpu) online. */
vmi_status_t x86pc_cpu_enable(unsigned cpu);
void x86pc_cpu_online(unsigned cpu);
/* Fill info's alarm, console and ipi strings and OR in the X2APIC and
 * TSC_DEADLINE features, from what x86pc_init and x86pc_alarm_init chose. */
void x86pc_describe(struct vmi_info *info);
unsigned x86pc_cpu_count(void);                                       /* op */
unsigned x86pc_cpu_id(void);                                          /* op */
vmi_status_t x86pc_cpu_start(unsigned cpu, const struct vmi_cpu_boot *boot);
/* One fixed LAPIC IPI of (vector) to each CPU of (cpus) in the table. */
void x86pc_send_lapic(vmi_cpumask_t cpus, uint8_t vector);
/* x86pc.send if set, else x86pc_send_lapic. */
void x86pc_send(vmi_cpumask_t cpus, uint8_t vector);
void x86pc_ipi_send(vmi_cpumask_t cpus);                              /* op */
void x86pc_irq_eoi(void);                                             /* op */
/* Op: X86PC_VEC_ALARM: EOI, then VMI_EVENT_ALARM if due.  X86PC_VEC_IPI: EOI,
 * then VMI_EVENT_IPI.  X86PC_VEC_FLUSH: the shootdown mailbox, then EOI.
 * Any other vector of ours: EOI. */
void x86pc_event_dispatch(unsigned vector);

/* x86pc_alarm.c: the alarm's bookkeeping (armed, deadline, never raised
 * early: an early interrupt re-arms) serves every timer; the LAPIC timer
 * is programmed here unless x86pc.alarm_arm/alarm_stop say otherwise. */
/* After x86pc.tsc_hz: choose TSC-deadline or one-shot mode (CPUID.1:ECX[24])
 * and calibrate (not with x86pc.alarm_arm, which must be set first); (now)
 * is the backend's time_ns, the alarm's time base.  A backend with its
 * own timer and no LAPIC timer fallback may instead set x86pc.now itself. */
void x86pc_alarm_init(uint64_t (*now)(void));
void x86pc_alarm_set(uint64_t deadline_ns);                           /* op */
void x86pc_alarm_cancel(void);                                        /* op */
/* The alarm vector fired on (cpu): VMI_EVENT_ALARM if due, else re-arm. */
void x86pc_alarm_fire(unsigned cpu);

/* x86pc_mmu.c */
void x86pc_tlb_flush_page(vmi_vaddr_t va);                            /* op */
void x86pc_tlb_flush_multi(vmi_cpumask_t cpus, vmi_vaddr_t va,
                        uint64_t npages);                          /* op */
void x86pc_mmu_lazy_begin(void);                                      /* op */
void x86pc_mmu_lazy_end(void);                                        /* op */
/* From CPU (self): flush (npages) from (va) on the remote CPUs (cpus) by
 * IPI (common/shootdown, kicked through x86pc_send), and return when done. */
void x86pc_flush_ipi(unsigned self, vmi_cpumask_t cpus, vmi_vaddr_t va,
                  uint64_t npages);

#endif
