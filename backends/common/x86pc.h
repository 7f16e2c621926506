/* SPDX-License-Identifier: MIT */
/*
 * x86pc.h: the x86 PC platform as the backends that drive its LAPIC run
 * it (native, kvm and hyperv; xen uses the CPU table, the alarm's
 * bookkeeping and the flushes): platform init, the CPU table, LAPIC IPIs,
 * the alarm (bookkeeping for any timer, and the LAPIC timer), the event
 * vectors, and TLB flushes (remote by common/shootdown, deferred by
 * common/flushq).
 *
 * One backend is linked per kernel, so the state is one global, `x86pc`.
 * The functions marked "op" have the ops' own signatures, for the
 * backends whose op is exactly that mechanism.  The others are helpers a
 * backend's own op calls: each returns what is left to do (the event to
 * raise after the backend's EOI, the deadline its timer must be re-armed
 * for, the CPUs whose TLBs it must still flush), and the backend does
 * that its own way.  Nothing here calls back into a backend.
 */
#ifndef VMI_COMMON_X86PC_H
#define VMI_COMMON_X86PC_H

#include <stdbool.h>

#include "flushq.h"
#include "lapic.h"
#include "shootdown.h"
#include "smp.h"
#include "tsc.h"
#include "vmi.h"

/* The backend's vectors, inside VMI_VECTOR_FIRST..LAST (vmi/types.h). */
#define X86PC_VEC_ALARM 0xf0    /* LAPIC timer, or hyperv stimer0 direct */
#define X86PC_VEC_IPI 0xf1      /* ipi_send */
#define X86PC_VEC_FLUSH 0xf2    /* remote TLB flush request; never surfaces */

/* What one of the vectors above leaves to do after the backend's EOI. */
enum x86pc_event {
    X86PC_EV_NONE,      /* nothing: a flush request (served), a stray */
    X86PC_EV_ALARM,     /* the alarm's timer fired: check it (the backend's) */
    X86PC_EV_IPI,       /* raise VMI_EVENT_IPI */
};

struct x86pc_cpu {
    bool alarm_armed;
    uint64_t alarm_ns;          /* deadline of the armed alarm */
    struct flushq lazy;         /* mmu_lazy_begin/end queue */
} __attribute__((aligned(64)));

/* cpu_id without the LAPIC: where RDPID exists (CPUID.7.0:ECX[22]), each
 * CPU's IA32_TSC_AUX holds X86PC_AUX_TAG | its index, written by
 * x86pc_cpu_enable (the boot CPU's by init) from the LAPIC ID.  A value
 * without the tag (a CPU not yet enabled, or one a previous kernel left)
 * sends cpu_id to the LAPIC.  RDTSCP (CPUID.80000001h:EDX[27]) must be
 * listed too, though it is never executed: KVM before Linux 5.13 let a
 * guest write IA32_TSC_AUX, and on VMX run RDPID, only with RDTSCP in
 * its CPUID (fixed by Linux commit 36fa06f9ff39, "KVM: x86: Add support
 * for RDPID without RDTSCP"), so there, with RDPID alone, the boot CPU's
 * write took a #GP before any IDT: a triple fault. */
#define X86PC_AUX_TAG 0x564d0000u       /* "VM" in bits 31:16 */
#define MSR_TSC_AUX 0xc0000103u         /* SDM Vol. 4, IA32_TSC_AUX */
#define CPUID7_ECX_RDPID (1u << 22)     /* SDM Vol. 2A, CPUID leaf 7 */
#define CPUID80000001_EDX_RDTSCP (1u << 27)     /* SDM Vol. 2A, CPUID */

