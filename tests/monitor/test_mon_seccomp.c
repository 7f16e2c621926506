/* SPDX-License-Identifier: MIT */
/*
 * tests/monitor/test_mon_seccomp.c: the run-phase sandbox of vmi-run
 * (monitor/mon_seccomp.c): its rule table, its behaviour in a forked
 * child that installs it (an allowed call passes, anything else ends the
 * child with status 71 and one line, never by a signal, also through
 * the i386 ABI where this host has it; tgkill only within the own
 * process), and the "Sandbox" table of
 * docs/vmi-run.md, which must list exactly its rules.
 * Needs no /dev/kvm: the KVM ioctls go to fd -1 and fail with EBADF.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "mon_exit.h"
#include "mon_seccomp.h"

static const char *doc_path;    /* docs/vmi-run.md, from argv[1] */
/* The personality whose rules sandboxed() installs; NULL: every rule. */
static const char *sandbox_pers;

/* Run (body) in a child with the filter installed and its stderr in a
 * pipe; return the wait status, and the child's stderr in (out). */
static int sandboxed(void (*body)(void), char *out, size_t outlen)
{
	int p[2], status;
	size_t n = 0;
	ssize_t k;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char err[256];
		/* cmocka's SIGSEGV handler would resume its test loop in this
		 * child: a body that faults must die of the signal. */
		signal(SIGSEGV, SIG_DFL);
		dup2(p[1], STDERR_FILENO);
		close(p[0]);
		if (mon_sandbox_install(sandbox_pers, err, sizeof(err)) < 0) {
			dprintf(STDERR_FILENO, "install: %s\n", err);
			syscall(SYS_exit_group, 99);
		}
		body();
		syscall(SYS_exit_group, 0);
	}
	close(p[1]);
	while (n + 1 < outlen && (k = read(p[0], out + n, outlen - 1 - n)) > 0)
		n += (size_t)k;
	out[n] = '\0';
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

/* Bodies: each makes the calls under test, exits 1 on a wrong result. */
static void allowed_calls(void)
{
	if (ioctl(-1, KVM_RUN, 0) != -1 || errno != EBADF)
		syscall(SYS_exit_group, 1);
	if (ioctl(-1, KVM_SIGNAL_MSI, NULL) != -1 || errno != EBADF)
		syscall(SYS_exit_group, 1);
	if (syscall(SYS_write, STDERR_FILENO, "ok\n", 3) != 3)
		syscall(SYS_exit_group, 1);
	sched_yield();
	getpid();
	/* What mon_fd_ready() does before each write of guest output. */
	if (poll(&(struct pollfd){ .fd = STDERR_FILENO, .events = POLLOUT },
		 1, 0) < 0)
		syscall(SYS_exit_group, 1);
	/* Signal 0 to the own thread: what pthread_kill() does, minus the
	 * signal.  tgkill's tgid must be the own pid. */
	if (syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), 0) != 0)
		syscall(SYS_exit_group, 1);
	/* What the kernel makes a thread call after SIGSTOP/SIGCONT in a
	 * poll or nanosleep; with nothing to resume it fails with EINTR. */
	if (syscall(SYS_restart_syscall) != -1 || errno != EINTR)
		syscall(SYS_exit_group, 1);
}

/* The ioctls of the xen and hyperv personalities' vCPU work. */
static void pers_ioctls(void)
{
	static const unsigned long req[] = {
		KVM_GET_SREGS, KVM_SET_SREGS, KVM_GET_VCPU_EVENTS,
		KVM_SET_VCPU_EVENTS, KVM_SET_REGS, KVM_SET_MP_STATE,
		KVM_SET_USER_MEMORY_REGION, KVM_SIGNAL_MSI,
	};

	for (size_t i = 0; i < sizeof(req) / sizeof(req[0]); i++)
		if (ioctl(-1, req[i], NULL) != -1 || errno != EBADF)
			syscall(SYS_exit_group, 1);
}

static void set_memory_region(void)
{
	syscall(SYS_ioctl, -1, KVM_SET_USER_MEMORY_REGION, NULL);
}

static void get_sregs(void)
{
	syscall(SYS_ioctl, -1, KVM_GET_SREGS, NULL);
}

static void open_file(void)
{
	syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY);
}

static void create_vm(void)
{
	syscall(SYS_ioctl, -1, KVM_CREATE_VM, 0);
}

static void write_fd3(void)
{
	syscall(SYS_write, 3, "x", 1);
}

static void spawn(void)
{
	syscall(SYS_fork);
}

