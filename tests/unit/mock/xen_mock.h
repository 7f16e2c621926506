/* SPDX-License-Identifier: MIT */
/*
 * xen_mock.h: the mocked hypercall page behind tests/unit/mock/xen_insn.h,
 * for the xen backend's host build: every hypercall is recorded with its
 * arguments and answered by the test's handler, which sees the argument
 * structures through the pointers (host memory stands in for guest
 * memory).
 */
#ifndef VMI_XEN_MOCK_H
#define VMI_XEN_MOCK_H

#include <stdint.h>

#define XEN_MOCK_MAX 256

struct xen_mock_call {
    unsigned nr;
    uint64_t a[5];
};

/* Answers one call; may read and write the structures it points to. */
typedef long xen_mock_fn(const struct xen_mock_call *c);

struct xen_mock {
    unsigned n;                             /* calls so far */
    struct xen_mock_call call[XEN_MOCK_MAX];
    xen_mock_fn *fn;                        /* NULL: every call -ENOSYS */
};

extern struct xen_mock xen_mock;

/* Forget the recorded calls and install (fn). */
void xen_mock_reset(xen_mock_fn *fn);

/* The implementation behind xen_insn.h: record, then answer. */
long xen_mock_hypercall(unsigned nr, uint64_t a1, uint64_t a2, uint64_t a3,
                        uint64_t a4, uint64_t a5);

#endif
