/* SPDX-License-Identifier: MIT */
/* test_common_misc.c: the small pieces of backends/common: flush queue,
 * shootdown mailboxes, fixup search, formatter, UART, power paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "acpi.h"
#include "common.h"
#include "console.h"
#include "flushq.h"
#include "mock.h"
#include "power.h"
#include "shootdown.h"
#include "uart.h"
#include "x86.h"
#include "vmi.h"
#include "vmi/fixup.h"

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

static void test_flushq_inactive_add_refused(void **state)
{
    (void)state;
    struct flushq q = { 0 };
    assert_false(flushq_add(&q, 1, 0x1000, 1));
}

static void test_flushq_replays_in_order(void **state)
{
    (void)state;
    struct flushq q = { 0 };
    flushq_begin(&q);
    assert_true(flushq_add(&q, 1, 0x1000, 1));
    assert_true(flushq_add(&q, 6, 0x5000, 3));
    assert_int_equal(flushq_end(&q), 2);
    assert_int_equal(q.req[0].va, 0x1000);
    assert_int_equal(q.req[1].cpus, 6);
    assert_int_equal(q.req[1].npages, 3);
    assert_false(q.active);
}

/* An overflow collapses into one flush of every CPU named.  Only an
 * overflow of VMI_FLUSH_ALL requests stays VMI_FLUSH_ALL (non-global
 * entries); one with ranges, even single pages, flushes every page,
 * global ones included (tlb_flush_page's and tlb_flush_multi's contract,
 * include/vmi/ops.h). */
static void test_flushq_overflow_degrades_to_one_full_flush(void **state)
{
    (void)state;
    struct flushq q = { 0 };
    flushq_begin(&q);
    for (unsigned i = 0; i < FLUSHQ_LEN; i++)
        flushq_add(&q, 1, 0x1000 * i, 1);
    flushq_add(&q, 8, 0x99000, 1);
    assert_int_equal(flushq_end(&q), 1);
    assert_int_equal(q.req[0].cpus, 9);
    assert_int_equal(q.req[0].npages, FLUSHQ_EVERY_PAGE);
}

static void test_flushq_overflow_by_a_range_flushes_globals(void **state)
{
    (void)state;
    struct flushq q = { 0 };
    flushq_begin(&q);                   /* a range only past the end */
    for (unsigned i = 0; i < FLUSHQ_LEN; i++)
        flushq_add(&q, 1, 0, VMI_FLUSH_ALL);
    flushq_add(&q, 2, 0x5000, 1);
    assert_int_equal(flushq_end(&q), 1);
    assert_int_equal(q.req[0].npages, FLUSHQ_EVERY_PAGE);
}

static void test_flushq_overflow_of_flush_all_stays_non_global(void **state)
{
    (void)state;
    struct flushq q = { 0 };
    flushq_begin(&q);
    for (unsigned i = 0; i <= FLUSHQ_LEN; i++)
        flushq_add(&q, 1ull << (i % 3), 0, VMI_FLUSH_ALL);
    assert_int_equal(flushq_end(&q), 1);
    assert_int_equal(q.req[0].cpus, 7);
    assert_int_equal(q.req[0].npages, VMI_FLUSH_ALL);
    flushq_begin(&q);                   /* a new section starts clean */
    flushq_add(&q, 1, 0, VMI_FLUSH_ALL);
    assert_int_equal(flushq_end(&q), 1);
    assert_int_equal(q.req[0].npages, VMI_FLUSH_ALL);
}

#define CR4_PAE (1ull << 5)
#define CR4_PGE (1ull << 7)

/* The CR4 writes of a global flush: PGE cleared, then CR4 as it was
 * (SDM Vol. 3A 4.10.4.1). */
static void assert_pge_toggled(uint64_t cr4)
{
    assert_int_equal(mock.ncr4_writes, 2);
    assert_int_equal(mock.cr4_log[0], cr4 & ~CR4_PGE);
    assert_int_equal(mock.cr4_log[1], cr4);
    assert_int_equal(mock.cr[4], cr4);
}

