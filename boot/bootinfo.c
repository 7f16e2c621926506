/* SPDX-License-Identifier: MIT */
/*
 * bootinfo.c: decode the PVH start_info or the Multiboot2 information into
 * struct vmi_boot_info (boot library, vmi/boot.h).  Pure code over
 * physical addresses, which equal virtual ones here; the host unit tests
 * feed it synthetic blobs.
 */
#include <stddef.h>

#include "vmi/boot.h"

/* The PVH start_info and memmap: Xen's public header, the one source. */
#include <xen/arch-x86/hvm/start_info.h>

_Static_assert(VMI_BOOT_PVH_MAGIC == XEN_HVM_START_MAGIC_VALUE, "PVH magic");
_Static_assert(VMI_BOOT_MEM_RAM == XEN_HVM_MEMMAP_TYPE_RAM, "memmap RAM");

/* Multiboot2 spec 3.6: tag types and the layout of those we read. */
#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_BASIC_MEMINFO 4
#define MB2_TAG_MMAP 6
#define MB2_TAG_FRAMEBUFFER 8
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15
#define MB2_INFO_MAX (1u << 20)     /* a sanity bound, not from the spec */
/* No physical address reaches 2^52 (Intel SDM Vol. 3A 4.1.4: MAXPHYADDR
 * is at most 52): a range is cut there, which also keeps base + len, and
 * every sum over the map, from wrapping past 2^64. */
#define PHYS_LIMIT (1ull << 52)

struct mb2_tag {
    uint32_t type;
    uint32_t size;
};

struct mb2_mmap_entry {
    uint64_t base;
    uint64_t len;
    uint32_t type;
    uint32_t reserved;
};

static void *pa_ptr(uint64_t pa)
{
    return (void *)(uintptr_t)pa;
}

static void copy_cmdline(struct vmi_boot_info *bi, const char *src)
{
    size_t i = 0;

    for (; src && src[i] && i + 1 < sizeof(bi->cmdline); i++)
        bi->cmdline[i] = src[i];
    bi->cmdline[i] = '\0';
}

/* Add a range, cut at PHYS_LIMIT: merged into the last one if it
 * continues it with the same type (firmware maps list many such pieces),
 * else counted in mem_total and kept if there is room. */
static void add_mem(struct vmi_boot_info *bi, uint64_t base, uint64_t len, uint32_t type)
{
    struct vmi_boot_mem *last = bi->nr_mem ? &bi->mem[bi->nr_mem - 1] : NULL;

    if (base >= PHYS_LIMIT)
        return;
    if (len > PHYS_LIMIT - base)
        len = PHYS_LIMIT - base;
    if (!len)
        return;
    if (last && bi->nr_mem == bi->mem_total && last->type == type &&
        last->base + last->len == base) {
        last->len += len;
        return;
    }
    if (bi->nr_mem < VMI_BOOT_MEM_MAX)
        bi->mem[bi->nr_mem++] = (struct vmi_boot_mem){ base, len, type };
    bi->mem_total++;
}

static void add_keep(struct vmi_boot_info *bi, uint64_t base, uint64_t len)
{
    if (bi->nr_keep < VMI_BOOT_KEEP_MAX && base && len)
        bi->keep[bi->nr_keep++] = (struct vmi_boot_range){ base, len };
}

static int parse_pvh(uint64_t info, struct vmi_boot_info *bi)
{
    const struct hvm_start_info *si = pa_ptr(info);
    const struct hvm_memmap_table_entry *mm;

    if (si->magic != VMI_BOOT_PVH_MAGIC)
        return -1;
    bi->boot.start_info = info;
    bi->boot.rsdp = si->rsdp_paddr;
    copy_cmdline(bi, pa_ptr(si->cmdline_paddr));
    add_keep(bi, info, sizeof(*si));
    /* pvh.pandoc: version 1 adds the memmap; check entries is non-zero. */
    if (si->version >= 1 && si->memmap_entries && si->memmap_paddr) {
        mm = pa_ptr(si->memmap_paddr);
        for (uint32_t i = 0; i < si->memmap_entries; i++)
            add_mem(bi, mm[i].addr, mm[i].size, mm[i].type);
        add_keep(bi, si->memmap_paddr, (uint64_t)si->memmap_entries * sizeof(*mm));
        bi->mem_source = "pvh memmap";
    }
    return 0;
}

static void mb2_mmap(struct vmi_boot_info *bi, const struct mb2_tag *tag)
{
    const uint8_t *p = (const uint8_t *)tag + 16;
    const uint8_t *end = (const uint8_t *)tag + tag->size;
    uint32_t esize = ((const uint32_t *)tag)[2];

    if (esize < sizeof(struct mb2_mmap_entry))
        return;
    for (; p + esize <= end; p += esize) {
        const struct mb2_mmap_entry *e = (const void *)p;
        add_mem(bi, e->base, e->len, e->type);
    }
    bi->mem_source = "multiboot2 mmap";
}

