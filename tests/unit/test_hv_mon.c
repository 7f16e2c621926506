/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_hv_mon.c: vmi-run's hyperv personality without KVM:
 * the CPUID leaves it advertises, the hypercall dispatch (a pure function
 * of registers, guest memory and state) with the fake host of
 * tests/monitor/fake_host.h and a RAM buffer, the synthetic MSRs, the reference TSC scale, the crash and
 * reset exits, the hypercall port's privilege check, a racing writer
 * between any two of the monitor's reads of guest memory, and a fuzz
 * loop of random hypercalls under ASan/UBSan.  Built at -O0
 * (tests/hyperv/meson.build): a double fetch that an optimiser would
 * happen to merge still shows there.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "mon_pers.h"
#include "pers_hv.h"
#include "../monitor/fake_host.h"

#define RAM (4u << 20)
#define IN_GPA 0x10000ull
#define SIMP_GPA 0x20000ull
#define SIEFP_GPA 0x21000ull
#define PAGE_GPA 0x22000ull

struct fixture {
	struct mon mon;
	struct pers_hv hv;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	/* Page-aligned, as vmi-run's (mmap), for the racing writer. */
	f->mon.ram = mmap(NULL, RAM, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(f->mon.ram != MAP_FAILED);
	f->mon.ram_size = RAM;
	f->mon.nvcpu = 2;
	f->mon.tsc_khz = 2000000;
	f->mon.clock.tsc0 = 1000;
	/* The caller: 32-bit protected mode at CPL 0, without paging. */
	fake_host_reset(&f->mon, 0, 1000);
	assert_int_equal(pers_hv_state_init(&f->mon, &f->hv), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	munmap(f->mon.ram, RAM);
	free(f);
	return 0;
}

static bool wr(struct mon *m, unsigned vcpu, uint32_t msr, uint64_t v)
{
	return pers_hv_msr(m, vcpu, true, msr, &v);
}

static uint64_t rd(struct mon *m, unsigned vcpu, uint32_t msr)
{
	uint64_t v = 0xdead;

	assert_true(pers_hv_msr(m, vcpu, false, msr, &v));
	return v;
}

static uint64_t hc(struct mon *m, uint64_t control, uint64_t in, uint64_t out)
{
	return pers_hv_hypercall(m, 0, control, in, out);
}

static void test_hv_cpuid_leaves_advertise_what_is_implemented(void **state)
{
	struct mon_cpuid *t = calloc(1, sizeof(*t));
	char err[64];
	struct mon_cpuid_entry kvm = { 0x40000000, 0, 0, 0x40000001,
				       0x4b4d564b, 0x564b4d56, 0x4d };

	(void)state;
	mon_cpuid_put(t, &kvm);
	assert_int_equal(pers_hv.cpuid(t, err, sizeof(err)), 0);
	struct mon_cpuid_entry *e = mon_cpuid_find(t, HV_CPUID_VENDOR, 0);
	assert_int_equal(e->eax, 0x4000000a);
	assert_int_equal(e->ebx, 0x7263694d);   /* "Micr" */
	assert_int_equal(mon_cpuid_find(t, HV_CPUID_INTERFACE, 0)->eax,
			 0x31237648);               /* "Hv#1" */
	e = mon_cpuid_find(t, HV_CPUID_FEATURES, 0);
	assert_false(e->eax & HV_PRIV_APIC_ACCESS);     /* D7 */
	assert_true(e->eax & HV_PRIV_HYPERCALL && e->eax & HV_PRIV_SYNTIMER);
	assert_true(e->edx & HV_FEAT_STIMER_DIRECT);
	/* FREQUENCY_MSRS access (eax) and presence (edx), as KVM's
	 * kvm_get_hv_cpuid gives both: a guest needs both to read them. */
	assert_true(e->eax & HV_PRIV_FREQUENCY_MSRS &&
		    e->edx & HV_FEAT_FREQUENCY_MSRS);
	e = mon_cpuid_find(t, HV_CPUID_ENLIGHTENMENT, 0);
	assert_false(e->eax & HV_REC_APIC_MSRS);
	assert_false(e->eax & HV_REC_EX_PROCESSOR_MASKS);
	assert_true(e->eax & HV_REC_REMOTE_TLB_FLUSH);
	assert_non_null(mon_cpuid_find(t, HV_CPUID_NESTED_OPT, 0));
	assert_null(mon_cpuid_find(t, 0x4000000b, 0));
	free(t);
}

static void test_hv_tsc_scale_is_1e7_over_hz_in_64_bit_fixed_point(void **state)
{
	(void)state;
	/* 2 GHz: 10^7 / 2*10^9 = 1/200 of 2^64. */
	assert_int_equal(pers_hv_tsc_scale(2000000), 92233720368547758ull);
}

static void test_hv_ref_time_zero_at_clock_start(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(pers_hv_ref_time(&f->hv, 1000), 0);
	/* One second later: 10^7 units, less at most 1 of truncation. */
	assert_in_range(pers_hv_ref_time(&f->hv, 1000 + 2000000000ull),
			10000000 - 1, 10000000);
	fake_host.tsc = 1000 + 2000;         /* 1 us: 10 units of 100 ns */
	assert_in_range(rd(&f->mon, 0, HV_X64_MSR_TIME_REF_COUNT), 9, 10);
}

/* The reference TSC page [T: timers]: scale and offset always, a valid
 * sequence only while guest time is TSC-stable (--clocksource); else 0,
 * "read HV_X64_MSR_TIME_REF_COUNT", as KVM leaves it on a host whose
 * clock is not a stable TSC. */
static void test_hv_ref_tsc_page_valid_only_when_tsc_stable(void **state)
{
	struct fixture *f = *state;
	const struct hv_ref_tsc_page *p =
		(const void *)(f->mon.ram + PAGE_GPA);

	f->mon.clock.tsc_stable = false;
	assert_true(wr(&f->mon, 0, HV_X64_MSR_REFERENCE_TSC, PAGE_GPA | 1));
	assert_int_equal(p->tsc_sequence, HV_REF_TSC_INVALID);
	assert_int_equal(p->tsc_scale, pers_hv_tsc_scale(2000000));
	assert_int_equal(rd(&f->mon, 0, HV_X64_MSR_REFERENCE_TSC), PAGE_GPA | 1);
	f->mon.clock.tsc_stable = true;
	assert_true(wr(&f->mon, 0, HV_X64_MSR_REFERENCE_TSC, PAGE_GPA | 1));
	assert_int_not_equal(p->tsc_sequence, HV_REF_TSC_INVALID);
	assert_int_equal(p->tsc_scale, pers_hv_tsc_scale(2000000));
}

/* TIME_REF_COUNT is partition-wide monotonic, as KVM's (a host clock
 * while the reference TSC page is invalid): a TSC read behind an earlier
 * one, as another host CPU's may be, reads the earlier count. */
static void test_hv_time_ref_count_never_goes_back(void **state)
{
	struct fixture *f = *state;
	uint64_t a;

	fake_host.tsc = 1000 + 2000000;         /* 1 ms */
	a = rd(&f->mon, 0, HV_X64_MSR_TIME_REF_COUNT);
	assert_in_range(a, 9999, 10000);
	fake_host.tsc = 1000 + 1000000;         /* a TSC 0.5 ms behind */
	assert_int_equal(rd(&f->mon, 1, HV_X64_MSR_TIME_REF_COUNT), a);
	fake_host.tsc = 1000 + 4000000;
	assert_in_range(rd(&f->mon, 1, HV_X64_MSR_TIME_REF_COUNT),
			19999, 20000);
	/* With a valid page the count is the page's, on this vCPU's TSC. */
	f->mon.clock.tsc_stable = true;
	fake_host.tsc = 1000 + 2000000;
	assert_in_range(rd(&f->mon, 1, HV_X64_MSR_TIME_REF_COUNT), 9999, 10000);
}

static void test_hv_hypercall_page_needs_os_id_then_gets_stub(void **state)
{
	struct fixture *f = *state;

	assert_true(wr(&f->mon, 0, HV_X64_MSR_HYPERCALL, PAGE_GPA | 1));
	assert_int_equal(rd(&f->mon, 0, HV_X64_MSR_HYPERCALL), 0);
	assert_true(wr(&f->mon, 0, HV_X64_MSR_GUEST_OS_ID, 1ull << 63));
	assert_true(wr(&f->mon, 0, HV_X64_MSR_HYPERCALL, PAGE_GPA | 1));
	assert_memory_equal(f->mon.ram + PAGE_GPA, "\xe6\xe1\xc3\xcc", 4);
	assert_false(wr(&f->mon, 0, HV_X64_MSR_HYPERCALL, (uint64_t)RAM | 1));
}

static void test_hv_msr_read_only_and_unknown_gp(void **state)
{
	struct fixture *f = *state;
	uint64_t v;

	assert_false(wr(&f->mon, 0, HV_X64_MSR_VP_INDEX, 0));
	assert_false(wr(&f->mon, 0, HV_X64_MSR_TIME_REF_COUNT, 0));
	assert_false(pers_hv_msr(&f->mon, 0, false, HV_X64_MSR_EOI, &v));
	assert_false(pers_hv_msr(&f->mon, 2, false, HV_X64_MSR_VP_INDEX, &v));
	assert_int_equal(rd(&f->mon, 1, HV_X64_MSR_VP_INDEX), 1);
}

static void test_hv_crash_ctl_exits_with_p0(void **state)
{
	struct fixture *f = *state;

	assert_true(wr(&f->mon, 0, HV_X64_MSR_CRASH_P0, 9));
	assert_true(wr(&f->mon, 0, HV_X64_MSR_CRASH_CTL, HV_CRASH_CTL_NOTIFY));
	assert_true(mon_is_stopped(&f->mon));
	assert_int_equal(f->mon.status, 9);
}

static void test_hv_crash_ctl_big_p0_is_crash_with_message(void **state)
{
	struct fixture *f = *state;

	memcpy(f->mon.ram + 0x3000, "boom", 4);
	wr(&f->mon, 0, HV_X64_MSR_CRASH_P0, 0x1000);
	wr(&f->mon, 0, HV_X64_MSR_CRASH_P0 + 3, 0x3000);
	wr(&f->mon, 0, HV_X64_MSR_CRASH_P0 + 4, 4);
	assert_true(wr(&f->mon, 0, HV_X64_MSR_CRASH_CTL, HV_CRASH_CTL_NOTIFY |
		       HV_CRASH_CTL_NOTIFY_MSG));
	assert_int_equal(f->mon.status, VMI_EXIT_CRASH);
	assert_non_null(strstr(f->mon.msg, ": boom; exit 5"));
}

/* A P0 that is not a guest code (0-63, 77, 99) is a crash (5), never
 * one of vmi-run's own statuses (mon_guest_status, docs/vmi-run.md). */
static void test_hv_crash_p0_cannot_give_monitor_statuses(void **state)
{
	static const uint64_t p0[] = { 64, 69, 70, 71, 124, 255 };
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(p0) / sizeof(p0[0]); i++) {
		atomic_store(&f->mon.stopped, false);
		wr(&f->mon, 0, HV_X64_MSR_CRASH_P0, p0[i]);
		assert_true(wr(&f->mon, 0, HV_X64_MSR_CRASH_CTL,
			       HV_CRASH_CTL_NOTIFY));
		assert_int_equal(f->mon.status, VMI_EXIT_CRASH);
	}
	atomic_store(&f->mon.stopped, false);
	wr(&f->mon, 0, HV_X64_MSR_CRASH_P0, VMI_EXIT_SKIP);
	wr(&f->mon, 0, HV_X64_MSR_CRASH_CTL, HV_CRASH_CTL_NOTIFY);
	assert_int_equal(f->mon.status, VMI_EXIT_SKIP);
}

/* The guest's message is printed on the one status line: a newline, CR
 * or escape in it must not start another line (mon_oneline). */
static void test_hv_crash_message_stays_one_line(void **state)
{
	struct fixture *f = *state;
	static const char m[] = "oops\nvmi-run: fake\r\x1b[31m\x80";

	memcpy(f->mon.ram + 0x3000, m, sizeof(m) - 1);
	wr(&f->mon, 0, HV_X64_MSR_CRASH_P0, 0x1000);
	wr(&f->mon, 0, HV_X64_MSR_CRASH_P0 + 3, 0x3000);
	wr(&f->mon, 0, HV_X64_MSR_CRASH_P0 + 4, sizeof(m) - 1);
	assert_true(wr(&f->mon, 0, HV_X64_MSR_CRASH_CTL, HV_CRASH_CTL_NOTIFY |
		       HV_CRASH_CTL_NOTIFY_MSG));
	assert_non_null(strstr(f->mon.msg,
			       ": oops?vmi-run: fake??[31m?; exit 5"));
	for (const char *c = f->mon.msg; *c; c++)
		assert_true(*c >= 0x20 && *c <= 0x7e);
}

static void test_hv_reset_msr_exits_6(void **state)
{
	struct fixture *f = *state;

	assert_true(wr(&f->mon, 0, HV_X64_MSR_RESET, 1));
	assert_int_equal(f->mon.status, 6);
}

static void test_hv_hcall_status_order(void **state)
{
	struct fixture *f = *state;

	/* Reserved bits beat an unknown code; code beats rep checks. */
	assert_int_equal(hc(&f->mon, 0x7777 | 1ull << 60, 0, 0),
			 HV_STATUS_INVALID_HYPERCALL_INPUT);
	assert_int_equal(hc(&f->mon, 0x7777 | 1ull << 32, 0, 0),
			 HV_STATUS_INVALID_HYPERCALL_CODE);
	assert_int_equal(hc(&f->mon, 0x0003, IN_GPA + 1, 0),
			 HV_STATUS_INVALID_HYPERCALL_INPUT);
	assert_int_equal(hc(&f->mon, 0x0003 | 1ull << 32, IN_GPA + 1, 0),
			 HV_STATUS_INVALID_ALIGNMENT);
}

static void test_hv_hcall_flush_list_all_reps_done_targets_flushed(void **state)
{
	struct fixture *f = *state;
	struct hv_tlb_flush in = { 0, HV_FLUSH_ALL_VIRTUAL_ADDRESS_SPACES, 0x6 };

	memcpy(f->mon.ram + IN_GPA, &in, sizeof(in));
	assert_int_equal(hc(&f->mon, 0x0003 | 5ull << 32 | 1ull << 48, IN_GPA,
			    0), 5ull << 32);
	assert_int_equal(fake_host.nflush, 1);
	assert_int_equal(fake_host.flush_mask, 0x2);      /* VP 2 does not exist */
}

static void test_hv_hcall_ipi_fast_injects_each_target(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(hc(&f->mon, 0x1000b, 0xf1, 0x3), 0);
	assert_int_equal(fake_host.nmsi, 2);
	assert_int_equal(fake_host.msi[1].vcpu, 1);
	assert_int_equal(fake_host.msi[1].vector, 0xf1);
}

static void test_hv_hcall_signal_event_sets_flag_once(void **state)
{
	struct fixture *f = *state;
	uint64_t ev = 5ull << 32 | VMI_HV_CONNECTION(1, 2);

	wr(&f->mon, 1, HV_X64_MSR_SCONTROL, 1);
	wr(&f->mon, 1, HV_X64_MSR_SIEFP, SIEFP_GPA | 1);
	wr(&f->mon, 1, HV_X64_MSR_SINT0 + 2, 0x50);
	assert_int_equal(hc(&f->mon, 0x1005d, ev, 0), 0);
	assert_int_equal(f->mon.ram[SIEFP_GPA + 512], 1u << 5);
	assert_int_equal(hc(&f->mon, 0x1005d, ev, 0), 0);
	assert_int_equal(fake_host.nmsi, 1);      /* already set: no second interrupt */
	assert_int_equal(fake_host.msi[0].vcpu, 1);
	assert_int_equal(fake_host.msi[0].vector, 0x50);
}

static void test_hv_hcall_post_message_slot_and_busy(void **state)
{
	struct fixture *f = *state;
	struct hv_input_post_message in = { VMI_HV_CONNECTION(0, 1), 0, 7, 4,
					    { 0xabcd } };
	const struct hv_message *slot = (const void *)(f->mon.ram + SIMP_GPA +
						       HV_MESSAGE_SIZE);

	wr(&f->mon, 0, HV_X64_MSR_SCONTROL, 1);
	wr(&f->mon, 0, HV_X64_MSR_SIMP, SIMP_GPA | 1);
	memcpy(f->mon.ram + IN_GPA, &in, sizeof(in));
	assert_int_equal(hc(&f->mon, 0x5c, IN_GPA, 0), 0);
	assert_int_equal(slot->message_type, 7);
	assert_int_equal(slot->payload[0], 0xabcd);
	assert_int_equal(fake_host.nmsi, 0);              /* SINT1 still masked */
	assert_int_equal(hc(&f->mon, 0x5c, IN_GPA, 0),
			 HV_STATUS_INSUFFICIENT_BUFFERS);
	assert_true(slot->message_flags & HV_MSG_FLAG_PENDING);
}

/* xorshift64: a deterministic stream for the fuzz loop. */
static uint64_t next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void test_hv_hcall_fuzz_random_inputs_only_documented_statuses(void **state)
{
	struct fixture *f = *state;
	static const uint16_t codes[] = { 2, 3, 8, 0xb, 0x13, 0x5c, 0x5d, 0x7 };
	uint64_t s = 0x9e3779b97f4a7c15ull;

	wr(&f->mon, 0, HV_X64_MSR_SCONTROL, 1);
	wr(&f->mon, 0, HV_X64_MSR_SIMP, SIMP_GPA | 1);
	wr(&f->mon, 0, HV_X64_MSR_SIEFP, SIEFP_GPA | 1);
	for (unsigned i = 0; i < 200000; i++) {
		uint64_t ctl = next(&s), in = next(&s), out = next(&s);
		if (i & 1)      /* half of them with a real call code */
			ctl = (ctl & ~0xffffull) | codes[i / 2 % 8];
		if (i & 2)      /* and plausible rep fields / no reserved bits */
			ctl &= ~HV_HC_RSVD_MASK & ~(0xff0ull << 32) &
			       ~(0xff0ull << 48) & ~HV_HC_NESTED &
			       ~HV_HC_VARHEAD_MASK;
		if (i & 4)      /* and an input inside RAM */
			in = (in % RAM) & ~7ull;
		memcpy(f->mon.ram + IN_GPA, &out, 8);
		uint64_t r = hc(&f->mon, ctl, in, out);
		unsigned st = r & 0xffff;
		assert_true(st == 0 || st == 2 || st == 3 || st == 4 || st == 5 ||
			    st == 0x12 || st == 0x13);
		assert_int_equal(r & ~(0xffffull | 0xfffull << 32), 0);
	}
}

/* Stimer 0 of vCPU 0 in direct mode (vector 0x40), (periodic) or not,
 * COUNT (count); returns the guest ns the monitor's timer was armed for. */
static uint64_t stimer(struct mon *m, bool periodic, uint64_t count)
{
	uint64_t cfg = HV_STIMER_ENABLE | HV_STIMER_DIRECT |
		       (0x40ull << HV_STIMER_VECTOR_SHIFT) |
		       (periodic ? HV_STIMER_PERIODIC : 0);
	unsigned before;

	assert_true(wr(m, 0, HV_X64_MSR_SCONTROL, HV_SYNIC_SCONTROL_ENABLE));
	assert_true(wr(m, 0, HV_X64_MSR_STIMER0_CONFIG, 0));
	assert_true(wr(m, 0, HV_X64_MSR_STIMER0_COUNT, count));
	before = fake_host.narmed;
	assert_true(wr(m, 0, HV_X64_MSR_STIMER0_CONFIG, cfg));
	assert_int_equal(fake_host.narmed, before + 1);
	return fake_host.armed_at;
}

/* COUNT near 2^64 is a deadline centuries away in either mode: the
 * armed guest ns saturate at UINT64_MAX ("never"), never wrap to a
 * deadline already passed (which re-armed and fired without end). */
static void test_hv_stimer_count_near_2_64_saturates(void **state)
{
	struct fixture *f = *state;

	fake_host.tsc = 1000 + 2000ull * 1000;    /* 1 ms: 10,000 units */
	assert_int_equal(rd(&f->mon, 0, HV_X64_MSR_TIME_REF_COUNT), 10000);
	assert_true(stimer(&f->mon, true, UINT64_MAX) == UINT64_MAX);
	assert_true(stimer(&f->mon, true, UINT64_MAX - 5) == UINT64_MAX);
	assert_true(stimer(&f->mon, true, UINT64_MAX - 10000) == UINT64_MAX);
	assert_true(stimer(&f->mon, false, UINT64_MAX) == UINT64_MAX);
	assert_true(stimer(&f->mon, false, UINT64_MAX / 100) == UINT64_MAX);
	/* Ordinary values as before: reference units to ns, + 100. */
	assert_true(stimer(&f->mon, false, 20000) == 2000100);
	assert_true(stimer(&f->mon, true, 50000) == (10000 + 50000) * 100 + 100);
}

/* A periodic stimer's period is at least PERS_HV_STIMER_MIN_PERIOD
 * (1 ms): COUNT 1 would otherwise fire every 100 ns. */
static void test_hv_stimer_periodic_has_a_minimum_period(void **state)
{
	struct fixture *f = *state;
	const uint64_t now = 10000, min = PERS_HV_STIMER_MIN_PERIOD;

	assert_true(min >= 1000);
	fake_host.tsc = 1000 + 2000ull * 1000;
	for (uint64_t c = 1; c <= min; c = c * 3 + 1)
		assert_true(stimer(&f->mon, true, c) == (now + min) * 100 + 100);
	/* One-shot COUNT is absolute: no minimum, a past one fires now. */
	assert_true(stimer(&f->mon, false, 1) == 200);
}

/* Stimer 0 of vCPU 0 in message mode to SINT (sint), whose vector is
 * (vec), COUNT (count), CONFIG enable | (extra); returns the SIMP slot. */
static struct hv_message *msg_stimer(struct mon *m, unsigned sint,
				     uint64_t vec, uint64_t count,
				     uint64_t extra)
{
	assert_true(wr(m, 0, HV_X64_MSR_SCONTROL, 1));
	assert_true(wr(m, 0, HV_X64_MSR_SIMP, SIMP_GPA | 1));
	assert_true(wr(m, 0, HV_X64_MSR_SINT0 + sint, vec));
	assert_true(wr(m, 0, HV_X64_MSR_STIMER0_COUNT, count));
	assert_true(wr(m, 0, HV_X64_MSR_STIMER0_CONFIG, HV_STIMER_ENABLE |
		       extra | (uint64_t)sint << HV_STIMER_SINTX_SHIFT));
	return (struct hv_message *)(m->ram + SIMP_GPA) + sint;
}

/* A message-mode stimer's HVMSG_TIMER_EXPIRED gives the reference time
 * it was delivered at: with the reference page invalid, never before a
 * TIME_REF_COUNT the guest already read on another vCPU (whose host CPU's
 * TSC may run ahead), as the count itself never goes back. */
static void test_hv_stimer_message_time_never_before_a_read(void **state)
{
	struct fixture *f = *state;
	const struct hv_message *slot = msg_stimer(&f->mon, 2, 0x50, 5000, 0);
	const struct hv_timer_message_payload *pl = (const void *)slot->payload;
	uint64_t seen;

	fake_host.tsc = 1000 + 4000000;                 /* 2 ms */
	seen = rd(&f->mon, 1, HV_X64_MSR_TIME_REF_COUNT);
	assert_in_range(seen, 19999, 20000);
	fake_host.tsc = 1000 + 2000000;                 /* a host CPU behind */
	assert_non_null(fake_host.armed_fn);
	fake_host.armed_fn(&f->mon, fake_host.armed_vcpu);
	assert_int_equal(slot->message_type, HVMSG_TIMER_EXPIRED);
	assert_int_equal(pl->expiration_time, 5000);
	assert_true(pl->delivery_time >= seen);
}

/* A message-mode expiry that finds its slot busy waits for the guest's
 * EOM and is sent then, as in KVM (hyperv.c stimer_expiration,
 * kvm_hv_notify_acked_sint): it was lost, with the one-shot disabled. */
static void test_hv_stimer_message_waits_for_eom(void **state)
{
	struct fixture *f = *state;
	struct hv_message *slot = msg_stimer(&f->mon, 2, 0x50, 5000, 0);
	const struct hv_timer_message_payload *pl = (const void *)slot->payload;
	unsigned msis;

	slot->message_type = 0x1;               /* an earlier message */
	fake_host.tsc = 1000 + 2000000;         /* 1 ms: past 5000 */
	msis = fake_host.nmsi;
	assert_non_null(fake_host.armed_fn);
	fake_host.armed_fn(&f->mon, fake_host.armed_vcpu);
	assert_int_equal(slot->message_type, 0x1);
	assert_true(slot->message_flags & HV_MSG_FLAG_PENDING);
	assert_int_equal(fake_host.nmsi, msis);
	assert_true(rd(&f->mon, 0, HV_X64_MSR_STIMER0_CONFIG) &
		    HV_STIMER_ENABLE);
	/* An EOM with the slot still full: still waiting. */
	assert_true(wr(&f->mon, 0, HV_X64_MSR_EOM, 0));
	assert_int_equal(slot->message_type, 0x1);
	assert_int_equal(fake_host.nmsi, msis);
	/* The guest frees the slot: the EOM sends the timer's message. */
	slot->message_type = HVMSG_NONE;
	slot->message_flags = 0;
	assert_true(wr(&f->mon, 0, HV_X64_MSR_EOM, 0));
	assert_int_equal(slot->message_type, HVMSG_TIMER_EXPIRED);
	assert_int_equal(pl->expiration_time, 5000);
	assert_true(pl->delivery_time >= 10000);
	assert_int_equal(fake_host.nmsi, msis + 1);
	assert_int_equal(fake_host.msi[msis].vector, 0x50);
	assert_false(rd(&f->mon, 0, HV_X64_MSR_STIMER0_CONFIG) &
		     HV_STIMER_ENABLE);
	/* Sent once: another EOM on a free slot sends nothing. */
	slot->message_type = HVMSG_NONE;
	assert_true(wr(&f->mon, 0, HV_X64_MSR_EOM, 0));
	assert_int_equal(slot->message_type, HVMSG_NONE);
	assert_int_equal(fake_host.nmsi, msis + 1);
}

/* Writing COUNT (or CONFIG) drops an expiry still waiting for its slot,
 * as KVM's stimer_cleanup does. */
static void test_hv_stimer_pending_message_dropped_by_count(void **state)
{
	struct fixture *f = *state;
	struct hv_message *slot = msg_stimer(&f->mon, 3, 0x51, 5000, 0);
	unsigned armed, msis;

	slot->message_type = 0x1;
	fake_host.tsc = 1000 + 2000000;         /* 1 ms: past 5000 */
	armed = fake_host.narmed;
	msis = fake_host.nmsi;
	fake_host.armed_fn(&f->mon, fake_host.armed_vcpu);
	assert_int_equal(fake_host.narmed, armed);
	assert_true(wr(&f->mon, 0, HV_X64_MSR_STIMER0_COUNT, 30000));
	assert_int_equal(fake_host.narmed, armed + 1);
	slot->message_type = HVMSG_NONE;
	assert_true(wr(&f->mon, 0, HV_X64_MSR_EOM, 0));
	assert_int_equal(slot->message_type, HVMSG_NONE);
	assert_int_equal(fake_host.nmsi, msis);
	/* The new deadline finds the slot free: sent. */
	fake_host.tsc = 1000 + 8000000;         /* 4 ms: past 30000 */
	fake_host.armed_fn(&f->mon, fake_host.armed_vcpu);
	assert_int_equal(slot->message_type, HVMSG_TIMER_EXPIRED);
	assert_int_equal(fake_host.nmsi, msis + 1);
}

/* A periodic timer's tick that finds its slot busy is dropped, with no
 * msg_pending flag, and the timer goes on, as KVM's stimer_send_msg
 * (no_retry for periodic timers, "to avoid piling up periodic ticks"). */
static void test_hv_stimer_periodic_tick_to_a_busy_slot_dropped(void **state)
{
	struct fixture *f = *state;
	struct hv_message *slot = msg_stimer(&f->mon, 3, 0x51, 20000,
					     HV_STIMER_PERIODIC);
	unsigned armed, msis;

	slot->message_type = 0x1;
	fake_host.tsc = 1000 + 8000000;         /* 4 ms: past 2 ms */
	armed = fake_host.narmed;
	msis = fake_host.nmsi;
	fake_host.armed_fn(&f->mon, fake_host.armed_vcpu);
	assert_int_equal(fake_host.narmed, armed + 1);  /* re-armed */
	assert_int_equal(fake_host.nmsi, msis);
	assert_false(slot->message_flags & HV_MSG_FLAG_PENDING);
	assert_true(rd(&f->mon, 0, HV_X64_MSR_STIMER0_CONFIG) &
		    HV_STIMER_ENABLE);
	/* Nothing waits for an EOM; the next tick to a free slot is sent. */
	slot->message_type = HVMSG_NONE;
	assert_true(wr(&f->mon, 0, HV_X64_MSR_EOM, 0));
	assert_int_equal(fake_host.nmsi, msis);
	fake_host.armed_fn(&f->mon, fake_host.armed_vcpu);
	assert_int_equal(slot->message_type, HVMSG_TIMER_EXPIRED);
	assert_int_equal(fake_host.nmsi, msis + 1);
	assert_int_equal(fake_host.narmed, armed + 2);
}

/* ---- A racing vCPU, made deterministic ------------------------------
 * Another vCPU may rewrite guest memory between any two reads the
 * monitor makes of it.  race_call() makes the guest page at (gpa)
 * inaccessible: each monitor instruction that touches it faults
 * (SIGSEGV), runs once with the page open and the trap flag set, and
 * traps (SIGTRAP) right after; after the (k)-th such instruction the
 * "other vCPU" writes its bytes and the page stays open.  Running the
 * call for k = 0 (before the first), 1, 2, ... puts that write between
 * every pair of consecutive accesses in turn. */
#define X86_TF 0x100ul
static struct {
	uint8_t *page;
	unsigned k, n;          /* write after access k; accesses so far */
	size_t off, len;
	uint8_t val[8];
} race;

static void race_segv(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	uint8_t *a = si->si_addr;

	if (!race.page || a < race.page || a >= race.page + 4096) {
		signal(sig, SIG_DFL);   /* a real fault: crash on return */
		return;
	}
	mprotect(race.page, 4096, PROT_READ | PROT_WRITE);
	uc->uc_mcontext.gregs[REG_EFL] |= X86_TF;
}

static void race_trap(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	(void)sig, (void)si;
	uc->uc_mcontext.gregs[REG_EFL] &= ~X86_TF;
	if (++race.n == race.k)
		memcpy(race.page + race.off, race.val, race.len);
	else if (race.n < race.k)
		mprotect(race.page, 4096, PROT_NONE);
}

/* Hypercall (control) with its input at (gpa), with the write of (len)
 * bytes (val) at (gpa + off) racing in after access (k); the number of
 * accesses the call made in *n. */
static uint64_t race_call(struct mon *m, uint64_t control, uint64_t gpa,
			  unsigned k, size_t off, const void *val, size_t len,
			  unsigned *n)
{
	struct sigaction sa = { .sa_flags = SA_SIGINFO }, old_segv, old_trap;
	uint64_t r;

	race.page = m->ram + (gpa & ~4095ull);
	race.k = k;
	race.n = 0;
	race.off = (gpa & 4095) + off;
	race.len = len;
	memcpy(race.val, val, len);
	if (k == 0)             /* the write lands before any access */
		memcpy(race.page + race.off, val, len);
	sigemptyset(&sa.sa_mask);
	sa.sa_sigaction = race_segv;
	assert_int_equal(sigaction(SIGSEGV, &sa, &old_segv), 0);
	sa.sa_sigaction = race_trap;
	assert_int_equal(sigaction(SIGTRAP, &sa, &old_trap), 0);
	if (k > 0)
		mprotect(race.page, 4096, PROT_NONE);
	r = hc(m, control, gpa, 0);
	mprotect(race.page, 4096, PROT_READ | PROT_WRITE);
	race.page = NULL;
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGTRAP, &old_trap, NULL);
	*n = race.n;
	return r;
}

