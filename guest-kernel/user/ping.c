/* SPDX-License-Identifier: MIT */
/* ping.c: calls the pong server and checks every answer (user layer). */
#include "ulib.h"

#define CALLS 20

int main(void)
{
    uint64_t msg[UABI_MSG_WORDS], sum = 0;
    uint64_t me = (uint64_t)getpid(), t0 = now_ns();
    int bad = 0;

    for (uint64_t i = 1; i <= CALLS; i++) {
        for (unsigned w = 0; w < UABI_MSG_WORDS; w++)
            msg[w] = i * 10 + w;
        if (call(EP_PONG, msg) < 0)
            bad++;
        for (unsigned w = 0; w < UABI_MSG_WORDS; w++)
            bad += msg[w] != (i * 10 + w) * 2 + me;
        sum += msg[0];
    }
    msg[0] = 0;
    call(EP_PONG, msg);
    uprintf("ping", "%d calls to pong, %s, sum %llu, %llu us per call\n", CALLS,
            bad ? "WRONG replies" : "replies ok", (unsigned long long)sum,
            (unsigned long long)((now_ns() - t0) / 1000 / (CALLS + 1)));
    return bad;
}
