/* SPDX-License-Identifier: MIT */
/* test_common_console.c: the framebuffer console's glyph drawing and
 * scrolling (fbcon.c, pure code, into a buffer here), the UART probe,
 * the SPCR lookup and the console's fan-out (console.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "acpi_build.h"
#include "console.h"
#include "fbcon.h"
#include "insn.h"
#include "lapic.h"
#include "mock.h"
#include "uart.h"
#include "vmi.h"

void vmi_event(vmi_event_t ev)
{
    (void)ev;
}

/* A 4x3-cell screen, 32 bpp, with 8 bytes of padding per line. */
#define W (4 * FBCON_CELL_W)
#define H (3 * FBCON_CELL_H)
#define PITCH (W * 4 + 8)
#define FG32 0x00c0c0c0u

static struct fbcon fbc;
static uint8_t screen_buf[PITCH * H];
static uint8_t *screen = screen_buf;
/* Where console_init finds the framebuffer: the mock's low memory, so
 * that its address is below 4 GiB. */
#define FB_PA 0x80000

static const struct vmi_boot_fb rgb32 = {
    .base = 1, .pitch = PITCH, .width = W, .height = H, .bpp = 32,
    .type = VMI_BOOT_FB_RGB, .red_pos = 16, .red_size = 8,
    .green_pos = 8, .green_size = 8, .blue_pos = 0, .blue_size = 8,
};

static int setup(void **state)
{
    (void)state;
    mock_reset();
    console_set_lapic(NULL);
    screen = screen_buf;
    memset(screen, 0x5a, PITCH * H);
    return 0;
}

static uint32_t px32(unsigned x, unsigned y)
{
    uint32_t v;
    memcpy(&v, screen + y * PITCH + x * 4, 4);
    return v;
}

/* True if cell (col, row) shows (ch) exactly in FG32 on black. */
static int cell_is(unsigned col, unsigned row, char ch)
{
    const uint8_t *g = fbcon_font[(uint8_t)ch - FBCON_FIRST];
    for (unsigned y = 0; y < FBCON_CELL_H; y++)
        for (unsigned x = 0; x < FBCON_CELL_W; x++) {
            uint32_t want = g[y] & (0x80 >> x) ? FG32 : 0;
            if (px32(col * FBCON_CELL_W + x, row * FBCON_CELL_H + y) != want)
                return 0;
        }
    return 1;
}

static void show(const char *s)
{
    fbcon_write(&fbc, s, strlen(s));
}

static void test_fbcon_init_clears_the_screen_only(void **state)
{
    (void)state;
    assert_null(fbcon_init(&fbc, screen, &rgb32));
    for (unsigned r = 0; r < 3; r++)
        for (unsigned c = 0; c < 4; c++)
            assert_true(cell_is(c, r, ' '));
    /* The padding past the width is not the screen's. */
    assert_int_equal(screen[W * 4], 0x5a);
}

static void test_fbcon_draws_glyphs_from_the_font(void **state)
{
    (void)state;
    assert_null(fbcon_init(&fbc, screen, &rgb32));
    show("Ab");
    assert_true(cell_is(0, 0, 'A'));
    assert_true(cell_is(1, 0, 'b'));
    assert_true(cell_is(2, 0, ' '));
    /* The font is not blank: 'A' sets pixels. */
    assert_false(cell_is(0, 0, ' '));
}

static void test_fbcon_scrolls_at_the_bottom(void **state)
{
    (void)state;
    assert_null(fbcon_init(&fbc, screen, &rgb32));
    show("1\n2\n3\n");
    assert_true(cell_is(0, 0, '2'));
    assert_true(cell_is(0, 1, '3'));
    assert_true(cell_is(0, 2, ' '));
    show("4x");
    assert_true(cell_is(0, 2, '4'));
    assert_true(cell_is(1, 2, 'x'));
    show("\n5");
    assert_true(cell_is(0, 0, '3'));
    assert_true(cell_is(0, 1, '4'));
    assert_true(cell_is(1, 1, 'x'));
    assert_true(cell_is(0, 2, '5'));
    assert_true(cell_is(1, 2, ' '));
}

