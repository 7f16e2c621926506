/* SPDX-License-Identifier: MIT */
/*
 * tests/xen/hostile.c: a hostile Xen PVH guest for vmi-run's xen
 * personality.  It calls every implemented hypercall with bad arguments:
 * pointers outside RAM and straddling its end, lengths that wrap, ports
 * past the limit, vCPU ids past the count, unknown sub-ops and numbers,
 * and hypercalls from user mode; and it checks every result against the
 * Xen public headers (the XEN_E* codes of xen/errno.h).  It reports TAP,
 * one line per case, on the PV console ring (HVM_PARAM_CONSOLE_PFN and
 * _EVTCHN, public/io/console.h), which vmi-run prints and real Xen's
 * xenconsoled logs: console_io is refused to a domU on real Xen
 * (xsm_console_io, xen/include/xsm/dummy.h).  After the plan it makes
 * its last call, SCHEDOP_shutdown with an unknown reason, which stops the
 * domain on Xen (status 70 under vmi-run and scripts/xendomu.py); if
 * that returns, it reports a crash.  Run with --cpus 2 under
 * vmi-run-asan: the monitor must survive every case with no sanitizer
 * report (tests/xen/run_hostile.py); as a PVH domU of real Xen 4.17
 * (64 MiB, 2 vCPUs) by tests/xen/run_differential.py.
 *
 * Guest pointers: Xen reads hypercall arguments of an HVM/PVH guest at
 * guest LINEAR addresses, through the guest's page tables
 * (copy_from_guest -> hvm_copy_from_guest_linear), and so does vmi-run.
 * This guest identity-maps the first 4 GiB and nothing else, so below
 * 4 GiB linear = physical; FAR is canonical and mapped by no page table
 * and lies past any RAM.  The linear-* cases change the tables for one
 * call: an alias of low RAM at 4 GiB, a hole in the identity map over
 * RAM, a read-only alias under CR0.WP.
 *
 * It uses the xen backend library for the hypercall page and the call
 * sequence (xen_insn.h), not its ops: the point is to send what a
 * correct backend never would.
 */
#include <stddef.h>
#include <stdint.h>

#include <insn.h>
#include <xen_insn.h>

#include "common.h"
#include "xen.h"

#include <xen/arch-x86/hvm/start_info.h>
#include <xen/features.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/hvm_vcpu.h>
#include <xen/hvm/params.h>
#include <xen/io/console.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/version.h>

/* Canonical (bits 63:47 equal), not mapped by this guest's page tables
 * (hostile_entry.S maps 4 GiB), and no RAM.  A non-canonical address
 * would test something else on Xen: its copy ignores the high bits. */
#define FAR 0x00007fff00000000ull
#define WRAP 0xfffffffffffffffcull      /* + any size wraps */
/* A gfn past any RAM (256 GiB) but within the guest-physical width of
 * every host the suite runs on (39 bits and up).  Past the host's width
 * KVM refuses the slot and vmi-run answers -EINVAL where Xen maps the page
 * (docs/vmi-run.md, Known limits): a fact of the host, not of the ABI. */
#define FAR_GFN 0x4000000ull
#define NCPUS 3                         /* run with --cpus 3: vCPU 1 and 2
                                         * take the VCPUOP cases */
/* A domid no domain has, in vmi-run (only DOMID_SELF exists) or in the
 * lab's Xen (Xen hands out the next free domid from 1 up, common/
 * domctl.c): the largest ordinary domid, below DOMID_FIRST_RESERVED
 * (public/xen.h). */
#define NO_DOMAIN 0x7fef
/* memory_op: Xen's command is the low 6 bits, the rest a start extent
 * (MEMOP_EXTENT_SHIFT, Xen's internal xen/include/xen/hypercall.h). */
#define MEMOP_EXTENT_SHIFT 6
#define MEMOP_BAD 63                    /* unknown even in the low 6 bits */
/* Ports: Xen's 2-level limit (public/event_channel.h), vmi-run's and, by
 * xendomu.py's max_event_channels, the lab domU's. */
#define PORTS_MAX ((int)EVTCHN_2L_NR_CHANNELS)
#define HCALL_MSR 0x40000000u           /* CPUID base+2 ebx under vmi-run */
#define VEC_GP 13                       /* SDM Vol. 3A 6.15 */
#define BAD_REASON 99                   /* > SHUTDOWN_MAX (sched.h) */
/* Yields for a ring that stays full.  xenconsoled drains it only when
 * dom0 runs; under QEMU's TCG with a loaded host, 10^5 yields (about a
 * second) were too few once and a TAP line was overwritten. */
#define RING_TRIES 10000000u

int hostile_probe(void (*fn)(void), int user);
void hostile_main(uint64_t start_info);

static uint64_t ram_end;                /* first byte past the last RAM */
static union xen_shared_page shared __attribute__((aligned(4096)));
static uint64_t msr_value;

/* Referenced by the backend library, which this guest links but whose
 * ops it does not call. */
void vmi_event(vmi_event_t ev)
{
    (void)ev;
}

static long hc(unsigned nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
    return xen_hypercall(nr, a1, a2, a3, 0, 0);
}

/* The PV console ring, found in cons_init(); NULL: console_io. */
static volatile struct xencons_interface *cons;
static evtchn_port_t cons_port;

static long cons_send(void)
{
    evtchn_port_t p = cons_port;
    return hc(__HYPERVISOR_event_channel_op, EVTCHNOP_send,
              (uint64_t)(uintptr_t)&p, 0);
}

/* Wait (bounded) until the back end has taken everything: vmi-run drains
 * the ring in EVTCHNOP_send, xenconsoled whenever dom0 runs. */
