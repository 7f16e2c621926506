/* SPDX-License-Identifier: MIT */
/* tests/monitor/guests/flood.S: print the same 32-byte line on the UART
 * N times (N from the command line; 0 or none: forever), then "flood
 * done" and exit 42: guest output that a host's stdout must carry, or
 * fail to carry (tests/monitor/check_faults.py). */
#include "guest.h"

	PVH_NOTE(_start)
	.code32
	.text
	.globl _start
_start:
	mov $stack_top, %esp
	call cmdline_num
	mov %eax, %edi          /* lines left; 0: forever */
	mov $VMI_UART_PORT, %dx
1:	mov $line, %esi         /* EFLAGS.DF = 0 at PVH entry */
	mov $(line_end - line), %ecx
	rep outsb
	test %edi, %edi
	jz 1b
	dec %edi
	jnz 1b
	mov $done, %esi
	mov $(done_end - done), %ecx
	rep outsb
	mov $42, %al
	out %al, $VMI_DEBUG_EXIT_PORT
2:	hlt
	jmp 2b

	CMDLINE_NUM

line:	.ascii "flood 0123456789abcdefghijklmno\n"
line_end:
done:	.ascii "flood done\n"
done_end:

	.data
	.p2align 4
	.skip 256
stack_top:
