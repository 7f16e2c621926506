/* SPDX-License-Identifier: MIT */
/*
 * monitor/mon_mem.c: guest-physical memory: the one checked accessor,
 * the reserved ranges, the PVH memory map and hvm_start_info.  Reference:
 * Xen public/arch-x86/hvm/start_info.h and docs/misc/pvh.pandoc.
 */
#include <errno.h>
#include <string.h>
#include <stdint.h>
#include <xen/arch-x86/hvm/start_info.h>

#include "mon.h"

_Static_assert(sizeof(struct hvm_start_info) == 56, "PVH start_info ABI");
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "PVH memmap ABI");
_Static_assert(MON_MEMMAP_PA + MON_MEMMAP_MAX * 24 <= MON_CMDLINE_PA,
	       "memmap fits below the command line");
_Static_assert(MON_CMDLINE_PA + MON_CMDLINE_MAX + 1 <= MON_BOOT_END,
	       "command line fits in the boot area");

/*
 * The only way to reach guest memory: a pointer to len (>= 1) bytes at
 * gpa, or NULL if any of them lies outside guest RAM.  Written so that
 * gpa + len is never computed (no overflow).
 */
void *mon_gpa_ptr(const struct mon *mon, uint64_t gpa, uint64_t len)
{
	if (len == 0 || gpa >= mon->ram_size || len > mon->ram_size - gpa)
		return NULL;
	return mon->ram + gpa;
}

/* What the monitor owns in guest RAM; images may not load over it. */
const struct mon_range mon_reserved[] = {
	{ MON_ZERO_PAGE_PA, MON_START_INFO_PA, "page 0: real-mode IVT/BDA" },
	{ MON_START_INFO_PA, MON_BOOT_END, "start_info, memmap, cmdline" },
	{ MON_BIOS_PA, MON_BIOS_END, "VGA/BIOS hole and ACPI tables" },
};
const unsigned mon_nreserved = sizeof(mon_reserved) / sizeof(mon_reserved[0]);

static unsigned memmap_add(struct hvm_memmap_table_entry *out, unsigned n,
			   unsigned max, uint64_t start, uint64_t end,
			   uint32_t type)
{
	if (start >= end || n >= max)
		return n;
	out[n] = (struct hvm_memmap_table_entry){ .addr = start,
		.size = end - start, .type = type };
	return n + 1;
}

/* RAM around the reserved ranges; mem >= MON_MEM_MIN > 1 MiB. */
unsigned mon_memmap_build(uint64_t mem, struct hvm_memmap_table_entry *out,
			  unsigned max)
{
	unsigned n = 0;

	n = memmap_add(out, n, max, 0, MON_BOOT_END,
		       XEN_HVM_MEMMAP_TYPE_RESERVED);
	n = memmap_add(out, n, max, MON_BOOT_END, MON_BIOS_PA,
		       XEN_HVM_MEMMAP_TYPE_RAM);
	n = memmap_add(out, n, max, MON_BIOS_PA, MON_BIOS_END,
		       XEN_HVM_MEMMAP_TYPE_RESERVED);
	n = memmap_add(out, n, max, MON_BIOS_END, mem, XEN_HVM_MEMMAP_TYPE_RAM);
	return n;
}

/* Write start_info (version 1, with memory map), memmap and cmdline. */
int mon_boot_info_write(struct mon *mon, const char *cmdline, uint64_t rsdp)
{
	struct hvm_memmap_table_entry map[MON_MEMMAP_MAX];
	unsigned n = mon_memmap_build(mon->ram_size, map, MON_MEMMAP_MAX);
	size_t clen = strlen(cmdline);
	struct hvm_start_info si = {
		.magic = XEN_HVM_START_MAGIC_VALUE,
		.version = 1,
		.cmdline_paddr = MON_CMDLINE_PA,
		.rsdp_paddr = rsdp,
		.memmap_paddr = MON_MEMMAP_PA,
		.memmap_entries = n,
	};
	void *p_si = mon_gpa_ptr(mon, MON_START_INFO_PA, sizeof(si));
	void *p_map = mon_gpa_ptr(mon, MON_MEMMAP_PA, n * sizeof(map[0]));
	void *p_cmd = mon_gpa_ptr(mon, MON_CMDLINE_PA, clen + 1);

	if (!p_si || !p_map || !p_cmd || clen > MON_CMDLINE_MAX)
		return -EINVAL;
	memcpy(p_si, &si, sizeof(si));
	memcpy(p_map, map, n * sizeof(map[0]));
	memcpy(p_cmd, cmdline, clen + 1);
	return 0;
}
