/* SPDX-License-Identifier: MIT */
/*
 * test_klib_bootinfo.c: the boot library's boot-information decoder
 * (boot/bootinfo.c, vmi_boot_parse) on synthetic PVH start_info and
 * Multiboot2 information blocks built in host memory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vmi/boot.h"

static struct vmi_boot_info bi;

/* The layouts as the loader writes them: Xen's public header. */
#include <xen/arch-x86/hvm/start_info.h>

static uint64_t pa(const void *p)
{
    return (uint64_t)(uintptr_t)p;
}

static void test_bootinfo_pvh_v1_gives_cmdline_rsdp_memmap(void **state)
{
    static const char cmdline[] = "exit=3 panic";
    static const struct hvm_memmap_table_entry mm[] = {
        { 0, 0x9fc00, 1, 0 }, { 0xf0000, 0x10000, 2, 0 }, { 0x100000, 0xff00000, 1, 0 },
    };
    struct hvm_start_info si = {
        .magic = VMI_BOOT_PVH_MAGIC, .version = 1, .cmdline_paddr = pa(cmdline),
        .rsdp_paddr = 0xf5a40, .memmap_paddr = pa(mm), .memmap_entries = 3,
    };

    (void)state;
    assert_int_equal(vmi_boot_parse(VMI_BOOT_PVH, pa(&si), &bi), 0);
    assert_string_equal(bi.boot.cmdline, cmdline);
    assert_int_equal(bi.boot.start_info, pa(&si));
    assert_int_equal(bi.boot.rsdp, 0xf5a40);
    assert_int_equal(bi.nr_mem, 3);
    assert_int_equal(bi.mem[2].base, 0x100000);
    assert_int_equal(bi.mem[2].len, 0xff00000);
    assert_int_equal(bi.mem[1].type, 2);
    assert_string_equal(bi.mem_source, "pvh memmap");
}

static void test_bootinfo_pvh_v0_has_no_memmap(void **state)
{
    struct hvm_start_info si = { .magic = VMI_BOOT_PVH_MAGIC, .version = 0, .memmap_entries = 3 };

    (void)state;
    assert_int_equal(vmi_boot_parse(VMI_BOOT_PVH, pa(&si), &bi), 0);
    assert_int_equal(bi.nr_mem, 0);
    assert_string_equal(bi.boot.cmdline, "");
    assert_string_equal(bi.mem_source, "none");
}

static void test_bootinfo_pvh_bad_magic_fails_with_empty_cmdline(void **state)
{
    struct hvm_start_info si = { .magic = 0x12345678 };

    (void)state;
    assert_int_equal(vmi_boot_parse(VMI_BOOT_PVH, pa(&si), &bi), -1);
    assert_non_null(bi.boot.cmdline);
    assert_string_equal(bi.boot.cmdline, "");
}

static void test_bootinfo_pvh_long_cmdline_is_truncated(void **state)
{
    char cmdline[VMI_BOOT_CMDLINE_MAX * 2];
    struct hvm_start_info si = { .magic = VMI_BOOT_PVH_MAGIC, .cmdline_paddr = pa(cmdline) };

    (void)state;
    memset(cmdline, 'a', sizeof(cmdline) - 1);
    cmdline[sizeof(cmdline) - 1] = '\0';
    assert_int_equal(vmi_boot_parse(VMI_BOOT_PVH, pa(&si), &bi), 0);
    assert_int_equal(strlen(bi.boot.cmdline), VMI_BOOT_CMDLINE_MAX - 1);
}

/* A Multiboot2 information block (spec 3.6) assembled tag by tag. */
struct mb2 {
    uint8_t buf[32768] __attribute__((aligned(8)));
    size_t len;
};

static void *mb2_tag(struct mb2 *m, uint32_t type, uint32_t size)
{
    uint8_t *t = m->buf + m->len;

    memcpy(t, &type, 4);
    memcpy(t + 4, &size, 4);
    m->len += (size + 7) & ~7u;
    return t;
}

static void mb2_begin(struct mb2 *m)
{
    memset(m, 0, sizeof(*m));
    m->len = 8;
}

static void mb2_end(struct mb2 *m)
{
    uint32_t total;

    mb2_tag(m, 0, 8);
    total = (uint32_t)m->len;
    memcpy(m->buf, &total, 4);
}

