/* SPDX-License-Identifier: MIT */
/*
 * tests/monitor/guests/cpuid.S: print the CPUID values a personality
 * controls, as "name=hex" pairs on one UART line, then exit 0.  The test
 * (check_run.py --cpuid) checks them against the personality.
 */
#include "guest.h"

	PVH_NOTE(_start)
	.code32
	.text
	.globl _start
_start:
	mov $stack_top, %esp
	xor %ecx, %ecx
	xor %eax, %eax
	cpuid
	mov $s_max, %esi
	call field              /* eax of leaf 0: maximum basic leaf */
	mov $1, %eax
	cpuid
	push %ebx
	mov %ecx, %eax
	mov $s_1c, %esi
	call field
	pop %eax
	mov $s_1b, %esi
	call field
	mov $0x40000000, %eax
	cpuid
	mov $s_h0, %esi
	call field
	mov $0x40000001, %eax
	cpuid
	mov $s_h1, %esi
	call field
	mov $0x15, %eax
	xor %ecx, %ecx
	cpuid
	push %ecx
	push %ebx
	mov $s_15a, %esi
	call field
	pop %eax
	mov $s_15b, %esi
	call field
	pop %eax
	mov $s_15c, %esi
	call field
	mov $0x16, %eax
	cpuid
	mov $s_16a, %esi
	call field
	mov $'\n', %al
	mov $VMI_UART_PORT, %dx
	out %al, %dx
	xor %al, %al
	out %al, $VMI_DEBUG_EXIT_PORT
1:	hlt
	jmp 1b

/* Print the string at %esi, then %eax as 8 hex digits. */
field:
	mov %eax, %ebx
	mov $VMI_UART_PORT, %dx
1:	lodsb
	test %al, %al
	jz 2f
	out %al, %dx
	jmp 1b
2:	mov $8, %ecx
3:	rol $4, %ebx
	mov %ebx, %eax
	and $0xf, %eax
	mov hex(%eax), %al
	out %al, %dx
	loop 3b
	ret

hex:	.ascii "0123456789abcdef"
s_max:	.asciz "max="
s_1c:	.asciz " 1.ecx="
s_1b:	.asciz " 1.ebx="
s_h0:	.asciz " 40000000.eax="
s_h1:	.asciz " 40000001.eax="
s_15a:	.asciz " 15.eax="
s_15b:	.asciz " 15.ebx="
s_15c:	.asciz " 15.ecx="
s_16a:	.asciz " 16.eax="

	.bss
	.p2align 4
	.skip 4096
stack_top:
