/* SPDX-License-Identifier: MIT */
/*
 * alarm_cancel: a cancelled alarm does not fire, even one whose interrupt
 * was already pending behind masked delivery, and the alarm works again
 * afterwards (docs/vmi-api.md 3.4 alarm_cancel and 2.2, the alarm guard).
 */
#include "conformance.h"

const char test_title[] = "alarm_cancel disarms, even with the interrupt pending";

#define MS CONF_MS
#define LATE_NS CONF_LATE_NS

static void armed_then_cancelled(void)
{
    uint64_t n0 = conf_events(0, VMI_EVENT_ALARM);

    vmi_irq_disable();
    vmi_alarm_set(vmi_time_ns() + 5 * MS);
    vmi_alarm_cancel();
    vmi_irq_enable();
    conf_spin_ns(30 * MS);
    CONF_CHECK(conf_events(0, VMI_EVENT_ALARM) == n0,
               "an alarm cancelled 5 ms before its deadline fired");
}

static void pending_then_cancelled(void)
{
    uint64_t n0 = conf_events(0, VMI_EVENT_ALARM);

    vmi_irq_disable();
    vmi_alarm_set(vmi_time_ns() / 2);
    /* Long enough for the interrupt to be raised and held pending. */
    conf_spin_ns(5 * MS);
    vmi_alarm_cancel();
    vmi_irq_enable();
    conf_spin_ns(10 * MS);
    CONF_CHECK(conf_events(0, VMI_EVENT_ALARM) == n0,
               "an alarm cancelled while its interrupt was pending was delivered");
}

static void works_again(void)
{
    uint64_t n0 = conf_events(0, VMI_EVENT_ALARM), deadline;

    vmi_irq_disable();
    /* 20 ms: far enough that an alarm firing early is seen as early. */
    deadline = vmi_time_ns() + 20 * MS;
    vmi_alarm_set(deadline);
    CONF_CHECK(conf_poll_event(VMI_EVENT_ALARM, n0, LATE_NS + 1000 * MS),
               "after a cancel, a new alarm never fired");
    CONF_CHECK(conf_event_ns(0, VMI_EVENT_ALARM) >= deadline,
               "after a cancel, a new alarm fired early");
}

void test_main(void)
{
    armed_then_cancelled();
    pending_then_cancelled();
    works_again();
    vmi_irq_disable();
    vmi_test_success();
}
