/* SPDX-License-Identifier: MIT */
/* native_machine.h: a mocked PC for the native backend's unit tests: two
 * CPUs in the MADT (APIC IDs 0 and 5), an FADT with PM1a 0x604 and \_S5 =
 * 5, and either a "modern" CPU (x2APIC, TSC-deadline, CPUID 0x15, KVM
 * signature, a UART at COM1) or a "legacy" one (xAPIC, no deadline, PIT
 * calibration, no UART). */
#ifndef VMI_TEST_NATIVE_MACHINE_H
#define VMI_TEST_NATIVE_MACHINE_H

#include "acpi_build.h"
#include "lapic.h"
#include "mock.h"
#include "native.h"

#define MACHINE_TSC_HZ 2400000000ull
#define MACHINE_AP_APIC_ID 5

static inline uint8_t *machine_dsdt(void)
{
    static const uint8_t aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06,
                                   0x04, 0x0a, 0x05, 0x0a, 0x05, 0, 0 };
    uint8_t *t = tb_table("DSDT", 36 + sizeof(aml));
    memcpy(t + 36, aml, sizeof(aml));
    tb_seal(t);
    return t;
}

/* Build the ACPI tables; returns the RSDP address. */
static inline uint64_t machine_acpi(void)
{
    acpi_arena_off = 0;
    uint8_t *m = tb_table("APIC", 44 + 2 * 8);
    m[44] = 0, m[45] = 8, m[46] = 0, m[47] = 0, m[48] = 1;
    m[52] = 0, m[53] = 8, m[54] = 1, m[55] = MACHINE_AP_APIC_ID, m[56] = 1;
    tb_seal(m);
    uint8_t *f = tb_table("FACP", 244);
    tb_put32(f + 64, 0x604);
    tb_put64(f + 140, tpa(machine_dsdt()));
    tb_seal(f);
    const uint64_t tables[2] = { tpa(f), tpa(m) };
    uint8_t *x = tb_sdt(8, tables, 2), *r = tb_alloc(36);
    tb_rsdp_at(r, 2, 0, tpa(x));
    return tpa(r);
}

/* COM1 of the modern machine: LSR says THRE, the scratch register keeps
 * what was written (uart_probe). */
static int machine_com1(uint16_t port)
{
    if (port == 0x3fd)
        return 0x60;
    if (port == 0x3ff)
        return (int)mock_last_write(mock.out_log, mock.nout, port);
    return -1;
}

static inline void machine_modern(void)
{
    mock_reset();
    memset(&native, 0, sizeof(native));
    memset(&x86pc, 0, sizeof(x86pc));
    mock_set_cpuid(0, 0, 0x16, 0, 0, 0);
    mock_set_cpuid(1, 0, 0, 0, CPUID1_ECX_X2APIC | CPUID1_ECX_TSC_DEADLINE |
                   (1u << 31), CPUID1_EDX_APIC);
    mock_set_cpuid(0x15, 0, 1, (uint32_t)(MACHINE_TSC_HZ / 1000), 1000, 0);
    mock_set_cpuid(0x40000000, 0, 0x40000001, 0x4b4d564b, 0x564b4d56, 0x4d);
    mock_set_msr(MSR_APIC_BASE, 0xfee00000ull | APIC_BASE_EN | (1u << 8));
    mock.inb_hook = machine_com1;
    mock.tsc = 1000000;
}

/* PIT channel 2: the count drops 11932 ticks (10 ms) per latched read. */
static int machine_pit(uint16_t port)
{
    static unsigned reads;
    if (port != 0x42)
        return -1;
    unsigned n = reads++;
    uint16_t count = (uint16_t)(0xffff - 11932 * ((n / 2) % 4));
    return n % 2 ? count >> 8 : count & 0xff;
}

static inline void machine_legacy(void)
{
    mock_reset();
    memset(&native, 0, sizeof(native));
    memset(&x86pc, 0, sizeof(x86pc));
    mock_set_cpuid(0, 0, 0x0d, 0, 0, 0);
    mock_set_cpuid(1, 0, 0, 0, 0, CPUID1_EDX_APIC);
    mock_set_msr(MSR_APIC_BASE, 0xfee00000ull | APIC_BASE_EN | (1u << 8));
    mock.inb_hook = machine_pit;
    mock.tsc = 1000000;
    mock.tsc_step = 24000000;       /* 10 ms of a 2.4 GHz TSC per read */
    mock.mmio[LAPIC_TIMER_CUR / 4] = 0xffffffffu - 1000000u;
}

#endif
