/* SPDX-License-Identifier: MIT */
/* ulib.c: system-call wrappers and uprintf (user layer). */
#include <stdarg.h>

#include "klib.h"
#include "ulib.h"

void exit(int status)
{
    usys(SYS_EXIT, (uint64_t)status, 0, 0, 0);
    for (;;)
        ;
}

long write(const void *buf, size_t len)
{
    return usys(SYS_WRITE, (uintptr_t)buf, len, 0, 0);
}

void yield(void)
{
    usys(SYS_YIELD, 0, 0, 0, 0);
}

void sleep_ms(uint64_t ms)
{
    usys(SYS_SLEEP, ms * 1000000, 0, 0, 0);
}

uint64_t now_ns(void)
{
    return (uint64_t)usys(SYS_TIME, 0, 0, 0, 0);
}

void *mmap(size_t len)
{
    long r = usys(SYS_MMAP, len, 0, 0, 0);

    return r < 0 ? NULL : (void *)r;
}

long munmap(void *addr, size_t len)
{
    return usys(SYS_MUNMAP, (uintptr_t)addr, len, 0, 0);
}

long spawn(const char *name)
{
    return usys(SYS_SPAWN, (uintptr_t)name, 0, 0, 0);
}

long send(int ep, uint64_t msg[UABI_MSG_WORDS])
{
    return usys_msg(SYS_SEND, (uint64_t)ep, msg);
}

long recv(int ep, uint64_t msg[UABI_MSG_WORDS])
{
    return usys_msg(SYS_RECV, (uint64_t)ep, msg);
}

long call(int ep, uint64_t msg[UABI_MSG_WORDS])
{
    return usys_msg(SYS_CALL, (uint64_t)ep, msg);
}

long reply(uint64_t msg[UABI_MSG_WORDS])
{
    return usys_msg(SYS_REPLY, 0, msg);
}

long getpid(void)
{
    return usys(SYS_GETPID, 0, 0, 0, 0);
}

long getcpu(void)
{
    return usys(SYS_GETCPU, 0, 0, 0, 0);
}

long migrate(unsigned cpu)
{
    return usys(SYS_MIGRATE, cpu, 0, 0, 0);
}

void uprintf(const char *name, const char *fmt, ...)
{
    char buf[UABI_WRITE_MAX];
    int n = snprintf(buf, sizeof(buf), "[%s %ld@%ld] ", name, getpid(), getcpu());
    va_list ap;

    va_start(ap, fmt);
    n += vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof(buf) - 1)
        n = (int)sizeof(buf) - 1;
    write(buf, (size_t)n);
}