static void cons_flush(void)
{
    for (unsigned i = 0; cons && i < RING_TRIES &&
         __atomic_load_n(&cons->out_cons, __ATOMIC_ACQUIRE) != cons->out_prod; i++) {
        cons_send();
        hc(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
    }
}

static void puts_hc(const char *s)
{
    size_t len = vmi_strlen(s);
    if (!cons) {
        hc(__HYPERVISOR_console_io, CONSOLEIO_write, len, (uint64_t)(uintptr_t)s);
        return;
    }
    for (size_t i = 0; i < len; i++) {
        XENCONS_RING_IDX prod = cons->out_prod;
        if (prod - __atomic_load_n(&cons->out_cons, __ATOMIC_ACQUIRE) >= sizeof(cons->out))
            cons_flush();
        cons->out[MASK_XENCONS_IDX(prod, cons->out)] = s[i];
        __atomic_store_n(&cons->out_prod, prod + 1, __ATOMIC_RELEASE);
    }
    cons_send();
}

/* A GPA where a structure of (len) bytes starts in RAM and ends past it. */
static uint64_t straddle(uint64_t len)
{
    return ram_end - len / 2;
}

#define P(x) ((uint64_t)(uintptr_t)(x))
#define E(x) (-(long)XEN_##x)
#define EVT(cmd, arg) hc(__HYPERVISOR_event_channel_op, (cmd), (arg), 0)
#define HVM(op, arg) hc(__HYPERVISOR_hvm_op, (op), (arg), 0)
#define VCPU(cmd, id, arg) hc(__HYPERVISOR_vcpu_op, (cmd), (id), (arg))
#define SCHED(cmd, arg) hc(__HYPERVISOR_sched_op, (cmd), (arg), 0)

/* ---- the cases: each returns the raw result -------------------------- */

static long c_version_ok(void) { return hc(__HYPERVISOR_xen_version, XENVER_version, 0, 0) >> 16; }
static long c_version_bad_cmd(void) { return hc(__HYPERVISOR_xen_version, 9999, 0, 0); }
static long c_features_far(void) { return hc(__HYPERVISOR_xen_version, XENVER_get_features, FAR, 0); }
static long c_features_straddle(void)
{
    return hc(__HYPERVISOR_xen_version, XENVER_get_features,
              straddle(sizeof(struct xen_feature_info)), 0);
}
static long c_features_bad_submap(void)
{
    struct xen_feature_info fi = { .submap_idx = 77 };
    return hc(__HYPERVISOR_xen_version, XENVER_get_features, P(&fi), 0);
}
static long c_hcall_unknown(void) { return hc(127, 0, 0, 0); }
static long c_hcall_pv_only(void) { return hc(__HYPERVISOR_mmu_update, 0, 0, 0); }
static long c_console_far(void) { return hc(__HYPERVISOR_console_io, CONSOLEIO_write, 16, FAR); }
static long c_console_straddle(void) { return hc(__HYPERVISOR_console_io, CONSOLEIO_write, 64, straddle(64)); }
/* A count of 4 GiB - 1 from 64 bytes before the end of RAM: Xen copies
 * the text chunk by chunk, and the first chunk already runs off RAM
 * (from lower down, the whole of RAM would go to the log first). */
static long c_console_huge(void) { return hc(__HYPERVISOR_console_io, CONSOLEIO_write, 0xffffffffu, ram_end - 64); }
static long c_console_wrap(void) { return hc(__HYPERVISOR_console_io, CONSOLEIO_write, 16, WRAP); }
static long c_console_bad_cmd(void) { return hc(__HYPERVISOR_console_io, 77, 1, 0x100000); }
static long c_memory_bad_cmd(void) { return hc(__HYPERVISOR_memory_op, MEMOP_BAD, 0, 0); }
static long c_memory_far(void) { return hc(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, FAR, 0); }
static long c_memory_wrap(void) { return hc(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, WRAP, 0); }
static long physmap(domid_t dom, unsigned space, uint64_t idx, uint64_t gpfn)
{
    struct xen_add_to_physmap a = { .domid = dom, .space = space, .idx = idx,
                                    .gpfn = gpfn };
    return hc(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, P(&a), 0);
}
static long c_memory_other_domain(void) { return physmap(NO_DOMAIN, XENMAPSPACE_shared_info, 0, P(&shared) >> 12); }
/* Xen reads the command from the low bits and a start extent from the
 * rest, which add_to_physmap needs to fit xatp.size (16 bits) or
 * answers -EDOM (common/memory.c do_memory_op). */
static long physmap_cmd(uint64_t cmd)
{
    struct xen_add_to_physmap a = { .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info,
                                    .gpfn = P(&shared) >> 12 };
    return hc(__HYPERVISOR_memory_op, cmd, P(&a), 0);
}
static long c_memory_cmd_masked(void) { return physmap_cmd(XENMEM_add_to_physmap | 1ull << MEMOP_EXTENT_SHIFT); }
static long c_memory_extent_edom(void) { return physmap_cmd(XENMEM_add_to_physmap | 0x10000ull << MEMOP_EXTENT_SHIFT); }
static long c_memory_grant_space(void) { return physmap(DOMID_SELF, XENMAPSPACE_grant_table, 0, P(&shared) >> 12); }
static long c_memory_gpfn_far(void) { return physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0, FAR_GFN); }
static long c_memory_gpfn_wrap(void) { return physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0, ~0ull); }
static long c_memory_gpfn_last(void) { return physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0, ram_end >> 12); }
static long c_memory_ok(void) { return physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0, P(&shared) >> 12); }
/* vCPU 0's time record once shared_info is mapped (yielding until Xen
 * has filled it): 1 with XEN_PVCLOCK_TSC_STABLE_BIT, which Xen sets only
 * when booted with clocksource=tsc (xen/arch/x86/time.c; the lab's Xen
 * is not), 2 if never filled; vmi-run by default is neither. */
static long c_time_not_stable(void)
{
    const volatile struct vcpu_time_info *t = &shared.s.vcpu_info[0].time;
    for (unsigned i = 0; i < 1000 && !t->tsc_to_system_mul; i++)
        SCHED(SCHEDOP_yield, 0);
    if (!t->tsc_to_system_mul)
        return 2;
    return t->flags & XEN_PVCLOCK_TSC_STABLE_BIT;
}
static long param(unsigned op, domid_t dom, uint32_t index, uint64_t value)
{
    struct xen_hvm_param p = { .domid = dom, .index = index, .value = value };
    return HVM(op, P(&p));
}
static long c_hvm_bad_op(void) { return HVM(9999, 0); }
static long c_hvm_param_far(void) { return HVM(HVMOP_get_param, FAR); }
static long c_hvm_param_wrap(void) { return HVM(HVMOP_set_param, WRAP); }
static long c_hvm_param_index(void) { return param(HVMOP_get_param, DOMID_SELF, HVM_NR_PARAMS, 0); }
static long c_hvm_param_index_huge(void) { return param(HVMOP_set_param, DOMID_SELF, 0xffffffffu, 0); }
static long c_hvm_param_domain(void) { return param(HVMOP_get_param, NO_DOMAIN, HVM_PARAM_CONSOLE_PFN, 0); }
static long c_hvm_set_console_pfn(void) { return param(HVMOP_set_param, DOMID_SELF, HVM_PARAM_CONSOLE_PFN, 1); }
static long c_hvm_get_forbidden(void) { return param(HVMOP_get_param, DOMID_SELF, HVM_PARAM_IDENT_PT, 0); }
/* A deprecated parameter (PAE_ENABLED, 4): -EINVAL before the -EPERM
 * of the others (xen/arch/x86/hvm/hvm.c hvm_allow_get_param). */
