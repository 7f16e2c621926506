/* SPDX-License-Identifier: MIT */
/* test_common_tsc.c: TSC frequency discovery and ns scaling
 * (backends/common/tsc.c) on the mocked machine. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mock.h"
#include "acpi.h"
#include "common.h"
#include "tsc.h"
#include "vmi.h"

void vmi_event(vmi_event_t ev)
{
    (void)ev;
}

static int setup(void **state)
{
    (void)state;
    mock_reset();
    return 0;
}

static void test_tsc_hz_leaf15_all_nonzero_uses_ratio(void **state)
{
    (void)state;
    mock_set_cpuid(0, 0, 0x16, 0, 0, 0);
    mock_set_cpuid(0x15, 0, 2, 100, 24000000, 0);
    mock_set_cpuid(0x16, 0, 3000, 0, 0, 0);
    assert_int_equal(tsc_hz_from_cpuid(), 1200000000ull);
}

static void test_tsc_hz_leaf15_zero_crystal_not_leaf16(void **state)
{
    (void)state;
    /* Leaf 0x16's base frequency is not the TSC rate: an unknown model
     * with no crystal in ECX gives nothing. */
    mock_set_cpuid(0, 0, 0x16, 0, 0, 0);
    mock_set_cpuid(0x15, 0, 2, 100, 0, 0);
    mock_set_cpuid(0x16, 0, 2400, 0, 0, 0);
    assert_int_equal(tsc_hz_from_cpuid(), 0);
}

static void test_tsc_hz_leaf15_zero_crystal_sdm_model_24mhz(void **state)
{
    (void)state;
    /* GenuineIntel, family 6 model 0x9e: the SDM's 24 MHz crystal. */
    mock_set_cpuid(0, 0, 0x16, 0x756e6547, 0x6c65746e, 0x49656e69);
    mock_set_cpuid(1, 0, 0x000906e9, 0, 0, 0);
    mock_set_cpuid(0x15, 0, 2, 300, 0, 0);
    assert_int_equal(tsc_hz_from_cpuid(), 3600000000ull);
}

static void test_tsc_hz_leaf15_zero_ratio_returns_zero(void **state)
{
    (void)state;
    mock_set_cpuid(0, 0, 0x16, 0, 0, 0);
    mock_set_cpuid(0x15, 0, 2, 0, 24000000, 0);
    assert_int_equal(tsc_hz_from_cpuid(), 0);
}

static void test_tsc_hz_max_leaf_below_15_returns_zero(void **state)
{
    (void)state;
    mock_set_cpuid(0, 0, 0x0d, 0, 0, 0);
    mock_set_cpuid(0x15, 0, 2, 100, 24000000, 0);
    mock_set_cpuid(0x16, 0, 2400, 0, 0, 0);
    assert_int_equal(tsc_hz_from_cpuid(), 0);
}

/* A PIT whose channel 2 count drops 1193 ticks (about 1 ms) per latched
 * read, read low byte then high byte. */
static unsigned pit_reads;
static int pit_1ms_per_read(uint16_t port)
{
    if (port != 0x42)
        return -1;
    unsigned n = pit_reads++;
    uint16_t count = (uint16_t)(0xffff - 1193 * (n / 2));
    return n % 2 ? count >> 8 : count & 0xff;
}

static void test_tsc_hz_pit_measures_tsc_rate(void **state)
{
    (void)state;
    pit_reads = 0;
    mock.inb_hook = pit_1ms_per_read;
    /* A 2.4 GHz TSC moves 2.4e9 * 1193 / 1193182 per read. */
    mock.tsc_step = 2399590;
    uint64_t hz = tsc_hz_from_pit(10);
    assert_true(hz > 2399000000ull && hz < 2401000000ull);
    assert_int_equal(mock.out_log[1].where, 0x43);
    assert_int_equal(mock.out_log[1].val, 0xb0);
    assert_int_equal(mock_count_writes(mock.out_log, mock.nout, 0x42), 2);
}

static void test_tsc_hz_pit_absent_returns_zero_quickly(void **state)
{
    (void)state;
    assert_int_equal(tsc_hz_from_pit(10), 0);   /* ports read all ones */
    assert_true(mock.nout < 200);
}

static void test_tsc_scale_one_second_is_1e9_ns(void **state)
{
    (void)state;
    struct tsc_scale s;
    tsc_scale_to_ns(&s, 2400000000ull);
    uint64_t ns = tsc_scale_apply(&s, 2400000000ull);
    assert_true(ns >= 999999999ull && ns <= 1000000000ull);
}

static void test_tsc_scale_ten_years_no_overflow(void **state)
{
    (void)state;
    struct tsc_scale s;
    const uint64_t hz = 3000000000ull, secs = 10ull * 365 * 86400;
    tsc_scale_to_ns(&s, hz);
    uint64_t ns = tsc_scale_apply(&s, hz * secs);
    uint64_t want = secs * 1000000000ull;
    /* Error bound: one part in 2^30 of the product. */
    assert_true(ns <= want && want - ns < want / (1u << 30));
}

