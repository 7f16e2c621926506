/* SPDX-License-Identifier: MIT */
/* pmem.c: the physical page allocator (kernel layer; see pmem.h). */
#include "kprintf.h"
#include "pmem.h"
#include "spinlock.h"
#include "vmi.h"

#define LOW_LIMIT (1ull << 20)      /* below 1 MiB belongs to the backend */
#define FALLBACK_RAM (16ull << 20)  /* assumed when the loader gave no map */

static struct {
    const struct vmi_boot_mem *mem;
    unsigned nr_mem;
    struct vmi_boot_mem fallback;
    struct vmi_boot_range keep[VMI_BOOT_KEEP_MAX + 1];
    unsigned nr_keep;
    uint64_t next;                  /* lowest address not handed out */
    uint64_t free_head;             /* free list, linked through page 0 */
    uint64_t in_use;
    struct spinlock lock;
} pm;

static uint64_t align_up(uint64_t v)
{
    return (v + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

void pmem_init(const struct vmi_boot_info *bi)
{
    uint64_t kstart = (uintptr_t)_kernel_start, kend = (uintptr_t)_kernel_end;

    if (bi->nr_mem < bi->mem_total) {
        /* Running on part of the RAM would hide the rest without a word. */
        kprintf("pmem: the loader's memory map has more than %u ranges "
                "(VMI_BOOT_MEM_MAX), refusing to run on part of it\n", VMI_BOOT_MEM_MAX);
        vmi_shutdown(VMI_EXIT_FAIL);
    }
    pm.mem = bi->mem;
    pm.nr_mem = bi->nr_mem;
    if (!pm.nr_mem) {
        /* No memory map at all (PVH version 0): assume a little RAM right
         * after the image rather than guess the size of the machine. */
        pm.fallback = (struct vmi_boot_mem){ kend, FALLBACK_RAM, VMI_BOOT_MEM_RAM };
        pm.mem = &pm.fallback;
        pm.nr_mem = 1;
        kprintf("pmem: no memory map from the loader, assuming %llu MiB after the kernel\n",
                FALLBACK_RAM >> 20);
    }
    pm.keep[0] = (struct vmi_boot_range){ kstart, kend - kstart };
    for (unsigned i = 0; i < bi->nr_keep; i++)
        pm.keep[i + 1] = bi->keep[i];
    pm.nr_keep = bi->nr_keep + 1;
    pm.next = LOW_LIMIT;
}

static const struct vmi_boot_range *overlap(uint64_t base, uint64_t len)
{
    for (unsigned i = 0; i < pm.nr_keep; i++) {
        const struct vmi_boot_range *r = &pm.keep[i];

        if (base < r->base + r->len && r->base < base + len)
            return r;
    }
    return NULL;
}

/* The lowest address >= pm.next in RAM region (m), below PMEM_LIMIT,
 * where (len) bytes fit without touching a kept range; UINT64_MAX if
 * none. */
static uint64_t fit(const struct vmi_boot_mem *m, uint64_t len)
{
    uint64_t a = align_up(m->base > pm.next ? m->base : pm.next);
    uint64_t end = m->base + m->len < PMEM_LIMIT ? m->base + m->len : PMEM_LIMIT;
    const struct vmi_boot_range *r;

    if (m->type != VMI_BOOT_MEM_RAM)
        return UINT64_MAX;
    while (a + len <= end) {
        r = overlap(a, len);
        if (!r)
            return a;
        a = align_up(r->base + r->len);
    }
    return UINT64_MAX;
}

static uint64_t bump(uint64_t npages)
{
    uint64_t len = npages * PAGE_SIZE, best = UINT64_MAX;

    for (unsigned i = 0; i < pm.nr_mem; i++) {
        uint64_t a = fit(&pm.mem[i], len);

        if (a < best)
            best = a;
    }
    if (best == UINT64_MAX)
        vmi_panic("pmem: out of memory");
    pm.next = best + len;
    return best;
}

uint64_t pmem_alloc(uint64_t npages)
{
    vmi_irqflags_t fl = spin_lock_irqsave(&pm.lock);
    uint64_t pa = pm.free_head;

    if (npages == 1 && pa)
        pm.free_head = *(uint64_t *)(uintptr_t)pa;
    else
        pa = bump(npages);
    pm.in_use += npages;
    spin_unlock_irqrestore(&pm.lock, fl);
    return pa;
}

void pmem_free(uint64_t pa)
{
    vmi_irqflags_t fl = spin_lock_irqsave(&pm.lock);

    VMI_BUG_ON(pa < LOW_LIMIT || (pa & (PAGE_SIZE - 1)));
    *(uint64_t *)(uintptr_t)pa = pm.free_head;
    pm.free_head = pa;
    pm.in_use--;
    spin_unlock_irqrestore(&pm.lock, fl);
}

uint64_t pmem_pages_in_use(void)
{
    return __atomic_load_n(&pm.in_use, __ATOMIC_RELAXED);
}

uint64_t pmem_ram_top(void)
{
    uint64_t top = 0;

    for (unsigned i = 0; i < pm.nr_mem; i++) {
        const struct vmi_boot_mem *m = &pm.mem[i];

        if (m->type == VMI_BOOT_MEM_RAM && m->base + m->len > top)
            top = m->base + m->len;
    }
    return top;
}

uint64_t pmem_ram_bytes(void)
{
    uint64_t sum = 0;

    for (unsigned i = 0; i < pm.nr_mem; i++) {
        if (pm.mem[i].type == VMI_BOOT_MEM_RAM)
            sum += pm.mem[i].len;
    }
    return sum;
}
