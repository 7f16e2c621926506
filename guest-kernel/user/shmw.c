/* SPDX-License-Identifier: MIT */
/*
 * shmw.c: creates a shared page, fills it, starts shmr and passes it the
 * handle over IPC, then checks what shmr wrote back (user layer).
 */
#include "ulib.h"

#define WORDS 512
#define SEED 0x5eed0000ull

int main(void)
{
    uint64_t msg[UABI_MSG_WORDS] = { 0 };
    long handle;
    volatile uint64_t *page = (volatile uint64_t *)usys_shm_create(&handle);
    uint64_t want = 0;

    if (handle < 0)
        return 1;
    for (unsigned i = 0; i < WORDS; i++)
        page[i] = SEED + i;
    if (spawn("shmr") < 0)
        return 2;
    msg[0] = (uint64_t)handle;
    send(EP_SHM, msg);
    recv(EP_SHM_ACK, msg);
    for (unsigned i = 0; i < WORDS; i++)
        want += SEED + i;
    uprintf("shmw", "shared page %ld: reader summed 0x%llx, want 0x%llx, %s; last word 0x%llx\n",
            handle, (unsigned long long)msg[0], (unsigned long long)want,
            msg[0] == want ? "ok" : "WRONG", (unsigned long long)page[WORDS - 1]);
    return msg[0] == want && page[WORDS - 1] == ~want ? 0 : 3;
}
