/* SPDX-License-Identifier: MIT */
/*
 * irq_mask: masked delivery holds an event back and unmasking delivers it
 * at once (docs/vmi-api.md 3.3); irq_save masks and returns the previous
 * state, and irq_restore re-enables only a state that had delivery on, so
 * saves nest.  The event is the alarm, due while masked.
 */
#include "conformance.h"

const char test_title[] = "masked delivery holds the alarm back; unmasking delivers it";

#define MS CONF_MS
#define AT_ONCE_NS CONF_LATE_NS     /* "at once": host scheduling slack */

static void disable_enable(void)
{
    uint64_t n0 = conf_events(0, VMI_EVENT_ALARM), deadline, enabled;

    vmi_irq_disable();
    deadline = vmi_time_ns() + 2 * MS;
    vmi_alarm_set(deadline);
    conf_spin_ns(12 * MS);
    CONF_CHECK(conf_events(0, VMI_EVENT_ALARM) == n0,
               "an alarm was delivered while delivery was disabled");
    enabled = vmi_time_ns();
    if (!CONF_CHECK(conf_poll_event(VMI_EVENT_ALARM, n0, AT_ONCE_NS),
                    "the pending alarm came late: not within 100 ms of irq_enable"))
        return;
    CONF_CHECK(conf_event_ns(0, VMI_EVENT_ALARM) >= enabled,
               "the alarm's handler ran before irq_enable");
}

static void save_restore(void)
{
    uint64_t n0 = conf_events(0, VMI_EVENT_ALARM);
    vmi_irqflags_t outer, inner;

    vmi_irq_enable();
    outer = vmi_irq_save();
    inner = vmi_irq_save();
    vmi_alarm_set(vmi_time_ns() / 2);
    conf_spin_ns(5 * MS);
    vmi_irq_restore(inner);
    conf_spin_ns(5 * MS);
    CONF_CHECK(conf_events(0, VMI_EVENT_ALARM) == n0,
               "restoring a masked state delivered the alarm");
    vmi_irq_restore(outer);
    /* Restored to enabled: the event must come without irq_enable. */
    conf_spin_ns(AT_ONCE_NS);
    CONF_CHECK(conf_events(0, VMI_EVENT_ALARM) == n0 + 1,
               "restoring the enabled state did not deliver the alarm");
}

void test_main(void)
{
    disable_enable();
    save_restore();
    vmi_irq_disable();
    vmi_test_success();
}
