/* SPDX-License-Identifier: MIT */
/*
 * harness.c: app_main, results and events of the conformance test
 * kernels (see conformance.h).  Most severe outcome wins; the first
 * message at that severity is the one the result line carries.
 */
#include <stdarg.h>

#include "conformance.h"
#include "klib.h"
#include "kprintf.h"
#include "percpu.h"
#include "runtime.h"
#include "spinlock.h"

/* XTF's order of severity; the exit codes of vmi/abi.h. */
enum outcome { CONF_NONE, CONF_SUCCESS, CONF_SKIP, CONF_ERROR, CONF_FAILURE };

static const char *const outcome_name[] = {
    "NONE", "SUCCESS", "SKIP", "ERROR", "FAILURE",
};
/* For the log lines of each report, which the runner must not take for
 * the result line (that one names the test and is upper case). */
static const char *const outcome_word[] = {
    "none", "success", "skip", "error", "failure",
};
static const unsigned outcome_code[] = {
    VMI_EXIT_ERROR, VMI_EXIT_OK, VMI_EXIT_SKIP, VMI_EXIT_ERROR, VMI_EXIT_FAIL,
};

static struct {
    struct spinlock lock;
    enum outcome outcome;
    char reason[160];
    unsigned more;              /* further messages at the same severity */
    const struct kstart *ks;
    uint64_t event_ns[VMI_MAX_CPUS][VMI_EVENT_COUNT];
} conf = { .lock = SPINLOCK_INIT };

static void report(enum outcome o, const char *msg)
{
    vmi_irqflags_t flags;

    if (o > CONF_SUCCESS)
        kprintf("conformance: %s: %s\n", outcome_word[o], msg);
    flags = spin_lock_irqsave(&conf.lock);
    if (o > conf.outcome) {
        conf.outcome = o;
        snprintf(conf.reason, sizeof(conf.reason), "%s", msg);
        conf.more = 0;
    } else if (o == conf.outcome && o > CONF_SUCCESS) {
        conf.more++;
    }
    spin_unlock_irqrestore(&conf.lock, flags);
}

void vmi_test_success(void)
{
    report(CONF_SUCCESS, "");
}

#define REPORTER(fn, o) \
    void fn(const char *fmt, ...) \
    { \
        char msg[sizeof(conf.reason)]; \
        va_list ap; \
        va_start(ap, fmt); \
        vsnprintf(msg, sizeof(msg), fmt, ap); \
        va_end(ap); \
        report(o, msg); \
    }
REPORTER(vmi_test_skip, CONF_SKIP)
REPORTER(vmi_test_error, CONF_ERROR)
REPORTER(vmi_test_failure, CONF_FAILURE)

bool conf_failed(void)
{
    return __atomic_load_n(&conf.outcome, __ATOMIC_ACQUIRE) >= CONF_ERROR;
}

bool conf_check(bool ok, const char *file, int line, const char *fmt, ...)
{
    char msg[128];
    va_list ap;

    if (ok)
        return true;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    vmi_test_failure("%s:%d: %s", file, line, msg);
    return false;
}

void conf_log(const char *fmt, ...)
{
    char msg[200];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    kprintf("conformance: %s\n", msg);
}

/* The one result line the runner parses, then the exit code. */
static VMI_NORETURN void finish(void)
{
    enum outcome o = conf.outcome;

    if (o == CONF_NONE) {
        o = CONF_ERROR;
        snprintf(conf.reason, sizeof(conf.reason), "test_main returned without a result");
    }
    if (conf.more)
        kprintf("conformance: %s %s: %s (and %u more)\n", conf_test_name,
                outcome_name[o], conf.reason, conf.more);
    else if (conf.reason[0])
        kprintf("conformance: %s %s: %s\n", conf_test_name, outcome_name[o], conf.reason);
    else
        kprintf("conformance: %s %s\n", conf_test_name, outcome_name[o]);
    vmi_shutdown(outcome_code[o]);
}

void app_main(const struct kstart *ks)
{
    const struct vmi_info *in = vmi_info();

    conf.ks = ks;
    kprintf("conformance: %s: %s\n", conf_test_name, test_title);
    kprintf("conformance: backend %s, hypervisor %s, %u CPUs, clock %s, alarm %s, "
            "console %s, ipi %s, features 0x%x\n", in->backend, in->hypervisor,
            vmi_cpu_count(), in->clock, in->alarm, in->console, in->ipi, in->features);
    test_main();
    vmi_irq_disable();
    finish();
}

const char *conf_arg(const char *key, char *val, size_t len)
{
    return cmdline_get(conf.ks->boot->cmdline, key, val, len);
}

unsigned conf_arg_uint(const char *key, unsigned dflt)
{
    char val[16];

    return conf_arg(key, val, sizeof(val)) ? parse_uint(val) : dflt;
}

uint64_t conf_kernel_cr3(void)
{
    return conf.ks->cr3;
}

/* Called by the backend with delivery masked, on the CPU the event is for. */
void vmi_event(vmi_event_t ev)
{
    struct percpu *pc = this_cpu();

    if ((unsigned)ev >= VMI_EVENT_COUNT)
        return;
    /* Only this CPU writes its counters; the time first, so that a reader
     * that sees the new count also sees its time. */
    __atomic_store_n(&conf.event_ns[pc->id][ev], vmi_time_ns(), __ATOMIC_RELAXED);
    __atomic_store_n(&pc->events[ev], pc->events[ev] + 1, __ATOMIC_RELEASE);
}

uint64_t conf_events(unsigned cpu, vmi_event_t ev)
{
    return __atomic_load_n(&percpu[cpu].events[ev], __ATOMIC_ACQUIRE);
}

uint64_t conf_event_ns(unsigned cpu, vmi_event_t ev)
{
    return __atomic_load_n(&conf.event_ns[cpu][ev], __ATOMIC_RELAXED);
}

bool conf_poll_event(vmi_event_t ev, uint64_t count, uint64_t timeout_ns)
{
    unsigned cpu = this_cpu()->id;
    uint64_t end = vmi_time_ns() + timeout_ns;

    vmi_irq_enable();
    while (conf_events(cpu, ev) <= count) {
        if (vmi_time_ns() >= end)
            return false;
        __builtin_ia32_pause();
    }
    return true;
}

void conf_spin_ns(uint64_t ns)
{
    uint64_t end = vmi_time_ns() + ns;

    while (vmi_time_ns() < end)
        __builtin_ia32_pause();
}

bool conf_wait(bool (*cond)(void *), void *arg, uint64_t timeout_ns)
{
    uint64_t now = vmi_time_ns();
    uint64_t end = timeout_ns > UINT64_MAX - now ? UINT64_MAX : now + timeout_ns;
    bool ok;

    for (;;) {
        vmi_irq_disable();
        ok = cond(arg);
        if (ok || vmi_time_ns() >= end)
            break;
        vmi_alarm_set(vmi_time_ns() + CONF_POLL_NS);
        vmi_safe_halt();
    }
    vmi_alarm_cancel();
    vmi_irq_enable();
    return ok;
}
