/* SPDX-License-Identifier: MIT */
/*
 * monitor/pers_xen_hcall.c: the domain-wide hypercalls of the `xen`
 * personality: xen_version, console_io, memory_op (XENMEM_add_to_physmap
 * of shared_info) and hvm_op (parameters, upcall vector).  Arguments and
 * error codes follow the Xen public headers; which parameters a guest may
 * set or get on itself follows Xen's hvm_allow_set_param/get_param
 * (shared/ABI.md 2.3).  Called with px->lock held.
 */
#include <string.h>

#include "pers_xen.h"

#include <xen/features.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/memory.h>
#include <xen/version.h>

/* What vmi-run offers (Xen features.h): HVM guests see these on Xen
 * (QEMU's Xen emulation reports the same set plus hvm_pirqs). */
#define PX_FEATURES ((1u << XENFEAT_writable_page_tables) | \
		     (1u << XENFEAT_writable_descriptor_tables) | \
		     (1u << XENFEAT_auto_translated_physmap) | \
		     (1u << XENFEAT_supervisor_mode_kernel) | \
		     (1u << XENFEAT_hvm_callback_vector) | \
		     (1u << XENFEAT_hvm_safe_pvclock))

/* Lowest vector an upcall may use (Xen hvm.c: vectors below 0x10 are
 * exceptions: -EINVAL). */
#define PX_MIN_VECTOR 0x10

long px_xen_version(struct mon *mon, uint64_t cmd, uint64_t arg)
{
	static const xen_extraversion_t extra = ".0-vmi";
	struct xen_feature_info fi;
	long r;

	switch (cmd) {
	case XENVER_version:
		return (long)(PX_VERSION_MAJOR << 16 | PX_VERSION_MINOR);
	case XENVER_extraversion:
		return px_copy_out(mon, arg, extra, sizeof(extra));
	case XENVER_get_features:
		if ((r = px_copy_in(mon, &fi, arg, sizeof(fi))) < 0)
			return r;
		if (fi.submap_idx >= XENFEAT_NR_SUBMAPS)
			return -XEN_EINVAL;
		fi.submap = PX_FEATURES;
		return px_copy_out(mon, arg, &fi, sizeof(fi));
	default:
		return -XEN_ENOSYS;
	}
}

/* CONSOLEIO_write prints (count) bytes at (buf); CONSOLEIO_read has no
 * input to give.  A buffer outside RAM, or one whose end wraps, is
 * -EFAULT (Xen copies through guest handles). */
long px_console_io(struct mon *mon, uint64_t cmd, uint64_t count,
		   uint64_t buf)
{
	const char *p;

	if (cmd != CONSOLEIO_write && cmd != CONSOLEIO_read)
		return -XEN_ENOSYS;
	if ((uint32_t)count == 0)
		return 0;
	/* Xen takes count as an unsigned int. */
	p = mon_gpa_ptr(mon, buf, (uint32_t)count);
	if (!p)
		return -XEN_EFAULT;
	if (cmd == CONSOLEIO_read)
		return 0;
	px_console_out(mon, p, (uint32_t)count);
	return 0;
}

/* Map shared_info at (gpfn): vmi-run uses the guest's own page as the
 * shared page, cleared and filled as Xen's page would be (times, wall
 * clock), then points each vCPU without its own vcpu_info at its slot. */
static long px_map_shared_info(struct mon *mon, uint64_t gpfn)
{
	struct pers_xen *px = px_of(mon);
	struct shared_info *s;

	if (gpfn > (UINT64_MAX >> 12) ||
	    !(s = mon_gpa_ptr(mon, gpfn << 12, 4096)))
		return -XEN_EINVAL;
	memset(s, 0, 4096);
	px->shared_info = gpfn << 12;
	s->wc_sec = (uint32_t)(px->wall_ns / 1000000000u);
	s->wc_nsec = (uint32_t)(px->wall_ns % 1000000000u);
	s->wc_sec_hi = (uint32_t)(px->wall_ns / 1000000000u >> 32);
	__atomic_store_n(&s->wc_version, 2, __ATOMIC_RELEASE);
	for (unsigned v = 0; v < mon->nvcpu && v < XEN_LEGACY_MAX_VCPUS; v++) {
		if (px->vcpu[v].info_registered)
			continue;
		px->vcpu[v].info = px->shared_info +
				   v * sizeof(struct vcpu_info);
		px_write_time(mon, v);
	}
	return 0;
}

/* Xen takes the command from the low 6 bits and a continuation's start
 * extent from the rest (MEMOP_CMD_MASK, MEMOP_EXTENT_SHIFT in Xen's
 * internal xen/include/xen/hypercall.h, not in the public headers); for
 * add_to_physmap an extent that does not fit xatp.size is -EDOM
 * (common/memory.c do_memory_op). */