static void test_fbcon_wraps_long_lines_once(void **state)
{
    (void)state;
    assert_null(fbcon_init(&fbc, screen, &rgb32));
    show("abcd\nefghi");
    assert_true(cell_is(3, 0, 'd'));
    assert_true(cell_is(0, 1, 'e'));    /* 4 characters and '\n': one row */
    assert_true(cell_is(3, 1, 'h'));
    assert_true(cell_is(0, 2, 'i'));
}

static void test_fbcon_control_bytes(void **state)
{
    (void)state;
    assert_null(fbcon_init(&fbc, screen, &rgb32));
    show("ab\rc\x01\xe9");
    assert_true(cell_is(0, 0, 'c'));
    assert_true(cell_is(1, 0, '?'));
    assert_true(cell_is(2, 0, '?'));
    show("\b\bz\tq");
    assert_true(cell_is(1, 0, 'z'));
    assert_true(cell_is(0, 1, 'q'));    /* the tab ran to the end of the row */
}

/* Cells that do not change are not drawn again: a mark in one survives
 * writes and a scroll that leave its character as it was. */
static void test_fbcon_redraws_only_changed_cells(void **state)
{
    (void)state;
    assert_null(fbcon_init(&fbc, screen, &rgb32));
    show("a\na\n");
    memset(screen + 0 * PITCH + 3 * FBCON_CELL_W * 4, 0x11, 4);  /* cell (3,0) */
    memset(screen + 0 * PITCH + 0, 0x22, 4);                      /* cell (0,0) */
    show("b\n");                        /* rows now: a, b, blank */
    assert_int_equal(screen[3 * FBCON_CELL_W * 4], 0x11);
    assert_int_equal(screen[0], 0x22);
    show("c\n");                        /* rows: b, c: row 0 changes */
    assert_true(cell_is(0, 0, 'b'));
    assert_int_equal(screen[3 * FBCON_CELL_W * 4], 0x11);
}

/* A one-character write draws that cell's 8x16 pixels and compares only
 * its row of the grid: a cell elsewhere whose shadow was made to differ
 * (as if the screen were stale there) is not even looked at. */
static void test_fbcon_one_character_write_draws_one_cell(void **state)
{
    (void)state;
    unsigned written = 0;
    assert_null(fbcon_init(&fbc, screen, &rgb32));
    memset(screen, 0x5a, PITCH * H);
    fbc.shown[fbc.cols * fbc.rows - 1] = '#';
    show("x");
    for (unsigned y = 0; y < H; y++)
        for (unsigned x = 0; x < W; x++)
            written += px32(x, y) != 0x5a5a5a5au;
    assert_int_equal(written, FBCON_CELL_W * FBCON_CELL_H);
    assert_true(cell_is(0, 0, 'x'));
    /* A scroll compares every row: the stale cell is drawn then. */
    show("\n\n\n");
    assert_true(cell_is(3, 2, ' '));
}

static void test_fbcon_16_and_24_bpp_pixels(void **state)
{
    (void)state;
    static uint16_t s16[W * H];
    static uint8_t s24[W * H * 3];
    struct vmi_boot_fb f = rgb32;
    const uint8_t *bang = fbcon_font['!' - FBCON_FIRST];
    unsigned x = 4, y = 3;              /* a set pixel of '!', then a clear one */

    assert_true(bang[y] & (0x80 >> x));
    f.bpp = 16, f.pitch = W * 2;
    f.red_pos = 11, f.red_size = 5, f.green_pos = 5, f.green_size = 6;
    f.blue_pos = 0, f.blue_size = 5;
    assert_null(fbcon_init(&fbc, s16, &f));
    show("!");
    /* 0xc0 of 255 in 5, 6, 5 bits: 23, 47, 23. */
    assert_int_equal(s16[y * W + x], 23 << 11 | 47 << 5 | 23);
    assert_int_equal(s16[y * W], 0);
    f = rgb32;
    f.bpp = 24, f.pitch = W * 3;
    assert_null(fbcon_init(&fbc, s24, &f));
    show("!");
    assert_int_equal(s24[(y * W + x) * 3 + 0], 0xc0);
    assert_int_equal(s24[(y * W + x) * 3 + 2], 0xc0);
    assert_false(bang[y] & (0x80 >> (x + 1)));
    assert_int_equal(s24[(y * W + x) * 3 + 3], 0);
}

