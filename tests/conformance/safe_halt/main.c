/* SPDX-License-Identifier: MIT */
/*
 * safe_halt: safe_halt waits for the alarm and returns after its handler
 * ran, with delivery enabled; an event already pending when it is called
 * is not lost (docs/vmi-api.md 3.3).  A backend that loses the pending
 * event hangs here: the runner's per-test timeout reports it.
 */
#include "conformance.h"

const char test_title[] = "safe_halt wakes on the alarm, atomically";

#define MS CONF_MS
#define AT_ONCE_NS CONF_LATE_NS
#define MAX_WAKES 100               /* other interrupts may end a halt */

static void wakes_on_alarm(void)
{
    uint64_t n0 = conf_events(0, VMI_EVENT_ALARM), deadline;
    unsigned wakes = 0;

    vmi_irq_disable();
    /* 20 ms: far enough that a wake-up before it is seen as early. */
    deadline = vmi_time_ns() + 20 * MS;
    vmi_alarm_set(deadline);
    while (conf_events(0, VMI_EVENT_ALARM) == n0 && wakes++ < MAX_WAKES) {
        vmi_safe_halt();
        vmi_irq_disable();
    }
    CONF_CHECK(conf_events(0, VMI_EVENT_ALARM) == n0 + 1,
               "safe_halt returned %u times without the alarm's handler", wakes);
    CONF_CHECK(vmi_time_ns() >= deadline, "safe_halt returned before the alarm's deadline");
    CONF_CHECK(conf_event_ns(0, VMI_EVENT_ALARM) >= deadline, "the alarm fired early");
}

static void returns_enabled(void)
{
    uint64_t n0 = conf_events(0, VMI_EVENT_ALARM);

    vmi_irq_disable();
    vmi_alarm_set(vmi_time_ns() + 2 * MS);
    vmi_safe_halt();
    /* Delivery must be on now: a due alarm arrives with no irq_enable. */
    n0 = conf_events(0, VMI_EVENT_ALARM);
    vmi_alarm_set(vmi_time_ns() / 2);
    conf_spin_ns(AT_ONCE_NS);
    CONF_CHECK(conf_events(0, VMI_EVENT_ALARM) > n0, "safe_halt returned with delivery masked");
}

static void pending_not_lost(void)
{
    uint64_t n0 = conf_events(0, VMI_EVENT_ALARM);

    vmi_irq_disable();
    vmi_alarm_set(vmi_time_ns() / 2);
    conf_spin_ns(5 * MS);
    vmi_safe_halt();
    CONF_CHECK(conf_events(0, VMI_EVENT_ALARM) == n0 + 1,
               "safe_halt returned, but the pending alarm's handler did not run");
}

void test_main(void)
{
    wakes_on_alarm();
    returns_enabled();
    pending_not_lost();
    vmi_irq_disable();
    vmi_test_success();
}
