/* SPDX-License-Identifier: MIT */
/*
 * tests/monitor/guests/guest.h: shared pieces of the tiny hostile guests:
 * the PVH entry note (Xen public/elfnote.h XEN_ELFNOTE_PHYS32_ENTRY = 18,
 * 8-byte desc as QEMU 7.2 reads it) and the ports of include/vmi/abi.h.
 * Every guest starts in 32-bit protected mode, paging off (PVH ABI).
 */
#ifndef GUEST_H
#define GUEST_H

#include "vmi/abi.h"

#define PVH_NOTE(entry)                 \
	.pushsection .note.pvh, "a";    \
	.p2align 2;                     \
	.long 4;                        \
	.long 8;                        \
	.long 18;                       \
	.asciz "Xen";                   \
	.p2align 2;                     \
	.quad entry;                    \
	.popsection

/*
 * CMDLINE_NUM: emit the routine cmdline_num, which returns in %eax the
 * first decimal number of the guest command line (0 if it has none,
 * modulo 2^32) and in %esi the byte after it; clobbers %ecx.  It reads
 * hvm_start_info.cmdline_paddr (offset 24, Xen public/arch-x86/
 * hvm/start_info.h) through %ebx, which holds the start_info address at
 * PVH entry.  32-bit code; needs a stack.
 */
#define CMDLINE_NUM                     \
cmdline_num:                            \
	mov 24(%ebx), %esi;             \
	xor %eax, %eax;                 \
90:	movzbl (%esi), %ecx;            \
	test %ecx, %ecx;                \
	jz 92f;                         \
	sub $0x30, %ecx;                \
	cmp $9, %ecx;                   \
	jbe 91f;                        \
	inc %esi;                       \
	jmp 90b;                        \
91:	imul $10, %eax, %eax;           \
	add %ecx, %eax;                 \
	inc %esi;                       \
	movzbl (%esi), %ecx;            \
	sub $0x30, %ecx;                \
	cmp $9, %ecx;                   \
	jbe 91b;                        \
92:	ret

#endif
