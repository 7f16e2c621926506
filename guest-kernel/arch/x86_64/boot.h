/* SPDX-License-Identifier: MIT */
/*
 * boot.h: constants shared by the 32-bit entry code (head.S) and the C
 * boot path.  Included from assembly: numbers only.
 */
#ifndef ARCH_BOOT_H
#define ARCH_BOOT_H

/* Xen public/arch-x86/hvm/start_info.h: XEN_HVM_START_MAGIC_VALUE, found at
 * offset 0 of the hvm_start_info that ebx points to on PVH entry. */
#define BOOT_PVH_MAGIC 0x336ec578
/* Multiboot2 spec, "I386 machine state": eax on entry from a loader. */
#define BOOT_MB2_EAX_MAGIC 0x36d76289
/* Multiboot2 spec, "OS image format": header magic, i386 architecture. */
#define BOOT_MB2_HEADER_MAGIC 0xe85250d6
#define BOOT_MB2_ARCH_I386 0

/* Which protocol entered the kernel; head.S passes it to kmain. */
#define BOOT_PROTO_PVH 1
#define BOOT_PROTO_MB2 2

/* Selectors of the boot GDT in head.S, equal to the kernel GDT's (desc.c),
 * so that loading the kernel GDT on the boot CPU keeps CS valid. */
#define BOOT_CS 0x08
#define BOOT_DS 0x10

/* The boot CPU's stack (bytes), in .bss. */
#define BOOT_STACK_SIZE 16384

#endif
