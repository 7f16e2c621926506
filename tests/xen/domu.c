/* SPDX-License-Identifier: MIT */
/*
 * tests/xen/domu.c: the domU ABI guest: what PVH kernels built for real
 * Xen ask of their hypervisor, asked by a kernel of our own built from
 * the Xen public headers only (no vmi backend).  It is an ELF32 image
 * (EM_X86_64 code in an ELF32 container) that maps nothing below 1 MiB
 * (domu_entry.S), reports TAP on the PV console ring, and asks: the
 * memory map and the place of the special pages; memory_op
 * (memory_map, reservations with their bookkeeping, add_to_physmap of
 * shared_info and grant frames, also in holes); grant table v1;
 * xen_version's sub-ops and string layouts; event channels (FIFO
 * answers, alloc_unbound, ports up to the 2-level limit); hypercalls
 * from 32-bit code; and console_io, whose text must not reach the
 * domain console.  Each row carries the answer both vmi-run and real
 * Xen 4.17 must give; tests/xen/run_differential.py (--table domu) holds
 * the rows where Xen is known to differ, with Xen's answer, and
 * tests/xen/run_domu.py runs it under vmi-run.  It ends with
 * SCHEDOP_shutdown(poweroff): status 0 on both.
 *
 * Guest pointers are linear addresses, on Xen as under vmi-run; they
 * lie below 4 GiB and above 1 MiB, where this guest identity-maps.
 */
/* The interface of the installed public headers (libxen-dev 4.17), as
 * monitor/pers_xen.h: guest handles are structures. */
#define __XEN_INTERFACE_VERSION__ 0x00040e00

#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/arch-x86/cpuid.h>
#include <xen/arch-x86/hvm/start_info.h>
#include <xen/event_channel.h>
#include <xen/grant_table.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/io/console.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xen/version.h>

#define DOMU_MEMMAP_MAX 16      /* domu_entry.S: MEMMAP_MAX */
#define PAGE 4096ull
/* Canonical, past any RAM, mapped by no page table of this guest. */
#define FAR 0x00007fff00000000ull
/* Gfns in the hole below 4 GiB (past RAM on both: 64 MiB on Xen, at
 * most 3 GiB under vmi-run; below the special pages, LAPIC and IOAPIC),
 * identity-mapped by domu_entry.S. */
#define HOLE_SHARED 0xf0000ull
#define HOLE_GNT 0xf0010ull
#define NO_DOMAIN 0x7fef        /* no domain has it (hostile.c) */
#define MEMOP_EXTENT_SHIFT 6    /* Xen's internal hypercall.h */
#define GNTTABOP_ARG_SHIFT 12   /* Xen common/grant_table.c */
#define PORTS ((long)EVTCHN_2L_NR_CHANNELS)
#define MARKER "domu: console_io line, never on the console\n"

extern uint8_t domu_hypercall_page[4096];
extern struct hvm_start_info domu_start_info;
extern struct hvm_memmap_table_entry domu_memmap[DOMU_MEMMAP_MAX];
extern uint32_t domu_memmap_n;
long domu_call32(unsigned nr, uint64_t a1, uint64_t a2, uint64_t a3,
                 uint64_t a4, uint64_t a5);
void domu_main(const struct hvm_start_info *si);
void domu_fault(uint64_t cr2, uint64_t w0, uint64_t w1);

/* ---- basics ---------------------------------------------------------- */

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static size_t slen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static void *mset(void *d, int c, size_t n)
{
    volatile uint8_t *p = d;
    while (n--)
        *p++ = (uint8_t)c;
    return d;
}

/* The compiler may emit calls to these for structure copies. */
void *memset(void *d, int c, size_t n);
void *memset(void *d, int c, size_t n) { return mset(d, c, n); }
void *memcpy(void *d, const void *s, size_t n);
void *memcpy(void *d, const void *s, size_t n)
{
    uint8_t *a = d;
    const uint8_t *b = s;
    while (n--)
        *a++ = *b++;
    return d;
}

static char *fmt_long(char *buf, long v)
{
    char t[24];
    unsigned n = 0, i = 0;
    uint64_t u = v < 0 ? (uint64_t)-v : (uint64_t)v;
    do
        t[n++] = (char)('0' + u % 10);
    while ((u /= 10));
    if (v < 0)
        buf[i++] = '-';
    while (n)
        buf[i++] = t[--n];
    buf[i] = 0;
    return buf;
}

static long hc(unsigned nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
    register uint64_t r10 __asm__("r10") = 0;
    register uint64_t r8 __asm__("r8") = 0;
    long ret;
    __asm__ __volatile__("call *%[stub]"
                         : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3),
                           "+r"(r10), "+r"(r8)
                         : [stub] "r"(domu_hypercall_page + nr * 32)
                         : "memory", "cc");
    return ret;
}

#define P(x) ((uint64_t)(uintptr_t)(x))
#define E(x) (-(long)XEN_##x)

/* ---- the console ring (and debugcon before it) ----------------------- */

static volatile struct xencons_interface *cons;
static evtchn_port_t cons_port;
static uint64_t cons_pfn;

static void cons_kick(void)
{
    evtchn_port_t p = cons_port;
    hc(__HYPERVISOR_event_channel_op, EVTCHNOP_send, P(&p), 0);
}

static void cons_flush(void)
{
    for (unsigned i = 0; cons && i < 100000u &&
         __atomic_load_n(&cons->out_cons, __ATOMIC_ACQUIRE) != cons->out_prod; i++) {
        cons_kick();
        hc(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
    }
}

static void puts_out(const char *s)
{
    size_t len = slen(s);
    if (!cons) {
        for (size_t i = 0; i < len; i++)
            outb(0xe9, (uint8_t)s[i]);
        return;
    }
    for (size_t i = 0; i < len; i++) {
        XENCONS_RING_IDX prod = cons->out_prod;
        if (prod - __atomic_load_n(&cons->out_cons, __ATOMIC_ACQUIRE) >= sizeof(cons->out))
            cons_flush();
        cons->out[MASK_XENCONS_IDX(prod, cons->out)] = s[i];
        __atomic_store_n(&cons->out_prod, prod + 1, __ATOMIC_RELEASE);
    }
    cons_kick();
}

static long get_param(uint32_t index, uint64_t *value)
{
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index };
    long r = hc(__HYPERVISOR_hvm_op, HVMOP_get_param, P(&p), 0);
    *value = p.value;
    return r;
}

/* A fault: say so on port 0xe9 (vmi-run's debug console, Xen's log),
 * stop vmi-run through port 0xf4 and Xen by a triple fault. */
void domu_fault(uint64_t cr2, uint64_t w0, uint64_t w1)
{
    static const struct { uint16_t limit; uint64_t base; } __attribute__((packed)) none = { 0, 0 };
    char b[24];
    cons = NULL;
    puts_out("domu: fault, cr2 ");
    puts_out(fmt_long(b, (long)cr2));
    puts_out(" frame ");
    puts_out(fmt_long(b, (long)w0));
    puts_out(" ");
    puts_out(fmt_long(b, (long)w1));
    puts_out("\nvmi: exit 98\n");
    outb(0xf4, 98);
    __asm__ volatile("lidt %0; int3" : : "m"(none));
    for (;;)
        __asm__ volatile("cli; hlt");
}

/* ---- the rows --------------------------------------------------------- */

static uint8_t victim[3][4096] __attribute__((aligned(4096)));
static uint8_t over_ram[4096] __attribute__((aligned(4096)));
static long cur_before;
static xen_pfn_t frames[4];

static long memop(unsigned cmd, void *arg) { return hc(__HYPERVISOR_memory_op, cmd, P(arg), 0); }
static long reservation_cur(void) { domid_t d = DOMID_SELF; return memop(XENMEM_current_reservation, &d); }

/* Where is (gpa) in the memory map: 0 reserved (not RAM), 1 RAM, 2 in
 * no entry. */
static long map_type(const struct hvm_memmap_table_entry *m, unsigned n, uint64_t gpa)
{
    long in = 2;
    for (unsigned i = 0; i < n; i++)
        if (gpa >= m[i].addr && gpa - m[i].addr < m[i].size) {
            if (m[i].type == XEN_HVM_MEMMAP_TYPE_RAM)
                return 1;
            in = 0;
        }
    return in;
}

static long r_console_above_mib(void) { return cons_pfn >= 0x100 ? 0 : (long)cons_pfn; }
static long r_console_below_4g(void) { return cons_pfn < (1ull << 20) ? 0 : 1; }
static long r_console_reserved(void) { return map_type(domu_memmap, domu_memmap_n, cons_pfn * PAGE); }
static long r_store_pfn_not_ram(void)
{
    uint64_t pfn;
    long r = get_param(HVM_PARAM_STORE_PFN, &pfn);
    if (r < 0)
        return r;
    return pfn == 0 ? 0 : map_type(domu_memmap, domu_memmap_n, pfn * PAGE);
}

/* XENMEM_memory_map: Xen's packed 20-byte e820 entries. */
struct e820 { uint64_t addr, size; uint32_t type; } __attribute__((packed));
static struct e820 e820[32];
static long r_memory_map(void)
{
    struct xen_memory_map m = { .nr_entries = 32 };
    set_xen_guest_handle(m.buffer, e820);
    long r = memop(XENMEM_memory_map, &m);
    if (r < 0)
        return r;
    if (m.nr_entries != domu_memmap_n)
        return 1000 + m.nr_entries;
    for (unsigned i = 0; i < m.nr_entries; i++)
        if (e820[i].addr != domu_memmap[i].addr || e820[i].size != domu_memmap[i].size ||
            e820[i].type != domu_memmap[i].type)
            return 100 + i;
    return 0;
}
static long r_memory_map_one(void)
{
    struct xen_memory_map m = { .nr_entries = 1 };
    set_xen_guest_handle(m.buffer, e820);
    long r = memop(XENMEM_memory_map, &m);
    return r < 0 ? r : (long)m.nr_entries;
}
static long r_memory_map_far(void)
{
    struct xen_memory_map m = { .nr_entries = 4 };
    set_xen_guest_handle(m.buffer, (struct e820 *)(uintptr_t)FAR);
    return memop(XENMEM_memory_map, &m);
}
static long r_memory_map_extent(void)
{
    struct xen_memory_map m = { .nr_entries = 4 };
    set_xen_guest_handle(m.buffer, e820);
    return memop(XENMEM_memory_map | 1u << MEMOP_EXTENT_SHIFT, &m);
}
static long r_memory_map_console_reserved(void)
{
    struct xen_memory_map m = { .nr_entries = 32 };
    set_xen_guest_handle(m.buffer, e820);
    long r = memop(XENMEM_memory_map, &m);
    long in = 2;
    if (r < 0)
        return r;
    for (unsigned i = 0; i < m.nr_entries; i++)
        if (cons_pfn * PAGE >= e820[i].addr && cons_pfn * PAGE - e820[i].addr < e820[i].size) {
            if (e820[i].type == XEN_HVM_MEMMAP_TYPE_RAM)
                return 1;
            in = 0;
        }
    return in;
}

