/* SPDX-License-Identifier: MIT */
/*
 * tests/race/xen_guest.c: racing vCPUs in a real VM, under vmi-run's
 * xen personality (tests/race/README.md).  vCPU 0 drains the PV console
 * ring (EVTCHNOP_send to the console's port) again and again while
 * vCPU 1, started with VCPUOP_initialise and VCPUOP_up, keeps rewriting
 * the ring's producer index: a few bytes, exactly full, one past full,
 * behind the consumer.  The monitor must answer every send with 0 and
 * consume up to a producer value the guest wrote (io/console.h: out_cons
 * becomes the out_prod it read), and never fault: the runner
 * (tests/xen/run_hostile.py) fails any sanitizer report of vmi-run-asan.
 *
 * TAP on the UART (the ring is the thing under attack; its bytes are
 * all newlines, so what the monitor prints of it are blank lines).  The
 * last call is SCHEDOP_shutdown with an unknown reason, which stops
 * vmi-run with status 70, as tests/xen/hostile.c does.  The machine
 * layer (PVH entry, paging, GDT) is tests/xen/hostile_entry.S.
 */
#include <stddef.h>
#include <stdint.h>

#include <insn.h>
#include <xen_insn.h>

#include "common.h"
#include "xen.h"

#include <xen/hvm/hvm_op.h>
#include <xen/hvm/hvm_vcpu.h>
#include <xen/hvm/params.h>
#include <xen/io/console.h>
#include <xen/sched.h>
#include <xen/vcpu.h>

#define HCALL_MSR 0x40000000u           /* CPUID base+2 ebx under vmi-run */
#define MSR_EFER 0xc0000080u            /* SDM Vol. 4 table 2-2 */
#define CR4_PCIDE (1ull << 17)
#define BAD_REASON 99                   /* > SHUTDOWN_MAX: vmi-run exits 70 */
/* Sends: at least MIN_SENDS, and on until vCPU 1's writes have shown
 * in three different consumed values, at most MAX_SENDS.  Each send is
 * an exit and, mostly, 2 KiB of newlines: short on a host that
 * interprets the guest (docs/hosts.md). */
#define MIN_SENDS 100u
#define MAX_SENDS 2000u
#define WAIT_LOOPS 10000000u            /* bounded waits for vCPU 1 */
#define BASE 0x1000u                    /* the consumer index at each send */

enum { AP_DOWN, AP_RUNNING, AP_FLIP, AP_STOP, AP_STOPPED };

/* The producer values vCPU 1 writes: 5 bytes, exactly full, one past
 * full, and behind the consumer (a count of 2^32 - 1). */
static const uint32_t prods[4] = { BASE + 5, BASE + 2048, BASE + 2049,
                                   BASE - 1 };

void hostile_main(uint64_t start_info);

static volatile struct xencons_interface *cons;
static uint32_t ap_state;
static uint64_t ap_writes;
static uint8_t ap_stack[4096] __attribute__((aligned(16)));

/* Referenced by the backend library, whose ops this guest does not use. */
void vmi_event(vmi_event_t ev)
{
    (void)ev;
}

static long hc(unsigned nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
    return xen_hypercall(nr, a1, a2, a3, 0, 0);
}

#define P(x) ((uint64_t)(uintptr_t)(x))

static void puts_(const char *s)
{
    while (*s)
        outb(VMI_UART_PORT, (uint8_t)*s++);
}

static void putu(uint64_t v)
{
    char buf[24];

    vmi_fmt_u64(buf, v, 10);
    puts_(buf);
}

static void set_state(uint32_t s)
{
    __atomic_store_n(&ap_state, s, __ATOMIC_RELEASE);
}

static int wait_state(uint32_t s)
{
    for (uint32_t i = 0; i < WAIT_LOOPS; i++) {
        if (__atomic_load_n(&ap_state, __ATOMIC_ACQUIRE) == s)
            return 1;
        cpu_relax();
    }
    return 0;
}

/* vCPU 1: rewrite out_prod until told to stop, then halt for good. */
static __attribute__((noreturn)) void ap_main(void)
{
    uint64_t k = 0;

    set_state(AP_RUNNING);
    while (__atomic_load_n(&ap_state, __ATOMIC_ACQUIRE) == AP_RUNNING)
        cpu_relax();
    while (__atomic_load_n(&ap_state, __ATOMIC_ACQUIRE) == AP_FLIP)
        __atomic_store_n(&cons->out_prod, prods[k++ % 4], __ATOMIC_RELAXED);
    ap_writes = k;
    set_state(AP_STOPPED);
    for (;;)
        __asm__ __volatile__("cli; hlt");
}

