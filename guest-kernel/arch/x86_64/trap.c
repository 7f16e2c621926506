/* SPDX-License-Identifier: MIT */
/*
 * trap.c: the C side of exceptions and interrupts (arch layer): the
 * kernel's vmi_trap(), which replaces the boot library's default
 * (vmi/boot.h).  Backend vectors go to vmi_event_dispatch; an exception
 * either resumes at a fixup (the backend's _safe MSR ops, the kernel's
 * probes) or is reported and panics.
 */
#include "kprintf.h"
#include "percpu.h"
#include "trap.h"
#include "vmi.h"
#include "vmi/fixup.h"

/* Intel SDM Vol. 3A Table 6-1; 29 (#VC) and 30 (#SX) are AMD APM Vol. 2
 * 8.2. */
static const char *const exception_names[TRAP_EXCEPTIONS] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
    "#DF", "#CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "#15",
    "#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "#22", "#23",
    "#24", "#25", "#26", "#27", "#HV", "#VC", "#SX", "#31",
};

const char *trap_name(unsigned vector)
{
    return vector < TRAP_EXCEPTIONS ? exception_names[vector] : "?";
}

/* The kernel's own fixup table (section kernel_fixup, boot/vmi.ld): the
 * probes of probe.S, in the format of the backend's (vmi/fixup.h). */
extern const struct vmi_fixup __kernel_fixup_start[], __kernel_fixup_end[];

static uint64_t kernel_fixup_lookup(uint64_t rip)
{
    for (const struct vmi_fixup *e = __kernel_fixup_start; e < __kernel_fixup_end; e++)
        if (e->insn == rip)
            return e->fixup;
    return 0;
}

/* A kernel probe faulted: record what happened for its caller. */
static void trap_record(const struct vmi_trap_frame *f)
{
    struct percpu *pc = this_cpu();

    pc->fault = (struct kfault){
        .vector = f->vector, .error = f->error, .rip = f->rip,
        .cr2 = f->vector == TRAP_PF ? vmi_read_cr2() : 0,
    };
}

/* A faulting instruction the backend expects to fault (rdmsr/wrmsr in
 * the _safe ops) resumes at the fixup address it registered; so does a
 * kernel probe.  Asked for every exception, not only #GP and #UD: an
 * address in a table is one expected to fault, whatever the vector. */
static int trap_fixup(struct vmi_trap_frame *f)
{
    uint64_t fixup = vmi_fixup_lookup(f->rip);

    if (!fixup) {
        fixup = kernel_fixup_lookup(f->rip);
        if (fixup)
            trap_record(f);
    }
    if (!fixup)
        return 0;
    f->rip = fixup;
    return 1;
}

static void trap_report(const struct vmi_trap_frame *f)
{
    unsigned v = (unsigned)f->vector;

    kprintf_unlocked("trap: %s (vector %u) on cpu %u, error 0x%lx, rip 0x%lx, rsp 0x%lx\n",
                     trap_name(v), v,
                     vmi_cpu_id(), f->error, f->rip, f->rsp);
    if (v == TRAP_PF)
        kprintf_unlocked("trap: cr2 0x%lx\n", vmi_read_cr2());
}

static uint8_t claimed[256];
static uint8_t stray_seen[256];
static struct trap_ignored ignored;

void trap_claim(unsigned vector)
{
    claimed[vector & 0xff] = 1;
}

void trap_ignored(struct trap_ignored *out)
{
    out->nmi = __atomic_load_n(&ignored.nmi, __ATOMIC_RELAXED);
    out->stray = __atomic_load_n(&ignored.stray, __ATOMIC_RELAXED);
    out->spurious = __atomic_load_n(&ignored.spurious, __ATOMIC_RELAXED);
}

/* An NMI (a watchdog, a front-panel button, QEMU's `nmi`): reported and
 * returned from.  Unlocked print: it may interrupt a kprintf.  No per-CPU
 * data (GS): it may come between a stub's swapgs and its iretq, where GS
 * base is still, or already, the user's. */
static void trap_nmi(const struct vmi_trap_frame *f)
{
    uint64_t n = __atomic_add_fetch(&ignored.nmi, 1, __ATOMIC_RELAXED);

    if (n <= TRAP_NMI_REPORTS)
        kprintf_unlocked("trap: NMI on cpu %u, rip 0x%lx: ignored (%llu so far)\n",
                         vmi_cpu_id(), f->rip, (unsigned long long)n);
}

/* Whether (v) is a vector nobody handles: counted and ignored. */
static int trap_stray(unsigned v)
{
    if (v < TRAP_EXCEPTIONS || (v >= VMI_VECTOR_FIRST && v <= VMI_VECTOR_LAST) ||
        claimed[v])
        return 0;
    if (v == VMI_VECTOR_SPURIOUS) {
        __atomic_add_fetch(&ignored.spurious, 1, __ATOMIC_RELAXED);
        return 1;
    }
    __atomic_add_fetch(&ignored.stray, 1, __ATOMIC_RELAXED);
    if (!__atomic_exchange_n(&stray_seen[v], 1, __ATOMIC_RELAXED))
        kprintf_unlocked("trap: stray vector 0x%x on cpu %u: ignored\n", v,
                         vmi_cpu_id());
    return 1;
}

static trap_user_fn *user_handler;

void trap_set_user_handler(trap_user_fn *fn)
{
    user_handler = fn;
}

static trap_debug_fn *debug_handler;

void trap_set_debug_handler(trap_debug_fn *fn)
{
    debug_handler = fn;
}

void vmi_trap(struct vmi_trap_frame *f)
{
    int user = trap_from_user(f) && user_handler;

    if (f->vector >= VMI_VECTOR_FIRST && f->vector <= VMI_VECTOR_LAST) {
        vmi_event_dispatch((unsigned)f->vector);
        if (user)
            user_handler(f);
        return;
    }
    if (f->vector == TRAP_NMI) {
        trap_nmi(f);
        return;
    }
    if (trap_stray((unsigned)f->vector))
        return;
    if (user) {
        user_handler(f);
        return;
    }
    if (f->vector == TRAP_DB && debug_handler) {
        debug_handler(f);
        return;
    }
    if (trap_fixup(f))
        return;
    trap_report(f);
    vmi_panic("unhandled exception");
}