static long c_hvm_get_deprecated(void) { return param(HVMOP_get_param, DOMID_SELF, 4, 0); }
static long c_hvm_callback_gsi(void) { return param(HVMOP_set_param, DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, 9); }
static long c_hvm_callback_low(void)
{
    long r = param(HVMOP_set_param, DOMID_SELF, HVM_PARAM_CALLBACK_IRQ,
                   (uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56 | 3);
    param(HVMOP_set_param, DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, 0);  /* none again */
    return r;
}
static long upcall(uint32_t vcpu, uint8_t vector)
{
    struct xen_hvm_evtchn_upcall_vector u = { .vcpu = vcpu, .vector = vector };
    return HVM(HVMOP_set_evtchn_upcall_vector, P(&u));
}
static long c_upcall_vcpu(void) { return upcall(NCPUS, 0xf3); }
static long c_upcall_vcpu_huge(void) { return upcall(0xffffffffu, 0xf3); }
static long c_upcall_vector_low(void) { return upcall(0, 2); }
static long c_upcall_far(void) { return HVM(HVMOP_set_evtchn_upcall_vector, FAR); }
static long c_flush_tlbs(void) { return HVM(HVMOP_flush_tlbs, 0); }

static long c_evt_bad_cmd(void) { return EVT(9999, 0); }
static long bind_virq(uint32_t virq, uint32_t vcpu)
{
    struct evtchn_bind_virq b = { .virq = virq, .vcpu = vcpu };
    long r = EVT(EVTCHNOP_bind_virq, P(&b));
    return r < 0 ? r : (long)b.port;
}
static long c_virq_bad(void) { return bind_virq(NR_VIRQS, 0); }
static long c_virq_huge(void) { return bind_virq(0xffffffffu, 0); }
static long c_virq_vcpu(void) { return bind_virq(VIRQ_TIMER, NCPUS); }
static long c_virq_vcpu_huge(void) { return bind_virq(VIRQ_TIMER, 0xffffffffu); }
static long c_virq_far(void) { return EVT(EVTCHNOP_bind_virq, FAR); }
static long c_virq_straddle(void) { return EVT(EVTCHNOP_bind_virq, straddle(sizeof(struct evtchn_bind_virq))); }
static long c_virq_twice(void)
{
    long p = bind_virq(VIRQ_TIMER, 1);
    if (p < 0)
        return p;
    return bind_virq(VIRQ_TIMER, 1);
}
static long c_ipi_vcpu(void)
{
    struct evtchn_bind_ipi b = { .vcpu = NCPUS };
    return EVT(EVTCHNOP_bind_ipi, P(&b));
}
static long port_cmd(unsigned cmd, uint32_t port)
{
    evtchn_port_t p = port;
    return EVT(cmd, P(&p));
}
/* Global VIRQs (not "V." in public/xen.h) bind on vCPU 0 only; Xen
 * checks that before it looks the vCPU up (evtchn_bind_virq). */
static long c_virq_global_vcpu(void) { return bind_virq(VIRQ_CON_RING, 1); }
static long c_virq_global_vcpu_past(void) { return bind_virq(VIRQ_CON_RING, NCPUS); }
static long bind_vcpu(uint32_t port, uint32_t vcpu)
{
    struct evtchn_bind_vcpu b = { .port = port, .vcpu = vcpu };
    return EVT(EVTCHNOP_bind_vcpu, P(&b));
}
/* A global VIRQ's events move to any vCPU; the port is closed after. */
static long c_bind_vcpu_global(void)
{
    long p = bind_virq(VIRQ_CON_RING, 0), r;
    if (p < 0)
        return p;
    r = bind_vcpu((uint32_t)p, 2);
    port_cmd(EVTCHNOP_close, (uint32_t)p);
    return r;
}
static long c_bind_vcpu_per_vcpu_virq(void)
{
    long p = bind_virq(VIRQ_DEBUG, 1);
    return p < 0 ? p : bind_vcpu((uint32_t)p, 2);
}
static long c_bind_vcpu_ipi(void)
{
    struct evtchn_bind_ipi b = { .vcpu = 0 };
    long r = EVT(EVTCHNOP_bind_ipi, P(&b));
    return r < 0 ? r : bind_vcpu(b.port, 1);
}
static long c_bind_vcpu_past(void) { return bind_vcpu(1, NCPUS); }
static long c_bind_vcpu_free(void) { return bind_vcpu(PORTS_MAX - 1, 1); }
static long c_bind_vcpu_huge(void) { return bind_vcpu(0xffffffffu, 1); }
static long c_bind_vcpu_far(void) { return EVT(EVTCHNOP_bind_vcpu, FAR); }
/* Xen's evtchn_free() clears a closed port's pending bit: an IPI port
 * masked, sent to (pending, no upcall), then closed.  0, or 1 if the bit
 * is still set (then a port bound again would miss its first event). */
static long c_close_clears_pending(void)
{
    struct evtchn_bind_ipi b = { .vcpu = 0 };
    long r = EVT(EVTCHNOP_bind_ipi, P(&b)), c;
    if (r < 0)
        return r;
    volatile xen_ulong_t *mask = &shared.s.evtchn_mask[b.port / 64];
    volatile xen_ulong_t *pend = &shared.s.evtchn_pending[b.port / 64];
    xen_ulong_t bit = 1ull << (b.port % 64);
    __atomic_fetch_or(mask, bit, __ATOMIC_SEQ_CST);
    r = port_cmd(EVTCHNOP_send, b.port);
    if (r == 0 && !(*pend & bit))
        r = 2;                          /* the send flagged nothing */
    c = port_cmd(EVTCHNOP_close, b.port);
    bool left = *pend & bit;
    __atomic_fetch_and(pend, ~bit, __ATOMIC_SEQ_CST);
    __atomic_fetch_and(mask, ~bit, __ATOMIC_SEQ_CST);
    return r ? r : c ? c : left;
}
static long c_send_limit(void) { return port_cmd(EVTCHNOP_send, PORTS_MAX); }
static long c_send_huge(void) { return port_cmd(EVTCHNOP_send, 0xffffffffu); }
static long c_send_zero(void) { return port_cmd(EVTCHNOP_send, 0); }
static long c_send_free(void) { return port_cmd(EVTCHNOP_send, PORTS_MAX - 1); }
static long c_send_virq(void)
{
    long p = bind_virq(VIRQ_DEBUG, 0);
    return p < 0 ? p : port_cmd(EVTCHNOP_send, (uint32_t)p);
}
static long c_send_far(void) { return EVT(EVTCHNOP_send, FAR); }
static long c_unmask_limit(void) { return port_cmd(EVTCHNOP_unmask, PORTS_MAX); }
static long c_unmask_free(void) { return port_cmd(EVTCHNOP_unmask, PORTS_MAX - 1); }
static long c_close_limit(void) { return port_cmd(EVTCHNOP_close, 0xffffffffu); }
static long c_close_free(void) { return port_cmd(EVTCHNOP_close, PORTS_MAX - 1); }
static long status(domid_t dom, uint32_t port)
{
    struct evtchn_status s = { .dom = dom, .port = port };
    return EVT(EVTCHNOP_status, P(&s));
}
static long c_status_limit(void) { return status(DOMID_SELF, PORTS_MAX); }
static long c_status_domain(void) { return status(NO_DOMAIN, 1); }
static long c_status_straddle(void) { return EVT(EVTCHNOP_status, straddle(sizeof(struct evtchn_status))); }
/* Xen's ports exist in buckets of 64 (common/event_channel.c
 * valid_evtchns): port 0, reserved, exists from the start, so its status
 * is closed (100 + EVTCHNSTAT_closed here), unmask does nothing and is
 * 0, and 2-level's set_priority is -ENOSYS; a port in no bucket yet
 * (before evtchn-ports-exhausted allocates them all) is -EINVAL. */
static long status_of(uint32_t port)
{
    struct evtchn_status s = { .dom = DOMID_SELF, .port = port };
    long r = EVT(EVTCHNOP_status, P(&s));
    return r < 0 ? r : 100 + (long)s.status;
}
static long c_status_port_zero(void) { return status_of(0); }
static long c_status_no_bucket(void) { return status_of(PORTS_MAX - 1); }
static long c_unmask_port_zero(void) { return port_cmd(EVTCHNOP_unmask, 0); }
static long c_set_priority_port_zero(void)
{
    struct evtchn_set_priority p = { .port = 0, .priority = 0 };
    return EVT(EVTCHNOP_set_priority, P(&p));
}
static long alloc_unbound(domid_t dom, domid_t remote)
{
    struct evtchn_alloc_unbound a = { .dom = dom, .remote_dom = remote };
    long r = EVT(EVTCHNOP_alloc_unbound, P(&a));
    return r < 0 ? r : (long)a.port;
}
static long c_unbound_domain(void) { return alloc_unbound(NO_DOMAIN, DOMID_SELF); }
/* Xen records the remote domid without looking it up. */
static long c_unbound_remote(void)
{
    long p = alloc_unbound(DOMID_SELF, NO_DOMAIN);
    if (p < 0)
        return p;
    port_cmd(EVTCHNOP_close, (uint32_t)p);
    return 0;
}
/* Take every free port: the last allocation must fail with -ENOSPC;
 * then give them all back. */
static long c_ports_exhausted(void)
{
    long first = -1, last = 0, r;
    for (unsigned i = 0; i < PORTS_MAX; i++) {
        r = alloc_unbound(DOMID_SELF, DOMID_SELF);
        if (r < 0) {
            last = r;
            break;
        }
        if (first < 0)
            first = r;
    }
    for (long p = first; first > 0 && p < PORTS_MAX; p++)
        port_cmd(EVTCHNOP_close, (uint32_t)p);
    return last;
}

static long c_vcpu_id(void) { return VCPU(VCPUOP_is_up, NCPUS, 0); }
static long c_vcpu_id_huge(void) { return VCPU(VCPUOP_is_up, 0xffffffffull, 0); }
static long c_vcpu_id_neg(void) { return VCPU(VCPUOP_up, ~0ull, 0); }
static long c_vcpu_bad_cmd(void) { return VCPU(9999, 0, 0); }
static long c_vcpu_is_up_ap(void) { return VCPU(VCPUOP_is_up, 1, 0); }
static long c_vcpu_up_uninit(void) { return VCPU(VCPUOP_up, 1, 0); }
static long c_vcpu_init_bsp(void) { return VCPU(VCPUOP_initialise, 0, 0x100000); }
static long c_vcpu_init_far(void) { return VCPU(VCPUOP_initialise, 1, FAR); }
static long c_vcpu_init_straddle(void)
{
    return VCPU(VCPUOP_initialise, 1, straddle(sizeof(struct vcpu_hvm_context)));
}
/* A 64-bit context: Xen makes its segments itself (arch/x86/hvm/
 * domain.c arch_set_info_hvm_guest). */
static long init_ctx(uint32_t vcpu, uint32_t mode, uint64_t cr0, uint64_t cr3, uint64_t rip)
{
    struct vcpu_hvm_context c = { .mode = mode };
    c.cpu_regs.x86_64 = (struct vcpu_hvm_x86_64){ .cr0 = cr0, .cr3 = cr3,
        .cr4 = 0x20, .efer = 0x500, .rip = rip };
    return VCPU(VCPUOP_initialise, vcpu, P(&c));
}
/* A valid flat 32-bit protected-mode context (segments as Xen's
 * check_segment wants them: present, accessed code and data, busy TSS),
 * which Xen starts; vmi-run starts 64-bit vCPUs only. */
static long c_vcpu_init_32b(void)
{
    struct vcpu_hvm_context c = { .mode = VCPU_HVM_MODE_32B };
    c.cpu_regs.x86_32 = (struct vcpu_hvm_x86_32){ .cr0 = 0x11, .eip = 0x100000,
        .eflags = 2, .cs_limit = ~0u, .ds_limit = ~0u, .ss_limit = ~0u,
        .es_limit = ~0u, .tr_limit = 0x67, .cs_ar = 0xc9b, .ds_ar = 0xc93,
        .ss_ar = 0xc93, .es_ar = 0xc93, .tr_ar = 0x8b };
    return VCPU(VCPUOP_initialise, 1, P(&c));
}
static long c_vcpu_init_mode(void) { return init_ctx(1, 77, 0x80000011, 0x1000, 0x100000); }
static long c_vcpu_init_no_paging(void) { return init_ctx(1, VCPU_HVM_MODE_64B, 0x11, 0x1000, 0x100000); }
/* Xen with HAP does not look at CR3; the vCPU would fault when it ran.
 * Past any RAM but within the physical-address width of every host the
 * suite runs on (FAR_GFN): vmi-run refuses a CR3 past the guest's
 * MAXPHYADDR, which KVM would not load.  vCPU 2, which no later case
 * needs uninitialised. */
static long c_vcpu_init_cr3_far(void) { return init_ctx(2, VCPU_HVM_MODE_64B, 0x80000011, FAR_GFN << 12, 0x100000); }
/* Xen's arch_set_info_hvm_guest: pad must be zero; CR4 within
 * hvm_cr4_guest_valid_bits (bit 32 never is), EFER within
 * hvm_efer_valid's known bits (bit 9 is reserved): -EINVAL.  vmi-run
 * took these and VCPUOP_up then failed to load them into KVM, ending
 * the VM as a host error (71); now both answer -EINVAL, and the vCPU
 * stays down (VCPUOP_up: -EINVAL). */
static long init_bad(uint32_t pad, uint64_t cr4, uint64_t efer)
{
    struct vcpu_hvm_context c = { .mode = VCPU_HVM_MODE_64B, .pad = pad };
    c.cpu_regs.x86_64 = (struct vcpu_hvm_x86_64){ .cr0 = 0x80000011, .cr3 = 0x1000,
        .cr4 = cr4, .efer = efer, .rip = 0x100000 };
    long r = VCPU(VCPUOP_initialise, 1, P(&c));
    return r != E(EINVAL) ? r : VCPU(VCPUOP_up, 1, 0);
}
static long c_vcpu_init_pad(void) { return init_bad(1, 0x20, 0x500); }
static long c_vcpu_init_cr4_reserved(void) { return init_bad(0, 0x20 | 1ull << 32, 0x500); }
static long c_vcpu_init_efer_reserved(void) { return init_bad(0, 0x20, 0x500 | 1u << 9); }
static long c_vcpu_init_rip(void) { return init_ctx(1, VCPU_HVM_MODE_64B, 0x80000011, 0x1000, 0x0000800000000000ull); }
static long timer(uint32_t vcpu, uint64_t deadline, uint32_t flags)
{
    struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = deadline, .flags = flags };
    return VCPU(VCPUOP_set_singleshot_timer, vcpu, P(&t));
}
static long c_timer_other_vcpu(void) { return timer(1, 1000, 0); }
static long c_timer_past_future(void) { return timer(0, 1, VCPU_SSHOTTMR_future); }
static long c_timer_far(void) { return VCPU(VCPUOP_set_singleshot_timer, 0, FAR); }
static long c_timer_stop_other(void) { return VCPU(VCPUOP_stop_singleshot_timer, 1, 0); }
static uint8_t info_page[4096] __attribute__((aligned(4096)));
static long info_on(uint32_t vcpu, uint64_t mfn, uint32_t off, uint32_t rsvd)
{
    struct vcpu_register_vcpu_info ri = { .mfn = mfn, .offset = off, .rsvd = rsvd };
    return VCPU(VCPUOP_register_vcpu_info, vcpu, P(&ri));
}
static long info(uint64_t mfn, uint32_t off, uint32_t rsvd) { return info_on(1, mfn, off, rsvd); }
static long c_info_cross_page(void) { return info(P(&shared) >> 12, 4090, 0); }
static long c_info_offset_huge(void) { return info(P(&shared) >> 12, 0xffffffffu, 0); }
static long c_info_misaligned(void) { return info(P(&shared) >> 12, 4, 0); }
/* Xen never reads rsvd (common/domain.c map_vcpu_info).  vCPU 2 and a
 * page of its own: it succeeds, and once only. */