/* vCPU 1 in 64-bit mode on this vCPU's page tables, interrupts off. */
static long start_ap(void)
{
    struct vcpu_hvm_context c = { .mode = VCPU_HVM_MODE_64B };
    struct vcpu_hvm_x86_64 *r = &c.cpu_regs.x86_64;
    long e;

    r->rip = P(ap_main);
    r->rsp = P(ap_stack + sizeof(ap_stack)) - 8;    /* as after a call */
    r->rflags = 2;
    r->cr0 = rcr0();
    r->cr3 = rcr3();
    r->cr4 = rcr4() & ~CR4_PCIDE;
    r->efer = rdmsr(MSR_EFER);
    if ((e = hc(__HYPERVISOR_vcpu_op, VCPUOP_initialise, 1, P(&c))) < 0 ||
        (e = hc(__HYPERVISOR_vcpu_op, VCPUOP_up, 1, 0)) < 0)
        return e;
    return wait_state(AP_RUNNING) ? 0 : -1;
}

static long param(uint32_t index, uint64_t *value)
{
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index };
    long e = hc(__HYPERVISOR_hvm_op, HVMOP_get_param, P(&p), 0);

    *value = p.value;
    return e;
}

struct result {
    unsigned sends, bad_ret, bad_cons, seen;
    long first_ret;
    uint32_t first_cons;
};

static unsigned bits(unsigned v)
{
    unsigned n = 0;

    for (; v; v &= v - 1)
        n++;
    return n;
}

/* vCPU 0: the consumer at BASE, then a send; the consumer the monitor
 * leaves must be one of the producers. */
static void race(evtchn_port_t port, struct result *res)
{
    evtchn_port_t p = port;

    for (res->sends = 0; res->sends < MAX_SENDS &&
         (res->sends < MIN_SENDS || bits(res->seen) < 3); res->sends++) {
        __atomic_store_n(&cons->out_cons, BASE, __ATOMIC_RELEASE);
        long r = hc(__HYPERVISOR_event_channel_op, EVTCHNOP_send, P(&p), 0);
        uint32_t c = __atomic_load_n(&cons->out_cons, __ATOMIC_ACQUIRE);
        unsigned k = 0;

        while (k < 4 && prods[k] != c)
            k++;
        if (r != 0 && !res->bad_ret++)
            res->first_ret = r;
        if (k == 4 && !res->bad_cons++)
            res->first_cons = c;
        res->seen |= k < 4 ? 1u << k : 0;
    }
}

/* "ok 1 - name (counts)" or "not ok 1 - name: why (counts)". */
static void report(const char *why, const struct result *res)
{
    puts_(why ? "not ok 1 - " : "ok 1 - ");
    puts_("console ring producer rewritten by vcpu 1 while vcpu 0 drains");
    if (why) {
        puts_(": ");
        puts_(why);
    }
    puts_(" (");
    putu(res->sends);
    puts_(" sends, ");
    putu(bits(res->seen));
    puts_(" of 4 producer values consumed, ");
    putu(ap_writes);
    puts_(" writes by vcpu 1)\n");
}

static const char *run(struct result *res)
{
    uint64_t pfn, evt;

    if (param(HVM_PARAM_CONSOLE_PFN, &pfn) < 0 ||
        param(HVM_PARAM_CONSOLE_EVTCHN, &evt) < 0 || !pfn || !evt)
        return "no console ring";
    cons = (volatile struct xencons_interface *)(uintptr_t)(pfn << 12);
    for (size_t i = 0; i < sizeof(cons->out); i++)
        cons->out[i] = '\n';
    /* A producer value from the start: the first send may come before
     * vCPU 1's first write (seen in the lab: out_cons left at 0). */
    __atomic_store_n(&cons->out_prod, prods[0], __ATOMIC_RELEASE);
    if (start_ap() < 0)
        return "vcpu 1 did not start";
    set_state(AP_FLIP);
    race((evtchn_port_t)evt, res);
    set_state(AP_STOP);
    if (!wait_state(AP_STOPPED))
        return "vcpu 1 did not stop";
    __atomic_store_n(&cons->out_prod, cons->out_cons, __ATOMIC_RELEASE);
    if (res->bad_ret)
        return "EVTCHNOP_send did not return 0";
    if (res->bad_cons)
        return "out_cons left at a value no producer had";
    if (bits(res->seen) < 2)
        return "vcpu 1's writes never showed: no race";
    return NULL;
}

void hostile_main(uint64_t start_info)
{
    struct result res = { 0 };
    struct sched_shutdown s = { .reason = BAD_REASON };
    const char *why;

    (void)start_info;
    wrmsr(HCALL_MSR, P(xen_hypercall_page));
    puts_("TAP version 13\n1..1\n");
    why = run(&res);
    report(why, &res);
    if (res.bad_ret) {
        puts_("# first bad answer ");
        putu((uint64_t)-res.first_ret);
        puts_(" (negated)\n");
    }
    if (res.bad_cons) {
        puts_("# first bad out_cons ");
        putu(res.first_cons);
        puts_("\n");
    }
    /* The runner expects the stop this causes (status 70). */
    hc(__HYPERVISOR_sched_op, SCHEDOP_shutdown, P(&s), 0);
    puts_("# SCHEDOP_shutdown returned\n");
    for (;;)
        __asm__ __volatile__("cli; hlt");
}
