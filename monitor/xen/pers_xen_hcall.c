/* SPDX-License-Identifier: MIT */
/*
 * monitor/pers_xen_hcall.c: the domain-wide hypercalls of the `xen`
 * personality: xen_version, console_io and hvm_op (parameters, upcall
 * vector); memory_op and grant_table_op are in pers_xen_mem.c.  Arguments and
 * error codes follow the Xen public headers; which parameters a guest may
 * set or get on itself follows Xen's hvm_allow_set_param/get_param
 * (xen/arch/x86/hvm/hvm.c).  Called with px->lock held.
 */
#include <string.h>

#include "pers_xen.h"

#include <xen/features.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/version.h>

/* What vmi-run offers (Xen features.h): HVM guests see these on Xen
 * (QEMU's Xen emulation reports the same set plus hvm_pirqs). */
#define PERS_XEN_FEATURES ((1u << XENFEAT_writable_page_tables) | \
		     (1u << XENFEAT_writable_descriptor_tables) | \
		     (1u << XENFEAT_auto_translated_physmap) | \
		     (1u << XENFEAT_supervisor_mode_kernel) | \
		     (1u << XENFEAT_hvm_callback_vector) | \
		     (1u << XENFEAT_hvm_safe_pvclock))

/* console_io copies a guest's text in chunks of this size, and writes
 * at most PERS_XEN_CONSOLE_PER_EXIT bytes per exit (a multiple of it) before
 * it continues the call. */
#define PERS_XEN_CONSOLE_CHUNK 1024u
#define PERS_XEN_CONSOLE_PER_EXIT (16u * PERS_XEN_CONSOLE_CHUNK)

/* Lowest vector an upcall may use (Xen hvm.c: vectors below 0x10 are
 * exceptions: -EINVAL). */
#define PERS_XEN_MIN_VECTOR 0x10

/* Copy a string out as Xen does (common/kernel.c do_xen_version:
 * memset, then safe_strcpy): the whole array, NUL-terminated and
 * zero-padded, so nothing follows the NUL but zeros. */
static long pers_xen_string_out(struct mon *mon, uint64_t arg, const char *str,
			  size_t size)
{
	char buf[1024];
	size_t n = strlen(str);

	memset(buf, 0, size);
	memcpy(buf, str, n < size ? n : size - 1);
	return pers_xen_copy_out(mon, arg, buf, size);
}

/* What vmi-run reports (public/version.h).  extraversion: Xen's own is
 * ".N" after major.minor (Debian's ".3" and a suffix); compile_info
 * names vmi-run, the "compiler" and date fields say so. */
#define PERS_XEN_EXTRAVERSION ".0-vmi"
#define PERS_XEN_CHANGESET "vmi-run"
#define PERS_XEN_DENIED "<denied>"    /* Xen's common/version.c xen_deny() */
/* Xen's arch_get_xen_caps() lists what a domain may be, each followed by
 * a space; vmi-run runs HVM/PVH guests only (no "xen-3.0-*" PV). */
#define PERS_XEN_CAPABILITIES "hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64 "