/* HvCallPostMessage checks payload_size <= 240 and then copies that
 * many bytes into a 256-byte message on the monitor's stack.  Read once
 * for the check and again for the copy, a payload_size rewritten to
 * 4096 in between overflowed that stack buffer (ASan: stack-buffer-
 * overflow WRITE of size 4096).  With the input fetched once, whatever
 * the moment of the write, the call sees 8 or 4096 throughout. */
static void test_hv_hcall_post_message_input_is_read_once(void **state)
{
	struct fixture *f = *state;
	struct hv_input_post_message in = { VMI_HV_CONNECTION(0, 1), 0, 7, 8,
					    { 0x1122334455667788ull } };
	struct hv_message *slot = (void *)(f->mon.ram + SIMP_GPA +
					   HV_MESSAGE_SIZE);
	const uint32_t evil = 4096;
	unsigned n = 0, total, saw_ok = 0, saw_evil = 0;

	wr(&f->mon, 0, HV_X64_MSR_SCONTROL, 1);
	wr(&f->mon, 0, HV_X64_MSR_SIMP, SIMP_GPA | 1);
	/* No write at all: how many accesses the call makes. */
	memcpy(f->mon.ram + IN_GPA, &in, sizeof(in));
	assert_int_equal(race_call(&f->mon, HVCALL_POST_MESSAGE, IN_GPA,
				   ~0u, 0, &evil, 4, &total), 0);
	assert_true(total >= 1);
	for (unsigned k = 0; k <= total; k++) {
		memset(slot, 0, sizeof(*slot));
		memcpy(f->mon.ram + IN_GPA, &in, sizeof(in));
		uint64_t r = race_call(&f->mon, HVCALL_POST_MESSAGE, IN_GPA, k,
				       offsetof(struct hv_input_post_message,
						payload_size), &evil, 4, &n);
		assert_true(r == HV_STATUS_SUCCESS ||
			    r == HV_STATUS_INVALID_PARAMETER);
		saw_evil += r == HV_STATUS_INVALID_PARAMETER;
		if (r == HV_STATUS_SUCCESS) {
			saw_ok++;
			assert_int_equal(slot->payload_size, 8);
			assert_int_equal(slot->payload[0], in.payload[0]);
		}
	}
	/* The harness works: a write before the read is seen, one after
	 * it is not. */
	assert_true(saw_ok && saw_evil);
}

/* The same racing write against every slow call with an input block:
 * at no moment may it make the monitor fault or answer a status that
 * the call cannot give for either value. */
static void test_hv_hcall_slow_inputs_race_only_documented(void **state)
{
	struct fixture *f = *state;
	static const struct { uint16_t code; size_t off; uint64_t val; }
	cases[] = {
		{ HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE, 8, ~0ull },
		{ HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE, 16, ~0ull },
		{ HVCALL_SEND_IPI, 0, 0xffff0005 },
		{ HVCALL_SEND_IPI, 8, ~0ull },
		{ HVCALL_SIGNAL_EVENT, 0, 0xffffffffffffull },
		{ HVCALL_POST_MESSAGE, 0, 0x100000000ull | 0x100010 },
		{ HVCALL_POST_MESSAGE, 8, 0xffffffff80000001ull },
	};
	uint8_t good[256] = { 0 };
	unsigned n, total;

	wr(&f->mon, 0, HV_X64_MSR_SCONTROL, 1);
	wr(&f->mon, 0, HV_X64_MSR_SIMP, SIMP_GPA | 1);
	wr(&f->mon, 0, HV_X64_MSR_SIEFP, SIEFP_GPA | 1);
	/* A valid block for each: IPI vector 0x40 to VP 0, event/message
	 * to VP 0 SINT 1, type 7, 8 bytes. */
	*(uint32_t *)good = VMI_HV_CONNECTION(0, 1);
	*(uint32_t *)(good + 8) = 7;
	*(uint32_t *)(good + 12) = 8;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t blk[256];

		memcpy(blk, good, sizeof(blk));
		if (cases[i].code == HVCALL_SEND_IPI)
			*(uint64_t *)blk = 0x40, *(uint64_t *)(blk + 8) = 1;
		if (cases[i].code == HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE)
			memset(blk, 0, 24);
		memcpy(f->mon.ram + IN_GPA, blk, sizeof(blk));
		race_call(&f->mon, cases[i].code, IN_GPA, ~0u, 0,
			  &cases[i].val, 8, &total);
		for (unsigned k = 0; k <= total; k++) {
			memset(f->mon.ram + SIMP_GPA, 0, 4096);
			memcpy(f->mon.ram + IN_GPA, blk, sizeof(blk));
			uint64_t r = race_call(&f->mon, cases[i].code, IN_GPA,
					       k, cases[i].off, &cases[i].val,
					       8, &n) & 0xffff;
			assert_true(r == HV_STATUS_SUCCESS ||
				    r == HV_STATUS_INVALID_HYPERCALL_INPUT ||
				    r == HV_STATUS_INVALID_PARAMETER ||
				    r == HV_STATUS_INVALID_CONNECTION_ID ||
				    r == HV_STATUS_INVALID_SYNIC_STATE);
		}
	}
}

/* The hypercall port as a vCPU reaches it: `out %al, $0xe1`, one byte. */
static bool port_call(struct mon *m, struct mon_regs *regs, bool *dirty)
{
	uint8_t al = (uint8_t)regs->rax;
	struct mon_exit x = { .kind = MON_X_IO, .regs = regs,
			      .regs_dirty = dirty };

	x.io.port = VMI_PORT_HV_HYPERCALL;
	x.io.out = true;
	x.io.size = 1;
	x.io.count = 1;
	x.io.data = &al;
	*dirty = false;
	return pers_hv.pio(m, 0, &x);
}

/* [MSDN ff543172]: a hypercall from CPL > 0 or from real mode raises #UD
 * and does nothing.  A kernel that grants IOPL 3 lets a CPL3 `out` reach
 * the port; the monitor must refuse it there (CPL = SS.DPL of fake_host.sregs). */
static void test_hv_port_below_cpl0_is_ud_and_does_nothing(void **state)
{
	struct fixture *f = *state;
	/* A fast IPI, vector 0x40, to VP 0. */
	struct mon_regs regs = { .rax = 0x1234, .rcx = HVCALL_SEND_IPI |
				 HV_HC_FAST, .rdx = 0x40, .r8 = 1 };
	bool dirty;

	assert_true(wr(&f->mon, 0, HV_X64_MSR_GUEST_OS_ID, 1ull << 63));
	assert_true(wr(&f->mon, 0, HV_X64_MSR_HYPERCALL, PAGE_GPA | 1));
	for (int cpl = 1; cpl <= 3; cpl++) {
		fake_host.sregs.ss_dpl = (uint8_t)cpl;
		assert_true(port_call(&f->mon, &regs, &dirty));
		assert_int_equal(fake_host.nud, (unsigned)cpl);
	}
	/* Code in a conforming segment of DPL 0 runs at the CPL of its
	 * caller: SS.DPL says 3, CS.DPL 0 does not make it CPL 0. */
	fake_host.sregs.cs_dpl = 0;
	assert_true(port_call(&f->mon, &regs, &dirty));
	assert_int_equal(fake_host.nud, 4);
	fake_host.sregs.ss_dpl = 0;     /* real mode: CPL 0, not protected */
	fake_host.sregs.cr0 &= ~1ull;
	assert_true(port_call(&f->mon, &regs, &dirty));
	assert_int_equal(fake_host.nud, 5);
	assert_int_equal(fake_host.nmsi, 0);
	assert_false(dirty);
	assert_int_equal(regs.rax, 0x1234);
	/* CPL 0, protected mode: the call runs, whatever CS.DPL says (in
	 * 64-bit mode, whose registers regs holds). */
	fake_host.sregs = fake_host_sregs_at(PAGE_GPA);
	fake_host.sregs.cs_dpl = 3;
	assert_true(port_call(&f->mon, &regs, &dirty));
	assert_int_equal(fake_host.nud, 5);
	assert_int_equal(fake_host.nmsi, 1);
	assert_true(dirty);
	assert_int_equal(regs.rax, HV_STATUS_SUCCESS);
	assert_false(mon_is_stopped(&f->mon));
}