static void test_tsc_scale_monotonic_steps(void **state)
{
    (void)state;
    struct tsc_scale s;
    tsc_scale_to_ns(&s, 2445432000ull);
    uint64_t prev = 0;
    for (uint64_t c = 0; c < 100000; c += 7) {
        uint64_t ns = tsc_scale_apply(&s, (1ull << 40) + c);
        assert_true(ns >= prev);
        prev = ns;
    }
}

static void test_tsc_scale_from_ns_above_4ghz_exact(void **state)
{
    (void)state;
    struct tsc_scale s;
    tsc_scale_from_ns(&s, 5000000000ull);
    uint64_t c = tsc_scale_apply(&s, 1000000000ull);
    assert_true(c >= 4999999999ull && c <= 5000000000ull);
}

static void test_tsc_scale_huge_saturates(void **state)
{
    (void)state;
    struct tsc_scale s;
    tsc_scale_from_ns(&s, 4000000000ull);
    assert_int_equal(tsc_scale_apply(&s, UINT64_MAX), UINT64_MAX);
}

static void test_tsc_hz_nothing_known_guess_flagged(void **state)
{
    (void)state;
    enum tsc_source src = TSC_SRC_NONE;
    /* No CPUID leaf 0x15, no ACPI and a PIT that never counts. */
    assert_int_equal(tsc_hz_detect_or_guess(0, &src), TSC_HZ_GUESS);
    assert_int_equal(src, TSC_SRC_GUESSED);
    assert_string_equal(tsc_source_name(src), "guessed");
    mock_set_cpuid(0, 0, 0x15, 0, 0, 0);
    mock_set_cpuid(0x15, 0, 1, 125, 24000000, 0);
    assert_int_equal(tsc_hz_detect_or_guess(0, &src), 3000000000ull);
    assert_int_equal(src, TSC_SRC_CPUID15);
    assert_int_equal(tsc_hz_detect_or_guess(0, NULL), 3000000000ull);
}

/* An HPET of period 10 ns (100 MHz) whose counter moves 100000 ticks
 * (1 ms) per read. */
#define HPET_PA 0xfed00000ull
static uint32_t hpet_reads;
static bool hpet_100mhz(uint64_t pa, uint32_t *v)
{
    if (pa == HPET_PA + 4)
        *v = 10000000;                      /* period, fs */
    else if (pa == HPET_PA + 0xf0)
        *v = 0xfff00000u + 100000u * hpet_reads++;  /* wraps */
    else
        return false;
    return true;
}

static void test_tsc_hz_hpet_measures_and_restores_config(void **state)
{
    (void)state;
    hpet_reads = 0;
    mock.mmio_read_hook = hpet_100mhz;
    /* 2 GHz: 2e6 TSC cycles per 1 ms read (one rdtsc per read). */
    mock.tsc_step = 2000000;
    uint64_t hz = tsc_hz_from_hpet(HPET_PA, 10);
    assert_true(hz > 1990000000ull && hz < 2010000000ull);
    /* Enabled for the measurement, then stopped again as it was. */
    assert_int_equal(mock.mmio_log[0].val, 1);
    assert_int_equal(mock.mmio_log[1].val, 0);
}

static void test_tsc_hz_hpet_stuck_gives_up_on_the_tsc(void **state)
{
    (void)state;
    mock.mmio[1] = 10000000;                /* period; counter stays 0 */
    mock.tsc_step = 1000000;
    assert_int_equal(tsc_hz_from_hpet(HPET_PA, 10), 0);
    /* Given up after 40 ms-at-40-GHz of TSC cycles: 400 reads. */
    assert_true(mock.npause < 1000);
}

/* An HPET block, or a memory-space PM timer, at or above 4 GiB is not
 * mapped yet when the rate is measured: not read (a fault on the PC),
 * the source skipped.  The hook would answer as a working HPET. */
static unsigned high_reads;
static bool hpet_high(uint64_t pa, uint32_t *v)
{
    if (pa < VMI_IDENTITY_MAPPED_END)
        return false;
    high_reads++;
    return hpet_100mhz(pa - VMI_IDENTITY_MAPPED_END + HPET_PA, v);
}

