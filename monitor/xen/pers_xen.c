/* SPDX-License-Identifier: MIT */
/*
 * monitor/xen/pers_xen.c: the `xen` personality: a Xen HVM/PVH guest ABI
 * emulated in the monitor, because this host's KVM has no Xen support
 * (KVM_CAP_XEN_HVM = 0, docs/hosts.md [host:kvm-pvm:cpuid]).  Here: the
 * CPUID leaves at 0x40000000 (public/arch-x86/cpuid.h), the hypercall-page
 * MSR, whose write fills the page with stubs that trap by port I/O, and a
 * trapped hypercall's way in and out: the caller's registers (Xen's
 * x86-64 register ABI: RAX = number; RDI, RSI, RDX, R10, R8 = arguments;
 * result in RAX; from 32-bit code EAX and EBX, ECX, EDX, ESI, EDI), mode
 * and CPL, the hypercall table and its dispatch (validate, copy in, act,
 * copy out), guest pointers (linear addresses through the caller's page
 * tables) and continuations; the guest CPUID features Xen's checks use,
 * and the -v log of what is not implemented.  The handlers are in
 * pers_xen_{evtchn,hcall,mem,vcpu}.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mon_pers.h"
#include "pers_xen.h"

#include <xen/arch-x86/cpuid.h>
#include <xen/io/console.h>

/* CPUID leaves, relative to XEN_CPUID_FIRST_LEAF (arch-x86/cpuid.h):
 * 0 signature and max leaf, 1 version, 2 hypercall pages and MSR, 3 TSC
 * (left zero: the guest reads the rate from vcpu_time_info), 4 HVM
 * features (subleaf 0; others zero), 5 PV parameters (zero for an HVM
 * guest): XEN_CPUID_MAX_NUM_LEAVES, the max leaf Xen 4.17 reports
 * (xen/arch/x86/traps.c cpuid_hypervisor_leaves).  Xen puts the
 * hypercall MSR at 0x40000000 when Viridian is off. */
#define PERS_XEN_LEAVES (XEN_CPUID_MAX_NUM_LEAVES + 1u)
#define PERS_XEN_HCALL_MSR 0x40000000u

_Static_assert(PERS_XEN_CONSOLE_PA >= MON_SPECIAL_PA &&
	       PERS_XEN_CONSOLE_PA < MON_SPECIAL_END, "the console page lies in "
	       "the special area");
_Static_assert(sizeof(struct xencons_interface) <= 4096, "console page");

static int pers_xen_cpuid(struct mon_cpuid *t, char *err, size_t errlen)
{
	const uint32_t base = XEN_CPUID_FIRST_LEAF;
	const struct mon_cpuid_entry leaves[PERS_XEN_LEAVES] = {
		{ base, 0, 0, base + PERS_XEN_LEAVES - 1, XEN_CPUID_SIGNATURE_EBX,
		  XEN_CPUID_SIGNATURE_ECX, XEN_CPUID_SIGNATURE_EDX },
		{ base + 1, 0, 0, PERS_XEN_VERSION_MAJOR << 16 | PERS_XEN_VERSION_MINOR,
		  0, 0, 0 },
		{ base + 2, 0, 0, 1, PERS_XEN_HCALL_MSR, 0, 0 },
		{ base + 3, 0, MON_CPUID_FLAG_INDEXED, 0, 0, 0, 0 },
		{ base + 4, 0, MON_CPUID_FLAG_INDEXED,
		  XEN_HVM_CPUID_UPCALL_VECTOR, 0, 0, 0 },
		{ base + 5, 0, MON_CPUID_FLAG_INDEXED, 0, 0, 0, 0 },
	};

	/* KVM's own leaves go: the guest must see Xen only. */
	mon_cpuid_remove(t, 0x40000000u, 0x4fffffffu);
	for (unsigned i = 0; i < PERS_XEN_LEAVES; i++)
		if (mon_cpuid_put(t, &leaves[i]) < 0)
			return snprintf(err, errlen, "CPUID table full"), -ENOSPC;
	mon_cpuid_set_hypervisor(t, true);
	return 0;
}

/* Fill the page with 128 stubs: b8 <i:imm32> (mov $i,%eax), e6 <port>
 * (out %al,$port), c3 (ret), the rest int3 (0xcc). */
static void pers_xen_fill_page(uint8_t *page)
{
	memset(page, 0xcc, 4096);
	for (uint32_t i = 0; i < PERS_XEN_STUBS; i++) {
		uint8_t *s = page + i * PERS_XEN_STUB_SIZE;
		s[0] = 0xb8;
		memcpy(s + 1, &i, 4);
		s[5] = 0xe6;
		s[6] = VMI_PORT_XEN_HYPERCALL;
		s[7] = 0xc3;
	}
}

