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

/* [gpa, gpa+len) inside [base, base+size), without computing a sum. */
static bool inside(uint64_t gpa, uint64_t len, uint64_t base, uint64_t size)
{
	return gpa >= base && gpa - base < size && len <= size - (gpa - base);
}

/*
 * The only way to reach guest memory: a pointer to len (>= 1) bytes at
 * gpa, or NULL unless all of them lie in guest RAM or in one monitor
 * region (the special area, a pool page).  Written so that gpa + len is
 * never computed (no overflow).
 */
void *mon_gpa_ptr(const struct mon *mon, uint64_t gpa, uint64_t len)
{
	unsigned n;

	if (len == 0)
		return NULL;
	if (inside(gpa, len, 0, mon->ram_size))
		return mon->ram + gpa;
	n = atomic_load_explicit(&mon->nregion, memory_order_acquire);
	for (unsigned i = 0; i < n && i < MON_MAX_REGIONS; i++) {
		const struct mon_region *r = &mon->region[i];
		uint64_t base = atomic_load_explicit(&r->gpa,
						     memory_order_relaxed);
		if (base != MON_REGION_NONE && inside(gpa, len, base, r->size))
			return r->host + (gpa - base);
	}
	return NULL;
}

bool mon_copy_in(const struct mon *mon, void *dst, uint64_t gpa,
		 uint64_t len)
{
	const void *src = mon_gpa_ptr(mon, gpa, len);

	if (!src)
		return false;
	memcpy(dst, src, len);
	return true;
}

bool mon_copy_out(struct mon *mon, uint64_t gpa, const void *src,
		  uint64_t len)
{
	void *dst = mon_gpa_ptr(mon, gpa, len);

	if (!dst)
		return false;
	memcpy(dst, src, len);
	return true;
}

void mon_special_init(struct mon *mon, uint8_t *extra)
{
	mon->extra = extra;
	for (unsigned i = 0; i < MON_MAX_REGIONS; i++) {
		mon->region[i].host = extra + (i == 0 ? 0 :
			(MON_SPECIAL_PAGES + i - 1) * 0x1000ull);
		mon->region[i].size = i == 0 ? MON_SPECIAL_END - MON_SPECIAL_PA
					     : 0x1000;
		atomic_store(&mon->region[i].gpa, MON_REGION_NONE);
	}
	atomic_store(&mon->region[0].gpa, MON_SPECIAL_PA);
	atomic_store_explicit(&mon->nregion, MON_MAX_REGIONS,
			      memory_order_release);
}

void *mon_pool_map(struct mon *mon, unsigned page, uint64_t gpa)
{
	struct mon_region *r;

	if (!mon->extra || page >= MON_POOL_PAGES)
		return NULL;
	r = &mon->region[1 + page];
	if (gpa == MON_REGION_NONE && atomic_load(&r->gpa) == gpa)
		return NULL;            /* not mapped: nothing to remove */
	atomic_store(&r->gpa, gpa);
	if (mon->map_region && mon->map_region(mon, 1 + page) < 0) {
		atomic_store(&r->gpa, MON_REGION_NONE);
		return NULL;
	}
	return gpa == MON_REGION_NONE ? NULL : r->host;
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

/* RAM around the reserved ranges; mem >= MON_MEM_MIN > 1 MiB; the
 * special area (reserved) when the personality has one. */
unsigned mon_memmap_build(uint64_t mem, bool special,
			  struct hvm_memmap_table_entry *out, unsigned max)
{
	unsigned n = 0;

	n = memmap_add(out, n, max, 0, MON_BOOT_END,
		       XEN_HVM_MEMMAP_TYPE_RESERVED);
	n = memmap_add(out, n, max, MON_BOOT_END, MON_BIOS_PA,
		       XEN_HVM_MEMMAP_TYPE_RAM);
	n = memmap_add(out, n, max, MON_BIOS_PA, MON_BIOS_END,
		       XEN_HVM_MEMMAP_TYPE_RESERVED);
	n = memmap_add(out, n, max, MON_BIOS_END, mem, XEN_HVM_MEMMAP_TYPE_RAM);
	if (special)
		n = memmap_add(out, n, max, MON_SPECIAL_PA, MON_SPECIAL_END,
			       XEN_HVM_MEMMAP_TYPE_RESERVED);
	return n;
}

/* Write start_info (version 1, with memory map), memmap and cmdline. */
int mon_boot_info_write(struct mon *mon, const char *cmdline, uint64_t rsdp)
{
	struct hvm_memmap_table_entry map[MON_MEMMAP_MAX];
	unsigned n = mon_memmap_build(mon->ram_size, mon->extra != NULL, map,
				      MON_MEMMAP_MAX);
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
