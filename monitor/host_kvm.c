/* SPDX-License-Identifier: MIT */
/*
 * monitor/host_kvm.c: vmi-run's only contact with /dev/kvm.  Plain C over
 * the KVM ioctls of Documentation/virt/kvm/api.rst (section numbers below
 * refer to it).  The ioctls kept after setup, each with its reason, are
 * the sandbox's list (mon_seccomp.c): KVM_RUN, KVM_GET/SET_SREGS,
 * KVM_SET_REGS, KVM_SET_MP_STATE and KVM_SIGNAL_MSI.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "host_kvm.h"
#include "mon_host.h"

_Static_assert(sizeof(struct mon_regs) == sizeof(struct kvm_regs) &&
	       offsetof(struct mon_regs, rip) == offsetof(struct kvm_regs, rip),
	       "struct mon_regs mirrors struct kvm_regs");
_Static_assert(MON_CPUID_FLAG_INDEXED == KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
	       "CPUID subleaf flag");

#define ERR(e, ...) (snprintf(err, errlen, __VA_ARGS__), -(e))

/* IOAPIC routes the split irqchip reserves (api.rst 7.13; QEMU uses 24). */
#define SPLIT_IRQCHIP_PINS 24
/* Three pages for VMX real-mode emulation, above RAM and below the LAPIC
 * (api.rst 4.40 KVM_SET_TSS_ADDR; QEMU uses the same address). */
#define TSS_ADDR 0xfffbd000ul

