/* SPDX-License-Identifier: MIT */
/* tests/monitor/guests/reset.S: reset through the FADT reset register
 * (port 0xcf9, value 0x06); vmi-run exits 6 (VMI_EXIT_REBOOT). */
#include "guest.h"

	PVH_NOTE(_start)
	.code32
	.text
	.globl _start
_start:
	mov $0xcf9, %dx
	mov $0x06, %al
	out %al, %dx
	mov $1, %al             /* still running: exit 1 */
	out %al, $VMI_DEBUG_EXIT_PORT
	hlt