#define MEMOP_EXTENT_SHIFT 6
#define MEMOP_CMD_MASK ((1u << MEMOP_EXTENT_SHIFT) - 1)
long px_memory_op(struct mon *mon, uint64_t cmd, uint64_t arg)
{
	struct xen_add_to_physmap a;
	uint64_t start = cmd >> MEMOP_EXTENT_SHIFT;
	long r;

	if ((cmd & MEMOP_CMD_MASK) != XENMEM_add_to_physmap)
		return -XEN_ENOSYS;
	if (start != (__typeof__(a.size))start)
		return -XEN_EDOM;
	if ((r = px_copy_in(mon, &a, arg, sizeof(a))) < 0)
		return r;
	if (a.domid != DOMID_SELF)
		return -XEN_ESRCH;
	if (a.space != XENMAPSPACE_shared_info || a.idx != 0)
		return -XEN_EINVAL;
	return px_map_shared_info(mon, a.gpfn);
}

/* HVM_PARAM_CALLBACK_IRQ.  Only the vector type delivers anything here.
 * The other types (GSI, PCI INTx) need an IOAPIC and a PIC, which a PVH
 * domain does not have: Xen stores the value, answers 0 and delivers
 * nothing (arch/x86/hvm/irq.c hvm_set_callback_via), and so does vmi-run.
 * A vector below 0x10 Xen takes; vmi-run refuses it, because its upcall
 * goes through the LAPIC, where vectors 0-15 are illegal (SDM Vol. 3A,
 * APIC "Error Handling"): docs/vmi-run.md, "Differences from Xen 4.17". */
static long px_set_callback(struct pers_xen *px, uint64_t val)
{
	uint64_t type = val >> 56;
	uint8_t vec = (uint8_t)val;
	bool vector = type == HVM_PARAM_CALLBACK_TYPE_VECTOR;

	if (vector && vec < PX_MIN_VECTOR)
		return -XEN_EINVAL;
	px->callback_irq = val;
	px->callback_vector = vector ? vec : 0;
	return 0;
}

static long px_set_param(struct mon *mon, struct xen_hvm_param *p)
{
	struct pers_xen *px = px_of(mon);

	switch (p->index) {
	case HVM_PARAM_CALLBACK_IRQ:
		return px_set_callback(px, p->value);
	case HVM_PARAM_STORE_EVTCHN:
		px->store_evtchn = p->value;
		return 0;
	case HVM_PARAM_CONSOLE_EVTCHN:
		px->console_evtchn_set = p->value;
		return 0;
	default:
		return -XEN_EPERM;      /* hvm_allow_set_param() */
	}
}

static long px_get_param(struct mon *mon, struct xen_hvm_param *p)
{
	struct pers_xen *px = px_of(mon);

	switch (p->index) {
	case HVM_PARAM_CALLBACK_IRQ:
		p->value = px->callback_irq;
		return 0;
	case HVM_PARAM_STORE_PFN:
		p->value = 0;           /* no xenstore in vmi-run */
		return 0;
	case HVM_PARAM_STORE_EVTCHN:
		p->value = px->store_evtchn;
		return 0;
	case HVM_PARAM_CONSOLE_PFN:
		p->value = PX_CONSOLE_PA >> 12;
		return 0;
	case HVM_PARAM_CONSOLE_EVTCHN:
		p->value = px->console_port;
		return 0;
	default:
		return -XEN_EPERM;      /* hvm_allow_get_param() */
	}
}

static long px_param(struct mon *mon, uint64_t op, uint64_t arg)
{
	struct xen_hvm_param p;
	long r = px_copy_in(mon, &p, arg, sizeof(p));

	if (r < 0)
		return r;
	if (p.domid != DOMID_SELF)
		return -XEN_ESRCH;
	if (p.index >= HVM_NR_PARAMS)
		return -XEN_EINVAL;
	if (op == HVMOP_set_param)
		return px_set_param(mon, &p);
	r = px_get_param(mon, &p);
	return r < 0 ? r : px_copy_out(mon, arg, &p, sizeof(p));
}

static long px_upcall_vector(struct mon *mon, uint64_t arg)
{
	struct xen_hvm_evtchn_upcall_vector u;
	long r = px_copy_in(mon, &u, arg, sizeof(u));

	if (r < 0)
		return r;
	if (u.vector < PX_MIN_VECTOR)
		return -XEN_EINVAL;
	if (u.vcpu >= mon->nvcpu)
		return -XEN_ENOENT;
	px_of(mon)->vcpu[u.vcpu].vector = u.vector;
	/* Xen asserts the new vector at once if an upcall is pending, e.g.
	 * the one register_vcpu_info flags (hvm.c). */
	px_assert_upcall(mon, u.vcpu);
	return 0;
}

long px_hvm_op(struct mon *mon, uint64_t op, uint64_t arg)
{
	switch (op) {
	case HVMOP_set_param:
	case HVMOP_get_param:
		return px_param(mon, op, arg);
	case HVMOP_set_evtchn_upcall_vector:
		return px_upcall_vector(mon, arg);
	default:
		/* HVMOP_flush_tlbs among them: not offered (docs/vmi-run.md). */
		return -XEN_ENOSYS;
	}
}