/* The hypercall-page MSR (Xen arch/x86/msr.c guest_wrmsr_xen): the value
 * is the page's GPA with page index 0 in bits 11:0; anything else, or a
 * page outside RAM, is #GP.  Reads give 0. */
static bool pers_xen_msr(struct mon *mon, unsigned vcpu, bool write,
			 uint32_t index, uint64_t *data)
{
	struct pers_xen *px = pers_xen_of(mon);
	uint8_t *page;

	(void)vcpu;
	if (index != PERS_XEN_HCALL_MSR)
		return false;
	if (!write) {
		*data = 0;
		return true;
	}
	if ((*data & 0xfff) || !(page = mon_gpa_ptr(mon, *data, 4096)))
		return false;
	pthread_mutex_lock(&px->lock);
	pers_xen_fill_page(page);
	px->hcall_page = *data;
	pthread_mutex_unlock(&px->lock);
	mon_logf(mon, "xen: hypercall page at 0x%" PRIx64, *data);
	return true;
}

void pers_xen_unimplemented(struct mon *mon, unsigned nr, int64_t sub,
			    const char *what)
{
	struct pers_xen *px = pers_xen_of(mon);
	/* sub + 1 in unsigned arithmetic: a guest's sub-op may be INT64_MAX. */
	uint64_t key = (uint64_t)nr << 32 | (uint32_t)((uint64_t)sub + 1);
	uint64_t rip = pers_xen_current() ? pers_xen_current()->rip : 0;

	if (!mon->cfg.verbose)
		return;
	for (unsigned i = 0; i < px->nunimpl; i++)
		if (px->unimpl[i] == key)
			return;
	if (px->nunimpl < PERS_XEN_UNIMPL_MAX)
		px->unimpl[px->nunimpl++] = key;
	if (sub < 0)
		mon_logf(mon, "xen: hypercall %u (%s) not implemented: -ENOSYS, "
			 "at rip=0x%" PRIx64, nr, what, rip);
	else
		mon_logf(mon, "xen: hypercall %u sub-op %" PRId64 " (%s) not "
			 "implemented, at rip=0x%" PRIx64, nr, sub, what, rip);
}

/* ---- Guest memory as a hypercall names it (pers_xen_copy_in/out).  Xen
 * reads and writes an HVM/PVH guest's hypercall arguments at linear
 * addresses of the calling vCPU (copy_from_guest ->
 * hvm_copy_from_guest_linear, xen/arch/x86/hvm/hvm.c), each page
 * translated through the guest's own page tables
 * (xen/arch/x86/mm/guest_walk.c guest_walk_tables), and so does vmi-run,
 * here.  The caller's paging mode comes from its CR0, CR4 and EFER
 * (struct pers_xen_call); the tables are read, and their accessed and dirty
 * bits set, only through mon_gpa_ptr(), so a table or a page outside
 * guest RAM is a failed translation, never a monitor access; a failed
 * translation is Xen's -EFAULT.  Paging off: linear = physical.
 *
 * What the walk checks is what Xen's does for a hypercall's copy, a
 * supervisor data access: present bits; reserved bits (physical address
 * bits at or above the guest's MAXPHYADDR, NX without EFER.NXE, PS where
 * the level has no large page, the low bits of a large page's frame);
 * writes to a page that is read-only at any level when CR0.WP is set;
 * with CR4.SMAP, a user page unless RFLAGS.AC.  Like Xen it ignores the
 * linear bits above the walk (a non-canonical address aliases a
 * canonical one; 32-bit paging wraps at 4 GiB), does not check
 * protection keys, and sets the accessed bits of the entries used and
 * the leaf's dirty bit for a write only once the walk has succeeded,
 * each with a compare-and-exchange that leaves an entry the guest has
 * changed meanwhile alone.  Formats: SDM Vol. 3A 4.3 (32-bit), 4.4
 * (PAE), 4.5 (4- and 5-level).  ---- */

#define PAGE 4096u
#define CR0_PG (1ull << 31)
#define CR0_WP (1ull << 16)
#define CR4_PSE (1ull << 4)
#define CR4_PAE (1ull << 5)
#define CR4_LA57 (1ull << 12)
#define CR4_SMAP (1ull << 21)
#define EFER_NXE (1ull << 11)
#define RFLAGS_AC (1ull << 18)

#define PTE_P (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_US (1ull << 2)
#define PTE_A (1ull << 5)
#define PTE_D (1ull << 6)
#define PTE_PS (1ull << 7)
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull  /* bits 51:12 */

#define MAX_LEVELS 5

/* A walk in progress: the entries used, each as read (once), from
 * (first) on with access rights and an accessed bit (PAE's PDPTE, entry
 * 0 there, has neither: SDM Vol. 3A 4.4.1). */
struct walk {
	void *at[MAX_LEVELS];
	uint64_t e[MAX_LEVELS];
	bool wide[MAX_LEVELS];  /* 8-byte entry, else 4 */
	unsigned n, first;
};

