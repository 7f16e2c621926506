/* SPDX-License-Identifier: MIT */
/*
 * tests/monitor/guests/timer.S: program a hostile timer, then idle with
 * interrupts on, counting and EOIing every tick, until --timeout ends
 * the run.  What the host pays while such a guest idles is measured by
 * bench/idle_cost.py.  One variant per build (-DTIMER_*):
 *
 *   TIMER_NONE      no timer at all: the baseline.
 *   TIMER_HV_FLOOD  Hyper-V stimer 0, periodic, direct mode, COUNT 1
 *                   (100 ns): the shortest period a guest can ask for.
 *   TIMER_HV_FAR    stimer 0 one-shot at COUNT 2^64-1, then periodic
 *                   with period 2^64-1: deadlines that wrap if added.
 *   TIMER_XEN_WRAP  Xen singleshot timers at 2^64-1 and 2^63 (negative
 *                   as s_time_t: fire at once), then at 2^63-1.
 *
 * 32-bit protected mode, paging off (PVH entry); a flat GDT and an IDT
 * of its own; the in-kernel LAPIC at its reset base 0xFEE00000.
 */
#include "guest.h"

#define TICK_VECTOR 0x40
#define LAPIC_SVR 0xfee000f0
#define LAPIC_EOI 0xfee000b0

/* TLFS "Synthetic Interrupt Controller" and "Synthetic Timers" MSRs. */
#define HV_X64_MSR_SCONTROL 0x40000080
#define HV_X64_MSR_STIMER0_CONFIG 0x400000b0
#define HV_X64_MSR_STIMER0_COUNT 0x400000b1
/* STIMER config: Enable (bit 0), Periodic (1), ApicVector (4-11),
 * DirectMode (12). */
#define STIMER_ONESHOT (1 | (1 << 12) | (TICK_VECTOR << 4))
#define STIMER_PERIODIC (STIMER_ONESHOT | 2)

/* Xen public/xen.h __HYPERVISOR_vcpu_op; public/vcpu.h
 * VCPUOP_set_singleshot_timer.  From 32-bit code the hypercall takes
 * EAX and EBX, ECX, EDX (vmi-run's port: include/vmi/abi.h). */
#define XEN_VCPU_OP 24
#define VCPUOP_SET_SINGLESHOT_TIMER 8

	PVH_NOTE(_start)
	.code32
	.text
	.globl _start
_start:
	lgdt gdt_desc
	ljmp $8, $1f
1:	mov $16, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov $stack_top, %esp
	mov $tick, %eax         /* interrupt gate, selector 8, DPL 0 */
	mov %ax, idt + TICK_VECTOR * 8
	movw $8, idt + TICK_VECTOR * 8 + 2
	movw $0x8e00, idt + TICK_VECTOR * 8 + 4
	shr $16, %eax
	mov %ax, idt + TICK_VECTOR * 8 + 6
	lidt idt_desc
	movl $0x1ff, LAPIC_SVR  /* APIC software-enabled */

#if defined(TIMER_HV_FLOOD) || defined(TIMER_HV_FAR)
	mov $HV_X64_MSR_SCONTROL, %ecx
	mov $1, %eax
	xor %edx, %edx
	wrmsr
#endif
#if defined(TIMER_HV_FLOOD)
	mov $HV_X64_MSR_STIMER0_COUNT, %ecx
	mov $1, %eax
	xor %edx, %edx
	wrmsr
	mov $HV_X64_MSR_STIMER0_CONFIG, %ecx
	mov $STIMER_PERIODIC, %eax
	wrmsr
#elif defined(TIMER_HV_FAR)
	mov $HV_X64_MSR_STIMER0_COUNT, %ecx
	mov $-1, %eax
	mov $-1, %edx
	wrmsr
	mov $HV_X64_MSR_STIMER0_CONFIG, %ecx
	mov $STIMER_ONESHOT, %eax
	xor %edx, %edx
	wrmsr
	mov $STIMER_PERIODIC, %eax
	wrmsr
#elif defined(TIMER_XEN_WRAP)
	mov $-1, %eax
	mov $-1, %edx
	call xen_singleshot
	xor %eax, %eax
	mov $0x80000000, %edx
	call xen_singleshot
	mov $-1, %eax
	mov $0x7fffffff, %edx
	call xen_singleshot
#endif
#ifdef TAKE_TICKS
	sti
#endif
2:	hlt
	jmp 2b

#ifdef TIMER_XEN_WRAP
/* A singleshot timer at EDX:EAX ns of Xen system time, for vCPU 0. */
xen_singleshot:
	mov %eax, sshot
	mov %edx, sshot + 4
	mov $XEN_VCPU_OP, %eax
	mov $VCPUOP_SET_SINGLESHOT_TIMER, %ebx
	xor %ecx, %ecx
	mov $sshot, %edx
	out %al, $VMI_PORT_XEN_HYPERCALL
	ret
#endif

tick:
	incl ticks
	movl $0, LAPIC_EOI
	iret

	.p2align 3
gdt:	.quad 0
	.quad 0x00cf9a000000ffff        /* 8: flat 32-bit code */
	.quad 0x00cf92000000ffff        /* 16: flat data */
gdt_desc:
	.word gdt_desc - gdt - 1
	.long gdt
idt_desc:
	.word 256 * 8 - 1
	.long idt

	.data
	.p2align 3
sshot:	.quad 0                 /* struct vcpu_set_singleshot_timer */
	.long 0
	.long 0
ticks:	.long 0
	.bss
	.p2align 12
idt:	.space 256 * 8
	.space 4096
stack_top:
