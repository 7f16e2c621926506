/* SPDX-License-Identifier: MIT */
/* tests/monitor/test_mon_dev.c: vmi-run's port, MMIO and MSR policy: UART,
 * debug exit, ACPI poweroff, reset, PIC, unknown accesses (monitor). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mon_pers.h"

static int pipefd[2];

static int setup(void **state)
{
	struct mon *m = calloc(1, sizeof(*m));

	mon_dev_init(&m->dev);
	m->pers = &pers_pc;
	assert_int_equal(pipe(pipefd), 0);
	fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
	m->out_fd = pipefd[1];
	*state = m;
	return 0;
}

static int teardown(void **state)
{
	close(pipefd[0]);
	close(pipefd[1]);
	free(*state);
	return 0;
}

/* One port access; returns what the guest would read. */
static uint32_t io(struct mon *m, uint16_t port, bool out, uint8_t size,
		   uint32_t v)
{
	uint8_t data[4];
	struct mon_exit x = { .kind = MON_X_IO, .rip = 0x1000, .io = {
		.port = port, .out = out, .size = size, .count = 1,
		.data = data } };

	memcpy(data, &v, 4);
	mon_pio(m, 0, &x);
	memcpy(&v, data, 4);
	return out ? 0 : v & (size == 4 ? ~0u : (1u << 8 * size) - 1);
}

static void test_uart_line_goes_to_stdout_and_lsr_is_idle(void **state)
{
	struct mon *m = *state;
	char buf[16] = { 0 };

	io(m, 0x3f8, true, 1, 'h');
	io(m, 0x3f8, true, 1, 'i');
	assert_int_equal(read(pipefd[0], buf, sizeof(buf)), -1);
	io(m, 0x3f8, true, 1, '\n');
	assert_int_equal(read(pipefd[0], buf, sizeof(buf)), 3);
	assert_string_equal(buf, "hi\n");
	assert_int_equal(io(m, 0x3fd, false, 1, 0), 0x60);
	io(m, 0x3ff, true, 1, 0xa5);
	assert_int_equal(io(m, 0x3ff, false, 1, 0), 0xa5);
	assert_false(mon_is_stopped(m));
}

static void test_string_io_handles_every_element(void **state)
{
	struct mon *m = *state;
	uint8_t data[3] = { 'o', 'k', '\n' }, in[4];
	char buf[8] = { 0 };
	struct mon_exit x = { .kind = MON_X_IO, .io = { .port = 0x3f8,
		.out = true, .size = 1, .count = 3, .data = data } };

	mon_pio(m, 0, &x);
	assert_int_equal(read(pipefd[0], buf, sizeof(buf)), 3);
	assert_string_equal(buf, "ok\n");
	x = (struct mon_exit){ .kind = MON_X_IO, .io = { .port = 0x3fd,
		.out = false, .size = 1, .count = 4, .data = in } };
	mon_pio(m, 0, &x);
	assert_int_equal(in[0] & in[1] & in[2] & in[3], 0x60);
	assert_int_equal(m->dev.pio_exits, 2);
}

static void test_debug_exit_stops_with_guest_code(void **state)
{
	struct mon *m = *state;

	io(m, 0xf4, true, 1, 42);
	assert_true(mon_is_stopped(m));
	assert_int_equal(m->status, 42);
	assert_string_equal(m->msg, "");
	io(m, 0xf4, true, 4, 3);                /* the first stop wins */
	assert_int_equal(m->status, 42);
}

/* A value that is not a guest code (0-63, 77, 99) is a guest fault that
 * names it, whatever the access size: a guest-written 69 must not read as
 * "no KVM", nor 0x12a as 42 (docs/vmi-run.md "Exit status"). */
