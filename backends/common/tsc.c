/* SPDX-License-Identifier: MIT */
/* tsc.c: TSC frequency and scaling (backends/common). */
#include <insn.h>

#include "tsc.h"

/* Intel 8254 PIT input clock, 1.193182 MHz (8254 datasheet; the PC's
 * 14.31818 MHz crystal divided by 12). */
#define PIT_HZ 1193182ull
#define PIT_CH2_DATA 0x42
#define PIT_CMD 0x43
#define PIT_CMD_CH2_LOHI_MODE0 0xb0    /* channel 2, lo/hi byte, mode 0 */
#define PIT_CMD_CH2_LATCH 0x80         /* channel 2, counter latch */
/* Port 0x61 (NMI status and control): bit 0 gates channel 2, bit 1
 * drives the speaker (IBM PC/AT technical reference). */
#define PORT61 0x61
#define PORT61_GATE2 0x01
#define PORT61_SPEAKER 0x02

uint64_t tsc_hz_from_cpuid(void)
{
    struct vmi_cpuid r;
    cpuid(0, 0, &r);
    uint32_t max = r.eax;
    if (max >= 0x15) {
        cpuid(0x15, 0, &r);
        if (r.eax && r.ebx && r.ecx)
            return (uint64_t)r.ecx * r.ebx / r.eax;
    }
    if (max >= 0x16) {
        cpuid(0x16, 0, &r);
        if (r.eax & 0xffff)
            return (uint64_t)(r.eax & 0xffff) * 1000000ull;
    }
    return 0;
}

/* Latch and read channel 2's current count (8254: counter-latch command,
 * then low and high byte). */
static uint16_t pit_ch2_count(void)
{
    outb(PIT_CMD, PIT_CMD_CH2_LATCH);
    uint8_t lo = inb(PIT_CH2_DATA);
    return (uint16_t)(lo | inb(PIT_CH2_DATA) << 8);
}

uint64_t tsc_hz_from_pit(unsigned ms)
{
    if (ms < 1 || ms > 50)
        return 0;
    uint32_t ticks = (uint32_t)(PIT_HZ * ms / 1000);
    /* Gate channel 2 on with the speaker off and let it count down from
     * 0xffff (55 ms).  Reading the count at both ends, instead of timing
     * from the programming to OUT2, keeps any delay before the first TSC
     * read (an emulator translating this code) out of the measurement. */
    outb(PORT61, (inb(PORT61) & ~PORT61_SPEAKER) | PORT61_GATE2);
    outb(PIT_CMD, PIT_CMD_CH2_LOHI_MODE0);
    outb(PIT_CH2_DATA, 0xff);
    outb(PIT_CH2_DATA, 0xff);
    pit_ch2_count();        /* the count loads on the next PIT clock */
    uint16_t c0 = pit_ch2_count();
    uint64_t t0 = rdtsc_ordered();
    /* A read takes over a PIT clock (838 ns), so a count that has not
     * moved after many reads means no PIT: give up early. */
    for (unsigned i = 0; i < 1000000; i++) {
        uint16_t c = pit_ch2_count();
        uint64_t t1 = rdtsc_ordered();
        if (c >= c0 && i >= 100)
            return 0;
        if (c < c0 && (uint32_t)(c0 - c) >= ticks)
            return (t1 - t0) * PIT_HZ / (uint32_t)(c0 - c);
    }
    return 0;
}

uint64_t tsc_hz_detect(void)
{
    uint64_t hz = tsc_hz_from_cpuid();
    return hz ? hz : tsc_hz_from_pit(10);
}

uint64_t tsc_hz_detect_or_guess(bool *guessed)
{
    uint64_t hz = tsc_hz_detect();
    if (guessed)
        *guessed = !hz;
    return hz ? hz : TSC_HZ_GUESS;
}

void tsc_clock_start(struct tsc_clock *c, uint64_t hz)
{
    tsc_scale_to_ns(&c->to_ns, hz);
    c->tsc0 = rdtsc_ordered();
}

void tsc_scale_to_ns(struct tsc_scale *s, uint64_t hz)
{
    /* 1e9 << 32 < 2^62: fits, and the quotient fits for any hz >= 1. */
    s->mult = (TSC_NS_PER_SEC << TSC_SCALE_SHIFT) / hz;
}

void tsc_scale_from_ns(struct tsc_scale *s, uint64_t hz)
{
    /* hz << 32 / 1e9 without a 128-bit division (no libgcc in the guest):
     * split hz into whole GHz and the remainder, whose shift fits. */
    uint64_t ghz = hz / TSC_NS_PER_SEC, rem = hz % TSC_NS_PER_SEC;
    s->mult = (ghz << TSC_SCALE_SHIFT) +
              (rem << TSC_SCALE_SHIFT) / TSC_NS_PER_SEC;
}

void tsc_delay_ns(uint64_t hz, uint64_t ns)
{
    struct tsc_scale s;
    tsc_scale_from_ns(&s, hz);
    uint64_t t0 = rdtsc_ordered(), n = tsc_scale_apply(&s, ns);
    while (rdtsc_ordered() - t0 < n)
        cpu_relax();
}