static const struct { unsigned cap; const char *name; } needed_caps[] = {
	{ KVM_CAP_SPLIT_IRQCHIP, "KVM_CAP_SPLIT_IRQCHIP" },
	{ KVM_CAP_SYNC_REGS, "KVM_CAP_SYNC_REGS" },
	{ KVM_CAP_X86_USER_SPACE_MSR, "KVM_CAP_X86_USER_SPACE_MSR" },
	{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT" },
	{ KVM_CAP_GET_TSC_KHZ, "KVM_CAP_GET_TSC_KHZ" },
	{ KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID" },
	{ KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY" },
};

static int enable_cap(int fd, unsigned cap, uint64_t arg0)
{
	struct kvm_enable_cap c = { .cap = cap, .args = { arg0 } };

	return ioctl(fd, KVM_ENABLE_CAP, &c) < 0 ? -errno : 0;
}

int host_kvm_open(struct mon *mon, char *err, size_t errlen)
{
	int max;

	mon->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (mon->kvm_fd < 0)
		return ERR(errno, "cannot open /dev/kvm: %s", strerror(errno));
	if (ioctl(mon->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		return ERR(ENOTSUP, "/dev/kvm API version is not %d",
			   KVM_API_VERSION);
	for (size_t i = 0; i < sizeof(needed_caps) / sizeof(needed_caps[0]); i++)
		if (ioctl(mon->kvm_fd, KVM_CHECK_EXTENSION, needed_caps[i].cap) <= 0)
			return ERR(ENOTSUP, "KVM lacks %s", needed_caps[i].name);
	if (!(ioctl(mon->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SYNC_REGS) &
	      KVM_SYNC_X86_REGS))
		return ERR(ENOTSUP, "KVM cannot sync general registers");
	max = ioctl(mon->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	if (max > 0 && mon->cfg.cpus > (unsigned)max)
		return ERR(ENOTSUP, "KVM allows at most %d vCPUs", max);
	mon->run_size = (size_t)ioctl(mon->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if ((long)mon->run_size < (long)sizeof(struct kvm_run))
		return ERR(ENOTSUP, "KVM_GET_VCPU_MMAP_SIZE failed");
	return 0;
}

/* Turn KVM's hypercall patching off: VMCALL/VMMCALL then #UD as on bare
 * metal instead of livelocking on kvm-pvm (docs/hosts.md [host:kvm-pvm]). */
static void disable_quirks(struct mon *mon)
{
	int q = ioctl(mon->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_DISABLE_QUIRKS2);

	if (q > 0 && (q & KVM_X86_QUIRK_FIX_HYPERCALL_INSN) &&
	    enable_cap(mon->vm_fd, KVM_CAP_DISABLE_QUIRKS2,
		       KVM_X86_QUIRK_FIX_HYPERCALL_INSN) == 0)
		return;
	mon_logf(mon, "could not disable KVM_X86_QUIRK_FIX_HYPERCALL_INSN");
}

/* Slot i of the VM is monitor region i-1 (mon.h); a region at
 * MON_REGION_NONE is removed (memory_size 0).  Called at setup and, for
 * pool pages, from a vCPU thread under the personality's lock. */
static int map_region(struct mon *mon, unsigned i)
{
	const struct mon_region *r = &mon->region[i];
	uint64_t gpa = atomic_load(&r->gpa);
	struct kvm_userspace_memory_region m = {
		.slot = 1 + i, .guest_phys_addr = gpa == MON_REGION_NONE ? 0 : gpa,
		.memory_size = gpa == MON_REGION_NONE ? 0 : r->size,
		.userspace_addr = (uintptr_t)r->host,
	};

	if (ioctl(mon->vm_fd, KVM_SET_USER_MEMORY_REGION, &m) < 0)
		return -errno;
	return 0;
}

int host_kvm_create_vm(struct mon *mon, char *err, size_t errlen)
{
	struct kvm_userspace_memory_region ram = {
		.slot = 0, .guest_phys_addr = 0, .memory_size = mon->ram_size,
		.userspace_addr = (uintptr_t)mon->ram,
	};
	int r;

	mon->vm_fd = ioctl(mon->kvm_fd, KVM_CREATE_VM, 0);
	if (mon->vm_fd < 0)
		return ERR(errno, "KVM_CREATE_VM: %s", strerror(errno));
	if (ioctl(mon->vm_fd, KVM_SET_USER_MEMORY_REGION, &ram) < 0)
		return ERR(errno, "KVM_SET_USER_MEMORY_REGION: %s",
			   strerror(errno));
	if (mon->extra) {
		if ((r = map_region(mon, 0)) < 0)
			return ERR(-r, "KVM_SET_USER_MEMORY_REGION (special "
				   "area): %s", strerror(-r));
		mon->map_region = map_region;
	}
	/* In-kernel LAPIC, PIC/IOAPIC/PIT left to us (docs/vmi-run.md). */
	r = enable_cap(mon->vm_fd, KVM_CAP_SPLIT_IRQCHIP, SPLIT_IRQCHIP_PINS);
	if (r < 0)
		return ERR(-r, "KVM_CAP_SPLIT_IRQCHIP: %s", strerror(-r));
	/* MSRs KVM does not know, rejects, or filters exit to us (mon_msr). */
	r = enable_cap(mon->vm_fd, KVM_CAP_X86_USER_SPACE_MSR,
		       KVM_MSR_EXIT_REASON_INVAL | KVM_MSR_EXIT_REASON_UNKNOWN |
		       KVM_MSR_EXIT_REASON_FILTER);
	if (r < 0)
		return ERR(-r, "KVM_CAP_X86_USER_SPACE_MSR: %s", strerror(-r));
	disable_quirks(mon);
	if (ioctl(mon->vm_fd, KVM_SET_TSS_ADDR, TSS_ADDR) < 0)
		mon_logf(mon, "KVM_SET_TSS_ADDR: %s (ignored)", strerror(errno));
	return 0;
}

int host_kvm_create_vcpu(struct mon *mon, unsigned id, char *err,
			 size_t errlen)
{
	struct mon_vcpu *v = &mon->vcpu[id];
	void *run;

	v->mon = mon;
	v->id = id;
	v->fd = ioctl(mon->vm_fd, KVM_CREATE_VCPU, (unsigned long)id);
	if (v->fd < 0)
		return ERR(errno, "KVM_CREATE_VCPU %u: %s", id, strerror(errno));
	mon->nvcpu = id + 1;    /* host_kvm_close() releases it from now */
	run = mmap(NULL, mon->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   v->fd, 0);
	if (run == MAP_FAILED)
		return ERR(errno, "mmap kvm_run of vcpu %u: %s", id,
			   strerror(errno));
	v->run = run;
	v->regs = (struct mon_regs *)&v->run->s.regs.regs;
	/* Registers come back in kvm_run on every exit: no KVM_GET_REGS. */
	v->run->kvm_valid_regs = KVM_SYNC_X86_REGS;
	/* MSRs of PV features the CPUID does not list #GP (api.rst 8.22). */
	if (enable_cap(v->fd, KVM_CAP_ENFORCE_PV_FEATURE_CPUID, 1) < 0)
		mon_logf(mon, "KVM_CAP_ENFORCE_PV_FEATURE_CPUID unavailable");
	return 0;
}

static void cpuid_from_kvm(struct mon_cpuid *t, const struct kvm_cpuid2 *c)
{
	t->n = c->nent;
	for (unsigned i = 0; i < c->nent; i++)
		t->e[i] = (struct mon_cpuid_entry){ c->entries[i].function,
			c->entries[i].index, c->entries[i].flags,
			c->entries[i].eax, c->entries[i].ebx,
			c->entries[i].ecx, c->entries[i].edx };
}

int host_kvm_supported_cpuid(struct mon *mon, struct mon_cpuid *t,
			     char *err, size_t errlen)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + MON_CPUID_MAX *
				      sizeof(c->entries[0]));
	long khz;

	if (!c)
		return ERR(ENOMEM, "out of memory");
	c->nent = MON_CPUID_MAX;
	if (ioctl(mon->kvm_fd, KVM_GET_SUPPORTED_CPUID, c) < 0) {
		int e = errno;
		free(c);
		return ERR(e, "KVM_GET_SUPPORTED_CPUID: %s", strerror(e));
	}
	cpuid_from_kvm(t, c);
	free(c);
	khz = ioctl(mon->vcpu[0].fd, KVM_GET_TSC_KHZ, 0);
	if (khz <= 0)
		return ERR(errno, "KVM_GET_TSC_KHZ: %s", strerror(errno));
	mon->tsc_khz = (uint32_t)khz;
	return 0;
}

int host_kvm_vcpu_cpuid(struct mon_vcpu *v, struct mon_cpuid *t)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + MON_CPUID_MAX *
				      sizeof(c->entries[0]));
	int e = 0;

	if (!c)
		return -ENOMEM;
	c->nent = MON_CPUID_MAX;
	if (ioctl(v->fd, KVM_GET_CPUID2, c) < 0)
		e = -errno;
	else
		cpuid_from_kvm(t, c);
	free(c);
	return e;
}

int host_kvm_set_cpuid(struct mon_vcpu *v, const struct mon_cpuid *t,
		       char *err, size_t errlen)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + t->n *
				      sizeof(c->entries[0]));
	int r = 0;

	if (!c)
		return ERR(ENOMEM, "out of memory");
	c->nent = t->n;
	for (unsigned i = 0; i < t->n; i++) {
		const struct mon_cpuid_entry *e = &t->e[i];
		c->entries[i] = (struct kvm_cpuid_entry2){ .function =
			e->function, .index = e->index, .flags = e->flags,
			.eax = e->eax, .ebx = e->ebx, .ecx = e->ecx,
			.edx = e->edx };
	}
	if (ioctl(v->fd, KVM_SET_CPUID2, c) < 0)
		r = ERR(errno, "KVM_SET_CPUID2 on vcpu %u: %s", v->id,
			strerror(errno));
	free(c);
	return r;
}

static struct kvm_segment flat32(uint16_t sel, uint8_t type)
{
	return (struct kvm_segment){ .base = 0, .limit = 0xffffffff,
		.selector = sel, .type = type, .present = 1, .dpl = 0,
		.db = 1, .s = 1, .l = 0, .g = 1 };
}

/*
 * PVH entry (Xen docs/misc/pvh.pandoc "x86/HVM direct boot ABI"): 32-bit
 * protected mode, paging off, CR0.PE=1 (ET reads 1), CR4=0, flat 4 GiB
 * CS (execute/read) and DS/ES/SS (read/write), TR a 32-bit TSS with base
 * 0 and limit 0x67, EFLAGS=0x2 (reserved bit 1), EBX = start_info.
 * Descriptor types: SDM vol. 3A 3.4.5.1 and 7.2.2.
 */
int host_kvm_boot_bsp(struct mon_vcpu *v, uint32_t entry, uint32_t ebx,
		      char *err, size_t errlen)
{
	struct kvm_sregs s;
	struct kvm_regs r = { .rip = entry, .rbx = ebx, .rflags = 0x2 };

	if (ioctl(v->fd, KVM_GET_SREGS, &s) < 0)
		return ERR(errno, "KVM_GET_SREGS: %s", strerror(errno));
	s.cs = flat32(0x08, 0xb);
	s.ds = s.es = s.ss = s.fs = s.gs = flat32(0x10, 0x3);
	s.tr = (struct kvm_segment){ .limit = 0x67, .selector = 0x18,
		.type = 0xb, .present = 1 };
	s.cr0 = 0x11;
	s.cr4 = 0;
	s.efer = 0;
	if (ioctl(v->fd, KVM_SET_SREGS, &s) < 0)
		return ERR(errno, "KVM_SET_SREGS: %s", strerror(errno));
	if (ioctl(v->fd, KVM_SET_REGS, &r) < 0)
		return ERR(errno, "KVM_SET_REGS: %s", strerror(errno));
	return 0;
}

int host_kvm_guest_tsc(struct mon_vcpu *v, uint64_t *tsc)
{
	struct { struct kvm_msrs h; struct kvm_msr_entry e; } m = {
		.h = { .nmsrs = 1 }, .e = { .index = 0x10 },  /* IA32_TSC */
	};

	if (ioctl(v->fd, KVM_GET_MSRS, &m) != 1)
		return -EIO;
	*tsc = m.e.data;
	return 0;
}

int host_kvm_tsc_offset(struct mon_vcpu *v, uint64_t *offset)
{
	struct kvm_device_attr a = { .group = KVM_VCPU_TSC_CTRL,
		.attr = KVM_VCPU_TSC_OFFSET, .addr = (uintptr_t)offset };

	return ioctl(v->fd, KVM_GET_DEVICE_ATTR, &a) < 0 ? -errno : 0;
}

/* api.rst 4.71 KVM_SIGNAL_MSI; the address is the LAPIC's MSI window with
 * the destination APIC ID in bits 19:12, physical mode, fixed delivery
 * (SDM Vol. 3A 11.11.1, 11.11.2). */
int host_kvm_signal_msi(struct mon *mon, unsigned apic_id, uint8_t vector)
{
	struct kvm_msi msi = {
		.address_lo = 0xfee00000u | (apic_id & 0xffu) << 12,
		.data = vector,
	};

	return ioctl(mon->vm_fd, KVM_SIGNAL_MSI, &msi) < 0 ? -errno : 0;
}

/* ---- Loading a vCPU's state from another vCPU (Xen VCPUOP_up) ---- */

/* Flat 64-bit code (L=1) or data segment (SDM Vol. 3A 3.4.5, 5.2.1). */
static struct kvm_segment seg64(uint16_t sel, bool code)
{
	return (struct kvm_segment){ .base = 0, .limit = 0xffffffff,
		.selector = sel, .type = code ? 0xb : 0x3, .present = 1,
		.s = 1, .l = code, .db = !code, .g = 1 };
}

/* On v's own thread: long mode as Xen's VCPU_HVM_MODE_64B sets it
 * (hidden segment parts only; Xen public/hvm/hvm_vcpu.h), then runnable
 * (api.rst 4.38 KVM_SET_MP_STATE). */
static int apply_load(struct mon_vcpu *v)
{
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };
	struct kvm_regs r;
	struct kvm_sregs s;

	if (ioctl(v->fd, KVM_GET_SREGS, &s) < 0)
		return -errno;
	s.cs = seg64(0x08, true);
	s.ds = s.es = s.ss = s.fs = s.gs = seg64(0x10, false);
	s.tr = (struct kvm_segment){ .limit = 0x67, .selector = 0x18,
		.type = 0xb, .present = 1 };
	s.cr0 = v->load.cr0;
	s.cr3 = v->load.cr3;
	s.cr4 = v->load.cr4;
	s.efer = v->load.efer | MON_EFER_LMA;
	memcpy(&r, &v->load.regs, sizeof(r));
	if (ioctl(v->fd, KVM_SET_SREGS, &s) < 0 ||
	    ioctl(v->fd, KVM_SET_REGS, &r) < 0 ||
	    ioctl(v->fd, KVM_SET_MP_STATE, &mp) < 0)
		return -errno;
	v->regs_dirty = false;
	atomic_store(&v->load_pending, false);
	return 0;
}

