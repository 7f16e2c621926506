/* SPDX-License-Identifier: MIT */
/*
 * spin_kick: spin_wait returns once the byte changes and spin_kick wakes
 * the waiter (docs/vmi-api.md 3.6): CPU 1 waits in spin_wait on a lock
 * byte with delivery masked, as the spin-lock slow path does; CPU 0
 * releases the byte and kicks it.  The waiter must see the release within
 * 1 s.  spin_wait on a byte that already differs must return at once
 * (a backend that blocks there hangs: the runner's timeout reports it).
 */
#include "conformance.h"

const char test_title[] = "spin_wait/spin_kick wake the waiter";

#define MS 1000000ul
#define WAKE_NS (1000 * MS)

static volatile uint8_t lock_byte = 1;
static struct {
    int waiting;
    uint64_t woke;              /* time_ns when the waiter saw the release */
    unsigned waits;             /* spin_wait calls */
} sh;

static void waiter(void *arg)
{
    uint64_t give_up = vmi_time_ns() + 5 * WAKE_NS;

    (void)arg;
    vmi_irq_disable();
    __atomic_store_n(&sh.waiting, 1, __ATOMIC_SEQ_CST);
    while (__atomic_load_n(&lock_byte, __ATOMIC_SEQ_CST) == 1 && vmi_time_ns() < give_up) {
        vmi_spin_wait(&lock_byte, 1);
        sh.waits++;
    }
    sh.woke = vmi_time_ns();
    vmi_irq_enable();
}

static bool waiting(void *arg)
{
    (void)arg;
    return __atomic_load_n(&sh.waiting, __ATOMIC_SEQ_CST);
}

void test_main(void)
{
    static volatile uint8_t free_byte = 0;
    uint64_t released;
    unsigned n;

    vmi_spin_wait(&free_byte, 1);
    n = conf_smp_start();
    if (n < 2) {
        vmi_test_skip("the environment offers 1 CPU: nobody to kick");
        return;
    }
    conf_smp_run(1, waiter, NULL);
    if (!conf_wait(waiting, NULL, 5000 * MS)) {
        vmi_test_error("cpu 1 did not start waiting");
        return;
    }
    conf_spin_ns(5 * MS);
    released = vmi_time_ns();
    __atomic_store_n(&lock_byte, 0, __ATOMIC_SEQ_CST);
    vmi_spin_kick(1);
    if (!CONF_CHECK(conf_smp_wait(1, 10 * WAKE_NS), "cpu 1 never left spin_wait"))
        return;
    conf_log("spin_kick: woke %lu us after the kick, %u spin_wait calls",
             (sh.woke - released) / 1000, sh.waits);
    CONF_CHECK(sh.woke - released <= WAKE_NS, "the waiter woke %lu ms after the kick",
               (sh.woke - released) / MS);
    vmi_test_success();
}