/* [T: hypercall-interface]: from 64-bit mode the call is RCX, RDX, R8
 * and the result RAX; from any other protected mode, compatibility mode
 * included, EDX:EAX, EBX:ECX, EDI:ESI and the result EDX:EAX, as KVM
 * chooses (is_64_bit_hypercall).  CS.L outside IA-32e mode, which the
 * CPU ignores, is not 64-bit mode.  Each register's upper half is not
 * part of the call. */
static void test_hv_port_registers_follow_the_callers_mode(void **state)
{
	struct fixture *f = *state;
	struct hv_tlb_flush in = { 0, HV_FLUSH_ALL_VIRTUAL_ADDRESS_SPACES, 0x3 };
	const uint64_t junk = 0xdead000000000000ull;
	struct mon_sregs modes[3];
	bool dirty;

	memcpy(f->mon.ram + IN_GPA, &in, sizeof(in));
	wr(&f->mon, 0, HV_X64_MSR_GUEST_OS_ID, 1ull << 63);
	wr(&f->mon, 0, HV_X64_MSR_HYPERCALL, PAGE_GPA | 1);
	modes[0] = fake_host_sregs_at(0);               /* protected mode */
	modes[1] = fake_host_sregs_at(PAGE_GPA);
	modes[1].cs_l = 0;                              /* compatibility */
	modes[2] = fake_host_sregs_at(0);
	modes[2].cs_l = 1;                              /* L, not IA-32e */
	for (unsigned i = 0; i < 3; i++) {
		/* A flush list of 3 reps, and in the x64 registers a call
		 * that would fail. */
		struct mon_regs regs = {
			.rax = junk | HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST,
			.rdx = junk | 3, .rbx = junk, .rcx = junk | IN_GPA,
			.rdi = junk, .rsi = junk, .r8 = 1 };

		fake_host.sregs = modes[i];
		assert_true(port_call(&f->mon, &regs, &dirty));
		assert_true(dirty);
		assert_int_equal(regs.rax, HV_STATUS_SUCCESS);
		assert_int_equal(regs.rdx, 3);                 /* reps done */
		assert_int_equal(fake_host.nflush, i + 1);
	}
	/* 64-bit mode: the same registers are an unknown code 0. */
	struct mon_regs regs = { .rax = HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST,
				 .rdx = 3, .rcx = 0, .r8 = 0 };
	fake_host.sregs = fake_host_sregs_at(PAGE_GPA);
	assert_true(port_call(&f->mon, &regs, &dirty));
	assert_int_equal(regs.rax, HV_STATUS_INVALID_HYPERCALL_CODE);
	assert_int_equal(regs.rdx, 3);
	assert_int_equal(fake_host.nflush, 3);
}