#define UD_VECTOR 6     /* #UD, no error code (SDM Vol. 3A Table 6-1) */

/* On v's own thread after an exit: #UD as it next enters the guest
 * (api.rst KVM_SET_VCPU_EVENTS: without KVM_CAP_EXCEPTION_PAYLOAD,
 * exception.injected is the exception to deliver).  The rest of the
 * state is written back as read; the NMI, SIPI and SMM fields are left
 * alone (flags 0), so an NMI raised meanwhile is not lost. */
int host_kvm_vcpu_inject_ud(struct mon_vcpu *v)
{
	struct kvm_vcpu_events e;

	if (ioctl(v->fd, KVM_GET_VCPU_EVENTS, &e) < 0)
		return -errno;
	e.flags = 0;
	e.exception.injected = 1;
	e.exception.nr = UD_VECTOR;
	e.exception.has_error_code = 0;
	e.exception.error_code = 0;
	return ioctl(v->fd, KVM_SET_VCPU_EVENTS, &e) < 0 ? -errno : 0;
}

/* From v's own thread outside KVM_RUN.  The CPL is SS.DPL, which always
 * equals it (SDM Vol. 3A 5.5; KVM's own get_cpl reads it), where CS.DPL
 * does not under a conforming code segment. */
int host_kvm_vcpu_sregs(struct mon_vcpu *v, struct mon_sregs *out)
{
	struct kvm_sregs s;

	if (ioctl(v->fd, KVM_GET_SREGS, &s) < 0)
		return -errno;
	*out = (struct mon_sregs){ .cr0 = s.cr0, .cr3 = s.cr3, .cr4 = s.cr4,
		.efer = s.efer, .cs_base = s.cs.base, .cs_l = s.cs.l,
		.cs_db = s.cs.db, .cs_dpl = s.cs.dpl, .ss_dpl = s.ss.dpl };
	return 0;
}