static long c_info_rsvd(void) { return info_on(2, P(info_page) >> 12, 0, 1); }
/* After that registration Xen marks every selector bit and the upcall
 * pending, "to make sure nothing gets lost" (map_vcpu_info): 0 if so,
 * 1 if a selector bit is clear, 2 if the upcall is not pending. */
static long c_info_all_pending(void)
{
    const volatile struct vcpu_info *vi = (const void *)info_page;
    return vi->evtchn_pending_sel != ~(xen_ulong_t)0 ? 1 :
           vi->evtchn_upcall_pending != 1 ? 2 : 0;
}
static long c_info_far(void) { return info(FAR >> 12, 0, 0); }
static long c_info_wrap(void) { return info(~0ull, 0xfc0, 0); }
/* The last page of RAM, clear of its last 64 bytes (the poll cases'). */
static long c_info_end(void) { return info((ram_end >> 12) - 1, 4096 - 128, 0); }

static long c_sched_bad_cmd(void) { return SCHED(9999, 0); }
static long c_sched_yield(void) { return SCHED(SCHEDOP_yield, 0); }
static long c_shutdown_far(void) { return SCHED(SCHEDOP_shutdown, FAR); }
static long c_shutdown_straddle(void) { return SCHED(SCHEDOP_shutdown, straddle(4)); }
/* A port for the poll cases: Xen polls only ports in use (xen/include/
 * xen/event.h evtchn_usable), and this one, unbound and to a domain that
 * does not exist, never becomes pending (an unbound port drops a send). */