/* Read the entry at (gpa): once, and through mon_gpa_ptr only. */
static bool entry(struct mon *mon, struct walk *w, uint64_t gpa, bool wide)
{
	void *p = mon_gpa_ptr(mon, gpa, wide ? 8 : 4);

	if (!p || w->n == MAX_LEVELS)
		return false;
	w->at[w->n] = p;
	w->wide[w->n] = wide;
	w->e[w->n] = wide ? __atomic_load_n((uint64_t *)p, __ATOMIC_ACQUIRE)
			  : __atomic_load_n((uint32_t *)p, __ATOMIC_ACQUIRE);
	return w->e[w->n++] & PTE_P;
}

/* Set (bits) in entry (i) unless the guest has changed it since the
 * walk read it (Xen's set_ad_bits).  Entries are naturally aligned:
 * table base 4 KiB (PAE's PDPT 32 bytes) plus index times size. */
static void set_bits(struct walk *w, unsigned i, uint64_t bits)
{
	uint64_t old = w->e[i];
	uint32_t old32 = (uint32_t)old;

	if ((old | bits) == old)
		return;
	if (w->wide[i])
		__atomic_compare_exchange_n((uint64_t *)w->at[i], &old,
					    old | bits, false,
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	else
		__atomic_compare_exchange_n((uint32_t *)w->at[i], &old32,
					    old32 | (uint32_t)bits, false,
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

/* Reserved bits of a PAE or long-mode entry at (level) (1 = PT) whose
 * PS bit is (ps): the address bits the guest does not have, NX without
 * EFER.NXE, the low frame bits of a large page. */
static uint64_t reserved(const struct pers_xen *px,
			 const struct pers_xen_call *c,
			 unsigned level, bool ps)
{
	uint64_t r = PTE_ADDR & ~((1ull << px->maxphyaddr) - 1);

	if (!(c->s.efer & EFER_NXE))
		r |= PTE_NX;
	if (ps && level == 2)
		r |= 0x1fe000ull;               /* bits 20:13 */
	if (ps && level == 3)
		r |= 0x3fffe000ull;             /* bits 29:13 */
	return r;
}

/* Walk PAE-format tables (PAE and 4/5-level) from the table at (table),
 * of paging level (level) (1 = PT), down to the leaf.  On success *gpa
 * is the physical address of (va). */
static bool walk_wide(struct mon *mon, const struct pers_xen_call *c,
		      struct walk *w, uint64_t table, unsigned level,
		      uint64_t va, uint64_t *gpa)
{
	const struct pers_xen *px = pers_xen_of(mon);

	for (;; level--) {
		unsigned shift = 12 + 9 * (level - 1);
		uint64_t e;
		bool ps;

		if (!entry(mon, w, table + ((va >> shift) & 511) * 8, true))
			return false;
		e = w->e[w->n - 1];
		ps = level > 1 && (e & PTE_PS);
		/* PS: a 2 MiB page at level 2, a 1 GiB page at level 3 if
		 * the guest has them; reserved above (SDM Vol. 3A 4.5.4). */
		if (ps && (level > 3 || (level == 3 && !px->page1gb)))
			return false;
		if (e & reserved(px, c, level, ps))
			return false;
		if (level == 1 || ps) {
			uint64_t size = 1ull << shift;
			*gpa = (e & PTE_ADDR & ~(size - 1)) | (va & (size - 1));
			return true;
		}
		table = e & PTE_ADDR;
	}
}

/* 32-bit paging: a page directory of 4-byte entries at CR3; a 4 MiB page
 * with CR4.PSE (PSE-36: bits 20:13 are address bits 39:32), else PS is
 * ignored, as in Xen. */
static bool walk_32(struct mon *mon, const struct pers_xen_call *c,
		    struct walk *w,
		    uint32_t va, uint64_t *gpa)
{
	const struct pers_xen *px = pers_xen_of(mon);
	uint64_t pde, high, table = c->s.cr3 & 0xfffff000u;

	if (!entry(mon, w, table + (va >> 22) * 4, false))
		return false;
	pde = w->e[0];
	if ((pde & PTE_PS) && (c->s.cr4 & CR4_PSE)) {
		high = (pde >> 13) & 0xff;
		if ((pde & (1u << 21)) || (px->maxphyaddr < 40 &&
					   high >> (px->maxphyaddr - 32)))
			return false;
		*gpa = high << 32 | (pde & 0xffc00000u) | (va & 0x3fffff);
		return true;
	}
	if (!entry(mon, w, (pde & 0xfffff000u) + ((va >> 12) & 1023) * 4,
		   false))
		return false;
	*gpa = (w->e[1] & 0xfffff000u) | (va & 0xfff);
	return true;
}

/* PAE paging: the 4 PDPTEs at CR3 bits 31:5, then PD and PT.  A PDPTE
 * has no accessed bit and bits 2:1 and 8:5 reserved. */
static bool walk_pae(struct mon *mon, const struct pers_xen_call *c,
		     struct walk *w, uint32_t va, uint64_t *gpa)
{
	const struct pers_xen *px = pers_xen_of(mon);
	uint64_t pdpte;

	if (!entry(mon, w, (c->s.cr3 & 0xffffffe0u) + (va >> 30) * 8, true))
		return false;
	pdpte = w->e[0];
	if (pdpte & (0x1e6ull | reserved(px, c, 3, false) | PTE_NX))
		return false;
	w->first = 1;
	return walk_wide(mon, c, w, pdpte & PTE_ADDR, 2, va, gpa);
}

/* The access rights the walk accumulated: read-only at any level and
 * CR0.WP for a write, a user page under CR4.SMAP without RFLAGS.AC
 * (Xen: a supervisor data access, not implicit). */
static bool allowed(const struct pers_xen_call *c, const struct walk *w,
		    bool write)
{
	uint64_t rights = PTE_RW | PTE_US;

	for (unsigned i = w->first; i < w->n; i++)
		rights &= w->e[i];
	if (write && !(rights & PTE_RW) && (c->s.cr0 & CR0_WP))
		return false;
	return !((rights & PTE_US) && (c->s.cr4 & CR4_SMAP) &&
		 !(c->rflags & RFLAGS_AC));
}

/* The physical address of the caller's linear (va), for a read or a
 * write; false if Xen's walk would fail (a #PF for the guest, -EFAULT
 * for the hypercall). */
static bool translate(struct mon *mon, const struct pers_xen_call *c,
		      uint64_t va,
		      bool write, uint64_t *gpa)
{
	struct walk w = { .n = 0, .first = 0 };
	bool ok;

	if (!(c->s.cr0 & CR0_PG)) {
		*gpa = va;
		return true;
	}
	if (!(c->s.cr4 & CR4_PAE))
		ok = walk_32(mon, c, &w, (uint32_t)va, gpa);
	else if (!(c->s.efer & MON_EFER_LMA))
		ok = walk_pae(mon, c, &w, (uint32_t)va, gpa);
	else
		ok = walk_wide(mon, c, &w, c->s.cr3 & PTE_ADDR,
			       c->s.cr4 & CR4_LA57 ? 5 : 4, va, gpa);
	if (!ok || !allowed(c, &w, write))
		return false;
	for (unsigned i = w.first; i < w.n; i++)
		set_bits(&w, i, PTE_A | (write && i == w.n - 1 ? PTE_D : 0));
	return true;
}

/* Copy (len) bytes from the caller's linear (va) to (in), or to it from
 * (out), page by page, each page translated, then copied physically
 * (mon_copy_in/out: in guest memory). */
static long copy(struct mon *mon, uint64_t va, uint8_t *in,
		 const uint8_t *out, uint64_t len)
{
	const struct pers_xen_call *c = pers_xen_current();

	while (len) {
		uint64_t n = PAGE - (va & (PAGE - 1)), gpa;

		if (n > len)
			n = len;
		if (!c || !translate(mon, c, va, out != NULL, &gpa) ||
		    !(out ? mon_copy_out(mon, gpa, out, n) :
		      mon_copy_in(mon, in, gpa, n)))
			return -XEN_EFAULT;
		if (out)
			out += n;
		else
			in += n;
		va += n, len -= n;
	}
	return 0;
}

long pers_xen_copy_in(struct mon *mon, void *dst, uint64_t va, uint64_t len)
{
	return copy(mon, va, dst, NULL, len);
}

long pers_xen_copy_out(struct mon *mon, uint64_t va, const void *src,
		       uint64_t len)
{
	return copy(mon, va, NULL, src, len);
}

/* Every hypercall (public/xen.h): its name for the -v log and, for the
 * implemented ones, its sub-ops and their argument shapes (pers_xen.h).
 * The argument that points at a block: vcpu_op (cmd, vcpuid, arg) and
 * console_io (cmd, count, buf) take it third, the others second. */
#define HC(n, o, b, s, v) { .name = n, .ops = o, .block = b, .subops = s, \
			    .vcpu = v }
static const struct pers_xen_hcall hcalls[] = {
	[__HYPERVISOR_set_timer_op] = HC("set_timer_op", pers_xen_timer_ops,
					 0, false, false),
	[__HYPERVISOR_xen_version] = HC("xen_version", pers_xen_version_ops,
					1, true, false),
	[__HYPERVISOR_console_io] = HC("console_io", pers_xen_console_io_ops,
				       2, true, false),
	[__HYPERVISOR_memory_op] = HC("memory_op", pers_xen_memory_ops,
				      0, false, false),
	[__HYPERVISOR_grant_table_op] = HC("grant_table_op",
					   pers_xen_grant_ops, 0, false, false),
	[__HYPERVISOR_vcpu_op] = HC("vcpu_op", pers_xen_vcpu_ops, 2, true,
				    true),
	[__HYPERVISOR_sched_op] = HC("sched_op", pers_xen_sched_ops, 1, true,
				     false),
	[__HYPERVISOR_event_channel_op] = HC("event_channel_op",
					     pers_xen_evtchn_ops, 1, true,
					     false),
	[__HYPERVISOR_hvm_op] = HC("hvm_op", pers_xen_hvm_ops, 1, true, false),
	[__HYPERVISOR_set_trap_table] = { .name = "set_trap_table" },
	[__HYPERVISOR_mmu_update] = { .name = "mmu_update" },
	[__HYPERVISOR_set_gdt] = { .name = "set_gdt" },
	[__HYPERVISOR_stack_switch] = { .name = "stack_switch" },
	[__HYPERVISOR_set_callbacks] = { .name = "set_callbacks" },
	[__HYPERVISOR_fpu_taskswitch] = { .name = "fpu_taskswitch" },
	[__HYPERVISOR_sched_op_compat] = { .name = "sched_op_compat" },
	[__HYPERVISOR_platform_op] = { .name = "platform_op" },
	[__HYPERVISOR_set_debugreg] = { .name = "set_debugreg" },
	[__HYPERVISOR_get_debugreg] = { .name = "get_debugreg" },
	[__HYPERVISOR_update_descriptor] = { .name = "update_descriptor" },
	[__HYPERVISOR_multicall] = { .name = "multicall" },
	[__HYPERVISOR_update_va_mapping] = { .name = "update_va_mapping" },
	[__HYPERVISOR_event_channel_op_compat] = { .name = "event_channel_op_compat" },
	[__HYPERVISOR_physdev_op_compat] = { .name = "physdev_op_compat" },
	[__HYPERVISOR_vm_assist] = { .name = "vm_assist" },
	[__HYPERVISOR_update_va_mapping_otherdomain] = {
		.name = "update_va_mapping_otherdomain" },
	[__HYPERVISOR_iret] = { .name = "iret" },
	[__HYPERVISOR_set_segment_base] = { .name = "set_segment_base" },
	[__HYPERVISOR_mmuext_op] = { .name = "mmuext_op" },
	[__HYPERVISOR_xsm_op] = { .name = "xsm_op" },
	[__HYPERVISOR_nmi_op] = { .name = "nmi_op" },
	[__HYPERVISOR_callback_op] = { .name = "callback_op" },
	[__HYPERVISOR_xenoprof_op] = { .name = "xenoprof_op" },
	[__HYPERVISOR_physdev_op] = { .name = "physdev_op" },
	[__HYPERVISOR_sysctl] = { .name = "sysctl" },
	[__HYPERVISOR_domctl] = { .name = "domctl" },
	[__HYPERVISOR_kexec_op] = { .name = "kexec_op" },
	[__HYPERVISOR_tmem_op] = { .name = "tmem_op" },
	[__HYPERVISOR_argo_op] = { .name = "argo_op" },
	[__HYPERVISOR_xenpmu_op] = { .name = "xenpmu_op" },
	[__HYPERVISOR_dm_op] = { .name = "dm_op" },
	[__HYPERVISOR_hypfs_op] = { .name = "hypfs_op" },
};

/* One hypercall: validate and copy in by the table, then act (the
 * handler), then copy out.  Unknown numbers and sub-ops: -ENOSYS, as in
 * Xen. */
static long pers_xen_dispatch(struct mon *mon, struct pers_xen_call *c)
{
	const struct pers_xen_hcall *h = c->nr < sizeof(hcalls) /
		sizeof(hcalls[0]) ? &hcalls[c->nr] : NULL;
	_Alignas(16) uint8_t block[PERS_XEN_BLOCK_MAX];
	const struct pers_xen_op *op;
	uint64_t at;
	uint16_t size;
	long r;

	if (!h || !h->ops) {
		pers_xen_unimplemented(mon, (unsigned)c->nr, -1,
				       h && h->name ? h->name : "unknown");
		return -XEN_ENOSYS;
	}
	if (h->vcpu && c->a[1] >= mon->nvcpu)
		return -XEN_ENOENT;     /* Xen do_vcpu_op: no such vCPU */
	for (op = h->ops; op->fn && h->subops && op->cmd != c->a[0]; op++)
		;
	if (!op->fn) {
		pers_xen_unimplemented(mon, (unsigned)c->nr, (int64_t)c->a[0],
				       h->name);
		return -XEN_ENOSYS;
	}
	if (op->self && c->a[1] != c->vcpu)
		return -XEN_EINVAL;     /* Xen: only the caller's own */
	at = c->a[h->block];
	size = c->mode != 8 && op->size32 ? op->size32 : op->size;
	memset(block, 0, size);
	if ((op->dir & PERS_XEN_IN) &&
	    (r = pers_xen_copy_in(mon, block, at, size)) < 0)
		return r;
	r = op->fn(mon, c, block);
	if (r == 0 && (op->dir & PERS_XEN_OUT))
		r = pers_xen_copy_out(mon, at, block, size);
	return r;
}

/* Xen's hvm_guest_x86_mode() (arch/x86/hvm/vmx/vmx.c
 * vmx_guest_x86_mode): 0 real mode (CR0.PE clear), 1 virtual-8086
 * (RFLAGS.VM), 8 64-bit (EFER.LMA and CS.L), else 4 or 2 by CS.D. */
static int pers_xen_mode(const struct mon_sregs *s, uint64_t rflags)
{
	if (!(s->cr0 & 1))
		return 0;
	if (rflags & (1u << 17))
		return 1;
	if (mon_sregs_64bit(s))
		return 8;
	return s->cs_db ? 4 : 2;
}

static _Thread_local struct pers_xen_call *pers_xen_cur;

struct pers_xen_call *pers_xen_current(void)
{
	return pers_xen_cur;
}

/* The caller's state and arguments as Xen's hvm_hypercall() decodes
 * them: from 64-bit code RAX and RDI, RSI, RDX, R10, R8; from 32-bit or
 * compatibility-mode code (the same page works there: its stub is
 * `mov; out; ret`) EAX and EBX, ECX, EDX, ESI, EDI, each truncated to
 * 32 bits.  -errno if the vCPU state cannot be read. */
static int pers_xen_decode(struct mon *mon, unsigned vcpu,
			   const struct mon_exit *x,
			   struct pers_xen_call *c)
{
	const struct mon_regs *r = x->regs;
	int e;

	*c = (struct pers_xen_call){ .vcpu = vcpu, .rip = x->rip,
			       .rflags = r->rflags };
	if ((e = mon->host->sregs(mon, vcpu, &c->s)) < 0)
		return e;
	c->mode = pers_xen_mode(&c->s, r->rflags);
	/* Xen's hvm_get_cpl(): SS.DPL, which always equals the CPL (SDM
	 * Vol. 3A 5.5; VMX keeps it in the SS access rights, SVM in the
	 * VMCB).  CS.DPL does not: a conforming code segment of DPL 0 runs
	 * at CPL 3. */
	c->cpl = c->s.ss_dpl;
	if (c->mode == 8) {
		c->nr = r->rax;
		c->a[0] = r->rdi, c->a[1] = r->rsi, c->a[2] = r->rdx;
		c->a[3] = r->r10, c->a[4] = r->r8;
	} else {
		c->nr = (uint32_t)r->rax;
		c->a[0] = (uint32_t)r->rbx, c->a[1] = (uint32_t)r->rcx;
		c->a[2] = (uint32_t)r->rdx, c->a[3] = (uint32_t)r->rsi;
		c->a[4] = (uint32_t)r->rdi;
	}
	return 0;
}

/* Is there a stub `mov $nr,%eax; out %al,$VMI_PORT_XEN_HYPERCALL` at
 * the caller's linear (va)? */
static bool pers_xen_stub_at(struct mon *mon, uint64_t va, uint32_t nr)
{
	uint8_t b[7];

	return pers_xen_copy_in(mon, b, va, sizeof(b)) == 0 && b[0] == 0xb8 &&
	       memcmp(b + 1, &nr, 4) == 0 && b[5] == 0xe6 &&
	       b[6] == VMI_PORT_XEN_HYPERCALL;
}

/* A continuation re-executes the call.  Xen leaves RIP on the VMCALL;
 * vmi-run cannot leave it on the OUT: KVM's fast port-I/O path exits
 * with RIP on the OUT and skips it on the next entry unless RIP was
 * changed (Linux arch/x86/kvm/x86.c complete_fast_pio_out), while its
 * emulator exits with RIP already past it.  So the call restarts at the
 * stub's `mov $nr,%eax`, which it recognizes by its bytes, 5 before RIP
 * (on the OUT) or 7 (past it).  A caller that did not come through such
 * a stub (code of its own, against include/vmi/abi.h) cannot be
 * continued.  64-bit and 32-bit code only: the stub is not 16-bit code. */
bool pers_xen_can_continue(struct mon *mon)
{
	struct pers_xen_call *c = pers_xen_current();
	uint64_t rip;

	if (!c || (c->mode != 8 && c->mode != 4))
		return false;
	if (c->stub == 0) {
		rip = c->mode == 8 ? c->rip
				   : (uint32_t)(c->s.cs_base + (uint32_t)c->rip);
		c->stub = -1;
		if (pers_xen_stub_at(mon, rip - 5, (uint32_t)c->nr))
			c->stub = 1, c->restart_rip = c->rip - 5;
		else if (pers_xen_stub_at(mon, rip - 7, (uint32_t)c->nr))
			c->stub = 1, c->restart_rip = c->rip - 7;
	}
	return c->stub > 0;
}

void pers_xen_continue(struct mon *mon, unsigned i, uint64_t v)
{
	struct pers_xen_call *c = pers_xen_current();

	if (c && i < 5 && pers_xen_can_continue(mon)) {
		c->a[i] = c->mode == 8 ? v : (uint32_t)v;
		c->restart = true;
	}
}

/* Write a continued call's arguments back and point RIP at its stub.
 * RAX still holds the number (the stub's mov sets it again).  From
 * 32-bit code only the low halves change, as Xen writes EBX... there. */
static void pers_xen_restart(const struct pers_xen_call *c, struct mon_regs *r)
{
	uint64_t *reg64[5] = { &r->rdi, &r->rsi, &r->rdx, &r->r10, &r->r8 };
	uint64_t *reg32[5] = { &r->rbx, &r->rcx, &r->rdx, &r->rsi, &r->rdi };

	for (unsigned i = 0; i < 5; i++) {
		if (c->mode == 8)
			*reg64[i] = c->a[i];
		else
			*reg32[i] = (*reg32[i] & ~0xffffffffull) |
				    (uint32_t)c->a[i];
	}
	r->rip = c->restart_rip;
}

/* The hypercall port: `out %al, $VMI_PORT_XEN_HYPERCALL` from a stub.
 * Other accesses to the port are nobody's (fail closed in mon_dev.c).
 * The result goes to RAX, from 32-bit code to EAX (the upper half
 * cleared, as a 32-bit write would); memory_op and grant_table_op read
 * a 32-bit caller's structures in Xen's compat layouts
 * (pers_xen_mem.c).  From real mode there is no CPL check; from
 * virtual-8086 mode or CPL > 0: -EPERM (Xen hvm_hypercall()).  With
 * IOPL 0 a call from CPL > 0 #GPs at the stub's OUT and never gets
 * here; with IOPL 3 it does. */
static bool pers_xen_pio(struct mon *mon, unsigned vcpu,
			 const struct mon_exit *x)
{
	struct pers_xen *px = pers_xen_of(mon);
	struct pers_xen_call c;
	long ret;

	if (x->io.port != VMI_PORT_XEN_HYPERCALL || !x->io.out ||
	    x->io.size != 1 || x->io.count != 1)
		return false;
	if (pers_xen_decode(mon, vcpu, x, &c) < 0 || c.mode == 1 ||
	    (c.mode != 0 && c.cpl != 0)) {
		ret = -XEN_EPERM;
	} else {
		pthread_mutex_lock(&px->lock);
		pers_xen_cur = &c;
		ret = pers_xen_dispatch(mon, &c);
		pers_xen_cur = NULL;
		pthread_mutex_unlock(&px->lock);
	}
	if (c.restart)
		pers_xen_restart(&c, x->regs);
	else
		x->regs->rax = c.mode == 8 ? (uint64_t)ret : (uint32_t)ret;
	*x->regs_dirty = true;
	return true;
}

/* A CPUID register of the guest's table, 0 where the leaf is absent. */
static uint32_t cpuid_reg(struct mon_cpuid *t, uint32_t fn, uint32_t index,
			  unsigned reg)
{
	const struct mon_cpuid_entry *e = mon_cpuid_find(t, fn, index);
	const uint32_t r[4] = { e ? e->eax : 0, e ? e->ebx : 0,
				e ? e->ecx : 0, e ? e->edx : 0 };

	return r[reg];
}

/* CPUID bit (bit) of register (reg: 0 EAX .. 3 EDX) of leaf (fn, index)
 * set: (yes), else 0. */
static uint64_t if_cpuid(struct mon_cpuid *t, uint32_t fn, unsigned reg,
			 unsigned bit, uint64_t yes)
{
	return cpuid_reg(t, fn, 0, reg) >> bit & 1 ? yes : 0;
}

/* Xen's hvm_cr4_guest_valid_bits() (xen/arch/x86/hvm/hvm.c) over the
 * guest's CPUID (bit numbers: SDM Vol. 3A 2.5 for CR4, Vol. 2A CPUID).
 * VMXE needs nested virtualization, which vmi-run does not offer; LA57
 * is not among Xen 4.17's. */
static uint64_t cr4_valid(struct mon_cpuid *t)
{
	return if_cpuid(t, 1, 3, 1, 3ull << 0) |        /* VME: VME, PVI */
	       if_cpuid(t, 1, 3, 4, 1ull << 2) |        /* TSC: TSD */
	       if_cpuid(t, 1, 3, 2, 1ull << 3) |        /* DE */
	       if_cpuid(t, 1, 3, 3, 1ull << 4) |        /* PSE */
	       if_cpuid(t, 1, 3, 6, 1ull << 5) |        /* PAE */
	       if_cpuid(t, 1, 3, 7, 1ull << 6) |        /* MCE ... */
	       if_cpuid(t, 1, 3, 14, 1ull << 6) |       /* ... or MCA */
	       if_cpuid(t, 1, 3, 13, 1ull << 7) |       /* PGE */
	       1ull << 8 |                              /* PCE */
	       if_cpuid(t, 1, 3, 24, 1ull << 9) |       /* FXSR: OSFXSR */
	       if_cpuid(t, 1, 3, 25, 1ull << 10) |      /* SSE: OSXMMEXCPT */
	       if_cpuid(t, 7, 2, 2, 1ull << 11) |       /* UMIP */
	       if_cpuid(t, 7, 1, 0, 1ull << 16) |       /* FSGSBASE */
	       if_cpuid(t, 1, 2, 17, 1ull << 17) |      /* PCID: PCIDE */
	       if_cpuid(t, 1, 2, 26, 1ull << 18) |      /* XSAVE: OSXSAVE */
	       if_cpuid(t, 7, 1, 7, 1ull << 20) |       /* SMEP */
	       if_cpuid(t, 7, 1, 20, 1ull << 21) |      /* SMAP */
	       if_cpuid(t, 7, 2, 3, 1ull << 22) |       /* PKU: PKE */
	       if_cpuid(t, 7, 2, 7, 1ull << 23) |       /* CET_SS ... */
	       if_cpuid(t, 7, 3, 20, 1ull << 23);       /* ... or CET_IBT */
}

/* Xen's hvm_efer_valid(): the bits it knows (EFER_KNOWN_MASK), each
 * only with its CPUID feature (0x80000001 EDX); SVME needs nested
 * virtualization. */
static uint64_t efer_valid(struct mon_cpuid *t)
{
	const uint32_t x = 0x80000001u;

	return if_cpuid(t, x, 3, 11, 1ull << 0) |               /* SCE */
	       if_cpuid(t, x, 3, 29, 1ull << 8 | 1ull << 10) |  /* LME, LMA */
	       if_cpuid(t, x, 3, 20, 1ull << 11) |              /* NXE */
	       if_cpuid(t, x, 3, 25, 1ull << 14);               /* FFXSE */
}

/* What Xen's checks take from the domain's CPUID policy, from the
 * guest's table: the physical-address width (0x80000008 EAX[7:0], 36
 * without the leaf: SDM Vol. 3A 4.1.4; kept within 32-52), 1 GiB pages
 * (0x80000001 EDX[26]), the CR4 and EFER bits a vCPU may start with. */
static int pers_xen_features(struct mon *mon, struct pers_xen *px)
{
	struct mon_cpuid *t = calloc(1, sizeof(*t));
	uint32_t w;
	int r = -ENOMEM;

	if (t && (r = mon->host->cpuid(mon, t)) == 0) {
		w = cpuid_reg(t, 0x80000008u, 0, 0) & 0xff;
		px->maxphyaddr = (uint8_t)(w == 0 ? 36 : w < 32 ? 32 :
					   w > 52 ? 52 : w);
		px->page1gb = cpuid_reg(t, 0x80000001u, 0, 3) >> 26 & 1;
		px->cr4_valid = cr4_valid(t);
		px->efer_valid = efer_valid(t);
	}
	free(t);
	return r;
}

static int pers_xen_init(struct mon *mon)
{
	struct pers_xen *px = calloc(1, sizeof(*px) +
				     mon->ram_size / 0x1000 / 8 + 1);
	pthread_condattr_t ca;
	struct timespec ts;
	uint64_t now_ns;

	if (!mon->host) {
		free(px);
		return -ENOSYS;
	}
	if (!px)
		return -ENOMEM;
	if (pers_xen_features(mon, px) < 0) {
		free(px);
		return -EIO;
	}
	pthread_mutex_init(&px->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&px->cond, &ca);
	pthread_condattr_destroy(&ca);
	mon->host->pvclock_scale(mon->tsc_khz, &px->tsc_mul, &px->tsc_shift);
	clock_gettime(CLOCK_REALTIME, &ts);
	now_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	px->wall_ns = now_ns - mon->host->guest_ns(mon);
	pers_xen_evtchn_init(px);
	px->vcpu[0].initialised = px->vcpu[0].up = true;
	mon->pers_state = px;
	pers_xen_mem_init(mon);
	return 0;
}

const struct mon_pers pers_xen = {
	.name = "xen",
	.available = true,
	.special = true,
	.clock = MON_CLOCK_PLATFORM,    /* Xen's default: clocksource=tsc is opt-in */
	.cpuid = pers_xen_cpuid,
	.init = pers_xen_init,
	.msr = pers_xen_msr,
	.pio = pers_xen_pio,
};
