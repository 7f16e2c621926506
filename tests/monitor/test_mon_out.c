/* SPDX-License-Identifier: MIT */
/* tests/monitor/test_mon_out.c: guest console output and vmi-run's own line
 * under host faults (monitor/mon_uart.c mon_out_write, mon_stop.c
 * mon_say; docs/vmi-run.md "Host faults"): a full stdout holds the guest
 * back while it runs and is given up MON_OUT_GRACE_NS after the stop;
 * a non-blocking stdout loses nothing; EPIPE, ENOSPC and EBADF drop the
 * output and count it; a full stderr cannot keep vmi-run from ending.
 * Every write that could block runs on a thread with a time limit, so a
 * hang is a failure, not a stuck test. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mon_pers.h"

#define MS 1000000ull

struct fixture {
	struct mon *m;
	int r, w;               /* the pipe that is the guest's stdout */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	int p[2];

	f->m = calloc(1, sizeof(*f->m));
	mon_dev_init(&f->m->dev);
	f->m->pers = &pers_pc;
	assert_int_equal(pipe(p), 0);
	f->r = p[0];
	f->w = p[1];
	f->m->out_fd = f->w;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f->r >= 0)
		close(f->r);
	close(f->w);
	free(f->m);
	free(f);
	return 0;
}

/* Fill the pipe to the brim; the write end stays as it was. */
static void fill(int w)
{
	static char junk[4096];
	int fl = fcntl(w, F_GETFL);

	fcntl(w, F_SETFL, fl | O_NONBLOCK);
	while (write(w, junk, sizeof(junk)) > 0 || errno == EINTR)
		;
	assert_int_equal(errno, EAGAIN);
	fcntl(w, F_SETFL, fl);
}

/* The guest prints (text) on the UART, a line ending in '\n'. */
static void uart_print(struct mon *m, const char *text)
{
	for (; *text; text++) {
		uint8_t c = (uint8_t)*text;
		struct mon_exit x = { .kind = MON_X_IO, .io = { .port = 0x3f8,
			.out = true, .size = 1, .count = 1, .data = &c } };
		mon_pio(m, 0, &x);
	}
}

struct job {
	struct mon *m;
	const char *text;
	atomic_bool done;
	uint64_t end_ns;
};

static void *print_job(void *arg)
{
	struct job *j = arg;

	uart_print(j->m, j->text);
	j->end_ns = mon_now_ns();
	atomic_store(&j->done, true);
	return NULL;
}

/* Start printing on a thread; finish() waits at most (limit_ms). */
static void start(struct job *j, pthread_t *t, struct mon *m, const char *s)
{
	*j = (struct job){ .m = m, .text = s };
	assert_int_equal(pthread_create(t, NULL, print_job, j), 0);
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static void finish(struct job *j, pthread_t t, unsigned limit_ms)
{
	for (unsigned waited = 0; !atomic_load(&j->done); waited += 10) {
		if (waited >= limit_ms)
			fail_msg("the write still blocks after %u ms", limit_ms);
		sleep_ms(10);
	}
	pthread_join(t, NULL);
}

/* The bug of issue 12 part A: a full stdout nobody reads kept a vCPU in
 * write() forever, so vmi-run never ended.  Now the stop frees it. */
static void test_full_stdout_is_given_up_after_the_stop(void **state)
{
	struct fixture *f = *state;
	struct job j;
	pthread_t t;
	char note[128];
	uint64_t stop;

	fill(f->w);
	start(&j, &t, f->m, "held back\n");
	sleep_ms(100);
	assert_false(atomic_load(&j.done));     /* running: held back */
	mon_stopf(f->m, 124, "timed out");
	stop = atomic_load(&f->m->stop_ns);
	finish(&j, t, 2000);
	assert_true(j.end_ns - stop >= MON_OUT_GRACE_NS);
	assert_true(j.end_ns - stop < MON_OUT_GRACE_NS + 100 * MS);
	assert_int_equal(f->m->out.dropped, 10);
	assert_true(f->m->out.late);
	mon_out_note(f->m, note, sizeof(note));
	assert_string_equal(note, "10 bytes of guest output dropped (stdout: "
			    "not writable within 0.25 s of the stop)");
	/* Later output (the final flush) is dropped at once. */
	start(&j, &t, f->m, "more\n");
	finish(&j, t, 50);
	assert_int_equal(f->m->out.dropped, 15);
}

/* While the VM runs, a slow reader loses nothing: the writer waits. */
static void test_full_stdout_holds_the_guest_back(void **state)
{
	struct fixture *f = *state;
	char buf[4096], tail[10] = { 0 };
	struct job j;
	pthread_t t;

	fill(f->w);
	start(&j, &t, f->m, "late line\n");
	sleep_ms(150);
	assert_false(atomic_load(&j.done));
	fcntl(f->r, F_SETFL, O_NONBLOCK);
	for (;;) {
		bool done = atomic_load(&j.done);
		ssize_t n = read(f->r, buf, sizeof(buf));
		for (ssize_t i = 0; i < n; i++) {       /* the last 10 bytes */
			memmove(tail, tail + 1, sizeof(tail) - 1);
			tail[sizeof(tail) - 1] = buf[i];
		}
		if (n <= 0 && done)
			break;
		if (n <= 0)
			sleep_ms(1);
	}
	finish(&j, t, 2000);
	assert_memory_equal(tail, "late line\n", 10);
	assert_int_equal(f->m->out.dropped, 0);
}

struct reader {
	int fd;
	size_t got;
	bool in_order;
};

/* Read slowly to the end, checking the bytes are 0, 1, ... 250, 0, ... */
static void *slow_reader(void *arg)
{
	struct reader *r = arg;
	unsigned char buf[1024];
	ssize_t n;

	r->in_order = true;
	sleep_ms(100);
	while ((n = read(r->fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] != (r->got + (size_t)i) % 251)
				r->in_order = false;
		r->got += (size_t)n;
		sleep_ms(1);
	}
	return NULL;
}

/* O_NONBLOCK on stdout: EAGAIN is waited out, never taken as the end. */
static void test_nonblocking_stdout_loses_nothing(void **state)
{
	struct fixture *f = *state;
	struct reader r = { .fd = f->r };
	static char data[256 * 1024];
	pthread_t t;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)(i % 251);
	fcntl(f->w, F_SETFL, fcntl(f->w, F_GETFL) | O_NONBLOCK);
	assert_int_equal(pthread_create(&t, NULL, slow_reader, &r), 0);
	pthread_mutex_lock(&f->m->dev.lock);
	mon_out_write(f->m, data, sizeof(data));
	pthread_mutex_unlock(&f->m->dev.lock);
	close(f->w);
	f->w = dup(f->r);       /* for teardown */
	pthread_join(t, NULL);
	assert_int_equal(r.got, sizeof(data));
	assert_true(r.in_order);
	assert_int_equal(f->m->out.dropped, 0);
	assert_int_equal(f->m->out.err, 0);
}

