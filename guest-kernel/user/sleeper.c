/* SPDX-License-Identifier: MIT */
/* sleeper.c: sleeps and checks that it slept long enough (user layer). */
#include "ulib.h"

int main(void)
{
    uint64_t t0 = now_ns(), ms;

    for (int i = 0; i < 3; i++)
        sleep_ms(20);
    ms = (now_ns() - t0) / 1000000;
    uprintf("sleeper", "slept 3 x 20 ms: %llu ms passed\n", (unsigned long long)ms);
    return ms >= 60 ? 0 : 1;
}
