/* SPDX-License-Identifier: MIT */
/*
 * mock_hv.c: the hypercall handler behind tests/unit/mock/hv_insn.h
 * (hv_mock.h), and a stand-in for the page of hv_hcall_page.S, for the
 * hyperv backend's host build.
 */
#include "hv_mock.h"
#include "hyperv.h"

uint8_t hv_hcall_page[HV_PAGE_SIZE];

static hv_mock_fn *hv_mock_fn_now;

void hv_mock_reset(hv_mock_fn *fn)
{
    hv_mock_fn_now = fn;
}

uint64_t hv_mock_hcall(uint64_t control, uint64_t in, uint64_t out)
{
    if (!hv_mock_fn_now)
        return HV_STATUS_INVALID_HYPERCALL_CODE;
    return hv_mock_fn_now(control, in, out);
}
