/* SPDX-License-Identifier: MIT */
/*
 * xen.h: private state of the xen backend (a Xen PVH guest); never
 * included outside backends/xen/ and its unit tests.  Every Xen number
 * comes from the Xen public headers (libxen-dev, /usr/include/xen),
 * reached through the backend's own include directory that holds only
 * them (backends/xen/meson.build).
 */
#ifndef VMI_XEN_H
#define VMI_XEN_H

/* The headers' latest interface (xen-compat.h of libxen-dev 4.17);
 * vcpu_time_info.flags exists only above 0x00040600. */
#define __XEN_INTERFACE_VERSION__ 0x00040e00

#include <stdbool.h>
#include <stdint.h>

#include <xen/xen.h>
#include <xen/arch-x86/cpuid.h>
#include <xen/errno.h>
#include <xen/event_channel.h>
#include <xen/io/console.h>

#include "x86pc.h"
#include "vmi.h"

/* The backend's vectors (docs/vmi-api.md 2.2): the event-channel upcall,
 * and common/x86pc.h's X86PC_VEC_FLUSH for the remote-flush IPI, which
 * goes through the (emulated) LAPIC. */
#define XEN_VEC_UPCALL 0xf3

/* Ports this backend can own: a bitmap of XEN_WORDS words per CPU.
 * cpu_init binds three per CPU, so 64 CPUs need 193 ports. */
#define XEN_WORDS 8u
#define XEN_MAX_PORT (XEN_WORDS * 64u)

/* shared_info is 3136 bytes but Xen maps a whole page over it
 * (XENMEM_add_to_physmap), so the backend gives it a whole page. */
union xen_shared_page {
    struct shared_info s;
    uint8_t page[4096];
};

struct xen_cpu {
    volatile struct vcpu_info *vi;
    uint32_t timer_port, ipi_port, kick_port;
    xen_ulong_t mine[XEN_WORDS];    /* the ports bound to this CPU */
};

/* The PC state it shares (LAPIC, CPU table from the MADT, online mask,
 * alarm bookkeeping, flush queues and mailboxes) is common/x86pc.h's
 * `x86pc`. */
struct xen {
    uint32_t base;              /* CPUID base of Xen's leaves */
    uint32_t version;           /* base+1 eax: major << 16 | minor */
    bool vcpu_vector;           /* XEN_HVM_CPUID_UPCALL_VECTOR */
    vmi_cpumask_t up;           /* CPUs that entered the AP stub */
    uint64_t last_ns;           /* pvclock_clamp without TSC_STABLE */
    volatile struct xencons_interface *cons;    /* NULL: console_io */
    uint32_t cons_port;
    uint32_t cons_lock;
    char hv_name[24];
    struct vmi_info info;
    struct xen_cpu cpu[VMI_MAX_CPUS];
};

extern struct xen xen;
extern union xen_shared_page xen_shared;

/* vcpu_info of CPUs past the XEN_LEGACY_MAX_VCPUS slots of shared_info,
 * registered by cpu_start (VCPUOP_register_vcpu_info; 64 bytes, so an
 * aligned one never crosses a page). */
#define XEN_EXTRA_VCPUS (VMI_MAX_CPUS - XEN_LEGACY_MAX_VCPUS)
extern struct vcpu_info xen_vcpu_extra[XEN_EXTRA_VCPUS];

/* (cpu)'s vcpu_info: a shared_info slot, or its registered one. */
static inline volatile struct vcpu_info *xen_vcpu_info(unsigned cpu)
{
    return cpu < XEN_LEGACY_MAX_VCPUS ? &xen_shared.s.vcpu_info[cpu]
                                      : &xen_vcpu_extra[cpu - XEN_LEGACY_MAX_VCPUS];
}

/* xen.c: the base of Xen's CPUID leaves, or 0 (also the auto backend's
 * probe). */
uint32_t xen_probe(void);

/* xen_hcall.c: Xen's return codes and the hypercalls the backend makes,
 * each building its argument structure (public headers) and returning
 * the raw result (0 or more: success, -XEN_E*: failure). */
vmi_status_t xen_status(long ret);
long xen_hc_version(void);
long xen_hc_features(uint32_t *submap0);
long xen_hc_map_shared_info(uint64_t gpfn);
long xen_hc_get_param(uint32_t index, uint64_t *value);
long xen_hc_set_param(uint32_t index, uint64_t value);
long xen_hc_upcall_vector(uint32_t vcpu, uint8_t vector);
long xen_hc_bind_virq(uint32_t virq, uint32_t vcpu, uint32_t *port);
long xen_hc_bind_ipi(uint32_t vcpu, uint32_t *port);
long xen_hc_send(uint32_t port);
long xen_hc_unmask(uint32_t port);
long xen_hc_vcpu_op(int cmd, uint32_t vcpu, void *arg);
long xen_hc_singleshot(uint32_t vcpu, uint64_t deadline_ns);
long xen_hc_poll(uint32_t *ports, unsigned n, uint64_t timeout_ns);
long xen_hc_yield(void);
long xen_hc_shutdown(unsigned reason);
long xen_hc_console_write(const char *buf, size_t len);
/* Panic naming (what) unless (ret) is a success. */
void xen_check(long ret, const char *what);

/* xen_evtchn.c */
void xen_event_dispatch(unsigned vector);
/* The 2-level scan of one upcall on (cpu); returns the events raised. */
unsigned xen_upcall_scan(unsigned cpu);
/* Bind and unmask (cpu)'s timer, IPI and (masked) kick ports. */
void xen_evtchn_cpu_init(unsigned cpu);
void xen_ipi_send(vmi_cpumask_t cpus);
void xen_spin_wait(const volatile uint8_t *ptr, uint8_t val);
void xen_spin_kick(unsigned cpu);
void xen_halt(void);
/* SCHEDOP_poll on this CPU's kick port: the masked-halt and park of D1. */
void xen_poll_kick(unsigned cpu);

/* xen_time.c */
uint64_t xen_time_ns(void);
bool xen_time_stable(void);     /* vCPU 0's record has the stable bit now */
uint64_t xen_wallclock_ns(void);
uint64_t xen_cycles_hz(void);
uint64_t xen_stolen_ns(void);
/* The alarm: the bookkeeping of common/x86pc_alarm.c on the singleshot
 * timer; the timer port's event on (cpu) is xen_alarm_fired (D4). */
void xen_alarm_set(uint64_t deadline_ns);
void xen_alarm_cancel(void);
void xen_alarm_fired(unsigned cpu);

/* xen_smp.c: cpu_count, cpu_id and the TLB flushes are common/x86pc.h's. */
vmi_status_t xen_cpu_start(unsigned cpu, const struct vmi_cpu_boot *boot);
/* Entered by xen_ap_start (xen_entry.S) on a new CPU. */
void xen_ap_main(unsigned cpu, void *arg, void (*entry)(unsigned, void *));

/* xen_console.c */
/* Find the ring (HVM_PARAM_CONSOLE_PFN/EVTCHN); else keep console_io. */
void xen_console_init(void);
void xen_console_write(const char *buf, size_t len);
size_t xen_console_read(char *buf, size_t len);
/* Wait (bounded) until the back end has consumed the ring: last words
 * before a shutdown must not be lost. */
void xen_console_flush(void);

/* xen_entry.S (guest) or tests/unit/mock/mock_xen.c (host tests). */
extern uint8_t xen_hypercall_page[4096];
void xen_ap_start(void);

/* The physical address of backend data (identity-mapped image). */
static inline uint64_t xen_pa(const volatile void *p)
{
    return (uint64_t)(uintptr_t)p;
}

#endif
