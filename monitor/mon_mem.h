/* SPDX-License-Identifier: MIT */
/*
 * monitor/mon_mem.h: guest memory as the monitor sees it: the
 * guest-physical layout it writes, the monitor pages it maps outside
 * RAM, and the only ways to reach guest memory (mon_mem.c), with what
 * the monitor writes there at boot (mon_acpi.c).
 */
#ifndef MON_MEM_H
#define MON_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mon;

/*
 * Guest-physical layout.  The monitor writes only these ranges; an image
 * segment may not overlap them, and the memory map reports them reserved.
 * 0x8000 (VMI_TRAMPOLINE_PA) stays ordinary RAM: it is the guest's.
 */
#define MON_ZERO_PAGE_PA  0x0ull       /* real-mode IVT/BDA, left unused */
#define MON_START_INFO_PA 0x1000ull    /* struct hvm_start_info */
#define MON_MEMMAP_PA     0x1040ull    /* hvm_memmap_table_entry[] */
#define MON_MEMMAP_MAX    8u
#define MON_CMDLINE_PA    0x2000ull    /* NUL-terminated command line */
#define MON_BOOT_END      0x3000ull
#define MON_BIOS_PA       0xA0000ull   /* legacy VGA/ROM hole, as on a PC */
#define MON_ACPI_PA       0xE0000ull   /* RSDP scan area (ACPI 6.4 5.2.5.1) */
#define MON_BIOS_END      0x100000ull

/*
 * Monitor pages outside guest RAM (personalities that ask for them:
 * struct mon_pers.special).  The special area is 8 pages ending at
 * 0xFF000000, where Xen's domain builder puts an HVM/PVH domain's special
 * pages (libxenguest's X86_HVM_END_SPECIAL_REGION 0xff000 and
 * X86_HVM_NR_SPECIAL_PAGES 8) and QEMU's Xen emulation its
 * XEN_SPECIAL_AREA_ADDR 0xFEFF8000; the memory map reports it reserved.
 * The pool is pages a personality maps at run time at a gfn outside RAM
 * (Xen XENMEM_add_to_physmap into a hole); each is its own KVM slot.
 * Every monitor access to them goes through mon_gpa_ptr, as to RAM.
 */
#define MON_SPECIAL_PA    0xFEFF8000ull
#define MON_SPECIAL_PAGES 8u
#define MON_SPECIAL_END   (MON_SPECIAL_PA + MON_SPECIAL_PAGES * 0x1000ull)
#define MON_POOL_PAGES    16u
#define MON_MAX_REGIONS   (1u + MON_POOL_PAGES)
#define MON_EXTRA_SIZE    ((MON_SPECIAL_PAGES + MON_POOL_PAGES) * 0x1000ull)

/* A range of monitor pages mapped into the guest outside RAM.  Entries
 * are published by a release store of mon.nregion and never move in
 * memory; gpa is MON_REGION_NONE while unmapped (a stale reader then
 * misses it; the host pages stay valid until exit). */
#define MON_REGION_NONE UINT64_MAX
struct mon_region {
	_Atomic uint64_t gpa;
	uint64_t size;
	uint8_t *host;
};

/* mon_mem.c: the only way to reach guest memory. */
void *mon_gpa_ptr(const struct mon *mon, uint64_t gpa, uint64_t len);
/* Copy (len) bytes of guest-physical memory at (gpa) into (dst), or
 * from (src) to it: true if all of them are guest memory (one piece of
 * RAM or of one monitor page area, as mon_gpa_ptr), else false with
 * nothing copied; len 0 is no range (false).  The personalities' one
 * physical copy: the caller checks and uses its own copy, so a value
 * another vCPU rewrites meanwhile is never read twice. */
bool mon_copy_in(const struct mon *mon, void *dst, uint64_t gpa,
		 uint64_t len);
bool mon_copy_out(struct mon *mon, uint64_t gpa, const void *src,
		  uint64_t len);
struct mon_range { uint64_t start, end; const char *what; };
extern const struct mon_range mon_reserved[];
extern const unsigned mon_nreserved;
struct hvm_memmap_table_entry;
unsigned mon_memmap_build(uint64_t mem, bool special,
			  struct hvm_memmap_table_entry *out, unsigned max);
/* Give the guest the special area at MON_SPECIAL_PA, backed by extra
 * (MON_EXTRA_SIZE bytes, zeroed), as region 0. */
void mon_special_init(struct mon *mon, uint8_t *extra);
/* Map pool page (page, < MON_POOL_PAGES) at (gpa), or unmap it with
 * MON_REGION_NONE; returns a pointer to the page or NULL. */
void *mon_pool_map(struct mon *mon, unsigned page, uint64_t gpa);
int mon_boot_info_write(struct mon *mon, const char *cmdline, uint64_t rsdp);

/* mon_acpi.c */
long mon_acpi_build(uint8_t *area, size_t len, uint64_t base, unsigned ncpus);
uint8_t mon_acpi_sum(const uint8_t *p, size_t len);

#endif
