/* SPDX-License-Identifier: MIT */
/*
 * monitor/xen/pers_xen_hcall.c: the domain-wide hypercalls of the `xen`
 * personality: xen_version, console_io and hvm_op (parameters, upcall
 * vector), and the back end of the PV console ring (public/io/console.h);
 * memory_op and grant_table_op are in pers_xen_mem.c.  Arguments and
 * error codes follow the Xen public headers; which parameters a guest may
 * set or get on itself follows Xen's hvm_allow_set_param/get_param
 * (xen/arch/x86/hvm/hvm.c).  Called with px->lock held.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "pers_xen.h"

#include <xen/features.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/io/console.h>
#include <xen/version.h>

/* Submap 0 as Xen 4.17 gives a translated HVM/PVH domU without PIRQs
 * (common/kernel.c do_xen_version, XENVER_get_features; bits from
 * features.h): memory_op_vnode_supported always, writable_page_tables
 * and auto_translated_physmap for paging_mode_translate, hvm_safe_pvclock
 * and hvm_callback_vector for a domain that is not PV, not_direct_mapped
 * for one that is translated. */
#define PERS_XEN_FEATURES ((1u << XENFEAT_memory_op_vnode_supported) | \
			   (1u << XENFEAT_writable_page_tables) | \
			   (1u << XENFEAT_auto_translated_physmap) | \
			   (1u << XENFEAT_hvm_safe_pvclock) | \
			   (1u << XENFEAT_hvm_callback_vector) | \
			   (1u << XENFEAT_not_direct_mapped))

/* console_io copies a guest's text in chunks of this size, and writes
 * at most PERS_XEN_CONSOLE_PER_EXIT bytes per exit (a multiple of it) before
 * it continues the call. */
#define PERS_XEN_CONSOLE_CHUNK 1024u
#define PERS_XEN_CONSOLE_PER_EXIT (16u * PERS_XEN_CONSOLE_CHUNK)

/* Lowest vector an upcall may use (Xen hvm.c: vectors below 0x10 are
 * exceptions: -EINVAL). */
#define PERS_XEN_MIN_VECTOR 0x10

/* What vmi-run reports (public/version.h).  extraversion: Xen's own is
 * ".N" after major.minor (Debian's ".3" and a suffix); compile_info
 * names vmi-run, the "compiler" and date fields say so. */
#define PERS_XEN_EXTRAVERSION ".0-vmi"
#define PERS_XEN_CHANGESET "vmi-run"
#define PERS_XEN_DENIED "<denied>"    /* Xen's common/version.c xen_deny() */
/* Xen's arch_get_xen_caps() lists what a domain may be, each followed by
 * a space; vmi-run runs HVM/PVH guests only (no "xen-3.0-*" PV). */
#define PERS_XEN_CAPABILITIES "hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64 "

static long ver_version(struct mon *mon, struct pers_xen_call *c, void *b)
{
	(void)mon, (void)c, (void)b;
	return (long)(PERS_XEN_VERSION_MAJOR << 16 | PERS_XEN_VERSION_MINOR);
}

/* The strings, as Xen copies them (common/kernel.c do_xen_version:
 * memset, then safe_strcpy): the whole array, NUL-terminated and
 * zero-padded (the block comes zeroed), so nothing follows the NUL but
 * zeros.  Every string fits its array. */
static long ver_extraversion(struct mon *mon, struct pers_xen_call *c,
			     void *b)
{
	(void)mon, (void)c;
	memcpy(b, PERS_XEN_EXTRAVERSION, sizeof(PERS_XEN_EXTRAVERSION));
	return 0;
}

static long ver_capabilities(struct mon *mon, struct pers_xen_call *c,
			     void *b)
{
	(void)mon, (void)c;
	memcpy(b, PERS_XEN_CAPABILITIES, sizeof(PERS_XEN_CAPABILITIES));
	return 0;
}

static long ver_changeset(struct mon *mon, struct pers_xen_call *c, void *b)
{
	(void)mon, (void)c;
	memcpy(b, PERS_XEN_CHANGESET, sizeof(PERS_XEN_CHANGESET));
	return 0;
}

/* XENVER_commandline: a domU may not read it (xsm_xen_version:
 * XSM_PRIV): Xen copies its xen_deny() string, NUL included, and
 * answers 0. */
static long ver_denied(struct mon *mon, struct pers_xen_call *c, void *b)
{
	(void)mon, (void)c;
	memcpy(b, PERS_XEN_DENIED, sizeof(PERS_XEN_DENIED));
	return 0;
}

static long ver_compile_info(struct mon *mon, struct pers_xen_call *c,
			     void *b)
{
	xen_compile_info_t *ci = b;

	(void)mon, (void)c;
	strcpy(ci->compiler, "vmi-run");
	strcpy(ci->compile_by, "vmi-run");
	strcpy(ci->compile_domain, "vmi-run");
	strcpy(ci->compile_date, __DATE__);
	return 0;
}

