/* SPDX-License-Identifier: MIT */
/* syscall.h: system-call entry of the microkernel (kernel layer). */
#ifndef MK_SYSCALL_H
#define MK_SYSCALL_H

#include "mk.h"

/* Install the DPL3 gate and the runtime's user-trap handler (once). */
void syscall_init(void);
/* (p) is exiting: take it off every endpoint (under the IPC lock). */
void syscall_ipc_cleanup(struct proc *p);

#endif
