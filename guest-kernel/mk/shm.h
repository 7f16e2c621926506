/* SPDX-License-Identifier: MIT */
/*
 * shm.h: shared pages between processes (kernel layer).  A shared page is
 * an object with a small integer handle; every mapping of it holds a
 * reference (its PTE carries PTE_SHM), and the page goes back to pmem
 * when the last mapping goes.  A handle is passed between processes in an
 * IPC message.
 */
#ifndef MK_SHM_H
#define MK_SHM_H

#include <stdint.h>

#include "aspace.h"

#define NSHM 8

/* Create a zeroed shared page and map it into (as).  Returns the handle
 * and stores the user address in (*va), or a UERR_*. */
long shm_create(struct aspace *as, uint64_t *va);
/* Map shared page (handle) into (as).  Returns the user address or a
 * UERR_*. */
long shm_map(struct aspace *as, long handle);
/* A mapping of shared page (pa) went away. */
void shm_put_page(uint64_t pa);

/* mmap.c: map (npages) zeroed anonymous pages, or the page (pa) with
 * extra PTE flags (flags), at free mmap slots of (as); the user address or
 * a UERR_*. */
long mm_map(struct aspace *as, unsigned npages, uint64_t pa, uint64_t flags);
/* Unmap [va, va + len) of the mmap window; 0 or a UERR_*. */
long mm_unmap(struct aspace *as, uint64_t va, uint64_t len);

#endif