int host_kvm_vcpu_load(struct mon *mon, unsigned id,
		       const struct mon_vcpu_load *s)
{
	struct mon_vcpu *v = &mon->vcpu[id];

	if (id >= mon->nvcpu || !v->run)
		return -EINVAL;
	v->load = *s;
	atomic_store(&v->load_pending, true);
	__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	if (v->started && !pthread_equal(v->thread, pthread_self()))
		pthread_kill(v->thread, SIGUSR1);
	return 0;
}

/* ---- Remote TLB flush on behalf of the guest (hyperv personality) ---- */

#define CR0_PG  (1ull << 31)    /* SDM Vol. 3A 2.5 */
#define CR4_PGE (1ull << 7)

/*
 * On v's own thread, outside KVM_RUN: flush v's TLB.  KVM has no ioctl
 * for it, but KVM_SET_SREGS with a CR4 that differs from the current one
 * resets the vCPU's MMU context (api.rst 4.14; arch/x86/kvm/x86.c
 * __set_sregs: mmu_reset_needed), and the next entry reloads the roots,
 * syncing shadow pages and flushing the TLB (kvm_mmu_load).  Toggling
 * CR4.PGE is also the architectural "flush everything, global entries
 * included" (SDM Vol. 3A 4.10.4.1).  So: set CR4 ^ PGE, then the real
 * CR4 back.  A vCPU with paging off has nothing to flush.  KVM reports
 * CS.L as the CPU keeps it, set outside IA-32e mode too if the guest
 * loaded such a code segment there, where the CPU ignores it (SDM Vol.
 * 3A 3.4.5); but KVM_SET_SREGS refuses CS.L without EFER.LMA
 * (kvm_is_valid_sregs), which made this flush fail.  So it is cleared
 * there: outside IA-32e mode it means nothing, and the next load of CS
 * replaces it.  (A guest that turned IA-32e mode on straight from such
 * a CS, which the CPU refuses with #GP, would after a flush be let
 * through; SDM Vol. 3A 10.8.5 has it load a CS first.)
 */
