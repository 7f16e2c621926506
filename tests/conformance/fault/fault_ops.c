/* SPDX-License-Identifier: MIT */
/*
 * fault_ops.c: a deliberately broken native backend, for the conformance
 * suite's self-test (docs/conformance.md).  The native backend is built a
 * second time with its table renamed to vmi_ops_unbroken; this file
 * defines vmi_ops as a forwarder to it, except that the op named by
 * vmi.fault=NAME on the kernel command line breaks its contract.  Without
 * vmi.fault the table behaves exactly as native, which the self-test
 * checks too.  Test code only: never link it into a real kernel.
 */
#include "vmi.h"

extern const struct vmi_ops vmi_ops_unbroken;

enum fault {
    FAULT_NONE,
    FAULT_CONSOLE_CRLF,     /* console_write turns "\n" into "\r\n" */
    FAULT_MSR_SAFE_OK,      /* the _safe MSR ops hide faults: VMI_OK */
    FAULT_ALARM_EARLY,      /* alarm_set fires at once, whatever the deadline */
    FAULT_IPI_DROP,         /* ipi_send sends nothing */
    FAULT_TIME_SLOW,        /* time_ns runs at half the cycle-counter rate */
    FAULT_TLB_PAGE_NOOP,    /* tlb_flush_page flushes nothing */
    FAULT_CPU_COUNT_ONE,    /* cpu_count says 1, whatever was booted */
    FAULT_INIT_UD,          /* init raises #UD first (not a self-test fault:
                             * tests/boot checks that it is reported) */
};

static const char *const fault_names[] = {
    "", "console_crlf", "msr_safe_ok", "alarm_early", "ipi_drop", "time_slow",
    "tlb_page_noop", "cpu_count_one", "init_ud",
};

static enum fault fault;

/* Forwarders for every op, generated from the op list. */
#define VMI_OP(name, ret, params, args) \
    static ret fwd_##name params { return vmi_ops_unbroken.name args; }
#define VMI_VOP(name, params, args) \
    static void fwd_##name params { vmi_ops_unbroken.name args; }
#define VMI_NOP(name, params, args) \
    static VMI_NORETURN void fwd_##name params \
    { vmi_ops_unbroken.name args; __builtin_unreachable(); }
#include "vmi/ops.h"
#undef VMI_OP
#undef VMI_VOP
#undef VMI_NOP

static int word_is(const char *p, const char *word)
{
    while (*word && *p == *word)
        p++, word++;
    return !*word && (*p == ' ' || *p == '\0');
}

/* Find "vmi.fault=NAME" in (cmdline). */
static enum fault parse_fault(const char *cmdline)
{
    static const char key[] = "vmi.fault=";

    for (const char *p = cmdline; p && *p; p++) {
        unsigned i = 0;

        while (key[i] && p[i] == key[i])
            i++;
        if (key[i])
            continue;
        for (unsigned f = 1; f < sizeof(fault_names) / sizeof(fault_names[0]); f++)
            if (word_is(p + i, fault_names[f]))
                return (enum fault)f;
    }
    return FAULT_NONE;
}

static vmi_status_t f_init(const struct vmi_boot *boot)
{
    static const char msg[] = "vmi: fault injection: breaking ";

    fault = parse_fault(boot ? boot->cmdline : 0);
    if (fault == FAULT_INIT_UD)
        __builtin_trap();
    vmi_status_t st = vmi_ops_unbroken.init(boot);
    if (fault != FAULT_NONE) {
        const char *n = fault_names[fault];
        unsigned len = 0;

        while (n[len])
            len++;
        vmi_ops_unbroken.console_write(msg, sizeof(msg) - 1);
        vmi_ops_unbroken.console_write(n, len);
        vmi_ops_unbroken.console_write("\n", 1);
    }
    return st;
}

static void f_console_write(const char *buf, size_t len)
{
    size_t start = 0;

    if (fault != FAULT_CONSOLE_CRLF) {
        vmi_ops_unbroken.console_write(buf, len);
        return;
    }
    for (size_t i = 0; i < len; i++) {
        if (buf[i] != '\n')
            continue;
        vmi_ops_unbroken.console_write(buf + start, i - start);
        vmi_ops_unbroken.console_write("\r\n", 2);
        start = i + 1;
    }
    vmi_ops_unbroken.console_write(buf + start, len - start);
}

static vmi_status_t f_read_msr_safe(uint32_t msr, uint64_t *val)
{
    vmi_status_t st = vmi_ops_unbroken.read_msr_safe(msr, val);

    return fault == FAULT_MSR_SAFE_OK ? VMI_OK : st;
}

static vmi_status_t f_write_msr_safe(uint32_t msr, uint64_t val)
{
    vmi_status_t st = vmi_ops_unbroken.write_msr_safe(msr, val);

    return fault == FAULT_MSR_SAFE_OK ? VMI_OK : st;
}

static uint64_t f_time_ns(void)
{
    uint64_t t = vmi_ops_unbroken.time_ns();

    return fault == FAULT_TIME_SLOW ? t / 2 : t;
}

static void f_alarm_set(uint64_t deadline_ns)
{
    /* Under time_slow the deadline is in the slow time base: converted
     * back, so that alarms stay consistent with the (slow) clock. */
    if (fault == FAULT_ALARM_EARLY)
        deadline_ns = 0;
    else if (fault == FAULT_TIME_SLOW)
        deadline_ns = deadline_ns > UINT64_MAX / 2 ? UINT64_MAX : deadline_ns * 2;
    vmi_ops_unbroken.alarm_set(deadline_ns);
}

static void f_ipi_send(vmi_cpumask_t cpus)
{
    if (fault != FAULT_IPI_DROP)
        vmi_ops_unbroken.ipi_send(cpus);
}

static unsigned f_cpu_count(void)
{
    return fault == FAULT_CPU_COUNT_ONE ? 1 : vmi_ops_unbroken.cpu_count();
}

static void f_tlb_flush_page(vmi_vaddr_t va)
{
    if (fault != FAULT_TLB_PAGE_NOOP)
        vmi_ops_unbroken.tlb_flush_page(va);
}

/* Every op forwards; the later designators below override the few that
 * can be broken (C11 6.7.9p19: the last initializer of a member wins). */
#pragma GCC diagnostic ignored "-Woverride-init"
const struct vmi_ops vmi_ops = {
#define VMI_OP(name, ret, params, args) .name = fwd_##name,
#define VMI_VOP(name, params, args) .name = fwd_##name,
#define VMI_NOP(name, params, args) .name = fwd_##name,
#include "vmi/ops.h"
#undef VMI_OP
#undef VMI_VOP
#undef VMI_NOP
    .init = f_init,
    .console_write = f_console_write,
    .read_msr_safe = f_read_msr_safe,
    .write_msr_safe = f_write_msr_safe,
    .time_ns = f_time_ns,
    .alarm_set = f_alarm_set,
    .ipi_send = f_ipi_send,
    .tlb_flush_page = f_tlb_flush_page,
    .cpu_count = f_cpu_count,
};
