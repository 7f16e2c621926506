/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_pers.c: hypercalls and MSR accesses made as a guest
 * makes them, through the personality's port and MSR hooks (the same
 * entry points a KVM exit reaches), with the checks every call must
 * pass whatever its arguments: the result has the ABI's shape, the
 * registers are written back, and the personality's lock is free again.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "mon_pers.h"
#include "pers_hv.h"
#include "pers_xen.h"

#include <xen/memory.h>
#include <xen/sched.h>

/* Every Xen error is -1 to -127 (public/errno.h). */
#define FZ_XEN_ERRNO_MAX 127

/* FZ_TRACE=1 in the environment: one line per call on stderr, to see
 * what a seed or a crash input does (run without -close_fd_mask). */
static bool tracing(void)
{
	static int on = -1;

	if (on < 0)
		on = getenv("FZ_TRACE") != NULL;
	return on;
}

static void check_unlocked(pthread_mutex_t *lock, const char *who)
{
	FZ_CHECK(pthread_mutex_trylock(lock) == 0, "%s: lock still held",
		 who);
	pthread_mutex_unlock(lock);
}

/* SCHEDOP_block and SCHEDOP_poll wait for an event or a VM stop; a
 * stopped VM returns at once (the unit tests do the same). */
static void no_wait(struct mon *m, uint64_t nr, uint64_t cmd)
{
	if (nr == __HYPERVISOR_sched_op &&
	    (cmd == SCHEDOP_block || cmd == SCHEDOP_poll))
		atomic_store(&m->stopped, true);
}

/* A memory_op that returns a value, not a count or an error: for a
 * 32-bit caller Xen truncates it to EAX like any result (hvm_hypercall),
 * so a gfn at or past 2^31 (XENMEM_maximum_gpfn after a page was mapped
 * there) reads as negative, in Xen as here. */
static bool value_op(uint64_t nr, uint64_t cmd)
{
	switch (nr == __HYPERVISOR_memory_op ? (uint32_t)cmd : ~0u) {
	case XENMEM_maximum_ram_page:
	case XENMEM_current_reservation:
	case XENMEM_maximum_reservation:
	case XENMEM_maximum_gpfn:
		return true;
	default:
		return false;
	}
}

/* The stub fz_host.stub calls from: pers_xen.h's `mov $nr,%eax; out
 * %al,$port`, as the hypercall page holds it. */
static uint64_t put_stub(struct mon *m, uint64_t nr)
{
	uint8_t *p = mon_gpa_ptr(m, FZ_STUB_PA, 7);
	uint32_t imm = (uint32_t)nr;

	p[0] = 0xb8;
	memcpy(p + 1, &imm, 4);
	p[5] = 0xe6;
	p[6] = VMI_PORT_XEN_HYPERCALL;
	return FZ_STUB_PA + fz_host.stub;
}

long fz_xen_hcall(struct mon *m, unsigned vcpu, uint64_t nr,
		  const uint64_t a[5])
{
	/* Virtual-8086 mode is RFLAGS.VM (fuzz_mon.c xen_sregs). */
	struct mon_regs r = { .rax = nr,
			      .rflags = fz_host.mode == 1 ? 2 | 1u << 17 : 2 };
	bool dirty, wide = fz_host.mode == 8;
	uint8_t data = (uint8_t)nr;
	uint64_t rip = fz_host.stub ? put_stub(m, nr) : 0x1000;
	struct mon_exit x = { .kind = MON_X_IO, .rip = rip, .regs = &r,
		.regs_dirty = &dirty, .io = { .port = VMI_PORT_XEN_HYPERCALL,
		.out = true, .size = 1, .count = 1, .data = &data } };
	unsigned again = 0;
	long ret;

	if (wide) {
		r.rdi = a[0], r.rsi = a[1], r.rdx = a[2], r.r10 = a[3];
		r.r8 = a[4];
	} else {
		r.rbx = a[0], r.rcx = a[1], r.rdx = a[2], r.rsi = a[3];
		r.rdi = a[4];
	}
	no_wait(m, wide ? nr : (uint32_t)nr, wide ? a[0] : (uint32_t)a[0]);
	for (;;) {
		uint64_t rax = r.rax;

		r.rip = rip;
		dirty = false;
		FZ_CHECK(m->pers->pio(m, vcpu, &x), "hypercall port not taken");
		FZ_CHECK(dirty, "hypercall result not written back");
		check_unlocked(&pers_xen_of(m)->lock, "xen");
		fz_check_stop_line(m);
		if (r.rip == rip)
			break;
		/* Continued: back to the stub's mov, RAX untouched. */
		FZ_CHECK(fz_host.stub && r.rip == FZ_STUB_PA && r.rax == rax,
			 "continued call: RIP 0x%llx RAX 0x%llx",
			 (unsigned long long)r.rip, (unsigned long long)r.rax);
		if (++again == FZ_MAX_CONTINUED || mon_is_stopped(m))
			return 0;
		r.rax = (uint32_t)nr;   /* the stub's mov, again */
	}
	if (!wide) {
		FZ_CHECK(r.rax >> 32 == 0, "32-bit caller got RAX 0x%llx",
			 (unsigned long long)r.rax);
		ret = (int32_t)r.rax;
	} else {
		ret = (long)r.rax;
	}
	if (tracing())
		fprintf(stderr, "xen vcpu %u mode %d cpl %d: hypercall %llu "
			"(0x%llx, 0x%llx, 0x%llx) = %ld\n", vcpu, fz_host.mode,
			fz_host.cpl, (unsigned long long)nr,
			(unsigned long long)a[0], (unsigned long long)a[1],
			(unsigned long long)a[2], ret);
	FZ_CHECK(ret >= -FZ_XEN_ERRNO_MAX || (!wide && value_op(nr, a[0])),
		 "hypercall %llu returned %ld", (unsigned long long)nr, ret);
	/* Xen hvm_hypercall(): virtual-8086 mode or CPL > 0 outside real
	 * mode is -EPERM, before anything else; so is a vCPU whose mode
	 * cannot be read. */
	if (fz_host.mode < 0 || fz_host.mode == 1 ||
	    (fz_host.mode > 0 && fz_host.cpl))
		FZ_CHECK(ret == -XEN_EPERM, "unprivileged caller (mode %d, "
			 "CPL %d) got %ld", fz_host.mode, fz_host.cpl, ret);
	return ret;
}

