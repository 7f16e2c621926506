/* SPDX-License-Identifier: MIT */
/*
 * hv_mock.h: the mocked hypercall page behind tests/unit/mock/hv_insn.h,
 * for the hyperv backend's host build: every hypercall goes to the
 * test's handler, which sees the input value and the two GPAs (host
 * pointers: host memory stands in for guest memory).
 */
#ifndef VMI_HV_MOCK_H
#define VMI_HV_MOCK_H

#include <stdint.h>

/* Answers one call with a TLFS result value. */
typedef uint64_t hv_mock_fn(uint64_t control, uint64_t in, uint64_t out);

/* Install (fn); NULL: every call fails with
 * HV_STATUS_INVALID_HYPERCALL_CODE. */
void hv_mock_reset(hv_mock_fn *fn);

/* The implementation behind hv_insn.h. */
uint64_t hv_mock_hcall(uint64_t control, uint64_t in, uint64_t out);

#endif
