/* SPDX-License-Identifier: MIT */
/*
 * uabi.h: the system-call ABI between the microkernel (guest-kernel/mk)
 * and its user programs (guest-kernel/user), shared by both sides.
 *
 * Entry: `int $0x80` from CPL3 (docs/kernel.md says why not SYSCALL).
 * rax = number; arguments in rdi, rsi, rdx, r10, r8; result in rax, a
 * negative UERR_* on failure.  The IPC calls also return up to four
 * message words in rsi, rdx, r10, r8.  Every other register is
 * preserved.  Numbers only outside __ASSEMBLER__: crt0.S
 * includes this file.
 */
#ifndef UABI_H
#define UABI_H

/* The vector number the kernel's trap frame gives a system call. */
#define UABI_VECTOR 0x80

/* The user half the kernel lays out for every process: one 2 MiB window
 * in PML4 slot 1 (slot 0 is the kernel's identity map). */
#define UABI_BASE 0x8000000000
#define UABI_SIZE 0x200000
#define UABI_IMAGE_MAX 0x40000        /* program image: 256 KiB */
#define UABI_MMAP_BASE (UABI_BASE + 0x100000)
#define UABI_MMAP_PAGES 128              /* 512 KiB of mmap window */
#define UABI_STACK_PAGES 4
#define UABI_STACK_TOP (UABI_BASE + UABI_SIZE)

/* The header a flat program image starts with (user/user.ld). */
#define UABI_MAGIC 0x31474f5250494d56    /* "VMIPROG1" */
#ifndef __ASSEMBLER__
struct uabi_header {
    unsigned long long magic;
    unsigned long long entry;        /* virtual address of _start */
    unsigned long long text_end;     /* end of read-only part (page-aligned) */
    unsigned long long file_end;     /* end of the bytes in the image */
    unsigned long long bss_end;      /* end of zero-filled memory */
};
#endif

#define SYS_WRITE        0  /* (buf, len) -> len */
#define SYS_EXIT         1  /* (status) -> does not return */
#define SYS_YIELD        2  /* () -> 0 */
#define SYS_SLEEP        3  /* (ns) -> 0 */
#define SYS_TIME         4  /* () -> monotonic ns */
#define SYS_MMAP         5  /* (len) -> address of zeroed pages */
#define SYS_MUNMAP       6  /* (addr, len) -> 0 */
#define SYS_SPAWN        7  /* (name) -> pid */
#define SYS_SEND         8  /* (ep, w0..w3) -> 0 once a receiver took it */
#define SYS_RECV         9  /* (ep) -> sender pid; words in rsi, rdx, r10, r8 */
#define SYS_CALL        10  /* (ep, w0..w3) -> 0; reply words as SYS_RECV */
#define SYS_REPLY       11  /* (w0..w3) -> 0: answer the last SYS_CALL received */
#define SYS_SHM_CREATE  12  /* () -> handle of a new zeroed shared page */
#define SYS_SHM_MAP     13  /* (handle) -> address where it is mapped */
#define SYS_GETPID      14  /* () -> pid */
#define SYS_GETCPU      15  /* () -> the CPU the caller runs on */
#define SYS_MIGRATE     16  /* (cpu) -> 0: continue on that CPU */
#define SYS_COUNT       17

#define UERR_INVAL  (-1)    /* bad number, length or alignment */
#define UERR_FAULT  (-2)    /* a pointer outside the caller's mapped memory */
#define UERR_NOMEM  (-3)
#define UERR_NOENT  (-4)    /* no such program, handle or endpoint */
#define UERR_NOSYS  (-5)
#define UERR_BUSY   (-6)    /* the endpoint already has a receiver */
#define UERR_PIPE   (-7)    /* the peer died */

#define UABI_ENDPOINTS 8
#define UABI_MSG_WORDS 4
#define UABI_WRITE_MAX 200  /* longest console write */
#define UABI_NAME_MAX 16

#endif
