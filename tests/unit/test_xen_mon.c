/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_xen_mon.c: vmi-run's xen personality without KVM: the
 * hypercall dispatch is a function of (registers, checked guest memory,
 * state), so it runs here on a malloc'ed "RAM" with a fake host side
 * (tests/monitor/fake_host.h): the stub bytes, 2-level delivery and its single injection,
 * unmask, the console ring, and a fuzz of random hypercalls under ASan
 * and UBSan that must never fault the monitor.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "mon_pers.h"
#include "../monitor/fake_host.h"
#include "pers_xen.h"

#include <xen/arch-x86/cpuid.h>
#include <xen/features.h>
#include <xen/grant_table.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/hvm_vcpu.h>
#include <xen/hvm/params.h>
#include <xen/io/console.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/version.h>

#define RAM (4u << 20)
#define SHARED_PA 0x200000u
#define ARG_PA 0x300000u

static int pipefd[2];

/* The caller's segment and control registers are fake_host.sregs:
 * 64-bit kernel code unless a test says otherwise. */
#define CR0_PE 1ull
#define CR0_PG (1ull << 31)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
/* The fake guest's page tables live in special pages 0-3 (the
 * personality uses 4 and 7), out of reach of the fuzz's memory_op. */
#define PT_PA MON_SPECIAL_PA
static void fake_long_mode(void)
{
	fake_host.sregs = fake_host_sregs_at(PT_PA);
}

/* The guest CPUID the personality reads at init: fake_guest.h's, with
 * FFXSR (0x80000001 EDX[25]) also set. */
static int env_cpuid(struct mon *mon, struct mon_cpuid *t)
{
	fake_host_cpuid(mon, t);
	for (unsigned i = 0; i < t->n; i++)
		if (t->e[i].function == 0x80000001u)
			t->e[i].edx |= 1u << 25;
	return 0;
}

static void *gpa(struct mon *m, uint64_t pa);

/* Page-table page (i) of the fake guest (PT_PA + i pages). */
static uint64_t *pt(struct mon *m, unsigned i)
{
	return gpa(m, PT_PA + i * 0x1000ull);
}

/* As the hostile guest's: the first GiB identity-mapped with 2 MiB
 * pages, present and writable (PML4 page 0, PDPT 1, PD 2). */
static void map_identity(struct mon *m)
{
	memset(pt(m, 3), 0, 0x1000);
	fake_guest_identity_map(pt(m, 0), PT_PA);
}

static int setup(void **state)
{
	struct mon *m = calloc(1, sizeof(*m));

	m->ram = calloc(1, RAM);
	m->ram_size = RAM;
	mon_special_init(m, calloc(1, MON_EXTRA_SIZE));
	m->nvcpu = 2;
	m->tsc_khz = 1000000;
	m->pers = &pers_xen;
	mon_dev_init(&m->dev);
	assert_int_equal(pipe(pipefd), 0);
	fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
	fcntl(pipefd[1], F_SETFL, O_NONBLOCK);   /* the fuzz prints a lot */
	m->out_fd = pipefd[1];
	fake_host_reset(m, PT_PA, 0);
	fake_host.tsc_step = 1000;      /* the TSC advances as it is read */
	fake_host.ops.cpuid = env_cpuid;
	assert_int_equal(pers_xen.init(m), 0);
	map_identity(m);
	*state = m;
	return 0;
}

static int teardown(void **state)
{
	struct mon *m = *state;

	close(pipefd[0]);
	close(pipefd[1]);
	free(m->pers_state);
	free(m->ram);
	free(m->extra);
	free(m);
	return 0;
}

/* One hypercall as the stub makes it: RAX = nr, args, out %al,$0xe0. */
static long hcall(struct mon *m, unsigned vcpu, uint64_t nr, uint64_t a1,
		  uint64_t a2, uint64_t a3)
{
	/* Both ABIs: 64-bit code reads RDI, RSI, RDX; 32-bit code EBX,
	 * ECX, EDX. */
	struct mon_regs r = { .rax = nr, .rdi = a1, .rsi = a2, .rdx = a3,
			      .rbx = a1, .rcx = a2, .rflags = 2 };
	bool dirty = false;
	uint8_t data = 0;
	struct mon_exit x = { .kind = MON_X_IO, .regs = &r, .regs_dirty = &dirty,
		.io = { .port = VMI_PORT_XEN_HYPERCALL, .out = true, .size = 1,
			.count = 1, .data = &data } };

	assert_true(pers_xen.pio(m, vcpu, &x));
	assert_true(dirty);
	/* A 32-bit caller's result is EAX. */
	if (!(fake_host.sregs.efer & EFER_LMA && fake_host.sregs.cs_l))
		return (int32_t)r.rax;
	return (long)r.rax;
}

static void *gpa(struct mon *m, uint64_t pa)
{
	void *p = mon_gpa_ptr(m, pa, 1);

	assert_non_null(p);
	return p;
}

static void map_shared(struct mon *m)
{
	struct xen_add_to_physmap a = { .domid = DOMID_SELF,
		.space = XENMAPSPACE_shared_info, .gpfn = SHARED_PA >> 12 };

	memcpy(gpa(m, ARG_PA), &a, sizeof(a));
	assert_int_equal(hcall(m, 0, __HYPERVISOR_memory_op,
			       XENMEM_add_to_physmap, ARG_PA, 0), 0);
}

/* EVTCHNOP (cmd) from vCPU 0 with (len) bytes of (s) as its argument
 * structure at ARG_PA, copied back after the call. */
static long evtchn_op(struct mon *m, unsigned cmd, void *s, size_t len)
{
	long r;

	memcpy(gpa(m, ARG_PA), s, len);
	r = hcall(m, 0, __HYPERVISOR_event_channel_op, cmd, ARG_PA, 0);
	memcpy(s, gpa(m, ARG_PA), len);
	return r;
}

static uint32_t bind_ipi(struct mon *m, uint32_t vcpu)
{
	struct evtchn_bind_ipi b = { .vcpu = vcpu };

	assert_int_equal(evtchn_op(m, EVTCHNOP_bind_ipi, &b, sizeof(b)), 0);
	return b.port;
}

static long port_op(struct mon *m, unsigned cmd, uint32_t port)
{
	return evtchn_op(m, cmd, &port, sizeof(port));
}

static long bind_virq(struct mon *m, uint32_t virq, uint32_t vcpu)
{
	struct evtchn_bind_virq b = { .virq = virq, .vcpu = vcpu };
	long r = evtchn_op(m, EVTCHNOP_bind_virq, &b, sizeof(b));

	return r < 0 ? r : (long)b.port;
}

static long bind_vcpu(struct mon *m, uint32_t port, uint32_t vcpu)
{
	struct evtchn_bind_vcpu b = { .port = port, .vcpu = vcpu };

	return evtchn_op(m, EVTCHNOP_bind_vcpu, &b, sizeof(b));
}

/* EVTCHNOP_status of (port), as the status or the call's error. */
static long port_status(struct mon *m, uint32_t port)
{
	struct evtchn_status st = { .dom = DOMID_SELF, .port = port };
	long r = evtchn_op(m, EVTCHNOP_status, &st, sizeof(st));

	return r < 0 ? r : (long)st.status;
}

static uint32_t notified_vcpu(struct mon *m, uint32_t port)
{
	struct evtchn_status st = { .dom = DOMID_SELF, .port = port };

	assert_int_equal(evtchn_op(m, EVTCHNOP_status, &st, sizeof(st)), 0);
	return st.vcpu;
}

/* Xen evtchn_bind_virq() and evtchn_bind_vcpu(): a global VIRQ binds on
 * vCPU 0 only (even when the vCPU named does not exist), then moves to
 * any vCPU; a per-vCPU VIRQ, an IPI and a free port never move; closing
 * a moved global VIRQ frees its binding, so it binds again. */
static void test_xen_mon_global_virq_and_bind_vcpu(void **state)
{
	struct mon *m = *state;
	long con, timer;
	uint32_t ipi;

	assert_int_equal(bind_virq(m, VIRQ_CON_RING, 1), -XEN_EINVAL);
	assert_int_equal(bind_virq(m, VIRQ_CON_RING, 5), -XEN_EINVAL);
	assert_int_equal(bind_virq(m, VIRQ_TIMER, 5), -XEN_ENOENT);
	con = bind_virq(m, VIRQ_CON_RING, 0);
	assert_true(con > 0);
	timer = bind_virq(m, VIRQ_TIMER, 1);
	assert_true(timer > 0);
	ipi = bind_ipi(m, 0);

	assert_int_equal(bind_vcpu(m, (uint32_t)con, 2), -XEN_ENOENT);
	assert_int_equal(bind_vcpu(m, (uint32_t)con, 1), 0);
	assert_int_equal(notified_vcpu(m, (uint32_t)con), 1);
	assert_int_equal(bind_vcpu(m, (uint32_t)timer, 0), -XEN_EINVAL);
	assert_int_equal(notified_vcpu(m, (uint32_t)timer), 1);
	assert_int_equal(bind_vcpu(m, ipi, 1), -XEN_EINVAL);
	assert_int_equal(bind_vcpu(m, 0, 1), -XEN_EINVAL);
	assert_int_equal(bind_vcpu(m, PERS_XEN_PORTS - 1, 1), -XEN_EINVAL);
	assert_int_equal(bind_vcpu(m, 0xffffffffu, 1), -XEN_EINVAL);
	/* The console is interdomain: it moves, and moves back. */
	assert_int_equal(bind_vcpu(m, pers_xen_of(m)->console_port, 1), 0);
	assert_int_equal(notified_vcpu(m, pers_xen_of(m)->console_port), 1);
	assert_int_equal(bind_vcpu(m, pers_xen_of(m)->console_port, 0), 0);

	assert_int_equal(bind_virq(m, VIRQ_CON_RING, 0), -XEN_EEXIST);
	assert_int_equal(port_op(m, EVTCHNOP_close, (uint32_t)con), 0);
	assert_true(bind_virq(m, VIRQ_CON_RING, 0) > 0);
}

/* Each vCPU's vcpu_time_info: XEN_PVCLOCK_TSC_STABLE_BIT only while
 * guest time is TSC-stable (--clocksource tsc); by default not, as Xen
 * without clocksource=tsc. */
static void test_xen_mon_time_stable_bit_follows_clocksource(void **state)
{
	struct mon *m = *state;
	struct shared_info *s = gpa(m, SHARED_PA);

	map_shared(m);
	for (unsigned v = 0; v < 2; v++) {
		assert_int_equal(s->vcpu_info[v].time.flags, 0);
		assert_int_equal(s->vcpu_info[v].time.version, 2);
	}
	m->clock.tsc_stable = true;
	for (unsigned v = 0; v < 2; v++) {
		pers_xen_write_time(m, v);
		assert_int_equal(s->vcpu_info[v].time.flags,
				 XEN_PVCLOCK_TSC_STABLE_BIT);
	}
}

static void test_xen_mon_msr_fills_port_io_stubs(void **state)
{
	struct mon *m = *state;
	uint64_t v = 0x5000;
	const uint8_t *p = gpa(m, 0x5000 + 17 * 32);

	assert_true(pers_xen.msr(m, 0, true, 0x40000000, &v));
	assert_int_equal(p[0], 0xb8);
	assert_int_equal(p[1], 17);
	assert_int_equal(p[5], 0xe6);
	assert_int_equal(p[6], VMI_PORT_XEN_HYPERCALL);
	assert_int_equal(p[7], 0xc3);
	v = 0x5001;
	assert_false(pers_xen.msr(m, 0, true, 0x40000000, &v));    /* #GP */
	v = RAM;
	assert_false(pers_xen.msr(m, 0, true, 0x40000000, &v));
}