/* HYPERVISOR_VIRT_START of x86-64 (arch-x86/xen-x86_64.h).  A 32-bit
 * caller's block is a 4-byte xen_ulong_t (Xen's compat/kernel.c) with
 * HYPERVISOR_COMPAT_VIRT_START of the domain, which is 0 in a Xen built
 * without CONFIG_PV32 (asm/config.h), as Debian's 4.17 answers
 * (measured: tests/xen/domu under scripts/xenlab); the block comes
 * zeroed. */
static long ver_platform(struct mon *mon, struct pers_xen_call *c, void *b)
{
	xen_platform_parameters_t *pp = b;

	(void)mon, (void)c;
	if (!pers_xen_compat())
		pp->virt_start = HYPERVISOR_VIRT_START;
	return 0;
}

static long ver_features(struct mon *mon, struct pers_xen_call *c, void *b)
{
	struct xen_feature_info *fi = b;

	(void)mon, (void)c;
	if (fi->submap_idx >= XENFEAT_NR_SUBMAPS)
		return -XEN_EINVAL;
	fi->submap = PERS_XEN_FEATURES;
	return 0;
}

/* Xen: a non-NULL argument is -EINVAL. */
static long ver_pagesize(struct mon *mon, struct pers_xen_call *c, void *b)
{
	(void)mon, (void)b;
	return c->a[1] ? -XEN_EINVAL : 4096;
}

/* A zero handle (xl gives a UUID). */
static long ver_handle(struct mon *mon, struct pers_xen_call *c, void *b)
{
	(void)mon, (void)c, (void)b;
	return 0;
}

/* XENVER_build_id: denied, as the command line. */
static long ver_build_id(struct mon *mon, struct pers_xen_call *c, void *b)
{
	(void)mon, (void)c, (void)b;
	return -XEN_EPERM;
}

#define OUT PERS_XEN_OUT
#define INOUT (PERS_XEN_IN | PERS_XEN_OUT)
const struct pers_xen_op pers_xen_version_ops[] = {
	{ XENVER_version, 0, 0, false, ver_version, 0 },
	{ XENVER_extraversion, sizeof(xen_extraversion_t), OUT, false,
	  ver_extraversion, 0 },
	{ XENVER_compile_info, sizeof(xen_compile_info_t), OUT, false,
	  ver_compile_info, 0 },
	{ XENVER_capabilities, sizeof(xen_capabilities_info_t), OUT, false,
	  ver_capabilities, 0 },
	{ XENVER_changeset, sizeof(xen_changeset_info_t), OUT, false,
	  ver_changeset, 0 },
	{ XENVER_platform_parameters, sizeof(xen_platform_parameters_t), OUT,
	  false, ver_platform, sizeof(uint32_t) },
	{ XENVER_get_features, sizeof(struct xen_feature_info), INOUT, false,
	  ver_features, 0 },
	{ XENVER_pagesize, 0, 0, false, ver_pagesize, 0 },
	{ XENVER_guest_handle, sizeof(xen_domain_handle_t), OUT, false,
	  ver_handle, 0 },
	{ XENVER_commandline, sizeof(PERS_XEN_DENIED), OUT, false,
	  ver_denied, 0 },
	{ XENVER_build_id, 0, 0, false, ver_build_id, 0 },
	{ 0 }
};
_Static_assert(sizeof(xen_capabilities_info_t) <= PERS_XEN_BLOCK_MAX,
	       "the largest block");

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
static long console_write(struct mon *mon, struct pers_xen_call *c,
			  void *b)
{
	struct pers_xen *px = pers_xen_of(mon);
	char in[PERS_XEN_CONSOLE_CHUNK];
	/* Xen takes count as an unsigned int. */
	uint32_t len = (uint32_t)c->a[1], n;
	uint64_t buf = c->a[2];

	(void)b;
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

static long console_read(struct mon *mon, struct pers_xen_call *c, void *b)
{
	(void)mon, (void)b;
	return (uint32_t)c->a[1] > INT32_MAX ? -XEN_E2BIG : 0;
}

/* The text is no block of a fixed size: console_write reads it. */
const struct pers_xen_op pers_xen_console_io_ops[] = {
	{ CONSOLEIO_write, 0, 0, false, console_write, 0 },
	{ CONSOLEIO_read, 0, 0, false, console_read, 0 },
	{ 0 }
};

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

/* The deprecated parameters, -EINVAL to get or set in Xen's
 * hvm_allow_set_param/get_param (before the -EPERM for the others a
 * guest may not touch): PAE_ENABLED 4, DM_DOMAIN 13, MEMORY_EVENT_CR0,
 * CR3, CR4, INT3 20-23, NESTEDHVM 24, MEMORY_EVENT_SINGLE_STEP 25,
 * BUFIOREQ_EVTCHN 26, MEMORY_EVENT_MSR 30 (hvm/params.h, visible to Xen
 * and its tools only). */
#define PERS_XEN_PARAMS_DEPRECATED ((1ull << 4) | (1ull << 13) | \
				    (0x7full << 20) | (1ull << 30))

