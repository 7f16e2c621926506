/* SPDX-License-Identifier: MIT */
/*
 * monitor/xen/pers_xen_mem.c: the memory of the `xen` personality's domain:
 * memory_op (public/memory.h) as Xen answers an HVM/PVH domU, and grant
 * table v1 (public/grant_table.h).  Semantics from Xen's common/memory.c
 * (do_memory_op, decrease_reservation, increase_reservation,
 * populate_physmap), arch/x86/mm.c (XENMEM_memory_map), arch/x86/mm/p2m.c
 * (xenmem_add_to_physmap_one) and common/grant_table.c.
 *
 * Bookkeeping as Xen's p2m and d->tot_pages/max_pages: one bit per RAM
 * gfn that decrease_reservation removed, the page count, and where the
 * monitor's pages (shared_info, grant frames) live: on a RAM gfn (that
 * RAM page then holds them, and Xen would have freed it: tot_pages
 * drops) or, at a gfn outside RAM, on a pool page of the monitor mapped
 * there as its own KVM slot (mon.h).  A removed gfn stays mapped in KVM
 * and reads as before; Xen would fault it (docs/vmi-run.md).  Called
 * with px->lock held.
 */
#include <string.h>

#include "pers_xen.h"

#include <xen/arch-x86/hvm/start_info.h>
#include <xen/grant_table.h>
#include <xen/memory.h>

#define PAGE 4096u
/* Xen takes the command from the low 6 bits and a continuation's start
 * extent from the rest (MEMOP_EXTENT_SHIFT, MEMOP_CMD_MASK in Xen's
 * internal xen/include/xen/hypercall.h, not in the public headers). */
#define MEMOP_EXTENT_SHIFT 6
#define MEMOP_CMD_MASK ((1u << MEMOP_EXTENT_SHIFT) - 1)
/* The largest extent order a domU may use (Xen's CONFIG_DOMU_MAX_ORDER,
 * 9 on x86: common/Kconfig). */
#define PERS_XEN_DOMU_MAX_ORDER 9u
/* The pages one exit of a reservation op may handle (a populated page
 * is zeroed: 1 MiB); then the call is continued. */
#define PERS_XEN_MEMOP_PAGES 256u
/* Xen's INVALID_GFN and INVALID_M2P_ENTRY (internal headers): ~0. */
#define PERS_XEN_INVALID_GFN UINT64_MAX
/* The largest gfn vmi-run maps: Xen 4.17's p2m has 4 levels, 48-bit
 * guest physical addresses, so a gfn at or above 2^36 cannot be mapped
 * (arch/x86/mm/p2m-ept.c ept_set_entry: -EINVAL; on AMD p2m-pt.c
 * p2m_find_entry fails and it is -ENOENT). */
#define PERS_XEN_MAX_GFN ((1ull << 36) - 1)

/* A guest handle's address (the public headers declare them pointers). */
#define GH(h) ((uint64_t)(uintptr_t)(h).p)

/* Xen's e820entry (arch/x86/include/asm/e820.h): packed, 20 bytes, the
 * layout XENMEM_memory_map copies out. */
struct pers_xen_e820 {
	uint64_t addr, size;
	uint32_t type;
} __attribute__((packed));
_Static_assert(sizeof(struct pers_xen_e820) == 20, "Xen e820entry");

/* The compat layouts a 32-bit caller uses (Xen translates them, its
 * xen/include/compat from the same public headers under the i386 ABI:
 * 4-byte xen_ulong_t, xen_pfn_t and guest handles, 4-byte aligned
 * uint64_t).  Only the structures memory_op and grant_table_op read;
 * the three other blocks whose compat size differs (sched_poll,
 * platform_parameters, vcpu_set_singleshot_timer) have their size32 in
 * the hypercall table (pers_xen.h); the rest are the same in both. */
