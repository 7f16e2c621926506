/* SPDX-License-Identifier: MIT */
/* kvm_hypercall.c: KVM's return codes and the hypercalls of the kvm
 * backend (see kvm_hypercall.h). */
#include "kvm_hypercall.h"

vmi_status_t kvm_status(long ret)
{
    if (ret >= 0)
        return VMI_OK;
    switch (-ret) {
    case KVM_ENOSYS:        /* unknown number, or the feature is off */
    case KVM_EOPNOTSUPP:    /* e.g. CLOCK_PAIRING without a TSC host clock */
    case KVM_EPERM:         /* not CPL0: the call is not ours to make */
        return VMI_ENOSYS;
    case KVM_EFAULT:        /* a guest address the host could not use */
        return VMI_EFAULT;
    case KVM_EINVAL:
    case KVM_E2BIG:
    default:                /* nothing else is documented: a bad call */
        return VMI_EINVAL;
    }
}

vmi_status_t kvm_hc_kick_cpu(uint32_t apic_id)
{
    /* hypercalls.rst KVM_HC_KICK_CPU: a0 is reserved flags, must be 0. */
    return kvm_status(kvm_hypercall4(KVM_HC_KICK_CPU, 0, apic_id, 0, 0));
}

vmi_status_t kvm_hc_send_ipi(uint64_t lo, uint64_t hi, uint32_t min,
                             uint32_t icr)
{
    /* Returns the number of CPUs the IPI was delivered to, or -errno. */
    return kvm_status(kvm_hypercall4(KVM_HC_SEND_IPI, lo, hi, min, icr));
}

vmi_status_t kvm_hc_sched_yield(uint32_t apic_id)
{
    return kvm_status(kvm_hypercall4(KVM_HC_SCHED_YIELD, apic_id, 0, 0, 0));
}
