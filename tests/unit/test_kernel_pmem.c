/* SPDX-License-Identifier: MIT */
/*
 * test_kernel_pmem.c: the kernel's page allocator (guest-kernel/runtime/
 * pmem.c, built for the host) on boot memory maps: a map of many ranges
 * is used whole, one the boot library could not keep is refused in one
 * line, and RAM above the kernel's map is never handed out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kprintf.h"
#include "pmem.h"
#include "spinlock.h"

/* What pmem.c needs of the rest of the kernel and of the backend. */
char _kernel_start[1], _kernel_end[1];
static char printed[512];
static jmp_buf stopped;
static unsigned stop_code;

void kprintf(const char *fmt, ...)
{
    va_list ap;
    size_t n = strlen(printed);

    va_start(ap, fmt);
    vsnprintf(printed + n, sizeof(printed) - n, fmt, ap);
    va_end(ap);
}

vmi_irqflags_t spin_lock_irqsave(struct spinlock *l)
{
    (void)l;
    return 0;
}

void spin_unlock_irqrestore(struct spinlock *l, vmi_irqflags_t flags)
{
    (void)l;
    (void)flags;
}

static VMI_NORETURN void fake_shutdown(unsigned code)
{
    stop_code = code;
    longjmp(stopped, 1);
}

const struct vmi_ops vmi_ops = { .shutdown = fake_shutdown };

static const char *panicked;     /* vmi_panic's message, if expected */
static jmp_buf panic_jmp;

void vmi_panic(const char *msg)
{
    if (panicked) {
        panicked = msg;
        longjmp(panic_jmp, 1);
    }
    fail_msg("panic: %s", msg);
    abort();
}

void vmi_bug(const char *file, unsigned line, const char *cond)
{
    fail_msg("BUG at %s:%u: %s", file, line, cond);
    abort();
}

static struct vmi_boot_info bi;

/* (n) ranges of 1 MiB of RAM, one every 2 MiB from 16 MiB. */
static void map_of(unsigned n, unsigned total)
{
    memset(&bi, 0, sizeof(bi));
    for (unsigned i = 0; i < n; i++)
        bi.mem[i] = (struct vmi_boot_mem){ (16ull << 20) + ((uint64_t)i << 21),
                                           1ull << 20, VMI_BOOT_MEM_RAM };
    bi.nr_mem = n;
    bi.mem_total = total;
    printed[0] = 0;
}

static void test_pmem_uses_a_map_of_many_ranges_whole(void **state)
{
    (void)state;
    map_of(400, 400);
    if (setjmp(stopped))
        fail_msg("pmem_init stopped the machine: %s", printed);
    pmem_init(&bi);
    assert_int_equal(pmem_ram_bytes(), 400ull << 20);
    assert_int_equal(pmem_ram_top(), (16ull << 20) + (399ull << 21) + (1ull << 20));
    assert_string_equal(printed, "");
}

static void test_pmem_refuses_a_map_that_did_not_fit(void **state)
{
    (void)state;
    map_of(VMI_BOOT_MEM_MAX, VMI_BOOT_MEM_MAX + 1);
    if (!setjmp(stopped)) {
        pmem_init(&bi);
        fail_msg("pmem_init ran on part of the memory map");
    }
    assert_int_equal(stop_code, VMI_EXIT_FAIL);
    assert_string_equal(printed, "pmem: the loader's memory map has more than 512 "
                        "ranges (VMI_BOOT_MEM_MAX), refusing to run on part of it\n");
}

/* RAM above the kernel's map (PMEM_LIMIT) is never handed out: a region
 * that straddles it gives its pages below, then RAM is used up. */
static void test_pmem_stops_at_the_mapped_limit(void **state)
{
    (void)state;
    memset(&bi, 0, sizeof(bi));
    bi.mem[0] = (struct vmi_boot_mem){ PMEM_LIMIT - 2 * PAGE_SIZE,
                                       1ull << 30, VMI_BOOT_MEM_RAM };
    bi.nr_mem = bi.mem_total = 1;
    printed[0] = 0;
    pmem_init(&bi);
    assert_int_equal(pmem_alloc(1), PMEM_LIMIT - 2 * PAGE_SIZE);
    assert_int_equal(pmem_alloc(1), PMEM_LIMIT - PAGE_SIZE);
    panicked = "";
    if (!setjmp(panic_jmp)) {
        uint64_t pa = pmem_alloc(1);
        fail_msg("pmem_alloc gave 0x%llx, above the map", (unsigned long long)pa);
    }
    assert_string_equal(panicked, "pmem: out of memory");
    panicked = NULL;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pmem_uses_a_map_of_many_ranges_whole),
        cmocka_unit_test(test_pmem_refuses_a_map_that_did_not_fit),
        cmocka_unit_test(test_pmem_stops_at_the_mapped_limit),
    };
    return cmocka_run_group_tests_name("kernel_pmem", tests, NULL, NULL);
}
