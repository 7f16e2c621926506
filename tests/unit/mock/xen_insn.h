/* SPDX-License-Identifier: MIT */
/*
 * xen_insn.h (mock): the host-test replacement of backends/xen/xen_insn.h.
 * The same function, but the call goes to xen_mock_hypercall()
 * (xen_mock.h), which records it and lets the test answer.
 */
#ifndef VMI_XEN_INSN_H
#define VMI_XEN_INSN_H

#include <stdint.h>

#include "xen_mock.h"

static inline long xen_hypercall(unsigned nr, uint64_t a1, uint64_t a2,
                                 uint64_t a3, uint64_t a4, uint64_t a5)
{
    return xen_mock_hypercall(nr, a1, a2, a3, a4, a5);
}

#endif