static void test_xen_mon_send_ipi_sets_bits_and_injects_once(void **state)
{
	struct mon *m = *state;
	struct shared_info *s = gpa(m, SHARED_PA);
	struct xen_hvm_evtchn_upcall_vector u = { .vcpu = 1, .vector = 0xf3 };
	uint32_t port;

	map_shared(m);
	memcpy(gpa(m, ARG_PA), &u, sizeof(u));
	assert_int_equal(hcall(m, 0, __HYPERVISOR_hvm_op,
			       HVMOP_set_evtchn_upcall_vector, ARG_PA, 0), 0);
	port = bind_ipi(m, 1);
	pers_xen_of(m)->vcpu[1].up = true;
	assert_int_equal(port_op(m, EVTCHNOP_send, port), 0);
	assert_true(s->evtchn_pending[0] >> port & 1);
	assert_true(s->vcpu_info[1].evtchn_pending_sel & 1);
	assert_int_equal(s->vcpu_info[1].evtchn_upcall_pending, 1);
	assert_int_equal(fake_host.nmsi, 1);
	assert_int_equal(fake_host.last_vector, 0xf3);
	assert_int_equal(port_op(m, EVTCHNOP_send, port), 0);     /* coalesces */
	assert_int_equal(fake_host.nmsi, 1);
}

/* Xen's hvmop_set_evtchn_upcall_vector asserts the new vector at once
 * (hvm_assert_evtchn_irq), whether an upcall is pending or not; a vCPU
 * that is not up gets nothing. */
static void test_xen_mon_upcall_vector_asserts_at_once(void **state)
{
	struct mon *m = *state;
	struct xen_hvm_evtchn_upcall_vector u = { .vcpu = 0, .vector = 0xf3 };
	struct shared_info *s = gpa(m, SHARED_PA);

	map_shared(m);
	assert_int_equal(s->vcpu_info[0].evtchn_upcall_pending, 0);
	memcpy(gpa(m, ARG_PA), &u, sizeof(u));
	assert_int_equal(hcall(m, 0, __HYPERVISOR_hvm_op,
			       HVMOP_set_evtchn_upcall_vector, ARG_PA, 0), 0);
	assert_int_equal(fake_host.nmsi, 1);
	assert_int_equal(fake_host.msi[0].vcpu, 0);
	assert_int_equal(fake_host.msi[0].vector, 0xf3);
	u.vcpu = 1;                             /* not up */
	memcpy(gpa(m, ARG_PA), &u, sizeof(u));
	assert_int_equal(hcall(m, 0, __HYPERVISOR_hvm_op,
			       HVMOP_set_evtchn_upcall_vector, ARG_PA, 0), 0);
	assert_int_equal(fake_host.nmsi, 1);
}

/* An IPI port of vCPU 0 (upcall vector 0xf3), masked, then sent to. */
static uint32_t masked_ipi_sent(struct mon *m)
{
	struct shared_info *s = gpa(m, SHARED_PA);
	uint32_t port;

	map_shared(m);
	pers_xen_of(m)->vcpu[0].vector = 0xf3;
	port = bind_ipi(m, 0);
	s->evtchn_mask[0] |= 1ull << port;
	assert_int_equal(port_op(m, EVTCHNOP_send, port), 0);
	return port;
}

static void test_xen_mon_masked_port_injects_on_unmask(void **state)
{
	struct mon *m = *state;
	struct shared_info *s = gpa(m, SHARED_PA);
	uint32_t port;

	port = masked_ipi_sent(m);
	assert_int_equal(fake_host.nmsi, 0);
	assert_int_equal(s->vcpu_info[0].evtchn_upcall_pending, 0);
	assert_int_equal(port_op(m, EVTCHNOP_unmask, port), 0);
	assert_int_equal(fake_host.nmsi, 1);
	assert_false(s->evtchn_mask[0] >> port & 1);
}

/* Xen's ports exist a bucket of 64 at a time, from evtchn_init on, each
 * further bucket from the first allocation in it, and are never freed
 * (evtchn_allocate_port; port_is_valid is port < valid_evtchns): one
 * that exists, port 0 (reserved) and free ones included, reads
 * EVTCHNSTAT_closed, is unmasked as a no-op (0, its mask bit left) and
 * has 2-level's set_priority -ENOSYS; one past them is -EINVAL. */
static void test_xen_mon_ports_exist_by_bucket(void **state)
{
	struct mon *m = *state;
	struct shared_info *s = gpa(m, SHARED_PA);
	struct evtchn_set_priority sp = { .port = 0 };

	map_shared(m);
	s->evtchn_mask[0] = 1ull << 0 | 1ull << 63;
	assert_int_equal(port_status(m, 0), EVTCHNSTAT_closed);
	assert_int_equal(port_status(m, 63), EVTCHNSTAT_closed);
	assert_int_equal(port_status(m, 64), -XEN_EINVAL);
	assert_int_equal(port_op(m, EVTCHNOP_unmask, 0), 0);
	assert_int_equal(port_op(m, EVTCHNOP_unmask, 63), 0);
	assert_int_equal(s->evtchn_mask[0], 1ull << 0 | 1ull << 63);
	assert_int_equal(port_op(m, EVTCHNOP_unmask, 64), -XEN_EINVAL);
	memcpy(gpa(m, ARG_PA), &sp, sizeof(sp));
	assert_int_equal(hcall(m, 0, __HYPERVISOR_event_channel_op,
			       EVTCHNOP_set_priority, ARG_PA, 0), -XEN_ENOSYS);
	sp.port = 64;
	memcpy(gpa(m, ARG_PA), &sp, sizeof(sp));
	assert_int_equal(hcall(m, 0, __HYPERVISOR_event_channel_op,
			       EVTCHNOP_set_priority, ARG_PA, 0), -XEN_EINVAL);
	/* Ports 2..64 bound: the second bucket exists; closing keeps it. */
	for (uint32_t p = 2; p <= 64; p++)
		assert_int_equal(bind_ipi(m, 0), p);
	assert_int_equal(port_op(m, EVTCHNOP_close, 64), 0);
	assert_int_equal(port_status(m, 64), EVTCHNSTAT_closed);
	assert_int_equal(port_status(m, 127), EVTCHNSTAT_closed);
	assert_int_equal(port_op(m, EVTCHNOP_unmask, 127), 0);
	assert_int_equal(port_status(m, 128), -XEN_EINVAL);
	/* Still refused on a port not in use, as in Xen. */
	assert_int_equal(port_op(m, EVTCHNOP_send, 0), -XEN_EINVAL);
	assert_int_equal(port_op(m, EVTCHNOP_close, 64), -XEN_EINVAL);
	assert_int_equal(bind_vcpu(m, 0, 1), -XEN_EINVAL);
}

/* Xen's evtchn_free(): close clears the port's pending bit, so an event
 * flagged while it was masked does not swallow the first event of the
 * port bound again (which would find the bit set and raise nothing). */
static void test_xen_mon_close_clears_pending(void **state)
{
	struct mon *m = *state;
	struct shared_info *s = gpa(m, SHARED_PA);
	uint32_t port;

	port = masked_ipi_sent(m);
	assert_true(s->evtchn_pending[0] >> port & 1);
	assert_int_equal(port_op(m, EVTCHNOP_close, port), 0);
	assert_false(s->evtchn_pending[0] >> port & 1);
	assert_true(s->evtchn_mask[0] >> port & 1);     /* left as it was */
	s->evtchn_mask[0] &= ~(1ull << port);   /* as Linux unmasks in place */
	assert_int_equal(bind_ipi(m, 0), port);
	assert_int_equal(port_op(m, EVTCHNOP_send, port), 0);
	assert_int_equal(fake_host.nmsi, 1);
}

static void test_xen_mon_console_send_drains_ring(void **state)
{
	struct mon *m = *state;
	struct xencons_interface *c = gpa(m, PERS_XEN_CONSOLE_PA);
	char buf[16] = { 0 };

	memcpy(c->out, "xen!\n", 5);
	c->out_prod = 5;
	assert_int_equal(port_op(m, EVTCHNOP_send, pers_xen_of(m)->console_port), 0);
	assert_int_equal(c->out_cons, 5);
	assert_int_equal(read(pipefd[0], buf, sizeof(buf)), 5);
	assert_string_equal(buf, "xen!\n");
	c->out_prod = 5 + 100000;       /* a lying producer: bounded */
	assert_int_equal(port_op(m, EVTCHNOP_send, pers_xen_of(m)->console_port), 0);
	assert_int_equal(c->out_cons, 5 + 100000);
}

/* From 32-bit code the number is EAX and the arguments EBX, ECX, EDX,
 * ESI, EDI, truncated (Xen hvm_hypercall); RDI/RSI are not looked at;
 * the result is a 32-bit EAX. */
static void test_xen_mon_32bit_caller_uses_ebx_ecx(void **state)
{
	struct mon *m = *state;
	struct mon_regs r = { .rax = 0xffffffff00000000ull | __HYPERVISOR_xen_version,
			      .rbx = 0xdead000000000000ull | XENVER_pagesize,
			      .rcx = 0xdead000000000000ull,
			      .rdi = 77, .rsi = 1 };
	bool dirty = false;
	uint8_t data = 0;
	struct mon_exit x = { .kind = MON_X_IO, .regs = &r, .regs_dirty = &dirty,
		.io = { .port = VMI_PORT_XEN_HYPERCALL, .out = true, .size = 1,
			.count = 1, .data = &data } };

	fake_host.sregs.cs_l = 0;            /* compatibility mode */
	fake_host.sregs.cs_db = 1;
	assert_true(pers_xen.pio(m, 0, &x));
	assert_int_equal(r.rax, 4096);
	r.rax = __HYPERVISOR_xen_version;
	r.rbx = XENVER_pagesize;
	r.rcx = 0x1000;                 /* non-NULL: -EINVAL, as 32 bits */
	assert_true(pers_xen.pio(m, 0, &x));
	assert_int_equal(r.rax, (uint32_t)-XEN_EINVAL);
	fake_host.sregs.efer = 0;            /* legacy protected mode ... */
	r.rflags = 2 | 1u << 17;        /* ... virtual-8086: -EPERM */
	assert_true(pers_xen.pio(m, 0, &x));
	assert_int_equal(r.rax, (uint32_t)-XEN_EPERM);
}

/* set_timer_op from 32-bit code: the deadline in EBX (low half) and ECX
 * (high half, signed), as Xen's compat_set_timer_op; a deadline 5 s
 * ahead does not fit in 32 bits of ns. */
static void test_xen_mon_32bit_set_timer_op_takes_two_halves(void **state)
{
	struct mon *m = *state;
	uint64_t d = fake_host.tsc + 5000000000ull;

	fake_host.sregs.cs_l = 0;            /* compatibility mode */
	fake_host.sregs.cs_db = 1;
	assert_int_equal(hcall(m, 0, __HYPERVISOR_set_timer_op, (uint32_t)d,
			       d >> 32, 0), 0);
	assert_true(fake_host.armed_at > d - 1000000 && fake_host.armed_at < d + 1000000);
}

/* A 32-bit caller's blocks in Xen's compat layouts where their size
 * differs (Xen's xlat.lst): platform_parameters has a 4-byte virt_start
 * (0, as Debian's Xen 4.17 answers: compat/kernel.c), sched_poll a 4-byte handle
 * (sched/compat.c compat_poll), vcpu_set_singleshot_timer 12 bytes.
 * Each was read or written with the 64-bit layout before (checked). */
