/* SPDX-License-Identifier: MIT */
/* acpi_power.c: FADT sleep/reset registers and \_S5 (backends/common).
 * Offsets are from ACPI 6.5 Table 5.9 (FADT Format). */
#include <insn.h>

#include "acpi.h"

#define FADT_DSDT 40            /* 32-bit DSDT address */
#define FADT_SMI_CMD 48         /* SMI command port (I/O) */
#define FADT_ACPI_ENABLE 52     /* the value written to SMI_CMD */
#define FADT_PM1A_CNT 64        /* PM1a_CNT_BLK port */
#define FADT_PM1B_CNT 68        /* PM1b_CNT_BLK port */
#define FADT_FLAGS 112
#define FADT_RESET_REG 116      /* Generic Address Structure, 12 bytes */
#define FADT_RESET_VALUE 128
#define FADT_X_DSDT 140         /* 64-bit DSDT address (FADT length >= 148) */
#define FADT_X_PM1A_CNT 172     /* GAS, ACPI 2.0 and later */
#define FADT_X_PM1B_CNT 184
#define FADT_SLEEP_CONTROL 244  /* GAS, ACPI 5.0 and later */
/* Table 5.10 (Fixed ACPI Description Table Fixed Feature Flags). */
#define FADT_RESET_REG_SUP (1u << 10)
#define FADT_HW_REDUCED_ACPI (1u << 20)
#define PM1_CNT_BITS 16         /* PM1_CNT_LEN is 2 (4.8.3.2.1) */

/* AML opcodes (ACPI 6.5 section 20.3, AML Grammar). */
#define AML_ZERO 0x00
#define AML_ONE 0x01
#define AML_NAME 0x08
#define AML_BYTE 0x0a
#define AML_WORD 0x0b
#define AML_PACKAGE 0x12
#define AML_ROOT 0x5c

static const uint8_t *ptr(uint64_t pa)
{
    return (const uint8_t *)pa_to_ptr(pa);
}

uint64_t acpi_fadt_dsdt(uint64_t fadt)
{
    const uint8_t *f = ptr(fadt);
    uint64_t x = 0;
    if (acpi_table_len(fadt) >= FADT_X_DSDT + 8)
        x = acpi_le64(f + FADT_X_DSDT);
    return x ? x : acpi_le32(f + FADT_DSDT);
}

/* One \_S5 package element: ZeroOp, OneOp, BytePrefix or WordPrefix. */
static bool aml_small_int(const uint8_t *p, const uint8_t *end, uint8_t *v,
                          const uint8_t **next)
{
    if (p >= end)
        return false;
    if (*p == AML_ZERO || *p == AML_ONE) {
        *v = *p;
        *next = p + 1;
        return true;
    }
    if ((*p == AML_BYTE && p + 2 <= end) || (*p == AML_WORD && p + 3 <= end)) {
        *v = p[1];
        *next = p + (*p == AML_BYTE ? 2 : 3);
        return true;
    }
    return false;
}

/* Decode "PackageOp PkgLength NumElements a b ..." at (p), all of it
 * before (end).  PkgLength (20.2.4, Package Length Encoding) counts
 * itself and the rest of the package: bits 7:6 of its lead byte give the
 * number of bytes that follow; with none, bits 5:0 are the length, else
 * bits 3:0 are its low nibble and each following byte 8 more bits. */
static bool s5_package(const uint8_t *p, const uint8_t *end, uint8_t *a,
                       uint8_t *b)
{
    if (end - p < 3 || p[0] != AML_PACKAGE)
        return false;
    const uint8_t *pl = p + 1;
    unsigned follow = pl[0] >> 6;
    if (end - pl < 1 + (ptrdiff_t)follow)
        return false;
    uint32_t len = follow ? pl[0] & 0x0fu : pl[0] & 0x3fu;
    for (unsigned i = 0; i < follow; i++)
        len |= (uint32_t)pl[1 + i] << (4 + 8 * i);
    if (len < 1 + follow + 1 || (size_t)(end - pl) < len)
        return false;       /* a package that runs past the table */
    end = pl + len;
    p = pl + 1 + follow;
    if (*p < 2)
        return false;
    return aml_small_int(p + 1, end, a, &p) && aml_small_int(p, end, b, &p);
}

