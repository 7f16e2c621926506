/* SPDX-License-Identifier: MIT */
/*
 * tests/monitor/guests/smp.S: start vCPU 1 the native way, INIT-SIPI-SIPI
 * through the in-kernel xAPIC (SDM vol. 3A 8.4.4.1, 10.6.1), with a
 * real-mode trampoline copied to VMI_TRAMPOLINE_PA.  The AP exits 7; the
 * BSP halts with interrupts off, so if the AP never runs only the
 * watchdog ends the guest.  Run with --cpus 2.
 */
#include "guest.h"

#define APIC_SVR      0xfee000f0
#define APIC_ICR_LO   0xfee00300
#define APIC_ICR_HI   0xfee00310
#define ICR_INIT      0x00004500        /* INIT, level assert */
#define ICR_SIPI      0x00004600        /* start-up, vector = page number */

	PVH_NOTE(_start)
	.code32
	.text
	.globl _start
_start:
	mov $ap_start, %esi
	mov $VMI_TRAMPOLINE_PA, %edi
	mov $(ap_end - ap_start), %ecx
	rep movsb
	movl $0x1ff, APIC_SVR           /* software-enable the LAPIC */
	movl $(1 << 24), APIC_ICR_HI    /* destination: APIC ID 1 */
	movl $ICR_INIT, APIC_ICR_LO
	movl $(ICR_SIPI | (VMI_TRAMPOLINE_PA >> 12)), APIC_ICR_LO
	movl $(ICR_SIPI | (VMI_TRAMPOLINE_PA >> 12)), APIC_ICR_LO
	cli
1:	hlt
	jmp 1b

	.code16
ap_start:                               /* runs at 0x8000 in real mode */
	mov $7, %al
	out %al, $VMI_DEBUG_EXIT_PORT
2:	hlt
	jmp 2b
ap_end:
