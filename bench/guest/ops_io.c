/* SPDX-License-Identifier: MIT */
/*
 * ops_io.c: console benchmarks (bench layer): console_write of 64 bytes
 * and of 1 KiB.  The headline comparison of docs/PERFORMANCE.md: a 16550
 * UART costs port exits per byte (native, kvm, hyperv backends), the Xen
 * PV console one ring copy and one EVTCHNOP_send per write.  The text is
 * lines of '~' that the host runner ignores.
 */
#include "bench.h"

#define LINE 64
#define KIB 1024
/* Console output is the one benchmark whose volume the host has to read:
 * at most 200 KiB a round. */
#define CONSOLE_MAX_ITERS 200

static char text[KIB];

static const char *setup_text(void)
{
    for (unsigned i = 0; i < KIB; i++)
        text[i] = i % LINE == LINE - 1 ? '\n' : '~';
    return NULL;
}

static void run_64(uint64_t n)
{
    while (n--)
        vmi_console_write(text, LINE);
}

static void run_1k(uint64_t n)
{
    while (n--)
        vmi_console_write(text, KIB);
}

const struct bench bench_io[] = {
    { "console_64B", setup_text, run_64, CONSOLE_MAX_ITERS },
    { "console_1KiB", setup_text, run_1k, CONSOLE_MAX_ITERS },
};
const unsigned bench_io_n = sizeof(bench_io) / sizeof(bench_io[0]);