/* Signal 0 to another process (init, thread 1): only probes, but a
 * monitor that can signal other processes could also kill them. */
static void tgkill_other(void)
{
	syscall(SYS_tgkill, 1, 1, 0);
}

/* getpid through the i386 ABI (int 0x80, number 20): allowed natively,
 * but a foreign ABI must trap as well (SCMP_FLTATR_ACT_BADARCH). */
static void getpid_i386(void)
{
	long r;

	__asm__ __volatile__("int $0x80" : "=a"(r) : "a"(20L) : "memory");
	(void)r;
}

static void test_sandbox_allowed_calls_pass(void **state)
{
	char out[512];
	int st = sandboxed(allowed_calls, out, sizeof(out));

	(void)state;
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_string_equal(out, "ok\n");
}

/* A blocked call: status 71, exactly one line naming (what). */
static void expect_blocked(void (*body)(void), const char *what)
{
	char out[512];
	int st = sandboxed(body, out, sizeof(out));

	assert_false(WIFSIGNALED(st));
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), MON_EXIT_HOST);
	assert_non_null(strstr(out, what));
	assert_non_null(strstr(out, "is not allowed after setup"));
	assert_ptr_equal(strchr(out, '\n'), out + strlen(out) - 1);
}

static void test_sandbox_openat_blocked_exits_71(void **state)
{
	char what[64];

	(void)state;
	snprintf(what, sizeof(what), "system call %d ", SYS_openat);
	expect_blocked(open_file, what);
}

static void test_sandbox_setup_ioctl_blocked_names_request(void **state)
{
	char what[64];

	(void)state;
	snprintf(what, sizeof(what), "(ioctl request 0x%lx)",
		 (unsigned long)KVM_CREATE_VM);
	expect_blocked(create_vm, what);
}

static void test_sandbox_write_other_fd_blocked(void **state)
{
	char what[64];

	(void)state;
	snprintf(what, sizeof(what), "system call %d ", SYS_write);
	expect_blocked(write_fd3, what);
}

static void test_sandbox_fork_blocked(void **state)
{
	char what[64];

	(void)state;
	snprintf(what, sizeof(what), "system call %d ", SYS_fork);
	expect_blocked(spawn, what);
}

static void test_sandbox_tgkill_other_process_blocked(void **state)
{
	char what[64];

	(void)state;
	snprintf(what, sizeof(what), "system call %d ", SYS_tgkill);
	expect_blocked(tgkill_other, what);
}

/* Every ioctl of the personalities passes with all rules, and under
 * xen (hyperv) the ones listed for it; pc and kvm run with KVM_RUN alone:
 * a guest that took over a pc monitor cannot map monitor memory into
 * itself (KVM_SET_USER_MEMORY_REGION) nor rewrite a vCPU's state. */
static void test_sandbox_ioctls_follow_the_personality(void **state)
{
	char out[512], what[64];
	int st;

	(void)state;
	st = sandboxed(pers_ioctls, out, sizeof(out));
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	for (const char *const *p = (const char *const[]){ "pc", "kvm", NULL };
	     *p; p++) {
		sandbox_pers = *p;
		snprintf(what, sizeof(what), "(ioctl request 0x%lx)",
			 (unsigned long)KVM_SET_USER_MEMORY_REGION);
		expect_blocked(set_memory_region, what);
		snprintf(what, sizeof(what), "(ioctl request 0x%lx)",
			 (unsigned long)KVM_GET_SREGS);
		expect_blocked(get_sregs, what);
	}
	sandbox_pers = "hyperv";
	snprintf(what, sizeof(what), "(ioctl request 0x%lx)",
		 (unsigned long)KVM_SET_USER_MEMORY_REGION);
	expect_blocked(set_memory_region, what);
	st = sandboxed(get_sregs, out, sizeof(out));
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	sandbox_pers = "xen";
	st = sandboxed(set_memory_region, out, sizeof(out));
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	sandbox_pers = NULL;
	for (size_t i = 0; i < mon_sandbox_nrules; i++) {
		const struct mon_sandbox_rule *r = &mon_sandbox_rules[i];
		assert_true(mon_sandbox_rule_for(r, NULL));
		if (r->pers) {
			assert_false(mon_sandbox_rule_for(r, "pc"));
			assert_false(mon_sandbox_rule_for(r, "kvm"));
			assert_false(mon_sandbox_rule_for(r, "xe"));
		}
	}
}

