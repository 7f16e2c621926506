/* SPDX-License-Identifier: MIT */
/*
 * hv_hcall.h: Hyper-V hypercalls from the hyperv backend: the input
 * value encoding, the call through the hypercall page, the rep loop and
 * the one translation of HV_STATUS codes into vmi_status_t.
 *
 * ABI [T: hypercall-interface] (x64): `call` the hypercall page with
 * RCX = input value, RDX = input GPA (fast: argument 1), R8 = output GPA
 * (fast: argument 2); the result value comes back in RAX.  The page holds
 * whatever the hypervisor wrote: VMCALL/VMMCALL on Hyper-V, an `out` to
 * a port the monitor owns under vmi-run (hyperv/tlfs.h).  The call
 * itself is hv_hcall_insn() of <hv_insn.h>.
 */
#ifndef VMI_HV_HCALL_H
#define VMI_HV_HCALL_H

#include <stdbool.h>
#include <stdint.h>

#include <hv_insn.h>

#include "hyperv/tlfs.h"
#include "vmi/types.h"

/* The input value (RCX) for call (code); (reps) and (start) for rep
 * calls, both 0 for simple ones. */
static inline uint64_t hv_control(uint16_t code, bool fast, unsigned reps,
                                  unsigned start)
{
    return (uint64_t)code | (fast ? HV_HC_FAST : 0) |
           ((uint64_t)(reps & HV_HC_REP_MASK) << HV_HC_REP_COUNT_SHIFT) |
           ((uint64_t)(start & HV_HC_REP_MASK) << HV_HC_REP_START_SHIFT);
}

static inline unsigned hv_result_status(uint64_t result)
{
    return (unsigned)(result & HV_RESULT_STATUS_MASK);
}

static inline unsigned hv_result_reps(uint64_t result)
{
    return (unsigned)(result >> HV_RESULT_REPS_SHIFT & HV_HC_REP_MASK);
}

/* One hypercall through hv_hcall_page; the raw result value. */
uint64_t hv_hcall(uint64_t control, uint64_t in, uint64_t out);
/* A simple fast call with two register arguments; the raw result. */
uint64_t hv_hcall_fast(uint16_t code, uint64_t a1, uint64_t a2);
/* A rep call of (reps) repetitions from input page (in): re-issued with
 * rep start = reps completed until all are done or an error comes back
 * [T: hypercall-interface "Hypercall Continuation"]; the last result. */
uint64_t hv_hcall_rep(uint16_t code, unsigned reps, uint64_t in,
                      uint64_t out);

/* The one translation of HV_STATUS (the low 16 bits of a result) into
 * vmi_status_t (docs/vmi-api.md 2.4). */
vmi_status_t hv_status(uint64_t result);

#endif
