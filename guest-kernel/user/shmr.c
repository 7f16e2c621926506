/* SPDX-License-Identifier: MIT */
/* shmr.c: maps the page shmw shares, sums it, answers in it (user layer). */
#include "ulib.h"

#define WORDS 512

int main(void)
{
    uint64_t msg[UABI_MSG_WORDS];
    volatile uint64_t *page;
    uint64_t sum = 0;
    long va;

    if (recv(EP_SHM, msg) < 0)
        return 1;
    va = usys(SYS_SHM_MAP, msg[0], 0, 0, 0);
    if (va < 0)
        return 2;
    page = (volatile uint64_t *)va;
    for (unsigned i = 0; i < WORDS - 1; i++)
        sum += page[i];
    sum += page[WORDS - 1];
    page[WORDS - 1] = ~sum;
    msg[0] = sum;
    send(EP_SHM_ACK, msg);
    return munmap((void *)va, 4096) == 0 ? 0 : 3;
}