static int apply_flush(struct mon_vcpu *v)
{
	unsigned long req = atomic_load(&v->flush_req);
	struct kvm_sregs s;

	if (ioctl(v->fd, KVM_GET_SREGS, &s) < 0)
		return -errno;
	if (s.cr0 & CR0_PG) {
		if (!(s.efer & MON_EFER_LMA))
			s.cs.l = 0;
		s.cr4 ^= CR4_PGE;
		if (ioctl(v->fd, KVM_SET_SREGS, &s) < 0)
			return -errno;
		s.cr4 ^= CR4_PGE;
		if (ioctl(v->fd, KVM_SET_SREGS, &s) < 0)
			return -errno;
	}
	atomic_store(&v->flush_done, req);
	return 0;
}

/* Ask vCPU (id) to flush before it next runs the guest; the ticket. */
static unsigned long request_flush(struct mon_vcpu *v)
{
	unsigned long t = atomic_fetch_add(&v->flush_req, 1) + 1;

	__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	if (v->started && !pthread_equal(v->thread, pthread_self()))
		pthread_kill(v->thread, SIGUSR1);
	return t;
}

int host_kvm_flush_tlbs(struct mon *mon, unsigned self, uint64_t mask)
{
	unsigned long ticket[MON_MAX_CPUS] = { 0 };
	const struct timespec nap = { 0, 10000 };   /* 10 us */
	bool waiting = true;

	for (unsigned i = 0; i < mon->nvcpu; i++)
		if ((mask >> i & 1) && i != self && mon->vcpu[i].run)
			ticket[i] = request_flush(&mon->vcpu[i]);
	if ((mask >> self & 1) && apply_flush(&mon->vcpu[self]) < 0)
		return -EIO;
	while (waiting && !mon_is_stopped(mon)) {
		struct mon_vcpu *me = &mon->vcpu[self];
		/* Serve requests aimed at us while we wait: two vCPUs
		 * flushing each other must not wait for each other. */
		if (atomic_load(&me->flush_req) != atomic_load(&me->flush_done) &&
		    apply_flush(me) < 0)
			return -EIO;
		waiting = false;
		for (unsigned i = 0; i < mon->nvcpu; i++)
			if (ticket[i] && atomic_load(&mon->vcpu[i].flush_done) <
					 ticket[i])
				waiting = true;
		if (waiting)
			nanosleep(&nap, NULL);
	}
	return waiting ? -EINTR : 0;
}

