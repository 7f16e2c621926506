/* SPDX-License-Identifier: MIT */
/*
 * monitor/mon_elf.c: PVH ELF image validation and loading.  Validate
 * everything, then act with code that cannot fail (seL4).  Every size and
 * offset comes from the file, so every sum is checked for overflow.
 * References: System V gABI (ELF header, program header, note section),
 * Xen docs/misc/pvh.pandoc and public/elfnote.h (XEN_ELFNOTE_PHYS32_ENTRY).
 */
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mon.h"
#include "mon_elf.h"

#define XEN_ELFNOTE_PHYS32_ENTRY 18   /* xen/include/public/elfnote.h */

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); \
		       return -EINVAL; } while (0)

/* [off, off+len) lies inside [0, total). */
static bool in_bounds(uint64_t off, uint64_t len, uint64_t total)
{
	return off <= total && len <= total - off;
}

/* The ELF32 header widened (gABI: same fields, 32-bit addresses). */
static void widen_ehdr(const Elf32_Ehdr *e, Elf64_Ehdr *eh)
{
	memcpy(eh->e_ident, e->e_ident, EI_NIDENT);
	eh->e_type = e->e_type;
	eh->e_machine = e->e_machine;
	eh->e_version = e->e_version;
	eh->e_entry = e->e_entry;
	eh->e_phoff = e->e_phoff;
	eh->e_shoff = e->e_shoff;
	eh->e_flags = e->e_flags;
	eh->e_ehsize = e->e_ehsize;
	eh->e_phentsize = e->e_phentsize;
	eh->e_phnum = e->e_phnum;
	eh->e_shentsize = e->e_shentsize;
	eh->e_shnum = e->e_shnum;
	eh->e_shstrndx = e->e_shstrndx;
}

static int check_ehdr(const uint8_t *buf, size_t len, Elf64_Ehdr *eh,
		      char *err, size_t errlen)
{
	size_t need;
	bool is32;

	if (len < SELFMAG)
		FAIL("file too short to be ELF (%zu bytes)", len);
	if (memcmp(buf, ELFMAG, SELFMAG) != 0)
		FAIL("not an ELF file (bad magic)");
	if (len <= EI_CLASS)
		FAIL("truncated ELF header (%zu bytes)", len);
	if (buf[EI_CLASS] != ELFCLASS32 && buf[EI_CLASS] != ELFCLASS64)
		FAIL("unknown ELF class (EI_CLASS=%u, want 1 or 2)",
		     buf[EI_CLASS]);
	is32 = buf[EI_CLASS] == ELFCLASS32;
	need = is32 ? sizeof(Elf32_Ehdr) : sizeof(Elf64_Ehdr);
	if (len < need)
		FAIL("truncated ELF header (%zu bytes, need %zu)", len, need);
	if (is32) {
		Elf32_Ehdr e;
		memcpy(&e, buf, sizeof(e));
		widen_ehdr(&e, eh);
	} else {
		memcpy(eh, buf, sizeof(*eh));
	}
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		FAIL("not a little-endian ELF (EI_DATA=%u)",
		     eh->e_ident[EI_DATA]);
	if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
		FAIL("bad ELF version (EI_VERSION=%u, e_version=%u)",
		     eh->e_ident[EI_VERSION], eh->e_version);
	if (is32 && eh->e_machine != EM_X86_64 && eh->e_machine != EM_386)
		FAIL("not an x86-64 or i386 ELF32 (e_machine=%u)",
		     eh->e_machine);
	if (!is32 && eh->e_machine != EM_X86_64)
		FAIL("not an x86-64 ELF64 (e_machine=%u)", eh->e_machine);
	if (eh->e_type != ET_EXEC)
		FAIL("not an executable ELF (e_type=%u, want ET_EXEC)",
		     eh->e_type);
	return 0;
}

/* Size of one program header in this image's class. */
static size_t phent_size(const Elf64_Ehdr *eh)
{
	return eh->e_ident[EI_CLASS] == ELFCLASS32 ? sizeof(Elf32_Phdr)
						   : sizeof(Elf64_Phdr);
}

