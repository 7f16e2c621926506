/* SPDX-License-Identifier: MIT */
/*
 * alarm_deadline: the one-shot alarm fires after its deadline, and not
 * long after, once (docs/vmi-api.md 3.4), on every CPU; a deadline in the
 * past fires at once.  "Not long after" is CONF_LATE_NS (100 ms, see
 * conformance.h) + delta: adding delta tolerates a timer up to 2x slow at
 * these deltas, while unit errors (us for ns, 100 ns units) or an alarm
 * that only fires on a later, unrelated interrupt are far outside.
 */
#include "conformance.h"

const char test_title[] = "the alarm fires after its deadline, within 100 ms + delta, once";

#define MS CONF_MS
#define LATE_NS CONF_LATE_NS
#define QUIET_NS (5 * MS)           /* watched after the event: one-shot */

static const struct {
    const char *what;
    uint64_t delta;
    bool past;
} cases[] = {
    { "a past deadline", 1 * MS, true },
    { "+1 ms", 1 * MS, false },
    { "+5 ms", 5 * MS, false },
    { "+20 ms", 20 * MS, false },
};

static void one(unsigned cpu, unsigned i)
{
    uint64_t now, deadline, fired, n0 = conf_events(cpu, VMI_EVENT_ALARM);

    vmi_irq_disable();
    now = vmi_time_ns();
    deadline = cases[i].past ? (now > cases[i].delta ? now - cases[i].delta : 0)
                             : now + cases[i].delta;
    vmi_alarm_set(deadline);
    if (!conf_poll_event(VMI_EVENT_ALARM, n0, cases[i].delta + LATE_NS + 1000 * MS)) {
        CONF_CHECK(false, "cpu %u, %s: the alarm never fired", cpu, cases[i].what);
        return;
    }
    fired = conf_event_ns(cpu, VMI_EVENT_ALARM);
    conf_log("alarm_deadline: cpu %u, %s: fired %ld us after the deadline", cpu, cases[i].what,
             (long)(fired - deadline) / 1000);
    CONF_CHECK(fired >= deadline, "cpu %u, %s: fired %lu ns before the deadline", cpu,
               cases[i].what, deadline - fired);
    CONF_CHECK(fired <= (cases[i].past ? now : deadline) + LATE_NS + cases[i].delta,
               "cpu %u, %s: fired %lu ms late", cpu, cases[i].what, (fired - deadline) / MS);
    conf_spin_ns(QUIET_NS);
    CONF_CHECK(conf_events(cpu, VMI_EVENT_ALARM) == n0 + 1, "cpu %u, %s: %lu events, not one",
               cpu, cases[i].what, conf_events(cpu, VMI_EVENT_ALARM) - n0);
}

static void all_cases(void *arg)
{
    (void)arg;
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        one(vmi_cpu_id(), i);
}

void test_main(void)
{
    unsigned n;

    all_cases(NULL);
    n = conf_smp_start();
    for (unsigned cpu = 1; cpu < n; cpu++) {
        conf_smp_run(cpu, all_cases, NULL);
        if (!conf_smp_wait(cpu, 10000 * MS))
            vmi_test_error("cpu %u did not finish", cpu);
    }
    vmi_test_success();
}
