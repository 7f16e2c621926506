/* SPDX-License-Identifier: MIT */
/* acpi_power.c: FADT sleep/reset registers and \_S5 (backends/common).
 * Offsets are from ACPI 6.5 Table 5.9 (FADT Format). */
#include <insn.h>

#include "acpi.h"

#define FADT_DSDT 40            /* 32-bit DSDT address */
#define FADT_PM1A_CNT 64        /* PM1a_CNT_BLK port */
#define FADT_PM1B_CNT 68        /* PM1b_CNT_BLK port */
#define FADT_FLAGS 112
#define FADT_RESET_REG 116      /* Generic Address Structure, 12 bytes */
#define FADT_RESET_VALUE 128
#define FADT_X_DSDT 140         /* 64-bit DSDT address (FADT length >= 148) */
#define FADT_RESET_REG_SUP (1u << 10)

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

/* Decode "PackageOp PkgLength NumElements a b ..." at (p). */
static bool s5_package(const uint8_t *p, const uint8_t *end, uint8_t *a,
                       uint8_t *b)
{
    if (p + 3 > end || p[0] != AML_PACKAGE)
        return false;
    /* PkgLength: bits 7:6 of the lead byte count the bytes that follow. */
    p += 2 + (p[1] >> 6);
    if (p >= end || *p < 2)
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

static void fadt_reset(const uint8_t *f, uint32_t len, struct acpi_power *out)
{
    if (len < FADT_RESET_VALUE + 1 || !(acpi_le32(f + FADT_FLAGS) & FADT_RESET_REG_SUP))
        return;
    /* GAS (5.2.3.2): space id at 0, 64-bit address at 4. */
    const uint8_t *gas = f + FADT_RESET_REG;
    out->reset_space = gas[0];
    out->reset_addr = acpi_le64(gas + 4);
    out->reset_value = f[FADT_RESET_VALUE];
    out->reset = out->reset_addr &&
                 (gas[0] == ACPI_GAS_IO || gas[0] == ACPI_GAS_MEMORY);
}

bool acpi_parse_fadt(uint64_t fadt, struct acpi_power *out)
{
    *out = (struct acpi_power){ 0 };
    uint32_t len = acpi_table_len(fadt);
    if (len < FADT_PM1B_CNT + 4)
        return false;
    const uint8_t *f = ptr(fadt);
    out->pm1a_cnt = (uint16_t)acpi_le32(f + FADT_PM1A_CNT);
    out->pm1b_cnt = (uint16_t)acpi_le32(f + FADT_PM1B_CNT);
    fadt_reset(f, len, out);
    uint64_t dsdt = acpi_fadt_dsdt(fadt);
    if (dsdt && acpi_table_len(dsdt) >= ACPI_HDR_LEN &&
        acpi_checksum_ok(ptr(dsdt), acpi_table_len(dsdt)))
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
