/* SPDX-License-Identifier: MIT */
/*
 * monitor/mon_acpi.c: the ACPI tables vmi-run gives every guest: RSDP v2,
 * RSDT, XSDT, FADT (PM1a blocks and the 0xcf9 reset register), a DSDT
 * holding only \_S5, and a MADT with one enabled Local APIC per vCPU.
 * Pure logic on a byte buffer; offsets and values from the ACPI 6.4
 * specification, chapter 5.2 (section numbers at each table).
 */
#include <errno.h>
#include <string.h>

#include "mon.h"

/* Table offsets inside the area at MON_ACPI_PA (16-byte aligned RSDP). */
#define OFF_RSDP 0x000
#define OFF_RSDT 0x040
#define OFF_XSDT 0x080
#define OFF_FADT 0x100
#define OFF_DSDT 0x280
#define OFF_MADT 0x300

#define HDR_LEN   36u          /* 5.2.6 System Description Table Header */
#define FADT_LEN  276u         /* 5.2.9 Table 5.9, FADT major version 6 */
#define MADT_LAPIC_LEN 8u      /* 5.2.12.2 Processor Local APIC Structure */
#define LAPIC_PA  0xFEE00000u  /* SDM vol. 3A 10.4.1 default APIC base */

/*
 * DSDT body (ACPI 6.4 chapter 20, AML encoding): Name (_S5, Package (4)
 * { 5, 5, 0, 0 }), i.e. SLP_TYPa = SLP_TYPb = 5 for soft-off.
 *   08           NameOp
 *   5F 53 35 5F  NameSeg "_S5_"
 *   12 08 04     PackageOp, PkgLength 8 (itself to the end), 4 elements
 *   0A 05 0A 05  BytePrefix 5, BytePrefix 5
 *   00 00        ZeroOp, ZeroOp (reserved elements)
 */
static const uint8_t dsdt_aml[] = {
	0x08, 0x5f, 0x53, 0x35, 0x5f, 0x12, 0x08, 0x04,
	0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00,
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

uint8_t mon_acpi_sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s = (uint8_t)(s + *p++);
	return s;
}

/* 5.2.6: header fields; the checksum byte is set last by finish(). */
static void header(uint8_t *t, const char sig[4], uint32_t len, uint8_t rev)
{
	memcpy(t, sig, 4);
	put32(t + 4, len);
	t[8] = rev;
	memcpy(t + 10, "VMIRUN", 6);
	memcpy(t + 16, "VMI-RUN ", 8);
	put32(t + 24, 1);
	memcpy(t + 28, "VMI ", 4);
	put32(t + 32, 1);
}

static void finish(uint8_t *t, uint32_t len)
{
	t[9] = 0;
	t[9] = (uint8_t)-mon_acpi_sum(t, len);
}

/* 5.2.3.2 Generic Address Structure, system I/O space (id 1). */
static void gas_io(uint8_t *g, uint8_t bits, uint8_t access, uint16_t port)
{
	g[0] = 1;
	g[1] = bits;
	g[2] = 0;
	g[3] = access;          /* 1 byte, 2 word, 3 dword */
	put64(g + 4, port);
}

static void build_fadt(uint8_t *t, uint64_t dsdt)
{
	header(t, "FACP", FADT_LEN, 6);
	put32(t + 40, (uint32_t)dsdt);
	put16(t + 46, 9);                       /* SCI_INT: ISA IRQ 9 */
	/* SMI_CMD 0: no SMM, the machine is always in ACPI mode. */
	put32(t + 56, MON_PORT_PM1A_EVT);
	put32(t + 64, MON_PORT_PM1A_CNT);
	t[88] = 4;                              /* PM1_EVT_LEN */
	t[89] = 2;                              /* PM1_CNT_LEN */
	t[108] = 0x32;                          /* CENTURY: CMOS index */
	/* IAPC_BOOT_ARCH (Table 5.11): VGA not present (bit 2); the CMOS
	 * RTC (bit 5 clear) is mon_rtc.c. */
	put16(t + 109, 1u << 2);
	/* Flags (Table 5.10): WBINVD(0), PROC_C1(2), PWR_BUTTON(4) and
	 * SLP_BUTTON(5) as control methods (i.e. none), FIX_RTC(6),
	 * RESET_REG_SUP(10), HEADLESS(12). */
	put32(t + 112, (1u << 0) | (1u << 2) | (1u << 4) | (1u << 5) |
		       (1u << 6) | (1u << 10) | (1u << 12));
	gas_io(t + 116, 8, 1, MON_PORT_RESET);  /* RESET_REG */
	t[128] = 0x06;                          /* RESET_VALUE: SYS_RST|RST_CPU */
	put64(t + 140, dsdt);                   /* X_DSDT */
	gas_io(t + 148, 32, 2, MON_PORT_PM1A_EVT);
	gas_io(t + 172, 16, 2, MON_PORT_PM1A_CNT);
	finish(t, FADT_LEN);
}

static uint32_t build_madt(uint8_t *t, unsigned ncpus)
{
	uint32_t len = HDR_LEN + 8 + ncpus * MADT_LAPIC_LEN;

	header(t, "APIC", len, 5);
	put32(t + 36, LAPIC_PA);
	put32(t + 40, 1);       /* PCAT_COMPAT: dual 8259s present, masked */
	for (unsigned i = 0; i < ncpus; i++) {
		uint8_t *e = t + HDR_LEN + 8 + i * MADT_LAPIC_LEN;
		e[0] = 0;       /* type: Processor Local APIC */
		e[1] = MADT_LAPIC_LEN;
		e[2] = (uint8_t)i;      /* ACPI Processor UID */
		e[3] = (uint8_t)i;      /* APIC ID = KVM vCPU id */
		put32(e + 4, 1);        /* Enabled */
	}
	finish(t, len);
	return len;
}

/* 5.2.5.3 RSDP, revision 2: checksum over 20 bytes, extended over 36. */
static void build_rsdp(uint8_t *r, uint64_t rsdt, uint64_t xsdt)
{
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, "VMIRUN", 6);
	r[15] = 2;
	put32(r + 16, (uint32_t)rsdt);
	put32(r + 20, 36);
	put64(r + 24, xsdt);
	r[8] = (uint8_t)-mon_acpi_sum(r, 20);
	r[32] = (uint8_t)-mon_acpi_sum(r, 36);
}

/* Build all tables in area (guest-physical base); returns the RSDP's
 * guest-physical address, or -EINVAL if they do not fit. */
long mon_acpi_build(uint8_t *area, size_t len, uint64_t base, unsigned ncpus)
{
	uint32_t dsdt_len = HDR_LEN + sizeof(dsdt_aml);
	uint64_t fadt = base + OFF_FADT, madt = base + OFF_MADT;

	if (ncpus == 0 || ncpus > MON_MAX_CPUS || base > UINT32_MAX - len ||
	    len < OFF_MADT + HDR_LEN + 8 + ncpus * MADT_LAPIC_LEN)
		return -EINVAL;
	memset(area, 0, OFF_MADT);
	header(area + OFF_DSDT, "DSDT", dsdt_len, 2);
	memcpy(area + OFF_DSDT + HDR_LEN, dsdt_aml, sizeof(dsdt_aml));
	finish(area + OFF_DSDT, dsdt_len);
	build_fadt(area + OFF_FADT, base + OFF_DSDT);
	build_madt(area + OFF_MADT, ncpus);
	header(area + OFF_RSDT, "RSDT", HDR_LEN + 8, 1);
	put32(area + OFF_RSDT + HDR_LEN, (uint32_t)fadt);
	put32(area + OFF_RSDT + HDR_LEN + 4, (uint32_t)madt);
	finish(area + OFF_RSDT, HDR_LEN + 8);
	header(area + OFF_XSDT, "XSDT", HDR_LEN + 16, 1);
	put64(area + OFF_XSDT + HDR_LEN, fadt);
	put64(area + OFF_XSDT + HDR_LEN + 8, madt);
	finish(area + OFF_XSDT, HDR_LEN + 16);
	build_rsdp(area + OFF_RSDP, base + OFF_RSDT, base + OFF_XSDT);
	return (long)(base + OFF_RSDP);
}