static void test_fbcon_ega_text_cells(void **state)
{
    (void)state;
    static uint16_t cells[80 * 25];
    const struct vmi_boot_fb f = { .base = 0xb8000, .pitch = 160, .width = 80,
                                   .height = 25, .bpp = 16,
                                   .type = VMI_BOOT_FB_TEXT };
    assert_null(fbcon_init(&fbc, cells, &f));
    show("hi\nyo");
    assert_int_equal(cells[0], 0x0700 | 'h');
    assert_int_equal(cells[80 + 1], 0x0700 | 'o');
    assert_int_equal(cells[2], 0x0700 | ' ');
}

static void test_fbcon_refuses_what_it_cannot_draw(void **state)
{
    (void)state;
    struct vmi_boot_fb f = rgb32;
    fbc.cols = 99;
    f.type = VMI_BOOT_FB_INDEXED, f.bpp = 8;
    assert_non_null(fbcon_init(&fbc, screen, &f));
    f = rgb32, f.bpp = 8;
    assert_non_null(fbcon_init(&fbc, screen, &f));
    f = rgb32, f.width = 7;
    assert_non_null(fbcon_init(&fbc, screen, &f));
    f = rgb32, f.pitch = W * 4 - 4;
    assert_non_null(fbcon_init(&fbc, screen, &f));
    assert_int_equal(fbc.cols, 99);     /* untouched */
}

/* Two writers that both moved the cursor down (the console lets one go
 * ahead when the lock is not freed in time) leave row past the screen:
 * the next character scrolls and lands on the last row, inside the grid. */
static void test_fbcon_recovers_a_row_past_the_screen(void **state)
{
    (void)state;
    assert_null(fbcon_init(&fbc, screen, &rgb32));
    show("1\n2\n3");
    fbc.row = fbc.rows, fbc.col = 0;
    fbc.text[fbc.cols * fbc.rows] = 0x55;     /* past the grid */
    show("x");
    assert_true(cell_is(0, 0, '2'));
    assert_true(cell_is(0, 1, '3'));
    assert_true(cell_is(0, 2, 'x'));
    assert_int_equal(fbc.text[fbc.cols * fbc.rows], 0x55);
}

/* A width whose bytes per line pass 2^32 (0x40000000 pixels of 4 bytes)
 * with a pitch of one small line: refused, not drawn past each line. */
static void test_fbcon_refuses_a_line_wider_than_the_pitch_in_64_bits(void **state)
{
    (void)state;
    static uint8_t big[FBCON_CELL_H * PITCH + FBCON_CELLS_MAX * FBCON_CELL_W * 4];
    struct vmi_boot_fb f = rgb32;
    f.width = 0x40000000u, f.height = FBCON_CELL_H, f.pitch = PITCH;
    fbc.cols = 99;
    assert_non_null(fbcon_init(&fbc, big, &f));
    assert_int_equal(fbc.cols, 99);     /* untouched */
}

/* A 16550 at (uart_port): LSR says THRE, the scratch register keeps. */
static uint16_t uart_port;
static int uart_model(uint16_t port)
{
    if (port == uart_port + 5)
        return 0x60;
    if (port == uart_port + 7)
        return (int)mock_last_write(mock.out_log, mock.nout, port);
    return -1;
}

