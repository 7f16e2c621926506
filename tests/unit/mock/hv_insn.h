/* SPDX-License-Identifier: MIT */
/*
 * hv_insn.h (mock): the host-test replacement of
 * backends/hyperv/hv_insn.h.  The same function, but the call goes to
 * the handler the test installed (hv_mock.h).
 */
#ifndef VMI_HV_INSN_H
#define VMI_HV_INSN_H

#include <stdint.h>

#include "hv_mock.h"

static inline uint64_t hv_hcall_insn(const void *page, uint64_t control,
                                     uint64_t in, uint64_t out)
{
    (void)page;
    return hv_mock_hcall(control, in, out);
}

#endif
