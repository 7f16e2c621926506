/* SPDX-License-Identifier: MIT */
/*
 * bootinfo.h: what the loader told the kernel, decoded from either boot
 * protocol (PVH hvm_start_info or Multiboot2 info) into one form.
 */
#ifndef ARCH_BOOTINFO_H
#define ARCH_BOOTINFO_H

#include <stdint.h>

#include "vmi/types.h"

#define BOOT_MEM_MAX 32
#define BOOT_KEEP_MAX 4
#define BOOT_CMDLINE_MAX 256

/* E820 type numbers, shared by the PVH memmap (Xen public/arch-x86/hvm/
 * start_info.h XEN_HVM_MEMMAP_TYPE_RAM) and Multiboot2 tag 6. */
#define BOOT_MEM_RAM 1

struct boot_range {
    uint64_t base;
    uint64_t len;
};

struct boot_mem {
    uint64_t base;
    uint64_t len;
    uint32_t type;
};

struct boot_info {
    unsigned proto;                     /* BOOT_PROTO_* */
    const char *proto_name;             /* "pvh", "multiboot2" */
    const char *mem_source;             /* where mem[] came from */
    struct vmi_boot vmi;                /* what vmi_init gets */
    struct boot_mem mem[BOOT_MEM_MAX];
    unsigned nr_mem;
    /* Loader data that must not be allocated over (info block, RSDP copy). */
    struct boot_range keep[BOOT_KEEP_MAX];
    unsigned nr_keep;
    char cmdline[BOOT_CMDLINE_MAX];     /* copied; vmi.cmdline points here */
};

/*
 * Decode the loader's information at physical address (info) for protocol
 * (proto) into (bi).  Returns 0, or -1 if the magic or sizes are invalid;
 * (bi) is usable (empty cmdline, no memory map) either way.
 */
int boot_parse(unsigned proto, uint64_t info, struct boot_info *bi);

#endif