/* Does int 0x80 work on this host at all?  Kernels built without
 * IA32_EMULATION, or booted with ia32_emulation=0, answer it with SIGSEGV
 * before any syscall (or seccomp) path runs; try it in a throwaway child
 * without the filter. */
static bool i386_abi_works(void)
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		long r;
		signal(SIGSEGV, SIG_DFL);      /* as in sandboxed() */
		__asm__ __volatile__("int $0x80" : "=a"(r) : "a"(20L) : "memory");
		syscall(SYS_exit_group, r == getpid() ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Where the host has the i386 ABI, the filter must trap it.  Where it
 * has not, int 0x80 faults before any system call (or seccomp) runs, so
 * there is nothing to trap: check only that it cannot get through the
 * filter either, and say so. */
static void test_sandbox_foreign_abi_blocked(void **state)
{
	char out[512];
	int st;

	(void)state;
	if (i386_abi_works()) {
		expect_blocked(getpid_i386, "system call 20 ");
		return;
	}
	print_message("# int $0x80 faults on this host (no IA32 emulation): "
		      "the i386 ABI filter check is skipped; checking only "
		      "that the call cannot pass\n");
	st = sandboxed(getpid_i386, out, sizeof(out));
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGSEGV);
}

/* Every rule names a real system call and gives a reason. */
static void check_table(const struct mon_sandbox_rule *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		assert_true(seccomp_syscall_resolve_name(t[i].sys) >= 0);
		assert_non_null(t[i].why);
		assert_true(strlen(t[i].why) > 10);
		assert_true((t[i].arg == MON_SB_ANY) == (t[i].value_name == NULL));
	}
}

static void test_sandbox_rules_have_reasons(void **state)
{
	(void)state;
	check_table(mon_sandbox_rules, mon_sandbox_nrules);
	assert_true(mon_sandbox_built());
}

/* The doc row of a rule: | `sys` | `value` or any | why | */
static void doc_row(const struct mon_sandbox_rule *r, char *row, size_t len)
{
	snprintf(row, len, "| `%s` | %s%s%s%s%s%s | %s |\n", r->sys,
		 r->value_name ? "`" : "", r->value_name ? r->value_name : "any",
		 r->value_name ? "`" : "", r->pers ? " (" : "",
		 r->pers ? r->pers : "", r->pers ? ")" : "", r->why);
}

/* Count the doc rows of (t) and check each is present. */
static size_t check_doc(const char *doc, const struct mon_sandbox_rule *t,
			size_t n)
{
	char row[512];

	for (size_t i = 0; i < n; i++) {
		doc_row(&t[i], row, sizeof(row));
		if (!strstr(doc, row))
			fail_msg("docs/vmi-run.md lacks the row: %s", row);
	}
	return n;
}

static void test_sandbox_doc_lists_exactly_the_rules(void **state)
{
	static char doc[1 << 17];
	FILE *f = fopen(doc_path, "r");
	size_t len, rows = 0, want;
	const char *p;

	(void)state;
	assert_non_null(f);
	len = fread(doc, 1, sizeof(doc) - 1, f);
	fclose(f);
	doc[len] = '\0';
	want = check_doc(doc, mon_sandbox_rules, mon_sandbox_nrules);
	/* No stale rows: every "| `name` |" row of the section is a rule. */
	p = strstr(doc, "\n## Sandbox");
	assert_non_null(p);
	for (const char *e = strstr(p + 1, "\n## "); p && (!e || p < e);
	     p = strstr(p + 1, "\n| `"))
		rows += p[1] == '|';
	assert_int_equal(rows, want);
}

int main(int argc, char *argv[])
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sandbox_rules_have_reasons),
		cmocka_unit_test(test_sandbox_allowed_calls_pass),
		cmocka_unit_test(test_sandbox_openat_blocked_exits_71),
		cmocka_unit_test(test_sandbox_setup_ioctl_blocked_names_request),
		cmocka_unit_test(test_sandbox_write_other_fd_blocked),
		cmocka_unit_test(test_sandbox_fork_blocked),
		cmocka_unit_test(test_sandbox_tgkill_other_process_blocked),
		cmocka_unit_test(test_sandbox_foreign_abi_blocked),
		cmocka_unit_test(test_sandbox_ioctls_follow_the_personality),
		cmocka_unit_test(test_sandbox_doc_lists_exactly_the_rules),
	};

	if (argc < 2) {
		fprintf(stderr, "usage: %s docs/vmi-run.md\n", argv[0]);
		return 2;
	}
	doc_path = argv[1];
	return cmocka_run_group_tests_name("mon_seccomp", tests, NULL, NULL);
}