/* Program header i, widened for ELF32; bounds checked by check_phdrs. */
static void read_phdr(const uint8_t *buf, const Elf64_Ehdr *eh, unsigned i,
		      Elf64_Phdr *ph)
{
	if (eh->e_ident[EI_CLASS] == ELFCLASS32) {
		Elf32_Phdr p;
		memcpy(&p, buf + eh->e_phoff + (uint64_t)i * sizeof(p),
		       sizeof(p));
		*ph = (Elf64_Phdr){ .p_type = p.p_type, .p_flags = p.p_flags,
			.p_offset = p.p_offset, .p_vaddr = p.p_vaddr,
			.p_paddr = p.p_paddr, .p_filesz = p.p_filesz,
			.p_memsz = p.p_memsz, .p_align = p.p_align };
		return;
	}
	memcpy(ph, buf + eh->e_phoff + (uint64_t)i * sizeof(*ph), sizeof(*ph));
}

static int check_phdrs(const Elf64_Ehdr *eh, size_t len, char *err,
		       size_t errlen)
{
	if (eh->e_phentsize != phent_size(eh))
		FAIL("bad program header size e_phentsize=%u (want %zu)",
		     eh->e_phentsize, phent_size(eh));
	if (eh->e_phnum == 0)
		FAIL("no program headers");
	if (eh->e_phnum > MON_ELF_MAX_PHNUM)
		FAIL("too many program headers (e_phnum=%u, max %u)",
		     eh->e_phnum, MON_ELF_MAX_PHNUM);
	if (!in_bounds(eh->e_phoff, (uint64_t)eh->e_phnum * phent_size(eh),
		       len))
		FAIL("program header table (e_phoff=0x%" PRIx64 ", %u "
		     "entries) lies outside the file (%zu bytes)",
		     eh->e_phoff, eh->e_phnum, len);
	return 0;
}

static int check_load(const Elf64_Phdr *ph, unsigned i, size_t len,
		      uint64_t mem, char *err, size_t errlen)
{
	uint64_t end;

	if (ph->p_filesz > ph->p_memsz)
		FAIL("segment %u: p_filesz 0x%" PRIx64 " > p_memsz 0x%" PRIx64,
		     i, ph->p_filesz, ph->p_memsz);
	if (!in_bounds(ph->p_offset, ph->p_filesz, len))
		FAIL("segment %u: file range (offset 0x%" PRIx64 ", size 0x%"
		     PRIx64 ") lies outside the file (%zu bytes)", i,
		     ph->p_offset, ph->p_filesz, len);
	if (ph->p_paddr > UINT64_MAX - ph->p_memsz)
		FAIL("segment %u: address 0x%" PRIx64 " + size 0x%" PRIx64
		     " overflows", i, ph->p_paddr, ph->p_memsz);
	end = ph->p_paddr + ph->p_memsz;
	if (end > mem)
		FAIL("segment %u: [0x%" PRIx64 ", 0x%" PRIx64 ") lies beyond "
		     "guest RAM (0x%" PRIx64 " bytes; try a larger --mem)", i,
		     ph->p_paddr, end, mem);
	for (unsigned r = 0; r < mon_nreserved; r++)
		if (ph->p_paddr < mon_reserved[r].end &&
		    end > mon_reserved[r].start)
			FAIL("segment %u: [0x%" PRIx64 ", 0x%" PRIx64 ") "
			     "overlaps the monitor's reserved area [0x%"
			     PRIx64 ", 0x%" PRIx64 ") (%s)", i, ph->p_paddr,
			     end, mon_reserved[r].start, mon_reserved[r].end,
			     mon_reserved[r].what);
	return 0;
}

static int add_load(struct mon_image *img, const Elf64_Phdr *ph, unsigned i,
		    char *err, size_t errlen)
{
	struct mon_seg s = { ph->p_offset, ph->p_filesz, ph->p_paddr,
			     ph->p_memsz, ph->p_flags };

	if (s.memsz == 0)
		return 0;
	for (unsigned j = 0; j < img->nseg; j++)
		if (s.paddr < img->seg[j].paddr + img->seg[j].memsz &&
		    img->seg[j].paddr < s.paddr + s.memsz)
			FAIL("segment %u overlaps an earlier PT_LOAD segment "
			     "at 0x%" PRIx64, i, img->seg[j].paddr);
	if (img->nseg >= MON_ELF_MAX_LOAD)
		FAIL("too many PT_LOAD segments (max %u)", MON_ELF_MAX_LOAD);
	img->seg[img->nseg++] = s;
	return 0;
}