/* More than X86_FLUSH_PAGES_MAX pages widen to a full flush, which must
 * take the global entries too: a CR3 reload keeps them. */
static void test_flush_range_past_max_flushes_globals(void **state)
{
    (void)state;
    mock.cr[4] = CR4_PAE | CR4_PGE;
    mock.rflags = 0x200;
    x86_flush_range(0x400000, X86_FLUSH_PAGES_MAX + 1);
    assert_pge_toggled(CR4_PAE | CR4_PGE);
    assert_int_equal(mock.ninvlpg, 0);
    assert_int_equal(mock.rflags, 0x200);       /* IF as it was */
    mock.ncr4_writes = 0;
    x86_flush_range(0x400000, FLUSHQ_EVERY_PAGE);
    assert_pge_toggled(CR4_PAE | CR4_PGE);
    mock.ncr4_writes = 0;
    x86_flush_range(0x400000, X86_FLUSH_PAGES_MAX);  /* INVLPG each */
    assert_int_equal(mock.ninvlpg, X86_FLUSH_PAGES_MAX);
    assert_int_equal(mock.ncr4_writes, 0);
}

/* Without CR4.PGE no entry is global: the CR3 reload is the whole flush. */
static void test_flush_range_past_max_without_pge_reloads_cr3(void **state)
{
    (void)state;
    mock.cr[4] = CR4_PAE;
    x86_flush_range(0x400000, X86_FLUSH_PAGES_MAX + 1);
    assert_int_equal(mock.ncr4_writes, 0);
    assert_int_equal(mock.ncr3_writes, 1);
    assert_int_equal(mock.ninvlpg, 0);
}

/* VMI_FLUSH_ALL and tlb_flush_local stay the cheap non-global flush. */
static void test_flush_all_stays_cr3_reload_with_pge(void **state)
{
    (void)state;
    mock.cr[4] = CR4_PAE | CR4_PGE;
    x86_flush_range(0, VMI_FLUSH_ALL);
    x86_tlb_flush_local();
    assert_int_equal(mock.ncr3_writes, 2);
    assert_int_equal(mock.ncr4_writes, 0);
    assert_int_equal(mock.ninvlpg, 0);
}

static struct shootdown sd;

/* Post, then stand in for each target's flush vector at once, then wait:
 * the number of targets served. */
static unsigned shootdown_serve_all(unsigned self, vmi_cpumask_t targets,
                                    vmi_vaddr_t va, uint64_t npages)
{
    unsigned kicks = 0;
    vmi_cpumask_t posted = shootdown_post(&sd, self, targets, va, npages);
    for (unsigned c = 0; c < VMI_MAX_CPUS; c++)
        if (posted >> c & 1) {
            kicks++;
            shootdown_handle(&sd, c);
        }
    assert_int_equal(shootdown_wait(&sd, self, posted, 0), 0);
    return kicks;
}

static void test_shootdown_targets_flush_and_ack(void **state)
{
    (void)state;
    memset(&sd, 0, sizeof(sd));
    assert_int_equal(shootdown_serve_all(0, 0x7, 0x4000, 2),
                     2);                        /* CPUs 1 and 2, not self */
    assert_int_equal(mock.ninvlpg, 4);          /* 2 pages on each */
    assert_int_equal(mock.invlpg_log[1], 0x5000);
    assert_int_equal(sd.box[1].pending, 0);
    assert_int_equal(sd.box[1].lock, 0);
    shootdown_handle(&sd, 1);                   /* idempotent */
    assert_int_equal(mock.ninvlpg, 4);
}

static void test_shootdown_wait_gives_up_on_a_silent_target(void **state)
{
    (void)state;
    memset(&sd, 0, sizeof(sd));
    vmi_cpumask_t posted = shootdown_post(&sd, 0, 0x6, 0x4000, 1);
    shootdown_handle(&sd, 1);                   /* CPU 2 never does */
    mock.tsc_step = 1000;
    assert_int_equal(shootdown_wait(&sd, 0, posted, 100000), 0x4);
    assert_int_equal(sd.box[1].lock, 0);        /* served: released */
    assert_int_equal(sd.box[2].lock, 1);        /* late: still held */
    assert_true(mock.npause < 200);             /* gave up on the TSC */
}

