/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_hv_mon.c: vmi-run's hyperv personality without KVM:
 * the CPUID leaves it advertises, the hypercall dispatch (a pure function
 * of registers, guest memory and state) with a fake environment and a
 * RAM buffer, the synthetic MSRs, the reference TSC scale, the crash and
 * reset exits, and a fuzz loop of random hypercalls under ASan/UBSan.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "pers.h"
#include "pers_hv.h"

#define RAM (4u << 20)
#define IN_GPA 0x10000ull
#define SIMP_GPA 0x20000ull
#define SIEFP_GPA 0x21000ull
#define PAGE_GPA 0x22000ull

static struct { unsigned vcpu; uint8_t vector; } msis[64];
static unsigned nmsi, nflush, nyield;
static uint64_t flush_mask;
static uint64_t fake_tsc;

static uint64_t env_tsc(const struct mon *mon)
{
	(void)mon;
	return fake_tsc;
}

static uint64_t armed_at;
static unsigned narmed;

static void env_arm(struct mon *mon, unsigned vcpu, uint64_t d,
		    mon_timer_fn fn)
{
	(void)mon, (void)vcpu, (void)fn;
	armed_at = d;
	narmed++;
}

static void env_cancel(struct mon *mon, unsigned vcpu)
{
	(void)mon, (void)vcpu;
}

static int env_msi(struct mon *mon, unsigned vcpu, uint8_t vector)
{
	(void)mon;
	if (nmsi < 64)
		{ msis[nmsi].vcpu = vcpu; msis[nmsi].vector = vector; }
	nmsi++;
	return 0;
}

static int env_flush(struct mon *mon, unsigned self, uint64_t mask)
{
	(void)mon, (void)self;
	nflush++;
	flush_mask = mask;
	return 0;
}

static void env_yield(void)
{
	nyield++;
}

static void env_setup(struct mon *mon)
{
	(void)mon;
}

static const struct pers_hv_env fake_env = {
	env_setup, env_tsc, env_arm, env_cancel, env_msi, env_flush, env_yield,
};

struct fixture {
	struct mon mon;
	struct pers_hv hv;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->mon.ram = calloc(1, RAM);
	f->mon.ram_size = RAM;
	f->mon.nvcpu = 2;
	f->mon.tsc_khz = 2000000;
	f->mon.clock.tsc0 = 1000;
	assert_int_equal(pers_hv_state_init(&f->mon, &f->hv, &fake_env), 0);
	nmsi = nflush = nyield = 0;
	fake_tsc = 1000;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free(f->mon.ram);
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
	fake_tsc = 1000 + 2000;         /* 1 us: 10 units of 100 ns */
	assert_in_range(rd(&f->mon, 0, HV_X64_MSR_TIME_REF_COUNT), 9, 10);
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
	assert_int_equal(nflush, 1);
	assert_int_equal(flush_mask, 0x2);      /* VP 2 does not exist */
}

static void test_hv_hcall_ipi_fast_injects_each_target(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(hc(&f->mon, 0x1000b, 0xf1, 0x3), 0);
	assert_int_equal(nmsi, 2);
	assert_int_equal(msis[1].vcpu, 1);
	assert_int_equal(msis[1].vector, 0xf1);
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
	assert_int_equal(nmsi, 1);      /* already set: no second interrupt */
	assert_int_equal(msis[0].vcpu, 1);
	assert_int_equal(msis[0].vector, 0x50);
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
	assert_int_equal(nmsi, 0);              /* SINT1 still masked */
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
	before = narmed;
	assert_true(wr(m, 0, HV_X64_MSR_STIMER0_CONFIG, cfg));
	assert_int_equal(narmed, before + 1);
	return armed_at;
}

/* COUNT near 2^64 is a deadline centuries away in either mode: the
 * armed guest ns saturate at UINT64_MAX ("never"), never wrap to a
 * deadline already passed (which re-armed and fired without end). */
static void test_hv_stimer_count_near_2_64_saturates(void **state)
{
	struct fixture *f = *state;

	fake_tsc = 1000 + 2000ull * 1000;    /* 1 ms: 10,000 units */
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
 * (100 us): COUNT 1 would otherwise fire every 100 ns. */
static void test_hv_stimer_periodic_has_a_minimum_period(void **state)
{
	struct fixture *f = *state;
	const uint64_t now = 10000, min = PERS_HV_STIMER_MIN_PERIOD;

	assert_true(min >= 1000);
	fake_tsc = 1000 + 2000ull * 1000;
	for (uint64_t c = 1; c <= min; c = c * 3 + 1)
		assert_true(stimer(&f->mon, true, c) == (now + min) * 100 + 100);
	/* One-shot COUNT is absolute: no minimum, a past one fires now. */
	assert_true(stimer(&f->mon, false, 1) == 200);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_hv_cpuid_leaves_advertise_what_is_implemented),
		T(test_hv_tsc_scale_is_1e7_over_hz_in_64_bit_fixed_point),
		T(test_hv_ref_time_zero_at_clock_start),
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
	};
	return cmocka_run_group_tests_name("hv_mon", tests, NULL, NULL);
}