static void test_tsc_hz_hpet_and_pm_timer_above_the_mapped_limit_skipped(void **state)
{
    (void)state;
    hpet_reads = high_reads = 0;
    mock.mmio_read_hook = hpet_high;
    mock.tsc_step = 2000000;
    assert_int_equal(tsc_hz_from_hpet(VMI_IDENTITY_MAPPED_END + HPET_PA, 10), 0);
    /* A block that would run past the limit: skipped too. */
    assert_int_equal(tsc_hz_from_hpet(VMI_IDENTITY_MAPPED_END - 0x200, 10), 0);
    struct acpi_timer_reg t = { ACPI_GAS_MEMORY, VMI_IDENTITY_MAPPED_END + 8, true };
    assert_int_equal(tsc_hz_from_pm_timer(&t, 10), 0);
    assert_int_equal(high_reads, 0);
    assert_int_equal(mock.nmmio, 0);
}

/* A 24-bit PM timer moving 3580 ticks (about 1 ms) per read, wrapping. */
static uint32_t pm_reads;
static uint32_t pm_1ms_per_read(uint16_t port)
{
    if (port != 0x608)
        return 0xffffffffu;
    return (0xfff000u + 3580u * pm_reads++) | 0xff000000u;  /* junk above 24 */
}

static void test_tsc_hz_pm_timer_24bit_wraps(void **state)
{
    (void)state;
    pm_reads = 0;
    mock.inl_hook = pm_1ms_per_read;
    mock.tsc_step = 2000000;
    struct acpi_timer_reg t = { ACPI_GAS_IO, 0x608, false };
    uint64_t hz = tsc_hz_from_pm_timer(&t, 10);
    /* 2 * 1e6 cycles per 3580 ticks of 3.579545 MHz: 1.99975 GHz. */
    assert_true(hz > 1990000000ull && hz < 2010000000ull);
}

/* A PM timer "port" past 0xffff (an X_PM_TMR_BLK a table got wrong) is
 * not read at its low 16 bits. */
static void test_tsc_hz_pm_timer_port_above_0xffff_not_truncated(void **state)
{
    (void)state;
    pm_reads = 0;
    mock.inl_hook = pm_1ms_per_read;
    mock.tsc_step = 2000000;
    struct acpi_timer_reg t = { ACPI_GAS_IO, 0x10608, false };
    assert_int_equal(tsc_hz_from_pm_timer(&t, 10), 0);
    assert_int_equal(pm_reads, 0);
}

static void test_tsc_clock_counts_from_start_never_wraps(void **state)
{
    (void)state;
    struct tsc_clock c;
    mock.tsc = 5000;
    mock.tsc_step = 0;
    tsc_clock_start(&c, 2000000000ull);         /* 2 ticks per ns */
    assert_int_equal(c.tsc0, 5000);
    mock.tsc = 5000 + 2000000000ull;            /* one second later */
    uint64_t ns = tsc_clock_ns(&c);
    assert_true(ns >= 999999999ull && ns <= 1000000000ull);
    mock.tsc = 4990;                            /* another CPU, behind */
    assert_int_equal(tsc_clock_ns(&c), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_tsc_hz_leaf15_all_nonzero_uses_ratio, setup),
        cmocka_unit_test_setup(test_tsc_hz_leaf15_zero_crystal_not_leaf16, setup),
        cmocka_unit_test_setup(test_tsc_hz_leaf15_zero_crystal_sdm_model_24mhz, setup),
        cmocka_unit_test_setup(test_tsc_hz_leaf15_zero_ratio_returns_zero, setup),
        cmocka_unit_test_setup(test_tsc_hz_max_leaf_below_15_returns_zero, setup),
        cmocka_unit_test_setup(test_tsc_hz_pit_measures_tsc_rate, setup),
        cmocka_unit_test_setup(test_tsc_hz_pit_absent_returns_zero_quickly, setup),
        cmocka_unit_test_setup(test_tsc_scale_one_second_is_1e9_ns, setup),
        cmocka_unit_test_setup(test_tsc_scale_ten_years_no_overflow, setup),
        cmocka_unit_test_setup(test_tsc_scale_monotonic_steps, setup),
        cmocka_unit_test_setup(test_tsc_scale_from_ns_above_4ghz_exact, setup),
        cmocka_unit_test_setup(test_tsc_scale_huge_saturates, setup),
        cmocka_unit_test_setup(test_tsc_hz_nothing_known_guess_flagged, setup),
        cmocka_unit_test_setup(test_tsc_hz_hpet_measures_and_restores_config, setup),
        cmocka_unit_test_setup(test_tsc_hz_hpet_stuck_gives_up_on_the_tsc, setup),
        cmocka_unit_test_setup(test_tsc_hz_pm_timer_24bit_wraps, setup),
        cmocka_unit_test_setup(test_tsc_hz_hpet_and_pm_timer_above_the_mapped_limit_skipped, setup),
        cmocka_unit_test_setup(test_tsc_hz_pm_timer_port_above_0xffff_not_truncated, setup),
        cmocka_unit_test_setup(test_tsc_clock_counts_from_start_never_wraps, setup),
    };
    return cmocka_run_group_tests_name("common_tsc", tests, NULL, NULL);
}