static void test_xen_mon_32bit_compat_blocks(void **state)
{
	struct mon *m = *state;
	struct { uint32_t ports, nr_ports; uint64_t timeout; } poll = {
		.ports = ARG_PA + 0x100, .nr_ports = 1 };
	struct { uint64_t timeout_abs_ns; uint32_t flags; }
		__attribute__((packed)) shot = { fake_host.tsc + 1000000, 0 };
	uint8_t *arg = gpa(m, ARG_PA);
	uint32_t port = bind_ipi(m, 0), none = 0, v32;
	uint64_t v64;

	memset(arg, 0x5a, 16);
	assert_int_equal(hcall(m, 0, __HYPERVISOR_xen_version,
			       XENVER_platform_parameters, ARG_PA, 0), 0);
	memcpy(&v64, arg, 8);
	assert_true(v64 == HYPERVISOR_VIRT_START);
	fake_host.sregs.cs_l = 0;            /* compatibility mode */
	fake_host.sregs.cs_db = 1;
	memset(arg, 0x5a, 16);
	assert_int_equal(hcall(m, 0, __HYPERVISOR_xen_version,
			       XENVER_platform_parameters, ARG_PA, 0), 0);
	memcpy(&v32, arg, 4);
	assert_int_equal(v32, 0);
	memcpy(&v32, arg + 4, 4);               /* nothing past the block */
	assert_int_equal(v32, 0x5a5a5a5au);
	/* Stopped: a poll that passes its checks returns at once. */
	atomic_store(&m->stopped, true);
	memcpy(arg, &poll, sizeof(poll));
	memcpy(arg + 0x100, &none, 4);          /* port 0: never valid */
	assert_int_equal(hcall(m, 0, __HYPERVISOR_sched_op, SCHEDOP_poll,
			       ARG_PA, 0), -XEN_EINVAL);
	memcpy(arg + 0x100, &port, 4);
	assert_int_equal(hcall(m, 0, __HYPERVISOR_sched_op, SCHEDOP_poll,
			       ARG_PA, 0), 0);
	poll.nr_ports = 129;                    /* past Xen's limit */
	memcpy(arg, &poll, sizeof(poll));
	assert_int_equal(hcall(m, 0, __HYPERVISOR_sched_op, SCHEDOP_poll,
			       ARG_PA, 0), -XEN_EINVAL);
	/* 12 bytes that end where the mapping ends. */
	pt(m, 2)[1] = 0;                        /* [2 MiB, 4 MiB) unmapped */
	memcpy(gpa(m, 0x200000 - 12), &shot, sizeof(shot));
	assert_int_equal(hcall(m, 0, __HYPERVISOR_vcpu_op,
			       VCPUOP_set_singleshot_timer, 0, 0x200000 - 12), 0);
	fake_long_mode();                       /* 16 bytes from 64-bit code */
	pt(m, 2)[1] = 0;
	assert_int_equal(hcall(m, 0, __HYPERVISOR_vcpu_op,
			       VCPUOP_set_singleshot_timer, 0, 0x200000 - 12),
			 -XEN_EFAULT);
}

static void test_xen_mon_user_mode_call_is_eperm(void **state)
{
	struct mon *m = *state;

	fake_host.sregs.cs_dpl = fake_host.sregs.ss_dpl = 3;
	assert_int_equal(hcall(m, 0, __HYPERVISOR_xen_version, 0, 0, 0),
			 -XEN_EPERM);
	fake_host.sregs.cs_dpl = fake_host.sregs.ss_dpl = 0;
	assert_int_equal(hcall(m, 0, __HYPERVISOR_xen_version, 0, 0, 0),
			 PERS_XEN_VERSION_MAJOR << 16 | PERS_XEN_VERSION_MINOR);
}

/* The CPL is SS.DPL, as Xen's hvm_get_cpl() reads it (VMX: SS access
 * rights; SDM Vol. 3A 5.5), not CS.DPL: user code in a conforming code
 * segment of DPL 0 has CS.DPL 0 at CPL 3.  Such a call is -EPERM. */
static void test_xen_mon_conforming_cs_user_call_is_eperm(void **state)
{
	struct mon *m = *state;

	fake_host.sregs.cs_dpl = 0;
	fake_host.sregs.ss_dpl = 3;
	assert_int_equal(hcall(m, 0, __HYPERVISOR_xen_version, 0, 0, 0),
			 -XEN_EPERM);
	fake_host.sregs.ss_dpl = 0;          /* kernel code in any segment */
	fake_host.sregs.cs_dpl = 3;
	assert_int_equal(hcall(m, 0, __HYPERVISOR_xen_version, 0, 0, 0),
			 PERS_XEN_VERSION_MAJOR << 16 | PERS_XEN_VERSION_MINOR);
}

/* Point stderr (console_io's hypervisor log) at a fresh temporary
 * file; returns the saved stderr for log_end(). */
static int log_begin(FILE **f)
{
	int saved = dup(STDERR_FILENO);

	*f = tmpfile();
	assert_non_null(*f);
	fflush(stderr);
	assert_true(dup2(fileno(*f), STDERR_FILENO) >= 0);
	return saved;
}

/* Restore stderr; the log's contents, NUL-terminated (free them). */
static char *log_end(FILE *f, int saved, size_t *len)
{
	long n;
	char *buf;

	dup2(saved, STDERR_FILENO);
	close(saved);
	n = lseek(fileno(f), 0, SEEK_END);
	assert_true(n >= 0);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(pread(fileno(f), buf, (size_t)n, 0), n);
	buf[n] = 0;
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Guest bytes that change under the monitor on every read, as another
 * vCPU of a hostile guest could change them between two reads: their
 * host page is inaccessible, and each access faults (SIGSEGV), toggles
 * the byte it touches between 'x' and a newline, and is single-stepped
 * with the page open (RFLAGS.TF, then SIGTRAP closes it again).  A
 * monitor that reads each byte once sees consistent text; one that
 * reads a byte twice sees two different values, deterministically. */
static char *watch_lo, *watch_hi;
static void *watch_page;
static size_t watch_len;

static void watch_segv(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	char *a = si->si_addr;

	(void)sig;
	mprotect(watch_page, watch_len, PROT_READ | PROT_WRITE);
	if (a >= watch_lo && a < watch_hi)
		*a = *a == 'x' ? '\n' : 'x';
	uc->uc_mcontext.gregs[REG_EFL] |= 0x100;        /* TF */
}

static void watch_trap(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	(void)sig, (void)si;
	mprotect(watch_page, watch_len, PROT_NONE);
	uc->uc_mcontext.gregs[REG_EFL] &= ~0x100;
}

static void watch(char *p, size_t len, bool on)
{
	static struct sigaction old_segv, old_trap;
	struct sigaction sa = { .sa_flags = SA_SIGINFO };
	uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);

	if (!on) {
		mprotect(watch_page, watch_len, PROT_READ | PROT_WRITE);
		sigaction(SIGSEGV, &old_segv, NULL);
		sigaction(SIGTRAP, &old_trap, NULL);
		return;
	}
	watch_lo = p, watch_hi = p + len;
	watch_page = (void *)((uintptr_t)p & ~(pg - 1));
	watch_len = ((uintptr_t)watch_hi - (uintptr_t)watch_page + pg - 1) &
		    ~(pg - 1);
	sigemptyset(&sa.sa_mask);
	sa.sa_sigaction = watch_segv;
	sigaction(SIGSEGV, &sa, &old_segv);
	sa.sa_sigaction = watch_trap;
	sigaction(SIGTRAP, &sa, &old_trap);
	assert_int_equal(mprotect(watch_page, watch_len, PROT_NONE), 0);
}

/* console_io copies the guest's text once and decides on the "(d1) "
 * prefixes from that copy.  Reading a byte once to print it and again
 * to see whether it ends a line (a double fetch) lets a guest that
 * changes it meanwhile print a prefix in mid-line or a newline without
 * one.  With text that changes on every read (watch()), every "(d1) "
 * in the log must start a line and every line must start with one. */
static void test_xen_mon_console_io_reads_guest_text_once(void **state)
{
	struct mon *m = *state;
	char *text = gpa(m, ARG_PA), *log;
	size_t len;
	FILE *file;
	int saved;

	memset(text, 'x', 300);
	saved = log_begin(&file);
	watch(text, 300, true);
	long r = hcall(m, 0, __HYPERVISOR_console_io, CONSOLEIO_write, 300,
		       ARG_PA);
	watch(text, 300, false);
	log = log_end(file, saved, &len);
	assert_int_equal(r, 0);
	assert_true(len >= 300);
	for (size_t i = 0, bol = 1; i < len; i++) {
		if (bol) {
			assert_memory_equal(log + i, "(d1) ", 5);
			i += 4;
			bol = 0;
		} else {
			assert_true(log[i] != '(');
			bol = log[i] == '\n';
		}
	}
	free(log);
}

/* Xen's do_console_io: CONSOLEIO_read has no input to give, so it is 0
 * without touching the buffer, whatever it is; a count over INT_MAX is
 * -E2BIG.  CONSOLEIO_write copies chunk by chunk: a buffer that runs
 * off RAM is -EFAULT after the chunks before the bad one are written. */
static void test_xen_mon_console_io_read_and_partial_write(void **state)
{
	struct mon *m = *state;
	char *log;
	size_t len;
	FILE *file;
	int saved;

	assert_int_equal(hcall(m, 0, __HYPERVISOR_console_io, CONSOLEIO_read,
			       16, RAM + 0x10000000ull), 0);
	assert_int_equal(hcall(m, 0, __HYPERVISOR_console_io, CONSOLEIO_read,
			       0x80000000u, ARG_PA), -XEN_E2BIG);
	memset(gpa(m, RAM - 1500), 'y', 1500);
	saved = log_begin(&file);
	long r = hcall(m, 0, __HYPERVISOR_console_io, CONSOLEIO_write, 2000,
		       RAM - 1500);
	log = log_end(file, saved, &len);
	assert_int_equal(r, -XEN_EFAULT);
	assert_int_equal(len, 5 + 1024);        /* "(d1) " and one chunk */
	free(log);
}

/* XENVER_get_features at linear (va): it copies the structure in and
 * out, so it needs the page readable and writable.  0 or -EFAULT. */
static long features_at(struct mon *m, uint64_t va)
{
	return hcall(m, 0, __HYPERVISOR_xen_version, XENVER_get_features, va,
		     0);
}

static uint64_t gpa64(struct mon *m, uint64_t pa)
{
	uint64_t v;

	memcpy(&v, gpa(m, pa), 8);
	return v;
}

/* Hypercall pointers are linear addresses of the caller, translated
 * through its page tables as Xen's copy_from_guest does for an HVM
 * guest (hvm_copy_from_guest_linear): an alias above RAM reaches the
 * RAM it maps, a RAM address the tables do not map is -EFAULT, the
 * walk sets the accessed bits and, for a write, the leaf's dirty bit;
 * like Xen's walk, the bits above 47 are not looked at. */
static void test_xen_mon_pointers_are_linear(void **state)
{
	struct mon *m = *state;
	const uint64_t alias = 1ull << 30;      /* PDPT slot 1 */
	struct xen_feature_info fi = { .submap_idx = 0 };

	/* Linear 1 GiB + 0x100000 -> physical ARG_PA, by a 2 MiB page at
	 * 0x200000 in a second page directory (page 3). */
	pt(m, 1)[1] = (PT_PA + 0x3000) | 3;
	pt(m, 3)[0] = 0x200000 | 0x83;
	memcpy(gpa(m, ARG_PA), &fi, sizeof(fi));
	assert_int_equal(features_at(m, alias + 0x100000), 0);
	memcpy(&fi, gpa(m, ARG_PA), sizeof(fi));
	assert_true(fi.submap & 1u << XENFEAT_hvm_callback_vector);
	assert_true(gpa64(m, PT_PA) & 0x20);                    /* A */
	assert_true(gpa64(m, PT_PA + 0x1008) & 0x20);
	assert_true(gpa64(m, PT_PA + 0x3000) & 0x60);           /* A, D */
	/* Non-canonical: bit 48 is ignored, as Xen's walk ignores it. */
	assert_int_equal(features_at(m, 1ull << 48 | ARG_PA), 0);
	/* The alias's own physical address is no RAM. */
	assert_int_equal(features_at(m, 0x300000 + 4096 * 1024ull * 1024),
			 -XEN_EFAULT);
	/* RAM the tables do not map. */
	pt(m, 2)[1] = 0;
	assert_int_equal(features_at(m, ARG_PA), -XEN_EFAULT);
	assert_int_equal(features_at(m, alias + 0x100000), 0);
}

/* Xen's access checks for a hypercall's copy, a supervisor data access:
 * a write to a page read-only at any level fails with CR0.WP and not
 * without; with CR4.SMAP a user page fails unless RFLAGS.AC.  A read
 * of a read-only page is fine. */
