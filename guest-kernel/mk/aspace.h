/* SPDX-License-Identifier: MIT */
/*
 * aspace.h: a process's address space (kernel layer).  The kernel half is
 * PML4 slot 0, the runtime's identity map, shared by pointing at the
 * kernel's own PDPT (supervisor-only all the way down).  The user half is
 * one 2 MiB window in slot 1 (uabi.h) mapped by one page table, so every
 * address space has exactly four page-table pages, all built and torn down
 * through vmi (aspace.c) in deferred mode.  uvm.c holds the pure
 * bookkeeping that the host unit tests check.
 */
#ifndef MK_ASPACE_H
#define MK_ASPACE_H

#include <stdint.h>

#include "uabi.h"
#include "vmi/types.h"

/* Intel SDM Vol. 3A 4.5, Tables 4-14 to 4-20. */
#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_U (1ull << 2)
#define PTE_SHM (1ull << 9)         /* ignored by the CPU: a shared page */
#define PTE_ADDR 0x000ffffffffff000ull

#define UVM_PAGES (UABI_SIZE / 4096)                  /* PT entries used */
#define UVM_MMAP_WORDS ((UABI_MMAP_PAGES + 63) / 64)

struct aspace {
    uint64_t pml4;                  /* physical = virtual (identity map) */
    vmi_pte_t *pdpt, *pd, *pt;
    vmi_cpumask_t cpus;             /* CPUs with this CR3 loaded */
    uint64_t mmap_used[UVM_MMAP_WORDS];
    unsigned pages;                 /* user pages mapped */
    int dying;
};

/* ---- uvm.c: pure ---- */
/* Whether [va, va + len) lies inside the user window (no overflow). */
int uvm_range_ok(uint64_t va, uint64_t len);
/* PT index of user address (va); the caller checked uvm_range_ok. */
unsigned uvm_index(uint64_t va);
/* Whether every page of [va, va + len) is mapped user-accessible in (pt),
 * and writable if (write).  len 0 is fine. */
int uvm_check_user(const vmi_pte_t *pt, uint64_t va, uint64_t len, int write);
/* First slot of a run of (n) free mmap slots in (used), or -1. */
int uvm_mmap_find(const uint64_t *used, unsigned n);
void uvm_mmap_mark(uint64_t *used, unsigned slot, unsigned n, int val);
/* The user address of mmap slot (slot), and back (-1 if outside). */
uint64_t uvm_mmap_va(unsigned slot);
int uvm_mmap_slot(uint64_t va);

/* ---- aspace.c: through vmi ---- */
/* Build (as): four tables, kernel half shared with (kernel_pml4). */
void as_create(struct aspace *as, uint64_t kernel_pml4);
/* Map one page (pa) at (va) with PTE flags (flags) | P | U. */
void as_map(struct aspace *as, uint64_t va, uint64_t pa, uint64_t flags);
/* Unmap (npages) from (va), give the pages back, flush every CPU that may
 * hold them. */
void as_unmap(struct aspace *as, uint64_t va, unsigned npages);
/* Leave and free (as): every CPU drops it first. */
void as_destroy(struct aspace *as, uint64_t kernel_pml4);
/* Load (as) on this CPU (NULL: stay on what is loaded: lazy TLB). */
void as_activate(struct aspace *as);
/* This CPU lets go of a dying address space it holds lazily. */
void as_drop_if_dying(uint64_t kernel_pml4);
/* Kernel pointer to user address (va) in (as); the caller checked it. */
void *as_kptr(const struct aspace *as, uint64_t va);
/* Copy (len) bytes between kernel memory and checked user memory. */
void as_copy_in(const struct aspace *as, void *dst, uint64_t va, uint64_t len);
void as_copy_out(const struct aspace *as, uint64_t va, const void *src, uint64_t len);

/* switch.S */
void page_zero(void *page);

#endif