static void test_bootinfo_mb2_tags_give_cmdline_mmap_new_rsdp(void **state)
{
    static struct mb2 m;
    uint8_t *t;
    uint32_t w[2] = { 24, 0 };
    uint64_t e[3] = { 0x100000, 0x7f00000, 1 };

    (void)state;
    mb2_begin(&m);
    t = mb2_tag(&m, 1, 8 + 7);
    memcpy(t + 8, "exit=5", 7);
    t = mb2_tag(&m, 14, 8 + 20);        /* old RSDP copy */
    memcpy(t + 8, "RSD PTR ", 8);
    uint8_t *rsdp_new = mb2_tag(&m, 15, 8 + 36);
    t = mb2_tag(&m, 6, 16 + 24);
    memcpy(t + 8, w, 8);
    memcpy(t + 16, e, 24);
    mb2_end(&m);

    assert_int_equal(vmi_boot_parse(VMI_BOOT_MB2, pa(m.buf), &bi), 0);
    assert_string_equal(bi.boot.cmdline, "exit=5");
    assert_int_equal(bi.boot.rsdp, pa(rsdp_new + 8));
    assert_int_equal(bi.boot.start_info, 0);
    assert_int_equal(bi.nr_mem, 1);
    assert_int_equal(bi.mem[0].base, 0x100000);
    assert_int_equal(bi.mem[0].len, 0x7f00000);
    assert_int_equal(bi.mem[0].type, 1);
    assert_int_equal(bi.nr_keep, 1);
    assert_int_equal(bi.keep[0].len, m.len);
}

/* A Multiboot2 mmap tag (spec 3.6.8) of (n) entries of (esize) bytes:
 * entry i is (base(i), 1 MiB, type(i)). */
static void mb2_mmap(struct mb2 *m, unsigned n, uint32_t esize,
                     uint64_t (*base)(unsigned), uint32_t (*type)(unsigned))
{
    uint8_t *t = mb2_tag(m, 6, 16 + n * esize);
    uint32_t w[2] = { esize, 0 };

    memcpy(t + 8, w, 8);
    for (unsigned i = 0; i < n; i++) {
        uint64_t e[2] = { base(i), 1 << 20 };
        uint32_t ty = type(i);

        memcpy(t + 16 + i * esize, e, 16);
        memcpy(t + 16 + i * esize + 16, &ty, 4);
    }
}

static uint64_t every_2m(unsigned i) { return (uint64_t)i << 21; }
static uint64_t every_1m(unsigned i) { return (uint64_t)i << 20; }
static uint32_t ram(unsigned i) { (void)i; return VMI_BOOT_MEM_RAM; }
static uint32_t ram_then_reserved(unsigned i) { return i < 3 ? VMI_BOOT_MEM_RAM : 2; }

/* 40 separate ranges (1 MiB of RAM every 2 MiB, as GRUB's cutmem leaves
 * them): all kept, for the kernel and for vmi_init. */
static void test_bootinfo_mb2_map_of_40_ranges_is_kept_whole(void **state)
{
    static struct mb2 m;

    (void)state;
    mb2_begin(&m);
    mb2_mmap(&m, 40, 24, every_2m, ram);
    mb2_end(&m);
    assert_int_equal(vmi_boot_parse(VMI_BOOT_MB2, pa(m.buf), &bi), 0);
    assert_int_equal(bi.nr_mem, 40);
    assert_int_equal(bi.mem_total, 40);
    assert_int_equal(bi.mem[39].base, 39ull << 21);
    assert_ptr_equal(bi.boot.mem, bi.mem);
    assert_int_equal(bi.boot.nr_mem, 40);
}

/* Adjacent ranges of one type become one, whatever the entry size. */
static void test_bootinfo_adjacent_ranges_of_one_type_merge(void **state)
{
    static struct mb2 m;

    (void)state;
    mb2_begin(&m);
    mb2_mmap(&m, 6, 32, every_1m, ram_then_reserved);
    mb2_end(&m);
    assert_int_equal(vmi_boot_parse(VMI_BOOT_MB2, pa(m.buf), &bi), 0);
    assert_int_equal(bi.nr_mem, 2);
    assert_int_equal(bi.mem_total, 2);
    assert_int_equal(bi.mem[0].len, 3ull << 20);
    assert_int_equal(bi.mem[1].base, 3ull << 20);
    assert_int_equal(bi.mem[1].type, 2);
}

