/* SPDX-License-Identifier: MIT */
/*
 * tests/hyperv/hostile/main.c: a hostile Hyper-V guest.  It drives every
 * synthetic MSR and every hypercall vmi-run's hyperv personality
 * implements with bad (and a few good) inputs, one table row per case,
 * and checks the fault or HV_STATUS against the TLFS ([T: ...] keys as in
 * include/hyperv/tlfs.h; "Common Hypercall Status Codes", MSDN
 * ff538494).  Rows run in order: some set up state for later ones.
 * Output is TAP on the UART; the exit code (debug-exit port) is 0 when
 * every row passed, 1 otherwise.
 */
#include <stdint.h>

#include "vmi/abi.h"
#include "hyperv/tlfs.h"

#define NOFAULT 0xffffffffu
#define GP 13u                  /* #GP (SDM Vol. 3A Table 6-1) */
#define ANY (-1ll)
#define RAM_END 0x100000000ull  /* above any --mem vmi-run accepts */
#define VEC_IPI 0x40
#define VEC_SINT 0x41
#define VEC_STIMER 0x42
#define VEC_MSG 0x43
#define UD 6u                   /* #UD */
#define RFLAGS_IOPL0 0x2ull     /* reserved bit 1; IF 0 */
#define RFLAGS_IOPL3 0x3002ull  /* IOPL 3: CPL3 port I/O allowed (SDM 19.5) */

/* entry.S */
uint32_t probe_rdmsr(uint32_t msr, uint64_t *val);
uint32_t probe_wrmsr(uint32_t msr, uint64_t val);
uint64_t hcall(const volatile void *page, uint64_t control, uint64_t in, uint64_t out);
extern volatile uint32_t legacy_refused;
uint64_t legacy_hcall(const volatile void *page, uint64_t control,
                      uint64_t in);
uint64_t compat_hcall(const volatile void *page, uint64_t control,
                      uint64_t in);
uint32_t probe_user_hcall(const volatile void *page, uint64_t control,
                          uint64_t in, uint64_t rflags);
extern const uint8_t user_rdmsr[], user_wrmsr[];
void load_idt_tr(const void *idtr, uint16_t tr);
extern const uint64_t stub_table[256];
extern uint64_t gdt_tss[2];
extern volatile uint32_t fault_vec;
extern volatile uint64_t fault_rip;
extern volatile uint32_t irq_count[256];
void hostile_main(void);

/* The pages the "hypervisor" writes or reads; the hypercall page is in
 * entry.S's text (executable). */
extern const volatile uint8_t hcall_page[4096];
static uint8_t in_page[4096] __attribute__((aligned(4096)));
static uint8_t simp[4096] __attribute__((aligned(4096)));
static uint8_t siefp[4096] __attribute__((aligned(4096)));
static uint8_t tsc_page[4096] __attribute__((aligned(4096)));
static uint64_t idt[512] __attribute__((aligned(16)));
static uint8_t tss[104] __attribute__((aligned(16)));
static uint8_t tss_stack[4096] __attribute__((aligned(16)));

static uint64_t pa(const volatile void *p)
{
    return (uint64_t)(uintptr_t)p;
}

