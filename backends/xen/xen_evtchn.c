/* SPDX-License-Identifier: MIT */
/*
 * xen_evtchn.c: the vmi event model on Xen event channels: per CPU a
 * VIRQ_TIMER port (the alarm), an IPI port (ipi_send) and a masked kick
 * port (spin_wait/spin_kick and the masked halt, D1), all delivered by
 * the upcall vector and found by the 2-level scan of shared_info
 * (public/xen.h struct shared_info and struct vcpu_info; Linux
 * drivers/xen/events/events_2l.c has the same walk).
 */
#include <insn.h>

#include "xen.h"

#include <xen/sched.h>
#include <xen/vcpu.h>

#define RFLAGS_IF (1ull << 9)   /* SDM Vol. 1 3.4.3.3 */

static void xen_own(unsigned cpu, uint32_t port)
{
    if (port == 0 || port >= XEN_MAX_PORT)
        vmi_panic("xen: event-channel port out of the backend's range");
    xen.cpu[cpu].mine[port / 64] |= 1ull << (port % 64);
}

void xen_evtchn_cpu_init(unsigned cpu)
{
    struct xen_cpu *c = &xen.cpu[cpu];
    xen_check(xen_hc_bind_virq(VIRQ_TIMER, cpu, &c->timer_port),
              "xen: EVTCHNOP_bind_virq(VIRQ_TIMER) failed");
    xen_check(xen_hc_bind_ipi(cpu, &c->ipi_port), "xen: EVTCHNOP_bind_ipi failed");
    xen_check(xen_hc_bind_ipi(cpu, &c->kick_port), "xen: EVTCHNOP_bind_ipi failed");
    xen_own(cpu, c->timer_port);
    xen_own(cpu, c->ipi_port);
    /* The kick port stays masked: it only ends a SCHEDOP_poll, which
     * wakes on masked ports too, and never raises an upcall. */
    __atomic_or_fetch(&xen_shared.s.evtchn_mask[c->kick_port / 64],
                      1ull << (c->kick_port % 64), __ATOMIC_SEQ_CST);
    xen_check(xen_hc_unmask(c->timer_port), "xen: EVTCHNOP_unmask failed");
    xen_check(xen_hc_unmask(c->ipi_port), "xen: EVTCHNOP_unmask failed");
    if (cpu == 0 && xen.cons_port && xen.cons_port < XEN_MAX_PORT) {
        xen_own(0, xen.cons_port);
        xen_check(xen_hc_unmask(xen.cons_port), "xen: EVTCHNOP_unmask failed");
    }
}

/* One pending port of (cpu): its meaning (D4 alarm guard for the timer). */
static unsigned xen_port_event(unsigned cpu, uint32_t port)
{
    const struct xen_cpu *c = &xen.cpu[cpu];
    if (port == c->timer_port) {
        xen_alarm_fired(cpu);
        return 1;
    }
    if (port == c->ipi_port) {
        vmi_event(VMI_EVENT_IPI);
        return 1;
    }
    if (cpu == 0 && port == xen.cons_port) {
        vmi_event(VMI_EVENT_CONSOLE);
        return 1;
    }
    return 0;
}

/* The pending, unmasked ports of word (w) that belong to (cpu): each is
 * claimed with an atomic clear, so it is handled once. */
static unsigned xen_scan_word(unsigned cpu, unsigned w)
{
    volatile xen_ulong_t *pend = &xen_shared.s.evtchn_pending[w];
    xen_ulong_t bits = *pend & ~xen_shared.s.evtchn_mask[w] &
                       xen.cpu[cpu].mine[w];
    unsigned n = 0;
    while (bits) {
        unsigned b = (unsigned)__builtin_ctzll(bits);
        xen_ulong_t m = 1ull << b;
        bits &= bits - 1;
        if (__atomic_fetch_and(pend, ~m, __ATOMIC_SEQ_CST) & m)
            n += xen_port_event(cpu, w * 64 + b);
    }
    return n;
}

unsigned xen_upcall_scan(unsigned cpu)
{
    volatile struct vcpu_info *vi = xen.cpu[cpu].vi;
    unsigned n = 0;
    do {
        /* Clear first: an event set after this re-flags it, and the
         * loop (or the next upcall) sees it. */
        __atomic_store_n(&vi->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
        xen_ulong_t sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0,
                                              __ATOMIC_SEQ_CST);
        while (sel) {
            unsigned w = (unsigned)__builtin_ctzll(sel);
            sel &= sel - 1;
            if (w < XEN_WORDS)
                n += xen_scan_word(cpu, w);
        }
    } while (__atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST));
    return n;
}

void xen_event_dispatch(unsigned vector)
{
    unsigned cpu = x86pc_cpu_id();
    if (vector == XEN_VEC_UPCALL) {
        xen_upcall_scan(cpu);
        /* The per-vCPU vector arrives through the LAPIC; the callback
         * vector does not and takes no EOI (Xen arch/x86/hvm/irq.c;
         * docs/contract-decisions.md D5). */
        if (xen.vcpu_vector)
            lapic_eoi(&x86pc.lapic);
        return;
    }
    /* A PC vector through the LAPIC: only the remote-flush request
     * (served before the EOI) is ever sent to a Xen CPU. */
    x86pc_event_decode(cpu, vector);
    lapic_eoi(&x86pc.lapic);
}

void xen_ipi_send(vmi_cpumask_t cpus)
{
    vmi_cpumask_t on = __atomic_load_n(&x86pc.online, __ATOMIC_ACQUIRE);
    for (unsigned c = 0; c < x86pc.cpus.count; c++)
        if ((cpus & on) >> c & 1)
            xen_check(xen_hc_send(xen.cpu[c].ipi_port),
                      "xen: EVTCHNOP_send failed");
}

void xen_poll_kick(unsigned cpu)
{
    uint32_t port = xen.cpu[cpu].kick_port;
    xen_hc_poll(&port, 1, 0);
}

/* Clear the kick port first, then re-check: a kick between the two
 * leaves the port pending and the poll returns at once. */
void xen_spin_wait(const volatile uint8_t *ptr, uint8_t val)
{
    unsigned cpu = x86pc_cpu_id();
    uint32_t port = xen.cpu[cpu].kick_port;
    if (!port) {
        cpu_relax();
        return;
    }
    __atomic_and_fetch(&xen_shared.s.evtchn_pending[port / 64],
                       ~(1ull << (port % 64)), __ATOMIC_SEQ_CST);
    if (*ptr == val)
        xen_poll_kick(cpu);
}

void xen_spin_kick(unsigned cpu)
{
    if (cpu < x86pc.cpus.count && xen.cpu[cpu].kick_port)
        xen_hc_send(xen.cpu[cpu].kick_port);
}

/* Never HLT with IF=0 on Xen: that takes the vCPU down (D1). */
void xen_halt(void)
{
    if (read_rflags() & RFLAGS_IF) {
        hlt();
        return;
    }
    unsigned cpu = x86pc_cpu_id();
    if (xen.cpu[cpu].kick_port)
        xen_poll_kick(cpu);
    else
        cpu_relax();
}