/* Walk one PT_NOTE segment; sets *entry from the PVH note. */
static int scan_notes(const uint8_t *p, uint64_t size, uint64_t align,
		      unsigned i, unsigned *nnotes, uint64_t *entry,
		      char *err, size_t errlen)
{
	uint64_t a = align == 8 ? 8 : 4, off = 0;

	while (off < size) {
		Elf64_Nhdr nh;
		uint64_t name_sz, desc_sz;
		if (size - off < sizeof(nh))
			FAIL("malformed note in segment %u: truncated note "
			     "header at offset 0x%" PRIx64, i, off);
		memcpy(&nh, p + off, sizeof(nh));
		off += sizeof(nh);
		name_sz = ((uint64_t)nh.n_namesz + a - 1) & ~(a - 1);
		desc_sz = ((uint64_t)nh.n_descsz + a - 1) & ~(a - 1);
		if (name_sz > size - off || desc_sz > size - off - name_sz)
			FAIL("malformed note in segment %u: n_namesz=%u "
			     "n_descsz=%u exceed the segment", i,
			     nh.n_namesz, nh.n_descsz);
		(*nnotes)++;
		if (nh.n_type == XEN_ELFNOTE_PHYS32_ENTRY && nh.n_namesz == 4 &&
		    memcmp(p + off, "Xen", 4) == 0 && *entry == UINT64_MAX) {
			const uint8_t *d = p + off + name_sz;
			uint32_t lo, hi = 0;
			if (nh.n_descsz != 4 && nh.n_descsz != 8)
				FAIL("PVH note has desc size %u (want 4 or 8)",
				     nh.n_descsz);
			memcpy(&lo, d, 4);
			if (nh.n_descsz == 8)
				memcpy(&hi, d + 4, 4);
			if (hi != 0)
				FAIL("PVH entry 0x%x%08x is above 4 GiB", hi,
				     lo);
			*entry = lo;
		}
		off += name_sz + desc_sz;
	}
	return 0;
}

static int check_entry(const struct mon_image *img, char *err, size_t errlen)
{
	for (unsigned j = 0; j < img->nseg; j++) {
		const struct mon_seg *s = &img->seg[j];
		if ((s->flags & PF_X) && img->entry >= s->paddr &&
		    img->entry - s->paddr < s->filesz)
			return 0;
	}
	FAIL("PVH entry 0x%" PRIx64 " is not inside an executable PT_LOAD "
	     "segment", img->entry);
}

static int check_segments(const uint8_t *buf, size_t len, uint64_t mem,
			  const Elf64_Ehdr *eh, struct mon_image *img,
			  char *err, size_t errlen)
{
	unsigned nnote_segs = 0, nnotes = 0;

	for (unsigned i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph;
		read_phdr(buf, eh, i, &ph);
		if (ph.p_type == PT_LOAD) {
			if (check_load(&ph, i, len, mem, err, errlen) < 0 ||
			    add_load(img, &ph, i, err, errlen) < 0)
				return -EINVAL;
		} else if (ph.p_type == PT_NOTE) {
			nnote_segs++;
			if (!in_bounds(ph.p_offset, ph.p_filesz, len))
				FAIL("PT_NOTE segment %u lies outside the file",
				     i);
			if (scan_notes(buf + ph.p_offset, ph.p_filesz,
				       ph.p_align, i, &nnotes, &img->entry,
				       err, errlen) < 0)
				return -EINVAL;
		}
	}
	if (img->nseg == 0)
		FAIL("no loadable (PT_LOAD) segment");
	if (nnote_segs == 0)
		FAIL("no PT_NOTE segment, so no PVH entry note");
	if (img->entry == UINT64_MAX)
		FAIL("no PVH entry note (name \"Xen\", type 18 "
		     "XEN_ELFNOTE_PHYS32_ENTRY) among %u notes", nnotes);
	return 0;
}

int mon_elf_check(const uint8_t *buf, size_t len, uint64_t mem,
		  struct mon_image *img, char *err, size_t errlen)
{
	Elf64_Ehdr eh;

	memset(img, 0, sizeof(*img));
	img->entry = UINT64_MAX;
	if (check_ehdr(buf, len, &eh, err, errlen) < 0 ||
	    check_phdrs(&eh, len, err, errlen) < 0 ||
	    check_segments(buf, len, mem, &eh, img, err, errlen) < 0)
		return -EINVAL;
	return check_entry(img, err, errlen);
}

int mon_elf_load(struct mon *mon, const struct mon_image *img,
		 const uint8_t *buf)
{
	for (unsigned i = 0; i < img->nseg; i++) {
		const struct mon_seg *s = &img->seg[i];
		uint8_t *dst;
		if (s->filesz == 0)
			continue;
		dst = mon_gpa_ptr(mon, s->paddr, s->filesz);
		if (!dst)
			return -EFAULT;
		memcpy(dst, buf + s->offset, s->filesz);
	}
	return 0;
}
