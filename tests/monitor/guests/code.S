/* SPDX-License-Identifier: MIT */
/* tests/monitor/guests/code.S: end with the exit code given on the
 * command line, to test which codes a guest may give (docs/vmi-run.md
 * "Exit status").  "port=N": N is written to the debug-exit port as one
 * 32-bit OUT.  "crash=N" (under --hv hyperv): a Hyper-V crash report,
 * HV_X64_MSR_CRASH_P0 = N, then HV_X64_MSR_CRASH_CTL = CRASH_NOTIFY
 * (include/hyperv/tlfs.h).  Still running after either: exit 1. */
#include "guest.h"

#define MSR_CRASH_P0  0x40000100
#define MSR_CRASH_CTL 0x40000105

	PVH_NOTE(_start)
	.code32
	.text
	.globl _start
_start:
	mov $stack_top, %esp
	mov 24(%ebx), %edi      /* the command line's first byte */
	call cmdline_num
	cmpb $0x63, (%edi)     /* 'c': crash= */
	je crash
	out %eax, $VMI_DEBUG_EXIT_PORT
	jmp still
crash:
	xor %edx, %edx
	mov $MSR_CRASH_P0, %ecx
	wrmsr
	xor %eax, %eax
	mov $0x80000000, %edx   /* bit 63: CRASH_NOTIFY */
	mov $MSR_CRASH_CTL, %ecx
	wrmsr
still:	mov $1, %al
	out %al, $VMI_DEBUG_EXIT_PORT
1:	hlt
	jmp 1b

	CMDLINE_NUM

	.data
	.p2align 4
	.skip 256
stack_top:
