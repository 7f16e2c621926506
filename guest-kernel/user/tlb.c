/* SPDX-License-Identifier: MIT */
/*
 * tlb.c: the remote TLB shootdown, made visible (user layer).  Touches a
 * shared page at address A on this CPU, moves to another CPU, unmaps A
 * there (the first CPU still holds this address space lazily, so the
 * kernel must flush it remotely), maps a fresh page at the same A, and
 * comes back: reading A must give the fresh page, not the stale
 * translation.  Needs two CPUs; with one it only checks the local flush.
 */
#include "ulib.h"

#define OLD 0x01d01d01dull
#define NEW 0x0e30e30e3ull

int main(void)
{
    long handle, home = getcpu(), away;
    uint64_t va = usys_shm_create(&handle);
    volatile uint64_t *a = (volatile uint64_t *)va;
    volatile uint64_t *b;
    uint64_t seen;

    /* Let the busy start of the demo pass, so that this CPU goes idle
     * (holding this address space lazily) once we leave it. */
    sleep_ms(150);
    /* A second mapping keeps the old page alive, so that the fresh page
     * cannot be the same physical page. */
    if (usys(SYS_SHM_MAP, (uint64_t)handle, 0, 0, 0) < 0)
        return 2;
    *a = OLD;
    away = (home + 1) % 2;
    if (migrate((unsigned)away) < 0)
        away = home;
    if (munmap((void *)va, 4096) < 0)
        return 1;
    b = mmap(4096);
    if (!b)
        return 3;
    *b = NEW;
    migrate((unsigned)home);
    seen = *a;
    uprintf("tlb", "page %p unmapped on cpu %ld, remapped, read back on cpu %ld: 0x%llx, %s\n",
            (void *)va, away, getcpu(), (unsigned long long)seen,
            seen == NEW && (uint64_t)b == va ? "ok" : "STALE");
    return seen == NEW && (uint64_t)b == va ? 0 : 1;
}