static void test_xen_mon_copy_checks_write_and_smap(void **state)
{
	struct mon *m = *state;
	uint32_t port = 1;

	memset(gpa(m, ARG_PA), 0, 16);
	pt(m, 1)[0] &= ~2ull;                   /* the PDPTE read-only */
	fake_host.sregs.cr0 |= 1u << 16;             /* WP */
	assert_int_equal(features_at(m, ARG_PA), -XEN_EFAULT);
	memcpy(gpa(m, ARG_PA), &port, 4);       /* send reads only */
	assert_int_equal(hcall(m, 0, __HYPERVISOR_event_channel_op,
			       EVTCHNOP_send, ARG_PA, 0), 0);
	memset(gpa(m, ARG_PA), 0, 16);
	fake_host.sregs.cr0 &= ~(1ull << 16);
	assert_int_equal(features_at(m, ARG_PA), 0);
	pt(m, 1)[0] |= 2;
	pt(m, 0)[0] |= 4;                       /* a user page */
	pt(m, 1)[0] |= 4;
	pt(m, 2)[1] |= 4;
	fake_host.sregs.cr4 |= 1u << 21;             /* SMAP */
	assert_int_equal(features_at(m, ARG_PA), -XEN_EFAULT);
	struct mon_regs r = { .rax = __HYPERVISOR_xen_version,
		.rdi = XENVER_get_features, .rsi = ARG_PA,
		.rflags = 2 | 1u << 18 };       /* AC */
	bool dirty = false;
	uint8_t data = 0;
	struct mon_exit x = { .kind = MON_X_IO, .regs = &r, .regs_dirty = &dirty,
		.io = { .port = VMI_PORT_XEN_HYPERCALL, .out = true, .size = 1,
			.count = 1, .data = &data } };
	assert_true(pers_xen.pio(m, 0, &x));
	assert_int_equal((long)r.rax, 0);
}

/* Xen's do_event_channel_op: a bind whose structure cannot be written
 * back (here a read-only page under CR0.WP) is -EFAULT with the port
 * left bound ("Cleaning up here would be a mess!"): the VIRQ stays
 * bound, so binding it again is -EEXIST, and the next free port is the
 * one after the two. */
static void test_xen_mon_bind_fault_keeps_the_port(void **state)
{
	struct mon *m = *state;
	struct evtchn_bind_virq b = { .virq = VIRQ_TIMER, .vcpu = 0 };
	struct evtchn_bind_ipi bi = { .vcpu = 1 };

	memcpy(gpa(m, ARG_PA), &b, sizeof(b));
	memcpy(gpa(m, ARG_PA + 0x100), &bi, sizeof(bi));
	pt(m, 2)[1] &= ~2ull;                   /* ARG_PA's 2 MiB read-only */
	fake_host.sregs.cr0 |= 1u << 16;        /* WP */
	assert_int_equal(hcall(m, 0, __HYPERVISOR_event_channel_op,
			       EVTCHNOP_bind_virq, ARG_PA, 0), -XEN_EFAULT);
	assert_int_equal(hcall(m, 0, __HYPERVISOR_event_channel_op,
			       EVTCHNOP_bind_ipi, ARG_PA + 0x100, 0),
			 -XEN_EFAULT);
	pt(m, 2)[1] |= 2;
	assert_int_equal(pers_xen_of(m)->vcpu[0].virq_port[VIRQ_TIMER], 2);
	assert_int_equal(bind_virq(m, VIRQ_TIMER, 0), -XEN_EEXIST);
	assert_int_equal(notified_vcpu(m, 3), 1);       /* the IPI port */
	assert_int_equal(pers_xen_of(m)->port[3].kind, PERS_XEN_IPI);
	assert_int_equal(bind_ipi(m, 0), 4);
}

/* Reserved bits, as Xen's walk checks them: an address bit at or above
 * the guest's 39-bit MAXPHYADDR, NX without EFER.NXE, PS in a PML4E or
 * (the guest has no 1 GiB pages) a PDPTE, a 2 MiB page's bits 20:13. */
static void test_xen_mon_walk_reserved_bits(void **state)
{
	struct mon *m = *state;
	uint64_t pde = pt(m, 2)[1];

	assert_int_equal(features_at(m, ARG_PA), 0);
	pt(m, 2)[1] = pde | 1ull << 45;
	assert_int_equal(features_at(m, ARG_PA), -XEN_EFAULT);
	pt(m, 2)[1] = pde | 1ull << 63;
	assert_int_equal(features_at(m, ARG_PA), -XEN_EFAULT);
	fake_host.sregs.efer |= 1u << 11;            /* NXE */
	assert_int_equal(features_at(m, ARG_PA), 0);
	pt(m, 2)[1] = pde | 1u << 13;
	assert_int_equal(features_at(m, ARG_PA), -XEN_EFAULT);
	pt(m, 2)[1] = pde;
	pt(m, 0)[0] |= 0x80;
	assert_int_equal(features_at(m, ARG_PA), -XEN_EFAULT);
	pt(m, 0)[0] &= ~0x80ull;
	pt(m, 1)[0] = 0x83;                     /* a 1 GiB page at 0 */
	assert_int_equal(features_at(m, ARG_PA), -XEN_EFAULT);
	pers_xen_of(m)->page1gb = true;
	assert_int_equal(features_at(m, ARG_PA), 0);
}

/* Tables that lie outside RAM are never touched: the walk fails. */
static void test_xen_mon_walk_tables_outside_ram(void **state)
{
	struct mon *m = *state;

	fake_host.sregs.cr3 = RAM;                   /* just past RAM */
	assert_int_equal(features_at(m, ARG_PA), -XEN_EFAULT);
	fake_host.sregs.cr3 = PT_PA;
	pt(m, 1)[0] = 0xfff00000000ull | 3;     /* a PD past RAM */
	assert_int_equal(features_at(m, ARG_PA), -XEN_EFAULT);
	pt(m, 1)[0] = (RAM - 0x1000) | 3;       /* the last RAM page as PD */
	memset(gpa(m, RAM - 0x1000), 0, 0x1000);
	assert_int_equal(features_at(m, ARG_PA), -XEN_EFAULT);
	memcpy(gpa(m, RAM - 0x1000 + 8), &(uint64_t){ 0x200000 | 0x83 }, 8);
	assert_int_equal(features_at(m, ARG_PA), 0);
}

/* A structure that straddles a mapped and an unmapped page: -EFAULT.
 * Xen copies page by page: a copy in fails whole, a copy out has
 * written the pages before the one that failed. */
static void test_xen_mon_copy_straddling_unmapped_page(void **state)
{
	struct mon *m = *state;
	char *before = gpa(m, 0x200000 - 64);

	pt(m, 2)[1] = 0;                        /* [2 MiB, 4 MiB) unmapped */
	assert_int_equal(features_at(m, 0x200000 - 4), -XEN_EFAULT);
	assert_int_equal(features_at(m, 0x200000 - 8), 0);
	memset(before, 0, 64);
	assert_int_equal(hcall(m, 0, __HYPERVISOR_xen_version,
			       XENVER_compile_info, 0x200000 - 64, 0),
			 -XEN_EFAULT);
	assert_string_equal(before, "vmi-run");  /* .compiler, page 1 */
}

/* The other paging modes, from 32-bit code (compatibility mode or
 * legacy protected mode): paging off (identity), 32-bit paging with
 * 4 KiB pages and, with CR4.PSE, 4 MiB pages, PAE paging; and 5-level
 * paging from 64-bit code.  Each maps linear 0x40100000 to ARG_PA. */
static void test_xen_mon_paging_modes(void **state)
{
	struct mon *m = *state;
	uint32_t *pd32 = (uint32_t *)pt(m, 0), *pt32 = (uint32_t *)pt(m, 1);
	const uint64_t va = 0x40100000;

	memset(pt(m, 0), 0, 4 * 0x1000);
	fake_host.sregs = (struct mon_sregs){ .cr0 = CR0_PE, .cs_db = 1 };
	assert_int_equal(features_at(m, ARG_PA), 0);
	assert_int_equal(features_at(m, va), -XEN_EFAULT);
	/* 32-bit paging, 4 KiB pages: PD page 0, PT page 1. */
	fake_host.sregs.cr0 |= CR0_PG;
	fake_host.sregs.cr3 = PT_PA;
	pd32[va >> 22] = (uint32_t)(PT_PA + 0x1000) | 3;
	pt32[(va >> 12) & 1023] = ARG_PA | 3;
	assert_int_equal(features_at(m, va), 0);
	assert_true(pd32[va >> 22] & 0x20 && pt32[(va >> 12) & 1023] & 0x40);
	assert_int_equal(features_at(m, va + 0x1000), -XEN_EFAULT);
	/* 4 MiB pages need CR4.PSE; without, PS is ignored. */
	pd32[va >> 22] = 0x83;                  /* 4 MiB page at 0 */
	memset(gpa(m, 0), 0, 0x1000);           /* page 0 as a PT: empty */
	assert_int_equal(features_at(m, 0x40000000 + ARG_PA), -XEN_EFAULT);
	fake_host.sregs.cr4 = 0x10;
	assert_int_equal(features_at(m, 0x40000000 + ARG_PA), 0);
	pd32[va >> 22] |= 1u << 21;             /* reserved */
	assert_int_equal(features_at(m, 0x40000000 + ARG_PA), -XEN_EFAULT);
	/* PAE paging: PDPT in page 2 (32-byte aligned), PD page 3. */
	memset(pt(m, 0), 0, 4 * 0x1000);
	fake_host.sregs.cr4 = 0x20;
	fake_host.sregs.cr3 = PT_PA + 0x2000;
	pt(m, 2)[1] = (PT_PA + 0x3000) | 1;
	pt(m, 3)[0] = 0x200000 | 0x83;
	assert_int_equal(features_at(m, va), 0);
	assert_int_equal(pt(m, 2)[1], (PT_PA + 0x3000) | 1);    /* no A */
	fake_host.sregs.cr0 |= 1u << 16;             /* WP: the PDPTE has no RW */
	assert_int_equal(features_at(m, va), 0);
	pt(m, 3)[0] &= ~2ull;                   /* the PDE read-only */
	assert_int_equal(features_at(m, va), -XEN_EFAULT);
	pt(m, 3)[0] |= 2;
	pt(m, 2)[1] |= 2;                       /* reserved in a PDPTE */
	assert_int_equal(features_at(m, va), -XEN_EFAULT);
	/* 5-level paging: PML5 page 0 -> PML4 1 -> PDPT 2 -> PD 3. */
	memset(pt(m, 0), 0, 4 * 0x1000);
	fake_long_mode();
	fake_host.sregs.cr4 |= 1u << 12;             /* LA57 */
	pt(m, 0)[0] = (PT_PA + 0x1000) | 3;
	pt(m, 1)[0] = (PT_PA + 0x2000) | 3;
	pt(m, 2)[1] = (PT_PA + 0x3000) | 3;
	pt(m, 3)[0] = 0x200000 | 0x83;
	assert_int_equal(features_at(m, va), 0);
	assert_int_equal(features_at(m, 1ull << 48 | va), -XEN_EFAULT);
}

/* The hypercall page at HCALL_PA; stub (nr) starts at HCALL_PA + 32 nr
 * and its OUT at + 5. */
#define HCALL_PA 0x100000u
static void hcall_page(struct mon *m)
{
	uint64_t v = HCALL_PA;

	assert_true(pers_xen.msr(m, 0, true, 0x40000000, &v));
}

/* One exit of hypercall (nr) from RIP (rip) with registers (r): RAX,
 * the argument registers and RIP as the monitor leaves them. */
static void hcall_regs(struct mon *m, struct mon_regs *r)
{
	bool dirty = false;
	uint8_t data = 0;
	struct mon_exit x = { .kind = MON_X_IO, .regs = r, .regs_dirty = &dirty,
		.rip = r->rip, .io = { .port = VMI_PORT_XEN_HYPERCALL,
		.out = true, .size = 1, .count = 1, .data = &data } };

	assert_true(pers_xen.pio(m, 0, &x));
	assert_true(dirty);
}

