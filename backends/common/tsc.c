/* SPDX-License-Identifier: MIT */
/* tsc.c: TSC frequency and scaling (backends/common). */
#include <insn.h>

#include "acpi.h"
#include "common.h"
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

/* Intel SDM Vol. 3B, "Determining the Processor Base Frequency",
 * the table of nominal core crystal clock frequencies: where CPUID 0x15
 * leaves ECX 0, these family-6 models state their crystal.  No other
 * model's is guessed. */
static uint32_t tsc_crystal_hz_by_model(void)
{
    struct vmi_cpuid r;
    cpuid(0, 0, &r);
    /* "GenuineIntel" (SDM Vol. 2A, CPUID leaf 0). */
    if (r.ebx != 0x756e6547 || r.edx != 0x49656e69 || r.ecx != 0x6c65746e)
        return 0;
    cpuid(1, 0, &r);
    unsigned family = r.eax >> 8 & 0xf;
    unsigned model = (r.eax >> 4 & 0xf) | (r.eax >> 12 & 0xf0);
    if (family != 6)
        return 0;
    switch (model) {
    case 0x4e: case 0x5e: case 0x8e: case 0x9e:
        return 24000000;        /* 6th and 7th generation Core */
    case 0x55:
        return 25000000;        /* Xeon Scalable (06_55H) */
    case 0x5c:
        return 19200000;        /* Atom, Goldmont (06_5CH) */
    default:
        return 0;
    }
}

uint64_t tsc_hz_from_cpuid(void)
{
    struct vmi_cpuid r;
    cpuid(0, 0, &r);
    if (r.eax < 0x15)
        return 0;
    cpuid(0x15, 0, &r);
    /* SDM Vol. 2A, CPUID leaf 15H: EBX/EAX is the TSC/crystal ratio (EBX
     * 0: not enumerated), ECX the crystal in Hz (0: not enumerated).
     * Leaf 16H's base frequency is not the TSC rate and is not used. */
    if (!r.eax || !r.ebx)
        return 0;
    uint64_t crystal = r.ecx ? r.ecx : tsc_crystal_hz_by_model();
    return crystal * r.ebx / r.eax;
}