static long reserve(unsigned op, xen_pfn_t *list, unsigned long n, domid_t dom)
{
    struct xen_memory_reservation r = { .nr_extents = n, .domid = dom };
    set_xen_guest_handle(r.extent_start, list);
    return memop(op, &r);
}
static xen_pfn_t gfn_v0, gfn_v1;
static long r_decrease_first(void)
{
    cur_before = reservation_cur();
    return reserve(XENMEM_decrease_reservation, &gfn_v0, 1, DOMID_SELF);
}
static long r_decrease_again(void) { return reserve(XENMEM_decrease_reservation, &gfn_v0, 1, DOMID_SELF); }
static long r_current_dropped(void) { return cur_before - reservation_cur(); }
static long r_populate(void) { return reserve(XENMEM_populate_physmap, &gfn_v0, 1, DOMID_SELF); }
static long r_current_restored(void) { return reservation_cur() - cur_before; }
static long r_increase_after_decrease(void)
{
    long r = reserve(XENMEM_decrease_reservation, &gfn_v1, 1, DOMID_SELF);
    if (r != 1)
        return 1000 + r;
    return reserve(XENMEM_increase_reservation, NULL, 1, DOMID_SELF);
}
static long r_decrease_hole(void)
{
    xen_pfn_t g = HOLE_SHARED + 5;
    return reserve(XENMEM_decrease_reservation, &g, 1, DOMID_SELF);
}
static long r_decrease_other_domain(void) { return reserve(XENMEM_decrease_reservation, &gfn_v1, 1, NO_DOMAIN); }
static long r_decrease_start_past_end(void)
{
    struct xen_memory_reservation r = { .nr_extents = 1, .domid = DOMID_SELF };
    set_xen_guest_handle(r.extent_start, &gfn_v1);
    return memop(XENMEM_decrease_reservation | 3u << MEMOP_EXTENT_SHIFT, &r);
}
static long r_decrease_order_too_big(void)
{
    struct xen_memory_reservation r = { .nr_extents = 1, .extent_order = 10, .domid = DOMID_SELF };
    set_xen_guest_handle(r.extent_start, &gfn_v1);
    return memop(XENMEM_decrease_reservation, &r);
}
static long r_maximum_ram_page(void) { return memop(XENMEM_maximum_ram_page, NULL) > 0 ? 0 : 1; }
static long r_max_not_below_cur(void)
{
    domid_t d = DOMID_SELF;
    long max = memop(XENMEM_maximum_reservation, &d), cur = reservation_cur();
    return max >= cur && cur > 0 ? 0 : 1;
}
static long r_cur_other_domain(void) { domid_t d = NO_DOMAIN; return memop(XENMEM_current_reservation, &d); }
static long r_cur_start_extent(void) { domid_t d = DOMID_SELF; return memop(XENMEM_current_reservation | 1u << MEMOP_EXTENT_SHIFT, &d); }
static long r_max_gpfn_covers_console(void)
{
    domid_t d = DOMID_SELF;
    long g = memop(XENMEM_maximum_gpfn, &d);
    return g >= (long)cons_pfn ? 0 : 1;
}

static long physmap(unsigned space, uint64_t idx, uint64_t gpfn)
{
    struct xen_add_to_physmap a = { .domid = DOMID_SELF, .space = space, .idx = idx, .gpfn = gpfn };
    return memop(XENMEM_add_to_physmap, &a);
}
static long r_shared_info_in_hole(void)
{
    long cur = reservation_cur();
    long r = physmap(XENMAPSPACE_shared_info, 0, HOLE_SHARED);
    if (r < 0)
        return r;
    return reservation_cur() - cur;     /* a hole: no RAM freed */
}
static long r_shared_info_readable(void)
{
    volatile struct shared_info *s = (void *)(uintptr_t)(HOLE_SHARED * PAGE);
    /* The evtchn_mask word of port 0 is in the page: a read and a
     * write back must not fault, and the write must stick. */
    s->evtchn_mask[63] = 0x1234;
    return s->evtchn_mask[63] == 0x1234 ? 0 : 1;
}
static long r_shared_info_over_ram(void)
{
    long cur = reservation_cur();
    long r = physmap(XENMAPSPACE_shared_info, 0, P(over_ram) / PAGE);
    if (r < 0)
        return r;
    return cur - reservation_cur();     /* Xen frees the RAM page */
}
static long r_shared_info_moved_keeps(void)
{
    volatile struct shared_info *s = (void *)over_ram;
    return s->evtchn_mask[63] == 0x1234 ? 0 : 1;
}
static long r_physmap_foreign(void) { return physmap(XENMAPSPACE_gmfn_foreign, 0, HOLE_SHARED + 1); }
static long r_physmap_dev_mmio(void) { return physmap(XENMAPSPACE_dev_mmio, 0, HOLE_SHARED + 1); }
static long r_physmap_unknown_space(void) { return physmap(77, 0, HOLE_SHARED + 1); }

/* ---- grant table v1 --------------------------------------------------- */