/* ---- UART output (COM1, polled; vmi-run's is always ready) -------- */

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ __volatile__("outb %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static void puts_(const char *s)
{
    while (*s)
        outb(VMI_UART_PORT, (uint8_t)*s++);
}

static void putu(uint64_t v, unsigned base)
{
    char buf[24];
    int n = 0;
    do {
        buf[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (base == 16)
        puts_("0x");
    while (n)
        outb(VMI_UART_PORT, (uint8_t)buf[--n]);
}

/* ---- The table ------------------------------------------------------ */

enum kind { RD, WR, HC, USER, CHECK };

struct row {
    const char *name;
    enum kind kind;
    uint32_t msr;
    uint64_t val;           /* WR: value; RD: expected value or ANY */
    uint64_t control, in, out;
    uint32_t vec;           /* expected vector, or NOFAULT */
    int64_t status;         /* HC: expected HV_STATUS; reps in bits 43:32 */
    int (*check)(void);     /* extra check, or a setup step (CHECK) */
};

/* In-page offsets for rows' input GPAs. */
#define IN_TAG (0x4000ull << 48)
#define IN(off) (IN_TAG | (off))
#define CTL(code, fast, reps, start) \
    ((uint64_t)(code) | ((fast) ? HV_HC_FAST : 0) | \
     (uint64_t)(reps) << 32 | (uint64_t)(start) << 48)
#define CONN(vp, sint) VMI_HV_CONNECTION(vp, sint)

static struct hv_tlb_flush *flush_in(void)
{
    return (struct hv_tlb_flush *)in_page;
}

static void post_setup(uint32_t conn, uint32_t type, uint32_t size)
{
    struct hv_input_post_message *m = (void *)in_page;
    m->connection_id = conn;
    m->reserved = 0;
    m->message_type = type;
    m->payload_size = size;
    m->payload[0] = 0x1122334455667788ull;
}

static int set_flush(void)
{
    *flush_in() = (struct hv_tlb_flush){ 0, HV_FLUSH_ALL_PROCESSORS |
        HV_FLUSH_ALL_VIRTUAL_ADDRESS_SPACES, 0 };
    uint64_t *list = (uint64_t *)(in_page + 24);
    for (int i = 0; i < 3; i++)
        list[i] = 0x200000ull * (uint64_t)(i + 1);
    return 1;
}

static int set_flush_bad_flags(void)
{
    flush_in()->flags = 1ull << 5;
    return 1;
}

static int set_ipi_reserved(void)
{
    *(struct hv_send_ipi *)in_page = (struct hv_send_ipi){ VEC_IPI, 1, 1 };
    return 1;
}

static int wait_irq(unsigned vec, uint32_t n);

static int ipi_delivered(void)
{
    return wait_irq(VEC_IPI, 1) && irq_count[VEC_IPI] == 1;
}

static int set_post_conn0(void) { post_setup(0, 1, 8); return 1; }
static int set_post_vp7(void) { post_setup(CONN(7, 2), 1, 8); return 1; }
static int set_post_big(void) { post_setup(CONN(0, 2), 1, 241); return 1; }
static int set_post_hvtype(void)
{
    post_setup(CONN(0, 2), HVMSG_TIMER_EXPIRED, 8);
    return 1;
}
static int set_post_ok(void) { post_setup(CONN(0, 2), 1, 8); return 1; }

static const struct hv_message *slot(unsigned sint)
{
    return (const struct hv_message *)(simp + sint * HV_MESSAGE_SIZE);
}

static int message_arrived(void)
{
    wait_irq(VEC_SINT, 1);
    return slot(2)->message_type == 1 && slot(2)->payload_size == 8 &&
           slot(2)->payload[0] == 0x1122334455667788ull &&
           irq_count[VEC_SINT] == 1;
}

static int message_pending_flag(void)
{
    return (slot(2)->message_flags & HV_MSG_FLAG_PENDING) != 0;
}

static int event_arrived(void)
{
    wait_irq(VEC_SINT, 2);
    /* SINT 2's flags start at byte 2 * 256; flag 9 is bit 1 of byte 1. */
    return siefp[2 * 256 + 1] == 0x02 && irq_count[VEC_SINT] == 2;
}

static int set_event_slow_bad(void)
{
    *(struct hv_input_signal_event *)(in_page + 8) =
        (struct hv_input_signal_event){ CONN(0, 2), 9, 0 };
    return 1;
}

static int stub_bytes(void)
{
    return hcall_page[0] == 0xe6 && hcall_page[1] == VMI_PORT_HV_HYPERCALL &&
           hcall_page[2] == 0xc3 && hcall_page[3] == 0xcc;
}

/* What a CHECK row reports after "got" when it fails (0 unless set). */
static uint64_t check_got;

/* A CHECK row returns SKIP, with skip_why set, when this host cannot run
 * it: the table then ends with VMI_EXIT_SKIP unless a row failed, and
 * tests/hyperv/run_tap.py reports the whole table as skipped here, so
 * that scripts/suite.py runs it again in the lab (docs/lab.md). */
#define SKIP (-1)
static const char *skip_why;

/* The flush rows' inputs from 32-bit code (legacy_hcall): the 32-bit
 * registers carry the call, and the result comes back in EDX:EAX, the
 * rep count in EDX [T: hypercall-interface].  A flush of every processor
 * includes the caller, whose CS has the L bit set outside IA-32e mode.
 * got: the status, or the EIP of a #GP on the way.  SKIP where the KVM
 * refuses paging outside IA-32e mode: a #GP from setting CR0.PG there,
 * where the SDM allows PAE paging. */
static int legacy_call(uint64_t control, uint64_t want)
{
    check_got = legacy_hcall(hcall_page, control, pa(in_page));
    if (legacy_refused == 2)
        return 0;
    if (legacy_refused) {
        skip_why = "this KVM refuses paging outside IA-32e mode "
                   "(#GP on setting CR0.PG with EFER.LME clear)";
        return SKIP;
    }
    return check_got == want;
}

static int legacy_flush_space(void)
{
    return legacy_call(HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE, HV_STATUS_SUCCESS);
}

static int legacy_flush_list(void)
{
    return legacy_call((uint64_t)HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST | 3ull << 32,
                       HV_STATUS_SUCCESS | 3ull << 32);
}

/* The same from compatibility mode: 32-bit registers too. */
static int compat_flush_list(void)
{
    check_got = compat_hcall(hcall_page, (uint64_t)HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST |
                             3ull << 32, pa(in_page));
    return check_got == (HV_STATUS_SUCCESS | 3ull << 32);
}

static uint64_t ref_count(void)
{
    uint64_t v = 0;
    probe_rdmsr(HV_X64_MSR_TIME_REF_COUNT, &v);
    return v;
}

/* Reference TSC page [T: timers]: valid sequence, and its time ordered
 * between two TIME_REF_COUNT reads (1 unit of rounding allowed). */
static int ref_page_consistent(void)
{
    const struct hv_ref_tsc_page *p = (const void *)tsc_page;
    uint64_t a = ref_count(), lo, hi, tsc, b, c;
    __asm__ __volatile__("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    tsc = hi << 32 | lo;
    b = (uint64_t)(((unsigned __int128)tsc * p->tsc_scale) >> 64) +
        (uint64_t)p->tsc_offset;
    c = ref_count();
    /* got: 1 if the page is marked invalid (sequence 0), 2 if its time
     * is out of order with the MSR's. */
    check_got = p->tsc_sequence == 0 ? 1 : !(a <= b + 1 && b <= c + 1) ? 2 : 0;
    return check_got == 0;
}

/* Wait (bounded by reference time) for interrupt (vec) to count (n). */
static int wait_irq(unsigned vec, uint32_t n)
{
    uint64_t end = ref_count() + 20000000;     /* 2 s */

    /* Delivery stays enabled for the whole wait.  A loop that opened it
     * for one instruction at a time (sti; pause; cli) could miss an
     * interrupt that KVM injects only when it finds IF set at an exit,
     * and under load the stimer row failed that way now and then. */
    __asm__ __volatile__("sti" ::: "memory");
    while (irq_count[vec] < n && ref_count() < end)
        __asm__ __volatile__("pause" ::: "memory");
    __asm__ __volatile__("cli" ::: "memory");
    return irq_count[vec] >= n;
}

static int arm_stimer_direct(void)
{
    return probe_wrmsr(HV_X64_MSR_STIMER0_COUNT, ref_count() + 1000) ==
           NOFAULT;
}

static int stimer_fired_and_disabled(void)
{
    uint64_t cfg = 0;
    int ok = wait_irq(VEC_STIMER, 1);
    probe_rdmsr(HV_X64_MSR_STIMER0_CONFIG, &cfg);
    return ok && !(cfg & HV_STIMER_ENABLE);
}

static int stimer_message(void)
{
    const struct hv_message *m = slot(3);
    const struct hv_timer_message_payload *pl = (const void *)m->payload;
    if (!wait_irq(VEC_MSG, 1))
        return 0;
    return m->message_type == HVMSG_TIMER_EXPIRED && pl->timer_index == 0 &&
           pl->expiration_time != 0 && pl->delivery_time >=
           pl->expiration_time;
}

/* The one-shot armed again while slot 3 still holds the last message:
 * its expiry sets the slot's msg_pending flag, raises nothing, and the
 * timer stays enabled, waiting for an EOM (KVM: synic_deliver_msg,
 * stimer_expiration).  got: 1 the flag never came, 2 an interrupt came,
 * 3 the timer was disabled. */
static int stimer_waits_for_slot(void)
{
    const volatile struct hv_message *m = slot(3);
    uint64_t cfg = 0, end;

    if (probe_wrmsr(HV_X64_MSR_STIMER0_COUNT, ref_count() + 1000) != NOFAULT)
        return 0;
    end = ref_count() + 20000000;               /* 2 s */
    __asm__ __volatile__("sti" ::: "memory");
    while (!(m->message_flags & HV_MSG_FLAG_PENDING) && ref_count() < end)
        __asm__ __volatile__("pause" ::: "memory");
    end = ref_count() + 100000;                 /* 10 ms more */
    while (ref_count() < end)
        __asm__ __volatile__("pause" ::: "memory");
    __asm__ __volatile__("cli" ::: "memory");
    probe_rdmsr(HV_X64_MSR_STIMER0_CONFIG, &cfg);
    check_got = !(m->message_flags & HV_MSG_FLAG_PENDING) ? 1 :
                irq_count[VEC_MSG] != 1 ? 2 : !(cfg & HV_STIMER_ENABLE) ? 3 : 0;
    return check_got == 0;
}

/* The guest frees slot 3 and writes EOM: the waiting message is sent
 * (KVM: kvm_hv_notify_acked_sint) and the one-shot is done.  got: 1 no
 * interrupt, 2 not a timer message, 3 the timer still enabled. */
static int stimer_sent_at_eom(void)
{
    volatile struct hv_message *m =
        (volatile struct hv_message *)(simp + 3 * HV_MESSAGE_SIZE);
    uint64_t cfg = 0;

    m->message_type = HVMSG_NONE;
    m->message_flags = 0;
    if (probe_wrmsr(HV_X64_MSR_EOM, 0) != NOFAULT)
        return 0;
    if (!wait_irq(VEC_MSG, 2))
        check_got = 1;
    else if (m->message_type != HVMSG_TIMER_EXPIRED)
        check_got = 2;
    else
        check_got = probe_rdmsr(HV_X64_MSR_STIMER0_CONFIG, &cfg) == NOFAULT &&
                    (cfg & HV_STIMER_ENABLE) ? 3 : 0;
    return check_got == 0;
}

static int user_call_gp_at_page(void)
{
    uint32_t v = probe_user_hcall(hcall_page, HVCALL_NOTIFY_LONG_SPIN_WAIT |
                                  HV_HC_FAST, 0, RFLAGS_IOPL0);
    check_got = v;
    return v == GP && fault_rip == pa(hcall_page);
}

/* [MSDN ff543172] "Valid Hypercall Environments": a hypercall from
 * CPL > 0 raises #UD and does nothing.  With IOPL 3 the stub's `out`
 * reaches the monitor, which must refuse it there.  The call would set
 * event flag 10 of SINT 2 (byte 1, bit 2, of its area); the #UD may be
 * at the call instruction (KVM's VMCALL) or after it (vmi-run's `out`,
 * docs/vmi-run.md), within the stub either way.  On kvm-pvm the guest's
 * user mode runs as host user mode, where the host's IOPL 0 applies: the
 * `out` faults #GP in the stub and never reaches the monitor (docs/hosts.md
 * [host:kvm-pvm]; the monitor's refusal is then covered by hv_mon
 * test_hv_port_below_cpl0_is_ud_and_does_nothing), as the xen hostile
 * table's IOPL 3 row also accepts.  got: the vector, or 0x100 | the flags
 * byte if the call had an effect. */
static int user_iopl3_call_ud_no_effect(void)
{
    volatile uint8_t *flags = &siefp[2 * 256 + 1];
    uint32_t v = probe_user_hcall(hcall_page, HVCALL_SIGNAL_EVENT |
                                  HV_HC_FAST, 10ull << 32 | CONN(0, 2),
                                  RFLAGS_IOPL3);
    check_got = *flags & 0x04 ? 0x100u | *flags : v;
    return (check_got == UD || check_got == GP) &&
           fault_rip - pa(hcall_page) < VMI_HV_STUB_LEN;
}

/* Synthetic MSRs from CPL3: RDMSR/WRMSR are privileged, so the CPU
 * raises #GP before any exit (SDM Vol. 2B RDMSR, WRMSR); the monitor
 * never sees the access.  got: the vector. */
static int user_msr_gp(const uint8_t *snippet, uint32_t msr)
{
    uint32_t v = probe_user_hcall(snippet, msr, 0, RFLAGS_IOPL0);
    check_got = v;
    return v == GP && fault_rip == pa(snippet);
}

static int user_rdmsr_gp(void)
{
    return user_msr_gp(user_rdmsr, HV_X64_MSR_GUEST_OS_ID);
}

static int user_wrmsr_gp(void)
{
    return user_msr_gp(user_wrmsr, HV_X64_MSR_EOM);
}

/* Guest OS id 0 disables the hypercall page: the enable bit of
 * HV_X64_MSR_HYPERCALL reads 0 after it, the address stays (KVM's
 * arch/x86/kvm/hyperv.c does the same). */
static int os_id_0_clears_hypercall_enable(void)
{
    uint64_t v = ~0ull;
    probe_wrmsr(HV_X64_MSR_GUEST_OS_ID, 0);
    probe_rdmsr(HV_X64_MSR_HYPERCALL, &v);
    check_got = v;
    return v == pa(hcall_page);
}

static int hv_port_unknown_after_disable(void)
{
    /* With the page disabled (row above), an `out` to the port is an
     * unknown port: RAX comes back unchanged. */
    uint64_t rax = 0x5a5a;
    __asm__ __volatile__("outb %%al, %1" : "+a"(rax)
                         : "i"(VMI_PORT_HV_HYPERCALL), "c"(0x2ull)
                         : "memory");
    return rax == 0x5a5a;
}

#define OSID VMI_HV_GUEST_OS_ID(VMI_ABI_VERSION)
#define PAGE_ON(p) (pa(p) | HV_MSR_ENABLE)
#define DIRECT(vec) (HV_STIMER_AUTO_ENABLE | HV_STIMER_DIRECT | \
                     (uint64_t)(vec) << HV_STIMER_VECTOR_SHIFT)
#define ST(s) ((int64_t)(s))
#define OK_REPS(n) ((int64_t)(n) << 32)

static const struct row rows[] = {
    /* Synthetic MSRs [T: hypercall-interface, timers, partition-properties,
     * inter-partition-communication]. */
    { "msr guest_os_id reads 0 at reset", RD, HV_X64_MSR_GUEST_OS_ID, 0, .vec = NOFAULT },
    { "msr hypercall enable before os id is ignored", WR, HV_X64_MSR_HYPERCALL, 0, .vec = NOFAULT },
    { "msr hypercall still 0", RD, HV_X64_MSR_HYPERCALL, 0, .vec = NOFAULT },
    { "msr vp_index reads 0 on vp 0", RD, HV_X64_MSR_VP_INDEX, 0, .vec = NOFAULT },
    { "msr vp_index write #GP (read-only)", WR, HV_X64_MSR_VP_INDEX, 1, .vec = GP },
    { "msr time_ref_count write #GP (read-only)", WR, HV_X64_MSR_TIME_REF_COUNT, 5, .vec = GP },
    { "msr tsc_frequency write #GP (read-only)", WR, HV_X64_MSR_TSC_FREQUENCY, 5, .vec = GP },
    { "msr sversion reads 1", RD, HV_X64_MSR_SVERSION, 1, .vec = NOFAULT },
    { "msr sversion write #GP", WR, HV_X64_MSR_SVERSION, 1, .vec = GP },
    { "msr reset reserved bit #GP", WR, HV_X64_MSR_RESET, 2, .vec = GP },
    { "msr reset write 0 is no reset", WR, HV_X64_MSR_RESET, 0, .vec = NOFAULT },
    { "msr eoi not advertised #GP", RD, HV_X64_MSR_EOI, ANY, .vec = GP },
    { "msr icr not advertised #GP", WR, HV_X64_MSR_ICR, 0, .vec = GP },
    { "msr stimer1 not implemented #GP", WR, HV_X64_MSR_STIMER0_CONFIG + 2, 0, .vec = GP },
    { "msr unknown 0x400000ff #GP", RD, 0x400000ffu, ANY, .vec = GP },
    { "msr crash_ctl reads notify|notify_msg", RD, HV_X64_MSR_CRASH_CTL, HV_CRASH_CTL_NOTIFY | HV_CRASH_CTL_NOTIFY_MSG, .vec = NOFAULT },
    { "msr crash_ctl reserved bit #GP", WR, HV_X64_MSR_CRASH_CTL, 1, .vec = GP },
    { "msr crash_p2 read-write", WR, HV_X64_MSR_CRASH_P0 + 2, 77, .vec = NOFAULT },
    { "msr guest_os_id set", WR, HV_X64_MSR_GUEST_OS_ID, OSID, .vec = NOFAULT },
    { "msr hypercall page beyond RAM #GP", WR, HV_X64_MSR_HYPERCALL, RAM_END | 1, .vec = GP },
    { "msr hypercall page enable", WR, HV_X64_MSR_HYPERCALL, 0, .vec = NOFAULT },
    { "hypercall page holds the out/ret stub", CHECK, .check = stub_bytes },
    { "msr reference_tsc beyond RAM #GP", WR, HV_X64_MSR_REFERENCE_TSC, RAM_END | 1, .vec = GP },
    { "msr reference_tsc enable", WR, HV_X64_MSR_REFERENCE_TSC, 1, .vec = NOFAULT },
    { "reference tsc page agrees with time_ref_count", CHECK, .check = ref_page_consistent },
    { "msr stimer0_config before synic enable #GP", WR, HV_X64_MSR_STIMER0_CONFIG, DIRECT(VEC_STIMER), .vec = GP },
    { "msr scontrol reserved bit #GP", WR, HV_X64_MSR_SCONTROL, 3, .vec = GP },
    { "msr scontrol enable", WR, HV_X64_MSR_SCONTROL, 1, .vec = NOFAULT },
    { "msr sint0 unmasked vector 5 #GP", WR, HV_X64_MSR_SINT0, 5, .vec = GP },
    { "msr sint0 reserved bit 20 #GP", WR, HV_X64_MSR_SINT0, (1ull << 20) | 0x50, .vec = GP },
    { "msr sint0 masked vector 5 accepted", WR, HV_X64_MSR_SINT0, HV_SYNIC_SINT_MASKED | 5, .vec = NOFAULT },
    { "msr simp beyond RAM #GP", WR, HV_X64_MSR_SIMP, RAM_END | 1, .vec = GP },
    { "msr siefp beyond RAM #GP", WR, HV_X64_MSR_SIEFP, RAM_END | 1, .vec = GP },
    { "msr stimer0_config reserved bit 13 #GP", WR, HV_X64_MSR_STIMER0_CONFIG, DIRECT(VEC_STIMER) | 1ull << 13, .vec = GP },
    { "msr stimer0_config direct vector 5 #GP", WR, HV_X64_MSR_STIMER0_CONFIG, DIRECT(5), .vec = GP },
    { "msr stimer0_config direct mode", WR, HV_X64_MSR_STIMER0_CONFIG, DIRECT(VEC_STIMER), .vec = NOFAULT },
    { "stimer0 count arms a one-shot", CHECK, .check = arm_stimer_direct },
    { "stimer0 direct interrupt arrives, enable clears", CHECK, .check = stimer_fired_and_disabled },

    /* Hypercall input values [MSDN ff538494; T: hypercall-interface]. */
    { "hc code 0x0001 unknown", HC, .control = 0x0001, .status = ST(HV_STATUS_INVALID_HYPERCALL_CODE) },
    { "hc code 0xffff unknown", HC, .control = 0xffff, .status = ST(HV_STATUS_INVALID_HYPERCALL_CODE) },
    { "hc flush space ex not advertised", HC, .control = HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX, .in = IN(0), .status = ST(HV_STATUS_INVALID_HYPERCALL_CODE) },
    { "hc send ipi ex not advertised", HC, .control = HVCALL_SEND_IPI_EX, .in = IN(0), .status = ST(HV_STATUS_INVALID_HYPERCALL_CODE) },
    { "hc reserved bit 27", HC, .control = HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE | 1ull << 27, .in = IN(0), .status = ST(HV_STATUS_INVALID_HYPERCALL_INPUT) },
    { "hc reserved bit 44", HC, .control = HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE | 1ull << 44, .in = IN(0), .status = ST(HV_STATUS_INVALID_HYPERCALL_INPUT) },
    { "hc reserved bit 63", HC, .control = HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE | 1ull << 63, .in = IN(0), .status = ST(HV_STATUS_INVALID_HYPERCALL_INPUT) },
    { "hc nested bit 31", HC, .control = HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE | 1ull << 31, .in = IN(0), .status = ST(HV_STATUS_INVALID_HYPERCALL_INPUT) },
    { "hc simple call with rep count", HC, .control = CTL(HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE, 0, 1, 0), .in = IN(0), .status = ST(HV_STATUS_INVALID_HYPERCALL_INPUT) },
    { "hc simple call with rep start", HC, .control = CTL(HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE, 0, 0, 1), .in = IN(0), .status = ST(HV_STATUS_INVALID_HYPERCALL_INPUT) },
    { "hc rep call with rep count 0", HC, .control = CTL(HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST, 0, 0, 0), .in = IN(0), .status = ST(HV_STATUS_INVALID_HYPERCALL_INPUT) },
    { "hc rep start equal to count", HC, .control = CTL(HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST, 0, 3, 3), .in = IN(0), .status = ST(HV_STATUS_INVALID_HYPERCALL_INPUT) },
    { "hc rep start past count", HC, .control = CTL(HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST, 0, 3, 5), .in = IN(0), .status = ST(HV_STATUS_INVALID_HYPERCALL_INPUT) },
    { "hc variable header on a call without one", HC, .control = HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE | 1ull << 17, .in = IN(0), .status = ST(HV_STATUS_INVALID_HYPERCALL_INPUT) },
    { "hc flush space fast form", HC, .control = CTL(HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE, 1, 0, 0), .status = ST(HV_STATUS_INVALID_HYPERCALL_INPUT) },
    { "hc post message fast form", HC, .control = CTL(HVCALL_POST_MESSAGE, 1, 0, 0), .status = ST(HV_STATUS_INVALID_HYPERCALL_INPUT) },
    { "hc spin wait with rep count", HC, .control = CTL(HVCALL_NOTIFY_LONG_SPIN_WAIT, 1, 2, 0), .status = ST(HV_STATUS_INVALID_HYPERCALL_INPUT) },
    { "set up a flush input", CHECK, .check = set_flush },
    { "hc input misaligned", HC, .control = HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE, .in = IN(4), .status = ST(HV_STATUS_INVALID_ALIGNMENT) },
    { "hc input spans a page", HC, .control = HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE, .in = IN(4096 - 16), .status = ST(HV_STATUS_INVALID_ALIGNMENT) },
    { "hc input beyond RAM", HC, .control = HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE, .in = RAM_END, .status = ST(HV_STATUS_INVALID_ALIGNMENT) },
    { "hc input at gpa overflow", HC, .control = HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE, .in = ~7ull, .status = ST(HV_STATUS_INVALID_ALIGNMENT) },
    { "hc rep list spans a page", HC, .control = CTL(HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST, 0, 600, 0), .in = IN(0), .status = ST(HV_STATUS_INVALID_ALIGNMENT) },
    { "hc flush space all processors", HC, .control = HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE, .in = IN(0), .status = ST(HV_STATUS_SUCCESS) },
    { "hc flush list 3 reps all done", HC, .control = CTL(HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST, 0, 3, 0), .in = IN(0), .status = ST(HV_STATUS_SUCCESS) | OK_REPS(3) },
    { "hc flush list resumed at start 2", HC, .control = CTL(HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST, 0, 3, 2), .in = IN(0), .status = ST(HV_STATUS_SUCCESS) | OK_REPS(3) },
    { "hc flush space from 32-bit paging, cs.l set, edx:eax", CHECK, .check = legacy_flush_space },
    { "hc flush list 3 reps from 32-bit code, reps in edx", CHECK, .check = legacy_flush_list },
    { "hc flush list 3 reps from compatibility mode, reps in edx", CHECK, .check = compat_flush_list },
    { "set invalid flush flags", CHECK, .check = set_flush_bad_flags },
    { "hc flush invalid flags", HC, .control = HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE, .in = IN(0), .status = ST(HV_STATUS_INVALID_PARAMETER) },
    { "hc ipi vector 0x0f", HC, .control = CTL(HVCALL_SEND_IPI, 1, 0, 0), .in = 0x0f, .out = 1, .status = ST(HV_STATUS_INVALID_HYPERCALL_INPUT) },
    { "hc ipi vector 0x100", HC, .control = CTL(HVCALL_SEND_IPI, 1, 0, 0), .in = 0x100, .out = 1, .status = ST(HV_STATUS_INVALID_HYPERCALL_INPUT) },
    { "hc ipi reserved word set", HC, .control = CTL(HVCALL_SEND_IPI, 1, 0, 0), .in = 1ull << 32 | VEC_IPI, .out = 1, .status = ST(HV_STATUS_INVALID_HYPERCALL_INPUT) },
    { "set slow ipi with reserved word", CHECK, .check = set_ipi_reserved },
    { "hc ipi slow reserved word set", HC, .control = HVCALL_SEND_IPI, .in = IN(0), .status = ST(HV_STATUS_INVALID_HYPERCALL_INPUT) },
    { "hc ipi to self", HC, .control = CTL(HVCALL_SEND_IPI, 1, 0, 0), .in = VEC_IPI, .out = 1, .status = ST(HV_STATUS_SUCCESS) },
    { "ipi to self delivered once", CHECK, .check = ipi_delivered },
    { "hc spin wait", HC, .control = CTL(HVCALL_NOTIFY_LONG_SPIN_WAIT, 1, 0, 0), .in = 100, .status = ST(HV_STATUS_SUCCESS) },

    /* SynIC messages and events [T: hypercalls/hvcallpostmessage,
     * hvcallsignalevent; inter-partition-communication]. */
    { "set post to connection 0", CHECK, .check = set_post_conn0 },
    { "hc post message connection 0", HC, .control = HVCALL_POST_MESSAGE, .in = IN(0), .status = ST(HV_STATUS_INVALID_CONNECTION_ID) },
    { "set post to absent vp 7", CHECK, .check = set_post_vp7 },
    { "hc post message absent vp", HC, .control = HVCALL_POST_MESSAGE, .in = IN(0), .status = ST(HV_STATUS_INVALID_CONNECTION_ID) },
    { "set post of 241 bytes", CHECK, .check = set_post_big },
    { "hc post message payload too big", HC, .control = HVCALL_POST_MESSAGE, .in = IN(0), .status = ST(HV_STATUS_INVALID_PARAMETER) },
    { "set post of a hypervisor message type", CHECK, .check = set_post_hvtype },
    { "hc post message hypervisor type", HC, .control = HVCALL_POST_MESSAGE, .in = IN(0), .status = ST(HV_STATUS_INVALID_PARAMETER) },
    { "set a valid post", CHECK, .check = set_post_ok },
    { "hc post message simp disabled", HC, .control = HVCALL_POST_MESSAGE, .in = IN(0), .status = ST(HV_STATUS_INVALID_SYNIC_STATE) },
    { "msr simp enable", WR, HV_X64_MSR_SIMP, 0, .vec = NOFAULT },
    { "msr sint2 vector 0x41", WR, HV_X64_MSR_SINT0 + 2, VEC_SINT, .vec = NOFAULT },
    { "hc post message delivered", HC, .control = HVCALL_POST_MESSAGE, .in = IN(0), .status = ST(HV_STATUS_SUCCESS) },
    { "message in slot 2 and sint raised", CHECK, .check = message_arrived },
    { "hc post message slot busy", HC, .control = HVCALL_POST_MESSAGE, .in = IN(0), .status = ST(HV_STATUS_INSUFFICIENT_BUFFERS) },
    { "busy slot gets msg_pending", CHECK, .check = message_pending_flag },
    { "msr eom accepted", WR, HV_X64_MSR_EOM, 0, .vec = NOFAULT },
    { "hc signal event reserved bits", HC, .control = CTL(HVCALL_SIGNAL_EVENT, 1, 0, 0), .in = 1ull << 50 | CONN(0, 2), .status = ST(HV_STATUS_INVALID_HYPERCALL_INPUT) },
    { "hc signal event flag 2048", HC, .control = CTL(HVCALL_SIGNAL_EVENT, 1, 0, 0), .in = 2048ull << 32 | CONN(0, 2), .status = ST(HV_STATUS_INVALID_PARAMETER) },
    { "hc signal event bad connection", HC, .control = CTL(HVCALL_SIGNAL_EVENT, 1, 0, 0), .in = 0x1234, .status = ST(HV_STATUS_INVALID_CONNECTION_ID) },
    { "hc signal event siefp disabled", HC, .control = CTL(HVCALL_SIGNAL_EVENT, 1, 0, 0), .in = 9ull << 32 | CONN(0, 2), .status = ST(HV_STATUS_INVALID_SYNIC_STATE) },
    { "msr siefp enable", WR, HV_X64_MSR_SIEFP, 0, .vec = NOFAULT },
    { "hc signal event flag 9", HC, .control = CTL(HVCALL_SIGNAL_EVENT, 1, 0, 0), .in = 9ull << 32 | CONN(0, 2), .status = ST(HV_STATUS_SUCCESS) },
    { "event flag set and sint raised", CHECK, .check = event_arrived },
    { "set slow signal event", CHECK, .check = set_event_slow_bad },
    { "hc signal event slow misaligned", HC, .control = HVCALL_SIGNAL_EVENT, .in = IN(9), .status = ST(HV_STATUS_INVALID_ALIGNMENT) },
    { "msr sint3 vector 0x43", WR, HV_X64_MSR_SINT0 + 3, VEC_MSG, .vec = NOFAULT },
    { "msr stimer0_config message mode sint3", WR, HV_X64_MSR_STIMER0_CONFIG, HV_STIMER_AUTO_ENABLE | 3ull << HV_STIMER_SINTX_SHIFT, .vec = NOFAULT },
    { "stimer0 count arms message mode", CHECK, .check = arm_stimer_direct },
    { "stimer0 expiry message in slot 3", CHECK, .check = stimer_message },
    { "stimer0 one-shot to a full slot waits, msg_pending set", CHECK, .check = stimer_waits_for_slot },
    { "stimer0 waiting message sent at eom", CHECK, .check = stimer_sent_at_eom },

    /* Callers the TLFS refuses. */
    { "user-mode hypercall faults #GP on the stub", CHECK, .check = user_call_gp_at_page },
    { "user-mode hypercall with IOPL 3 #UD, no effect", CHECK, .check = user_iopl3_call_ud_no_effect },
    { "user-mode rdmsr of a synthetic MSR #GP", CHECK, .check = user_rdmsr_gp },
    { "user-mode wrmsr of a synthetic MSR #GP", CHECK, .check = user_wrmsr_gp },
    { "os id 0 clears the hypercall page's enable bit", CHECK, .check = os_id_0_clears_hypercall_enable },
    { "os id 0 disables the hypercall port", CHECK, .check = hv_port_unknown_after_disable },
};

/* Values that are addresses, filled in at run time. */
static uint64_t wr_value(const struct row *r)
{
    switch (r->msr) {
    case HV_X64_MSR_HYPERCALL:
        return r->val ? r->val : PAGE_ON(hcall_page);
    case HV_X64_MSR_REFERENCE_TSC:
        return r->val == 1 ? PAGE_ON(tsc_page) : r->val;
    case HV_X64_MSR_SIMP:
        return r->val ? r->val : PAGE_ON(simp);
    case HV_X64_MSR_SIEFP:
        return r->val ? r->val : PAGE_ON(siefp);
    default:
        return r->val;
    }
}

static int run_row(const struct row *r, uint64_t *got)
{
    uint64_t v = 0;
    switch (r->kind) {
    case RD:
        /* got: the vector, or the value read if only the value is wrong. */
        *got = probe_rdmsr(r->msr, &v);
        if (*got != r->vec)
            return 0;
        if (r->vec == NOFAULT && (int64_t)r->val != ANY && v != r->val) {
            *got = v;
            return 0;
        }
        return 1;
    case WR:
        *got = probe_wrmsr(r->msr, wr_value(r));
        return *got == r->vec;
    case HC:
        *got = hcall(hcall_page, r->control,
                     (r->in >> 48 << 48) == IN_TAG ?
                     pa(in_page) + (r->in & 0xffff) : r->in, r->out);
        return fault_vec == NOFAULT && *got == (uint64_t)r->status;
    default: {
        check_got = 0;
        int ok = r->check();
        *got = check_got;
        return ok;
    }
    }
}

static void setup_cpu(void)
{
    struct { uint16_t limit; uint64_t base; } __attribute__((packed)) idtr =
        { sizeof(idt) - 1, pa(idt) };
    for (unsigned v = 0; v < 256; v++) {
        uint64_t h = stub_table[v];
        idt[2 * v] = (h & 0xffff) | 0x08ull << 16 | 0x8eull << 40 |
                     (h >> 16 & 0xffff) << 48;
        idt[2 * v + 1] = h >> 32;
    }
    /* 64-bit TSS: RSP0 at 4, no I/O bitmap (SDM Vol. 3A 8.7, 19.5). */
    uint64_t sp = pa(tss_stack) + sizeof(tss_stack), b = pa(tss);
    for (int i = 0; i < 8; i++)
        tss[4 + i] = (uint8_t)(sp >> (8 * i));
    tss[102] = sizeof(tss);
    gdt_tss[0] = (sizeof(tss) - 1) | (b & 0xffffff) << 16 | 0x89ull << 40 |
                 (b >> 24 & 0xff) << 56;
    gdt_tss[1] = b >> 32;
    load_idt_tr(&idtr, 0x28);
    /* xAPIC software enable, spurious vector 0xff (SDM Vol. 3A 11.9). */
    *(volatile uint32_t *)(uintptr_t)0xfee000f0u = 0x1ff;
}

void hostile_main(void)
{
    unsigned n = sizeof(rows) / sizeof(rows[0]), failed = 0, skipped = 0;
    setup_cpu();
    puts_("TAP version 13\n1..");
    putu(n, 10);
    puts_("\n");
    for (unsigned i = 0; i < n; i++) {
        uint64_t got;
        int ok = run_row(&rows[i], &got);
        failed += !ok;
        skipped += ok == SKIP;
        puts_(ok ? "ok " : "not ok ");
        putu(i + 1, 10);
        puts_(" - ");
        puts_(rows[i].name);
        if (ok == SKIP) {
            puts_(" # SKIP ");
            puts_(skip_why);
        } else if (!ok) {
            puts_(" # got ");
            putu(got, 16);
        }
        puts_("\n");
    }
    outb(VMI_DEBUG_EXIT_PORT, failed ? VMI_EXIT_FAIL :
                              skipped ? VMI_EXIT_SKIP : VMI_EXIT_OK);
}
