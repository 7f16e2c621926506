/* SPDX-License-Identifier: MIT */
/*
 * smp_start: cpu_start brings every secondary CPU up (docs/vmi-api.md
 * 3.6): it returns VMI_OK, the CPU enters its entry with cpu_init
 * returning VMI_OK, cpu_id() there is its index, and its clock does not
 * read behind CPU 0's before the start; cpu_start refuses CPU 0, an index
 * out of range and a CPU already started with VMI_EINVAL.
 */
#include "conformance.h"
#include "runtime.h"

const char test_title[] = "secondary CPUs start, report, and bad starts are refused";

#define REPORT_TIMEOUT_NS 10000000000ul   /* 10 s: kvm-pvm is slow */

static struct {
    unsigned id;                /* cpu_id() on that CPU, +1 (0: no report) */
    uint64_t t;                 /* its time_ns at the report */
} rep[VMI_MAX_CPUS];

static void ap_main(unsigned cpu)
{
    rep[cpu].t = vmi_time_ns();
    __atomic_store_n(&rep[cpu].id, vmi_cpu_id() + 1, __ATOMIC_RELEASE);
    vmi_irq_enable();
    for (;;)
        vmi_safe_halt();
}

static bool all_reported(void *arg)
{
    unsigned n = *(unsigned *)arg;

    for (unsigned cpu = 1; cpu < n; cpu++)
        if (!__atomic_load_n(&rep[cpu].id, __ATOMIC_ACQUIRE))
            return false;
    return true;
}

static void bad_starts(unsigned n)
{
    /* Never used: each call must be refused before it is read. */
    static const struct vmi_cpu_boot unused = { 0 };

    CONF_CHECK(vmi_cpu_start(0, &unused) == VMI_EINVAL, "cpu_start(0) not refused");
    CONF_CHECK(vmi_cpu_start(n, &unused) == VMI_EINVAL, "cpu_start(%u) of %u not refused", n, n);
    CONF_CHECK(vmi_cpu_start(1, &unused) == VMI_EINVAL, "cpu_start(1) twice not refused");
}

void test_main(void)
{
    unsigned n = vmi_cpu_count();
    uint64_t t0 = vmi_time_ns();

    if (n < 2) {
        vmi_test_skip("the environment offers 1 CPU");
        return;
    }
    for (unsigned cpu = 1; cpu < n; cpu++) {
        vmi_status_t st = kcpu_start(cpu, conf_kernel_cr3(), ap_main);

        CONF_CHECK(st == VMI_OK, "cpu_start(%u) returned %d", cpu, (int)st);
    }
    if (!CONF_CHECK(conf_wait(all_reported, &n, REPORT_TIMEOUT_NS),
                    "not every started CPU reported within 10 s"))
        return;
    for (unsigned cpu = 1; cpu < n; cpu++) {
        CONF_CHECK(rep[cpu].id == cpu + 1, "cpu %u: cpu_id() there is %u", cpu, rep[cpu].id - 1);
        CONF_CHECK(kcpu_init_status(cpu) == VMI_OK, "cpu %u: cpu_init returned %d", cpu,
                   (int)kcpu_init_status(cpu));
        CONF_CHECK(rep[cpu].t >= t0, "cpu %u: time_ns %lu is behind cpu 0's %lu before the start",
                   cpu, rep[cpu].t, t0);
    }
    conf_log("smp_start: %u CPUs reported, %lu ms", n, (vmi_time_ns() - t0) / 1000000);
    bad_starts(n);
    CONF_CHECK(vmi_cpu_count() == n, "cpu_count changed from %u to %u", n, vmi_cpu_count());
    vmi_test_success();
}
