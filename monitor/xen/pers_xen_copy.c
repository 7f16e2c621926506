/* SPDX-License-Identifier: MIT */
/*
 * monitor/pers_xen_copy.c: guest memory as a hypercall names it.  Xen
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
 * (PAE), 4.5 (4- and 5-level).
 */
#include <string.h>

#include "pers_xen.h"

#define PAGE 4096u
#define CR0_PG (1ull << 31)
#define CR0_WP (1ull << 16)
#define CR4_PSE (1ull << 4)
#define CR4_PAE (1ull << 5)
#define CR4_LA57 (1ull << 12)
#define CR4_SMAP (1ull << 21)
#define EFER_LMA (1ull << 10)
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
	else if (!(c->s.efer & EFER_LMA))
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