/* A CPL that cannot be read is a host error (status 71), and the call
 * is not made. */
static void test_hv_port_cpl_unreadable_is_host_error(void **state)
{
	struct fixture *f = *state;
	struct mon_regs regs = { .rax = 7, .rcx = HVCALL_SEND_IPI |
				 HV_HC_FAST, .rdx = 0x40, .r8 = 1 };
	bool dirty;

	wr(&f->mon, 0, HV_X64_MSR_GUEST_OS_ID, 1ull << 63);
	wr(&f->mon, 0, HV_X64_MSR_HYPERCALL, PAGE_GPA | 1);
	fake_host.sregs_err = -EIO;
	assert_true(port_call(&f->mon, &regs, &dirty));
	assert_int_equal(fake_host.nmsi, 0);
	assert_int_equal(fake_host.nud, 0);
	assert_int_equal(regs.rax, 7);
	assert_int_equal(f->mon.status, MON_EXIT_HOST);
}

/* A crash report's P0 is the exit status only when it is a guest exit
 * code (0-63, 77, 99): P0 = 71 used to end vmi-run with 71, "host
 * error", and 124 posed as the watchdog.  Anything else is 5. */
static void test_hv_crash_p0_never_a_monitor_status(void **state)
{
	static const struct { uint64_t p0; int status; } cases[] = {
		{ 0, 0 }, { 63, 63 }, { 77, 77 }, { 99, 99 }, { 64, 5 },
		{ 70, 5 }, { 71, 5 }, { 124, 5 }, { 255, 5 }, { 256, 5 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		void *st;

		setup(&st);
		struct fixture *f = st;
		assert_true(wr(&f->mon, 0, HV_X64_MSR_CRASH_P0, cases[i].p0));
		assert_true(wr(&f->mon, 0, HV_X64_MSR_CRASH_CTL,
			       HV_CRASH_CTL_NOTIFY));
		assert_int_equal(f->mon.status, cases[i].status);
		teardown(&st);
	}
}

/* A crash message named at the top of the GPA space (P3 + P4 would wrap)
 * or beyond RAM is left out; the report still stops the VM. */
static void test_hv_crash_message_outside_ram_left_out(void **state)
{
	static const uint64_t p3[] = { ~0ull - 10, ~0ull, RAM - 4, RAM };

	(void)state;
	for (size_t i = 0; i < sizeof(p3) / sizeof(p3[0]); i++) {
		void *st;

		setup(&st);
		struct fixture *f = st;
		wr(&f->mon, 0, HV_X64_MSR_CRASH_P0, 4);
		wr(&f->mon, 0, HV_X64_MSR_CRASH_P0 + 3, p3[i]);
		wr(&f->mon, 0, HV_X64_MSR_CRASH_P0 + 4, 256);
		assert_true(wr(&f->mon, 0, HV_X64_MSR_CRASH_CTL,
			       HV_CRASH_CTL_NOTIFY | HV_CRASH_CTL_NOTIFY_MSG));
		assert_int_equal(f->mon.status, 4);
		assert_non_null(strstr(f->mon.msg, "P2=0x0; exit 4"));
		teardown(&st);
	}
}

/* Work per hypercall exit is bounded whatever the guest's counts: the
 * longest flush list a page holds (509 reps) is one flush, all reps
 * done; an IPI to every VP of a 64-VP guest is 64 interrupts. */
static void test_hv_hcall_work_per_exit_bounded(void **state)
{
	struct fixture *f = *state;
	const unsigned max_reps = (4096 - sizeof(struct hv_tlb_flush)) / 8;
	struct hv_tlb_flush in = { 0, HV_FLUSH_ALL_PROCESSORS, 0 };

	memcpy(f->mon.ram + IN_GPA, &in, sizeof(in));
	assert_int_equal(hc(&f->mon, HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST |
			    (uint64_t)max_reps << 32, IN_GPA, 0),
			 (uint64_t)max_reps << 32);
	assert_int_equal(fake_host.nflush, 1);
	assert_int_equal(hc(&f->mon, HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST |
			    (uint64_t)(max_reps + 1) << 32, IN_GPA, 0),
			 HV_STATUS_INVALID_ALIGNMENT);
	f->hv.nvp = 64;
	assert_int_equal(hc(&f->mon, HVCALL_SEND_IPI | HV_HC_FAST, 0x40, ~0ull),
			 0);
	assert_int_equal(fake_host.nmsi, 64);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_hv_cpuid_leaves_advertise_what_is_implemented),
		T(test_hv_tsc_scale_is_1e7_over_hz_in_64_bit_fixed_point),
		T(test_hv_ref_tsc_page_valid_only_when_tsc_stable),
		T(test_hv_ref_time_zero_at_clock_start),
		T(test_hv_time_ref_count_never_goes_back),
		T(test_hv_hypercall_page_needs_os_id_then_gets_stub),
		T(test_hv_msr_read_only_and_unknown_gp),
		T(test_hv_crash_ctl_exits_with_p0),
		T(test_hv_crash_ctl_big_p0_is_crash_with_message),
		T(test_hv_crash_p0_cannot_give_monitor_statuses),
		T(test_hv_crash_message_stays_one_line),
		T(test_hv_reset_msr_exits_6),
		T(test_hv_hcall_status_order),
		T(test_hv_hcall_flush_list_all_reps_done_targets_flushed),
		T(test_hv_hcall_ipi_fast_injects_each_target),
		T(test_hv_hcall_signal_event_sets_flag_once),
		T(test_hv_hcall_post_message_slot_and_busy),
		T(test_hv_hcall_fuzz_random_inputs_only_documented_statuses),
		T(test_hv_stimer_count_near_2_64_saturates),
		T(test_hv_stimer_periodic_has_a_minimum_period),
		T(test_hv_stimer_message_time_never_before_a_read),
		T(test_hv_stimer_message_waits_for_eom),
		T(test_hv_stimer_pending_message_dropped_by_count),
		T(test_hv_stimer_periodic_tick_to_a_busy_slot_dropped),
		T(test_hv_hcall_post_message_input_is_read_once),
		T(test_hv_hcall_slow_inputs_race_only_documented),
		T(test_hv_port_below_cpl0_is_ud_and_does_nothing),
		T(test_hv_port_registers_follow_the_callers_mode),
		T(test_hv_port_cpl_unreadable_is_host_error),
		cmocka_unit_test(test_hv_crash_p0_never_a_monitor_status),
		cmocka_unit_test(test_hv_crash_message_outside_ram_left_out),
		T(test_hv_hcall_work_per_exit_bounded),
	};
	return cmocka_run_group_tests_name("hv_mon", tests, NULL, NULL);
}
