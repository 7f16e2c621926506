/* SPDX-License-Identifier: MIT */
/*
 * smp.c: secondary CPUs for the conformance tests.  Each one idles in
 * conf_wait (safe_halt, woken by its own 1 ms alarm), not on IPIs, so that
 * a backend with broken IPIs fails the IPI test and not every SMP test.
 */
#include "conformance.h"
#include "runtime.h"

/* How long a secondary CPU may take to come up: kvm-pvm interprets the
 * start-up path at about 1 us per instruction, and a loaded host adds
 * scheduling delays; the backends' own timeout is 1 s. */
#define ONLINE_TIMEOUT_NS 5000000000ull

struct job {
    void (*fn)(void *);
    void *arg;
    unsigned req, done;         /* a job is pending while they differ */
};

static struct job jobs[VMI_MAX_CPUS];
static unsigned online = 1;
static bool started;

static bool job_pending(void *arg)
{
    struct job *j = arg;

    return __atomic_load_n(&j->req, __ATOMIC_ACQUIRE) != j->done;
}

static bool job_finished(void *arg)
{
    return !job_pending(arg);
}

static void ap_main(unsigned cpu)
{
    struct job *j = &jobs[cpu];

    __atomic_add_fetch(&online, 1, __ATOMIC_SEQ_CST);
    for (;;) {
        conf_wait(job_pending, j, UINT64_MAX);
        j->fn(j->arg);
        vmi_irq_enable();
        __atomic_store_n(&j->done, j->req, __ATOMIC_RELEASE);
    }
}

static bool all_online(void *arg)
{
    return __atomic_load_n(&online, __ATOMIC_SEQ_CST) >= *(unsigned *)arg;
}

unsigned conf_smp_start(void)
{
    unsigned want = 1;

    if (started)
        return online;
    started = true;
    for (unsigned cpu = 1; cpu < vmi_cpu_count(); cpu++) {
        vmi_status_t st = kcpu_start(cpu, conf_kernel_cr3(), ap_main);

        if (st != VMI_OK) {
            vmi_test_failure("cpu_start(%u) returned status %d", cpu, (int)st);
            break;
        }
        want++;
    }
    if (!conf_wait(all_online, &want, ONLINE_TIMEOUT_NS))
        vmi_test_failure("only %u of %u started CPUs came online", online, want);
    return online;
}

void conf_smp_run(unsigned cpu, void (*fn)(void *), void *arg)
{
    struct job *j = &jobs[cpu];

    j->fn = fn;
    j->arg = arg;
    __atomic_add_fetch(&j->req, 1, __ATOMIC_RELEASE);
}

bool conf_smp_wait(unsigned cpu, uint64_t timeout_ns)
{
    return conf_wait(job_finished, &jobs[cpu], timeout_ns);
}