static void test_uart_probe_needs_lsr_and_scratch(void **state)
{
    (void)state;
    assert_false(uart_probe(0x3f8));    /* the mock's ports read 0xff */
    mock.port_in[0x3fd] = 0x60;
    assert_false(uart_probe(0x3f8));    /* LSR alone: no scratch */
    uart_port = 0x3f8;
    mock.inb_hook = uart_model;
    assert_true(uart_probe(0x3f8));
}

/* An RSDP whose XSDT lists one SPCR: 16550 at I/O (port), baud code,
 * registers (width) bits wide. */
static uint64_t spcr_acpi_w(uint8_t iface, uint8_t space, uint64_t port,
                            uint8_t baud, uint8_t width)
{
    acpi_arena_off = 0;
    uint8_t *s = tb_table("SPCR", 80);
    s[SPCR_IFACE] = iface;
    s[SPCR_BASE] = space;
    s[SPCR_BASE + 1] = width;
    tb_put64(s + SPCR_BASE + 4, port);
    s[SPCR_BAUD] = baud;
    tb_seal(s);
    const uint64_t tables[1] = { tpa(s) };
    uint8_t *x = tb_sdt(8, tables, 1), *r = tb_alloc(36);
    tb_rsdp_at(r, 2, 0, tpa(x));
    return tpa(r);
}

static uint64_t spcr_acpi(uint8_t iface, uint8_t space, uint64_t port, uint8_t baud)
{
    return spcr_acpi_w(iface, space, port, baud, 8);
}

/* Type 0x12 with 32-bit registers (4-byte spacing) is not driven as a
 * byte-wide UART: COM1 is probed instead. */
static void test_spcr_gas_uart_needs_8_bit_registers(void **state)
{
    (void)state;
    uint16_t div = 99;
    assert_int_equal(console_spcr_port(spcr_acpi_w(0x12, 1, 0x2f8, 7, 32), &div), 0);
    assert_int_equal(console_spcr_port(spcr_acpi_w(0x12, 1, 0x2f8, 7, 8), &div), 0x2f8);
    uart_port = 0x3f8;
    mock.inb_hook = uart_model;
    console_init(NULL, spcr_acpi_w(0x12, 1, 0x2f8, 7, 32));
    assert_string_equal(console_name(), "uart 0x3f8");
    mock.nout = 0;
    console_write("x", 1);
    assert_int_equal(mock_count_writes(mock.out_log, mock.nout, 0x2f8), 0);
    assert_int_equal(mock_count_writes(mock.out_log, mock.nout, 0x3f8), 1);
}

static void test_spcr_names_the_uart(void **state)
{
    (void)state;
    uint16_t div = 99;
    assert_int_equal(console_spcr_port(spcr_acpi(0, 1, 0x2f8, 7), &div), 0x2f8);
    assert_int_equal(div, 1);
    assert_int_equal(console_spcr_port(spcr_acpi(0x12, 1, 0x3e8, 3), &div), 0x3e8);
    assert_int_equal(div, 12);
    assert_int_equal(console_spcr_port(spcr_acpi(1, 1, 0x2e8, 0), &div), 0x2e8);
    assert_int_equal(div, 0);           /* as the firmware left it */
    /* Memory-mapped, redirection off, not a 16550: not ours. */
    assert_int_equal(console_spcr_port(spcr_acpi(0, 0, 0xfe000000, 7), &div), 0);
    assert_int_equal(console_spcr_port(spcr_acpi(0, 1, 0, 7), &div), 0);
    assert_int_equal(console_spcr_port(spcr_acpi(3, 1, 0x2f8, 7), &div), 0);
    assert_int_equal(console_spcr_port(0, &div), 0);
}

