/* SPDX-License-Identifier: MIT */
/* tests/monitor/guests/port.S: hammer an I/O port nobody owns: reads
 * must return all-ones; the monitor stops the guest after its cap. */
#include "guest.h"

	PVH_NOTE(_start)
	.code32
	.text
	.globl _start
_start:
	mov $0x1234, %dx
1:	in %dx, %al
	cmp $0xff, %al
	jne bad
	out %al, %dx
	jmp 1b
bad:	mov $1, %al             /* a read that was not all-ones: exit 1 */
	out %al, $VMI_DEBUG_EXIT_PORT
	hlt
