/* SPDX-License-Identifier: MIT */
/* acpi.c: RSDP, RSDT/XSDT, MADT and FADT parsing (backends/common).
 * Section numbers are of the ACPI 6.5 specification. */
#include <insn.h>

#include "acpi.h"
#include "common.h"

/* Tables are reached only through pa_to_ptr() (see acpi.h). */
static const uint8_t *acpi_ptr(uint64_t pa)
{
    return (const uint8_t *)pa_to_ptr(pa);
}

/* Whether the (len) bytes at physical (pa) can be read: inside the
 * identity map (common.h).  Where a table lies and how long it says it
 * is are the firmware's word, which an XSDT entry above 4 GiB or a
 * corrupt length would otherwise turn into a page fault. */
static bool acpi_mapped(uint64_t pa, uint64_t len)
{
    return pa < VMI_IDENTITY_MAPPED_END && len <= VMI_IDENTITY_MAPPED_END - pa;
}

static bool sig_eq(const uint8_t *p, const char *sig, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (p[i] != (uint8_t)sig[i])
            return false;
    return true;
}

bool acpi_checksum_ok(const void *p, size_t len)
{
    const uint8_t *b = p;
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += b[i];
    return sum == 0;
}

size_t acpi_rsdp_len(const void *p)
{
    /* 5.2.5.3: revision at 15; 2 and later have the 36-byte form.  Its
     * length field (at 20) is not used: nothing bounds it, and Linux's
     * ACPICA takes the extended checksum over 36 bytes too
     * (ACPI_RSDP_XCHECKSUM_LENGTH). */
    return ((const uint8_t *)p)[15] < 2 ? ACPI_RSDP_V1_LEN : ACPI_RSDP_V2_LEN;
}

bool acpi_rsdp_valid(const void *p)
{
    const uint8_t *r = p;
    if (!sig_eq(r, "RSD PTR ", 8) || !acpi_checksum_ok(r, ACPI_RSDP_V1_LEN))
        return false;
    size_t len = acpi_rsdp_len(r);
    return len == ACPI_RSDP_V1_LEN || acpi_checksum_ok(r, len);
}

uint64_t acpi_rsdp_scan(uint64_t pa, size_t len)
{
    /* 5.2.5.1: the RSDP sits on a 16-byte boundary. */
    for (size_t off = 0; off + ACPI_RSDP_V2_LEN <= len; off += 16)
        if (acpi_rsdp_valid(acpi_ptr(pa + off)))
            return pa + off;
    return 0;
}

uint64_t acpi_find_rsdp(uint64_t hint)
{
    if (hint && acpi_mapped(hint, ACPI_RSDP_V2_LEN) &&
        acpi_rsdp_valid(acpi_ptr(hint)))
        return hint;
    /* 5.2.5.1: the first KiB of the EBDA, whose real-mode segment is the
     * word at 0x40E, then the BIOS area 0xE0000-0xFFFFF. */
    const uint8_t *bda = acpi_ptr(0x40e);
    uint64_t ebda = (uint64_t)(bda[0] | bda[1] << 8) << 4;
    uint64_t r = 0;
    if (ebda >= 0x80000 && ebda < 0xa0000)
        r = acpi_rsdp_scan(ebda, 1024);
    return r ? r : acpi_rsdp_scan(0xe0000, 0x20000);
}

uint32_t acpi_table_len(uint64_t pa)
{
    return acpi_le32(acpi_ptr(pa) + 4);
}

bool acpi_table_ok(uint64_t pa)
{
    if (!pa || !acpi_mapped(pa, ACPI_HDR_LEN))
        return false;
    uint32_t len = acpi_table_len(pa);
    return len >= ACPI_HDR_LEN && acpi_mapped(pa, len) &&
           acpi_checksum_ok(acpi_ptr(pa), len);
}

uint64_t acpi_find_table(uint64_t rsdp, const char *sig)
{
    const uint8_t *r = acpi_ptr(rsdp);
    /* 5.2.5.3: RSDT address at 16, XSDT address at 24 (rev >= 2). */
    uint64_t xsdt = r[15] >= 2 ? acpi_le64(r + 24) : 0;
    uint64_t sdt = xsdt ? xsdt : acpi_le32(r + 16);
    unsigned esz = xsdt ? 8 : 4;
    if (!acpi_table_ok(sdt))
        return 0;
    const uint8_t *t = acpi_ptr(sdt);
    uint32_t n = (acpi_table_len(sdt) - ACPI_HDR_LEN) / esz;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = t + ACPI_HDR_LEN + i * esz;
        uint64_t pa = esz == 8 ? acpi_le64(e) : acpi_le32(e);
        if (acpi_table_ok(pa) && sig_eq(acpi_ptr(pa), sig, 4))
            return pa;
    }
    return 0;
}

/* 5.2.12: entries follow the 36-byte header, LAPIC address and flags. */
#define MADT_ENTRIES 44
#define MADT_LAPIC 0            /* 5.2.12.2 Processor Local APIC */
#define MADT_X2APIC 9           /* 5.2.12.12 Processor Local x2APIC */
#define MADT_ENABLED 1u         /* Local APIC Flags bit 0 */

