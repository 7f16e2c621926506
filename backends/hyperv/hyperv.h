/* SPDX-License-Identifier: MIT */
/* hyperv.h: private state of the hyperv backend; never included outside
 * backends/hyperv/ (and its unit tests).  Wire definitions:
 * include/hyperv/tlfs.h. */
#ifndef VMI_HYPERV_H
#define VMI_HYPERV_H

#include <stdbool.h>

#include "hv_hcall.h"
#include "hvsig.h"
#include "x86pc.h"
#include "tsc.h"
#include "vmi.h"
#include "hyperv/tlfs.h"

/* The backend's vectors are the PC's (common/x86pc.h X86PC_VEC_*):
 * stimer0's direct-mode vector and the cluster-IPI vector are ordinary
 * LAPIC vectors, so the LAPIC fallbacks and the event decoding are
 * common/x86pc.c's (docs/vmi-api.md 2.2; contract-decisions.md D3). */

/* What the backend uses, decided once in init from CPUID. */
struct hv_use {
    bool ref_tsc;       /* priv REFERENCE_TSC: time from the TSC page */
    bool ref_count;     /* priv TIME_REF_COUNT: the MSR fallback */
    bool stimer;        /* SynIC + SynTimer + direct mode: the alarm */
    bool flush;         /* recommendation: remote flush by hypercall */
    bool ipi;           /* recommendation: cluster IPI by hypercall */
    bool spin;          /* spin retries != never: NotifyLongSpinWait */
    bool crash;         /* crash MSRs */
    bool crash_msg;     /* CRASH_CTL reports CRASH_NOTIFY_MSG */
    bool reset;         /* priv RESET */
};

struct hv_cpu {
    uint32_t spins;             /* spin_wait calls since the last notify */
} __attribute__((aligned(64)));

/* The PC state (LAPIC, CPU table, online mask, TSC rate, alarm, flush
 * queues and mailboxes) is common/x86pc.h's `x86pc`. */
struct hyperv {
    uint32_t max_leaf, priv_eax, priv_ebx, feat_edx, rec_eax, spin_retries;
    uint32_t version;           /* 0x40000002.ebx: major << 16 | minor */
    struct hv_use use;
    struct tsc_clock tsc;       /* time, only without a reference clock */
    uint32_t vp_index[VMI_MAX_CPUS];
    struct vmi_info info;
    char vendor[HVSIG_LEN];     /* the signature at 0x40000000 */
    char hv_name[40];
    struct hv_cpu cpu[VMI_MAX_CPUS];
};

extern struct hyperv hv;

/* The pages the hypervisor reads or writes, identity-mapped statics. */
extern uint8_t hv_hcall_page[HV_PAGE_SIZE];     /* .text: executable */
union hv_tsc_area {
    struct hv_ref_tsc_page page;
    uint8_t bytes[HV_PAGE_SIZE];
};
extern union hv_tsc_area hv_tsc_area;   /* .bss, page-aligned */

static inline uint64_t hv_pa(const volatile void *p)
{
    return (uint64_t)(uintptr_t)p;
}

/* hv_detect.c */
/* Whether CPUID offers the Hv#1 interface (also the auto backend's
 * probe). */
bool hv_probe(void);
/* Read the leaves, or refuse (does not return) if this is not Hyper-V. */
void hv_detect(void);
/* Decide hv.use from the leaves. */
void hv_choose(void);
/* Guest OS id, hypercall page, reference TSC page. */
void hv_enable(void);
/* The info strings and the one line listing the enlightenments. */
void hv_identify(void);

/* hv_time.c */
void hv_time_init(void);
/* stimer0 in direct mode on this CPU, if it is the alarm. */
void hv_time_cpu_init(unsigned cpu);
/* Reference time (100 ns) from (p), or TIME_REF_COUNT while invalid. */
uint64_t hv_ref_read(const struct hv_ref_tsc_page *p);
uint64_t hv_time_ns(void);
uint64_t hv_wallclock_ns(void);
uint64_t hv_stolen_ns(void);
/* STIMER0_COUNT for (deadline_ns): ceil(ns / 100), at least 1. */
uint64_t hv_stimer_count(uint64_t deadline_ns);
/* Arm the calling CPU's stimer0 for (deadline_ns). */
void hv_stimer_arm(uint64_t deadline_ns);
/* The alarm: the bookkeeping of common/x86pc_alarm.c on stimer0 when it
 * is in use, else the LAPIC alarm, on this time base; hv_alarm_fired is
 * its vector's event on (cpu). */
void hv_alarm_set(uint64_t deadline_ns);
void hv_alarm_cancel(void);
void hv_alarm_fired(unsigned cpu);

/* hv_smp.c */
/* (vector) to each CPU of (cpus): by the cluster-IPI hypercall when in
 * use (the CPUs it cannot name, and every CPU without it, by the LAPIC). */
void hv_send(vmi_cpumask_t cpus, uint8_t vector);
void hv_ipi_send(vmi_cpumask_t cpus);
/* The PC's vectors (x86pc_event_decode), the LAPIC EOI, hv_alarm_fired. */
void hv_event_dispatch(unsigned vector);
/* The VP mask of the CPUs in (cpus); CPUs whose VP index does not fit a
 * 64-bit mask go to (*rest). */
uint64_t hv_vp_mask(vmi_cpumask_t cpus, vmi_cpumask_t *rest);
void hv_spin_wait(const volatile uint8_t *ptr, uint8_t val);
void hv_spin_kick(unsigned cpu);

/* hv_mmu.c */
/* Fill (page) for a flush of (npages) from (va) on VPs (vp_mask): the
 * header and the GVA list; returns the rep count, 0 for the Space call
 * (non-global entries only for VMI_FLUSH_ALL; a range too long for the
 * list flushes global entries too). */
unsigned hv_flush_fill(void *page, uint64_t vp_mask, vmi_vaddr_t va,
                       uint64_t npages);
/* From CPU (self): the flush hypercall for the remote CPUs of (cpus) with
 * a VP index below 64; returns the others. */
vmi_cpumask_t hv_flush_remote(unsigned self, vmi_cpumask_t cpus,
                              vmi_vaddr_t va, uint64_t npages);
/* The PC's flushes (lazy queue, local, shootdown kicked by hv_send) with
 * the flush hypercall for the remote CPUs when recommended. */
void hv_tlb_flush_multi(vmi_cpumask_t cpus, vmi_vaddr_t va, uint64_t npages);
void hv_mmu_lazy_end(void);

#endif