struct pers_xen_compat_add_to_physmap {
	uint16_t domid, size;
	uint32_t space, idx, gpfn;
};
struct pers_xen_compat_reservation {
	uint32_t extent_start, nr_extents, extent_order, mem_flags;
	uint16_t domid, pad;
};
struct pers_xen_compat_memory_map {
	uint32_t nr_entries, buffer;
};
struct pers_xen_compat_setup_table {
	uint16_t dom, pad;
	uint32_t nr_frames;
	int16_t status;
	uint16_t pad2;
	uint32_t frame_list;
};
_Static_assert(sizeof(struct pers_xen_compat_add_to_physmap) == 16, "compat");
_Static_assert(sizeof(struct pers_xen_compat_reservation) == 20, "compat");
_Static_assert(sizeof(struct pers_xen_compat_setup_table) == 16, "compat");
_Static_assert(offsetof(struct gnttab_setup_table, status) ==
	       offsetof(struct pers_xen_compat_setup_table, status), "status");

static uint64_t ram_pages(const struct mon *mon)
{
	return mon->ram_size / PAGE;
}

static bool removed(const struct pers_xen *px, uint64_t gfn)
{
	return px->removed[gfn / 8] >> (gfn % 8) & 1;
}

static void set_removed(struct pers_xen *px, uint64_t gfn, bool on)
{
	if (on)
		px->removed[gfn / 8] |= (uint8_t)(1u << (gfn % 8));
	else
		px->removed[gfn / 8] &= (uint8_t)~(1u << (gfn % 8));
}

void pers_xen_mem_init(struct mon *mon)
{
	struct pers_xen *px = pers_xen_of(mon);

	px->tot_pages = px->max_pages = ram_pages(mon);
	px->shared_pool = -1;
	for (unsigned i = 0; i < PERS_XEN_GNT_MAX_FRAMES; i++)
		px->gnt_pool[i] = -1;
	px->gnt_frames = PERS_XEN_GNT_INITIAL_FRAMES;
	px->log_bol = true;
}

/* The monitor page (shared_info, a grant frame) at (gpa): its location
 * fields in *g and *pool; false if none is there. */
static bool page_at(struct pers_xen *px, uint64_t gpa, uint64_t **g,
		    int **pool)
{
	if (gpa && px->shared_info == gpa) {
		*g = &px->shared_info, *pool = &px->shared_pool;
		return true;
	}
	for (unsigned i = 0; gpa && i < PERS_XEN_GNT_MAX_FRAMES; i++)
		if (px->gnt_gpa[i] == gpa) {
			*g = &px->gnt_gpa[i], *pool = &px->gnt_pool[i];
			return true;
		}
	return false;
}

static bool monitor_page(struct pers_xen *px, uint64_t gpa)
{
	uint64_t *g;
	int *pool;

	return page_at(px, gpa, &g, &pool);
}

/* The contents of a monitor page: where the guest sees it, else the
 * pool page that keeps it while it is mapped nowhere; NULL: never
 * mapped (its contents are zero). */
static uint8_t *page_contents(struct mon *mon, uint64_t gpa, int pool)
{
	if (gpa)
		return mon_gpa_ptr(mon, gpa, PAGE);
	return pool >= 0 ? mon->region[1 + pool].host : NULL;
}

static int pool_alloc(struct pers_xen *px)
{
	for (unsigned i = 0; i < MON_POOL_PAGES; i++)
		if (!(px->pool_used >> i & 1)) {
			px->pool_used |= 1u << i;
			return (int)i;
		}
	return -1;
}

static void pool_free(struct mon *mon, int page)
{
	mon_pool_map(mon, (unsigned)page, MON_REGION_NONE);
	pers_xen_of(mon)->pool_used &= ~(1u << page);
}

/* Another monitor page at the gfn is unhooked from it, as Xen unhooks
 * a special page (xenmem_add_to_physmap_one: p2m_remove_page): mapped
 * nowhere, its contents kept on a pool page of its own. */
