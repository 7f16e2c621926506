/* SPDX-License-Identifier: MIT */
/*
 * acpi.h: the small part of ACPI a backend needs: find the RSDP, walk the
 * RSDT/XSDT to a checksummed table, list the CPUs of the MADT, and read
 * the FADT's sleep and reset registers (with \_S5 from the DSDT).
 * Addresses are physical; physical == virtual for the guest (team
 * convention), and memory is reached only through pa_to_ptr(), so host
 * tests pass pointers to test buffers as "physical addresses".
 * Sources: ACPI 6.5 specification, sections 5.2.5 (RSDP), 5.2.6 (header),
 * 5.2.7/5.2.8 (RSDT/XSDT), 5.2.9 (FADT), 5.2.12 (MADT), 7.4.2 (\_Sx).
 */
#ifndef VMI_COMMON_ACPI_H
#define VMI_COMMON_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common.h"

#define ACPI_HDR_LEN 36         /* the common System Description header */
#define ACPI_RSDP_V1_LEN 20
#define ACPI_RSDP_V2_LEN 36

/* Little-endian reads at any alignment (ACPI tables are packed). */
static inline uint32_t acpi_le32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static inline uint64_t acpi_le64(const uint8_t *p)
{
    return acpi_le32(p) | (uint64_t)acpi_le32(p + 4) << 32;
}

/* True if the (len) bytes at (p) sum to 0 mod 256. */
bool acpi_checksum_ok(const void *p, size_t len);

/* The bytes of the RSDP at (p) that are read (5.2.5.3): 20 before
 * revision 2 (ACPI 1.0), else 36, whatever its length field says. */
size_t acpi_rsdp_len(const void *p);

/* True if (p) holds a valid RSDP: signature "RSD PTR ", the ACPI 1.0
 * checksum, and for revision >= 2 the extended checksum over its 36
 * bytes (whatever its length field says). */
bool acpi_rsdp_valid(const void *p);

/* Scan (len) bytes from physical (pa) on 16-byte boundaries for a valid
 * RSDP.  Returns its physical address, or 0. */
uint64_t acpi_rsdp_scan(uint64_t pa, size_t len);

/* (hint): an RSDP address from the loader, or 0.  Returns hint if it is a
 * valid RSDP below VMI_IDENTITY_MAPPED_END, else the first valid one in
 * the first KiB of the EBDA (its segment is the 16-bit word at 0x40E) or
 * in 0xE0000-0xFFFFF; 0 if none. */
uint64_t acpi_find_rsdp(uint64_t hint);

/* The physical address of the table with signature (sig) (4 characters)
 * reachable from the RSDP at (rsdp): through the XSDT when revision >= 2
 * and its address is set, else the RSDT.  Every table on the way and the
 * result must be usable (acpi_table_ok).  Returns 0 if not found.
 * (sig) "DSDT" is not in the RSDT: use acpi_fadt_dsdt(). */
uint64_t acpi_find_table(uint64_t rsdp, const char *sig);

/* The length field of the table at (pa). */
uint32_t acpi_table_len(uint64_t pa);

/* Whether the table at (pa) is usable (5.2.6): not 0, all of it (its
 * length field, at least the 36-byte header) below
 * VMI_IDENTITY_MAPPED_END (common.h), and summing to zero. */
bool acpi_table_ok(uint64_t pa);

/* List the usable CPUs of the MADT at (madt): Processor Local APIC (type
 * 0) and Processor Local x2APIC (type 9) entries with the Enabled flag,
 * in table order, duplicates dropped.  Writes up to (max) APIC IDs to
 * (ids) and returns the count written. */
unsigned acpi_madt_cpus(uint64_t madt, uint32_t *ids, unsigned max);

/* Generic Address Structure (ACPI 6.5 section 5.2.3.2, Table 5.1): 12
 * bytes, the address space at 0, register bit width at 1, bit offset at
 * 2, access size at 3 and the 64-bit address at 4. */
#define ACPI_GAS_LEN 12
#define ACPI_GAS_MEMORY 0
#define ACPI_GAS_IO 1
#define ACPI_GAS_PCI 2          /* PCI configuration space, segment 0 */
#define ACPI_PORT_MAX 0xffffu   /* the x86 I/O space */

struct acpi_gas {
    uint8_t space;              /* ACPI_GAS_* */
    uint8_t bit_width, bit_offset, access_size;
    uint64_t addr;              /* 0: the register is absent */
};

static inline struct acpi_gas acpi_gas_at(const uint8_t *p)
{
    return (struct acpi_gas){ p[0], p[1], p[2], p[3], acpi_le64(p + 4) };
}