/* console_io writes at most 16 KiB per exit, then continues the call as
 * Xen does (the count left, the buffer advanced) by pointing RIP back at
 * the stub's mov, whether the exit left RIP on the OUT or past it.  A
 * caller outside the hypercall page cannot be continued: -E2BIG for a
 * longer text, nothing written. */
static void test_xen_mon_console_io_bounded_per_exit(void **state)
{
	struct mon *m = *state;
	const uint64_t stub = HCALL_PA + 32 * __HYPERVISOR_console_io;
	const uint32_t total = 40000;
	struct mon_regs r;
	size_t len, text = 0;
	unsigned exits = 0;
	FILE *file;
	char *log;
	int saved;

	hcall_page(m);
	memset(gpa(m, 0x200000), 'z', total);
	saved = log_begin(&file);
	r = (struct mon_regs){ .rax = __HYPERVISOR_console_io,
		.rdi = CONSOLEIO_write, .rsi = total, .rdx = 0x200000,
		.rip = stub + 5, .rflags = 2 };
	for (;;) {
		hcall_regs(m, &r);
		exits++;
		if (r.rip != stub)
			break;
		/* Continued: the guest runs the stub again; this time the
		 * exit leaves RIP past the OUT. */
		assert_int_equal(r.rax, __HYPERVISOR_console_io);
		assert_int_equal(r.rsi, total - 16384 * exits);
		assert_int_equal(r.rdx, 0x200000 + 16384 * exits);
		r.rip = stub + 7;
	}
	log = log_end(file, saved, &len);
	assert_int_equal(r.rax, 0);
	assert_int_equal(exits, 3);
	for (size_t i = 0; i < len; i++)
		text += log[i] == 'z';
	assert_int_equal(text, total);
	free(log);
	/* Not from a stub: a long text is -E2BIG, a short one is written. */
	r = (struct mon_regs){ .rax = __HYPERVISOR_console_io,
		.rdi = CONSOLEIO_write, .rsi = 16385, .rdx = 0x200000,
		.rip = 0x180000, .rflags = 2 };
	hcall_regs(m, &r);
	assert_int_equal((long)r.rax, -XEN_E2BIG);
	saved = log_begin(&file);
	r = (struct mon_regs){ .rax = __HYPERVISOR_console_io,
		.rdi = CONSOLEIO_write, .rsi = 16384, .rdx = 0x200000,
		.rip = 0x180000, .rflags = 2 };
	hcall_regs(m, &r);
	log = log_end(file, saved, &len);
	assert_int_equal(r.rax, 0);
	assert_true(len >= 16384);
	free(log);
}

/* A reservation op handles at most 256 pages per exit, then continues
 * with the next extent in the command (Xen's MEMOP_EXTENT_SHIFT); the
 * final answer counts every extent.  From 32-bit code the argument
 * registers' upper halves stay.  Outside the hypercall page: the count
 * done in the first exit. */
static void test_xen_mon_memory_op_bounded_per_exit(void **state)
{
	struct mon *m = *state;
	const uint64_t stub = HCALL_PA + 32 * __HYPERVISOR_memory_op;
	struct xen_memory_reservation res = { .nr_extents = 600,
		.domid = DOMID_SELF };
	uint64_t *gfns = gpa(m, ARG_PA + 0x1000);
	uint64_t before = pers_xen_of(m)->tot_pages;
	struct mon_regs r;
	unsigned exits = 0;

	hcall_page(m);
	for (unsigned i = 0; i < 700; i++)
		gfns[i] = 0x100 + i;            /* 1 MiB up: RAM */
	set_xen_guest_handle(res.extent_start,
			     (xen_pfn_t *)(uintptr_t)(ARG_PA + 0x1000));
	memcpy(gpa(m, ARG_PA), &res, sizeof(res));
	r = (struct mon_regs){ .rax = __HYPERVISOR_memory_op,
		.rdi = XENMEM_decrease_reservation, .rsi = ARG_PA,
		.rip = stub + 5, .rflags = 2 };
	for (hcall_regs(m, &r); r.rip == stub; hcall_regs(m, &r)) {
		exits++;
		assert_int_equal(r.rdi, XENMEM_decrease_reservation |
				 (uint64_t)(256 * exits) << 6);
		r.rip = stub + 5;
	}
	assert_int_equal(exits, 2);
	assert_int_equal(r.rax, 600);
	assert_int_equal(pers_xen_of(m)->tot_pages, before - 600);
	/* Not from a stub: the first exit's part. */
	res.nr_extents = 700;
	memcpy(gpa(m, ARG_PA), &res, sizeof(res));
	r = (struct mon_regs){ .rax = __HYPERVISOR_memory_op,
		.rdi = XENMEM_increase_reservation, .rsi = ARG_PA,
		.rip = 0x180000, .rflags = 2 };
	hcall_regs(m, &r);
	assert_int_equal(r.rax, 256);
	/* 32-bit code: EBX carries the command, RBX's upper half stays. */
	fake_host.sregs.cs_l = 0;
	fake_host.sregs.cs_db = 1;
	struct pers_xen_compat_reservation { uint32_t extent_start, nr_extents,
		extent_order, mem_flags; uint16_t domid, pad; } cr = {
		.extent_start = ARG_PA + 0x1000, .nr_extents = 300,
		.domid = DOMID_SELF };
	memcpy(gpa(m, ARG_PA), &cr, sizeof(cr));
	r = (struct mon_regs){ .rax = __HYPERVISOR_memory_op,
		.rbx = 0xdead000000000000ull | XENMEM_increase_reservation,
		.rcx = ARG_PA, .rip = stub + 5, .rflags = 2 };
	hcall_regs(m, &r);
	assert_int_equal(r.rip, stub);
	assert_int_equal(r.rbx, 0xdead000000000000ull |
			 XENMEM_increase_reservation | 256u << 6);
}

/* VCPUOP_initialise of vCPU 1 with a 64-bit context (flat, as the xen
 * backend starts its APs) changed by (edit). */
static long init_vcpu1(struct mon *m, void (*edit)(struct vcpu_hvm_context *))
{
	struct vcpu_hvm_context c = { .mode = VCPU_HVM_MODE_64B };

	c.cpu_regs.x86_64 = (struct vcpu_hvm_x86_64){ .rip = 0x100000,
		.cr0 = 0x80000011, .cr3 = 0x1000, .cr4 = 0x20,
		.efer = 0x500, .rflags = 2 };
	if (edit)
		edit(&c);
	memcpy(gpa(m, ARG_PA), &c, sizeof(c));
	return hcall(m, 0, __HYPERVISOR_vcpu_op, VCPUOP_initialise, 1, ARG_PA);
}
#define R64(c) ((c)->cpu_regs.x86_64)
static void ed_pad(struct vcpu_hvm_context *c) { c->pad = 1; }
static void ed_cr4_high(struct vcpu_hvm_context *c) { R64(c).cr4 |= 1ull << 32; }
static void ed_cr4_osxsave(struct vcpu_hvm_context *c) { R64(c).cr4 |= 1u << 18; }
static void ed_cr4_la57(struct vcpu_hvm_context *c) { R64(c).cr4 |= 1u << 12; }
static void ed_cr4_vmxe(struct vcpu_hvm_context *c) { R64(c).cr4 |= 1u << 13; }
static void ed_cr4_ok(struct vcpu_hvm_context *c) { R64(c).cr4 |= 0x6f0; }
static void ed_efer_bit9(struct vcpu_hvm_context *c) { R64(c).efer |= 1u << 9; }
static void ed_efer_svme(struct vcpu_hvm_context *c) { R64(c).efer |= 1u << 12; }
static void ed_efer_high(struct vcpu_hvm_context *c) { R64(c).efer |= 1ull << 63; }
static void ed_cr0_high(struct vcpu_hvm_context *c) { R64(c).cr0 |= 1ull << 32; }
static void ed_cr0_nw(struct vcpu_hvm_context *c) { R64(c).cr0 |= 1u << 29; }
static void ed_cr0_no_pe(struct vcpu_hvm_context *c) { R64(c).cr0 &= ~1ull; }
static void ed_cr3_wide(struct vcpu_hvm_context *c) { R64(c).cr3 = 1ull << 39; }
static void ed_ok(struct vcpu_hvm_context *c)
{
	R64(c).cr3 = 1ull << 38;                /* within 39 bits */
	R64(c).cr4 |= 0x6f0;
	R64(c).cr0 |= 3u << 29;                 /* NW with CD */
	R64(c).efer |= 1u << 11 | 1u << 0;      /* NXE, SCE */
}

/* VCPUOP_initialise refuses what Xen refuses (arch_set_info_hvm_guest:
 * pad, CR4 bits hvm_cr4_guest_valid_bits does not allow by the guest's
 * CPUID, EFER bits hvm_efer_valid refuses) and what KVM_SET_SREGS would
 * refuse when VCPUOP_up loads it (CR0 above bit 31, NW without CD, PG
 * without PE; CR3 past the guest's 39-bit MAXPHYADDR), all -EINVAL, so
 * that no context a guest gives can end the VM as a host error. */
static void test_xen_mon_initialise_checks_control_registers(void **state)
{
	struct mon *m = *state;
	void (*bad[])(struct vcpu_hvm_context *) = { ed_pad, ed_cr4_high,
		ed_cr4_osxsave, ed_cr4_la57, ed_cr4_vmxe, ed_efer_bit9,
		ed_efer_svme, ed_efer_high, ed_cr0_high, ed_cr0_nw,
		ed_cr0_no_pe, ed_cr3_wide };

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(init_vcpu1(m, bad[i]), -XEN_EINVAL);
		assert_false(pers_xen_of(m)->vcpu[1].initialised);
	}
	assert_int_equal(init_vcpu1(m, ed_ok), 0);
	assert_int_equal(pers_xen_of(m)->vcpu[1].start.cr3, 1ull << 38);
	assert_int_equal(init_vcpu1(m, ed_cr4_ok), -XEN_EEXIST);
}

/* Xen's common_vcpu_op: a vCPU past shared_info's 32 vcpu_info slots
 * that has not registered its own has none (dummy_vcpu_info), and
 * VCPUOP_initialise refuses it with -EINVAL before reading the context;
 * once it has registered one, it is initialised as any other. */
static void test_xen_mon_initialise_needs_a_vcpu_info(void **state)
{
	struct mon *m = *state;
	struct vcpu_register_vcpu_info ri = { .mfn = 0x280000 >> 12 };

	m->nvcpu = 40;
	assert_int_equal(init_vcpu1(m, NULL), 0);       /* vCPU 1: a slot */
	assert_int_equal(hcall(m, 0, __HYPERVISOR_vcpu_op, VCPUOP_initialise,
			       33, RAM + 0x10000), -XEN_EINVAL);
	assert_int_equal(hcall(m, 0, __HYPERVISOR_vcpu_op, VCPUOP_initialise,
			       33, ARG_PA), -XEN_EINVAL);
	assert_false(pers_xen_of(m)->vcpu[33].initialised);
	memcpy(gpa(m, ARG_PA + 0x800), &ri, sizeof(ri));
	assert_int_equal(hcall(m, 0, __HYPERVISOR_vcpu_op,
			       VCPUOP_register_vcpu_info, 33, ARG_PA + 0x800), 0);
	assert_int_equal(hcall(m, 0, __HYPERVISOR_vcpu_op, VCPUOP_initialise,
			       33, RAM + 0x10000), -XEN_EFAULT);
	assert_int_equal(hcall(m, 0, __HYPERVISOR_vcpu_op, VCPUOP_initialise,
			       33, ARG_PA), 0);
	assert_true(pers_xen_of(m)->vcpu[33].initialised);
}

/* VCPUOP_register_vcpu_info (Xen common/domain.c map_vcpu_info): the
 * offset must leave the whole vcpu_info in the page and be aligned to
 * its alignment (8 here), else -ENXIO: the monitor updates it with
 * atomics (SDM Vol. 3A 9.1.1: a locked access that splits a cache line
 * is a split lock; UBSan calls a misaligned one undefined).  Only the
 * caller's own vCPU or one that is down: another running vCPU's is
 * -EINVAL, as in Xen, since moving it under that vCPU would race with
 * its own updates. */