static long unhook(struct mon *mon, uint64_t *g, int *pool)
{
	struct pers_xen *px = pers_xen_of(mon);
	int page;

	if (*pool >= 0) {               /* a pool page: just unmap it */
		mon_pool_map(mon, (unsigned)*pool, MON_REGION_NONE);
	} else {
		if ((page = pool_alloc(px)) < 0)
			return -XEN_ENOMEM;
		memcpy(mon->region[1 + page].host,
		       mon_gpa_ptr(mon, *g, PAGE), PAGE);
		*pool = page;
	}
	*g = 0;
	return 0;
}

long pers_xen_place_page(struct mon *mon, uint64_t *gpa, int *pool,
			 uint64_t gfn)
{
	struct pers_xen *px = pers_xen_of(mon);
	uint8_t old[PAGE];
	const uint8_t *src;
	uint64_t *og;
	int *opool, page = -1;
	uint8_t *dst;
	long r;

	/* GPA 0 is "mapped nowhere" here (shared_info, gnt_gpa, a vCPU's
	 * info), so gfn 0, which Xen takes, is refused rather than taken
	 * and then treated as unmapped (docs/vmi-run.md). */
	if (gfn == 0 || gfn > PERS_XEN_MAX_GFN)
		return -XEN_EINVAL;
	if (*gpa && *gpa == gfn * PAGE)
		return 0;
	if (gfn >= ram_pages(mon) && mon_gpa_ptr(mon, gfn * PAGE, 1) &&
	    !monitor_page(px, gfn * PAGE))
		return -XEN_EINVAL;     /* the special area */
	if ((src = page_contents(mon, *gpa, *pool)))
		memcpy(old, src, PAGE);
	if (page_at(px, gfn * PAGE, &og, &opool) &&
	    (r = unhook(mon, og, opool)) < 0)
		return r;
	if (gfn < ram_pages(mon)) {
		dst = mon_gpa_ptr(mon, gfn * PAGE, PAGE);
		/* Xen frees the RAM page it maps over (guest_remove_page). */
		if (!removed(px, gfn)) {
			set_removed(px, gfn, true);
			px->tot_pages--;
		}
	} else {
		if ((page = pool_alloc(px)) < 0)
			return -XEN_ENOMEM;
		if (*pool >= 0)         /* its old slot goes first */
			mon_pool_map(mon, (unsigned)*pool, MON_REGION_NONE);
		dst = mon_pool_map(mon, (unsigned)page, gfn * PAGE);
		if (!dst) {
			px->pool_used &= ~(1u << page);
			if (*pool >= 0 && *gpa)
				mon_pool_map(mon, (unsigned)*pool, *gpa);
			return -XEN_EINVAL;     /* KVM refused the slot */
		}
		if (gfn > px->max_gpfn)
			px->max_gpfn = gfn;
	}
	if (src)
		memcpy(dst, old, PAGE);
	else
		memset(dst, 0, PAGE);
	if (*pool >= 0)
		pool_free(mon, *pool);
	*pool = page;
	*gpa = gfn * PAGE;
	return 0;
}

/* XENMEM_memory_map: the memory map vmi-run gave in start_info, as
 * packed e820 entries; nr_entries in, the count written out. */
