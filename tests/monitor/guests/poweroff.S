/* SPDX-License-Identifier: MIT */
/* tests/monitor/guests/poweroff.S: ACPI soft-off the way an OS does it
 * after reading \_S5 from the DSDT: PM1a_CNT = SLP_TYP 5 | SLP_EN (ACPI
 * 6.4 4.8.3.2.1); vmi-run exits 0.  The port comes from the tables
 * the monitor wrote: RSDP at 0xe0000 -> XSDT -> FADT PM1a_CNT_BLK
 * (ACPI 6.4 5.2.5.3, 5.2.8, 5.2.9 offset 64). */
#include "guest.h"

	PVH_NOTE(_start)
	.code32
	.text
	.globl _start
_start:
	mov 0xe0018, %eax       /* RSDP.XsdtAddress (low half) */
	mov 36(%eax), %eax      /* XSDT entry 0: the FADT */
	mov 64(%eax), %edx      /* FADT.PM1a_CNT_BLK */
	mov $(5 << 10 | 1 << 13), %ax
	out %ax, %dx
	mov $1, %al             /* still running: exit 1 */
	out %al, $VMI_DEBUG_EXIT_PORT
	hlt