static long gnt(unsigned cmd, void *arg, uint64_t count) { return hc(__HYPERVISOR_grant_table_op, cmd, P(arg), count); }
static struct gnttab_query_size qs;
static long query(void)
{
    qs = (struct gnttab_query_size){ .dom = DOMID_SELF };
    long r = gnt(GNTTABOP_query_size, &qs, 1);
    return r < 0 ? r : qs.status;
}
static long r_gnt_query_initial(void) { long r = query(); return r < 0 ? r : (long)qs.nr_frames; }
static long r_gnt_query_max(void) { long r = query(); return r < 0 ? r : (long)qs.max_nr_frames; }
static long setup(unsigned n, domid_t dom, uint64_t count)
{
    struct gnttab_setup_table s = { .dom = dom, .nr_frames = n };
    set_xen_guest_handle(s.frame_list, frames);
    mset(frames, 0x5a, sizeof(frames));
    long r = gnt(GNTTABOP_setup_table, &s, count);
    return r < 0 ? r : s.status;
}
static long r_gnt_setup_two(void) { return setup(2, DOMID_SELF, 1); }
static long r_gnt_unmapped_frame(void) { return frames[1] == ~(xen_pfn_t)0 ? 0 : (long)frames[1]; }
static long r_gnt_query_after_setup(void) { long r = query(); return r < 0 ? r : (long)qs.nr_frames; }
static long r_gnt_map_in_hole(void) { return physmap(XENMAPSPACE_grant_table, 0, HOLE_GNT); }
static long r_gnt_frame_usable(void)
{
    volatile grant_entry_v1_t *g = (void *)(uintptr_t)(HOLE_GNT * PAGE);
    g[GNTTAB_NR_RESERVED_ENTRIES].frame = 0x4242;
    return g[GNTTAB_NR_RESERVED_ENTRIES].frame == 0x4242 ? 0 : 1;
}
static long r_gnt_setup_reports_gfn(void)
{
    long r = setup(1, DOMID_SELF, 1);
    if (r)
        return 1000 + r;
    return frames[0] == HOLE_GNT ? 0 : (long)frames[0];
}
static long r_gnt_map_grows(void) { return physmap(XENMAPSPACE_grant_table, 2, HOLE_GNT + 2); }
static long r_gnt_query_grown(void) { long r = query(); return r < 0 ? r : (long)qs.nr_frames; }
static long r_gnt_map_past_max(void) { query(); return physmap(XENMAPSPACE_grant_table, qs.max_nr_frames, HOLE_GNT + 3); }
static long r_gnt_map_status_v1(void) { return physmap(XENMAPSPACE_grant_table, XENMAPIDX_grant_table_status, HOLE_GNT + 3); }
static long r_gnt_setup_count(void) { return setup(1, DOMID_SELF, 2); }
static long r_gnt_setup_other(void) { return setup(1, NO_DOMAIN, 1); }
static long r_gnt_setup_too_many(void) { query(); return setup(qs.max_nr_frames + 1, DOMID_SELF, 1); }
static long r_gnt_query_other(void)
{
    qs = (struct gnttab_query_size){ .dom = NO_DOMAIN };
    long r = gnt(GNTTABOP_query_size, &qs, 1);
    return r < 0 ? r : qs.status;
}
static long r_gnt_get_version(void)
{
    struct gnttab_get_version v = { .dom = DOMID_SELF };
    long r = gnt(GNTTABOP_get_version, &v, 1);
    return r < 0 ? r : (long)v.version;
}
static long set_version(uint32_t v, uint32_t *out)
{
    struct gnttab_set_version s = { .version = v };
    long r = gnt(GNTTABOP_set_version, &s, 1);
    *out = s.version;
    return r;
}
static long r_gnt_set_v1(void) { uint32_t o; long r = set_version(1, &o); return r < 0 ? r : (long)o; }
static long r_gnt_set_v3(void) { uint32_t o; return set_version(3, &o); }
static long r_gnt_cache_flush_noop(void)
{
    struct gnttab_cache_flush c = { .offset = 0, .length = 0, .op = GNTTAB_CACHE_CLEAN };
    return gnt(GNTTABOP_cache_flush, &c, 1);
}
static long r_gnt_cache_flush_bad_op(void)
{
    struct gnttab_cache_flush c = { .length = 8, .op = 4 };
    return gnt(GNTTABOP_cache_flush, &c, 1);
}
static long r_gnt_cache_flush_past_page(void)
{
    struct gnttab_cache_flush c = { .offset = 4000, .length = 200, .op = GNTTAB_CACHE_CLEAN };
    return gnt(GNTTABOP_cache_flush, &c, 1);
}
static long r_gnt_transfer(void) { return gnt(GNTTABOP_transfer, NULL, 0); }
static long r_gnt_unknown_op(void) { return gnt(99, NULL, 0); }
static long r_gnt_cmd_high_bits(void) { return gnt(GNTTABOP_query_size | 1u << GNTTABOP_ARG_SHIFT, &qs, 1); }
static long r_gnt_count_negative(void) { return gnt(GNTTABOP_query_size, &qs, 0x80000000u); }

/* ---- xen_version -------------------------------------------------------- */

static uint8_t vbuf[2048];
static long ver(unsigned cmd, void *arg) { return hc(__HYPERVISOR_xen_version, cmd, P(arg), 0); }
/* A string field of (size) bytes: NUL-terminated, and nothing but zeros
 * after the NUL (the buffer was 0xAA before). */
static long layout(const uint8_t *b, size_t size)
{
    size_t i = 0;
    while (i < size && b[i])
        i++;
    if (i == size)
        return 1;               /* no NUL */
    for (; i < size; i++)
        if (b[i])
            return 2;           /* leaked bytes after the NUL */
    return 0;
}
static long ver_string(unsigned cmd, size_t size)
{
    mset(vbuf, 0xaa, sizeof(vbuf));
    long r = ver(cmd, vbuf);
    if (r < 0)
        return r;
    if (vbuf[size] != 0xaa)
        return 3;               /* wrote past the type's size */
    return layout(vbuf, size);
}
static long r_ver_extraversion(void) { return ver_string(XENVER_extraversion, sizeof(xen_extraversion_t)); }
static long r_ver_extraversion_dot(void) { ver(XENVER_extraversion, vbuf); return vbuf[0] == '.' ? 0 : vbuf[0]; }
static long r_ver_changeset(void) { return ver_string(XENVER_changeset, sizeof(xen_changeset_info_t)); }
static long r_ver_capabilities(void)
{
    long r = ver_string(XENVER_capabilities, sizeof(xen_capabilities_info_t));
    static const char want[] = "hvm-3.0-x86_64 ";
    if (r)
        return r;
    for (size_t i = 0; vbuf[i]; i++) {
        size_t j = 0;
        while (want[j] && vbuf[i + j] == (uint8_t)want[j])
            j++;
        if (!want[j])
            return 0;
    }
    return 4;
}
static long r_ver_compile_info(void)
{
    xen_compile_info_t *ci = (void *)vbuf;
    mset(vbuf, 0xaa, sizeof(vbuf));
    long r = ver(XENVER_compile_info, vbuf);
    if (r < 0)
        return r;
    if (vbuf[sizeof(*ci)] != 0xaa)
        return 3;
    return layout((uint8_t *)ci->compiler, sizeof(ci->compiler)) * 1000 +
           layout((uint8_t *)ci->compile_by, sizeof(ci->compile_by)) * 100 +
           layout((uint8_t *)ci->compile_domain, sizeof(ci->compile_domain)) * 10 +
           layout((uint8_t *)ci->compile_date, sizeof(ci->compile_date));
}
static long r_ver_platform(void)
{
    xen_platform_parameters_t p = { 0 };
    long r = ver(XENVER_platform_parameters, &p);
    return r < 0 ? r : p.virt_start == HYPERVISOR_VIRT_START ? 0 : 1;
}
/* Submap 0 as Xen 4.17 gives a PVH domU (common/kernel.c): the value
 * itself is the answer, so a difference shows which bits. */