static long memory_map(struct mon *mon, uint64_t arg)
{
	struct hvm_memmap_table_entry map[MON_MEMMAP_MAX];
	struct pers_xen_e820 e[MON_MEMMAP_MAX];
	unsigned n = mon_memmap_build(mon->ram_size, mon->extra != NULL, map,
				      MON_MEMMAP_MAX);
	struct pers_xen_compat_memory_map cm;
	struct xen_memory_map m;
	long r;

	if (pers_xen_compat()) {
		if ((r = pers_xen_copy_in(mon, &cm, arg, sizeof(cm))) < 0)
			return r;
		m.nr_entries = cm.nr_entries;
		set_xen_guest_handle(m.buffer, (void *)(uintptr_t)cm.buffer);
	} else if ((r = pers_xen_copy_in(mon, &m, arg, sizeof(m))) < 0) {
		return r;
	}
	if (m.nr_entries > n)
		m.nr_entries = n;
	for (unsigned i = 0; i < m.nr_entries; i++)
		e[i] = (struct pers_xen_e820){ map[i].addr, map[i].size,
					 map[i].type };
	if (m.nr_entries &&
	    pers_xen_copy_out(mon, GH(m.buffer), e, m.nr_entries * sizeof(e[0])) < 0)
		return -XEN_EFAULT;
	if (pers_xen_compat()) {
		cm.nr_entries = m.nr_entries;
		return pers_xen_copy_out(mon, arg, &cm, sizeof(cm));
	}
	return pers_xen_copy_out(mon, arg, &m, sizeof(m));
}

/* Xen guest_remove_page() for an HVM domain: 0, or -ENOENT where the
 * p2m has no RAM (never populated, removed, outside RAM). */
static bool remove_gfn(struct mon *mon, uint64_t gfn)
{
	struct pers_xen *px = pers_xen_of(mon);

	if (gfn >= ram_pages(mon) || removed(px, gfn) ||
	    monitor_page(px, gfn * PAGE))
		return false;
	set_removed(px, gfn, true);
	px->tot_pages--;
	return true;
}

/* Populate the extent of (n) gfns at (gfn): RAM gfns only (Xen would
 * also put RAM in a hole); any gfn, aligned to the order or not, as
 * Xen's p2m_set_entry maps an unaligned extent in 4 KiB pieces.  Xen
 * allocates the whole extent before it maps any of it (assign_pages
 * refuses one past max_pages), so an extent refused here changes
 * nothing.  Xen allocates a fresh page even for a populated gfn, so the
 * count grows either way.  The pages read as zero. */
static bool populate_extent(struct mon *mon, uint64_t gfn, uint64_t n)
{
	struct pers_xen *px = pers_xen_of(mon);

	if (gfn >= ram_pages(mon) || n > ram_pages(mon) - gfn ||
	    px->tot_pages + n > px->max_pages)
		return false;
	for (uint64_t j = 0; j < n; j++)
		if (monitor_page(px, (gfn + j) * PAGE))
			return false;
	memset(mon_gpa_ptr(mon, gfn * PAGE, n * PAGE), 0, n * PAGE);
	for (uint64_t j = 0; j < n; j++)
		set_removed(px, gfn + j, false);
	px->tot_pages += n;
	return true;
}

/* Xen's construct_memop_from_reservation refuses (-EINVAL, so the start
 * extent is the answer) address bits 1-12, below every host's top
 * address, and for a domU an exact node request naming a node
 * (propagate_node); a domain without vNUMA (xl's default) takes any
 * XENMEMF_vnode.  populate_physmap on oneself with
 * XENMEMF_populate_on_demand stops before its first extent. */
static bool memflags_refused(unsigned op, uint32_t f)
{
	uint32_t bits = XENMEMF_get_address_bits(f);

	if (bits && bits <= 12)
		return true;
	if (!(f & XENMEMF_vnode) && (f & XENMEMF_exact_node_request) &&
	    XENMEMF_get_node(f) != 0xffu)       /* NUMA_NO_NODE */
		return true;
	return op == XENMEM_populate_physmap &&
	       (f & XENMEMF_populate_on_demand);
}

/* increase/decrease_reservation and populate_physmap: the number of
 * extents done, counting from the start extent; every refusal is that
 * count too, as in Xen's do_memory_op.  Like Xen, which checks for
 * preemption between extents and continues the call with the next
 * extent in the command (MEMOP_EXTENT_SHIFT), an exit does extents of
 * at most PERS_XEN_MEMOP_PAGES pages in all (at least one extent) and then
 * continues the call; a caller that cannot be continued gets the count
 * done so far, a partial count as Xen's answer means one. */
