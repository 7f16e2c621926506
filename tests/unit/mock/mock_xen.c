/* SPDX-License-Identifier: MIT */
/*
 * mock_xen.c: the recording hypercall page behind tests/unit/mock/xen_insn.h
 * (xen_mock.h), and stand-ins for the two symbols of xen_entry.S (the
 * page itself and the AP entry point), for the xen backend's host build.
 */
#include <xen_insn.h>

#include "xen.h"
#include "xen_mock.h"

struct xen_mock xen_mock;
uint8_t xen_hypercall_page[4096];

void xen_mock_reset(xen_mock_fn *fn)
{
    xen_mock.n = 0;
    xen_mock.fn = fn;
}

long xen_mock_hypercall(unsigned nr, uint64_t a1, uint64_t a2, uint64_t a3,
                        uint64_t a4, uint64_t a5)
{
    struct xen_mock_call c = { nr, { a1, a2, a3, a4, a5 } };
    if (xen_mock.n < XEN_MOCK_MAX)
        xen_mock.call[xen_mock.n] = c;
    xen_mock.n++;
    return xen_mock.fn ? xen_mock.fn(&c) : -XEN_ENOSYS;
}

/* Never run on the host: only its address goes into a start context. */
void xen_ap_start(void)
{
}