bool tsc_invariant(void)
{
    struct vmi_cpuid r;
    cpuid(0x80000000u, 0, &r);
    if (r.eax < 0x80000007u)
        return false;
    cpuid(0x80000007u, 0, &r);
    return r.edx & (1u << 8);   /* SDM Vol. 2A, CPUID 80000007H: EDX[8] */
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

/* IA-PC HPET Specification 1.0a, 2.3: registers of the block. */
#define HPET_CAP 0x000              /* bits 63:32 COUNTER_CLK_PERIOD (fs) */
#define HPET_CONFIG 0x010
#define HPET_ENABLE_CNF 1u          /* the main counter runs */
#define HPET_COUNTER 0x0f0          /* main counter, low 32 bits */
#define HPET_PERIOD_MAX 100000000u  /* 2.3.4: at most 100 ns, in fs */
#define HPET_BLOCK_LEN 0x400        /* 2.3.1: the 1 KiB register block */
#define FS_PER_SEC 1000000000000000ull

/* The most TSC cycles a calibration of (ms) may take: (ms) at 40 GHz,
 * far beyond any TSC, so a reference that never moves is given up on
 * after at most 4 * (ms) on a 10 GHz TSC, 40 * (ms) on a 1 GHz one,
 * without needing the reference itself. */
#define TSC_CYCLES_PER_MS_MAX 40000000ull

/* A counter of known rate: memory or port, (mask) its width. */
struct tsc_ref {
    uint8_t space;          /* ACPI_GAS_MEMORY or ACPI_GAS_IO */
    uint64_t addr;
    uint32_t mask;
    uint64_t hz;
};

static uint32_t tsc_ref_read(const struct tsc_ref *r)
{
    uint32_t v = r->space == ACPI_GAS_IO ? inl((uint16_t)r->addr)
                                         : mmio_read32(r->addr);
    return v & r->mask;
}

/* The TSC rate measured against (r) over about (ms), reading both at
 * each end; 0 if (r) did not advance within the TSC bound above. */
static uint64_t tsc_hz_against(const struct tsc_ref *r, unsigned ms)
{
    uint64_t want = r->hz * ms / 1000;
    uint32_t c0 = tsc_ref_read(r);
    uint64_t t0 = rdtsc_ordered();
    uint64_t limit = TSC_CYCLES_PER_MS_MAX * ms;
    for (;;) {
        uint32_t d = (tsc_ref_read(r) - c0) & r->mask;
        uint64_t dt = rdtsc_ordered() - t0;
        if (d >= want)
            return dt * r->hz / d;
        if (dt > limit)
            return 0;
        cpu_relax();
    }
}

uint64_t tsc_hz_from_hpet(uint64_t base, unsigned ms)
{
    if (!base || ms < 1 || ms > 50 ||
        base > VMI_IDENTITY_MAPPED_END - HPET_BLOCK_LEN)
        return 0;
    uint32_t period = mmio_read32(base + HPET_CAP + 4);
    if (!period || period > HPET_PERIOD_MAX)
        return 0;
    uint32_t cfg = mmio_read32(base + HPET_CONFIG);
    if (!(cfg & HPET_ENABLE_CNF))
        mmio_write32(base + HPET_CONFIG, cfg | HPET_ENABLE_CNF);
    struct tsc_ref r = { ACPI_GAS_MEMORY, base + HPET_COUNTER, 0xffffffffu,
                         FS_PER_SEC / period };
    uint64_t hz = tsc_hz_against(&r, ms);
    if (!(cfg & HPET_ENABLE_CNF))
        mmio_write32(base + HPET_CONFIG, cfg);  /* as firmware left it */
    return hz;
}

uint64_t tsc_hz_from_pm_timer(const struct acpi_timer_reg *t, unsigned ms)
{
    if (!t->addr || ms < 1 || ms > 50)
        return 0;
    /* Only where it can be read: a port, or memory identity-mapped. */
    if (t->space == ACPI_GAS_IO ? t->addr > 0xffff
                                : t->addr > VMI_IDENTITY_MAPPED_END - 4)
        return 0;
    struct tsc_ref r = { t->space, t->addr,
                         t->ext32 ? 0xffffffffu : 0xffffffu,
                         ACPI_PM_TIMER_HZ };
    return tsc_hz_against(&r, ms);
}

static const char *const tsc_source_names[] = {
    [TSC_SRC_NONE] = "none",
    [TSC_SRC_CPUID15] = "cpuid15",
    [TSC_SRC_HPET] = "hpet",
    [TSC_SRC_PMTIMER] = "pmtimer",
    [TSC_SRC_PIT] = "pit",
    [TSC_SRC_GUESSED] = "guessed",
    [TSC_SRC_HYPERVISOR] = "hypervisor",
};

const char *tsc_source_name(enum tsc_source src)
{
    return (unsigned)src < sizeof(tsc_source_names) / sizeof(*tsc_source_names)
               ? tsc_source_names[src] : "?";
}

uint64_t tsc_hz_detect(uint64_t rsdp, enum tsc_source *src)
{
    enum tsc_source s = TSC_SRC_CPUID15;
    uint64_t hz = tsc_hz_from_cpuid();
    if (!hz) {
        s = TSC_SRC_HPET;
        hz = tsc_hz_from_hpet(acpi_hpet_base(rsdp), TSC_CALIBRATE_MS);
    }
    if (!hz) {
        struct acpi_timer_reg pm;
        uint64_t fadt = rsdp ? acpi_find_table(rsdp, "FACP") : 0;
        s = TSC_SRC_PMTIMER;
        if (fadt && acpi_pm_timer(fadt, &pm))
            hz = tsc_hz_from_pm_timer(&pm, TSC_CALIBRATE_MS);
    }
    if (!hz) {
        s = TSC_SRC_PIT;
        hz = tsc_hz_from_pit(TSC_CALIBRATE_MS);
    }
    if (src)
        *src = hz ? s : TSC_SRC_NONE;
    return hz;
}

uint64_t tsc_hz_detect_or_guess(uint64_t rsdp, enum tsc_source *src)
{
    uint64_t hz = tsc_hz_detect(rsdp, src);
    if (!hz && src)
        *src = TSC_SRC_GUESSED;
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
