/* SPDX-License-Identifier: MIT */
/*
 * test_kvm_trap.h: the host side of the kvm backend's hypercall mock.  The
 * host build makes VMCALL UD2 (0f 0b) and VMMCALL UD1 (0f b9 c0)
 * (kvm_hypercall.h); this SIGILL handler stands in for KVM: it records
 * which of the two trapped, RAX (number) and RBX, RCX, RDX, RSI (a0..a3)
 * exactly as the asm constraints placed them, returns trap.ret in RAX and
 * resumes after the instruction.  The includer
 * defines _GNU_SOURCE before any header (REG_* of <sys/ucontext.h>).
 */
#ifndef TEST_KVM_TRAP_H
#define TEST_KVM_TRAP_H

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#define TRAP_MAX 16

enum trap_insn { TRAP_VMCALL = 1, TRAP_VMMCALL };

struct trap_call {
    uint64_t nr, a0, a1, a2, a3;
    enum trap_insn insn;
};

static struct {
    struct trap_call call[TRAP_MAX];
    unsigned n;
    long ret;           /* what the "host" answers */
} trap;

static void trap_sigill(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    (void)si;
    greg_t *g = ((ucontext_t *)ctx)->uc_mcontext.gregs;
    const uint8_t *ip = (const uint8_t *)(uintptr_t)g[REG_RIP];
    enum trap_insn insn;
    unsigned len;
    if (ip[0] == 0x0f && ip[1] == 0x0b)
        insn = TRAP_VMCALL, len = 2;
    else if (ip[0] == 0x0f && ip[1] == 0xb9 && ip[2] == 0xc0)
        insn = TRAP_VMMCALL, len = 3;
    else
        abort();    /* a real illegal instruction */
    if (trap.n == TRAP_MAX)
        abort();    /* a runaway loop */
    trap.call[trap.n++] = (struct trap_call){
        (uint64_t)g[REG_RAX], (uint64_t)g[REG_RBX], (uint64_t)g[REG_RCX],
        (uint64_t)g[REG_RDX], (uint64_t)g[REG_RSI], insn };
    g[REG_RAX] = trap.ret;
    g[REG_RIP] += len;
}

/* Forget recorded calls, answer (ret) from now on, catch UD2.  Call it
 * in the test function itself: cmocka installs its own SIGILL handler
 * around each setup and test function. */
static inline void trap_reset(long ret)
{
    memset(&trap, 0, sizeof(trap));
    trap.ret = ret;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = trap_sigill;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGILL, &sa, NULL);
}

#endif
