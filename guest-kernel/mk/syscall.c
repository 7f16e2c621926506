/* SPDX-License-Identifier: MIT */
/*
 * syscall.c: system calls and user faults (kernel layer).  Every trap from
 * CPL3 arrives here (trap_set_user_handler): `int $0x80` is a system call
 * (uabi.h), an exception kills the process with one line, and a backend
 * event only gives the scheduler its chance to preempt.
 *
 * kvm-pvm (a software KVM, docs/hosts.md [host:kvm-pvm]) cannot deliver
 * `int n`: it raises #UD at the instruction instead.  So a #UD whose
 * instruction is `int $0x80` completes it here (rip += 2) and is a system
 * call too; everywhere else the DPL3 gate delivers vector 0x80 directly.
 * SYSCALL was tried first and is worse: under kvm-pvm it jumps to LSTAR
 * still at CPL3 (docs/kernel.md).  Every user pointer is checked against
 * the caller's own page table (uvm.c) before the kernel touches it
 * through the identity map.
 */
#include "desc.h"
#include "ipc.h"
#include "kprintf.h"
#include "sched.h"
#include "shm.h"
#include "spinlock.h"
#include "syscall.h"
#include "trap.h"
#include "vstat.h"

static struct endpoint endpoints[UABI_ENDPOINTS];
static struct spinlock ipc_lock;

static long sys_write(struct proc *p, uint64_t buf, uint64_t len)
{
    char kbuf[UABI_WRITE_MAX + 1];

    if (len > UABI_WRITE_MAX)
        return UERR_INVAL;
    if (!uvm_check_user(p->as.pt, buf, len, 0))
        return UERR_FAULT;
    as_copy_in(&p->as, kbuf, buf, len);
    kbuf[len] = '\0';
    kprintf("%s", kbuf);
    return (long)len;
}

static long sys_spawn(struct proc *p, uint64_t uname)
{
    char name[UABI_NAME_MAX];
    uint64_t len = 0;

    /* The name may end anywhere before UABI_NAME_MAX: check byte by byte. */
    for (; len < sizeof(name); len++) {
        if (!uvm_check_user(p->as.pt, uname + len, 1, 0))
            return UERR_FAULT;
        as_copy_in(&p->as, &name[len], uname + len, 1);
        if (!name[len])
            return proc_spawn(name, sched_pick_cpu());
    }
    return UERR_INVAL;
}

static long sys_mmap(struct proc *p, uint64_t len)
{
    if (len == 0 || len > UABI_MMAP_PAGES * 4096ull)
        return UERR_INVAL;
    return mm_map(&p->as, (unsigned)((len + 4095) / 4096), 0, 0);
}

/* Run an IPC operation (op) under the IPC lock; block if it says so.
 * The partner fills p->ipc_ret and p->msg before waking us. */
static long ipc_do(struct proc *p, long (*op)(struct endpoint *, struct proc *, int),
                   int ep, int arg)
{
    long r;

    if (ep < 0 || ep >= UABI_ENDPOINTS)
        return UERR_NOENT;
    spin_lock(&ipc_lock);
    r = op(&endpoints[ep], p, arg);
    if (r == IPC_BLOCK) {
        p->ep = ep;
        p->state = P_BLOCKED;
    }
    spin_unlock(&ipc_lock);
    if (r != IPC_BLOCK)
        return r;
    sched_block();
    return p->ipc_ret;
}

static long op_send(struct endpoint *e, struct proc *p, int call)
{
    return ipc_send(e, p, call);
}

static long op_recv(struct endpoint *e, struct proc *p, int unused)
{
    (void)unused;
    return ipc_recv(e, p);
}

static long sys_reply(struct proc *p)
{
    long r;

    spin_lock(&ipc_lock);
    r = ipc_reply(p);
    spin_unlock(&ipc_lock);
    return r;
}

void syscall_ipc_cleanup(struct proc *p)
{
    spin_lock(&ipc_lock);
    ipc_cleanup(endpoints, UABI_ENDPOINTS, procs, NPROC, p);
    spin_unlock(&ipc_lock);
}

static void msg_in(struct proc *p, const struct vmi_trap_frame *f)
{
    p->msg[0] = f->rsi, p->msg[1] = f->rdx, p->msg[2] = f->r10, p->msg[3] = f->r8;
}

