/* SPDX-License-Identifier: MIT */
/* tests/monitor/guests/spin.S: spin forever with interrupts off; only
 * the watchdog (--timeout) can end it. */
#include "guest.h"

	PVH_NOTE(_start)
	.code32
	.text
	.globl _start
_start:
	cli
1:	jmp 1b
