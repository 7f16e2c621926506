/* SPDX-License-Identifier: MIT */
/*
 * tlb_remote: tlb_flush_multi reaches every CPU it names before it
 * returns (docs/vmi-api.md 3.5).  Every other CPU keeps reading a test
 * page (so its TLB holds the translation); CPU 0 remaps the page with
 * pt_set, flushes, and then tells the readers, whose next read must see
 * the new page.  Rounds: one page, VMI_FLUSH_ALL, and a flush queued
 * inside mmu_lazy_begin/end.  Delivery stays enabled everywhere, as the
 * contract asks.
 */
#include "conformance.h"
#include "probe.h"

const char test_title[] = "tlb_flush_multi reaches every CPU it names";

#define MARK(n) (0x72656d6f74650000ul + (n))  /* "remote" */
#define VA (CONF_VA_BASE + 0x3000000)
#define MS 1000000ul
#define TIMEOUT_NS (5000 * MS)

enum { ONE_PAGE, ALL, LAZY, ROUNDS };
static const char *const round_name[] = { "one page", "VMI_FLUSH_ALL", "deferred (lazy)" };

static struct {
    unsigned round;                     /* published by CPU 0 */
    unsigned ready[VMI_MAX_CPUS];       /* reader read in this round */
    unsigned acked[VMI_MAX_CPUS];       /* reader saw the flush */
    uint64_t after[VMI_MAX_CPUS][ROUNDS];
} sh;

static uint64_t read_va(void)
{
    uint64_t v = 0;

    return probe_read64(VA, &v) ? UINT64_MAX : v;
}

/* A reader: use the translation until CPU 0 announces the flush of a
 * round, then record what the next read sees. */
static void reader(void *arg)
{
    unsigned cpu = vmi_cpu_id(), seen = 0;
    uint64_t end = vmi_time_ns() + ROUNDS * TIMEOUT_NS;

    (void)arg;
    while (seen < ROUNDS && vmi_time_ns() < end) {
        unsigned r = __atomic_load_n(&sh.round, __ATOMIC_ACQUIRE);

        (void)read_va();
        __atomic_store_n(&sh.ready[cpu], seen + 1, __ATOMIC_RELEASE);
        if (r > seen) {
            sh.after[cpu][seen] = read_va();
            __atomic_store_n(&sh.acked[cpu], ++seen, __ATOMIC_RELEASE);
        }
    }
}

static bool all_at(unsigned *v, unsigned n, unsigned want)
{
    uint64_t end = vmi_time_ns() + TIMEOUT_NS;

    for (unsigned cpu = 1; cpu < n; cpu++)
        while (__atomic_load_n(&v[cpu], __ATOMIC_ACQUIRE) < want)
            if (vmi_time_ns() > end)
                return false;
    return true;
}

static void flush(unsigned r, vmi_cpumask_t all)
{
    if (r == LAZY) {
        vmi_mmu_lazy_begin();
        vmi_tlb_flush_multi(all, VA, 1);
        vmi_mmu_lazy_end();
    } else {
        vmi_tlb_flush_multi(all, VA, r == ALL ? VMI_FLUSH_ALL : 1);
    }
}

static void round_run(unsigned r, unsigned n)
{
    vmi_cpumask_t all = n >= 64 ? ~0ul : (1ul << n) - 1;

    if (!all_at(sh.ready, n, r + 1)) {
        vmi_test_error("round %u: the readers did not start", r);
        return;
    }
    vmi_pt_set(conf_pte(conf_pml4(), VA), conf_page(MARK(r + 2)) | CONF_PTE_P | CONF_PTE_W, 1);
    flush(r, all);
    CONF_CHECK(read_va() == MARK(r + 2), "%s: cpu 0 itself reads 0x%lx", round_name[r],
               read_va());
    __atomic_store_n(&sh.round, r + 1, __ATOMIC_RELEASE);
    if (!all_at(sh.acked, n, r + 1)) {
        vmi_test_error("%s: the readers did not answer", round_name[r]);
        return;
    }
    for (unsigned cpu = 1; cpu < n; cpu++)
        CONF_CHECK(sh.after[cpu][r] == MARK(r + 2), "%s: cpu %u still reads 0x%lx after the "
                   "flush returned, want 0x%lx", round_name[r], cpu, sh.after[cpu][r],
                   MARK(r + 2));
}

void test_main(void)
{
    unsigned n = conf_smp_start();

    if (n < 2) {
        vmi_test_skip("the environment offers 1 CPU: no remote TLB to flush");
        return;
    }
    conf_map(conf_pml4(), VA, conf_page(MARK(1)), CONF_PTE_P | CONF_PTE_W);
    vmi_irq_enable();
    for (unsigned cpu = 1; cpu < n; cpu++)
        conf_smp_run(cpu, reader, NULL);
    for (unsigned r = 0; r < ROUNDS && !conf_failed(); r++)
        round_run(r, n);
    for (unsigned cpu = 1; cpu < n; cpu++)
        conf_smp_wait(cpu, TIMEOUT_NS);
    vmi_irq_disable();
    vmi_test_success();
}
