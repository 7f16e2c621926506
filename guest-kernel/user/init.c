/* SPDX-License-Identifier: MIT */
/* init.c: the first process; spawns every demo program (user layer). */
#include "ulib.h"

static const char *const programs[] = {
    "hello", "compute", "sleeper", "pong", "ping", "shmw", "tlb", "fault",
};

int main(void)
{
    unsigned n = 0;

    for (unsigned i = 0; i < sizeof(programs) / sizeof(programs[0]); i++) {
        long pid = spawn(programs[i]);

        if (pid < 0)
            uprintf("init", "spawn %s failed: %ld\n", programs[i], pid);
        else
            n++;
    }
    uprintf("init", "spawned %u programs, spawn of a missing one: %ld\n", n,
            spawn("nosuch"));
    return n == sizeof(programs) / sizeof(programs[0]) ? 0 : 1;
}