/* Multiboot2 tag 4: mem_lower KiB from 0, mem_upper KiB from 1 MiB. */
static void mb2_basic_meminfo(struct vmi_boot_info *bi, const struct mb2_tag *tag)
{
    const uint32_t *w = (const uint32_t *)tag;

    add_mem(bi, 0, (uint64_t)w[2] << 10, VMI_BOOT_MEM_RAM);
    add_mem(bi, 1 << 20, (uint64_t)w[3] << 10, VMI_BOOT_MEM_RAM);
    bi->mem_source = "multiboot2 basic meminfo";
}

/* Multiboot2 tag 8 (spec 3.6.12): address at 8, pitch, width and height
 * at 16, 20, 24, bpp and type at 28 and 29, then a 16-bit reserved field
 * (the spec's multiboot2.h, struct multiboot_tag_framebuffer_common), so
 * the RGB field positions and sizes start at 32. */
static void mb2_framebuffer(struct vmi_boot_info *bi, const struct mb2_tag *tag)
{
    const uint8_t *p = (const uint8_t *)tag;
    struct vmi_boot_fb *fb = &bi->boot.fb;

    if (tag->size < 30)
        return;
    *fb = (struct vmi_boot_fb){
        .base = *(const uint64_t *)(p + 8),
        .pitch = *(const uint32_t *)(p + 16),
        .width = *(const uint32_t *)(p + 20),
        .height = *(const uint32_t *)(p + 24),
        .bpp = p[28],
        .type = p[29],
    };
    if (fb->type == VMI_BOOT_FB_RGB && tag->size >= 38) {
        fb->red_pos = p[32];
        fb->red_size = p[33];
        fb->green_pos = p[34];
        fb->green_size = p[35];
        fb->blue_pos = p[36];
        fb->blue_size = p[37];
    }
}

static void mb2_tag(struct vmi_boot_info *bi, const struct mb2_tag *tag,
                    const struct mb2_tag **basic)
{
    switch (tag->type) {
    case MB2_TAG_CMDLINE:
        copy_cmdline(bi, (const char *)(tag + 1));
        break;
    case MB2_TAG_MMAP:
        mb2_mmap(bi, tag);
        break;
    case MB2_TAG_BASIC_MEMINFO:
        *basic = tag;
        break;
    case MB2_TAG_FRAMEBUFFER:
        mb2_framebuffer(bi, tag);
        break;
    case MB2_TAG_ACPI_OLD:
        /* The loader's copy of the RSDP; a v2 copy (tag 15) wins. */
        if (!bi->boot.rsdp)
            bi->boot.rsdp = (uintptr_t)(tag + 1);
        break;
    case MB2_TAG_ACPI_NEW:
        bi->boot.rsdp = (uintptr_t)(tag + 1);
        break;
    }
}

static int parse_mb2(uint64_t info, struct vmi_boot_info *bi)
{
    const uint8_t *base = pa_ptr(info);
    uint32_t total = *(const uint32_t *)pa_ptr(info);
    const struct mb2_tag *basic = NULL;

    if (total < 16 || total > MB2_INFO_MAX)
        return -1;
    add_keep(bi, info, total);
    /* Tags start at offset 8 and are 8-byte aligned (spec 3.6.1). */
    for (uint32_t off = 8; off + sizeof(struct mb2_tag) <= total;) {
        const struct mb2_tag *tag = (const void *)(base + off);

        if (tag->type == MB2_TAG_END || tag->size < 8 || tag->size > total - off)
            break;
        mb2_tag(bi, tag, &basic);
        off += (tag->size + 7) & ~7u;
    }
    if (!bi->nr_mem && basic)
        mb2_basic_meminfo(bi, basic);
    return 0;
}

int vmi_boot_parse(unsigned proto, uint64_t info, struct vmi_boot_info *bi)
{
    *bi = (struct vmi_boot_info){ .proto = proto, .mem_source = "none" };
    bi->boot.cmdline = bi->cmdline;
    if (proto == VMI_BOOT_PVH) {
        bi->proto_name = "pvh";
        bi->status = parse_pvh(info, bi);
    } else if (proto == VMI_BOOT_MB2) {
        bi->proto_name = "multiboot2";
        bi->status = parse_mb2(info, bi);
    } else {
        bi->proto_name = "unknown";
        bi->status = -1;
    }
    bi->boot.mem = bi->nr_mem ? bi->mem : NULL;
    bi->boot.nr_mem = bi->nr_mem;
    return bi->status;
}
