/* SPDX-License-Identifier: MIT */
/* fault.c: writes to kernel memory and must be killed for it (user layer). */
#include "ulib.h"

int main(void)
{
    uprintf("fault", "writing to kernel address 0x100000\n");
    *(volatile uint64_t *)0x100000ul = 0;
    uprintf("fault", "still alive: the kernel did not stop me\n");
    return 0;
}
