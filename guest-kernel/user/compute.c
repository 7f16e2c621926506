/* SPDX-License-Identifier: MIT */
/*
 * compute.c: a CPU-bound program that never yields, so only the alarm can
 * take the CPU away from it (user layer).  Counts primes by trial division
 * for about 100 ms of wall time.
 */
#include "ulib.h"

#define RUN_NS 100000000ull

static int is_prime(unsigned n)
{
    if (n < 2)
        return 0;
    for (unsigned d = 2; d * d <= n; d++)
        if (n % d == 0)
            return 0;
    return 1;
}

int main(void)
{
    uint64_t t0 = now_ns(), t;
    unsigned n = 2, primes = 0;
    long cpu0 = getcpu();

    do {
        for (unsigned stop = n + 20000; n < stop; n++)
            primes += (unsigned)is_prime(n);
        t = now_ns();
    } while (t - t0 < RUN_NS);
    uprintf("compute", "%u primes below %u in %llu ms (started on cpu %ld)\n",
            primes, n, (unsigned long long)((t - t0) / 1000000), cpu0);
    return primes > 0 ? 0 : 1;
}
