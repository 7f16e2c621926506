/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_elf.c: the PVH image loader (monitor/mon_elf.c).  The
 * input is the image file, exactly as vmi-run reads it (libFuzzer's copy
 * is exact in size, so ASan sees any read past the end).  It is checked
 * for a 4 MiB guest, and loaded there when valid, and for the default
 * 256 MiB.  Checks: a refusal is -EINVAL with one printable line; an
 * accepted image keeps every promise mon_elf.h makes (segments inside
 * the file and inside RAM, clear of the monitor's reserved ranges and of
 * each other, the entry in an executable segment's file part, below 4
 * GiB), and then loads, byte for byte.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "mon_elf.h"

#define ELF_RAM (4ull << 20)

static void check_err(const char *err, size_t cap)
{
	size_t n = strnlen(err, cap);

	FZ_CHECK(n > 0 && n < cap, "refusal without a message");
	for (size_t i = 0; i < n; i++)
		FZ_CHECK(err[i] >= 0x20 && err[i] <= 0x7e, "message byte "
			 "0x%02x: %s", (unsigned char)err[i], err);
}

static void check_image(const struct mon_image *img, size_t len,
			uint64_t mem)
{
	bool entry_ok = false;

	FZ_CHECK(img->nseg >= 1 && img->nseg <= MON_ELF_MAX_LOAD, "%u "
		 "segments", img->nseg);
	FZ_CHECK(img->entry <= UINT32_MAX, "entry 0x%llx",
		 (unsigned long long)img->entry);
	for (unsigned i = 0; i < img->nseg; i++) {
		const struct mon_seg *s = &img->seg[i];
		FZ_CHECK(s->memsz > 0 && s->filesz <= s->memsz &&
			 s->offset <= len && s->filesz <= len - s->offset,
			 "segment %u file range", i);
		FZ_CHECK(s->paddr <= mem && s->memsz <= mem - s->paddr,
			 "segment %u beyond RAM", i);
		for (unsigned r = 0; r < mon_nreserved; r++)
			FZ_CHECK(s->paddr + s->memsz <= mon_reserved[r].start ||
				 s->paddr >= mon_reserved[r].end,
				 "segment %u over %s", i, mon_reserved[r].what);
		for (unsigned j = 0; j < i; j++)
			FZ_CHECK(s->paddr + s->memsz <= img->seg[j].paddr ||
				 s->paddr >= img->seg[j].paddr +
				 img->seg[j].memsz, "segments %u and %u "
				 "overlap", j, i);
		if ((s->flags & 1) && img->entry >= s->paddr &&
		    img->entry - s->paddr < s->filesz)
			entry_ok = true;        /* PF_X */
	}
	FZ_CHECK(entry_ok, "entry 0x%llx in no executable file part",
		 (unsigned long long)img->entry);
}

static void load(const struct mon_image *img, const uint8_t *buf)
{
	static struct mon *m;

	if (!m) {
		m = calloc(1, sizeof(*m));
		FZ_CHECK(m && (m->ram = malloc(ELF_RAM)), "out of memory");
		m->ram_size = ELF_RAM;
	}
	FZ_CHECK(mon_elf_load(m, img, buf) == 0, "a valid image does not load");
	for (unsigned i = 0; i < img->nseg; i++)
		FZ_CHECK(memcmp(m->ram + img->seg[i].paddr, buf +
				img->seg[i].offset, img->seg[i].filesz) == 0,
			 "segment %u loaded wrong", i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t mems[2] = { ELF_RAM, MON_MEM_DEFAULT };
	struct mon_image img;
	char err[256];

	for (unsigned k = 0; k < 2; k++) {
		int r;
		memset(err, 'x', sizeof(err));
		r = mon_elf_check(data, size, mems[k], &img, err, sizeof(err));
		FZ_CHECK(r == 0 || r == -EINVAL, "mon_elf_check: %d", r);
		if (r < 0) {
			check_err(err, sizeof(err));
			continue;
		}
		check_image(&img, size, mems[k]);
		if (k == 0)
			load(&img, data);
	}
	return 0;
}