uint64_t fz_hv_hcall(struct mon *m, unsigned vcpu, uint64_t control,
		     uint64_t in, uint64_t out, int caller)
{
	bool x86 = caller != FZ_CALLER_64;
	const uint64_t junk = 0x5a5a5a5a00000000ull;
	struct mon_regs r = { .rax = 0x1234, .rcx = control, .rdx = in,
			      .r8 = out, .rflags = 2 };
	bool dirty = false;

	if (x86)
		r = (struct mon_regs){ .rax = junk | (uint32_t)control,
			.rdx = junk | control >> 32, .rcx = junk | (uint32_t)in,
			.rbx = junk | in >> 32, .rsi = junk | (uint32_t)out,
			.rdi = junk | out >> 32, .r8 = ~0ull, .rflags = 2 };
	uint8_t data = 0;
	struct mon_exit x = { .kind = MON_X_IO, .rip = 0x1000, .regs = &r,
		.regs_dirty = &dirty, .io = { .port = VMI_PORT_HV_HYPERCALL,
		.out = true, .size = 1, .count = 1, .data = &data } };
	unsigned reps = (unsigned)(control >> HV_HC_REP_COUNT_SHIFT &
				   HV_HC_REP_MASK);

	uint64_t before = r.rax;
	fz_host.mode = x86 ? 4 : 8;
	fz_host.paging = FZ_PAGING_OFF;
	fz_host.caller = caller;
	bool taken = m->pers->pio(m, vcpu, &x);
	fz_host.mode = 8;
	fz_host.caller = FZ_CALLER_64;

	if (tracing())
		fprintf(stderr, "hyperv vcpu %u: hypercall 0x%llx (0x%llx, "
			"0x%llx) = %s0x%llx\n", vcpu,
			(unsigned long long)control, (unsigned long long)in,
			(unsigned long long)out, taken ? "" : "not taken ",
			(unsigned long long)r.rax);
	if (!taken) {
		FZ_CHECK(!dirty && r.rax == before, "port refused, registers "
			 "changed");
		return UINT64_MAX;
	}
	FZ_CHECK(dirty, "hypercall result not written back");
	if (x86) {      /* [T: hypercall-interface] the x86 result */
		FZ_CHECK(r.rax >> 32 == 0 && r.rdx >> 32 == 0, "32-bit "
			 "result 0x%llx:0x%llx", (unsigned long long)r.rdx,
			 (unsigned long long)r.rax);
		r.rax |= r.rdx << 32;
	}
	check_unlocked(&pers_hv_of(m)->lock, "hyperv");
	fz_check_stop_line(m);
	/* [TLFS "Hypercall Result Value"]: status 15:0, reserved 31:16,
	 * reps completed 43:32, reserved 63:44. */
	FZ_CHECK((r.rax & 0xffff0000ull) == 0 && r.rax >> 44 == 0,
		 "result 0x%llx has reserved bits", (unsigned long long)r.rax);
	FZ_CHECK((r.rax >> HV_RESULT_REPS_SHIFT) <= reps, "%llu reps done "
		 "of %u", (unsigned long long)(r.rax >> HV_RESULT_REPS_SHIFT),
		 reps);
	return r.rax;
}

bool fz_msr(struct mon *m, unsigned vcpu, bool write, uint32_t index,
	    uint64_t *data)
{
	uint64_t in = *data;
	bool ok = m->pers->msr && m->pers->msr(m, vcpu, write, index, data);

	if (tracing())
		fprintf(stderr, "%s vcpu %u: %s 0x%x 0x%llx: %s\n",
			m->pers->name, vcpu, write ? "wrmsr" : "rdmsr", index,
			(unsigned long long)(write ? in : *data),
			ok ? "ok" : "#GP");

	if (m->pers == &pers_xen)
		check_unlocked(&pers_xen_of(m)->lock, "xen");
	else if (m->pers == &pers_hv)
		check_unlocked(&pers_hv_of(m)->lock, "hyperv");
	fz_check_stop_line(m);
	return ok;
}
