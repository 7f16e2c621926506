/* SPDX-License-Identifier: MIT */
/*
 * hello.c: prints, times a system-call round trip, then hands the
 * kernel bad arguments, each of which must come back as an error rather
 * than hurt the kernel (user layer).
 */
#include "ulib.h"

/* A kernel address (the image is linked at 1 MiB), an unmapped user
 * address, a non-canonical one. */
#define KERNEL_VA 0x100000ul
#define UNMAPPED_VA (UABI_BASE + 0x80000ul)
#define NONCANONICAL_VA 0x8000000000000000ul
#define ROUNDS 50

int main(void)
{
    static char page_end[8];
    long r[7];
    int bad = 0;

    uint64_t best = UINT64_MAX;

    /* Two time calls in a row are one system-call round trip apart; the
     * least of many leaves out preemptions and host noise. */
    for (int i = 0; i < ROUNDS; i++) {
        uint64_t a = now_ns(), b = now_ns();

        if (b - a < best)
            best = b - a;
    }
    uprintf("hello", "hello from user mode; a system call round trip takes %llu ns\n",
            (unsigned long long)best);
    r[0] = write((const void *)KERNEL_VA, 16);
    r[1] = write((const void *)UNMAPPED_VA, 16);
    r[2] = write((const void *)NONCANONICAL_VA, 16);
    r[3] = write(page_end, (size_t)-1);
    r[4] = munmap((void *)(UABI_MMAP_BASE + 1), 4096);
    r[5] = usys(SYS_COUNT + 7, 0, 0, 0, 0);
    r[6] = spawn((const char *)KERNEL_VA);
    for (unsigned i = 0; i < 7; i++)
        bad += r[i] >= 0;
    uprintf("hello", "bad arguments rejected: %d of 7 (%ld %ld %ld %ld %ld %ld %ld)\n",
            7 - bad, r[0], r[1], r[2], r[3], r[4], r[5], r[6]);
    return bad;
}