/* True if (g) is present and reachable: in I/O space at a port (up to
 * 0xffff: a wider address names no port and would be cut to another
 * one), or in system memory below VMI_IDENTITY_MAPPED_END (common.h). */
static inline bool acpi_gas_io_or_memory(const struct acpi_gas *g)
{
    if (!g->addr)
        return false;
    if (g->space == ACPI_GAS_IO)
        return g->addr <= ACPI_PORT_MAX;
    return g->space == ACPI_GAS_MEMORY &&
           g->addr <= VMI_IDENTITY_MAPPED_END - sizeof(uint64_t);
}

/* What power management needs from the FADT and DSDT (ACPI 6.5 section
 * 5.2.9).  The PM1x control registers come from X_PM1x_CNT_BLK where its
 * address is not zero (5.2.9: then the 32-bit field must be ignored)
 * and usable (acpi_gas_io_or_memory), else from the 32-bit PM1x_CNT_BLK
 * as I/O space.  A register or SMI_CMD past the port space, or in
 * memory above the identity map, counts as absent. */
struct acpi_power {
    bool hw_reduced;                /* HW_REDUCED_ACPI: no PM1, no SMI_CMD */
    struct acpi_gas pm1a_cnt, pm1b_cnt;
    bool pm1a_x, pm1b_x;            /* from the X_ field (for the log) */
    struct acpi_gas sleep_ctl;      /* SLEEP_CONTROL_REG (4.8.3.7) */
    uint32_t smi_cmd;               /* SMI command port, 0 if none */
    uint8_t acpi_enable;            /* the value that enables ACPI mode */
    bool s5;                        /* \_S5 found: slp_typ valid */
    uint8_t slp_typa, slp_typb;     /* SLP_TYP values of \_S5 */
    bool reset;                     /* FADT RESET_REG usable */
    struct acpi_gas reset_reg;      /* I/O, memory or PCI config space */
    uint8_t reset_value;
};

/* The DSDT address of the FADT at (fadt): X_DSDT if present, else DSDT. */
uint64_t acpi_fadt_dsdt(uint64_t fadt);

/* Fill (out) from the FADT at (fadt) and its DSDT.  Returns false if the
 * FADT is unusable (then *out is all zero). */
bool acpi_parse_fadt(uint64_t fadt, struct acpi_power *out);

/* Find \_S5 in the AML of the (len)-byte DSDT at (dsdt).  This is a byte
 * pattern search, not an AML interpreter: it looks for NameOp "_S5_" (the
 * name optionally prefixed by '\') followed by a PackageOp, and decodes
 * the first two elements (ZeroOp, OneOp, BytePrefix, WordPrefix).  Returns
 * false if not found or not of that shape. */
bool acpi_s5_find(const void *dsdt, size_t len, uint8_t *typa, uint8_t *typb);

/* Everything at once: RSDP from (rsdp_hint) or a scan, FADT, DSDT.
 * Returns false (and a zeroed *out) if any is missing. */
bool acpi_power_probe(uint64_t rsdp_hint, struct acpi_power *out);

/* New lookups for time and interrupts (appended, apart from the power
 * part above). */

/* List the I/O APICs of the MADT at (madt) (5.2.12.3, type 1): up to
 * (max) register-block addresses to (addrs); returns the count. */
unsigned acpi_madt_ioapics(uint64_t madt, uint64_t *addrs, unsigned max);

/* The ACPI PM timer (4.8.3.3): a 3.579545 MHz counter, 24 bits wide, or
 * 32 with TMR_VAL_EXT. */
#define ACPI_PM_TIMER_HZ 3579545ull
struct acpi_timer_reg {
    uint8_t space;          /* ACPI_GAS_IO or ACPI_GAS_MEMORY */
    uint64_t addr;          /* port or physical address */
    bool ext32;             /* FADT TMR_VAL_EXT: the counter has 32 bits */
};

/* The PM timer of the FADT at (fadt): X_PM_TMR_BLK if set (in memory,
 * or in I/O space at a port up to 0xffff), else PM_TMR_BLK.  False (and *out zeroed) if there is none, or the FADT is
 * hardware-reduced (no PM timer, 4.1). */
bool acpi_pm_timer(uint64_t fadt, struct acpi_timer_reg *out);

/* The HPET register block's physical address from the "HPET" table
 * reachable from (rsdp) (IA-PC HPET Specification 1.0a, 3.2.4), or 0. */
uint64_t acpi_hpet_base(uint64_t rsdp);

#endif