static void test_shootdown_full_flush_reloads_cr3(void **state)
{
    (void)state;
    memset(&sd, 0, sizeof(sd));
    assert_int_equal(shootdown_serve_all(1, 0x1, 0, VMI_FLUSH_ALL), 1);
    assert_int_equal(mock.ncr3_writes, 1);
    assert_int_equal(mock.ninvlpg, 0);
}

/* A target applies the sender's npages: a wide range flushes its globals. */
static void test_shootdown_wide_range_flushes_target_globals(void **state)
{
    (void)state;
    memset(&sd, 0, sizeof(sd));
    mock.cr[4] = CR4_PAE | CR4_PGE;
    assert_int_equal(shootdown_serve_all(0, 0x2, 0x400000,
                                         X86_FLUSH_PAGES_MAX + 1), 1);
    assert_pge_toggled(CR4_PAE | CR4_PGE);
    assert_int_equal(mock.ninvlpg, 0);
}

static void test_fixup_search_known_rip_gives_fixup(void **state)
{
    (void)state;
    const struct vmi_fixup t[] = { { 0x1000, 0x2000 }, { 0x1010, 0x2010 } };
    assert_int_equal(vmi_fixup_search(t, t + 2, 0x1010), 0x2010);
    assert_int_equal(vmi_fixup_search(t, t + 2, 0x1011), 0);
    assert_int_equal(vmi_fixup_search(t, t, 0x1000), 0);
}

static void test_fmt_u64_decimal_and_hex(void **state)
{
    (void)state;
    char b[21];
    assert_int_equal(vmi_fmt_u64(b, 0, 10), 1);
    assert_string_equal(b, "0");
    vmi_fmt_u64(b, UINT64_MAX, 10);
    assert_string_equal(b, "18446744073709551615");
    vmi_fmt_u64(b, 0xdeadbeef, 16);
    assert_string_equal(b, "deadbeef");
}

static void test_append_truncates_and_terminates(void **state)
{
    (void)state;
    char b[9], s[8];
    size_t n = 0;
    vmi_append(b, sizeof(b), &n, "Xen ");
    vmi_append_version(b, sizeof(b), &n, 4u << 16 | 17);
    assert_string_equal(b, "Xen 4.17");
    assert_int_equal(n, 8);
    /* One byte short: the last digit is dropped, the NUL is not. */
    n = 0;
    vmi_append(s, sizeof(s), &n, "Xen ");
    vmi_append_version(s, sizeof(s), &n, 4u << 16 | 17);
    assert_string_equal(s, "Xen 4.1");
    assert_int_equal(n, 7);
    vmi_append(s, sizeof(s), &n, "more");
    assert_int_equal(n, 7);
}

static void test_uart_write_fifo_bursts_16_per_poll(void **state)
{
    (void)state;
    struct uart u;
    mock.port_in[0x3fa] = 0xc1;     /* IIR: FIFOs enabled */
    mock.port_in[0x3fd] = 0x60;     /* LSR: THRE */
    uart_init(&u, 0x3f8);
    assert_int_equal(u.burst, 16);
    mock.nout = 0;
    char msg[40];
    memset(msg, 'x', sizeof(msg));
    uart_write(&u, msg, sizeof(msg));
    assert_int_equal(mock_count_writes(mock.out_log, mock.nout, 0x3f8), 40);
}

static int rx_left;
static int uart_rx(uint16_t port)
{
    if (port == 0x3fd)
        return rx_left ? 0x61 : 0x60;
    if (port == 0x3f8 && rx_left)
        return 'a' + --rx_left;
    return -1;
}