static void test_console_spcr_uart_and_framebuffer(void **state)
{
    (void)state;
    struct vmi_boot boot = { .cmdline = "", .fb = rgb32 };
    boot.fb.base = FB_PA;
    screen = pa_to_ptr(FB_PA);
    uart_port = 0x2f8;
    mock.inb_hook = uart_model;
    console_init(&boot, spcr_acpi(0, 1, 0x2f8, 7));
    assert_string_equal(console_name(), "uart 0x2f8 (spcr) + fb 32x48x32");
    mock.nout = 0;
    console_write("Hi", 2);
    assert_int_equal(mock_count_writes(mock.out_log, mock.nout, 0x2f8), 2);
    assert_int_equal(mock_count_writes(mock.out_log, mock.nout, 0x3f8), 0);
    assert_true(cell_is(0, 0, 'H'));
    assert_true(cell_is(1, 0, 'i'));
}

/* No UART, no framebuffer: writes go nowhere, reads find nothing. */
static void test_console_with_no_device(void **state)
{
    (void)state;
    char c;
    struct vmi_boot boot = { .cmdline = "" };
    console_init(&boot, 0);
    assert_string_equal(console_name(), "none");
    mock.nout = 0;
    console_write("lost", 4);
    assert_int_equal(mock.nout, 0);
    assert_int_equal(console_read(&c, 1), 0);
}

/* A framebuffer that cannot be drawn on is said on the UART, once. */
static void test_console_says_why_a_framebuffer_is_unused(void **state)
{
    (void)state;
    char text[128];
    struct vmi_boot boot = { .cmdline = "", .fb = rgb32 };
    boot.fb.base = 5ull << 30;
    uart_port = 0x3f8;
    mock.inb_hook = uart_model;
    console_init(&boot, 0);
    assert_string_equal(console_name(), "uart 0x3f8");
    const char *want = "console: framebuffer at 0x140000000 not used: "
                       "not below 4 GiB\n";
    /* After the UART's set-up bytes (the divisor goes to port 0x3f8). */
    mock_port_text(0x3f8, text, sizeof(text));
    assert_true(strlen(text) >= strlen(want));
    assert_string_equal(text + strlen(text) - strlen(want), want);
}

/* A write nested in the write of the CPU that holds the console lock
 * (an NMI or a fault there, here: at the holder's LSR poll), which that
 * CPU cannot leave to free the lock, does not wait for it: it goes at
 * once, to the UART only (the grid may be half-changed). */
static int nested_writes;
static int uart_model_nmi(uint16_t port)
{
    if (port == uart_port + 5 && !nested_writes++)
        console_write("N", 1);
    return uart_model(port);
}

static void nested_write_on_the_holders_cpu(void)
{
    char text[16];
    struct vmi_boot boot = { .cmdline = "", .fb = rgb32 };
    boot.fb.base = FB_PA;
    screen = pa_to_ptr(FB_PA);
    uart_port = 0x3f8;
    mock.inb_hook = uart_model;
    console_init(&boot, 0);
    mock.nout = 0;
    nested_writes = 0;
    mock.inb_hook = uart_model_nmi;
    mock.tsc_step = 1u << 20;
    console_write("ab", 2);
    assert_int_equal(nested_writes, 2);
    assert_int_equal(mock.npause, 0);
    mock_port_text(0x3f8, text, sizeof(text));
    assert_string_equal(text, "Nab");
    assert_true(cell_is(0, 0, 'a'));    /* not 'N' */
    assert_true(cell_is(1, 0, 'b'));
    assert_true(cell_is(2, 0, ' '));
    /* The lock is free again: a later write does not wait. */
    console_write("c", 1);
    assert_int_equal(mock.npause, 0);
    assert_true(cell_is(2, 0, 'c'));
}

static void test_console_nested_write_before_the_lapic_does_not_wait(void **state)
{
    (void)state;
    nested_write_on_the_holders_cpu();
}