/* A write error ends output for good; every byte lost is counted. */
static void expect_error(struct mon *m, int err, const char *text)
{
	char note[128];

	uart_print(m, "first line\n");
	uart_print(m, "second\n");
	assert_int_equal(m->out.err, err);
	assert_int_equal(m->out.dropped, 18);
	mon_out_note(m, note, sizeof(note));
	assert_string_equal(note, text);
}

static void test_broken_pipe_drops_and_counts(void **state)
{
	struct fixture *f = *state;

	close(f->r);
	f->r = -1;
	expect_error(f->m, EPIPE, "18 bytes of guest output dropped (stdout: "
		     "Broken pipe)");
}

static void test_dev_full_drops_and_counts(void **state)
{
	struct fixture *f = *state;

	f->m->out_fd = open("/dev/full", O_WRONLY);
	assert_true(f->m->out_fd >= 0);
	expect_error(f->m, ENOSPC, "18 bytes of guest output dropped (stdout: "
		     "No space left on device)");
	close(f->m->out_fd);
}

static void test_closed_stdout_drops_and_counts(void **state)
{
	struct fixture *f = *state;

	f->m->out_fd = dup(f->w);
	close(f->m->out_fd);
	expect_error(f->m, EBADF, "18 bytes of guest output dropped (stdout: "
		     "Bad file descriptor)");
}

static void test_nothing_dropped_no_note(void **state)
{
	struct fixture *f = *state;
	char note[16] = "junk";

	uart_print(f->m, "ok\n");
	assert_int_equal(mon_out_note(f->m, note, sizeof(note)), 0);
	assert_string_equal(note, "");
}

/* vmi-run's own line to a full stderr is given up after the grace. */
static void test_say_gives_up_on_a_full_stderr(void **state)
{
	struct fixture *f = *state;
	int saved = dup(STDERR_FILENO);
	uint64_t t0, t1;

	fill(f->w);
	assert_int_equal(dup2(f->w, STDERR_FILENO), STDERR_FILENO);
	t0 = mon_now_ns();
	mon_say("this line has nowhere to go");
	t1 = mon_now_ns();
	dup2(saved, STDERR_FILENO);
	close(saved);
	assert_true(t1 - t0 >= MON_OUT_GRACE_NS);
	assert_true(t1 - t0 < MON_OUT_GRACE_NS + 100 * MS);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_full_stdout_is_given_up_after_the_stop),
		T(test_full_stdout_holds_the_guest_back),
		T(test_nonblocking_stdout_loses_nothing),
		T(test_broken_pipe_drops_and_counts),
		T(test_dev_full_drops_and_counts),
		T(test_closed_stdout_drops_and_counts),
		T(test_nothing_dropped_no_note),
		T(test_say_gives_up_on_a_full_stderr),
	};

	signal(SIGPIPE, SIG_IGN);       /* as vmi-run (mon_signals_init) */
	return cmocka_run_group_tests_name("mon_out", tests, NULL, NULL);
}
