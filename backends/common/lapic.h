/* SPDX-License-Identifier: MIT */
/*
 * lapic.h: local APIC access in x2APIC (MSR) or xAPIC (MMIO) mode: enable,
 * EOI, IPIs, the timer (TSC-deadline or one-shot count).  No policy: the
 * caller picks vectors and modes.  Register offsets are the xAPIC MMIO
 * offsets of Intel SDM Vol. 3A Table 11-1; in x2APIC mode register
 * `off` is MSR 0x800 + (off >> 4) (SDM 11.12.1.2, Table 11-6).
 */
#ifndef VMI_COMMON_LAPIC_H
#define VMI_COMMON_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define LAPIC_ID 0x020
#define LAPIC_TPR 0x080
#define LAPIC_EOI 0x0b0
#define LAPIC_SVR 0x0f0
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310      /* xAPIC only; x2APIC ICR is one 64-bit MSR */
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3e0

#define MSR_APIC_BASE 0x1b              /* IA32_APIC_BASE (SDM 11.4.4) */
#define APIC_BASE_EXTD (1ull << 10)     /* x2APIC mode */
#define APIC_BASE_EN (1ull << 11)       /* APIC global enable */
#define MSR_X2APIC_BASE 0x800
#define MSR_X2APIC_ICR 0x830
#define MSR_TSC_DEADLINE 0x6e0          /* IA32_TSC_DEADLINE (SDM 11.5.4.1) */

/* ICR low word fields (SDM 11.6.1, Figure 11-12). */
#define LAPIC_ICR_FIXED 0x00000u
#define LAPIC_ICR_INIT 0x00500u
#define LAPIC_ICR_STARTUP 0x00600u
#define LAPIC_ICR_BUSY 0x01000u         /* delivery status (xAPIC only) */
#define LAPIC_ICR_ASSERT 0x04000u

/* LVT timer modes (SDM 11.5.1, Figure 11-8) and masked bit. */
#define LAPIC_LVT_MASKED (1u << 16)
#define LAPIC_TIMER_ONESHOT (0u << 17)
#define LAPIC_TIMER_TSC_DEADLINE (2u << 17)
#define LAPIC_DIV_BY_1 0xb              /* TDCR encoding (SDM Figure 11-10) */
#define LAPIC_SVR_ENABLE (1u << 8)

/* CPUID.1:EDX bit 9: the CPU has a local APIC (SDM Vol. 2A Table 3-11). */
#define CPUID1_EDX_APIC (1u << 9)
/* CPUID.1:ECX bits (SDM Vol. 2A Table 3-10). */
#define CPUID1_ECX_X2APIC (1u << 21)
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)

struct lapic {
    bool x2apic;        /* access by MSR */
    uint64_t base;      /* xAPIC MMIO physical base */
};

/* Choose the mode for this machine: x2APIC when CPUID.1:ECX[21] says so,
 * else xAPIC MMIO at the base in IA32_APIC_BASE.  Reads only. */
void lapic_detect(struct lapic *l);

/* On the calling CPU: enable the APIC globally in the chosen mode (xAPIC
 * first, then x2APIC, the legal transition order of SDM 11.12.5), then
 * software-enable it with spurious vector (spurious) and TPR 0. */
void lapic_enable(const struct lapic *l, uint8_t spurious);

uint32_t lapic_read(const struct lapic *l, unsigned reg);
void lapic_write(const struct lapic *l, unsigned reg, uint32_t val);

/* The calling CPU's APIC ID (x2APIC: 32 bits; xAPIC: bits 31:24). */
uint32_t lapic_id(const struct lapic *l);

/* End of interrupt for the in-service vector of the calling CPU. */
void lapic_eoi(const struct lapic *l);

/* The 64-bit ICR value: (dest) APIC ID in bits 63:32 (x2APIC) or 63:56
 * (xAPIC), (low) in bits 31:0. */
uint64_t lapic_icr(bool x2apic, uint32_t dest, uint32_t low);

/* Send the IPI (low) (vector | delivery mode | level) to APIC ID (dest).
 * xAPIC: waits (bounded) for the previous IPI's delivery status to clear,
 * writes ICR high then low.  x2APIC: one WRMSR of MSR 0x830. */
void lapic_send_ipi(const struct lapic *l, uint32_t dest, uint32_t low);

/* Program the LVT timer with (vector) in TSC-deadline mode (deadline) or
 * one-shot mode (divide by 1), unmasked and disarmed. */
void lapic_timer_setup(const struct lapic *l, uint8_t vector, bool deadline);
/* TSC-deadline mode: fire at TSC value (tsc); 0 disarms. */
void lapic_timer_deadline(uint64_t tsc);
/* One-shot mode: fire after (count) timer ticks; 0 disarms. */
void lapic_timer_count(const struct lapic *l, uint32_t count);

/* The one-shot timer's tick rate in Hz (divide by 1), measured against the
 * TSC of frequency (tsc_hz) over about 1 ms; leaves the timer masked. */
uint64_t lapic_timer_hz(const struct lapic *l, uint64_t tsc_hz);

#endif