struct x86pc {
    struct lapic lapic;
    struct smp_cpus cpus;
    vmi_cpumask_t online;       /* CPUs that ran x86pc_cpu_init (or _online) */
    uint64_t rsdp;
    uint64_t tsc_hz;            /* set by the backend before x86pc_alarm_init */
    enum tsc_source tsc_src;    /* where tsc_hz came from (x86pc_cycles_hz) */
    uint64_t wall0_ns;          /* x86pc_rtc_wallclock_ns's offset, or 0 */
    bool tsc_deadline;          /* the LAPIC timer has IA32_TSC_DEADLINE */
    bool lapic_alarm;           /* the alarm is the LAPIC timer */
    bool cpu_id_rdpid;          /* cpu_id reads TSC_AUX with RDPID */
    struct tsc_scale from_ns;   /* ns -> TSC ticks (deadline mode) */
    struct tsc_scale ns_to_lapic;   /* ns -> timer ticks (one-shot mode) */
    struct shootdown sd;
    struct x86pc_cpu cpu[VMI_MAX_CPUS];
};

extern struct x86pc x86pc;

/* x86pc.c */
#define X86PC_IOAPICS_MAX 8     /* I/O APICs masked at init; more are left */
/* Boot CPU: RSDP from (boot)->rsdp or a scan, the console's devices
 * (console_init), power_init; a CPU without a LAPIC is refused (one line,
 * power_off(VMI_EXIT_FAIL)); the PICs remapped and masked and the MADT's
 * I/O APICs masked (pic.h); LAPIC mode and enable, the CPU table from the
 * MADT, and the AP trampoline's page from (boot)'s memory map
 * (smp_tramp_page; one line if it is not VMI_TRAMPOLINE_PA, and with none
 * the boot CPU alone).  (boot) may be NULL. */
void x86pc_init(const struct vmi_boot *boot);
/* For a backend that is not a whole PC (xen PVH: no PIC, power of its
 * own): only the RSDP from (rsdp_hint) or a scan, LAPIC mode and enable,
 * and the CPU table from the MADT. */
void x86pc_init_lapic(uint64_t rsdp_hint);
/* Op cpu_init's common part: VMI_EINVAL for a (cpu) not in the table,
 * else enable this CPU's LAPIC, set up its timer if it is the alarm, and
 * mark the CPU online. */
vmi_status_t x86pc_cpu_init(unsigned cpu);                          /* op */
/* x86pc_cpu_init in two halves, for a backend with per-CPU setup of its
 * own that needs the LAPIC on and must finish before the CPU counts as
 * online: enable checks (cpu), enables the LAPIC and sets up its timer if
 * it is the alarm; online marks (cpu) online. */
vmi_status_t x86pc_cpu_enable(unsigned cpu);
void x86pc_cpu_online(unsigned cpu);
/* Fill info's alarm, console and ipi strings and OR in the X2APIC and
 * TSC_DEADLINE features, from what x86pc_init and x86pc_alarm_init chose. */
void x86pc_describe(struct vmi_info *info);
unsigned x86pc_cpu_count(void);                                     /* op */
/* x86pc.tsc_hz, or 0 (unknown) where it was guessed (TSC_SRC_GUESSED). */
uint64_t x86pc_cycles_hz(void);                                     /* op */
/* The wall clock at time (now_ns): x86pc.wall0_ns (rtc_wall0_ns, taken
 * by the backend on its own clock) + now_ns, or 0 without an RTC. */
uint64_t x86pc_rtc_wallclock_ns(uint64_t now_ns);
unsigned x86pc_cpu_id(void);                                        /* op */
vmi_status_t x86pc_cpu_start(unsigned cpu,
                             const struct vmi_cpu_boot *boot);      /* op */
/* One fixed LAPIC IPI of (vector) to each CPU of (cpus) in the table. */
void x86pc_send_lapic(vmi_cpumask_t cpus, uint8_t vector);
void x86pc_ipi_send(vmi_cpumask_t cpus);      /* op: x86pc_send_lapic */
void x86pc_irq_eoi(void);                     /* op: the LAPIC EOI */
/* For the backend's event_dispatch, on CPU (cpu), before its EOI of
 * (vector): X86PC_VEC_FLUSH runs the shootdown mailbox (its sender waits
 * for that, so it comes before the EOI).  Returns what the vector leaves
 * to do after the EOI. */
enum x86pc_event x86pc_event_decode(unsigned cpu, unsigned vector);

/* x86pc_alarm.c: the one-shot alarm.  Its bookkeeping (armed, deadline,
 * raised once and never early) serves any timer; a backend with a timer
 * of its own arms it with the deadline it records here, and re-arms it
 * for what x86pc_alarm_fired returns. */
/* After x86pc.tsc_hz: the LAPIC timer's mode, TSC-deadline or one-shot
 * (CPUID.1:ECX[24]; also for x86pc_describe).  With (lapic_timer) the
 * LAPIC timer is the alarm: calibrate it (one-shot mode) and have
 * x86pc_cpu_enable set it up on each CPU. */
void x86pc_alarm_init(bool lapic_timer);
/* Record (deadline_ns) as the calling CPU's armed alarm; returns the
 * CPU's index. */
unsigned x86pc_alarm_record(uint64_t deadline_ns);
/* Disarm the calling CPU's alarm (a late interrupt is then dropped);
 * returns the CPU's index. */
unsigned x86pc_alarm_forget(void);
/* The alarm's timer fired on (cpu) at (now_ns), the backend's time_ns:
 * raises VMI_EVENT_ALARM if the alarm is armed and due (then disarmed).
 * Returns the deadline the timer must be re-armed for if it came early,
 * else 0. */
uint64_t x86pc_alarm_fired(unsigned cpu, uint64_t now_ns);
/* The alarm on the LAPIC timer; (now_ns) is the backend's time_ns, read
 * just before the call: the deadline is in its time base, which need not
 * be TSC-derived (only the wait is converted). */
void x86pc_lapic_alarm_set(uint64_t deadline_ns, uint64_t now_ns);
void x86pc_lapic_alarm_cancel(void);                                /* op */
/* X86PC_EV_ALARM with the LAPIC timer: x86pc_alarm_fired, then re-arm. */
void x86pc_lapic_alarm_fired(unsigned cpu, uint64_t now_ns);

/* x86pc_mmu.c: ops whose remote flushes are the IPI shootdown on LAPIC
 * IPIs, and the helpers of a backend's own flush ops. */
void x86pc_tlb_flush_page(vmi_vaddr_t va);                          /* op */
void x86pc_tlb_flush_multi(vmi_cpumask_t cpus, vmi_vaddr_t va,
                           uint64_t npages);                        /* op */
void x86pc_mmu_lazy_begin(void);                                    /* op */
void x86pc_mmu_lazy_end(void);                                      /* op */
/* On CPU (self): queue the flush of (npages) from (va) on (cpus) in lazy
 * mode (true), or leave it to be done now (false). */
bool x86pc_flush_defer(unsigned self, vmi_cpumask_t cpus, vmi_vaddr_t va,
                       uint64_t npages);
/* On CPU (self): flush its own TLB if (cpus) holds it; returns the other
 * online CPUs of (cpus), whose flush is the backend's (a CPU not yet
 * online holds no TLB entries to flush). */
vmi_cpumask_t x86pc_flush_local(unsigned self, vmi_cpumask_t cpus,
                                vmi_vaddr_t va, uint64_t npages);
/* mmu_lazy_end's queue on CPU (self): leave lazy mode; returns how many
 * requests x86pc.cpu[self].lazy.req holds, to be flushed now in order. */
unsigned x86pc_lazy_end(unsigned self);
/* The IPI shootdown (common/shootdown) from CPU (self), around the
 * backend's own send of X86PC_VEC_FLUSH: post the flush of (npages) from
 * (va) to the mailboxes of the remote CPUs (cpus), send, then wait until
 * each has flushed. */
void x86pc_flush_post(unsigned self, vmi_cpumask_t cpus, vmi_vaddr_t va,
                      uint64_t npages);
/* x86pc_flush_wait panics, naming the CPU, if a target has not flushed
 * after this long (measured on the TSC; no limit while x86pc.tsc_hz is 0). */
#define X86PC_FLUSH_TIMEOUT_S 30ull
void x86pc_flush_wait(unsigned self, vmi_cpumask_t cpus);

#endif
