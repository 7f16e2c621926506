/* SPDX-License-Identifier: MIT */
/*
 * vmi/fixup.h: the exception-fixup table of a vmi backend, for the kernel's
 * #GP (and #UD) handler.  The backend's _safe ops (read_msr_safe,
 * write_msr_safe) execute instructions that may fault; each such
 * instruction has an entry {fault rip, fixup rip} in the linker section
 * `vmi_fixup` (the idea of Linux's _ASM_EXTABLE).  Before treating a fault
 * in kernel mode as fatal, the kernel's handler calls
 *
 *     uint64_t fix = vmi_fixup_lookup(frame->rip);
 *     if (fix) { frame->rip = fix; return; }   // resume; the op returns VMI_EFAULT
 *
 * Linker script: leave the section `vmi_fixup` to the linker as an orphan
 * (do not name it inside another output section, and do not discard it).
 * GNU ld then defines __start_vmi_fixup/__stop_vmi_fixup.  If you list it
 * yourself, use an output section named exactly `vmi_fixup` and KEEP() it.
 * The fixup stubs live in `.text.vmi_fixup`, which `*(.text*)` collects.
 */
#ifndef VMI_FIXUP_H
#define VMI_FIXUP_H

#include <stdint.h>

/* One entry of the table: a faulting instruction and where to resume. */
struct vmi_fixup {
    uint64_t insn;
    uint64_t fixup;
};

/* (rip): the faulting instruction pointer from the exception frame.
 * Returns the address to resume at, or 0 if rip is not a fixable
 * instruction (then the fault is a real one).  Callable with interrupts
 * off, from any exception context; reads only the table. */
uint64_t vmi_fixup_lookup(uint64_t rip);

/* The same search over an explicit table [begin, end); used by
 * vmi_fixup_lookup and by the unit tests. */
uint64_t vmi_fixup_search(const struct vmi_fixup *begin,
                          const struct vmi_fixup *end, uint64_t rip);

#endif