static const struct lapic x2apic = { .x2apic = true };
#define MSR_X2APIC_ID (MSR_X2APIC_BASE + (LAPIC_ID >> 4))

static void test_console_nested_write_on_the_holders_lapic_does_not_wait(void **state)
{
    (void)state;
    mock_set_msr(MSR_X2APIC_ID, 3);
    console_set_lapic(&x2apic);
    nested_write_on_the_holders_cpu();
}

/* Another CPU's write while the lock is held (here: made from the
 * holder's LSR poll with another LAPIC ID) waits for the lock a bounded
 * time on the TSC, not 10^7 spins (seconds under an interpreter), then
 * writes anyway, to every device. */
static int uart_model_other_cpu(uint16_t port)
{
    if (port == uart_port + 5 && !nested_writes++) {
        mock_set_msr(MSR_X2APIC_ID, 7);
        console_write("N", 1);
        mock_set_msr(MSR_X2APIC_ID, 3);
    }
    return uart_model(port);
}

static void test_console_write_from_another_cpu_waits_on_the_tsc(void **state)
{
    (void)state;
    char text[16];
    mock_set_msr(MSR_X2APIC_ID, 3);
    console_set_lapic(&x2apic);
    uart_port = 0x3f8;
    mock.inb_hook = uart_model;
    console_init(NULL, 0);
    mock.nout = 0;
    nested_writes = 0;
    mock.inb_hook = uart_model_other_cpu;
    mock.tsc_step = 1u << 20;       /* 2048 reads: 2^31 cycles */
    console_write("ab", 2);
    assert_int_equal(nested_writes, 2);
    assert_true(mock.npause > 0 && mock.npause < 4096);
    mock_port_text(0x3f8, text, sizeof(text));
    assert_string_equal(text, "Nab");
    mock.npause = 0;
    console_write("c", 1);
    assert_int_equal(mock.npause, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_fbcon_init_clears_the_screen_only, setup),
        cmocka_unit_test_setup(test_fbcon_draws_glyphs_from_the_font, setup),
        cmocka_unit_test_setup(test_fbcon_scrolls_at_the_bottom, setup),
        cmocka_unit_test_setup(test_fbcon_wraps_long_lines_once, setup),
        cmocka_unit_test_setup(test_fbcon_control_bytes, setup),
        cmocka_unit_test_setup(test_fbcon_redraws_only_changed_cells, setup),
        cmocka_unit_test_setup(test_fbcon_one_character_write_draws_one_cell, setup),
        cmocka_unit_test_setup(test_fbcon_16_and_24_bpp_pixels, setup),
        cmocka_unit_test_setup(test_fbcon_ega_text_cells, setup),
        cmocka_unit_test_setup(test_fbcon_refuses_what_it_cannot_draw, setup),
        cmocka_unit_test_setup(test_fbcon_recovers_a_row_past_the_screen, setup),
        cmocka_unit_test_setup(test_fbcon_refuses_a_line_wider_than_the_pitch_in_64_bits, setup),
        cmocka_unit_test_setup(test_uart_probe_needs_lsr_and_scratch, setup),
        cmocka_unit_test_setup(test_spcr_names_the_uart, setup),
        cmocka_unit_test_setup(test_console_spcr_uart_and_framebuffer, setup),
        cmocka_unit_test_setup(test_console_with_no_device, setup),
        cmocka_unit_test_setup(test_console_says_why_a_framebuffer_is_unused, setup),
        cmocka_unit_test_setup(test_spcr_gas_uart_needs_8_bit_registers, setup),
        cmocka_unit_test_setup(test_console_nested_write_before_the_lapic_does_not_wait, setup),
        cmocka_unit_test_setup(test_console_nested_write_on_the_holders_lapic_does_not_wait, setup),
        cmocka_unit_test_setup(test_console_write_from_another_cpu_waits_on_the_tsc, setup),
    };
    return cmocka_run_group_tests_name("common_console", tests, NULL, NULL);
}