static long r_ver_features(void)
{
    struct xen_feature_info fi = { .submap_idx = 0 };
    long r = ver(XENVER_get_features, &fi);
    return r < 0 ? r : (long)fi.submap;
}
static long r_ver_pagesize(void) { return ver(XENVER_pagesize, NULL); }
static long r_ver_pagesize_arg(void) { return ver(XENVER_pagesize, vbuf); }
static long r_ver_guest_handle(void) { return ver(XENVER_guest_handle, vbuf); }
/* Denied to a domU: Xen copies "<denied>" (common/version.c xen_deny). */
static long r_ver_commandline(void)
{
    static const char want[] = "<denied>";
    mset(vbuf, 0xaa, sizeof(vbuf));
    long r = ver(XENVER_commandline, vbuf);
    if (r < 0)
        return r;
    for (size_t i = 0; i < sizeof(want); i++)
        if (vbuf[i] != (uint8_t)want[i])
            return 100 + (long)i;
    return vbuf[sizeof(want)] == 0xaa ? 0 : 1;
}
static long r_ver_build_id(void) { return ver(XENVER_build_id, vbuf); }
static long r_ver_unknown(void) { return ver(99, vbuf); }

/* ---- event channels --------------------------------------------------- */

static long evt(unsigned cmd, void *arg) { return hc(__HYPERVISOR_event_channel_op, cmd, P(arg), 0); }
static long unbound(domid_t remote)
{
    struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = remote };
    long r = evt(EVTCHNOP_alloc_unbound, &a);
    return r < 0 ? r : (long)a.port;
}
static long close_port(long p) { evtchn_port_t q = (evtchn_port_t)p; return evt(EVTCHNOP_close, &q); }
static long r_unbound_remote0(void)
{
    long p = unbound(0);
    if (p <= 0)
        return p ? p : 1;
    return close_port(p);
}
static long r_unbound_remote_self(void)
{
    long p = unbound(DOMID_SELF);
    struct evtchn_status st = { .dom = DOMID_SELF };
    if (p <= 0)
        return p ? p : 1;
    st.port = (evtchn_port_t)p;
    long r = evt(EVTCHNOP_status, &st);
    close_port(p);
    if (r < 0)
        return r;
    /* Xen writes the caller's own id in place of DOMID_SELF. */
    return st.status == EVTCHNSTAT_unbound && st.u.unbound.dom != DOMID_SELF &&
           st.u.unbound.dom != 0 ? 0 : 2;
}
static long init_control(uint64_t gfn, uint32_t offset, uint32_t vcpu)
{
    struct evtchn_init_control c = { .control_gfn = gfn, .offset = offset, .vcpu = vcpu };
    return evt(EVTCHNOP_init_control, &c);
}
static long r_fifo_bad_gfn(void) { return init_control(FAR / PAGE, 0, 0); }
static long r_fifo_bad_vcpu(void) { return init_control(P(victim[1]) / PAGE, 0, 99); }
static long r_fifo_misaligned(void) { return init_control(P(victim[1]) / PAGE, 4, 0); }
static long r_fifo_offset_past_page(void) { return init_control(P(victim[1]) / PAGE, 4096, 0); }
static long r_fifo_expand(void)
{
    struct evtchn_expand_array e = { .array_gfn = P(victim[1]) / PAGE };
    return evt(EVTCHNOP_expand_array, &e);
}
static long r_fifo_priority(void)
{
    long p = unbound(0);
    struct evtchn_set_priority s = { .priority = EVTCHN_FIFO_PRIORITY_DEFAULT };
    if (p <= 0)
        return 1000;
    s.port = (uint32_t)p;
    long r = evt(EVTCHNOP_set_priority, &s);
    close_port(p);
    return r;
}
static long r_fifo_priority_bad_port(void)
{
    struct evtchn_set_priority s = { .port = (uint32_t)PORTS, .priority = 1 };
    return evt(EVTCHNOP_set_priority, &s);
}
static long highest, exhausted;
static uint8_t mine[PORTS];
static long r_ports_exhausted(void)
{
    long r = 0;
    highest = 0;
    for (long i = 0; i < PORTS; i++) {
        r = unbound(0);
        if (r < 0)
            break;
        mine[r] = 1;
        if (r > highest)
            highest = r;
    }
    exhausted = r;
    for (long p = 1; p < PORTS; p++)
        if (mine[p])
            close_port(p);
    return exhausted;
}
static long r_ports_highest(void) { return highest; }

/* ---- 32-bit callers --------------------------------------------------- */

#define HI 0xdead000000000000ull        /* upper halves Xen ignores */
static long r_call32_version(void) { return domu_call32(__HYPERVISOR_xen_version, HI | XENVER_version, 0, 0, 0, 0) >> 16; }
static long r_call32_pagesize(void) { return domu_call32(__HYPERVISOR_xen_version, HI | XENVER_pagesize, HI, 0, 0, 0); }
static long r_call32_get_param(void)
{
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = HVM_PARAM_CONSOLE_PFN };
    long r = domu_call32(__HYPERVISOR_hvm_op, HI | HVMOP_get_param, HI | P(&p), 0, 0, 0);
    return r < 0 ? r : p.value == cons_pfn ? 0 : 1;
}
static long r_call32_unbound(void)
{
    struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = 0 };
    long r = domu_call32(__HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, P(&a), 0, 0, 0);
    if (r < 0)
        return r;
    close_port(a.port);
    return a.port > 0 ? 0 : 1;
}
/* The compat layouts a 32-bit caller passes: the public headers'
 * structures under the i386 ABI (4-byte xen_ulong_t, xen_pfn_t and
 * guest handles, 4-byte aligned uint64_t), as Xen's compat code reads
 * them. */