bool acpi_s5_find(const void *dsdt, size_t len, uint8_t *typa, uint8_t *typb)
{
    const uint8_t *d = dsdt, *end = d + len;
    for (size_t i = ACPI_HDR_LEN; i + 4 <= len; i++) {
        if (d[i] != '_' || d[i + 1] != 'S' || d[i + 2] != '5' || d[i + 3] != '_')
            continue;
        bool named = d[i - 1] == AML_NAME ||
                     (d[i - 1] == AML_ROOT && d[i - 2] == AML_NAME);
        if (named && s5_package(d + i + 4, end, typa, typb))
            return true;
    }
    return false;
}

/* 4.8.3.6 Reset Register: I/O, memory or PCI configuration space. */
static void fadt_reset(const uint8_t *f, uint32_t len, struct acpi_power *out)
{
    if (len < FADT_RESET_VALUE + 1 || !(acpi_le32(f + FADT_FLAGS) & FADT_RESET_REG_SUP))
        return;
    out->reset_reg = acpi_gas_at(f + FADT_RESET_REG);
    out->reset_value = f[FADT_RESET_VALUE];
    out->reset = acpi_gas_io_or_memory(&out->reset_reg) ||
                 (out->reset_reg.space == ACPI_GAS_PCI && out->reset_reg.addr);
}

/* One PM1x control register: the X_ GAS (offset xoff) where the FADT is
 * long enough and it is usable, else the 32-bit I/O port (offset off). */
static struct acpi_gas fadt_pm1(const uint8_t *f, uint32_t len, unsigned off,
                                unsigned xoff, bool *from_x)
{
    if (len >= xoff + ACPI_GAS_LEN) {
        struct acpi_gas x = acpi_gas_at(f + xoff);
        if (acpi_gas_io_or_memory(&x)) {
            *from_x = true;
            return x;
        }
    }
    *from_x = false;
    uint32_t port = acpi_le32(f + off);
    return (struct acpi_gas){ .space = ACPI_GAS_IO, .bit_width = PM1_CNT_BITS,
                              .addr = port <= ACPI_PORT_MAX ? port : 0 };
}

bool acpi_parse_fadt(uint64_t fadt, struct acpi_power *out)
{
    *out = (struct acpi_power){ 0 };
    uint32_t len = acpi_table_len(fadt);
    if (len < FADT_PM1B_CNT + 4)
        return false;
    const uint8_t *f = ptr(fadt);
    uint32_t flags = len >= FADT_FLAGS + 4 ? acpi_le32(f + FADT_FLAGS) : 0;
    /* 4.1: a hardware-reduced platform has no PM1 blocks and no SMI
     * command port; it sleeps through SLEEP_CONTROL_REG. */
    out->hw_reduced = flags & FADT_HW_REDUCED_ACPI;
    if (out->hw_reduced && len >= FADT_SLEEP_CONTROL + ACPI_GAS_LEN)
        out->sleep_ctl = acpi_gas_at(f + FADT_SLEEP_CONTROL);
    if (!out->hw_reduced) {
        out->pm1a_cnt = fadt_pm1(f, len, FADT_PM1A_CNT, FADT_X_PM1A_CNT, &out->pm1a_x);
        out->pm1b_cnt = fadt_pm1(f, len, FADT_PM1B_CNT, FADT_X_PM1B_CNT, &out->pm1b_x);
        out->smi_cmd = acpi_le32(f + FADT_SMI_CMD);
        if (out->smi_cmd > ACPI_PORT_MAX)
            out->smi_cmd = 0;
        out->acpi_enable = f[FADT_ACPI_ENABLE];
    }
    fadt_reset(f, len, out);
    uint64_t dsdt = acpi_fadt_dsdt(fadt);
    if (acpi_table_ok(dsdt))
        out->s5 = acpi_s5_find(ptr(dsdt), acpi_table_len(dsdt),
                               &out->slp_typa, &out->slp_typb);
    return true;
}

bool acpi_power_probe(uint64_t rsdp_hint, struct acpi_power *out)
{
    *out = (struct acpi_power){ 0 };
    uint64_t rsdp = acpi_find_rsdp(rsdp_hint);
    uint64_t fadt = rsdp ? acpi_find_table(rsdp, "FACP") : 0;
    return fadt && acpi_parse_fadt(fadt, out);
}