static void test_xen_mon_register_vcpu_info_rules(void **state)
{
	struct mon *m = *state;
	struct vcpu_register_vcpu_info ri = { .mfn = SHARED_PA >> 12 };

	for (uint32_t off = 1; off < 8; off++) {
		ri.offset = off;
		memcpy(gpa(m, ARG_PA), &ri, sizeof(ri));
		assert_int_equal(hcall(m, 0, __HYPERVISOR_vcpu_op,
				       VCPUOP_register_vcpu_info, 1, ARG_PA),
				 -XEN_ENXIO);
	}
	ri.offset = 4096 - 32;
	memcpy(gpa(m, ARG_PA), &ri, sizeof(ri));
	assert_int_equal(hcall(m, 0, __HYPERVISOR_vcpu_op,
			       VCPUOP_register_vcpu_info, 1, ARG_PA),
			 -XEN_ENXIO);
	/* GPA 0, "no vcpu_info" in the personality's state: refused (it
	 * was taken and then never used; checked). */
	ri = (struct vcpu_register_vcpu_info){ .mfn = 0, .offset = 0 };
	memcpy(gpa(m, ARG_PA), &ri, sizeof(ri));
	assert_int_equal(hcall(m, 1, __HYPERVISOR_vcpu_op,
			       VCPUOP_register_vcpu_info, 1, ARG_PA),
			 -XEN_EINVAL);
	assert_false(pers_xen_of(m)->vcpu[1].info_registered);
	ri.mfn = SHARED_PA >> 12;
	ri.offset = 64;
	memcpy(gpa(m, ARG_PA), &ri, sizeof(ri));
	pers_xen_of(m)->vcpu[1].up = true;            /* running */
	assert_int_equal(hcall(m, 0, __HYPERVISOR_vcpu_op,
			       VCPUOP_register_vcpu_info, 1, ARG_PA),
			 -XEN_EINVAL);
	assert_int_equal(hcall(m, 1, __HYPERVISOR_vcpu_op,
			       VCPUOP_register_vcpu_info, 1, ARG_PA), 0);
	assert_int_equal(pers_xen_of(m)->vcpu[1].info, SHARED_PA + 64);
	ri.offset = 128;                        /* vCPU 0 runs too */
	memcpy(gpa(m, ARG_PA), &ri, sizeof(ri));
	assert_int_equal(hcall(m, 1, __HYPERVISOR_vcpu_op,
			       VCPUOP_register_vcpu_info, 0, ARG_PA),
			 -XEN_EINVAL);
}

/* Xen's map_vcpu_info: the area starts as the vCPU's current vcpu_info
 * (its shared_info slot), or zeroed when it has none here: with the
 * upcall masked past vCPU 31 (Xen's dummy vcpu_info), not masked below
 * (a copy of the slot in Xen's own shared_info page, zeroed for an HVM
 * or PVH domain); then every selector bit and the upcall are pending,
 * and the upcall is raised. */
static void test_xen_mon_register_vcpu_info_marks_all_pending(void **state)
{
	struct mon *m = *state;
	struct vcpu_register_vcpu_info ri = { .mfn = 0x280000 >> 12 };
	struct vcpu_info *vi = gpa(m, 0x280000);

	memset(vi, 0x5a, sizeof(*vi));          /* the guest's own bytes */
	memcpy(gpa(m, ARG_PA), &ri, sizeof(ri));
	pers_xen_of(m)->vcpu[0].vector = 0xf3;
	pers_xen_of(m)->vcpu[0].up = true;
	assert_int_equal(hcall(m, 0, __HYPERVISOR_vcpu_op,
			       VCPUOP_register_vcpu_info, 0, ARG_PA), 0);
	assert_int_equal(vi->evtchn_upcall_mask, 0);    /* no old one: zeroed */
	assert_int_equal(vi->arch.cr2, 0);
	assert_int_equal(vi->evtchn_pending_sel, ~(xen_ulong_t)0);
	assert_int_equal(vi->evtchn_upcall_pending, 1);
	assert_int_equal(fake_host.nmsi, 1);

	map_shared(m);                          /* vCPU 1 has a slot now */
	struct shared_info *s = gpa(m, SHARED_PA);
	s->vcpu_info[1].arch.cr2 = 0x1234;
	ri.offset = 64;
	memcpy(gpa(m, ARG_PA), &ri, sizeof(ri));
	assert_int_equal(hcall(m, 0, __HYPERVISOR_vcpu_op,
			       VCPUOP_register_vcpu_info, 1, ARG_PA), 0);
	assert_int_equal(vi[1].arch.cr2, 0x1234);       /* moved */
	assert_int_equal(vi[1].evtchn_pending_sel, ~(xen_ulong_t)0);
	assert_int_equal(vi[1].evtchn_upcall_pending, 1);

	m->nvcpu = 40;                          /* vCPU 33: no slot at all */
	memset(&vi[2], 0x5a, sizeof(vi[2]));
	ri.offset = 128;
	memcpy(gpa(m, ARG_PA), &ri, sizeof(ri));
	assert_int_equal(hcall(m, 0, __HYPERVISOR_vcpu_op,
			       VCPUOP_register_vcpu_info, 33, ARG_PA), 0);
	assert_int_equal(vi[2].evtchn_upcall_mask, 1);
	assert_int_equal(vi[2].arch.cr2, 0);
	assert_int_equal(vi[2].evtchn_pending_sel, ~(xen_ulong_t)0);
}

/* A second vCPU thread for the blocking calls: 50 ms in, vCPU 1 sends
 * to (port) unless it is 0; 2 s in (or once the call is done) the VM
 * stops, so a call that nothing wakes ends with the stop instead of
 * hanging the test.  No cmocka asserts on this thread. */
struct waker {
	struct mon *m;
	uint32_t port;
	atomic_bool done;
	long sent;
};

static void *waker_run(void *arg)
{
	struct waker *w = arg;
	const struct timespec tick = { 0, 10000000 };   /* 10 ms */

	for (unsigned i = 0; i < 200 && !atomic_load(&w->done); i++) {
		nanosleep(&tick, NULL);
		if (i != 4 || !w->port)
			continue;
		struct mon_regs r = { .rax = __HYPERVISOR_event_channel_op,
			.rdi = EVTCHNOP_send, .rsi = ARG_PA + 0x800, .rflags = 2 };
		bool dirty = false;
		uint8_t data = 0;
		struct mon_exit x = { .kind = MON_X_IO, .regs = &r,
			.regs_dirty = &dirty, .io = { .port = VMI_PORT_XEN_HYPERCALL,
			.out = true, .size = 1, .count = 1, .data = &data } };
		memcpy(mon_gpa_ptr(w->m, ARG_PA + 0x800, 4), &w->port, 4);
		w->sent = pers_xen.pio(w->m, 1, &x) ? (long)r.rax : -1000;
	}
	atomic_store(&w->m->stopped, true);
	return NULL;
}

/* SCHEDOP_poll of (port) with (timeout) on vCPU 0 while the waker runs
 * (sending to (send)); its result, and in (*stopped) whether the VM had
 * stopped by the time it returned (the stop, not the call, ended it). */
static long poll_while(struct mon *m, uint32_t port, uint64_t timeout,
		       uint32_t send, bool *stopped)
{
	struct sched_poll sp = { .nr_ports = 1, .timeout = timeout };
	struct waker w = { .m = m, .port = send };
	pthread_t t;
	long r;

	set_xen_guest_handle(sp.ports, (evtchn_port_t *)(uintptr_t)(ARG_PA + 0x100));
	memcpy(gpa(m, ARG_PA + 0x100), &port, sizeof(port));
	memcpy(gpa(m, ARG_PA), &sp, sizeof(sp));
	atomic_store(&m->stopped, false);
	assert_int_equal(pthread_create(&t, NULL, waker_run, &w), 0);
	r = hcall(m, 0, __HYPERVISOR_sched_op, SCHEDOP_poll, ARG_PA, 0);
	*stopped = atomic_load(&m->stopped);
	atomic_store(&w.done, true);
	pthread_join(t, NULL);
	assert_int_equal(w.sent, 0);
	return r;
}

/* Xen's do_poll blocks the vCPU, and the upcall of an event on any
 * other port of it unblocks it (vlapic_set_irq -> vcpu_kick): a guest
 * polling a spinlock's port with interrupts on takes the IPI it is sent
 * meanwhile.  SCHEDOP_poll returns when the caller's upcall is raised,
 * not only when a port it polls is pending. */
static void test_xen_mon_poll_wakes_on_an_upcall(void **state)
{
	struct mon *m = *state;
	uint32_t polled, other;
	bool stopped;

	map_shared(m);
	pers_xen_of(m)->vcpu[0].vector = 0xf3;
	polled = bind_ipi(m, 0);
	other = bind_ipi(m, 0);
	assert_int_equal(poll_while(m, polled, 0, other, &stopped), 0);
	assert_false(stopped);
	assert_int_equal(fake_host.nmsi, 1);
}

/* Xen's SCHEDOP_block enables event delivery first: it clears the
 * caller's evtchn_upcall_mask (vcpu_block_enable_events), HVM or not;
 * with an upcall pending it returns at once. */
static void test_xen_mon_block_clears_upcall_mask(void **state)
{
	struct mon *m = *state;
	struct shared_info *s = gpa(m, SHARED_PA);

	map_shared(m);
	s->vcpu_info[0].evtchn_upcall_mask = 1;
	s->vcpu_info[0].evtchn_upcall_pending = 1;
	s->vcpu_info[1].evtchn_upcall_mask = 1;
	assert_int_equal(hcall(m, 0, __HYPERVISOR_sched_op, SCHEDOP_block, 0,
			       0), 0);
	assert_int_equal(s->vcpu_info[0].evtchn_upcall_mask, 0);
	assert_int_equal(s->vcpu_info[1].evtchn_upcall_mask, 1);
}

/* A poll timeout is Xen's s_time_t: bit 63 set is negative, already
 * past, and Xen's poll timer fires at once (common/timer.c compares
 * signed); not a deadline 2^63 ns away. */
static void test_xen_mon_poll_negative_timeout_returns(void **state)
{
	struct mon *m = *state;
	bool stopped;
	uint32_t port;

	map_shared(m);
	port = bind_ipi(m, 0);
	assert_int_equal(poll_while(m, port, 1ull << 63 | 5, 0, &stopped), 0);
	assert_false(stopped);
	assert_int_equal(poll_while(m, port, UINT64_MAX, 0, &stopped), 0);
	assert_false(stopped);
}

static uint64_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* An argument that is usually an address near something interesting:
 * inside RAM, around its end, near the top of the address space. */
static uint64_t fuzz_arg(uint64_t *x)
{
	uint64_t r = rnd(x);

	switch (r & 7) {
	case 0: return r >> 40;
	case 1: return RAM - (r >> 56);
	case 2: return ~0ull - (r >> 56);
	case 3: return ARG_PA;
	case 4: return SHARED_PA + (r >> 52);
	default: return r;
	}
}

/* Random calls with random memory behind ARG_PA: ASan and UBSan turn
 * any out-of-bounds access or overflow into a failure. */
static void test_xen_mon_fuzz_never_faults_the_monitor(void **state)
{
	static const uint64_t nrs[] = { 12, 15, 17, 18, 24, 29, 32, 34, 99 };
	struct mon *m = *state;
	uint64_t x = 0x9e3779b97f4a7c15ull;
	unsigned ok = 0, efault = 0, einval = 0;

	map_shared(m);
	/* Stopped: SCHEDOP_block/poll return at once, shutdown only
	 * records.  Everything else runs as in a live VM. */
	atomic_store(&m->stopped, true);
	for (unsigned i = 0; i < 200000; i++) {
		uint64_t *arg = gpa(m, ARG_PA);
		for (unsigned k = 0; k < 8; k++)
			arg[k] = rnd(&x) & (k & 1 ? 0xffff : ~0ull);
		long r = hcall(m, (unsigned)(rnd(&x) & 1),
			       nrs[rnd(&x) % (sizeof(nrs) / sizeof(nrs[0]))],
			       rnd(&x) % 40, fuzz_arg(&x), fuzz_arg(&x));
		assert_true(r >= -(long)XEN_ETIMEDOUT);
		ok += r >= 0;
		efault += r == -XEN_EFAULT;
		einval += r == -XEN_EINVAL;
	}
	/* The fuzz reached past the first checks, both ways. */
	assert_true(ok > 1000 && efault > 1000 && einval > 1000);
}

