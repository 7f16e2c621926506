/* SPDX-License-Identifier: MIT */
/* acpi_build.h: builders of in-memory ACPI tables for the unit tests
 * (layouts: ACPI 6.5 sections 5.2.5-5.2.12).  Header-only, test code. */
#ifndef VMI_TEST_ACPI_BUILD_H
#define VMI_TEST_ACPI_BUILD_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mock.h"

/* The tables are built in the mock's low memory, physical 0x40000 to
 * 0x47fff (clear of the EBDA and BIOS areas the RSDP scan reads), so
 * that their addresses are below 4 GiB, as backends/common/acpi.c
 * requires (VMI_IDENTITY_MAPPED_END).  Build them after mock_reset(),
 * which clears that memory. */
#define ACPI_ARENA_PA 0x40000u
#define ACPI_ARENA_SIZE 0x8000u
static size_t acpi_arena_off;

/* The physical address of (p): its offset in the mock's low memory, or
 * the host address of anything else. */
static inline uint64_t tpa(const void *p)
{
    const uint8_t *b = p;
    if (b >= mock.lowmem && b < mock.lowmem + MOCK_LOWMEM)
        return (uint64_t)(b - mock.lowmem);
    return (uint64_t)(uintptr_t)p;
}

static inline uint8_t *tb_alloc(size_t n)
{
    uint8_t *p = mock.lowmem + ACPI_ARENA_PA + acpi_arena_off;
    acpi_arena_off += (n + 15) & ~(size_t)15;
    if (acpi_arena_off > ACPI_ARENA_SIZE)
        abort();
    memset(p, 0, n);
    return p;
}

static inline void tb_put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static inline void tb_put64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

/* Set the checksum byte at (off) so the (len) bytes at (t) sum to 0. */
static inline void tb_sum(uint8_t *t, size_t len, size_t off)
{
    uint8_t s = 0;
    t[off] = 0;
    for (size_t i = 0; i < len; i++)
        s += t[i];
    t[off] = (uint8_t)-s;
}

/* A table of (len) bytes with signature (sig); checksum it last. */
static inline uint8_t *tb_table(const char *sig, uint32_t len)
{
    uint8_t *t = tb_alloc(len);
    memcpy(t, sig, 4);
    tb_put32(t + 4, len);
    t[8] = 2;
    return t;
}

static inline void tb_seal(uint8_t *t)
{
    uint32_t len;
    memcpy(&len, t + 4, 4);
    tb_sum(t, len, 9);
}

/* An RSDP at (r) (36 bytes) of (rev) pointing to (rsdt) and (xsdt). */
static inline void tb_rsdp_at(uint8_t *r, uint8_t rev, uint64_t rsdt,
                              uint64_t xsdt)
{
    memset(r, 0, 36);
    memcpy(r, "RSD PTR ", 8);
    r[15] = rev;
    tb_put32(r + 16, (uint32_t)rsdt);
    tb_put32(r + 20, 36);
    tb_put64(r + 24, xsdt);
    tb_sum(r, 20, 8);
    tb_sum(r, 36, 32);
}

/* An RSDT (esz 4) or XSDT (esz 8) listing (n) tables. */
static inline uint8_t *tb_sdt(unsigned esz, const uint64_t *tables, unsigned n)
{
    uint8_t *t = tb_table(esz == 8 ? "XSDT" : "RSDT", 36 + esz * n);
    for (unsigned i = 0; i < n; i++) {
        if (esz == 8)
            tb_put64(t + 36 + 8 * i, tables[i]);
        else
            tb_put32(t + 36 + 4 * i, (uint32_t)tables[i]);
    }
    tb_seal(t);
    return t;
}

#endif