long pers_xen_xen_version(struct mon *mon, uint64_t cmd, uint64_t arg)
{
	struct xen_feature_info fi;
	xen_platform_parameters_t pp;
	xen_compile_info_t ci;
	long r;

	switch (cmd) {
	case XENVER_version:
		return (long)(PERS_XEN_VERSION_MAJOR << 16 | PERS_XEN_VERSION_MINOR);
	case XENVER_extraversion:
		return pers_xen_string_out(mon, arg, PERS_XEN_EXTRAVERSION,
				     sizeof(xen_extraversion_t));
	case XENVER_compile_info:
		memset(&ci, 0, sizeof(ci));
		strcpy(ci.compiler, "vmi-run");
		strcpy(ci.compile_by, "vmi-run");
		strcpy(ci.compile_domain, "vmi-run");
		strcpy(ci.compile_date, __DATE__);
		return pers_xen_copy_out(mon, arg, &ci, sizeof(ci));
	case XENVER_capabilities:
		return pers_xen_string_out(mon, arg, PERS_XEN_CAPABILITIES,
				     sizeof(xen_capabilities_info_t));
	case XENVER_changeset:
		return pers_xen_string_out(mon, arg, PERS_XEN_CHANGESET,
				     sizeof(xen_changeset_info_t));
	case XENVER_platform_parameters:
		/* HYPERVISOR_VIRT_START of x86-64 (arch-x86/xen-x86_64.h). */
		pp.virt_start = HYPERVISOR_VIRT_START;
		return pers_xen_copy_out(mon, arg, &pp, sizeof(pp));
	case XENVER_get_features:
		if ((r = pers_xen_copy_in(mon, &fi, arg, sizeof(fi))) < 0)
			return r;
		if (fi.submap_idx >= XENFEAT_NR_SUBMAPS)
			return -XEN_EINVAL;
		fi.submap = PERS_XEN_FEATURES;
		return pers_xen_copy_out(mon, arg, &fi, sizeof(fi));
	case XENVER_pagesize:
		/* Xen: a non-NULL argument is -EINVAL. */
		return arg ? -XEN_EINVAL : 4096;
	case XENVER_guest_handle: {
		xen_domain_handle_t h = { 0 };   /* xl gives a UUID */
		return pers_xen_copy_out(mon, arg, h, sizeof(h));
	}
	case XENVER_commandline:
		/* A domU may not read it (xsm_xen_version: XSM_PRIV): Xen
		 * copies its xen_deny() string, NUL included, and answers 0. */
		return pers_xen_copy_out(mon, arg, PERS_XEN_DENIED, sizeof(PERS_XEN_DENIED));
	case XENVER_build_id:
		return -XEN_EPERM;      /* denied, as the above */
	default:
		pers_xen_unimplemented(mon, __HYPERVISOR_xen_version, (int64_t)cmd,
				 "xen_version");
		return -XEN_ENOSYS;
	}
}

/* Write (len <= PERS_XEN_CONSOLE_CHUNK) bytes of guest text, already copied
 * into the monitor, to the hypervisor log, each line prefixed "(d1) "
 * (at most 6 bytes out per byte in); every decision is taken on that
 * copy, never on guest memory. */
static void pers_xen_log_text(struct pers_xen *px, struct mon *mon,
			      const char *in,
			size_t len)
{
	char out[PERS_XEN_CONSOLE_CHUNK * 6];
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		if (px->log_bol) {
			memcpy(out + n, "(d1) ", 5);
			n += 5;
		}
		out[n++] = in[i];
		px->log_bol = in[i] == '\n';
	}
	pers_xen_log_out(mon, out, n);
}

/* CONSOLEIO_write: the text goes to vmi-run's log of the hypervisor,
 * stderr, each line prefixed "(d1) " as Xen's own log prefixes a
 * domain's console_io (common/console.c guest_console_write), and never
 * to the domain's console, which the PV ring feeds (stdout).  Like Xen,
 * the text is copied in chunks (Xen's are 127 bytes), each once; a
 * chunk that cannot be read ends the call with -EFAULT after the ones
 * before it.  Like Xen, which checks for preemption between chunks and
 * continues the call (hypercall_create_continuation with the count left
 * and the buffer advanced), at most PERS_XEN_CONSOLE_PER_EXIT bytes are
 * written per exit, with the personality's lock held, and the call is
 * then continued; a caller that cannot be continued (not through the
 * hypercall page) gets -E2BIG for a longer text, and nothing written.
 * CONSOLEIO_read: no input, so 0 without touching the buffer; a count
 * over INT_MAX is -E2BIG (Xen do_console_io). */
long pers_xen_console_io(struct mon *mon, uint64_t cmd, uint64_t count,
		   uint64_t buf)
{
	struct pers_xen *px = pers_xen_of(mon);
	char in[PERS_XEN_CONSOLE_CHUNK];
	/* Xen takes count as an unsigned int. */
	uint32_t len = (uint32_t)count, n;

	if (cmd != CONSOLEIO_write && cmd != CONSOLEIO_read) {
		pers_xen_unimplemented(mon, __HYPERVISOR_console_io, (int64_t)cmd,
				 "console_io");
		return -XEN_ENOSYS;
	}
	if (cmd == CONSOLEIO_read)
		return len > INT32_MAX ? -XEN_E2BIG : 0;
	if (len > PERS_XEN_CONSOLE_PER_EXIT && !pers_xen_can_continue(mon))
		return -XEN_E2BIG;
	for (uint32_t done = 0; done < len; done += n) {
		if (done == PERS_XEN_CONSOLE_PER_EXIT) {
			pers_xen_continue(mon, 1, len - done);
			pers_xen_continue(mon, 2, buf + done);
			return 0;
		}
		n = len - done < sizeof(in) ? len - done : sizeof(in);
		if (pers_xen_copy_in(mon, in, buf + done, n) < 0)
			return -XEN_EFAULT;
		pers_xen_log_text(px, mon, in, n);
	}
	return 0;
}

