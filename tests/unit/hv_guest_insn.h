/* SPDX-License-Identifier: MIT */
/*
 * hv_guest_insn.h: the hyperv backend's own hypercall asm
 * (backends/hyperv/hv_insn.h), built for the host by hv_guest_insn.c and
 * run against a stand-in hypercall page that records the TLFS input
 * registers and, as the x64 calling convention the page follows allows,
 * overwrites every volatile general register it does not return in.
 */
#ifndef TEST_HV_GUEST_INSN_H
#define TEST_HV_GUEST_INSN_H

#include <stdint.h>

/* What the last call found: RCX, RDX, R8; and what it answers in RAX. */
struct hv_guest_regs {
    uint64_t rcx, rdx, r8;
    uint64_t ret;
};
extern struct hv_guest_regs hv_guest_regs;

/* hv_hcall_insn() of the guest header through the stand-in page, with
 * more values live across it than non-volatile registers can hold;
 * returns the result, and in (*kept) whether those values survived. */
uint64_t hv_guest_hcall(uint64_t control, uint64_t in, uint64_t out,
                        int *kept);

#endif