static void test_uart_read_stops_when_no_data(void **state)
{
    (void)state;
    struct uart u = { .port = 0x3f8, .burst = 1 };
    char buf[8];
    rx_left = 3;
    mock.inb_hook = uart_rx;
    assert_int_equal(uart_read(&u, buf, sizeof(buf)), 3);
    assert_memory_equal(buf, "cba", 3);
    assert_int_equal(uart_read(&u, buf, sizeof(buf)), 0);
}

/* Before console_init (a refusal, an early panic) the console is COM1. */
static void test_console_ops_before_init_use_com1(void **state)
{
    (void)state;
    char buf[4];
    mock.port_in[0x3fd] = 0x60;     /* LSR: THRE, no data */
    uart_early();                   /* its set-up writes are not ours */
    mock.nout = 0;
    console_write("hi", 2);
    assert_int_equal(mock_count_writes(mock.out_log, mock.nout, 0x3f8), 2);
    assert_int_equal(mock_last_write(mock.out_log, mock.nout, 0x3f8), 'i');
    rx_left = 2;
    mock.inb_hook = uart_rx;
    assert_int_equal(console_read(buf, sizeof(buf)), 2);
    assert_memory_equal(buf, "ba", 2);
}

static void test_power_off_try_debug_exit_then_s5(void **state)
{
    (void)state;
    /* No ACPI in the mock's low memory: only the debug-exit write. */
    power_init(0);
    power_off_try(42);
    assert_int_equal(mock.nout, 1);
    assert_int_equal(mock.out_log[0].where, VMI_DEBUG_EXIT_PORT);
    assert_int_equal(mock.out_log[0].val, 42);
}

/* A refusal must be seen and fail wherever it runs: the line on the UART
 * and on port 0xe9 (Xen's log on a PVH domU), then the exit code on 0xf4
 * (vmi-run, QEMU), then a triple fault (Xen: "crash"), never ACPI S5 or
 * a halt, which Xen reports as a successful poweroff. */
static void test_vmi_refuse_says_why_everywhere_then_crashes(void **state)
{
    (void)state;
    char uart[128], e9[128];
    power_init(0);
    assert_int_equal(MOCK_RUN_TO_STOP(vmi_refuse("KVM (KVMKVMKVM)", "none")),
                     MOCK_TRIPLE);
    assert_string_equal(mock_port_text(VMI_UART_PORT, uart, sizeof(uart)),
                        "vmi: kernel linked for KVM (KVMKVMKVM) but found none\n");
    assert_string_equal(mock_port_text(VMI_DEBUGCON_PORT, e9, sizeof(e9)),
                        "vmi: kernel linked for KVM (KVMKVMKVM) but found none\n"
                        "vmi: exit 3\n");
    assert_int_equal(mock_count_writes(mock.out_log, mock.nout,
                                       VMI_DEBUG_EXIT_PORT), 1);
    assert_int_equal(mock_last_write(mock.out_log, mock.nout,
                                     VMI_DEBUG_EXIT_PORT), VMI_EXIT_WRONG_HV);
}

static void test_power_reset_try_cf9_then_kbc(void **state)
{
    (void)state;
    power_init(0);
    power_reset_try();
    assert_int_equal(mock_last_write(mock.out_log, mock.nout, 0xcf9), 0x06);
    assert_int_equal(mock_last_write(mock.out_log, mock.nout, 0x64), 0xfe);
}

/* The 8042's status port 0x64: (busy) reads with the input buffer full
 * (bit 1), then (idle); how many were read, and how many writes to port
 * 0x64 had been made while it still read busy. */
static struct {
    unsigned busy, reads, written_while_busy;
    uint8_t idle;
} kbc;

static int kbc_status(uint16_t port)
{
    if (port != 0x64)
        return -1;
    kbc.reads++;
    if (kbc.reads <= kbc.busy) {
        kbc.written_while_busy += mock_count_writes(mock.out_log, mock.nout, 0x64);
        return 0x1e;            /* input buffer full, system flag, command */
    }
    return kbc.idle;
}