/* Ranges are cut at 2^52, the widest physical address (SDM Vol. 3A
 * 4.1.4), so that no end wraps past 2^64: a firmware range ending at
 * 2^64 merged with one at 0 into a range of base 2^64 - 4 KiB whose end
 * wrapped to 1 MiB, whose first page pmem.c's fit() found free (its
 * a + len wraps too); ranges past 2^52 were kept (checked: 3 ranges
 * before). */
static void test_bootinfo_ranges_cut_at_the_physical_limit(void **state)
{
    static struct mb2 m;
    const uint64_t e[4][3] = {
        { 0ull - 4096, 4096, VMI_BOOT_MEM_RAM },
        { 0, 1ull << 20, VMI_BOOT_MEM_RAM },
        { 1ull << 51, 1ull << 63, VMI_BOOT_MEM_RAM },
        { 1ull << 52, 1ull << 20, VMI_BOOT_MEM_RAM },
    };
    uint8_t *t;
    uint32_t w[2] = { 24, 0 };

    (void)state;
    mb2_begin(&m);
    t = mb2_tag(&m, 6, 16 + sizeof(e));
    memcpy(t + 8, w, 8);
    memcpy(t + 16, e, sizeof(e));
    mb2_end(&m);
    assert_int_equal(vmi_boot_parse(VMI_BOOT_MB2, pa(m.buf), &bi), 0);
    assert_int_equal(bi.nr_mem, 2);
    assert_int_equal(bi.mem_total, 2);
    assert_int_equal(bi.mem[0].base, 0);
    assert_int_equal(bi.mem[0].len, 1ull << 20);
    assert_int_equal(bi.mem[1].base, 1ull << 51);
    assert_int_equal(bi.mem[1].len, 1ull << 51);
}

/* A map that does not fit is counted whole, so the kernel can refuse it. */
static void test_bootinfo_map_too_big_is_counted(void **state)
{
    static struct mb2 m;

    (void)state;
    mb2_begin(&m);
    mb2_mmap(&m, VMI_BOOT_MEM_MAX + 10, 24, every_2m, ram);
    mb2_end(&m);
    assert_int_equal(vmi_boot_parse(VMI_BOOT_MB2, pa(m.buf), &bi), 0);
    assert_int_equal(bi.nr_mem, VMI_BOOT_MEM_MAX);
    assert_int_equal(bi.mem_total, VMI_BOOT_MEM_MAX + 10);
}

static void test_bootinfo_mb2_basic_meminfo_is_the_fallback(void **state)
{
    static struct mb2 m;
    uint8_t *t;
    uint32_t kib[2] = { 639, 130048 };

    (void)state;
    mb2_begin(&m);
    t = mb2_tag(&m, 4, 16);
    memcpy(t + 8, kib, 8);
    mb2_end(&m);

    assert_int_equal(vmi_boot_parse(VMI_BOOT_MB2, pa(m.buf), &bi), 0);
    assert_int_equal(bi.nr_mem, 2);
    assert_int_equal(bi.mem[1].base, 1 << 20);
    assert_int_equal(bi.mem[1].len, 130048ull << 10);
    assert_string_equal(bi.mem_source, "multiboot2 basic meminfo");
}

static void test_bootinfo_mb2_oversized_tag_stops_the_walk(void **state)
{
    static struct mb2 m;
    uint8_t *t;

    (void)state;
    mb2_begin(&m);
    t = mb2_tag(&m, 1, 16);
    memcpy(t + 8, "ok", 3);
    mb2_tag(&m, 1, 16);
    mb2_end(&m);
    /* Make the second tag claim more than the block holds. */
    uint32_t huge = 4096;
    memcpy(m.buf + 8 + 16 + 4, &huge, 4);
    assert_int_equal(vmi_boot_parse(VMI_BOOT_MB2, pa(m.buf), &bi), 0);
    assert_string_equal(bi.boot.cmdline, "ok");
}

static void test_bootinfo_mb2_bad_total_size_fails(void **state)
{
    static struct mb2 m;

    (void)state;
    mb2_begin(&m);
    assert_int_equal(vmi_boot_parse(VMI_BOOT_MB2, pa(m.buf), &bi), -1);
    assert_int_equal(vmi_boot_parse(99, pa(m.buf), &bi), -1);
}

