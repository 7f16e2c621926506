/* SPDX-License-Identifier: MIT */
/* tests/monitor/guests/hello.S: print "hello" on the UART with one
 * `rep outsb` (string I/O; kvm-pvm makes it one exit per byte, KVM may
 * batch it with count > 1), then exit 42. */
#include "guest.h"

	PVH_NOTE(_start)
	.code32
	.text
	.globl _start
_start:
	mov $msg, %esi          /* EFLAGS.DF = 0 at PVH entry */
	mov $(msg_end - msg), %ecx
	mov $VMI_UART_PORT, %dx
	rep outsb
	mov $42, %al
	out %al, $VMI_DEBUG_EXIT_PORT
1:	hlt
	jmp 1b

msg:	.ascii "hello from a vmi-run test guest\n"
msg_end:
