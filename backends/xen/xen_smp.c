/* SPDX-License-Identifier: MIT */
/*
 * xen_smp.c: start-up of a Xen PVH guest's CPUs by VCPUOP_initialise +
 * VCPUOP_up straight into 64-bit mode (public/vcpu.h,
 * public/hvm/hvm_vcpu.h; no trampoline).  The CPU table (the ACPI MADT
 * of start_info.rsdp_paddr; one CPU without ACPI) and the TLB flushes
 * (local ones native, remote ones by IPI through the emulated LAPIC,
 * which PVH allows: docs/vmi-api.md 3.5) are common/x86pc.h's, as on a PC.
 */
#include <insn.h>

#include "xen.h"

#include <xen/hvm/hvm_vcpu.h>
#include <xen/vcpu.h>

#define CR4_PCIDE (1ull << 17)          /* SDM Vol. 3A 2.5 */
#define MSR_EFER 0xc0000080u            /* SDM Vol. 4 table 2-2 */
#define RFLAGS_RESERVED (1ull << 1)     /* bit 1 reads as 1 */
#define AP_TIMEOUT_NS 1000000000ull

/* The new CPU runs the caller's paging mode on (boot)'s tables. */
static void xen_ap_context(struct vcpu_hvm_context *ctx, unsigned cpu,
                           const struct vmi_cpu_boot *boot)
{
    struct vcpu_hvm_x86_64 *r = &ctx->cpu_regs.x86_64;
    *ctx = (struct vcpu_hvm_context){ .mode = VCPU_HVM_MODE_64B };
    r->rip = (uint64_t)(uintptr_t)xen_ap_start;
    r->rsp = boot->stack_top;
    r->rdi = cpu;
    r->rsi = (uint64_t)(uintptr_t)boot->arg;
    r->rdx = (uint64_t)(uintptr_t)boot->entry;
    r->rflags = RFLAGS_RESERVED;        /* IF=0: delivery masked */
    r->cr0 = rcr0();
    r->cr3 = boot->cr3;
    r->cr4 = rcr4() & ~CR4_PCIDE;
    r->efer = rdmsr(MSR_EFER);
}

/* A CPU past the shared_info slots gets its own vcpu_info, before it
 * runs: Xen allows this once per vCPU (public/vcpu.h). */
static long xen_register_info(unsigned cpu)
{
    uint64_t pa = xen_pa(xen_vcpu_info(cpu));
    struct vcpu_register_vcpu_info ri = { .mfn = pa >> 12,
                                          .offset = (uint32_t)(pa & 0xfff) };
    if (cpu < XEN_LEGACY_MAX_VCPUS)
        return 0;
    return xen_hc_vcpu_op(VCPUOP_register_vcpu_info, cpu, &ri);
}

void xen_ap_main(unsigned cpu, void *arg, void (*entry)(unsigned, void *))
{
    __atomic_or_fetch(&xen.up, 1ull << cpu, __ATOMIC_RELEASE);
    entry(cpu, arg);
    vmi_panic("xen: a CPU entry function returned");
}

vmi_status_t xen_cpu_start(unsigned cpu, const struct vmi_cpu_boot *boot)
{
    struct vcpu_hvm_context ctx;
    long r;

    if (cpu == 0 || cpu >= x86pc.cpus.count || !boot ||
        (__atomic_load_n(&xen.up, __ATOMIC_ACQUIRE) >> cpu & 1))
        return VMI_EINVAL;
    xen_ap_context(&ctx, cpu, boot);
    r = xen_register_info(cpu);
    if (r >= 0)
        r = xen_hc_vcpu_op(VCPUOP_initialise, cpu, &ctx);
    if (r >= 0)
        r = xen_hc_vcpu_op(VCPUOP_up, cpu, 0);
    if (r < 0)
        return xen_status(r) == VMI_EAGAIN ? VMI_EAGAIN : VMI_EINVAL;
    uint64_t deadline = xen_time_ns() + AP_TIMEOUT_NS;
    while (!(__atomic_load_n(&xen.up, __ATOMIC_ACQUIRE) >> cpu & 1)) {
        if (xen_time_ns() > deadline)
            return VMI_EAGAIN;
        cpu_relax();
    }
    return VMI_OK;
}
