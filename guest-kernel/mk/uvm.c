/* SPDX-License-Identifier: MIT */
/*
 * uvm.c: user address bookkeeping (kernel layer, pure): the range and
 * mapping checks every system call makes on a user pointer, and the
 * allocation of the mmap window.  No vmi calls, so tests/unit builds it
 * for the host.
 */
#include "aspace.h"

#define PAGE 4096ull

int uvm_range_ok(uint64_t va, uint64_t len)
{
    if (va < UABI_BASE || len > UABI_SIZE)
        return 0;
    return va - UABI_BASE <= UABI_SIZE - len;
}

unsigned uvm_index(uint64_t va)
{
    return (unsigned)((va - UABI_BASE) / PAGE);
}

int uvm_check_user(const vmi_pte_t *pt, uint64_t va, uint64_t len, int write)
{
    uint64_t need = PTE_P | PTE_U | (write ? PTE_W : 0);

    if (!uvm_range_ok(va, len))
        return 0;
    if (len == 0)
        return 1;
    for (uint64_t pg = va & ~(PAGE - 1); pg < va + len; pg += PAGE) {
        if ((pt[uvm_index(pg)] & need) != need)
            return 0;
    }
    return 1;
}

static int slot_used(const uint64_t *used, unsigned s)
{
    return (int)(used[s / 64] >> (s % 64) & 1);
}

int uvm_mmap_find(const uint64_t *used, unsigned n)
{
    unsigned run = 0;

    if (n == 0 || n > UABI_MMAP_PAGES)
        return -1;
    for (unsigned s = 0; s < UABI_MMAP_PAGES; s++) {
        run = slot_used(used, s) ? 0 : run + 1;
        if (run == n)
            return (int)(s + 1 - n);
    }
    return -1;
}

void uvm_mmap_mark(uint64_t *used, unsigned slot, unsigned n, int val)
{
    for (unsigned s = slot; s < slot + n && s < UABI_MMAP_PAGES; s++) {
        if (val)
            used[s / 64] |= 1ull << (s % 64);
        else
            used[s / 64] &= ~(1ull << (s % 64));
    }
}

uint64_t uvm_mmap_va(unsigned slot)
{
    return UABI_MMAP_BASE + slot * PAGE;
}

int uvm_mmap_slot(uint64_t va)
{
    if (va < UABI_MMAP_BASE || va >= UABI_MMAP_BASE + UABI_MMAP_PAGES * PAGE)
        return -1;
    return (int)((va - UABI_MMAP_BASE) / PAGE);
}