struct c32_add_to_physmap { uint16_t domid, size; uint32_t space, idx, gpfn; };
struct c32_reservation { uint32_t extent_start, nr_extents, extent_order, mem_flags; uint16_t domid, pad; };
struct c32_memory_map { uint32_t nr_entries, buffer; };
struct c32_setup_table { uint16_t dom, pad; uint32_t nr_frames; int16_t status; uint16_t pad2; uint32_t frame_list; };
static long r_call32_shared_info(void)
{
    struct c32_add_to_physmap a = { .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info,
                                    .idx = 0, .gpfn = HOLE_SHARED + 2 };
    long r = domu_call32(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, P(&a), 0, 0, 0);
    volatile struct shared_info *s = (void *)(uintptr_t)((HOLE_SHARED + 2) * PAGE);
    if (r < 0)
        return r;
    return s->evtchn_mask[63] == 0x1234 ? 0 : 1;
}
static long r_call32_memory_map(void)
{
    struct c32_memory_map m = { .nr_entries = 32, .buffer = (uint32_t)P(e820) };
    mset(e820, 0, sizeof(e820));
    long r = domu_call32(__HYPERVISOR_memory_op, XENMEM_memory_map, P(&m), 0, 0, 0);
    if (r < 0)
        return r;
    if (m.nr_entries != domu_memmap_n)
        return 1000 + m.nr_entries;
    for (unsigned i = 0; i < m.nr_entries; i++)
        if (e820[i].addr != domu_memmap[i].addr || e820[i].size != domu_memmap[i].size)
            return 100 + i;
    return 0;
}
static uint32_t gfn32[2];
static long decrease32(void)
{
    struct c32_reservation r = { .extent_start = (uint32_t)P(gfn32), .nr_extents = 1,
                                 .domid = DOMID_SELF };
    gfn32[0] = (uint32_t)(P(victim[2]) / PAGE);
    gfn32[1] = 0xffffffffu;     /* read as part of a 64-bit pfn: no RAM */
    return domu_call32(__HYPERVISOR_memory_op, XENMEM_decrease_reservation, P(&r), 0, 0, 0);
}
static long r_call32_decrease(void) { return decrease32(); }
static long r_call32_decrease_again(void) { return decrease32(); }
static long r_call32_setup_table(void)
{
    uint32_t f[2] = { 0, 0 };
    struct c32_setup_table t = { .dom = DOMID_SELF, .nr_frames = 1, .frame_list = (uint32_t)P(f) };
    long r = domu_call32(__HYPERVISOR_grant_table_op, GNTTABOP_setup_table, P(&t), 1, 0, 0);
    if (r < 0)
        return r;
    if (t.status)
        return 1000 + t.status;
    return f[0] == HOLE_GNT && f[1] == 0 ? 0 : 1;
}
/* Four frames, the last never mapped (frames 0-2 are by now): Xen's
 * compat_grant_table_op copies each gfn through an unsigned int, so the
 * unmapped one reads 0xffffffff with GNTST_okay; a count of 0 is 0. */
static long r_call32_setup_table_unmapped(void)
{
    uint32_t f[4] = { 0, 0, 0, 0 };
    struct c32_setup_table t = { .dom = DOMID_SELF, .nr_frames = 4, .frame_list = (uint32_t)P(f) };
    long r = domu_call32(__HYPERVISOR_grant_table_op, GNTTABOP_setup_table, P(&t), 1, 0, 0);
    if (r < 0)
        return r;
    if (t.status)
        return 1000 + t.status;
    return f[2] == HOLE_GNT + 2 && f[3] == 0xffffffffu ? 0 : 1;
}
static long r_call32_setup_table_count_0(void)
{
    struct c32_setup_table t = { .dom = DOMID_SELF, .nr_frames = 1, .status = 77 };
    long r = domu_call32(__HYPERVISOR_grant_table_op, GNTTABOP_setup_table, P(&t), 0, 0, 0);
    return r < 0 ? r : t.status == 77 ? 0 : 1;
}
/* Two blocks whose compat layout is smaller (Xen's xlat.lst): a 4-byte
 * virt_start, 0 from Debian's Xen 4.17 (built without CONFIG_PV32; the
 * 4 bytes after it stay), and a sched_poll with a 4-byte port handle,
 * whose port 0 is -EINVAL. */
static long r_call32_platform(void)
{
    uint32_t p[2] = { 0x12345678u, 0x5a5a5a5au };
    long r = domu_call32(__HYPERVISOR_xen_version, XENVER_platform_parameters, P(p), 0, 0, 0);
    if (r < 0)
        return r;
    return p[1] != 0x5a5a5a5au ? 2 : p[0] == 0 ? 0 : 1;
}
static long r_call32_poll_port0(void)
{
    static uint32_t port0;
    struct { uint32_t ports, nr_ports; uint64_t timeout; } sp = {
        .ports = (uint32_t)P(&port0), .nr_ports = 1, .timeout = 1 };
    return domu_call32(__HYPERVISOR_sched_op, SCHEDOP_poll, P(&sp), 0, 0, 0);
}
static long r_call32_unknown(void) { return domu_call32(127, 0, 0, 0, 0, 0); }

/* ---- console_io and unimplemented calls -------------------------------- */

static long r_console_io(void) { return hc(__HYPERVISOR_console_io, CONSOLEIO_write, slen(MARKER), P(MARKER)); }
static long r_hcall_unknown_twice(void) { hc(127, 0, 0, 0); return hc(127, 0, 0, 0); }
static long r_memop_unknown(void) { return hc(__HYPERVISOR_memory_op, 63, 0, 0); }
static long r_physdev_op(void) { return hc(__HYPERVISOR_physdev_op, 0, 0, 0); }

