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

#endif