/* HVMOP_set_param and HVMOP_get_param, on the monitor's copy. */
static long param_check(const struct xen_hvm_param *p)
{
	if (p->domid != DOMID_SELF)
		return -XEN_ESRCH;
	if (p->index >= HVM_NR_PARAMS)
		return -XEN_EINVAL;
	return PERS_XEN_PARAMS_DEPRECATED >> p->index & 1 ? -XEN_EINVAL : 0;
}

static long hvm_set_param(struct mon *mon, struct pers_xen_call *c, void *b)
{
	long r = param_check(b);

	(void)c;
	return r < 0 ? r : pers_xen_set_param(mon, b);
}

static long hvm_get_param(struct mon *mon, struct pers_xen_call *c, void *b)
{
	long r = param_check(b);

	(void)c;
	return r < 0 ? r : pers_xen_get_param(mon, b);
}

static long hvm_upcall_vector(struct mon *mon, struct pers_xen_call *c,
			      void *b)
{
	const struct xen_hvm_evtchn_upcall_vector *u = b;

	(void)c;
	if (u->vector < PERS_XEN_MIN_VECTOR)
		return -XEN_EINVAL;
	if (u->vcpu >= mon->nvcpu)
		return -XEN_ENOENT;
	pers_xen_of(mon)->vcpu[u->vcpu].vector = u->vector;
	/* Xen asserts the new vector at once, an upcall pending or not
	 * (hvm.c hvmop_set_evtchn_upcall_vector: hvm_assert_evtchn_irq). */
	pers_xen_assert_upcall(mon, u->vcpu);
	return 0;
}

/* HVMOP_flush_tlbs among the others: not offered (docs/vmi-run.md). */
const struct pers_xen_op pers_xen_hvm_ops[] = {
	{ HVMOP_set_param, sizeof(struct xen_hvm_param), PERS_XEN_IN, false,
	  hvm_set_param, 0 },
	{ HVMOP_get_param, sizeof(struct xen_hvm_param), INOUT, false,
	  hvm_get_param, 0 },
	{ HVMOP_set_evtchn_upcall_vector,
	  sizeof(struct xen_hvm_evtchn_upcall_vector), PERS_XEN_IN, false,
	  hvm_upcall_vector, 0 },
	{ 0 }
};

/* Print guest console text in order with the UART's (same lock, the
 * UART's buffer flushed first).  A closed stdout drops it. */
void pers_xen_console_out(struct mon *mon, const char *buf, size_t len)
{
	pthread_mutex_lock(&mon->dev.lock);
	mon_uart_flush(mon);
	mon_out_write(mon, buf, len);
	pthread_mutex_unlock(&mon->dev.lock);
}

/* The hypervisor's log (CONSOLEIO_write) on stderr: bounded as vmi-run's
 * own lines are (mon_fd_ready), so a full stderr cannot hang a vCPU. */
void pers_xen_log_out(struct mon *mon, const char *buf, size_t len)
{
	pthread_mutex_lock(&mon->dev.lock);
	while (len && mon_fd_ready(mon, STDERR_FILENO, 0)) {
		ssize_t n = write(STDERR_FILENO, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		buf += n;
		len -= (size_t)n;
	}
	pthread_mutex_unlock(&mon->dev.lock);
}

/* The back end of the console ring: print out[out_cons..out_prod) and
 * consume it.  Indices are free-running (io/console.h); a guest that
 * claims more than the ring holds loses the excess, nothing else. */
void pers_xen_console_drain(struct mon *mon)
{
	struct xencons_interface *c = mon_gpa_ptr(mon, PERS_XEN_CONSOLE_PA,
						  sizeof(*c));
	XENCONS_RING_IDX cons, prod;
	char tmp[sizeof(c->out)];
	size_t n = 0;

	if (!c)
		return;
	cons = __atomic_load_n(&c->out_cons, __ATOMIC_ACQUIRE);
	prod = __atomic_load_n(&c->out_prod, __ATOMIC_ACQUIRE);
	if (prod - cons > sizeof(c->out))
		cons = prod - sizeof(c->out);
	for (; cons != prod; cons++)
		tmp[n++] = c->out[MASK_XENCONS_IDX(cons, c->out)];
	__atomic_store_n(&c->out_cons, prod, __ATOMIC_RELEASE);
	pers_xen_console_out(mon, tmp, n);
}