/* Tag 8 (spec 3.6.12): 32-bpp direct colour from GRUB's GOP or VBE; the
 * colour fields start at 32, after a 16-bit reserved field. */
static void test_bootinfo_mb2_framebuffer_tag(void **state)
{
    static struct mb2 m;
    uint8_t *t;
    uint64_t base = 0xfd000000;
    uint32_t pitch_w_h[3] = { 5120, 1280, 800 };
    static const uint8_t rgb[6] = { 16, 8, 8, 8, 0, 8 };

    (void)state;
    mb2_begin(&m);
    mb2_end(&m);
    assert_int_equal(vmi_boot_parse(VMI_BOOT_MB2, pa(m.buf), &bi), 0);
    assert_int_equal(bi.boot.fb.base, 0);           /* none given */

    mb2_begin(&m);
    t = mb2_tag(&m, 8, 38);
    memcpy(t + 8, &base, 8);
    memcpy(t + 16, pitch_w_h, 12);
    t[28] = 32;
    t[29] = VMI_BOOT_FB_RGB;
    t[30] = t[31] = 0xee;                           /* reserved */
    memcpy(t + 32, rgb, 6);
    mb2_end(&m);
    assert_int_equal(vmi_boot_parse(VMI_BOOT_MB2, pa(m.buf), &bi), 0);
    assert_int_equal(bi.boot.fb.base, base);
    assert_int_equal(bi.boot.fb.pitch, 5120);
    assert_int_equal(bi.boot.fb.width, 1280);
    assert_int_equal(bi.boot.fb.height, 800);
    assert_int_equal(bi.boot.fb.bpp, 32);
    assert_int_equal(bi.boot.fb.type, VMI_BOOT_FB_RGB);
    assert_int_equal(bi.boot.fb.red_pos, 16);
    assert_int_equal(bi.boot.fb.red_size, 8);
    assert_int_equal(bi.boot.fb.green_pos, 8);
    assert_int_equal(bi.boot.fb.blue_pos, 0);
    assert_int_equal(bi.boot.fb.blue_size, 8);

    /* EGA text (type 2) has no colour fields. */
    mb2_begin(&m);
    t = mb2_tag(&m, 8, 32);
    base = 0xb8000;
    pitch_w_h[0] = 160, pitch_w_h[1] = 80, pitch_w_h[2] = 25;
    memcpy(t + 8, &base, 8);
    memcpy(t + 16, pitch_w_h, 12);
    t[28] = 16;
    t[29] = VMI_BOOT_FB_TEXT;
    mb2_end(&m);
    assert_int_equal(vmi_boot_parse(VMI_BOOT_MB2, pa(m.buf), &bi), 0);
    assert_int_equal(bi.boot.fb.base, 0xb8000);
    assert_int_equal(bi.boot.fb.type, VMI_BOOT_FB_TEXT);
    assert_int_equal(bi.boot.fb.width, 80);
    assert_int_equal(bi.boot.fb.red_size, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bootinfo_pvh_v1_gives_cmdline_rsdp_memmap),
        cmocka_unit_test(test_bootinfo_pvh_v0_has_no_memmap),
        cmocka_unit_test(test_bootinfo_pvh_bad_magic_fails_with_empty_cmdline),
        cmocka_unit_test(test_bootinfo_pvh_long_cmdline_is_truncated),
        cmocka_unit_test(test_bootinfo_mb2_tags_give_cmdline_mmap_new_rsdp),
        cmocka_unit_test(test_bootinfo_mb2_map_of_40_ranges_is_kept_whole),
        cmocka_unit_test(test_bootinfo_adjacent_ranges_of_one_type_merge),
        cmocka_unit_test(test_bootinfo_ranges_cut_at_the_physical_limit),
        cmocka_unit_test(test_bootinfo_map_too_big_is_counted),
        cmocka_unit_test(test_bootinfo_mb2_basic_meminfo_is_the_fallback),
        cmocka_unit_test(test_bootinfo_mb2_oversized_tag_stops_the_walk),
        cmocka_unit_test(test_bootinfo_mb2_bad_total_size_fails),
        cmocka_unit_test(test_bootinfo_mb2_framebuffer_tag),
    };
    return cmocka_run_group_tests_name("klib_bootinfo", tests, NULL, NULL);
}
