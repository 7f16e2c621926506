/* SPDX-License-Identifier: MIT */
/*
 * vmi/boot.h: the boot library, libvmi-boot.a, that any vmi kernel may link
 * (docs/porting.md).  It holds the PVH ELF note and the Multiboot2 header,
 * both 32-bit entry points, the switch to long mode on an identity map of
 * the first 4 GiB, the boot CPU's stack, the loader's information decoded
 * into struct vmi_boot_info, and a default trap entry.  It then calls
 * vmi_main(), the kernel's entry:
 *
 *   vmi_pvh_start / vmi_mb2_start   (32-bit, paging off; the loader's entry)
 *     long mode, early page tables, vmi_boot_stack
 *     vmi_boot_start(proto, info):
 *       vmi_boot_parse()            the loader's information
 *       vmi_trap_early()            the library's IDT, without ops
 *       vmi_init(&bi->boot)         the backend (vmi/ops.h: first)
 *       vmi_cpu_init(0)
 *       vmi_boot_traps()            weak: the library's IDT (below)
 *       vmi_main(bi)                the kernel's; must not return
 *
 * Included from assembly too: numbers only outside __ASSEMBLER__.
 */
#ifndef VMI_BOOT_H
#define VMI_BOOT_H

/* Xen public/arch-x86/hvm/start_info.h: XEN_HVM_START_MAGIC_VALUE, found at
 * offset 0 of the hvm_start_info that ebx points to on PVH entry. */
#define VMI_BOOT_PVH_MAGIC 0x336ec578
/* Multiboot2 spec, "I386 machine state": eax on entry from a loader. */
#define VMI_BOOT_MB2_EAX_MAGIC 0x36d76289
/* Multiboot2 spec, "OS image format": header magic, i386 architecture. */
#define VMI_BOOT_MB2_HEADER_MAGIC 0xe85250d6
#define VMI_BOOT_MB2_ARCH_I386 0

/* Which protocol entered the kernel (struct vmi_boot_info.proto). */
#define VMI_BOOT_PVH 1
#define VMI_BOOT_MB2 2

/* Selectors of the boot GDT: a 64-bit code and a data segment.  A kernel
 * that loads its own GDT keeps these two at the same selectors, or reloads
 * CS and the data segments itself. */
#define VMI_BOOT_CS 0x08
#define VMI_BOOT_DS 0x10

/* The boot CPU's stack (bytes, .bss), on which vmi_main runs. */
#define VMI_BOOT_STACK_SIZE 16384

/* Limits of struct vmi_boot_info.  A memory map with more ranges than
 * VMI_BOOT_MEM_MAX, after adjacent ranges of one type are merged, is
 * counted (mem_total) but not kept: the kernel must refuse it. */
#define VMI_BOOT_MEM_MAX 512
#define VMI_BOOT_KEEP_MAX 4
#define VMI_BOOT_CMDLINE_MAX 256

#ifndef __ASSEMBLER__

#include <stdint.h>

#include "vmi.h"

struct vmi_boot_range {
    uint64_t base;
    uint64_t len;
};

/* What the loader told the kernel, from either protocol, in one form. */
struct vmi_boot_info {
    struct vmi_boot boot;               /* what vmi_init got */
    unsigned proto;                     /* VMI_BOOT_PVH or VMI_BOOT_MB2 */
    const char *proto_name;             /* "pvh", "multiboot2" */
    int status;                         /* vmi_boot_parse(): 0, or -1 */
    const char *mem_source;             /* where mem[] came from */
    /* The memory map (boot.mem and boot.nr_mem point here), in the
     * loader's order, cut at 2^52 (the widest physical address),
     * adjacent ranges of one type merged, empty ones dropped; nr_mem <
     * mem_total means it did not fit. */
    struct vmi_boot_mem mem[VMI_BOOT_MEM_MAX];
    unsigned nr_mem;
    /* Loader data that must not be allocated over (info block, RSDP copy). */
    struct vmi_boot_range keep[VMI_BOOT_KEEP_MAX];
    unsigned nr_keep;
    char cmdline[VMI_BOOT_CMDLINE_MAX]; /* copied; boot.cmdline points here */
    unsigned mem_total;                 /* the map's ranges (merged while
                                           they fit), kept or not */
};