static void test_debug_exit_refuses_monitor_statuses(void **state)
{
	static const struct { uint8_t size; uint32_t v; const char *text; } t[] = {
		{ 1, 69, "guest wrote 69 (0x45) to the debug-exit port" },
		{ 1, 71, "guest wrote 71 (0x47)" },
		{ 1, 124, "guest wrote 124 (0x7c)" },
		{ 1, 255, "guest wrote 255 (0xff)" },
		{ 2, 0x12a, "guest wrote 298 (0x12a)" },
		{ 4, 0x10000 + 77, "guest wrote 65613 (0x1004d)" },
	};
	struct mon *m = *state;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		atomic_store(&m->stopped, false);
		io(m, 0xf4, true, t[i].size, t[i].v);
		assert_true(mon_is_stopped(m));
		assert_int_equal(m->status, MON_EXIT_CRASH);
		assert_non_null(strstr(m->msg, t[i].text));
		assert_non_null(strstr(m->msg, "not a guest exit code"));
		assert_null(strchr(m->msg, '\n'));
	}
	atomic_store(&m->stopped, false);
	io(m, 0xf4, true, 1, 77);
	assert_int_equal(m->status, 77);
	atomic_store(&m->stopped, false);
	io(m, 0xf4, true, 4, 99);
	assert_int_equal(m->status, 99);
	assert_string_equal(m->msg, "");
}

static void test_acpi_s5_is_poweroff_other_sleep_is_crash(void **state)
{
	struct mon *m = *state;

	assert_int_equal(io(m, 0x604, false, 2, 0) & 1, 1);     /* SCI_EN */
	io(m, 0x604, true, 2, 5u << 10);        /* no SLP_EN: nothing */
	assert_false(mon_is_stopped(m));
	io(m, 0x605, true, 1, (5u << 2) | (1u << 5));   /* high byte */
	assert_true(mon_is_stopped(m));
	assert_int_equal(m->status, 0);
	atomic_store(&m->stopped, false);
	io(m, 0x604, true, 2, (3u << 10) | (1u << 13));
	assert_int_equal(m->status, MON_EXIT_CRASH);
	assert_non_null(strstr(m->msg, "SLP_TYP=3"));
}

static void test_cf9_reset_is_byte_only(void **state)
{
	struct mon *m = *state;

	io(m, 0xcf9, true, 1, 0x02);            /* SYS_RST alone: no reset */
	assert_false(mon_is_stopped(m));
	assert_int_equal(io(m, 0xcf8, false, 4, 0), 0xffffffffu);
	assert_int_equal(atomic_load(&m->unknown), 1);
	io(m, 0xcf9, true, 1, 0x06);
	assert_int_equal(m->status, 6);
	assert_non_null(strstr(m->msg, "port 0xcf9"));
}

static void test_pic_mask_reads_back_after_init_words(void **state)
{
	struct mon *m = *state;

	assert_int_equal(io(m, 0x21, false, 1, 0), 0xff);
	io(m, 0x20, true, 1, 0x11);             /* ICW1 with ICW4 */
	io(m, 0x21, true, 1, 0x20);             /* ICW2..4 */
	io(m, 0x21, true, 1, 0x04);
	io(m, 0x21, true, 1, 0x01);
	assert_int_equal(io(m, 0x21, false, 1, 0), 0);
	io(m, 0x21, true, 1, 0xfb);             /* OCW1 */
	assert_int_equal(io(m, 0x21, false, 1, 0), 0xfb);
	assert_int_equal(io(m, 0xa1, false, 1, 0), 0xff);
	io(m, 0xa0, true, 1, 0x13);             /* single: no ICW3 */
	io(m, 0xa1, true, 1, 0x28);             /* ICW2, ICW4 */
	io(m, 0xa1, true, 1, 0x01);
	io(m, 0xa1, true, 1, 0x5a);             /* OCW1 */
	assert_int_equal(io(m, 0xa1, false, 1, 0), 0x5a);
	io(m, 0xa0, true, 1, 0x12);             /* single, no ICW4 */
	io(m, 0xa1, true, 1, 0x28);             /* ICW2 */
	io(m, 0xa1, true, 1, 0xa5);             /* OCW1 */
	assert_int_equal(io(m, 0xa1, false, 1, 0), 0xa5);
	assert_int_equal(io(m, 0x21, false, 1, 0), 0xfb);
	assert_int_equal(atomic_load(&m->unknown), 0);
}

static void test_port61_keeps_low_bits_and_toggles_refresh(void **state)
{
	struct mon *m = *state;
	uint32_t a, b;

	io(m, 0x61, true, 1, 0xff);             /* bits 4-7 are read-only */
	a = io(m, 0x61, false, 1, 0);
	b = io(m, 0x61, false, 1, 0);
	assert_int_equal(a & 0x2f, 0x2f);       /* OUT2 high, bits 0-3 kept */
	assert_int_equal(b & 0x2f, 0x2f);
	assert_int_equal((a ^ b) & 0xd0, 0x10); /* refresh toggles per read */
	io(m, 0x61, true, 1, 0x00);
	assert_int_equal(io(m, 0x61, false, 1, 0) & 0x2f, 0x20);
	assert_int_equal(atomic_load(&m->unknown), 0);
}