static evtchn_port_t poll_ports[2] = { 0, PORTS_MAX };
static long poll_port(void)
{
    if (!poll_ports[0]) {
        long p = alloc_unbound(DOMID_SELF, NO_DOMAIN);
        if (p < 0)
            return p;
        poll_ports[0] = (evtchn_port_t)p;
    }
    return poll_ports[0];
}
static long poll(uint64_t ports, unsigned n, uint64_t timeout)
{
    struct sched_poll p = { .nr_ports = n, .timeout = timeout };
    p.ports.p = (evtchn_port_t *)(uintptr_t)ports;
    return SCHED(SCHEDOP_poll, P(&p));
}
static long c_poll_many(void) { return poll(P(poll_ports), 129, 1); }
static long c_poll_huge(void) { return poll(P(poll_ports), 0xffffffffu, 1); }
static long c_poll_far(void) { return poll(FAR, 1, 1); }
/* Xen reads the ports one by one (common/sched/core.c do_poll): RAM's
 * last 4 bytes are the first port, the second lies past RAM. */
static long poll_last(uint32_t first)
{
    *(volatile uint32_t *)(uintptr_t)(ram_end - 4) = first;
    return poll(ram_end - 4, 2, 1);
}
static long c_poll_straddle(void) { long p = poll_port(); return p < 0 ? p : poll_last((uint32_t)p); }
static long c_poll_bad_then_far(void) { return poll_last(PORTS_MAX); }
static long c_poll_port(void) { long p = poll_port(); return p < 0 ? p : poll(P(poll_ports), 2, 1); }
static long c_poll_timeout(void) { long p = poll_port(); return p < 0 ? p : poll(P(poll_ports), 1, 1); }
static evtchn_port_t unused_ports[2] = { 0, PORTS_MAX - 1 };
static long c_poll_port_zero(void) { return poll(P(&unused_ports[0]), 1, 1); }
static long c_poll_port_free(void) { return poll(P(&unused_ports[1]), 1, 1); }
static long c_poll_arg_far(void) { return SCHED(SCHEDOP_poll, FAR); }
/* A timeout with bit 63 set is a negative s_time_t, already past: Xen's
 * poll timer fires at once, so the call returns 0 though no port is
 * pending (common/timer.c). */
static long c_poll_timeout_negative(void)
{
    long p = poll_port();
    return p < 0 ? p : poll(P(poll_ports), 1, 1ull << 63 | 5);
}
static long c_set_timer_far_future(void) { return hc(__HYPERVISOR_set_timer_op, ~0ull >> 1, 0, 0); }
static long c_set_timer_negative(void) { return hc(__HYPERVISOR_set_timer_op, ~0ull, 0, 0); }
static long c_set_timer_stop(void) { return hc(__HYPERVISOR_set_timer_op, 0, 0, 0); }
/* A deadline already passed: Xen's timer softirq runs before the vCPU
 * re-enters the guest, so VIRQ_TIMER is pending when set_timer_op
 * returns (1); the port is masked so that no upcall takes the event. */
static long c_set_timer_passed_pending(void)
{
    long p = bind_virq(VIRQ_TIMER, 0), r;
    if (p < 0)
        return p;
    volatile xen_ulong_t *mask = &shared.s.evtchn_mask[p / 64];
    volatile xen_ulong_t *pend = &shared.s.evtchn_pending[p / 64];
    xen_ulong_t bit = 1ull << (p % 64);
    __atomic_fetch_or(mask, bit, __ATOMIC_SEQ_CST);
    r = hc(__HYPERVISOR_set_timer_op, 1, 0, 0);
    bool pending = *pend & bit;
    port_cmd(EVTCHNOP_close, (uint32_t)p);
    __atomic_fetch_and(mask, ~bit, __ATOMIC_SEQ_CST);
    return r ? r : pending;
}

/* ---- linear addresses: the guest's page tables decide --------------- */

#define PTE_P 1ull
#define PTE_RW 2ull
#define PTE_PS 0x80ull
#define PTE_ADDR 0x000ffffffffff000ull
#define CR0_WP (1ull << 16)
#define ALIAS (4ull << 30)              /* PDPT slot 4: unused */
#define MB2 (2ull << 20)

static uint64_t alias_pd[512] __attribute__((aligned(4096)));

/* This guest's page tables, reached through the identity map. */
static uint64_t *pdpt_of(void)
{
    uint64_t *pml4 = (uint64_t *)(uintptr_t)(rcr3() & PTE_ADDR);
    return (uint64_t *)(uintptr_t)(pml4[0] & PTE_ADDR);
}

/* Map [ALIAS, ALIAS + 4 MiB) to physical [0, 4 MiB), where this guest's
 * image, data and stacks lie; (rw) or read-only. */
static void alias_map(int rw)
{
    alias_pd[0] = 0 | PTE_P | PTE_PS | (rw ? PTE_RW : 0);
    alias_pd[1] = MB2 | PTE_P | PTE_PS | (rw ? PTE_RW : 0);
    pdpt_of()[4] = P(alias_pd) | PTE_P | PTE_RW;
}

/* XENVER_get_features at (va): a copy in and a copy out.  A result of
 * 0 must also have filled in submap 0 (Xen offers at least the HVM
 * callback vector there). */
static struct xen_feature_info lin_fi;
static long features_at(uint64_t va)
{
    lin_fi = (struct xen_feature_info){ .submap_idx = 0 };
    long r = hc(__HYPERVISOR_xen_version, XENVER_get_features, va, 0);
    if (r == 0 && !(lin_fi.submap & 1u << XENFEAT_hvm_callback_vector))
        return 1000;
    return r;
}
static long c_linear_alias(void)
{
    if (P(&lin_fi) + sizeof(lin_fi) > 2 * MB2)
        return 2000;                    /* the image grew: fix ALIAS */
    alias_map(1);
    return features_at(ALIAS + P(&lin_fi));
}
/* With CR0.WP a write to a read-only page fails at CPL0 too (Xen's
 * walk: guest_wp_enabled); without, it does not. */
static long linear_read_only(int wp)
{
    uint64_t cr0 = rcr0();
    long r;
    alias_map(0);
    wcr0(wp ? cr0 | CR0_WP : cr0 & ~CR0_WP);
    r = features_at(ALIAS + P(&lin_fi));
    wcr0(cr0);
    return r;
}
static long c_linear_read_only_wp(void) { return linear_read_only(1); }
static long c_linear_read_only_no_wp(void) { return linear_read_only(0); }
/* RAM that the tables do not map: the last 2 MiB below the end of RAM
 * (no case uses it meanwhile) taken out of the identity map for one
 * call, as a guest would unmap memory it still has. */
static long c_linear_hole(void)
{
    uint64_t base = (ram_end - 1) & ~(MB2 - 1);
    uint64_t *pd = (uint64_t *)(uintptr_t)(pdpt_of()[base >> 30] & PTE_ADDR);
    uint64_t *e = &pd[(base >> 21) & 511], saved = *e;
    long r;
    if (base < 8 * MB2)
        return 2000;                    /* too little RAM for the case */
    *e = 0;
    invlpg(base);
    r = hc(__HYPERVISOR_xen_version, XENVER_get_features, base, 0);
    *e = saved;
    invlpg(base);
    return r;
}

/* ---- bounded work per exit: continued hypercalls -------------------- */

/* A text of 40000 bytes, more than vmi-run writes in one exit (16 KiB):
 * it continues the call through the stub, as Xen continues a preempted
 * one, and the whole text reaches the hypervisor log. */
