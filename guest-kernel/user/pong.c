/* SPDX-License-Identifier: MIT */
/* pong.c: an IPC server answering calls on EP_PONG (user layer). */
#include "ulib.h"

#define OP_QUIT 0

int main(void)
{
    uint64_t msg[UABI_MSG_WORDS];
    unsigned served = 0;

    for (;;) {
        long from = recv(EP_PONG, msg);

        if (from < 0)
            return 1;
        if (msg[0] == OP_QUIT)
            break;
        /* The answer: each word times two, plus the caller's pid. */
        for (unsigned i = 0; i < UABI_MSG_WORDS; i++)
            msg[i] = msg[i] * 2 + (uint64_t)from;
        reply(msg);
        served++;
    }
    reply(msg);
    uprintf("pong", "served %u calls\n", served);
    return 0;
}
