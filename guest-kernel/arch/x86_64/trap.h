/* SPDX-License-Identifier: MIT */
/* trap.h: exception and interrupt entry of the guest kernel (arch layer). */
#ifndef ARCH_TRAP_H
#define ARCH_TRAP_H

#include <stdint.h>

#include "vmi/boot.h"

/* Intel SDM Vol. 3A Table 6-1: the 32 architecture-defined vectors. */
#define TRAP_EXCEPTIONS 32
#define TRAP_DB 1
#define TRAP_NMI 2
#define TRAP_UD 6
#define TRAP_DF 8
#define TRAP_GP 13
#define TRAP_PF 14

/* Every trap comes through the boot library's stubs (vmi_trap_stubs) as
 * a struct vmi_trap_frame to vmi_trap(), which trap.c defines; the
 * library's vmi_trap_return pops one and leaves (swapgs if to CPL3). */
_Static_assert(sizeof(struct vmi_trap_frame) % 16 == 0, "keeps rsp 16-aligned");

/* Whether frame (f) interrupted user mode (CPL3). */
static inline int trap_from_user(const struct vmi_trap_frame *f)
{
    return (f->cs & 3) == 3;
}

/* A kernel with user mode registers one function that gets every trap
 * from CPL3 (after vmi_event_dispatch for a backend vector, so that it can
 * preempt) and every exception it does not own; it must handle the
 * others itself (kill the process).  Without one, a trap from CPL3
 * panics like a kernel fault. */
typedef void trap_user_fn(struct vmi_trap_frame *f);
void trap_set_user_handler(trap_user_fn *fn);

/* A kernel (the ops benchmark, bench/guest) may take every #DB from CPL0
 * itself, e.g. the single-step trap of EFLAGS.TF (Intel SDM Vol. 3B
 * 17.3.1.4); it returns to resume the interrupted code.  Without one a
 * #DB panics like any unexpected exception. */
typedef void trap_debug_fn(struct vmi_trap_frame *f);
void trap_set_debug_handler(trap_debug_fn *fn);

/* Vector (vector) >= 32 has a handler of the kernel's own (the system
 * call's): vmi_trap passes it to the user handler instead of counting it
 * as stray. */
void trap_claim(unsigned vector);

/* What vmi_trap ignored so far, on every CPU: NMIs (each reported, up to
 * TRAP_NMI_REPORTS lines, and returned from), stray vectors (from 32 up,
 * neither the backend's nor claimed: the first of each vector reported;
 * no EOI is sent, see docs/kernel.md), and the LAPIC's spurious vector
 * VMI_VECTOR_SPURIOUS (silent). */
#define TRAP_NMI_REPORTS 8
struct trap_ignored {
    uint64_t nmi, stray, spurious;
};
void trap_ignored(struct trap_ignored *out);

/* The mnemonic of exception (vector), e.g. "#PF", or "?" past 31. */
const char *trap_name(unsigned vector);

#endif