struct row {
    const char *name;
    long (*fn)(void);
    long expect;
};

static const struct row rows[] = {
    { "console-ring-above-1mib", r_console_above_mib, 0 },
    { "console-ring-below-4gib", r_console_below_4g, 0 },
    { "console-page-reserved-in-start-info-map", r_console_reserved, 0 },
    { "store-page-not-ram", r_store_pfn_not_ram, 0 },
    { "memory-map-equals-start-info-map", r_memory_map, 0 },
    { "memory-map-console-page-reserved", r_memory_map_console_reserved, 0 },
    { "memory-map-nr-entries-1", r_memory_map_one, 1 },
    { "memory-map-buffer-far", r_memory_map_far, E(EFAULT) },
    { "memory-map-start-extent-unknown", r_memory_map_extent, E(ENOSYS) },
    { "decrease-reservation-populated-gfn", r_decrease_first, 1 },
    { "decrease-reservation-same-gfn-again", r_decrease_again, 0 },
    { "current-reservation-dropped-by-1", r_current_dropped, 1 },
    { "populate-physmap-removed-gfn", r_populate, 1 },
    { "current-reservation-restored", r_current_restored, 0 },
    { "increase-reservation-after-decrease", r_increase_after_decrease, 1 },
    { "decrease-reservation-gfn-in-hole", r_decrease_hole, 0 },
    { "decrease-reservation-other-domain", r_decrease_other_domain, 0 },
    { "decrease-reservation-start-past-end", r_decrease_start_past_end, 3 },
    { "decrease-reservation-order-too-big", r_decrease_order_too_big, 0 },
    { "maximum-ram-page-positive", r_maximum_ram_page, 0 },
    { "maximum-reservation-not-below-current", r_max_not_below_cur, 0 },
    { "current-reservation-other-domain", r_cur_other_domain, E(ESRCH) },
    { "current-reservation-start-extent", r_cur_start_extent, E(EINVAL) },
    { "maximum-gpfn-covers-console-page", r_max_gpfn_covers_console, 0 },
    { "shared-info-in-hole-frees-nothing", r_shared_info_in_hole, 0 },
    { "shared-info-in-hole-usable", r_shared_info_readable, 0 },
    { "shared-info-over-ram-frees-page", r_shared_info_over_ram, 1 },
    { "shared-info-moved-keeps-contents", r_shared_info_moved_keeps, 0 },
    { "add-to-physmap-foreign-space", r_physmap_foreign, E(ENOSYS) },
    { "add-to-physmap-dev-mmio-space", r_physmap_dev_mmio, E(EACCES) },
    { "add-to-physmap-unknown-space", r_physmap_unknown_space, E(EINVAL) },
    { "gnttab-query-size-initial-frames", r_gnt_query_initial, 1 },
    { "gnttab-query-size-max-frames", r_gnt_query_max, 64 },
    { "gnttab-setup-table-2-frames", r_gnt_setup_two, GNTST_okay },
    { "gnttab-setup-table-unmapped-frame-invalid", r_gnt_unmapped_frame, 0 },
    { "gnttab-query-size-after-setup", r_gnt_query_after_setup, 2 },
    { "gnttab-frame-0-in-hole", r_gnt_map_in_hole, 0 },
    { "gnttab-frame-0-usable", r_gnt_frame_usable, 0 },
    { "gnttab-setup-table-reports-gfn", r_gnt_setup_reports_gfn, 0 },
    { "gnttab-map-frame-2-grows-table", r_gnt_map_grows, 0 },
    { "gnttab-query-size-grown", r_gnt_query_grown, 3 },
    { "gnttab-map-frame-past-max", r_gnt_map_past_max, E(EINVAL) },
    { "gnttab-map-status-frame-v1", r_gnt_map_status_v1, E(EINVAL) },
    { "gnttab-setup-table-count-2", r_gnt_setup_count, E(EINVAL) },
    { "gnttab-setup-table-other-domain", r_gnt_setup_other, GNTST_bad_domain },
    { "gnttab-setup-table-past-max", r_gnt_setup_too_many, GNTST_general_error },
    { "gnttab-query-size-other-domain", r_gnt_query_other, GNTST_bad_domain },
    { "gnttab-get-version", r_gnt_get_version, 1 },
    { "gnttab-set-version-1", r_gnt_set_v1, 1 },
    { "gnttab-set-version-3", r_gnt_set_v3, E(EINVAL) },
    { "gnttab-cache-flush-not-for-hvm", r_gnt_cache_flush_noop, E(ENOSYS) },
    { "gnttab-cache-flush-bad-op-not-for-hvm", r_gnt_cache_flush_bad_op, E(ENOSYS) },
    { "gnttab-cache-flush-past-page-not-for-hvm", r_gnt_cache_flush_past_page, E(ENOSYS) },
    { "gnttab-transfer-not-for-hvm", r_gnt_transfer, E(ENOSYS) },
    { "gnttab-unknown-op", r_gnt_unknown_op, E(ENOSYS) },
    { "gnttab-cmd-high-bits", r_gnt_cmd_high_bits, E(ENOSYS) },
    { "gnttab-count-negative", r_gnt_count_negative, E(EINVAL) },
    { "version-extraversion-layout", r_ver_extraversion, 0 },
    { "version-extraversion-starts-with-dot", r_ver_extraversion_dot, 0 },
    { "version-changeset-layout", r_ver_changeset, 0 },
    { "version-capabilities-hvm-x86-64", r_ver_capabilities, 0 },
    { "version-compile-info-layout", r_ver_compile_info, 0 },
    { "version-platform-parameters", r_ver_platform, 0 },
    { "version-features-submap-0", r_ver_features, 0x12305 },
    { "version-pagesize", r_ver_pagesize, 4096 },
    { "version-pagesize-non-null-arg", r_ver_pagesize_arg, E(EINVAL) },
    { "version-guest-handle", r_ver_guest_handle, 0 },
    { "version-commandline-denied", r_ver_commandline, 0 },
    { "version-build-id-denied", r_ver_build_id, E(EPERM) },
    { "version-unknown", r_ver_unknown, E(ENOSYS) },
    { "evtchn-alloc-unbound-remote-0", r_unbound_remote0, 0 },
    { "evtchn-alloc-unbound-remote-self", r_unbound_remote_self, 0 },
    { "evtchn-fifo-init-control-bad-gfn", r_fifo_bad_gfn, E(EINVAL) },
    { "evtchn-fifo-init-control-bad-vcpu", r_fifo_bad_vcpu, E(ENOENT) },
    { "evtchn-fifo-init-control-misaligned", r_fifo_misaligned, E(EINVAL) },
    { "evtchn-fifo-init-control-offset-past-page", r_fifo_offset_past_page, E(EINVAL) },
    { "evtchn-fifo-expand-array-without-fifo", r_fifo_expand, E(EOPNOTSUPP) },
    { "evtchn-set-priority-2-level", r_fifo_priority, E(ENOSYS) },
    { "evtchn-set-priority-bad-port", r_fifo_priority_bad_port, E(EINVAL) },
    { "evtchn-ports-exhausted", r_ports_exhausted, E(ENOSPC) },
    { "evtchn-highest-port", r_ports_highest, PORTS - 1 },
    { "call32-xen-version", r_call32_version, 4 },
    { "call32-args-truncated", r_call32_pagesize, 4096 },
    { "call32-hvm-get-param", r_call32_get_param, 0 },
    { "call32-evtchn-alloc-unbound", r_call32_unbound, 0 },
    { "call32-unknown", r_call32_unknown, E(ENOSYS) },
    { "call32-compat-add-to-physmap-shared-info", r_call32_shared_info, 0 },
    { "call32-compat-memory-map", r_call32_memory_map, 0 },
    { "call32-compat-decrease-reservation", r_call32_decrease, 1 },
    { "call32-compat-decrease-reservation-again", r_call32_decrease_again, 0 },
    { "call32-compat-gnttab-setup-table", r_call32_setup_table, 0 },
    { "call32-compat-gnttab-setup-table-unmapped-frame", r_call32_setup_table_unmapped, 0 },
    { "call32-compat-gnttab-setup-table-count-0", r_call32_setup_table_count_0, 0 },
    { "call32-compat-platform-parameters", r_call32_platform, 0 },
    { "call32-compat-sched-poll-port-0", r_call32_poll_port0, E(EINVAL) },
    { "console-io-write", r_console_io, 0 },
    { "hypercall-unknown-twice", r_hcall_unknown_twice, E(ENOSYS) },
    { "memory-op-unknown", r_memop_unknown, E(ENOSYS) },
    { "physdev-op-not-offered", r_physdev_op, E(ENOSYS) },
};