/* api.rst 4.97 KVM_X86_SET_MSR_FILTER: one range whose bitmap is all
 * zeros denies (exits to user space, reason FILTER) both reads and
 * writes of [base, base + n); everything else keeps KVM's handling. */
int host_kvm_msr_filter_deny(struct mon *mon, uint32_t base, uint32_t n)
{
	static uint8_t deny[1024];      /* zero bits: deny; 8192 MSRs */
	struct kvm_msr_filter f = { .flags = KVM_MSR_FILTER_DEFAULT_ALLOW };

	if (n > 8 * sizeof(deny))
		return -EINVAL;
	f.ranges[0] = (struct kvm_msr_filter_range){
		.flags = KVM_MSR_FILTER_READ | KVM_MSR_FILTER_WRITE,
		.nmsrs = n, .base = base, .bitmap = deny };
	return ioctl(mon->vm_fd, KVM_X86_SET_MSR_FILTER, &f) < 0 ? -errno : 0;
}

int host_kvm_run(struct mon_vcpu *v, struct mon_exit *x)
{
	struct kvm_run *run = v->run;

	/* Each request to a vCPU (a load, a flush, a stop) sets its flag,
	 * then immediate_exit, then signals the thread (api.rst 5
	 * "immediate_exit").  Here, and only here, immediate_exit is cleared,
	 * and before the flags are read: a request this reading misses set
	 * immediate_exit after the clear, so KVM_RUN returns at once and the
	 * next call serves it.  (A clear in each request's handler, as there
	 * was, could wipe another request's kick.)  mon_stopf kicks after
	 * setting stopped, so the same holds for a stop. */
	__atomic_store_n(&run->immediate_exit, 0, __ATOMIC_SEQ_CST);
	if (mon_is_stopped(v->mon))
		__atomic_store_n(&run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	if (atomic_load(&v->load_pending)) {
		int r = apply_load(v);
		if (r < 0)
			return r;
	}
	if (atomic_load(&v->flush_req) != atomic_load(&v->flush_done)) {
		int r = apply_flush(v);
		if (r < 0)
			return r;
	}
	run->kvm_dirty_regs = v->regs_dirty ? KVM_SYNC_X86_REGS : 0;
	v->regs_dirty = false;
	*x = (struct mon_exit){ .regs = v->regs, .regs_dirty = &v->regs_dirty };
	if (ioctl(v->fd, KVM_RUN, 0) < 0) {
		if (errno != EINTR && errno != EAGAIN)
			return -errno;
		x->kind = MON_X_INTR;
		x->rip = v->regs->rip;
		return 0;
	}
	x->reason = run->exit_reason;
	x->rip = v->regs->rip;
	host_kvm_decode(run, v->mon->run_size, x);
	return 0;
}

/* api.rst 5 "immediate_exit": set before the signal, so a vCPU that has
 * not yet entered KVM_RUN returns at once; host_kvm_run sets it again
 * once stopped. */
void host_kvm_kick_all(struct mon *mon)
{
	for (unsigned i = 0; i < mon->nvcpu; i++) {
		struct mon_vcpu *v = &mon->vcpu[i];
		if (!v->run)
			continue;
		__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
		if (v->started && !pthread_equal(v->thread, pthread_self()))
			pthread_kill(v->thread, SIGUSR1);
	}
	pthread_kill(mon->main_thread, SIGUSR2);
}

void host_kvm_close(struct mon *mon)
{
	for (unsigned i = 0; i < mon->nvcpu; i++) {
		if (mon->vcpu[i].run)
			munmap(mon->vcpu[i].run, mon->run_size);
		if (mon->vcpu[i].fd >= 0)
			close(mon->vcpu[i].fd);
	}
	if (mon->vm_fd >= 0)
		close(mon->vm_fd);
	if (mon->kvm_fd >= 0)
		close(mon->kvm_fd);
}

/* ---- struct mon_host on KVM, for the personalities (mon_host.h): the
 * only link between them and KVM, so that they build into the host-free
 * tests.  Interrupts, vCPU state, #UD, CPUID, remote TLB flushes and MSR
 * filters are here; the guest TSC, pvclock scale and the per-vCPU
 * timers are mon_clock.c's. ---- */

static int host_sregs(struct mon *mon, unsigned vcpu, struct mon_sregs *s)
{
	return host_kvm_vcpu_sregs(&mon->vcpu[vcpu], s);
}

static int host_inject_ud(struct mon *mon, unsigned vcpu)
{
	return host_kvm_vcpu_inject_ud(&mon->vcpu[vcpu]);
}

/* Every vCPU gets the same table (mon_run.c); vCPU 0's stands for all. */
static int host_cpuid(struct mon *mon, struct mon_cpuid *t)
{
	return host_kvm_vcpu_cpuid(&mon->vcpu[0], t);
}

/* A guest spinning on a lock (HvCallNotifyLongSpinWait): let the
 * holder's vCPU thread run, as QEMU and Xen do for a yield. */
static void host_yield(struct mon *mon)
{
	(void)mon;
	sched_yield();
}

const struct mon_host mon_host_kvm = {
	.msi = host_kvm_signal_msi,
	.vcpu_load = host_kvm_vcpu_load,
	.sregs = host_sregs,
	.inject_ud = host_inject_ud,
	.cpuid = host_cpuid,
	.guest_tsc = mon_guest_tsc,
	.guest_ns = mon_guest_ns,
	.pvclock_scale = mon_pvclock_scale,
	.timer_arm = mon_timer_arm,
	.timer_cancel = mon_timer_cancel,
	.flush_tlb = host_kvm_flush_tlbs,
	.yield = host_yield,
	.msr_filter_deny = host_kvm_msr_filter_deny,
};
