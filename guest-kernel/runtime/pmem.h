/* SPDX-License-Identifier: MIT */
/*
 * pmem.h: physical page allocator of the guest kernel (kernel layer).  A
 * bump allocator over the RAM of the boot memory map, above 1 MiB, that
 * skips the kernel image and the loader's data, plus a free list of single
 * pages given back with pmem_free.  Pages are not zeroed (the caller
 * zeroes what it needs).  Safe to call from any CPU.
 */
#ifndef KERNEL_PMEM_H
#define KERNEL_PMEM_H

#include <stdint.h>

#include "vmi/boot.h"

#define PAGE_SIZE 4096ull
/* The kernel maps physical memory up to here (mmu.c: one PDPT of page
 * directories); no page above it is handed out. */
#define PMEM_LIMIT (512ull << 30)

void pmem_init(const struct vmi_boot_info *bi);
/* (npages) contiguous pages; panics when RAM is exhausted. */
uint64_t pmem_alloc(uint64_t npages);
/* Give back the one page at (pa), from pmem_alloc(1); a later
 * pmem_alloc(1) reuses it first. */
void pmem_free(uint64_t pa);
/* Pages handed out and not given back, for leak checks. */
uint64_t pmem_pages_in_use(void);
/* The end of the highest RAM region (0 if the map has none). */
uint64_t pmem_ram_top(void);
/* Bytes of RAM in the memory map. */
uint64_t pmem_ram_bytes(void);

#endif