static long reservation(struct mon *mon, unsigned op, uint64_t start,
			uint64_t arg)
{
	struct pers_xen *px = pers_xen_of(mon);
	struct xen_memory_reservation r;
	struct pers_xen_compat_reservation cr;
	uint64_t i, n, list, pfn_size = pers_xen_compat() ? 4 : 8;

	if (pers_xen_compat()) {
		if (pers_xen_copy_in(mon, &cr, arg, sizeof(cr)) < 0)
			return (long)start;
		r = (struct xen_memory_reservation){ .nr_extents = cr.nr_extents,
			.extent_order = cr.extent_order,
			.mem_flags = cr.mem_flags, .domid = cr.domid };
		list = cr.extent_start;
	} else {
		if (pers_xen_copy_in(mon, &r, arg, sizeof(r)) < 0)
			return (long)start;
		list = GH(r.extent_start);
	}
	if (r.nr_extents > (UINT32_MAX >> MEMOP_EXTENT_SHIFT) ||
	    start >= r.nr_extents || r.domid != DOMID_SELF ||
	    r.extent_order > PERS_XEN_DOMU_MAX_ORDER ||
	    memflags_refused(op, r.mem_flags))
		return (long)start;
	n = 1ull << r.extent_order;
	for (i = start; i < r.nr_extents; i++) {
		xen_pfn_t gfn = 0;
		if (i > start && (i - start) * n >= PERS_XEN_MEMOP_PAGES) {
			if (pers_xen_can_continue(mon))
				pers_xen_continue(mon, 0, op | i << MEMOP_EXTENT_SHIFT);
			break;
		}
		if (op == XENMEM_increase_reservation) {
			/* For a translated domain nothing is written back. */
			if (px->tot_pages + n > px->max_pages)
				break;
			px->tot_pages += n;
			continue;
		}
		/* A 32-bit caller's list holds 4-byte compat_pfn_t. */
		if (pers_xen_copy_in(mon, &gfn, list + i * pfn_size, pfn_size) < 0)
			break;
		if (op == XENMEM_populate_physmap) {
			if (!populate_extent(mon, gfn, n))
				break;
			continue;
		}
		/* Xen removes page by page and stops at the first that is
		 * not there, the ones before it removed. */
		uint64_t j = 0;
		while (j < n && remove_gfn(mon, gfn + j))
			j++;
		if (j < n)
			break;
	}
	return (long)i;
}

/* Map shared_info at (gpfn): its contents move with it; the first time
 * they are filled as Xen's page is (times, wall clock), then each vCPU
 * without its own vcpu_info is pointed at its slot. */
static long map_shared_info(struct mon *mon, uint64_t gpfn)
{
	struct pers_xen *px = pers_xen_of(mon);
	bool first = px->shared_info == 0 && px->shared_pool < 0;
	struct shared_info *s;
	long r = pers_xen_place_page(mon, &px->shared_info, &px->shared_pool, gpfn);

	if (r < 0)
		return r;
	s = mon_gpa_ptr(mon, px->shared_info, PAGE);
	if (first) {
		s->wc_sec = (uint32_t)(px->wall_ns / 1000000000u);
		s->wc_nsec = (uint32_t)(px->wall_ns % 1000000000u);
		s->wc_sec_hi = (uint32_t)(px->wall_ns / 1000000000u >> 32);
		__atomic_store_n(&s->wc_version, 2, __ATOMIC_RELEASE);
	}
	for (unsigned v = 0; v < mon->nvcpu && v < XEN_LEGACY_MAX_VCPUS; v++) {
		if (px->vcpu[v].info_registered)
			continue;
		px->vcpu[v].info = px->shared_info +
				   v * sizeof(struct vcpu_info);
		pers_xen_write_time(mon, v);
	}
	return 0;
}

