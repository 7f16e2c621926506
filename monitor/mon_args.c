/* SPDX-License-Identifier: MIT */
/*
 * monitor/mon_args.c: vmi-run command-line parsing and --help text.  Pure
 * logic: no global state (no getopt), so the unit tests call it freely.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mon.h"
#include "mon_pers.h"

static const char usage_text[] =
"usage: vmi-run [OPTIONS] IMAGE\n"
"Boot a PVH ELF64 x86-64 IMAGE in a KVM virtual machine.\n"
"\n"
"  --hv pc|kvm|xen|hyperv  personality the guest sees (default pc):\n"
"                          pc = plain PC, no hypervisor CPUID leaves;\n"
"                          kvm = KVM PV leaves minus hypercall features;\n"
"                          hyperv = Hyper-V TLFS: hypercall page, SynIC,\n"
"                          stimer0, reference TSC page, crash MSRs;\n"
"                          xen = Xen PVH ABI: hypercall page (port-I/O\n"
"                          stubs), shared_info, pvclock, event channels,\n"
"                          singleshot timer, PV console, VCPUOP_up\n"
"  --cpus N                number of vCPUs, 1-64 (default 1)\n"
"  --mem SIZE              guest RAM: N[K|M|G], plain N = MiB; multiple\n"
"                          of 4K, 2M-3G (default 256M)\n"
"  --timeout SECONDS       watchdog, 0 = none, max 86400 (default 60)\n"
"  --cmdline STRING        command line for the guest (max 4095 bytes)\n"
"  --clocksource tsc|platform\n"
"                          xen and hyperv: tell the guest its TSC time\n"
"                          agrees on every vCPU (tsc: Xen's\n"
"                          XEN_PVCLOCK_TSC_STABLE_BIT, a valid reference\n"
"                          TSC page) or not (platform); default platform\n"
"                          for xen, as Xen, tsc for hyperv, as KVM; tsc\n"
"                          only while the host's own clocksource is tsc\n"
"  --no-sandbox            no seccomp filter in the run phase (to debug\n"
"                          vmi-run itself with strace or gdb)\n"
"  -v, --verbose           report setup, CPUID, unknown accesses, counts,\n"
"                          unimplemented Xen hypercalls (--hv xen)\n"
"  -h, --help              print this text and exit 0\n"
"\n"
"Exit status:\n"
"  v     the guest wrote v, a guest code (0-63, 77, 99), to port 0xf4\n"
"        (isa-debug-exit; QEMU gives v<<1|1), or gave it as CRASH_P0\n"
"  0     the guest powered off through ACPI (S5) without a code, or\n"
"        with Xen SCHEDOP_shutdown(SHUTDOWN_poweroff)\n"
"  5     the guest reported a crash: Xen SHUTDOWN_crash or _watchdog,\n"
"        a Hyper-V crash report whose P0 is not a guest code\n"
"  6     the guest reset the machine (port 0xcf9 / FADT reset register,\n"
"        Xen SHUTDOWN_reboot)\n"
"  64    bad usage, or personality not implemented\n"
"  65    bad image (not a valid PVH ELF64 x86-64, or does not fit)\n"
"  66    image cannot be opened or read\n"
"  69    /dev/kvm missing or lacking a needed capability, or\n"
"        --clocksource tsc on a host whose clocksource is not the TSC\n"
"  70    guest crashed: wrote a value that is not a guest code to port\n"
"        0xf4, triple fault, KVM internal error, failed entry,\n"
"        unhandled exit, or stopped by fail-closed policy (too many\n"
"        accesses to unknown ports/MMIO/MSRs)\n"
"  71    host error (ioctl, mmap, thread, out of memory), or a system\n"
"        call the sandbox does not allow\n"
"  124   timeout (watchdog), or vmi-run got SIGINT/SIGTERM/SIGHUP (or\n"
"        another signal that asks a program to stop)\n"
"Every failure prints one line on stderr; so does guest output that\n"
"could not be written (it does not change the status). vmi-run ends\n"
"within --timeout + 1 s. See docs/vmi-run.md.\n"
#if MON_HAVE_SECCOMP && defined(__SANITIZE_ADDRESS__)
"sandbox: none in the sanitizer build (vmi-run-asan)\n";
#elif MON_HAVE_SECCOMP
"sandbox: seccomp filter after setup (off with --no-sandbox)\n";
#else
"sandbox: none (built without libseccomp)\n";
#endif

size_t mon_usage(char *buf, size_t cap)
{
	char list[64];
	int n;

	/* The last line is for scripts (scripts/vmienv.py reads it). */
	mon_pers_list(list, sizeof(list));
	n = snprintf(buf, cap, "%spersonalities: %s\n", usage_text, list);
	return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

/* Parse a decimal unsigned number with no sign, space or junk. */
static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (v > (max - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	if (*s != '\0')
		return -EINVAL;
	*out = v;
	return 0;
}

int mon_parse_size(const char *s, uint64_t *out)
{
	size_t n = strlen(s);
	unsigned shift = 20;    /* a plain number is MiB, as QEMU's -m */
	char num[24];
	uint64_t v;

	if (n == 0 || n >= sizeof(num))
		return -EINVAL;
	switch (s[n - 1]) {
	case 'k': case 'K': shift = 10; n--; break;
	case 'm': case 'M': shift = 20; n--; break;
	case 'g': case 'G': shift = 30; n--; break;
	default: break;
	}
	memcpy(num, s, n);
	num[n] = '\0';
	if (parse_u64(num, UINT64_MAX >> shift, &v) < 0)
		return -EINVAL;
	*out = v << shift;
	return 0;
}

/* An argument quoted in an error, made one printable line (mon_oneline):
 * a newline or a terminal escape in it must not split or forge the one
 * line vmi-run prints for every failure. */
#define SHOWN_MAX 128
static const char *shown(char *buf, const char *arg)
{
	mon_oneline(buf, SHOWN_MAX, arg, strlen(arg));
	return buf;
}

static int set_option(struct mon_config *cfg, const char *opt,
		      const char *val, char *err, size_t errlen)
{
	char q[SHOWN_MAX];
	uint64_t v;

	if (strcmp(opt, "--hv") == 0) {
		if (!mon_pers_find(val)) {
			char list[64];

			mon_pers_list(list, sizeof(list));
			snprintf(err, errlen, "unknown personality '%s' "
				 "(want one of: %s)", shown(q, val), list);
			return -EINVAL;
		}
		cfg->hv = val;
	} else if (strcmp(opt, "--cpus") == 0) {
		if (parse_u64(val, UINT32_MAX, &v) < 0 || v < 1 ||
		    v > MON_MAX_CPUS) {
			snprintf(err, errlen, "bad --cpus '%s' (want 1-%u)",
				 shown(q, val), MON_MAX_CPUS);
			return -EINVAL;
		}
		cfg->cpus = (unsigned)v;
	} else if (strcmp(opt, "--mem") == 0) {
		if (mon_parse_size(val, &v) < 0 || v < MON_MEM_MIN ||
		    v > MON_MEM_MAX || (v & 0xfff) != 0) {
			snprintf(err, errlen, "bad --mem '%s' (want a multiple "
				 "of 4K from 2M to 3G, e.g. 256M)",
				 shown(q, val));
			return -EINVAL;
		}
		cfg->mem = v;
	} else if (strcmp(opt, "--timeout") == 0) {
		if (parse_u64(val, MON_TIMEOUT_MAX, &v) < 0) {
			snprintf(err, errlen, "bad --timeout '%s' (want "
				 "seconds, 0-%u)", shown(q, val),
				 MON_TIMEOUT_MAX);
			return -EINVAL;
		}
		cfg->timeout = (unsigned)v;
	} else if (strcmp(opt, "--cmdline") == 0) {
		if (strlen(val) > MON_CMDLINE_MAX) {
			snprintf(err, errlen, "--cmdline longer than %u bytes",
				 MON_CMDLINE_MAX);
			return -EINVAL;
		}
		cfg->cmdline = val;
	} else if (strcmp(opt, "--clocksource") == 0) {
		if (strcmp(val, "tsc") == 0) {
			cfg->clocksource = MON_CLOCK_TSC;
		} else if (strcmp(val, "platform") == 0) {
			cfg->clocksource = MON_CLOCK_PLATFORM;
		} else {
			snprintf(err, errlen, "bad --clocksource '%s' (want tsc "
				 "or platform)", shown(q, val));
			return -EINVAL;
		}
	} else {
		snprintf(err, errlen, "unknown option '%s'", shown(q, opt));
		return -EINVAL;
	}
	return 0;
}

static bool takes_value(const char *opt)
{
	static const char *const names[] = {
		"--hv", "--cpus", "--mem", "--timeout", "--cmdline",
		"--clocksource",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(opt, names[i]) == 0)
			return true;
	return false;
}

/* One argument at *i (and maybe its value); advances *i. */
static int parse_one(int argc, const char *const argv[], int *i,
		     struct mon_config *cfg, char *err, size_t errlen)
{
	const char *a = argv[*i];
	char opt[16], q[SHOWN_MAX];
	const char *eq = strchr(a, '=');

	if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
		cfg->help = true;
		return 0;
	}
	if (strcmp(a, "--no-sandbox") == 0) {
		cfg->no_sandbox = true;
		return 0;
	}
	if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
		cfg->verbose = true;
		return 0;
	}
	if (eq && a[1] == '-' && (size_t)(eq - a) < sizeof(opt)) {
		memcpy(opt, a, (size_t)(eq - a));
		opt[eq - a] = '\0';
		if (takes_value(opt))
			return set_option(cfg, opt, eq + 1, err, errlen);
	}
	if (!takes_value(a)) {
		snprintf(err, errlen, "unknown option '%s'", shown(q, a));
		return -EINVAL;
	}
	if (*i + 1 >= argc) {
		snprintf(err, errlen, "option '%s' needs a value", a);
		return -EINVAL;
	}
	*i += 1;
	return set_option(cfg, a, argv[*i], err, errlen);
}

int mon_args_parse(int argc, const char *const argv[], struct mon_config *cfg,
		   char *err, size_t errlen)
{
	bool opts_done = false;
	char q[SHOWN_MAX];

	*cfg = (struct mon_config){ .hv = "pc", .cpus = 1,
		.mem = MON_MEM_DEFAULT, .timeout = MON_TIMEOUT_DEFAULT,
		.cmdline = "" };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!opts_done && strcmp(a, "--") == 0) {
			opts_done = true;
		} else if (!opts_done && a[0] == '-' && a[1] != '\0') {
			if (parse_one(argc, argv, &i, cfg, err, errlen) < 0)
				return -EINVAL;
		} else if (cfg->image) {
			snprintf(err, errlen, "more than one IMAGE ('%s')",
				 shown(q, a));
			return -EINVAL;
		} else {
			cfg->image = a;
		}
	}
	if (!cfg->help && !cfg->image) {
		snprintf(err, errlen, "missing IMAGE");
		return -EINVAL;
	}
	if (cfg->clocksource && !mon_pers_find(cfg->hv)->clock) {
		snprintf(err, errlen, "--clocksource needs --hv xen or hyperv "
			 "(the %s personality presents no clock of its own)",
			 cfg->hv);
		return -EINVAL;
	}
	return 0;
}