static char long_text[40000];
static long c_console_continued(void)
{
    static const char line[] = "console_io: one of many lines of a long text\n";
    for (size_t i = 0; i < sizeof(long_text); i++)
        long_text[i] = line[i % (sizeof(line) - 1)];
    return hc(__HYPERVISOR_console_io, CONSOLEIO_write, sizeof(long_text), P(long_text));
}
/* 300 single-page extents in the last 2 MiB below the end of RAM (which
 * no case uses meanwhile), given back and populated again: more than
 * one exit's share (256 pages) each time, so both calls are continued
 * (vmi-run), or may be preempted (Xen); each answers all 300. */
static xen_pfn_t cont_gfns[300];
static long reservation(unsigned op)
{
    struct xen_memory_reservation r = { .nr_extents = 300, .domid = DOMID_SELF };
    set_xen_guest_handle(r.extent_start, cont_gfns);
    return hc(__HYPERVISOR_memory_op, op, P(&r), 0);
}
static long c_memory_continued(void)
{
    uint64_t first = ((ram_end - 1) & ~(MB2 - 1)) >> 12;
    long d, p;
    if (first < 4 * MB2 >> 12)
        return 3000;                    /* too little RAM for the case */
    for (unsigned i = 0; i < 300; i++)
        cont_gfns[i] = first + i;
    d = reservation(XENMEM_decrease_reservation);
    p = reservation(XENMEM_populate_physmap);
    return d == 300 && p == 300 ? 0 : d != 300 ? 1000 + d : 2000 + p;
}
/* Two pages past those 300 given back, then an order-1 extent at the
 * first, a gfn not aligned to its order: Xen populates it in 4 KiB
 * pieces (common/memory.c populate_physmap has no alignment check;
 * p2m_set_entry splits it), so the answer is 1. */
static xen_pfn_t odd_gfns[2];
static long c_memory_populate_unaligned(void)
{
    struct xen_memory_reservation r = { .nr_extents = 2, .domid = DOMID_SELF };
    uint64_t first = ((ram_end - 1) & ~(MB2 - 1)) >> 12;
    long d;
    if (first < 4 * MB2 >> 12)
        return 3000;
    odd_gfns[0] = first + 301, odd_gfns[1] = first + 302;
    set_xen_guest_handle(r.extent_start, odd_gfns);
    d = hc(__HYPERVISOR_memory_op, XENMEM_decrease_reservation, P(&r), 0);
    if (d != 2)
        return 1000 + d;
    r.nr_extents = 1, r.extent_order = 1;
    return hc(__HYPERVISOR_memory_op, XENMEM_populate_physmap, P(&r), 0);
}

/* ---- faults: user mode and the hypercall MSR ------------------------ */

/* CPL3 snippets (hostile_entry.S): a call through the page, and the
 * stub's own `out` issued directly.  With IOPL 0 and no I/O bitmap the
 * OUT raises #GP before any exit (real Xen's VMCALL stub would return
 * -EPERM instead). */
void hostile_user_page_call(void);
void hostile_user_raw_out(void);
extern long hostile_fault_rax;          /* RAX at the last exception */
#define VEC_UD 6                        /* SDM Vol. 3A 6.15 */
static void k_msr_write(void) { wrmsr(HCALL_MSR, msr_value); }
/* The vector of the fault; #UD is the ud2 after a call that returned,
 * so the answer is then the call's result (Xen: -EPERM for CPL > 0,
 * arch/x86/hvm/hypercall.c hvm_hypercall). */
static long c_user_page_call(void)
{
    long v = hostile_probe(hostile_user_page_call, 1);
    return v == VEC_UD ? hostile_fault_rax : v;
}
static long c_user_raw_out(void) { return hostile_probe(hostile_user_raw_out, 1); }
/* With IOPL 3 the OUT may exit: then the monitor must see CPL3 and
 * answer -EPERM (Xen hvm_hypercall), the stub returns and the ud2 after
 * the call reports RAX.  On kvm-pvm the guest's user mode runs as host
 * user mode, where the host's IOPL 0 applies: #GP.  Both are right;
 * anything else (a result, another fault) is not. */
static long c_user_iopl3(void)
{
    long v = hostile_probe(hostile_user_page_call, 2);
    if (v == VEC_GP || (v == VEC_UD && hostile_fault_rax == E(EPERM)))
        return 0;
    return v == VEC_UD ? hostile_fault_rax : 1000 + v;
}
/* The same call from CPL3 in a conforming code segment of DPL 0: CS.DPL
 * is 0 there, the CPL (SS.DPL, Xen's hvm_get_cpl) is 3, so the answer
 * must still be -EPERM, or the #GP of IOPL 0 as above. */
static long c_user_conforming(void)
{
    long v = hostile_probe(hostile_user_page_call, 3);
    if (v == VEC_GP || (v == VEC_UD && hostile_fault_rax == E(EPERM)))
        return 0;
    return v == VEC_UD ? hostile_fault_rax : 1000 + v;
}
static long c_msr_low_bits(void)
{
    msr_value = P(xen_hypercall_page) | 1;
    return hostile_probe(k_msr_write, 0);
}
static long c_msr_far(void)
{
    msr_value = FAR;
    return hostile_probe(k_msr_write, 0);
}
static long c_msr_past_ram(void)
{
    msr_value = ram_end;        /* the first page after RAM */
    return hostile_probe(k_msr_write, 0);
}
static long c_msr_ok(void)
{
    msr_value = P(xen_hypercall_page);
    return hostile_probe(k_msr_write, 0);
}

struct hcase {
    const char *name;
    long (*fn)(void);
    long expect;
};