/* Grant frame (idx) at (gpfn); Xen grows the table up to idx + 1 frames
 * (gnttab_get_shared_frame_mfn); v1 has no status frames, so an index
 * with XENMAPIDX_grant_table_status is just too large. */
static long map_grant_frame(struct mon *mon, uint64_t idx, uint64_t gpfn)
{
	struct pers_xen *px = pers_xen_of(mon);
	long r;

	if (idx >= PERS_XEN_GNT_MAX_FRAMES)
		return -XEN_EINVAL;
	r = pers_xen_place_page(mon, &px->gnt_gpa[idx], &px->gnt_pool[idx], gpfn);
	if (r == 0 && idx >= px->gnt_frames)
		px->gnt_frames = (unsigned)idx + 1;
	return r;
}

static long add_to_physmap(struct mon *mon, uint64_t start, uint64_t arg)
{
	struct pers_xen_compat_add_to_physmap ca;
	struct xen_add_to_physmap a;
	long r;

	if (start != (__typeof__(a.size))start)
		return -XEN_EDOM;
	if (pers_xen_compat()) {
		if ((r = pers_xen_copy_in(mon, &ca, arg, sizeof(ca))) < 0)
			return r;
		/* Zero-extended, as Xen's XLAT_add_to_physmap copies each
		 * field: a compat gpfn ~0 is gfn 0xffffffff, not
		 * INVALID_GFN. */
		a = (struct xen_add_to_physmap){ .domid = ca.domid,
			.size = ca.size, .space = ca.space, .idx = ca.idx,
			.gpfn = ca.gpfn };
	} else if ((r = pers_xen_copy_in(mon, &a, arg, sizeof(a))) < 0) {
		return r;
	}
	/* Xen: foreign mappings only through add_to_physmap_batch; then
	 * the domain; dev_mmio only for the hardware domain
	 * (xatp_permission_check). */
	if (a.space == XENMAPSPACE_gmfn_foreign)
		return -XEN_ENOSYS;
	if (a.domid != DOMID_SELF)
		return -XEN_ESRCH;
	if (a.space == XENMAPSPACE_dev_mmio)
		return -XEN_EACCES;
	if (a.gpfn == PERS_XEN_INVALID_GFN)
		return -XEN_EINVAL;
	switch (a.space) {
	case XENMAPSPACE_shared_info:
		return a.idx == 0 ? map_shared_info(mon, a.gpfn) : -XEN_EINVAL;
	case XENMAPSPACE_grant_table:
		return map_grant_frame(mon, a.idx, a.gpfn);
	default:
		/* gmfn and gmfn_range move guest RAM (not offered); Xen's
		 * answer for a space it does not know is -EINVAL. */
		pers_xen_unimplemented(mon, __HYPERVISOR_memory_op,
				       XENMEM_add_to_physmap,
				       "add_to_physmap of that space: -EINVAL");
		return -XEN_EINVAL;
	}
}

/* current_reservation, maximum_reservation, maximum_gpfn: the argument
 * is a domid (struct xen_memory_domain in Xen). */
static long domain_stat(struct mon *mon, unsigned op, uint64_t arg)
{
	struct pers_xen *px = pers_xen_of(mon);
	domid_t d;
	uint64_t top;
	long r = pers_xen_copy_in(mon, &d, arg, sizeof(d));

	if (r < 0)
		return r;
	if (d != DOMID_SELF)
		return -XEN_ESRCH;
	if (op == XENMEM_current_reservation)
		return (long)px->tot_pages;
	if (op == XENMEM_maximum_reservation)
		return (long)px->max_pages;
	/* The highest gfn ever mapped (Xen's p2m max_mapped_pfn). */
	top = mon->extra ? MON_SPECIAL_END / PAGE - 1 : ram_pages(mon) - 1;
	return (long)(px->max_gpfn > top ? px->max_gpfn : top);
}

