/* SPDX-License-Identifier: MIT */
/* tests/monitor/guests/hello.S: print "hello" on the UART, exit 42. */
#include "guest.h"

	PVH_NOTE(_start)
	.code32
	.text
	.globl _start
_start:
	mov $msg, %esi
	mov $VMI_UART_PORT, %dx
1:	lodsb                   /* EFLAGS.DF = 0 at PVH entry */
	test %al, %al
	jz 2f
	out %al, %dx
	jmp 1b
2:	mov $42, %al
	out %al, $VMI_DEBUG_EXIT_PORT
3:	hlt
	jmp 3b

msg:	.asciz "hello from a vmi-run test guest\n"
