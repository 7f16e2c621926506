/* SPDX-License-Identifier: MIT */
/*
 * conformance.h: the harness of the vmi conformance test kernels (XTF
 * style).  A test is tests/conformance/<name>/main.c, linked with the
 * kernel runtime, this harness and one backend into one image per
 * (test, backend).  It defines
 *
 *     const char test_title[] = "what the test checks";
 *     void test_main(void);
 *
 * test_main runs on CPU 0 with delivery masked, after the runtime brought
 * up the backend, descriptors and page tables.  It reports through
 * vmi_test_success/_skip/_error/_failure, any number of times: the most
 * severe outcome wins (success < skip < error < failure).  A failure is
 * the backend breaking its contract (docs/vmi-api.md); an error is the
 * test or its environment being broken; a skip is a missing feature, with
 * the reason.  When test_main returns the harness prints one line
 *
 *     conformance: <name> SUCCESS|SKIP|ERROR|FAILURE[: reason]
 *
 * and exits through vmi_shutdown with 0, 77, 99 or 1 (vmi/abi.h).
 */
#ifndef CONFORMANCE_H
#define CONFORMANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmi.h"

extern const char test_title[];
void test_main(void);

/* The test's name, from meson (-DCONF_TEST_NAME) for the test's own file. */
extern const char conf_test_name[];
#ifdef CONF_TEST_NAME
const char conf_test_name[] = CONF_TEST_NAME;
#endif

#define CONF_PRINTF(a, b) __attribute__((format(printf, a, b)))
void vmi_test_success(void);
void vmi_test_skip(const char *fmt, ...) CONF_PRINTF(1, 2);
void vmi_test_error(const char *fmt, ...) CONF_PRINTF(1, 2);
void vmi_test_failure(const char *fmt, ...) CONF_PRINTF(1, 2);
/* Whether any failure or error was reported so far. */
bool conf_failed(void);

/* Report a failure naming the source line unless (cond) holds; evaluates
 * to cond, so a test can stop early: if (!CONF_CHECK(x, "...")) return; */
#define CONF_CHECK(cond, ...) conf_check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
bool conf_check(bool ok, const char *file, int line, const char *fmt, ...) CONF_PRINTF(4, 5);

/* Log a line "conformance: <text>" (kprintf; for the runner's log only). */
void conf_log(const char *fmt, ...) CONF_PRINTF(1, 2);

/* ---- Environment --------------------------------------------------- */

/* The value of word (key) of the kernel command line (cmdline_get). */
const char *conf_arg(const char *key, char *val, size_t len);
unsigned conf_arg_uint(const char *key, unsigned dflt);
/* The kernel page tables every CPU runs on. */
uint64_t conf_kernel_cr3(void);

/* ---- Events (vmi_event is the harness's) ------------------------------ */

/* How late an event may be and still count as "at once" or "not long
 * after its deadline": 100 ms.  Measured lateness here is under 2 ms in
 * every environment (docs/conformance.md), so this leaves 50x for host
 * scheduling: the matrix runs two guests of 2 vCPUs each on a 2-core
 * machine, next to other tests, and a runnable vCPU thread can wait
 * several CFS slices of a few ms each.  Errors worth catching are far
 * beyond it: a timer in us for ns is 1000x late, Hyper-V's 100 ns units
 * taken for ns are 100x, an event that waits for an unrelated interrupt
 * never comes.  Tests that wait for a deadline delta add delta. */
#define CONF_MS 1000000ul
#define CONF_LATE_NS (100 * CONF_MS)

/* How many events of kind (ev) CPU (cpu) took, and the time_ns of the
 * last one, read in the handler. */
uint64_t conf_events(unsigned cpu, vmi_event_t ev);
uint64_t conf_event_ns(unsigned cpu, vmi_event_t ev);
/* Enable delivery and busy-wait until this CPU has taken more than (count)
 * events of kind (ev), or (timeout_ns) passed; returns whether it did.
 * Never halts, so a lost event costs the timeout, not a hang. */
bool conf_poll_event(vmi_event_t ev, uint64_t count, uint64_t timeout_ns);
/* Busy-wait (ns) of time_ns, delivery as it is. */
void conf_spin_ns(uint64_t ns);
/* Wait with delivery enabled until (cond)(arg) or (timeout_ns) passed;
 * returns whether cond held.  Sleeps in safe_halt, woken by this CPU's
 * alarm every CONF_POLL_NS, and leaves the alarm cancelled and delivery
 * enabled.  Counts alarm events like any other. */
#define CONF_POLL_NS 1000000ul
bool conf_wait(bool (*cond)(void *), void *arg, uint64_t timeout_ns);

/* ---- Secondary CPUs (lib/smp.c) ------------------------------------------ */

/* Start every secondary CPU (once); returns how many CPUs are online,
 * CPU 0 included.  Each idles, delivery enabled, waiting for work. */
unsigned conf_smp_start(void);
/* Run (fn)(arg) on (cpu), which must be online, asynchronously, with
 * delivery enabled; then conf_smp_wait for it.  One job per CPU at a time. */
void conf_smp_run(unsigned cpu, void (*fn)(void *), void *arg);
/* Wait up to (timeout_ns) for (cpu)'s job; returns whether it finished. */
bool conf_smp_wait(unsigned cpu, uint64_t timeout_ns);

/* ---- Test page tables (lib/mmu.c) ------------------------------------------ */

/* The window the MMU tests map into: PML4 slot 1 (512 GiB up), which the
 * kernel never maps while RAM stays below 512 GiB. */
#define CONF_VA_BASE 0x8000000000ul
#define CONF_PTE_P (1ul << 0)          /* Intel SDM Vol. 3A 4.5 */
#define CONF_PTE_W (1ul << 1)
#define CONF_PTE_PS (1ul << 7)
#define CONF_PAGE 4096ul

/* A fresh page of RAM, identity-mapped, filled with (fill). */
uint64_t conf_page(uint64_t fill);
/* A new, zeroed page table of (level), announced with vmi_pt_alloc. */
uint64_t conf_table(unsigned level);
/* Map (va) to (pa) with 4 KiB page flags (flags) in the address space whose
 * PML4 is at (pml4), creating tables through vmi_pt_alloc/pt_set. */
void conf_map(uint64_t pml4, uint64_t va, uint64_t pa, uint64_t flags);
/* The entry of (level) for (va) in (pml4), creating the tables above it
 * (not inside mmu_lazy_begin/end: it reads entries back from memory). */
vmi_pte_t *conf_slot(uint64_t pml4, uint64_t va, unsigned level);
/* The level-1 entry for (va): conf_slot(pml4, va, 1). */
vmi_pte_t *conf_pte(uint64_t pml4, uint64_t va);
/* The PML4 physical address this CPU runs on. */
uint64_t conf_pml4(void);

/* ---- A replacement exception gate (lib/vector.S) ------------------------ */

#define CONF_VECTOR 6               /* #UD, Intel SDM Vol. 3A Table 6-1 */
void conf_vector_stub(void);        /* the gate's handler: counts, skips UD2 */
void conf_raise_vector(void);       /* UD2 */
extern volatile uint64_t conf_vector_hits;

#endif