static long memory_op(struct mon *mon, struct pers_xen_call *c, void *b)
{
	uint64_t cmd = c->a[0], arg = c->a[1];
	uint64_t start = cmd >> MEMOP_EXTENT_SHIFT;
	unsigned op = cmd & MEMOP_CMD_MASK;

	(void)b;

	switch (op) {
	case XENMEM_increase_reservation:
	case XENMEM_decrease_reservation:
	case XENMEM_populate_physmap:
		return reservation(mon, op, start, arg);
	case XENMEM_maximum_ram_page:
		/* Xen: the host's max_page; here the guest is the host. */
		return start ? -XEN_EINVAL : (long)ram_pages(mon);
	case XENMEM_current_reservation:
	case XENMEM_maximum_reservation:
	case XENMEM_maximum_gpfn:
		return start ? -XEN_EINVAL : domain_stat(mon, op, arg);
	case XENMEM_add_to_physmap:
		return add_to_physmap(mon, start, arg);
	case XENMEM_memory_map:
		/* An arch op: Xen's arch_memory_op switches on the whole
		 * command, so a start extent makes it unknown. */
		return start ? -XEN_ENOSYS : memory_map(mon, arg);
	default:
		pers_xen_unimplemented(mon, __HYPERVISOR_memory_op, op, "memory_op");
		return -XEN_ENOSYS;
	}
}

/* ---- grant table v1 ---------------------------------------------------- */

/* A domain other than DOMID_SELF: none exists here (GNTST_bad_domain,
 * Xen's answer for an unknown domid). */
static long gnt_setup_table(struct mon *mon, uint64_t arg, uint64_t count)
{
	struct pers_xen *px = pers_xen_of(mon);
	struct pers_xen_compat_setup_table cop;
	struct gnttab_setup_table op;
	uint64_t list, pfn_size = pers_xen_compat() ? 4 : 8;

	/* Xen's compat_grant_table_op does a 32-bit caller's count 0 as
	 * nothing to do (0) and refuses only a count over 1. */
	if (count == 0 && pers_xen_compat())
		return 0;
	if (count != 1)
		return -XEN_EINVAL;
	if (pers_xen_compat()) {
		if (pers_xen_copy_in(mon, &cop, arg, sizeof(cop)) < 0)
			return -XEN_EFAULT;
		op = (struct gnttab_setup_table){ .dom = cop.dom,
			.nr_frames = cop.nr_frames };
		list = cop.frame_list;
	} else {
		if (pers_xen_copy_in(mon, &op, arg, sizeof(op)) < 0)
			return -XEN_EFAULT;
		list = GH(op.frame_list);
	}
	if (op.dom != DOMID_SELF)
		op.status = GNTST_bad_domain;
	else if (op.nr_frames > PERS_XEN_GNT_MAX_FRAMES)
		op.status = GNTST_general_error;
	else {
		if (op.nr_frames > px->gnt_frames)
			px->gnt_frames = op.nr_frames;
		op.status = GNTST_okay;
		/* Each frame's gfn, or Xen's INVALID_M2P_ENTRY where the
		 * guest has not mapped it (add_to_physmap does). */
		for (uint32_t i = 0; i < op.nr_frames; i++) {
			xen_pfn_t g = px->gnt_gpa[i] ? px->gnt_gpa[i] / PAGE
						     : PERS_XEN_INVALID_GFN;
			/* A 32-bit caller gets the low 32 bits, as Xen's
			 * compat_grant_table_op copies each frame through an
			 * unsigned int: an unmapped frame reads
			 * 0xffffffff. */
			if (pers_xen_copy_out(mon, list + i * pfn_size, &g,
					      pfn_size) < 0)
				op.status = GNTST_bad_virt_addr;
		}
	}
	/* Xen's compat_grant_table_op copies the whole compat structure
	 * back, the native call only the status. */
	if (pers_xen_compat()) {
		cop.status = op.status;
		return pers_xen_copy_out(mon, arg, &cop, sizeof(cop));
	}
	return pers_xen_copy_out(mon, arg + offsetof(struct gnttab_setup_table,
						     status),
				 &op.status, sizeof(op.status));
}