static const struct hcase cases[] = {
    { "msr-hypercall-page-ok", c_msr_ok, -1 },
    { "msr-low-bits-gp", c_msr_low_bits, VEC_GP },
    { "msr-page-outside-ram-gp", c_msr_far, VEC_GP },
    { "msr-page-past-ram-end-gp", c_msr_past_ram, VEC_GP },
    { "xen-version-major", c_version_ok, 4 },
    { "xen-version-bad-cmd", c_version_bad_cmd, E(ENOSYS) },
    { "xen-version-features-far", c_features_far, E(EFAULT) },
    { "xen-version-features-straddle", c_features_straddle, E(EFAULT) },
    { "xen-version-features-bad-submap", c_features_bad_submap, E(EINVAL) },
    { "hypercall-unknown-number", c_hcall_unknown, E(ENOSYS) },
    { "hypercall-pv-only-mmu-update", c_hcall_pv_only, E(ENOSYS) },
    { "console-io-far", c_console_far, E(EFAULT) },
    { "console-io-straddle", c_console_straddle, E(EFAULT) },
    { "console-io-length-huge", c_console_huge, E(EFAULT) },
    { "console-io-buffer-wraps", c_console_wrap, E(EFAULT) },
    { "console-io-bad-cmd", c_console_bad_cmd, E(ENOSYS) },
    { "memory-op-bad-cmd", c_memory_bad_cmd, E(ENOSYS) },
    { "memory-op-arg-far", c_memory_far, E(EFAULT) },
    { "memory-op-arg-wraps", c_memory_wrap, E(EFAULT) },
    { "memory-op-other-domain", c_memory_other_domain, E(ESRCH) },
    { "memory-op-cmd-masked", c_memory_cmd_masked, 0 },
    { "memory-op-start-extent-edom", c_memory_extent_edom, E(EDOM) },
    { "memory-op-grant-space", c_memory_grant_space, 0 },
    { "memory-op-gpfn-far", c_memory_gpfn_far, 0 },
    { "memory-op-gpfn-wraps", c_memory_gpfn_wrap, E(EINVAL) },
    { "memory-op-gpfn-past-ram", c_memory_gpfn_last, 0 },
    { "memory-op-shared-info-ok", c_memory_ok, 0 },
    { "time-record-without-stable-bit", c_time_not_stable, 0 },
    { "hvm-op-bad-op", c_hvm_bad_op, E(ENOSYS) },
    { "hvm-op-param-far", c_hvm_param_far, E(EFAULT) },
    { "hvm-op-param-wraps", c_hvm_param_wrap, E(EFAULT) },
    { "hvm-op-param-index-limit", c_hvm_param_index, E(EINVAL) },
    { "hvm-op-param-index-huge", c_hvm_param_index_huge, E(EINVAL) },
    { "hvm-op-param-other-domain", c_hvm_param_domain, E(ESRCH) },
    { "hvm-op-set-console-pfn-forbidden", c_hvm_set_console_pfn, E(EPERM) },
    { "hvm-op-get-ident-pt-forbidden", c_hvm_get_forbidden, E(EPERM) },
    { "hvm-op-get-deprecated-param", c_hvm_get_deprecated, E(EINVAL) },
    { "hvm-op-callback-gsi-accepted", c_hvm_callback_gsi, 0 },
    { "hvm-op-callback-vector-low", c_hvm_callback_low, E(EINVAL) },
    { "hvm-op-upcall-vcpu-past-count", c_upcall_vcpu, E(ENOENT) },
    { "hvm-op-upcall-vcpu-huge", c_upcall_vcpu_huge, E(ENOENT) },
    { "hvm-op-upcall-vector-low", c_upcall_vector_low, E(EINVAL) },
    { "hvm-op-upcall-far", c_upcall_far, E(EFAULT) },
    { "hvm-op-flush-tlbs-not-offered", c_flush_tlbs, E(ENOSYS) },
    { "evtchn-bad-cmd", c_evt_bad_cmd, E(ENOSYS) },
    { "evtchn-bind-virq-past-nr-virqs", c_virq_bad, E(EINVAL) },
    { "evtchn-bind-virq-huge", c_virq_huge, E(EINVAL) },
    { "evtchn-bind-virq-vcpu-past-count", c_virq_vcpu, E(ENOENT) },
    { "evtchn-bind-virq-vcpu-huge", c_virq_vcpu_huge, E(ENOENT) },
    { "evtchn-bind-virq-far", c_virq_far, E(EFAULT) },
    { "evtchn-bind-virq-straddle", c_virq_straddle, E(EFAULT) },
    { "evtchn-bind-virq-twice", c_virq_twice, E(EEXIST) },
    { "evtchn-bind-virq-global-vcpu1", c_virq_global_vcpu, E(EINVAL) },
    { "evtchn-bind-virq-global-vcpu-past-count", c_virq_global_vcpu_past, E(EINVAL) },
    { "evtchn-bind-vcpu-global-virq", c_bind_vcpu_global, 0 },
    { "evtchn-bind-vcpu-per-vcpu-virq", c_bind_vcpu_per_vcpu_virq, E(EINVAL) },
    { "evtchn-bind-vcpu-ipi", c_bind_vcpu_ipi, E(EINVAL) },
    { "evtchn-bind-vcpu-vcpu-past-count", c_bind_vcpu_past, E(ENOENT) },
    { "evtchn-bind-vcpu-free-port", c_bind_vcpu_free, E(EINVAL) },
    { "evtchn-bind-vcpu-port-huge", c_bind_vcpu_huge, E(EINVAL) },
    { "evtchn-bind-vcpu-far", c_bind_vcpu_far, E(EFAULT) },
    { "evtchn-bind-ipi-vcpu-past-count", c_ipi_vcpu, E(ENOENT) },
    { "evtchn-send-port-limit", c_send_limit, E(EINVAL) },
    { "evtchn-send-port-huge", c_send_huge, E(EINVAL) },
    { "evtchn-send-port-zero", c_send_zero, E(EINVAL) },
    { "evtchn-send-free-port", c_send_free, E(EINVAL) },
    { "evtchn-send-virq-port", c_send_virq, E(EINVAL) },
    { "evtchn-send-far", c_send_far, E(EFAULT) },
    { "evtchn-unmask-port-limit", c_unmask_limit, E(EINVAL) },
    { "evtchn-unmask-free-port", c_unmask_free, E(EINVAL) },
    { "evtchn-close-port-huge", c_close_limit, E(EINVAL) },
    { "evtchn-close-free-port", c_close_free, E(EINVAL) },
    { "evtchn-close-clears-pending", c_close_clears_pending, 0 },
    { "evtchn-status-port-limit", c_status_limit, E(EINVAL) },
    { "evtchn-status-other-domain", c_status_domain, E(ESRCH) },
    { "evtchn-status-straddle", c_status_straddle, E(EFAULT) },
    { "evtchn-status-port-zero-closed", c_status_port_zero, 100 + EVTCHNSTAT_closed },
    { "evtchn-status-port-in-no-bucket", c_status_no_bucket, E(EINVAL) },
    { "evtchn-unmask-port-zero", c_unmask_port_zero, 0 },
    { "evtchn-set-priority-port-zero", c_set_priority_port_zero, E(ENOSYS) },
    { "evtchn-alloc-unbound-other-domain", c_unbound_domain, E(ESRCH) },
    { "evtchn-alloc-unbound-unknown-remote-ok", c_unbound_remote, 0 },
    { "evtchn-ports-exhausted", c_ports_exhausted, E(ENOSPC) },
    { "vcpu-op-id-past-count", c_vcpu_id, E(ENOENT) },
    { "vcpu-op-id-huge", c_vcpu_id_huge, E(ENOENT) },
    { "vcpu-op-id-negative", c_vcpu_id_neg, E(ENOENT) },
    { "vcpu-op-bad-cmd", c_vcpu_bad_cmd, E(ENOSYS) },
    { "vcpu-op-is-up-ap-down", c_vcpu_is_up_ap, 0 },
    { "vcpu-op-up-uninitialised", c_vcpu_up_uninit, E(EINVAL) },
    { "vcpu-op-initialise-running-bsp", c_vcpu_init_bsp, E(EEXIST) },
    { "vcpu-op-initialise-far", c_vcpu_init_far, E(EFAULT) },
    { "vcpu-op-initialise-straddle", c_vcpu_init_straddle, E(EFAULT) },
    { "vcpu-op-initialise-pad-nonzero-then-up", c_vcpu_init_pad, E(EINVAL) },
    { "vcpu-op-initialise-cr4-reserved-then-up", c_vcpu_init_cr4_reserved, E(EINVAL) },
    { "vcpu-op-initialise-efer-reserved-then-up", c_vcpu_init_efer_reserved, E(EINVAL) },
    { "vcpu-op-initialise-bad-mode", c_vcpu_init_mode, E(EINVAL) },
    { "vcpu-op-initialise-no-paging", c_vcpu_init_no_paging, E(EINVAL) },
    { "vcpu-op-initialise-rip-noncanonical", c_vcpu_init_rip, E(EINVAL) },
    { "vcpu-op-initialise-32b-unsupported", c_vcpu_init_32b, E(EINVAL) },
    { "vcpu-op-initialise-cr3-far-accepted", c_vcpu_init_cr3_far, 0 },
    { "vcpu-op-singleshot-other-vcpu", c_timer_other_vcpu, E(EINVAL) },
    { "vcpu-op-singleshot-future-flag-ignored", c_timer_past_future, 0 },
    { "vcpu-op-singleshot-far", c_timer_far, E(EFAULT) },
    { "vcpu-op-stop-singleshot-other-vcpu", c_timer_stop_other, E(EINVAL) },
    { "vcpu-op-vcpu-info-crosses-page", c_info_cross_page, E(ENXIO) },
    { "vcpu-op-vcpu-info-offset-huge", c_info_offset_huge, E(ENXIO) },
    { "vcpu-op-vcpu-info-offset-misaligned", c_info_misaligned, E(ENXIO) },
    { "vcpu-op-vcpu-info-rsvd-ignored", c_info_rsvd, 0 },
    { "vcpu-op-vcpu-info-marks-all-pending", c_info_all_pending, 0 },
    { "vcpu-op-vcpu-info-far", c_info_far, E(EINVAL) },
    { "vcpu-op-vcpu-info-mfn-wraps", c_info_wrap, E(EINVAL) },
    { "vcpu-op-vcpu-info-last-page-ok", c_info_end, 0 },
    { "sched-op-bad-cmd", c_sched_bad_cmd, E(ENOSYS) },
    { "sched-op-yield", c_sched_yield, 0 },
    { "sched-op-shutdown-far", c_shutdown_far, E(EFAULT) },
    { "sched-op-shutdown-straddle", c_shutdown_straddle, E(EFAULT) },
    { "sched-op-poll-too-many-ports", c_poll_many, E(EINVAL) },
    { "sched-op-poll-nr-ports-huge", c_poll_huge, E(EINVAL) },
    { "sched-op-poll-ports-far", c_poll_far, E(EFAULT) },
    { "sched-op-poll-ports-straddle", c_poll_straddle, E(EFAULT) },
    { "sched-op-poll-bad-port-before-fault", c_poll_bad_then_far, E(EINVAL) },
    { "sched-op-poll-port-past-limit", c_poll_port, E(EINVAL) },
    { "sched-op-poll-port-zero", c_poll_port_zero, E(EINVAL) },
    { "sched-op-poll-port-free", c_poll_port_free, E(EINVAL) },
    { "sched-op-poll-arg-far", c_poll_arg_far, E(EFAULT) },
    { "sched-op-poll-timeout-passed", c_poll_timeout, 0 },
    { "sched-op-poll-timeout-negative", c_poll_timeout_negative, 0 },
    { "set-timer-op-far-future", c_set_timer_far_future, 0 },
    { "set-timer-op-negative", c_set_timer_negative, 0 },
    { "set-timer-op-stop", c_set_timer_stop, 0 },
    { "set-timer-op-passed-pending-at-return", c_set_timer_passed_pending, 1 },
    { "linear-alias-above-4g-ok", c_linear_alias, 0 },
    { "linear-read-only-cr0-wp-efault", c_linear_read_only_wp, E(EFAULT) },
    { "linear-read-only-no-wp-ok", c_linear_read_only_no_wp, 0 },
    { "linear-unmapped-ram-efault", c_linear_hole, E(EFAULT) },
    { "console-io-long-write-continued", c_console_continued, 0 },
    { "memory-op-reservations-continued", c_memory_continued, 0 },
    { "memory-op-populate-unaligned-extent", c_memory_populate_unaligned, 1 },
    { "user-mode-hypercall-page-gp", c_user_page_call, VEC_GP },
    { "user-mode-raw-out-gp", c_user_raw_out, VEC_GP },
    { "user-mode-iopl3-hypercall-eperm-or-gp", c_user_iopl3, 0 },
    { "user-mode-conforming-cs-hypercall-eperm-or-gp", c_user_conforming, 0 },
};

