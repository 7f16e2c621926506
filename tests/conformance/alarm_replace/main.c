/* SPDX-License-Identifier: MIT */
/*
 * alarm_replace: alarm_set replaces an armed alarm (docs/vmi-api.md
 * 3.4).  Moving a deadline later must not let the earlier one fire;
 * moving it earlier must fire at the new one, and the old one must not
 * fire afterwards.  Bounds as in alarm_deadline (CONF_LATE_NS + delta).
 */
#include "conformance.h"

const char test_title[] = "alarm_set replaces the armed alarm, later or earlier";

#define MS CONF_MS
#define LATE_NS CONF_LATE_NS

/* Arm (first) then (second) ms from now; check one event, at (second). */
static void replace(uint64_t first, uint64_t second, uint64_t watch)
{
    uint64_t now, deadline, fired, n0 = conf_events(0, VMI_EVENT_ALARM);

    vmi_irq_disable();
    now = vmi_time_ns();
    vmi_alarm_set(now + first * MS);
    deadline = now + second * MS;
    vmi_alarm_set(deadline);
    if (!conf_poll_event(VMI_EVENT_ALARM, n0, second * MS + LATE_NS + 1000 * MS)) {
        CONF_CHECK(false, "+%lu ms replaced by +%lu ms: no alarm at all", first, second);
        return;
    }
    fired = conf_event_ns(0, VMI_EVENT_ALARM);
    CONF_CHECK(fired >= deadline, "+%lu ms replaced by +%lu ms: fired %lu us early", first,
               second, (deadline - fired) / 1000);
    CONF_CHECK(fired <= deadline + LATE_NS + second * MS,
               "+%lu ms replaced by +%lu ms: fired %lu ms late", first, second,
               (fired - deadline) / MS);
    /* The replaced deadline passes (if later) without a second event. */
    conf_spin_ns(watch * MS);
    CONF_CHECK(conf_events(0, VMI_EVENT_ALARM) == n0 + 1,
               "+%lu ms replaced by +%lu ms: %lu events, not one", first, second,
               conf_events(0, VMI_EVENT_ALARM) - n0);
    vmi_irq_disable();
}

void test_main(void)
{
    replace(5, 30, 10);
    replace(60, 5, 80);
    vmi_test_success();
}