static int report(unsigned n, const struct row *r, long got)
{
    char b[24];
    int ok = got == r->expect;
    puts_out(ok ? "ok " : "not ok ");
    puts_out(fmt_long(b, n));
    puts_out(" - ");
    puts_out(r->name);
    if (!ok) {
        puts_out(" # got ");
        puts_out(fmt_long(b, got));
        puts_out(", want ");
        puts_out(fmt_long(b, r->expect));
    }
    puts_out("\n");
    return ok;
}

static void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

void domu_main(const struct hvm_start_info *si)
{
    const unsigned n = sizeof(rows) / sizeof(rows[0]);
    uint32_t a, b, c, d, base;
    unsigned failed = 0;
    uint64_t evtchn = 0;
    char num[24];

    (void)si;
    gfn_v0 = P(victim[0]) / PAGE;
    gfn_v1 = P(victim[1]) / PAGE;
    victim[0][0] = 1;           /* populated, and not zero */
    over_ram[0] = 1;
    /* The hypercall page: Xen's leaves may follow Viridian's. */
    for (base = XEN_CPUID_FIRST_LEAF; base < XEN_CPUID_FIRST_LEAF + 0x10000; base += 0x100) {
        cpuid(base, &a, &b, &c, &d);
        if (b == XEN_CPUID_SIGNATURE_EBX && c == XEN_CPUID_SIGNATURE_ECX &&
            d == XEN_CPUID_SIGNATURE_EDX)
            break;
    }
    cpuid(base + 2, &a, &b, &c, &d);
    __asm__ volatile("wrmsr" : : "c"(b), "a"((uint32_t)P(domu_hypercall_page)),
                     "d"((uint32_t)(P(domu_hypercall_page) >> 32)));
    if (get_param(HVM_PARAM_CONSOLE_PFN, &cons_pfn) == 0 &&
        get_param(HVM_PARAM_CONSOLE_EVTCHN, &evtchn) == 0 && cons_pfn && evtchn &&
        cons_pfn < (1ull << 20)) {
        cons_port = (evtchn_port_t)evtchn;
        cons = (volatile struct xencons_interface *)(uintptr_t)(cons_pfn * PAGE);
    }
    puts_out("# domu: the Xen PVH domU ABI table\n");
    for (unsigned i = 0; i < n; i++)
        failed += !report(i + 1, &rows[i], rows[i].fn());
    puts_out("1..");
    puts_out(fmt_long(num, n));
    puts_out("\n# ");
    puts_out(fmt_long(num, failed));
    puts_out(" failed\n");
    cons_flush();
    struct sched_shutdown s = { .reason = SHUTDOWN_poweroff };
    hc(__HYPERVISOR_sched_op, SCHEDOP_shutdown, P(&s), 0);
    puts_out("domu: SCHEDOP_shutdown returned\nvmi: exit 97\n");
    cons_flush();
    s.reason = SHUTDOWN_crash;
    hc(__HYPERVISOR_sched_op, SCHEDOP_shutdown, P(&s), 0);
}
