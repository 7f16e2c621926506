/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_kvm_exit.c: what a vCPU thread does with the kvm_run
 * page after KVM_RUN returns: host_kvm_decode() (host_kvm_decode.c), then
 * mon_exit_dispatch() (mon_dev.c) to the devices, the personality's port
 * and MSR hooks, or the fault exits.  The kvm_run page is the input's,
 * exact in size (so ASan sees any access past it), registers included
 * (the sync-regs area inside it, as host_kvm.c points at it), under each
 * personality.  Checks: a decoded exit points only inside the page, its
 * sizes are the ones decode promises, an MSR exit is always answered (0
 * or 1 in msr.error), an MMIO read reads all-ones, and a stop message is
 * one printable line.  Input (fuzz.h readers; zeros past the end):
 *
 *   byte 0   personality (b & 3: pc, kvm, xen, hyperv), vCPUs
 *            1 + (b >> 2 & 3); b & 16: hyperv's hypercall page enabled
 *   then one record per exit:
 *     u8 vCPU and page-size selector (bits 1:0: sizeof(struct kvm_run),
 *        4 KiB, 12 KiB as KVM_GET_VCPU_MMAP_SIZE gives on x86)
 *     u8 exit reason selector (reasons[], else a u32 follows)
 *     32 bytes of the exit union (io, mmio, msr, ... as the reason reads
 *        them), then RAX, RBX, RCX, RDX, RSI, RDI, R8, R10 (u64 each)
 *     u8 length and bytes: the data area at io.data_offset
 */
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "host_kvm.h"
#include "mon_pers.h"
#include "pers_hv.h"

static const uint32_t reasons[] = {
	KVM_EXIT_IO, KVM_EXIT_IO, KVM_EXIT_IO, KVM_EXIT_MMIO,
	KVM_EXIT_X86_RDMSR, KVM_EXIT_X86_WRMSR, KVM_EXIT_SHUTDOWN,
	KVM_EXIT_INTERNAL_ERROR, KVM_EXIT_FAIL_ENTRY, KVM_EXIT_SYSTEM_EVENT,
	KVM_EXIT_HLT, KVM_EXIT_UNKNOWN, KVM_EXIT_DEBUG, KVM_EXIT_HYPERCALL,
	KVM_EXIT_XEN, KVM_EXIT_HYPERV, KVM_EXIT_NOTIFY,
};
#define NREASONS (sizeof(reasons) / sizeof(reasons[0]))

static const struct mon_pers *const perss[4] = {
	&pers_pc, &pers_kvm, &pers_xen, &pers_hv,
};

static const size_t run_sizes[4] = {
	sizeof(struct kvm_run), 4096, 3 * 4096, 3 * 4096,
};

static uint8_t *pages[4];

/* A kvm_run page of size (size), exact, so ASan catches overruns. */
static struct kvm_run *page(unsigned i)
{
	if (!pages[i])
		pages[i] = malloc(run_sizes[i]);
	FZ_CHECK(pages[i], "out of memory");
	memset(pages[i], 0, run_sizes[i]);
	return (struct kvm_run *)pages[i];
}

static bool inside(const void *p, size_t len, const void *base, size_t size)
{
	const uint8_t *a = p, *b = base;

	return a >= b && len <= size && (size_t)(a - b) <= size - len;
}

static void check_decoded(const struct kvm_run *run, size_t size,
			  const struct mon_exit *x)
{
	switch (x->kind) {
	case MON_X_IO:
		FZ_CHECK(run->exit_reason == KVM_EXIT_IO && x->io.size >= 1 &&
			 x->io.size <= 4, "I/O exit of size %u", x->io.size);
		FZ_CHECK(inside(x->io.data, (size_t)x->io.size * x->io.count,
				run, size), "I/O data outside the page");
		break;
	case MON_X_MMIO:
		FZ_CHECK(x->mmio.len >= 1 && x->mmio.len <= 8 &&
			 inside(x->mmio.data, x->mmio.len, run, size),
			 "MMIO exit of length %u", x->mmio.len);
		break;
	case MON_X_RDMSR:
	case MON_X_WRMSR:
		FZ_CHECK(inside(x->msr.data, 8, run, size) &&
			 inside(x->msr.error, 1, run, size), "MSR exit");
		break;
	default:
		FZ_CHECK(x->kind != MON_X_INTR, "KVM_RUN interrupted?");
		break;
	}
}

static void one_exit(struct fz *f, struct mon *m)
{
	uint8_t b = fz_u8(f), sel = fz_u8(f);
	unsigned vcpu = (b >> 2) % m->nvcpu;
	size_t size = run_sizes[b & 3];
	struct kvm_run *run = page(b & 3);
	struct mon_regs *r = (struct mon_regs *)&run->s.regs.regs;
	struct mon_exit x = { .regs = r,
			      .regs_dirty = &m->vcpu[vcpu].regs_dirty };
	uint8_t len, buf[256];

	run->exit_reason = sel < NREASONS ? reasons[sel] : fz_u32(f);
	fz_bytes(f, (uint8_t *)run + offsetof(struct kvm_run, io), 32);
	r->rax = fz_u64(f), r->rbx = fz_u64(f), r->rcx = fz_u64(f);
	r->rdx = fz_u64(f), r->rsi = fz_u64(f), r->rdi = fz_u64(f);
	r->r8 = fz_u64(f), r->r10 = fz_u64(f);
	r->rip = 0x100000;
	len = fz_u8(f);
	fz_bytes(f, buf, len);
	if (run->io.data_offset < size)
		memcpy((uint8_t *)run + run->io.data_offset, buf,
		       len < size - run->io.data_offset ? len :
		       size - run->io.data_offset);

	x.reason = run->exit_reason;
	x.rip = r->rip;
	host_kvm_decode(run, size, &x);
	check_decoded(run, size, &x);
	if (x.kind == MON_X_RDMSR || x.kind == MON_X_WRMSR)
		run->msr.error = 0x5a;
	mon_exit_dispatch(m, &m->vcpu[vcpu], &x);
	if (x.kind == MON_X_RDMSR || x.kind == MON_X_WRMSR)
		FZ_CHECK(run->msr.error <= 1, "MSR exit left error %u",
			 run->msr.error);
	if (x.kind == MON_X_MMIO && !x.mmio.write)
		for (unsigned i = 0; i < x.mmio.len; i++)
			FZ_CHECK(x.mmio.data[i] == 0xff, "MMIO read byte %u",
				 i);
	fz_check_stop_line(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	uint8_t b = fz_u8(&f);
	const struct mon_pers *p = perss[b & 3];
	struct mon *m = fz_vm(p, 1 + (b >> 2 & 3), false);

	if (p == &pers_xen) {
		/* SCHEDOP_block/poll would wait for events: a stopped VM's
		 * return at once (fuzz_pers.c says why). */
		atomic_store(&m->stopped, true);
	}
	if (p == &pers_hv && (b & 16)) {
		uint64_t id = VMI_HV_GUEST_OS_ID(1);
		uint64_t pg = 0x3f000 | HV_MSR_ENABLE;
		FZ_CHECK(fz_msr(m, 0, true, HV_X64_MSR_GUEST_OS_ID, &id) &&
			 fz_msr(m, 0, true, HV_X64_MSR_HYPERCALL, &pg),
			 "hypercall page");
	}
	while (fz_more(&f))
		one_exit(&f, m);
	return 0;
}