static long gnt_query_size(struct mon *mon, uint64_t arg, uint64_t count)
{
	struct gnttab_query_size op;

	if (count != 1)
		return -XEN_EINVAL;
	if (pers_xen_copy_in(mon, &op, arg, sizeof(op)) < 0)
		return -XEN_EFAULT;
	if (op.dom != DOMID_SELF) {
		op.status = GNTST_bad_domain;
	} else {
		op.nr_frames = pers_xen_of(mon)->gnt_frames;
		op.max_nr_frames = PERS_XEN_GNT_MAX_FRAMES;
		op.status = GNTST_okay;
	}
	return pers_xen_copy_out(mon, arg, &op, sizeof(op));
}

/* v1 only: v2 is answered as by a Xen whose domain may not use it
 * (max_grant_version 1: -ENOSYS); the version is written back. */
static long gnt_set_version(struct mon *mon, uint64_t arg)
{
	struct gnttab_set_version op;
	long r;

	if (pers_xen_copy_in(mon, &op, arg, sizeof(op)) < 0)
		return -XEN_EFAULT;
	r = op.version == 1 ? 0 : op.version == 2 ? -XEN_ENOSYS : -XEN_EINVAL;
	op.version = 1;
	return pers_xen_copy_out(mon, arg, &op, sizeof(op)) < 0 ? -XEN_EFAULT : r;
}

static long gnt_get_version(struct mon *mon, uint64_t arg)
{
	struct gnttab_get_version op;

	if (pers_xen_copy_in(mon, &op, arg, sizeof(op)) < 0)
		return -XEN_EFAULT;
	if (op.dom != DOMID_SELF)
		return -XEN_ESRCH;
	op.version = 1;
	return pers_xen_copy_out(mon, arg + offsetof(struct gnttab_get_version,
						     version),
				 &op.version, sizeof(op.version));
}

/* An HVM/PVH guest reaches only the commands Xen's hvm_grant_table_op()
 * lets through (arch/x86/hvm/hypercall.c): the whole command must be one
 * of them, else -ENOSYS (cache_flush, and any continuation bits,
 * included); then do_grant_table_op's checks. */
static long grant_table_op(struct mon *mon, struct pers_xen_call *call,
			   void *b)
{
	/* Xen takes cmd and count as unsigned ints. */
	uint32_t c = (uint32_t)call->a[0];
	uint64_t arg = call->a[1], count = call->a[2];

	(void)b;
	switch (c) {
	case GNTTABOP_query_size:
	case GNTTABOP_setup_table:
	case GNTTABOP_set_version:
	case GNTTABOP_get_version:
		break;
	default:
		/* map/unmap/copy/swap need another domain: none here. */
		pers_xen_unimplemented(mon, __HYPERVISOR_grant_table_op, c,
				       "grant_table_op");
		return -XEN_ENOSYS;
	}
	if ((int32_t)(uint32_t)count < 0)
		return -XEN_EINVAL;
	count = (uint32_t)count;
	switch (c) {
	case GNTTABOP_setup_table:
		return gnt_setup_table(mon, arg, count);
	case GNTTABOP_query_size:
		return gnt_query_size(mon, arg, count);
	case GNTTABOP_set_version:
		return gnt_set_version(mon, arg);
	default:
		return gnt_get_version(mon, arg);
	}
}

/* memory_op(cmd, arg) and grant_table_op(cmd, arg, count): one op each,
 * which decodes its own (pers_xen.h says why). */
const struct pers_xen_op pers_xen_memory_ops[] = {
	{ 0, 0, 0, false, memory_op, 0 },
	{ 0 }
};

const struct pers_xen_op pers_xen_grant_ops[] = {
	{ 0, 0, 0, false, grant_table_op, 0 },
	{ 0 }
};