/* HVM_PARAM_CALLBACK_IRQ.  Only the vector type delivers anything here.
 * The other types (GSI, PCI INTx) need an IOAPIC and a PIC, which a PVH
 * domain does not have: Xen stores the value, answers 0 and delivers
 * nothing (arch/x86/hvm/irq.c hvm_set_callback_via), and so does vmi-run.
 * A vector below 0x10 Xen takes; vmi-run refuses it, because its upcall
 * goes through the LAPIC, where vectors 0-15 are illegal (SDM Vol. 3A,
 * APIC "Error Handling"): docs/vmi-run.md, "Differences from Xen 4.17". */
static long pers_xen_set_callback(struct pers_xen *px, uint64_t val)
{
	uint64_t type = val >> 56;
	uint8_t vec = (uint8_t)val;
	bool vector = type == HVM_PARAM_CALLBACK_TYPE_VECTOR;

	if (vector && vec < PERS_XEN_MIN_VECTOR)
		return -XEN_EINVAL;
	px->callback_irq = val;
	px->callback_vector = vector ? vec : 0;
	return 0;
}

static long pers_xen_set_param(struct mon *mon, struct xen_hvm_param *p)
{
	struct pers_xen *px = pers_xen_of(mon);

	switch (p->index) {
	case HVM_PARAM_CALLBACK_IRQ:
		return pers_xen_set_callback(px, p->value);
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

static long pers_xen_get_param(struct mon *mon, struct xen_hvm_param *p)
{
	struct pers_xen *px = pers_xen_of(mon);

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
		p->value = PERS_XEN_CONSOLE_PA >> 12;
		return 0;
	case HVM_PARAM_CONSOLE_EVTCHN:
		p->value = px->console_port;
		return 0;
	default:
		return -XEN_EPERM;      /* hvm_allow_get_param() */
	}
}

static long pers_xen_param(struct mon *mon, uint64_t op, uint64_t arg)
{
	struct xen_hvm_param p;
	long r = pers_xen_copy_in(mon, &p, arg, sizeof(p));

	if (r < 0)
		return r;
	if (p.domid != DOMID_SELF)
		return -XEN_ESRCH;
	if (p.index >= HVM_NR_PARAMS)
		return -XEN_EINVAL;
	if (op == HVMOP_set_param)
		return pers_xen_set_param(mon, &p);
	r = pers_xen_get_param(mon, &p);
	return r < 0 ? r : pers_xen_copy_out(mon, arg, &p, sizeof(p));
}

static long pers_xen_upcall_vector(struct mon *mon, uint64_t arg)
{
	struct xen_hvm_evtchn_upcall_vector u;
	long r = pers_xen_copy_in(mon, &u, arg, sizeof(u));

	if (r < 0)
		return r;
	if (u.vector < PERS_XEN_MIN_VECTOR)
		return -XEN_EINVAL;
	if (u.vcpu >= mon->nvcpu)
		return -XEN_ENOENT;
	pers_xen_of(mon)->vcpu[u.vcpu].vector = u.vector;
	/* Xen asserts the new vector at once if an upcall is pending, e.g.
	 * the one register_vcpu_info flags (hvm.c). */
	pers_xen_assert_upcall(mon, u.vcpu);
	return 0;
}

long pers_xen_hvm_op(struct mon *mon, uint64_t op, uint64_t arg)
{
	switch (op) {
	case HVMOP_set_param:
	case HVMOP_get_param:
		return pers_xen_param(mon, op, arg);
	case HVMOP_set_evtchn_upcall_vector:
		return pers_xen_upcall_vector(mon, arg);
	default:
		/* HVMOP_flush_tlbs among them: not offered (docs/vmi-run.md). */
		pers_xen_unimplemented(mon, __HYPERVISOR_hvm_op, (int64_t)op,
				 "hvm_op");
		return -XEN_ENOSYS;
	}
}
