/* SPDX-License-Identifier: MIT */
/* hv_hcall.c: Hyper-V hypercalls of the hyperv backend: the call, the
 * rep-call continuation loop and the HV_STATUS translation. */
#include "hyperv.h"

uint64_t hv_hcall(uint64_t control, uint64_t in, uint64_t out)
{
    return hv_hcall_insn(hv_hcall_page, control, in, out);
}

uint64_t hv_hcall_fast(uint16_t code, uint64_t a1, uint64_t a2)
{
    return hv_hcall(hv_control(code, true, 0, 0), a1, a2);
}

uint64_t hv_hcall_rep(uint16_t code, unsigned reps, uint64_t in, uint64_t out)
{
    unsigned start = 0;
    uint64_t r;

    for (;;) {
        r = hv_hcall(hv_control(code, false, reps, start), in, out);
        unsigned done = hv_result_reps(r);
        if (hv_result_status(r) != HV_STATUS_SUCCESS || done >= reps)
            return r;
        /* Fewer reps done: resume from there.  Going backwards would
         * loop forever; report it as the hypervisor's input error. */
        if (done < start)
            return (r & ~HV_RESULT_STATUS_MASK) |
                   HV_STATUS_INVALID_HYPERCALL_INPUT;
        start = done;
    }
}

vmi_status_t hv_status(uint64_t result)
{
    switch (hv_result_status(result)) {
    case HV_STATUS_SUCCESS:
        return VMI_OK;
    case HV_STATUS_INVALID_HYPERCALL_CODE:
    case HV_STATUS_ACCESS_DENIED:
    case HV_STATUS_OPERATION_DENIED:
    case HV_STATUS_PROCESSOR_FEATURE_NOT_SUPPORTED:
        return VMI_ENOSYS;
    case HV_STATUS_INSUFFICIENT_MEMORY:
    case HV_STATUS_INSUFFICIENT_BUFFERS:
    case HV_STATUS_NOT_ACKNOWLEDGED:
    case HV_STATUS_NO_RESOURCES:
    case HV_STATUS_TIME_OUT:
    case HV_STATUS_CALL_PENDING:
        return VMI_EAGAIN;
    case HV_STATUS_NOT_FOUND:
        return VMI_ENODEV;
    default:    /* the INVALID_* family, OPERATION_FAILED, unknown codes */
        return VMI_EINVAL;
    }
}
