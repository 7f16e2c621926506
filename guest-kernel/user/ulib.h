/* SPDX-License-Identifier: MIT */
/* ulib.h: the user programs' library: system calls and printing (user layer). */
#ifndef ULIB_H
#define ULIB_H

#include <stddef.h>
#include <stdint.h>

#include "uabi.h"

long usys(long n, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3);
long usys_msg(long n, uint64_t a0, uint64_t msg[UABI_MSG_WORDS]);
uint64_t usys_shm_create(long *handle);

__attribute__((noreturn)) void exit(int status);
long write(const void *buf, size_t len);
void yield(void);
void sleep_ms(uint64_t ms);
uint64_t now_ns(void);
void *mmap(size_t len);
long munmap(void *addr, size_t len);
long spawn(const char *name);
long send(int ep, uint64_t msg[UABI_MSG_WORDS]);
long recv(int ep, uint64_t msg[UABI_MSG_WORDS]);
long call(int ep, uint64_t msg[UABI_MSG_WORDS]);
long reply(uint64_t msg[UABI_MSG_WORDS]);
long getpid(void);
long getcpu(void);
long migrate(unsigned cpu);

/* printf to the console, one write per call, prefixed "[name pid@cpu] ". */
void uprintf(const char *name, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Well-known endpoints of the demo programs. */
#define EP_PONG 1
#define EP_SHM 2
#define EP_SHM_ACK 3

#endif