/* "ok N - name" or "not ok N - name # got G, want W" (TAP 13). */
static int report(unsigned n, const struct hcase *c, long got)
{
    char num[24], g[24], w[24];
    int ok = got == c->expect;
    vmi_fmt_u64(num, n, 10);
    g[0] = w[0] = '-';
    vmi_fmt_u64(got < 0 ? g + 1 : g, got < 0 ? (uint64_t)-got : (uint64_t)got, 10);
    vmi_fmt_u64(c->expect < 0 ? w + 1 : w,
                c->expect < 0 ? (uint64_t)-c->expect : (uint64_t)c->expect, 10);
    puts_hc(ok ? "ok " : "not ok ");
    puts_hc(num);
    puts_hc(" - ");
    puts_hc(c->name);
    if (!ok) {
        puts_hc(" # got ");
        puts_hc(g);
        puts_hc(", want ");
        puts_hc(w);
    }
    puts_hc("\n");
    return ok;
}

/* The ring xl (or vmi-run) set up; console_io until it is found. */
static void cons_init(void)
{
    struct xen_hvm_param pfn = { .domid = DOMID_SELF, .index = HVM_PARAM_CONSOLE_PFN };
    struct xen_hvm_param evt = { .domid = DOMID_SELF, .index = HVM_PARAM_CONSOLE_EVTCHN };
    if (HVM(HVMOP_get_param, P(&pfn)) < 0 || HVM(HVMOP_get_param, P(&evt)) < 0 ||
        pfn.value == 0 || pfn.value >= (4ull << 30) >> 12 || evt.value == 0)
        return;
    cons_port = (evtchn_port_t)evt.value;
    cons = (volatile struct xencons_interface *)(uintptr_t)(pfn.value << 12);
}

/* No hypercall page, so no call works: say so on port 0xe9 (Xen's log
 * shows it as "(dN) ..."), stop vmi-run through port 0xf4, and on Xen
 * triple-fault (an IDT of limit 0), which xendomu.py reads with that
 * line as exit 99. */
static void no_page(void)
{
    static const char msg[] = "vmi: exit 99\n";
    static const struct { uint16_t limit; uint64_t base; } __attribute__((packed)) none = { 0, 0 };
    for (const char *c = msg; *c; c++)
        outb(VMI_DEBUGCON_PORT, (uint8_t)*c);
    outb(VMI_DEBUG_EXIT_PORT, VMI_EXIT_ERROR);
    __asm__ volatile("lidt %0; int3" : : "m"(none));
    for (;;)
        __asm__ volatile("cli; hlt");
}

static void find_ram_end(uint64_t start_info)
{
    const struct hvm_start_info *si = (const void *)(uintptr_t)start_info;
    const struct hvm_memmap_table_entry *m =
        (const void *)(uintptr_t)si->memmap_paddr;
    for (unsigned i = 0; i < si->memmap_entries; i++)
        if (m[i].type == XEN_HVM_MEMMAP_TYPE_RAM && m[i].addr + m[i].size > ram_end)
            ram_end = m[i].addr + m[i].size;
}

void hostile_main(uint64_t start_info)
{
    const unsigned n = sizeof(cases) / sizeof(cases[0]);
    char num[24];
    unsigned failed = 0;

    find_ram_end(start_info);
    /* The MSR cases come first: nothing works before the page does. */
    if (cases[0].fn() != cases[0].expect)
        no_page();
    cons_init();
    failed += !report(1, &cases[0], cases[0].expect);
    for (unsigned i = 1; i < n; i++)
        failed += !report(i + 1, &cases[i], cases[i].fn());
    /* The plan comes last, which TAP allows. */
    vmi_fmt_u64(num, n, 10);
    puts_hc("1..");
    puts_hc(num);
    puts_hc("\n# ");
    vmi_fmt_u64(num, failed, 10);
    puts_hc(num);
    puts_hc(" failed; last: SCHEDOP_shutdown with an unknown reason\n");
    cons_flush();
    /* Xen takes any reason and stops the domain with it (common/sched/
     * core.c: domain_shutdown(d, (u8)reason)); the runners expect that
     * stop (status 70).  Returning at all is the failure. */
    struct sched_shutdown s = { .reason = BAD_REASON };
    long r = SCHED(SCHEDOP_shutdown, P(&s));
    char g[24] = "-";
    vmi_fmt_u64(r < 0 ? g + 1 : g, r < 0 ? (uint64_t)-r : (uint64_t)r, 10);
    puts_hc("# SCHEDOP_shutdown reason 99 returned ");
    puts_hc(g);
    puts_hc("\n");
    cons_flush();
    s.reason = SHUTDOWN_crash;
    SCHED(SCHEDOP_shutdown, P(&s));
}
