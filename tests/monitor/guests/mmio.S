/* SPDX-License-Identifier: MIT */
/* tests/monitor/guests/mmio.S: hammer an unbacked MMIO address (above
 * RAM, below the PCI hole's LAPIC): reads must return all-ones; the
 * monitor stops the guest after its cap. */
#include "guest.h"

	PVH_NOTE(_start)
	.code32
	.text
	.globl _start
_start:
1:	movl 0xd0000000, %eax
	cmp $0xffffffff, %eax
	jne bad
	movl %eax, 0xd0000000
	jmp 1b
bad:	mov $1, %al             /* a read that was not all-ones: exit 1 */
	out %al, $VMI_DEBUG_EXIT_PORT
	hlt
