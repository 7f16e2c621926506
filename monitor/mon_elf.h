/* SPDX-License-Identifier: MIT */
/*
 * monitor/mon_elf.h: validation of a PVH image (ELF64 x86-64, or ELF32 x86-64 or i386), done in
 * full before the monitor touches KVM or guest memory.
 */
#ifndef MON_ELF_H
#define MON_ELF_H

#include <stddef.h>
#include <stdint.h>

#define MON_ELF_MAX_PHNUM 64u
#define MON_ELF_MAX_LOAD  16u

struct mon_seg {
	uint64_t offset, filesz;
	uint64_t paddr, memsz;
	uint32_t flags;
};

struct mon_image {
	uint64_t entry;          /* PVH 32-bit physical entry */
	unsigned nseg;
	struct mon_seg seg[MON_ELF_MAX_LOAD];
};

/* Check buf[0..len) as an image for a guest with mem bytes of RAM.
 * Returns 0 and fills img, or -EINVAL with one line in err. */
int mon_elf_check(const uint8_t *buf, size_t len, uint64_t mem,
		  struct mon_image *img, char *err, size_t errlen);

struct mon;
/* Copy the file-backed part of each segment into guest RAM.  Bytes from
 * filesz to memsz are left alone: fresh anonymous memory is zero. */
int mon_elf_load(struct mon *mon, const struct mon_image *img,
		 const uint8_t *buf);

#endif
