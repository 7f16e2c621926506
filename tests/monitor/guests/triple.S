/* SPDX-License-Identifier: MIT */
/* tests/monitor/guests/triple.S: load an empty IDT and raise #UD: the
 * #UD cannot be delivered (#GP), nor can that (#DF): a triple fault
 * (SDM vol. 3A 6.15, "Interrupt 8 - Double Fault Exception"). */
#include "guest.h"

	PVH_NOTE(_start)
	.code32
	.text
	.globl _start
_start:
	lidt idt_empty
	ud2

	.p2align 3
idt_empty:
	.word 0                 /* limit 0: no vector is valid */
	.long 0