static void test_rtc_reads_bcd_24h_utc(void **state)
{
	struct mon *m = *state;
	uint8_t v;

	io(m, 0x70, true, 1, 0x80 | 0x0b);      /* NMI-off bit is ignored */
	assert_int_equal(io(m, 0x71, false, 1, 0), 0x02);
	io(m, 0x70, true, 1, 0x0a);
	assert_int_equal(io(m, 0x71, false, 1, 0) & 0x80, 0);   /* no UIP */
	io(m, 0x70, true, 1, 0x32);
	assert_int_equal(io(m, 0x71, false, 1, 0), 0x20);
	for (uint8_t r = 0; r <= 9; r++) {
		io(m, 0x70, true, 1, r);
		v = (uint8_t)io(m, 0x71, false, 1, 0);
		assert_true((v & 0xf) <= 9 && (v >> 4) <= 9);
	}
	assert_int_equal(atomic_load(&m->unknown), 0);
}

static void test_unknown_ports_read_ones_then_stop_at_cap(void **state)
{
	struct mon *m = *state;

	assert_int_equal(io(m, 0x1234, false, 2, 0), 0xffff);
	for (unsigned long i = 1; i < MON_UNKNOWN_CAP - 1; i++)
		io(m, 0x1234, true, 1, 0);
	assert_false(mon_is_stopped(m));
	io(m, 0x1234, true, 1, 0);
	assert_true(mon_is_stopped(m));
	assert_int_equal(m->status, MON_EXIT_CRASH);
	assert_non_null(strstr(m->msg, "last: port 0x1234 write at rip=0x1000"));
}

/* Port 0xe9 carries a refusal's or panic's last words on real Xen: under
 * vmi-run it is a known, silent port, never an unknown-port storm. */
static void test_debugcon_port_ignored_quietly(void **state)
{
	struct mon *m = *state;

	for (unsigned long i = 0; i < MON_UNKNOWN_CAP; i++)
		io(m, VMI_DEBUGCON_PORT, true, 1, 'x');
	assert_false(mon_is_stopped(m));
	assert_int_equal(atomic_load(&m->unknown), 0);
	assert_int_equal(m->dev.legacy_writes, 0);
	assert_int_equal(io(m, VMI_DEBUGCON_PORT, false, 1, 0), 0xff);
}

static void test_unknown_mmio_reads_ones_and_msr_gets_gp(void **state)
{
	struct mon *m = *state;
	uint8_t d[8] = { 0 };
	uint64_t val = 0;
	uint8_t error = 0;
	struct mon_exit mm = { .kind = MON_X_MMIO, .mmio = { .gpa = 0xd0000000,
		.len = 4, .data = d } };
	struct mon_exit msr = { .kind = MON_X_RDMSR, .msr = { .index = 0x1234,
		.data = &val, .error = &error } };

	mon_mmio(m, 0, &mm);
	assert_int_equal(d[0] & d[1] & d[2] & d[3], 0xff);
	assert_int_equal(d[4], 0);
	mon_msr(m, 0, &msr);
	assert_int_equal(error, 1);
	assert_int_equal(atomic_load(&m->unknown), 2);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_uart_line_goes_to_stdout_and_lsr_is_idle),
		T(test_string_io_handles_every_element),
		T(test_debug_exit_stops_with_guest_code),
		T(test_debug_exit_refuses_monitor_statuses),
		T(test_acpi_s5_is_poweroff_other_sleep_is_crash),
		T(test_cf9_reset_is_byte_only),
		T(test_pic_mask_reads_back_after_init_words),
		T(test_port61_keeps_low_bits_and_toggles_refresh),
		T(test_rtc_reads_bcd_24h_utc),
		T(test_debugcon_port_ignored_quietly),
		T(test_unknown_ports_read_ones_then_stop_at_cap),
		T(test_unknown_mmio_reads_ones_and_msr_gets_gp),
	};
	return cmocka_run_group_tests_name("mon_dev", tests, NULL, NULL);
}
