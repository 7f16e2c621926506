/* SPDX-License-Identifier: MIT */
/* shm.c: shared pages between processes (kernel layer; see shm.h). */
#include "pmem.h"
#include "shm.h"
#include "spinlock.h"

static struct {
    struct spinlock lock;
    struct { uint64_t pa; unsigned refs; } obj[NSHM];
} shm;

/* Take a reference on (handle); its page, or 0 if there is none. */
static uint64_t shm_get(long handle)
{
    uint64_t pa = 0;

    spin_lock(&shm.lock);
    if (handle >= 0 && handle < NSHM && shm.obj[handle].refs) {
        shm.obj[handle].refs++;
        pa = shm.obj[handle].pa;
    }
    spin_unlock(&shm.lock);
    return pa;
}

static long shm_new(void)
{
    long h = UERR_NOMEM;

    spin_lock(&shm.lock);
    for (long i = 0; i < NSHM && h < 0; i++) {
        if (shm.obj[i].refs)
            continue;
        shm.obj[i].refs = 1;
        shm.obj[i].pa = pmem_alloc(1);
        page_zero((void *)(uintptr_t)shm.obj[i].pa);
        h = i;
    }
    spin_unlock(&shm.lock);
    return h;
}

long shm_create(struct aspace *as, uint64_t *va)
{
    long h = shm_new(), r;

    if (h < 0)
        return h;
    r = mm_map(as, 1, shm.obj[h].pa, PTE_SHM);
    if (r < 0) {
        shm_put_page(shm.obj[h].pa);
        return r;
    }
    *va = (uint64_t)r;
    return h;
}

long shm_map(struct aspace *as, long handle)
{
    uint64_t pa = shm_get(handle);
    long r;

    if (!pa)
        return UERR_NOENT;
    r = mm_map(as, 1, pa, PTE_SHM);
    if (r < 0)
        shm_put_page(pa);
    return r;
}

void shm_put_page(uint64_t pa)
{
    uint64_t free_pa = 0;

    spin_lock(&shm.lock);
    for (unsigned i = 0; i < NSHM; i++) {
        if (shm.obj[i].refs && shm.obj[i].pa == pa && --shm.obj[i].refs == 0)
            free_pa = pa;
    }
    spin_unlock(&shm.lock);
    if (free_pa)
        pmem_free(free_pa);
}