/* VCPUOP_set_singleshot_timer for (abs) on vCPU 0; returns the guest ns
 * the monitor's timer was armed for, or 0 if the deadline had passed
 * (then the timer is cancelled and the event sent at once instead). */
static uint64_t singleshot(struct mon *m, uint64_t abs)
{
	struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = abs };
	unsigned armed = fake_host.narmed, cancelled = fake_host.ncancel;

	memcpy(gpa(m, ARG_PA), &t, sizeof(t));
	assert_int_equal(hcall(m, 0, __HYPERVISOR_vcpu_op,
			       VCPUOP_set_singleshot_timer, 0, ARG_PA), 0);
	assert_int_equal(fake_host.narmed - armed + fake_host.ncancel -
			 cancelled, 1);
	return fake_host.narmed != armed ? fake_host.armed_at : 0;
}

/* A deadline that has passed fires before Xen re-enters the guest
 * (set_timer raises TIMER_SOFTIRQ, which runs on the way back;
 * VCPUOP_set_singleshot_timer sends the event itself): VIRQ_TIMER is
 * pending when the call returns, for a singleshot deadline in the past
 * or negative (bit 63) and a past set_timer_op one; a future one and
 * set_timer_op's negative one (Xen: in 100 ms) only arm the timer. */
static void test_xen_mon_past_deadline_pending_on_return(void **state)
{
	struct mon *m = *state;
	struct shared_info *s = gpa(m, SHARED_PA);
	const uint64_t deadlines[] = { 1, 1ull << 63, UINT64_MAX };
	long port;

	map_shared(m);
	port = bind_virq(m, VIRQ_TIMER, 0);
	assert_true(port > 0);
	fake_host.tsc = 1000000000;
	for (unsigned i = 0; i < 3; i++) {
		s->evtchn_pending[0] = 0;
		assert_int_equal(singleshot(m, deadlines[i]), 0);
		assert_true(s->evtchn_pending[0] >> port & 1);
	}
	s->evtchn_pending[0] = 0;
	assert_true(singleshot(m, fake_host.tsc + 5000000) > fake_host.tsc);
	assert_false(s->evtchn_pending[0] >> port & 1);
	assert_int_equal(hcall(m, 0, __HYPERVISOR_set_timer_op, 1000, 0, 0), 0);
	assert_true(s->evtchn_pending[0] >> port & 1);
	s->evtchn_pending[0] = 0;
	assert_int_equal(hcall(m, 0, __HYPERVISOR_set_timer_op, UINT64_MAX, 0,
			       0), 0);
	assert_false(s->evtchn_pending[0] >> port & 1);
	assert_true(fake_host.armed_at > fake_host.tsc + 90000000);
}

/* Xen keeps the deadline as s_time_t: bit 63 set is negative, in the
 * past, and fires at once (not ~2^63 ns away, not a wrap); a positive
 * one centuries away stays centuries away (no wrap to "now"). */
/* SCHEDOP_yield asks the host to run another thread (mon->host->yield),
 * without the personality's lock, and returns 0. */
/* The hypercall table's shapes (pers_xen.h struct pers_xen_op), each as
 * Xen orders its checks: the vCPU argument before the sub-op, the
 * caller's own vCPU before the block is read, the block copied back
 * only on success, a positive result without a block untouched. */