static bool madt_entry_cpu(const uint8_t *e, uint32_t *id)
{
    if (e[0] == MADT_LAPIC && e[1] >= 8) {
        *id = e[3];
        return acpi_le32(e + 4) & MADT_ENABLED;
    }
    if (e[0] == MADT_X2APIC && e[1] >= 16) {
        *id = acpi_le32(e + 4);
        return acpi_le32(e + 8) & MADT_ENABLED;
    }
    return false;
}

static bool id_listed(const uint32_t *ids, unsigned n, uint32_t id)
{
    for (unsigned i = 0; i < n; i++)
        if (ids[i] == id)
            return true;
    return false;
}

/* The MADT entry at *off of the table at (madt), moving *off past it;
 * NULL at the end, and at a malformed entry, which ends the walk. */
static const uint8_t *madt_next(uint64_t madt, uint32_t *off)
{
    uint32_t len = acpi_table_len(madt);
    if (*off + 2 > len)
        return NULL;
    const uint8_t *e = acpi_ptr(madt) + *off;
    if (e[1] < 2 || *off + e[1] > len)
        return NULL;
    *off += e[1];
    return e;
}

unsigned acpi_madt_cpus(uint64_t madt, uint32_t *ids, unsigned max)
{
    unsigned n = 0;
    uint32_t off = MADT_ENTRIES, id;
    for (const uint8_t *e; n < max && (e = madt_next(madt, &off));)
        if (madt_entry_cpu(e, &id) && !id_listed(ids, n, id))
            ids[n++] = id;
    return n;
}

/* 5.2.12.3: I/O APIC structure, type 1, length 12: the 32-bit address
 * at offset 4. */
#define MADT_IOAPIC 1

unsigned acpi_madt_ioapics(uint64_t madt, uint64_t *addrs, unsigned max)
{
    unsigned n = 0;
    uint32_t off = MADT_ENTRIES;
    for (const uint8_t *e; n < max && (e = madt_next(madt, &off));)
        if (e[0] == MADT_IOAPIC && e[1] >= 12)
            addrs[n++] = acpi_le32(e + 4);
    return n;
}

/* 5.2.9, Table 5.9 (FADT): PM_TMR_BLK (4 bytes) at 76, PM_TMR_LEN at 91,
 * Flags at 112 (bit 8 TMR_VAL_EXT, bit 20 HW_REDUCED_ACPI), X_PM_TMR_BLK
 * (a 12-byte Generic Address Structure, 5.2.3.2) at 208. */
#define FADT_PM_TMR_BLK 76
#define FADT_PM_TMR_LEN 91
#define FADT_FLAGS 112
#define FADT_TMR_VAL_EXT (1u << 8)
#define FADT_HW_REDUCED (1u << 20)
#define FADT_X_PM_TMR_BLK 208
#define GAS_LEN 12

bool acpi_pm_timer(uint64_t fadt, struct acpi_timer_reg *out)
{
    *out = (struct acpi_timer_reg){ 0 };
    const uint8_t *f = acpi_ptr(fadt);
    uint32_t len = acpi_table_len(fadt);
    if (len < FADT_FLAGS + 4 || acpi_le32(f + FADT_FLAGS) & FADT_HW_REDUCED)
        return false;
    out->ext32 = acpi_le32(f + FADT_FLAGS) & FADT_TMR_VAL_EXT;
    if (len >= FADT_X_PM_TMR_BLK + GAS_LEN) {
        const uint8_t *g = f + FADT_X_PM_TMR_BLK;
        uint64_t addr = acpi_le64(g + 4);
        /* An I/O address past the 16-bit port space is no port: the
         * 32-bit field below is used instead. */
        if (addr && (g[0] == ACPI_GAS_MEMORY ||
                     (g[0] == ACPI_GAS_IO && addr <= ACPI_PORT_MAX))) {
            out->space = g[0];
            out->addr = addr;
            return true;
        }
    }
    /* 4.8.3.3: the block is 4 bytes long when present. */
    uint32_t port = acpi_le32(f + FADT_PM_TMR_BLK);
    if (!port || f[FADT_PM_TMR_LEN] < 4 || port > ACPI_PORT_MAX)
        return false;
    out->space = ACPI_GAS_IO;
    out->addr = port;
    return true;
}

/* IA-PC HPET Specification 1.0a, 3.2.4 Table 3: the HPET description
 * table's Base Address, a Generic Address Structure, at offset 40. */
#define HPET_BASE_GAS 40

uint64_t acpi_hpet_base(uint64_t rsdp)
{
    uint64_t t = rsdp ? acpi_find_table(rsdp, "HPET") : 0;
    if (!t || acpi_table_len(t) < HPET_BASE_GAS + GAS_LEN)
        return 0;
    const uint8_t *g = acpi_ptr(t) + HPET_BASE_GAS;
    return g[0] == ACPI_GAS_MEMORY ? acpi_le64(g + 4) : 0;
}
