/* SPDX-License-Identifier: MIT */
/*
 * xen_hcall.c: the hypercalls of the xen backend, one small function
 * each, building the argument structure of the public header on the
 * stack (identity-mapped, so its address is its GPA), and xen_status(),
 * the one translation of Xen's error codes (docs/vmi-api.md 2.4).
 */
#include <xen_insn.h>

#include "xen.h"

#include <xen/features.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/version.h>

#define HC(nr, a1, a2, a3) \
    xen_hypercall((nr), (uint64_t)(a1), (uint64_t)(a2), (uint64_t)(a3), 0, 0)
#define PTR(p) ((uint64_t)(uintptr_t)(p))

vmi_status_t xen_status(long ret)
{
    if (ret >= 0)
        return VMI_OK;
    switch (-ret) {
    case XEN_ENOSYS:
    case XEN_EPERM:
    case XEN_EACCES:
    case XEN_EOPNOTSUPP:
        return VMI_ENOSYS;
    case XEN_EFAULT:
        return VMI_EFAULT;
    case XEN_EAGAIN:
    case XEN_EBUSY:
    case XEN_ENOMEM:
    case XEN_ENOSPC:
    case XEN_ETIME:
        return VMI_EAGAIN;
    case XEN_ENODEV:
    case XEN_ENXIO:
        return VMI_ENODEV;
    default:        /* EINVAL, E2BIG, ERANGE, ENOENT, ESRCH, EBADF, EEXIST */
        return VMI_EINVAL;
    }
}

void xen_check(long ret, const char *what)
{
    if (ret < 0)
        vmi_panic(what);
}

long xen_hc_version(void)
{
    return HC(__HYPERVISOR_xen_version, XENVER_version, 0, 0);
}

long xen_hc_features(uint32_t *submap0)
{
    struct xen_feature_info fi = { .submap_idx = 0 };
    long r = HC(__HYPERVISOR_xen_version, XENVER_get_features, PTR(&fi), 0);
    *submap0 = r < 0 ? 0 : fi.submap;
    return r;
}

long xen_hc_map_shared_info(uint64_t gpfn)
{
    struct xen_add_to_physmap a = {
        .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info, .idx = 0,
        .gpfn = gpfn,
    };
    return HC(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, PTR(&a), 0);
}

long xen_hc_get_param(uint32_t index, uint64_t *value)
{
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index };
    long r = HC(__HYPERVISOR_hvm_op, HVMOP_get_param, PTR(&p), 0);
    *value = r < 0 ? 0 : p.value;
    return r;
}

long xen_hc_set_param(uint32_t index, uint64_t value)
{
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index,
                               .value = value };
    return HC(__HYPERVISOR_hvm_op, HVMOP_set_param, PTR(&p), 0);
}

long xen_hc_upcall_vector(uint32_t vcpu, uint8_t vector)
{
    struct xen_hvm_evtchn_upcall_vector u = { .vcpu = vcpu, .vector = vector };
    return HC(__HYPERVISOR_hvm_op, HVMOP_set_evtchn_upcall_vector, PTR(&u), 0);
}

long xen_hc_bind_virq(uint32_t virq, uint32_t vcpu, uint32_t *port)
{
    struct evtchn_bind_virq b = { .virq = virq, .vcpu = vcpu };
    long r = HC(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, PTR(&b), 0);
    *port = r < 0 ? 0 : b.port;
    return r;
}

long xen_hc_bind_ipi(uint32_t vcpu, uint32_t *port)
{
    struct evtchn_bind_ipi b = { .vcpu = vcpu };
    long r = HC(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_ipi, PTR(&b), 0);
    *port = r < 0 ? 0 : b.port;
    return r;
}

long xen_hc_send(uint32_t port)
{
    struct evtchn_send s = { .port = port };
    return HC(__HYPERVISOR_event_channel_op, EVTCHNOP_send, PTR(&s), 0);
}

long xen_hc_unmask(uint32_t port)
{
    struct evtchn_unmask u = { .port = port };
    return HC(__HYPERVISOR_event_channel_op, EVTCHNOP_unmask, PTR(&u), 0);
}

long xen_hc_vcpu_op(int cmd, uint32_t vcpu, void *arg)
{
    return HC(__HYPERVISOR_vcpu_op, cmd, vcpu, PTR(arg));
}

/* Flags 0, not VCPU_SSHOTTMR_future: a passed deadline fires at once
 * instead of failing with -ETIME (the alarm_set contract). */
long xen_hc_singleshot(uint32_t vcpu, uint64_t deadline_ns)
{
    struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = deadline_ns,
                                           .flags = 0 };
    return xen_hc_vcpu_op(VCPUOP_set_singleshot_timer, vcpu, &t);
}

long xen_hc_poll(uint32_t *ports, unsigned n, uint64_t timeout_ns)
{
    struct sched_poll p = { .nr_ports = n, .timeout = timeout_ns };
    set_xen_guest_handle(p.ports, ports);
    return HC(__HYPERVISOR_sched_op, SCHEDOP_poll, PTR(&p), 0);
}

long xen_hc_yield(void)
{
    return HC(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
}

long xen_hc_shutdown(unsigned reason)
{
    struct sched_shutdown s = { .reason = reason };
    return HC(__HYPERVISOR_sched_op, SCHEDOP_shutdown, PTR(&s), 0);
}

long xen_hc_console_write(const char *buf, size_t len)
{
    return HC(__HYPERVISOR_console_io, CONSOLEIO_write, len, PTR(buf));
}