static void test_xen_mon_table_checks_and_copies(void **state)
{
	struct mon *m = *state;
	const uint64_t bad = RAM + 0x10000;     /* no guest memory there */
	struct xen_hvm_param p = { .domid = DOMID_SELF,
		.index = HVM_PARAM_CALLBACK_IRQ,
		.value = (uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56 | 0xf3 };
	struct evtchn_status st = { .dom = DOMID_SELF };
	struct xen_feature_info fi = { .submap_idx = 0 };
	uint8_t canary[16];

	/* vcpu_op: no such vCPU, whatever the command: -ENOENT. */
	assert_int_equal(hcall(m, 0, __HYPERVISOR_vcpu_op, 99, 5, ARG_PA),
			 -XEN_ENOENT);
	/* Another vCPU's one-shot timer: -EINVAL, before the block. */
	assert_int_equal(hcall(m, 0, __HYPERVISOR_vcpu_op,
			       VCPUOP_set_singleshot_timer, 1, bad),
			 -XEN_EINVAL);
	assert_int_equal(hcall(m, 0, __HYPERVISOR_vcpu_op,
			       VCPUOP_set_singleshot_timer, 0, bad),
			 -XEN_EFAULT);
	/* get_param writes the block back; set_param does not. */
	memcpy(gpa(m, ARG_PA), &p, sizeof(p));
	assert_int_equal(hcall(m, 0, __HYPERVISOR_hvm_op, HVMOP_set_param,
			       ARG_PA, 0), 0);
	p.value = 0;
	memcpy(gpa(m, ARG_PA), &p, sizeof(p));
	assert_int_equal(hcall(m, 0, __HYPERVISOR_hvm_op, HVMOP_get_param,
			       ARG_PA, 0), 0);
	memcpy(&p, gpa(m, ARG_PA), sizeof(p));
	assert_int_equal(p.value, (uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56 |
			 0xf3);
	/* EVTCHNOP_status writes back; a refused one leaves the block. */
	st.port = bind_ipi(m, 1);
	memcpy(gpa(m, ARG_PA), &st, sizeof(st));
	assert_int_equal(hcall(m, 0, __HYPERVISOR_event_channel_op,
			       EVTCHNOP_status, ARG_PA, 0), 0);
	memcpy(&st, gpa(m, ARG_PA), sizeof(st));
	assert_int_equal(st.status, EVTCHNSTAT_ipi);
	assert_int_equal(st.vcpu, 1);
	st = (struct evtchn_status){ .dom = DOMID_SELF + 1, .status = 77 };
	memcpy(gpa(m, ARG_PA), &st, sizeof(st));
	assert_int_equal(hcall(m, 0, __HYPERVISOR_event_channel_op,
			       EVTCHNOP_status, ARG_PA, 0), -XEN_ESRCH);
	memcpy(&st, gpa(m, ARG_PA), sizeof(st));
	assert_int_equal(st.status, 77);
	/* In and out: get_features. */
	memcpy(gpa(m, ARG_PA), &fi, sizeof(fi));
	assert_int_equal(hcall(m, 0, __HYPERVISOR_xen_version,
			       XENVER_get_features, ARG_PA, 0), 0);
	memcpy(&fi, gpa(m, ARG_PA), sizeof(fi));
	assert_true(fi.submap & (1u << XENFEAT_hvm_callback_vector));
	/* A positive result (XENVER_version) writes nothing. */
	memset(gpa(m, ARG_PA), 0x5a, sizeof(canary));
	assert_true(hcall(m, 0, __HYPERVISOR_xen_version, XENVER_version,
			  ARG_PA, 0) > 0);
	memcpy(canary, gpa(m, ARG_PA), sizeof(canary));
	for (unsigned i = 0; i < sizeof(canary); i++)
		assert_int_equal(canary[i], 0x5a);
}

static void test_xen_mon_sched_yield_asks_the_host(void **state)
{
	struct mon *m = *state;

	assert_int_equal(hcall(m, 0, __HYPERVISOR_sched_op, SCHEDOP_yield, 0,
			       0), 0);
	assert_int_equal(fake_host.nyield, 1);
}

static void test_xen_mon_singleshot_deadline_near_2_64_never_wraps(void **state)
{
	struct mon *m = *state;

	fake_host.tsc = 1000000;
	assert_true(singleshot(m, (1ull << 63) + (1ull << 62)) <= fake_host.tsc);
	assert_true(singleshot(m, UINT64_MAX) <= fake_host.tsc);
	assert_true(singleshot(m, UINT64_MAX - 500) <= fake_host.tsc);
	assert_true(singleshot(m, 1ull << 63) <= fake_host.tsc);
	assert_true(singleshot(m, INT64_MAX) > (1ull << 62));
	assert_true(singleshot(m, INT64_MAX) < UINT64_MAX - (1ull << 62));
	/* Past and near deadlines as before: at once, or just after. */
	assert_true(singleshot(m, 1) <= fake_host.tsc);
	uint64_t at = singleshot(m, fake_host.tsc + 5000000);
	assert_true(at > fake_host.tsc + 4000000 && at < fake_host.tsc + 6000000);
}

/* memory_op (cmd) with a 64-bit xen_memory_reservation of (nr) extents
 * of (order) from the gfns at ARG_PA + 0x1000. */
static long reserve(struct mon *m, unsigned cmd, unsigned nr, unsigned order,
		    uint32_t flags)
{
	struct xen_memory_reservation res = { .nr_extents = nr,
		.extent_order = order, .mem_flags = flags,
		.domid = DOMID_SELF };

	set_xen_guest_handle(res.extent_start,
			     (xen_pfn_t *)(uintptr_t)(ARG_PA + 0x1000));
	memcpy(gpa(m, ARG_PA), &res, sizeof(res));
	return hcall(m, 0, __HYPERVISOR_memory_op, cmd, ARG_PA, 0);
}

/* populate_physmap as Xen 4.17's (common/memory.c populate_physmap,
 * construct_memop_from_reservation): an extent at a gfn not aligned to
 * its order is populated (p2m_set_entry maps it in 4 KiB pieces; it was
 * refused); an extent refused for the page count changes nothing (its
 * first page was zeroed); populate-on-demand on oneself, address bits
 * 1-12 and an exact node request are refused with the start extent
 * (they were done).  Each part fails on the code before (checked). */
static void test_xen_mon_populate_physmap_as_xen(void **state)
{
	struct mon *m = *state;
	struct pers_xen *px = pers_xen_of(m);
	xen_pfn_t *gfns = gpa(m, ARG_PA + 0x1000);
	uint8_t *page = gpa(m, 0x201000);
	uint64_t max = px->max_pages;

	gfns[0] = 0x201, gfns[1] = 0x202;
	assert_int_equal(reserve(m, XENMEM_decrease_reservation, 2, 0, 0), 2);
	assert_true(px->tot_pages == max - 2);
	memset(page, 0x5a, 0x2000);
	gfns[0] = 0x201;                        /* odd: order 1 unaligned */
	assert_int_equal(reserve(m, XENMEM_populate_physmap, 1, 0,
				 XENMEMF_populate_on_demand), 0);
	assert_int_equal(reserve(m, XENMEM_populate_physmap, 1, 0,
				 XENMEMF_address_bits(12)), 0);
	assert_int_equal(reserve(m, XENMEM_populate_physmap, 1, 0,
				 XENMEMF_exact_node(0)), 0);
	assert_int_equal(reserve(m, XENMEM_decrease_reservation, 1, 0,
				 XENMEMF_exact_node(0)), 0);
	assert_int_equal(page[0], 0x5a);
	assert_int_equal(reserve(m, XENMEM_populate_physmap, 1, 1,
				 XENMEMF_address_bits(13) | XENMEMF_vnode |
				 XENMEMF_exact_node(0)), 1);
	assert_int_equal(page[0], 0);
	assert_int_equal(page[0x1fff], 0);
	assert_true(px->tot_pages == max);
	/* One page short of an order-1 extent: nothing happens. */
	gfns[0] = 0x210;
	assert_int_equal(reserve(m, XENMEM_decrease_reservation, 1, 0, 0), 1);
	memset(gpa(m, 0x200000), 0x5a, 0x2000);
	gfns[0] = 0x200;
	assert_int_equal(reserve(m, XENMEM_populate_physmap, 1, 1, 0), 0);
	assert_int_equal(*(uint8_t *)gpa(m, 0x200000), 0x5a);
	assert_true(px->tot_pages == max - 1);
	/* An extent that runs past RAM changes nothing either. */
	gfns[0] = 0x211;
	assert_int_equal(reserve(m, XENMEM_decrease_reservation, 1, 0, 0), 1);
	gfns[0] = RAM / 4096 - 1;
	memset(gpa(m, RAM - 4096), 0x5a, 4096);
	assert_int_equal(reserve(m, XENMEM_populate_physmap, 1, 1, 0), 0);
	assert_int_equal(*(uint8_t *)gpa(m, RAM - 4096), 0x5a);
}

/* XENMEM_add_to_physmap's gfn as Xen 4.17 takes it: below 2^36 (its p2m
 * has 4 levels: p2m-ept.c ept_set_entry refuses a gfn above, -EINVAL;
 * 2^40 was accepted), and a 32-bit caller's gpfn zero-extended
 * (XLAT_add_to_physmap), so 0xffffffff is a gfn, not INVALID_GFN (it was
 * -EINVAL).  Both fail on the code before (checked). */
static void test_xen_mon_add_to_physmap_gfn_range(void **state)
{
	struct mon *m = *state;
	struct xen_add_to_physmap a = { .domid = DOMID_SELF,
		.space = XENMAPSPACE_shared_info, .gpfn = 1ull << 36 };
	struct { uint16_t domid, size; uint32_t space, idx, gpfn; } ca = {
		.domid = DOMID_SELF, .space = XENMAPSPACE_shared_info,
		.gpfn = 0xffffffffu };

	memcpy(gpa(m, ARG_PA), &a, sizeof(a));
	assert_int_equal(hcall(m, 0, __HYPERVISOR_memory_op,
			       XENMEM_add_to_physmap, ARG_PA, 0), -XEN_EINVAL);
	/* gfn 0: GPA 0 is "not mapped" in the personality's state, so it
	 * is refused (it was taken, and shared_info then counted as not
	 * mapped: no event reached the guest; checked). */
	a.gpfn = 0;
	memcpy(gpa(m, ARG_PA), &a, sizeof(a));
	assert_int_equal(hcall(m, 0, __HYPERVISOR_memory_op,
			       XENMEM_add_to_physmap, ARG_PA, 0), -XEN_EINVAL);
	a.space = XENMAPSPACE_grant_table;
	memcpy(gpa(m, ARG_PA), &a, sizeof(a));
	assert_int_equal(hcall(m, 0, __HYPERVISOR_memory_op,
			       XENMEM_add_to_physmap, ARG_PA, 0), -XEN_EINVAL);
	a.space = XENMAPSPACE_shared_info;
	a.gpfn = (1ull << 36) - 1;
	memcpy(gpa(m, ARG_PA), &a, sizeof(a));
	assert_int_equal(hcall(m, 0, __HYPERVISOR_memory_op,
			       XENMEM_add_to_physmap, ARG_PA, 0), 0);
	assert_true(pers_xen_of(m)->shared_info == ((1ull << 36) - 1) << 12);
	fake_host.sregs.cs_l = 0;            /* compatibility mode */
	fake_host.sregs.cs_db = 1;
	memcpy(gpa(m, ARG_PA), &ca, sizeof(ca));
	assert_int_equal(hcall(m, 0, __HYPERVISOR_memory_op,
			       XENMEM_add_to_physmap, ARG_PA, 0), 0);
	assert_true(pers_xen_of(m)->shared_info == 0xffffffffull << 12);
}

/* A 32-bit caller's GNTTABOP_setup_table as Xen's compat_grant_table_op
 * answers it: each frame's gfn in 32 bits, so an unmapped frame reads
 * 0xffffffff with GNTST_okay (it was GNTST_address_too_big); count 0 is
 * 0 (it was -EINVAL).  Both fail on the code before (checked). */
static void test_xen_mon_compat_setup_table(void **state)
{
	struct mon *m = *state;
	struct { uint16_t dom, pad; uint32_t nr_frames; int16_t status;
		 uint16_t pad2; uint32_t frame_list; } t = {
		.dom = DOMID_SELF, .nr_frames = 2, .status = 99,
		.frame_list = ARG_PA + 0x100 };
	uint32_t f[2];

	fake_host.sregs.cs_l = 0;            /* compatibility mode */
	fake_host.sregs.cs_db = 1;
	memcpy(gpa(m, ARG_PA), &t, sizeof(t));
	assert_int_equal(hcall(m, 0, __HYPERVISOR_grant_table_op,
			       GNTTABOP_setup_table, ARG_PA, 0), 0);
	memcpy(&t, gpa(m, ARG_PA), sizeof(t));
	assert_int_equal(t.status, 99);         /* untouched */
	assert_int_equal(hcall(m, 0, __HYPERVISOR_grant_table_op,
			       GNTTABOP_setup_table, ARG_PA, 1), 0);
	memcpy(&t, gpa(m, ARG_PA), sizeof(t));
	memcpy(f, gpa(m, ARG_PA + 0x100), sizeof(f));
	assert_int_equal(t.status, GNTST_okay);
	assert_int_equal(f[0], 0xffffffffu);
	assert_int_equal(f[1], 0xffffffffu);
}

/* The deprecated HVM parameters (PAE_ENABLED 4, DM_DOMAIN 13, 20-26,
 * 30) are -EINVAL to get and to set, as Xen's hvm_allow_get_param and
 * hvm_allow_set_param answer (they were -EPERM, checked); another one a
 * guest may not touch (IDENT_PT 12) stays -EPERM. */
static void test_xen_mon_deprecated_hvm_params(void **state)
{
	struct mon *m = *state;
	const unsigned dep[] = { 4, 13, 20, 21, 22, 23, 24, 25, 26, 30 };

	for (unsigned i = 0; i < sizeof(dep) / sizeof(dep[0]); i++)
		for (unsigned op = HVMOP_set_param; op <= HVMOP_get_param; op++) {
			struct xen_hvm_param p = { .domid = DOMID_SELF,
						   .index = dep[i] };
			memcpy(gpa(m, ARG_PA), &p, sizeof(p));
			assert_int_equal(hcall(m, 0, __HYPERVISOR_hvm_op, op,
					       ARG_PA, 0), -XEN_EINVAL);
		}
	struct xen_hvm_param p = { .domid = DOMID_SELF,
				   .index = HVM_PARAM_IDENT_PT };
	memcpy(gpa(m, ARG_PA), &p, sizeof(p));
	assert_int_equal(hcall(m, 0, __HYPERVISOR_hvm_op, HVMOP_get_param,
			       ARG_PA, 0), -XEN_EPERM);
}

/* The hypervisor leaves as Xen 4.17 gives an HVM guest (xen/arch/x86/
 * traps.c cpuid_hypervisor_leaves): max leaf 0x40000005
 * (XEN_CPUID_MAX_NUM_LEAVES; it was 0x40000004, checked), leaf 5 zero,
 * leaf 4's flags in subleaf 0 only. */
static void test_xen_mon_cpuid_leaves(void **state)
{
	struct mon_cpuid *t = calloc(1, sizeof(*t));
	const struct mon_cpuid_entry *e;
	char err[64];

	(void)state;
	assert_int_equal(pers_xen.cpuid(t, err, sizeof(err)), 0);
	e = mon_cpuid_find(t, XEN_CPUID_FIRST_LEAF, 0);
	assert_non_null(e);
	assert_int_equal(e->eax, XEN_CPUID_FIRST_LEAF + 5);
	assert_int_equal(e->ebx, XEN_CPUID_SIGNATURE_EBX);
	e = mon_cpuid_find(t, XEN_CPUID_FIRST_LEAF + 5, 0);
	assert_non_null(e);
	assert_true(e->eax == 0 && e->ebx == 0 && e->ecx == 0 && e->edx == 0);
	e = mon_cpuid_find(t, XEN_CPUID_FIRST_LEAF + 4, 0);
	assert_non_null(e);
	assert_int_equal(e->eax, XEN_HVM_CPUID_UPCALL_VECTOR);
	assert_null(mon_cpuid_find(t, XEN_CPUID_FIRST_LEAF + 4, 1));
	free(t);
}

/* XENVER_get_features submap 0 as Xen 4.17's do_xen_version gives a
 * PVH domU (bits 0, 2, 8, 9, 13, 16); it had writable_descriptor_tables
 * and supervisor_mode_kernel, which Xen sets for no HVM domain, and
 * lacked memory_op_vnode_supported and not_direct_mapped (checked). */
static void test_xen_mon_features_submap(void **state)
{
	struct mon *m = *state;
	struct xen_feature_info fi = { .submap_idx = 0 };

	memcpy(gpa(m, ARG_PA), &fi, sizeof(fi));
	assert_int_equal(hcall(m, 0, __HYPERVISOR_xen_version,
			       XENVER_get_features, ARG_PA, 0), 0);
	memcpy(&fi, gpa(m, ARG_PA), sizeof(fi));
	assert_int_equal(fi.submap, 1u << 0 | 1u << 2 | 1u << 8 | 1u << 9 |
				    1u << 13 | 1u << 16);
}

/* The timer thread's host wait saturates: a guest deadline near 2^64
 * waits without a timeout instead of wrapping to a past host time and
 * spinning; an ordinary one is host now + what is left. */
static void test_xen_mon_timer_thread_wait_saturates(void **state)
{
	(void)state;
	assert_int_equal(mon_timer_host_at(5000, 100, 300), 5200);
	assert_true(mon_timer_host_at(1ull << 40, 1000, UINT64_MAX) ==
		    UINT64_MAX);
	assert_true(mon_timer_host_at(1ull << 40, 1000, UINT64_MAX - 1) ==
		    UINT64_MAX);
	assert_true(mon_timer_host_at(1ull << 40, 0, UINT64_MAX - (1ull << 39))
		    == UINT64_MAX);
	assert_true(mon_add_sat(UINT64_MAX - 1, 2) == UINT64_MAX);
	assert_true(mon_mul_sat(UINT64_MAX / 100 + 1, 100) == UINT64_MAX);
	assert_true(mon_mul_sat(UINT64_MAX / 100, 100) == UINT64_MAX / 100 * 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_xen_mon_msr_fills_port_io_stubs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_time_stable_bit_follows_clocksource, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_global_virq_and_bind_vcpu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_send_ipi_sets_bits_and_injects_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_upcall_vector_asserts_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_masked_port_injects_on_unmask, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_close_clears_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_ports_exist_by_bucket, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_console_send_drains_ring, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_console_io_reads_guest_text_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_console_io_read_and_partial_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_32bit_set_timer_op_takes_two_halves, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_user_mode_call_is_eperm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_conforming_cs_user_call_is_eperm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_32bit_caller_uses_ebx_ecx, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_32bit_compat_blocks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_console_io_bounded_per_exit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_memory_op_bounded_per_exit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_initialise_checks_control_registers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_initialise_needs_a_vcpu_info, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_bind_fault_keeps_the_port, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_register_vcpu_info_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_register_vcpu_info_marks_all_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_poll_wakes_on_an_upcall, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_block_clears_upcall_mask, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_poll_negative_timeout_returns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_pointers_are_linear, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_copy_checks_write_and_smap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_walk_reserved_bits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_walk_tables_outside_ram, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_copy_straddling_unmapped_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_paging_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_fuzz_never_faults_the_monitor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_singleshot_deadline_near_2_64_never_wraps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_past_deadline_pending_on_return, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_sched_yield_asks_the_host, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_table_checks_and_copies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_timer_thread_wait_saturates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_populate_physmap_as_xen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_add_to_physmap_gfn_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_compat_setup_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xen_mon_deprecated_hvm_params, setup, teardown),
		cmocka_unit_test(test_xen_mon_cpuid_leaves),
		cmocka_unit_test_setup_teardown(test_xen_mon_features_submap, setup, teardown),
	};
	return cmocka_run_group_tests_name("xen_mon", tests, NULL, NULL);
}
