/* SPDX-License-Identifier: MIT */
/*
 * xen_console.c: the PV console: the xencons_interface ring at the page
 * HVM_PARAM_CONSOLE_PFN names, with one EVTCHNOP_send to
 * HVM_PARAM_CONSOLE_EVTCHN per write (public/io/console.h,
 * public/hvm/params.h), or console_io(CONSOLEIO_write)
 * before the ring is known or where there is none.
 */
#include <insn.h>

#include "xen.h"

#include <xen/hvm/params.h>

#define SPIN_TRIES 1000000u     /* a panicking CPU does not wait forever */
#define FULL_TRIES 100000u      /* yields while a full ring does not move */
/* How long a flush waits for the back end: 1 s of system time, or this
 * many yields where the clock does not run (before shared_info). */
#define FLUSH_NS 1000000000ull
#define FLUSH_YIELDS 1000000u
#define IDENTITY_LIMIT (1ull << 32)     /* docs/vmi-api.md 2.1 */

void xen_console_init(void)
{
    uint64_t pfn = 0, port = 0;
    if (xen_hc_get_param(HVM_PARAM_CONSOLE_PFN, &pfn) < 0 || pfn == 0 ||
        xen_hc_get_param(HVM_PARAM_CONSOLE_EVTCHN, &port) < 0 || port == 0)
        return;         /* no ring: console_io it stays */
    if (pfn >= IDENTITY_LIMIT >> 12)
        vmi_panic("xen: console ring outside the identity-mapped range");
    xen.cons_port = (uint32_t)port;
    xen.cons = pa_to_ptr(pfn << 12);
}

static bool xen_cons_lock(void)
{
    for (unsigned i = 0; i < SPIN_TRIES; i++) {
        if (!__atomic_exchange_n(&xen.cons_lock, 1, __ATOMIC_ACQUIRE))
            return true;
        cpu_relax();
    }
    return false;
}

/* Copy what fits; returns the bytes taken. */
static size_t xen_ring_put(volatile struct xencons_interface *c,
                           const char *buf, size_t len)
{
    XENCONS_RING_IDX cons = __atomic_load_n(&c->out_cons, __ATOMIC_ACQUIRE);
    XENCONS_RING_IDX prod = c->out_prod;
    size_t n = 0;
    while (n < len && prod - cons < sizeof(c->out))
        c->out[MASK_XENCONS_IDX(prod++, c->out)] = buf[n++];
    __atomic_store_n(&c->out_prod, prod, __ATOMIC_RELEASE);
    return n;
}

void xen_console_write(const char *buf, size_t len)
{
    volatile struct xencons_interface *c = xen.cons;
    if (!c) {
        xen_hc_console_write(buf, len);
        return;
    }
    bool locked = xen_cons_lock();
    unsigned stuck = 0;
    while (len && stuck < FULL_TRIES) {
        size_t n = xen_ring_put(c, buf, len);
        buf += n;
        len -= n;
        if (!len)
            break;
        /* Full: let the back end drain it. */
        xen_hc_send(xen.cons_port);
        xen_hc_yield();
        stuck = n ? 0 : stuck + 1;
    }
    xen_hc_send(xen.cons_port);
    if (locked)
        __atomic_store_n(&xen.cons_lock, 0, __ATOMIC_RELEASE);
}

static bool xen_ring_drained(volatile struct xencons_interface *c)
{
    return __atomic_load_n(&c->out_cons, __ATOMIC_ACQUIRE) == c->out_prod;
}

/* xenconsoled reads the ring asynchronously; kick it and give it the CPU
 * until it has read everything, bounded whether or not it ever does. */
void xen_console_flush(void)
{
    volatile struct xencons_interface *c = xen.cons;
    if (!c)
        return;
    uint64_t end = xen_time_ns() + FLUSH_NS;
    for (unsigned i = 0; i < FLUSH_YIELDS && !xen_ring_drained(c) &&
                         xen_time_ns() < end; i++) {
        xen_hc_send(xen.cons_port);
        xen_hc_yield();
    }
}

size_t xen_console_read(char *buf, size_t len)
{
    volatile struct xencons_interface *c = xen.cons;
    if (!c || !xen_cons_lock())
        return 0;
    XENCONS_RING_IDX prod = __atomic_load_n(&c->in_prod, __ATOMIC_ACQUIRE);
    XENCONS_RING_IDX cons = c->in_cons;
    size_t n = 0;
    if (prod - cons > sizeof(c->in))
        cons = prod;            /* a corrupt ring: drop it */
    while (n < len && cons != prod)
        buf[n++] = c->in[MASK_XENCONS_IDX(cons++, c->in)];
    __atomic_store_n(&c->in_cons, cons, __ATOMIC_RELEASE);
    __atomic_store_n(&xen.cons_lock, 0, __ATOMIC_RELEASE);
    if (n)
        xen_hc_send(xen.cons_port);
    return n;
}