/* The pulse goes to the 8042 only once its input buffer is empty. */
static void test_power_reset_kbc_waits_for_input_buffer_empty(void **state)
{
    (void)state;
    kbc = (typeof(kbc)){ .busy = 5, .idle = 0x1c };
    mock.inb_hook = kbc_status;
    power_init(0);
    power_reset_try();
    assert_int_equal(kbc.reads, 6);
    assert_int_equal(kbc.written_while_busy, 0);
    assert_int_equal(mock_count_writes(mock.out_log, mock.nout, 0x64), 1);
    assert_int_equal(mock_last_write(mock.out_log, mock.nout, 0x64), 0xfe);
}

/* A controller that never empties its buffer: the wait ends after a
 * bounded number of reads, and the pulse is written all the same. */
static void test_power_reset_kbc_never_ready_still_pulses(void **state)
{
    (void)state;
    kbc = (typeof(kbc)){ .busy = ~0u };
    mock.inb_hook = kbc_status;
    power_init(0);
    power_reset_try();
    assert_true(kbc.reads >= 1000 && kbc.reads < ~0u);
    assert_int_equal(mock_count_writes(mock.out_log, mock.nout, 0x64), 1);
    assert_int_equal(mock_last_write(mock.out_log, mock.nout, 0x64), 0xfe);
}

/* No controller: port 0x64 reads 0xff (nothing drives the bus), so one
 * read and the pulse at once, without the wait. */
static void test_power_reset_kbc_absent_pulses_without_waiting(void **state)
{
    (void)state;
    kbc = (typeof(kbc)){ .idle = 0xff };
    mock.inb_hook = kbc_status;
    power_init(0);
    power_reset_try();
    assert_int_equal(kbc.reads, 1);
    assert_int_equal(mock_last_write(mock.out_log, mock.nout, 0x64), 0xfe);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_flushq_inactive_add_refused, setup),
        cmocka_unit_test_setup(test_flushq_replays_in_order, setup),
        cmocka_unit_test_setup(test_flushq_overflow_degrades_to_one_full_flush, setup),
        cmocka_unit_test_setup(test_flushq_overflow_by_a_range_flushes_globals, setup),
        cmocka_unit_test_setup(test_flushq_overflow_of_flush_all_stays_non_global, setup),
        cmocka_unit_test_setup(test_flush_range_past_max_flushes_globals, setup),
        cmocka_unit_test_setup(test_flush_range_past_max_without_pge_reloads_cr3, setup),
        cmocka_unit_test_setup(test_flush_all_stays_cr3_reload_with_pge, setup),
        cmocka_unit_test_setup(test_shootdown_targets_flush_and_ack, setup),
        cmocka_unit_test_setup(test_shootdown_wait_gives_up_on_a_silent_target, setup),
        cmocka_unit_test_setup(test_shootdown_full_flush_reloads_cr3, setup),
        cmocka_unit_test_setup(test_shootdown_wide_range_flushes_target_globals, setup),
        cmocka_unit_test_setup(test_fixup_search_known_rip_gives_fixup, setup),
        cmocka_unit_test_setup(test_fmt_u64_decimal_and_hex, setup),
        cmocka_unit_test_setup(test_append_truncates_and_terminates, setup),
        cmocka_unit_test_setup(test_uart_write_fifo_bursts_16_per_poll, setup),
        cmocka_unit_test_setup(test_uart_read_stops_when_no_data, setup),
        cmocka_unit_test_setup(test_console_ops_before_init_use_com1, setup),
        cmocka_unit_test_setup(test_power_off_try_debug_exit_then_s5, setup),
        cmocka_unit_test_setup(test_power_reset_try_cf9_then_kbc, setup),
        cmocka_unit_test_setup(test_power_reset_kbc_waits_for_input_buffer_empty, setup),
        cmocka_unit_test_setup(test_power_reset_kbc_never_ready_still_pulses, setup),
        cmocka_unit_test_setup(test_power_reset_kbc_absent_pulses_without_waiting, setup),
        cmocka_unit_test_setup(test_vmi_refuse_says_why_everywhere_then_crashes, setup),
    };
    return cmocka_run_group_tests_name("common_misc", tests, NULL, NULL);
}