/* ---- What the kernel provides (docs/porting.md; the linker script
 * names each one that is missing). */

/* The kernel's entry, on the boot CPU, on vmi_boot_stack, with delivery
 * masked, after vmi_init and vmi_cpu_init(0) and vmi_boot_traps().  (bi)
 * stays valid for ever.  Must not return. */
VMI_NORETURN void vmi_main(const struct vmi_boot_info *bi);

/* ---- Weak defaults the kernel may replace. */

/* Called once before vmi_main.  Default: vmi_trap_install(), so that
 * backend vectors reach vmi_event() and exceptions vmi_trap(). */
void vmi_boot_traps(void);

/* The registers the library's trap entry saves, lowest address first:
 * every trap enters vmi_trap() with this frame. */
struct vmi_trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;         /* error is 0 where the CPU pushes none */
    uint64_t rip, cs, rflags, rsp, ss;
};

/* The C side of every trap, with delivery masked (interrupt gates).
 * Default: a vector in VMI_VECTOR_FIRST..VMI_VECTOR_LAST goes to
 * vmi_event_dispatch(); the spurious vector, an NMI and every other
 * vector from 32 up (firmware's, a PIC's) are ignored; an exception
 * resumes at vmi_fixup_lookup(rip) if there is one, else it is printed
 * ("vmi: unhandled #GP ...") and vmi_panic() ends the machine.  A kernel
 * that replaces it must keep the first and the third. */
void vmi_trap(struct vmi_trap_frame *f);

/* ---- The library's trap entry, for kernels that keep or extend it. */

/* Stub addresses for all 256 vectors: each pushes an error code of 0
 * where the CPU pushes none, then the vector, saves the registers and
 * calls vmi_trap().  From CPL3 the entry and the exit swapgs (Intel SDM
 * Vol. 2B SWAPGS), so a kernel may keep per-CPU data in GS base. */
extern const uint64_t vmi_trap_stubs[256];
/* Restore a struct vmi_trap_frame at rsp and iretq: the stubs' exit, for
 * a kernel that enters user mode through a frame it built. */
void vmi_trap_return(void);
/* Build (once) the library's IDT: interrupt gates on VMI_BOOT_CS for all
 * 256 vectors, written with vmi_write_idt_entry; load it on this CPU with
 * vmi_load_idt.  A secondary CPU calls it after vmi_cpu_init. */
void vmi_trap_install(void);
/* The same IDT, written with plain stores and loaded with LIDT: what
 * vmi_boot_start loads before vmi_init, when no op may run yet, so that
 * a fault in the backend's init reaches vmi_trap.  A kernel's vmi_trap
 * must then expect traps before vmi_main (vmi_console_write is best
 * effort there: the backend's console may not be up). */
void vmi_trap_early(void);

/* ---- The pieces, for tests and for kernels with their own entry. */

/* The boot CPU's stack, VMI_BOOT_STACK_SIZE bytes. */
extern char vmi_boot_stack[];

/* Decode the loader's information at physical address (info) for protocol
 * (proto) into (bi).  Returns 0, or -1 if the magic or sizes are invalid;
 * (bi) is usable (empty cmdline, no memory map) either way. */
int vmi_boot_parse(unsigned proto, uint64_t info, struct vmi_boot_info *bi);

/* Symbols of the linker script (vmi.ld): the image's first and last byte
 * (page-aligned end), and its text. */
extern char _kernel_start[], _kernel_end[], _text_start[], _text_end[];

#endif /* __ASSEMBLER__ */

#endif
