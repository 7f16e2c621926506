/* SPDX-License-Identifier: MIT */
/*
 * ipi: ipi_send raises VMI_EVENT_IPI on every CPU it names and on no
 * other (docs/vmi-api.md 3.6): to each other CPU alone, to CPU 0 itself,
 * and to all at once.  A target idles in safe_halt; "reaches" means within
 * 1 s, which only host scheduling on a loaded machine approaches.
 */
#include "conformance.h"
#include "klib.h"

const char test_title[] = "IPIs reach their targets, and only them";

#define TIMEOUT_NS 1000000000ul

struct want {
    unsigned n;
    uint64_t base[VMI_MAX_CPUS];
    vmi_cpumask_t cpus;
};

static void snapshot(struct want *w, vmi_cpumask_t cpus)
{
    w->cpus = cpus;
    for (unsigned cpu = 0; cpu < w->n; cpu++)
        w->base[cpu] = conf_events(cpu, VMI_EVENT_IPI);
}

static bool arrived(void *arg)
{
    struct want *w = arg;

    for (unsigned cpu = 0; cpu < w->n; cpu++)
        if ((w->cpus >> cpu & 1) && conf_events(cpu, VMI_EVENT_IPI) == w->base[cpu])
            return false;
    return true;
}

static void send(struct want *w, vmi_cpumask_t cpus, const char *what)
{
    snapshot(w, cpus);
    vmi_irq_enable();
    vmi_ipi_send(cpus);
    if (!conf_wait(arrived, w, TIMEOUT_NS)) {
        for (unsigned cpu = 0; cpu < w->n; cpu++)
            CONF_CHECK(!(cpus >> cpu & 1) || conf_events(cpu, VMI_EVENT_IPI) > w->base[cpu],
                       "%s: cpu %u got no IPI event within 1 s", what, cpu);
        return;
    }
    for (unsigned cpu = 0; cpu < w->n; cpu++)
        CONF_CHECK((cpus >> cpu & 1) || conf_events(cpu, VMI_EVENT_IPI) == w->base[cpu],
                   "%s: cpu %u, not a target, got an IPI event", what, cpu);
}

void test_main(void)
{
    static struct want w;
    char what[32];

    w.n = conf_smp_start();
    send(&w, 1, "to cpu 0 itself");
    if (w.n < 2) {
        vmi_test_skip("the environment offers 1 CPU: only the self-IPI was checked");
        return;
    }
    for (unsigned cpu = 1; cpu < w.n; cpu++) {
        snprintf(what, sizeof(what), "to cpu %u", cpu);
        send(&w, 1ul << cpu, what);
    }
    send(&w, w.n >= 64 ? ~0ul : (1ul << w.n) - 1, "to every CPU");
    vmi_irq_disable();
    vmi_test_success();
}
