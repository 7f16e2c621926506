/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_args.c: vmi-run's command line (monitor/mon_args.c).
 * The input is the arguments after argv[0], each ended by a NUL byte
 * (at most 32).  Checks: a refusal is -EINVAL with one line of printable
 * text (docs/vmi-run.md: every failure prints one line); an accepted
 * command line has every value in the range --help promises and an IMAGE
 * unless -h; and mon_parse_size agrees, on every argument, with a
 * reference parser written here from --help's words ("N[K|M|G], plain N
 * = MiB").
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "mon_pers.h"

#define MAX_ARGS 32

static void check_err(const char *err, size_t cap)
{
	size_t n = strnlen(err, cap);

	FZ_CHECK(n > 0 && n < cap, "refusal without a message");
	for (size_t i = 0; i < n; i++)
		FZ_CHECK(err[i] >= 0x20 && err[i] <= 0x7e, "message byte "
			 "0x%02x at %zu: the error is not one printable line",
			 (unsigned char)err[i], i);
}

/* Decimal digits, then at most one of kKmMgG; the value must fit. */
static int ref_size(const char *s, uint64_t *out)
{
	size_t n = strlen(s);
	unsigned shift = 20;
	unsigned __int128 v = 0;

	if (n && strchr("kKmMgG", s[n - 1]) && s[n - 1]) {
		shift = strchr("kK", s[n - 1]) ? 10 :
			strchr("mM", s[n - 1]) ? 20 : 30;
		n--;
	}
	if (n == 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX >> shift))
			return -EINVAL;
	}
	*out = (uint64_t)v << shift;
	return 0;
}

static void check_size(const char *s)
{
	uint64_t a = 0, b = 0;
	int ra = mon_parse_size(s, &a), rb = ref_size(s, &b);

	/* mon_parse_size takes at most 23 characters (its buffer). */
	if (strlen(s) >= 24)
		rb = -EINVAL;
	FZ_CHECK((ra == 0) == (rb == 0) && (ra || a == b), "size '%.40s': "
		 "%d 0x%llx, reference %d 0x%llx", s, ra,
		 (unsigned long long)a, rb, (unsigned long long)b);
}

static bool is_arg(const char *p, int argc, const char *const argv[])
{
	for (int i = 1; i < argc; i++)
		if (p >= argv[i] && p <= argv[i] + strlen(argv[i]))
			return true;
	return false;
}

static void check_cfg(const struct mon_config *c, int argc,
		      const char *const argv[])
{
	FZ_CHECK(c->hv && mon_pers_find(c->hv), "personality");
	FZ_CHECK(c->cpus >= 1 && c->cpus <= MON_MAX_CPUS, "cpus %u", c->cpus);
	FZ_CHECK(c->mem >= MON_MEM_MIN && c->mem <= MON_MEM_MAX &&
		 !(c->mem & 0xfff), "mem 0x%llx", (unsigned long long)c->mem);
	FZ_CHECK(c->timeout <= MON_TIMEOUT_MAX, "timeout %u", c->timeout);
	FZ_CHECK(c->cmdline && strlen(c->cmdline) <= MON_CMDLINE_MAX,
		 "cmdline");
	FZ_CHECK(c->help || (c->image && is_arg(c->image, argc, argv)),
		 "IMAGE");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[1 << 16];
	const char *argv[MAX_ARGS + 2] = { "vmi-run" };
	struct mon_config cfg;
	char err[256];
	int argc = 1, r;

	if (size >= sizeof(buf))
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (size_t i = 0; i < size && argc <= MAX_ARGS;) {
		argv[argc++] = buf + i;
		i += strlen(buf + i) + 1;
	}
	argv[argc] = NULL;
	for (int i = 1; i < argc; i++)
		check_size(argv[i]);
	memset(err, 0, sizeof(err));
	r = mon_args_parse(argc, argv, &cfg, err, sizeof(err));
	FZ_CHECK(r == 0 || r == -EINVAL, "mon_args_parse returned %d", r);
	if (r < 0)
		check_err(err, sizeof(err));
	else
		check_cfg(&cfg, argc, argv);
	return 0;
}