static void msg_out(const struct proc *p, struct vmi_trap_frame *f)
{
    f->rsi = p->msg[0], f->rdx = p->msg[1], f->r10 = p->msg[2], f->r8 = p->msg[3];
}

static long sys_ipc(struct proc *p, struct vmi_trap_frame *f)
{
    long r;

    switch (f->rax) {
    case SYS_SEND:
    case SYS_CALL:
        msg_in(p, f);
        r = ipc_do(p, op_send, (int)f->rdi, f->rax == SYS_CALL);
        break;
    case SYS_RECV:
        r = ipc_do(p, op_recv, (int)f->rdi, 0);
        break;
    default:
        msg_in(p, f);
        return sys_reply(p);
    }
    if (r >= 0)
        msg_out(p, f);
    return r;
}

static long sys_shm_create(struct proc *p, struct vmi_trap_frame *f)
{
    uint64_t va = 0;
    long h = shm_create(&p->as, &va);

    f->rsi = va;
    return h;
}

static long sys_migrate(uint64_t cpu)
{
    if (cpu >= vmi_cpu_count())
        return UERR_INVAL;
    if (cpu != this_cpu()->id)
        sched_migrate((unsigned)cpu);
    return 0;
}

static long syscall(struct proc *p, struct vmi_trap_frame *f)
{
    switch (f->rax) {
    case SYS_WRITE: return sys_write(p, f->rdi, f->rsi);
    case SYS_EXIT: proc_exit(p, (int)f->rdi, 0);
    case SYS_YIELD: sched_yield(); return 0;
    case SYS_SLEEP: sched_sleep(f->rdi); return 0;
    case SYS_TIME: return (long)vmi_time_ns();
    case SYS_MMAP: return sys_mmap(p, f->rdi);
    case SYS_MUNMAP: return mm_unmap(&p->as, f->rdi, f->rsi);
    case SYS_SPAWN: return sys_spawn(p, f->rdi);
    case SYS_SEND: case SYS_RECV: case SYS_CALL: case SYS_REPLY:
        return sys_ipc(p, f);
    case SYS_SHM_CREATE: return sys_shm_create(p, f);
    case SYS_SHM_MAP: return shm_map(&p->as, (long)f->rdi);
    case SYS_GETPID: return p->pid;
    case SYS_GETCPU: return this_cpu()->id;
    case SYS_MIGRATE: return sys_migrate(f->rdi);
    default: return UERR_NOSYS;
    }
}

static VMI_NORETURN void kill(struct proc *p, const struct vmi_trap_frame *f)
{
    unsigned v = (unsigned)f->vector;

    if (v == TRAP_PF)
        kprintf("kernel: killed pid %d (%s): #PF at 0x%lx, rip 0x%lx, error 0x%lx\n",
                p->pid, p->name, vmi_read_cr2(), f->rip, f->error);
    else
        kprintf("kernel: killed pid %d (%s): %s (vector %u), rip 0x%lx, error 0x%lx\n",
                p->pid, p->name, trap_name(v), v,
                f->rip, f->error);
    proc_exit(p, -1, 1);
}

/* Intel SDM Vol. 2A INT n: opcode CD ib. */
static int is_int80(const struct proc *p, const struct vmi_trap_frame *f)
{
    const uint8_t *b0, *b1;

    if (f->vector != TRAP_UD || !uvm_check_user(p->as.pt, f->rip, 2, 0))
        return 0;
    /* Byte by byte: the two may lie on different pages.  This is the
     * system-call path under kvm-pvm, where every instruction counts. */
    b0 = as_kptr(&p->as, f->rip);
    b1 = as_kptr(&p->as, f->rip + 1);
    return *b0 == 0xcd && *b1 == UABI_VECTOR;
}

static void user_trap(struct vmi_trap_frame *f)
{
    struct proc *p = cur_proc();
    struct cpu_sched *c = &sched_cpu[this_cpu()->id];

    if (is_int80(p, f)) {
        f->rip += 2;
        f->vector = UABI_VECTOR;
        c->syscalls_ud++;
    }
    if (f->vector == UABI_VECTOR) {
        p->syscalls++;
        c->syscalls++;
        f->rax = (uint64_t)syscall(p, f);
    } else if (f->vector < TRAP_EXCEPTIONS) {
        kill(p, f);
    }
    sched_return_to_user();
}

void syscall_init(void)
{
    desc_set_user_gate(UABI_VECTOR);
    trap_set_user_handler(user_trap);
}
