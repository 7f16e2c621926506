/* SPDX-License-Identifier: MIT */
/* trap.h: exception and interrupt entry of the guest kernel (arch layer). */
#ifndef ARCH_TRAP_H
#define ARCH_TRAP_H

#include <stdint.h>

/* Intel SDM Vol. 3A Table 6-1: the 32 architecture-defined vectors. */
#define TRAP_EXCEPTIONS 32
#define TRAP_UD 6
#define TRAP_DF 8
#define TRAP_GP 13
#define TRAP_PF 14

/* The registers entry.S saves, lowest address first. */
struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;         /* error is 0 where the CPU pushes none */
    uint64_t rip, cs, rflags, rsp, ss;
};

_Static_assert(sizeof(struct trap_frame) % 16 == 0, "keeps rsp 16-aligned");

/* entry.S: stub addresses for vectors 0..31, then VMI_VECTOR_FIRST..LAST. */
extern const uint64_t trap_stub_table[];
void trap_spurious(void);
/* entry.S: the stub of vector 0x80, for a DPL3 gate (desc_set_user_gate). */
void trap_stub_user(void);
/* entry.S: pop a struct trap_frame at rsp and iretq (swapgs if to CPL3). */
void trap_return(void);

/* Whether frame (f) interrupted user mode (CPL3). */
static inline int trap_from_user(const struct trap_frame *f)
{
    return (f->cs & 3) == 3;
}

/* A kernel with user mode registers one function that gets every trap
 * from CPL3 (after vmi_event_dispatch for a backend vector, so that it can
 * preempt) and every exception it does not own; it must handle the
 * others itself (kill the process).  Without one, a trap from CPL3
 * panics like a kernel fault. */
typedef void trap_user_fn(struct trap_frame *f);
void trap_set_user_handler(trap_user_fn *fn);

/* The mnemonic of exception (vector), e.g. "#PF", or "?" past 31. */
const char *trap_name(unsigned vector);

/* Called by entry.S for every vector it handles. */
void trap_dispatch(struct trap_frame *f);

#endif
