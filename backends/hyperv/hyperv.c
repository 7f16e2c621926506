/* SPDX-License-Identifier: MIT */
/*
 * hyperv.c: the hyperv backend's ops table, init, per-CPU setup, console
 * and power.  A Hyper-V enlightened guest (TLFS): hypercall page,
 * reference TSC page, synthetic timer 0 in direct mode, flush and
 * cluster-IPI hypercalls, long-spin-wait notification, crash and reset
 * MSRs: the ops whose PC mechanism (backends/common/x86pc.h) one of them
 * replaces are hv_*, and test hv.use each time.  The rest is that PC,
 * shared with the native and kvm backends (Hyper-V guests are HVM: CPU
 * state, LAPIC, ACPI, COM ports and INIT-SIPI-SIPI are architectural).
 */
#include <insn.h>

#include "common.h"
#include "hyperv.h"
#include "power.h"
#include "console.h"
#include "vmi/abi.h"
#include "x86.h"

struct hyperv hv;

static vmi_status_t hv_init(const struct vmi_boot *boot)
{
    hv_detect();    /* refuses, with one line, if Hyper-V is not there */
    hv_choose();
    x86pc_init(boot);
    hv_enable();
    hv_time_init();
    hv_identify();
    return VMI_OK;
}

/* The VP index and the timer are per CPU: in place before x86pc_cpu_init
 * makes the CPU online (a flush or IPI may target it from then on).
 * Neither needs the LAPIC on: stimer0 raises nothing until alarm_set. */
static vmi_status_t hv_cpu_init(unsigned cpu)
{
    if (cpu >= x86pc.cpus.count)
        return VMI_EINVAL;
    /* VP index = what the hypervisor calls this CPU in masks. */
    hv.vp_index[cpu] = (uint32_t)rdmsr(HV_X64_MSR_VP_INDEX);
    hv_time_cpu_init(cpu);
    return x86pc_cpu_init(cpu);
}

/* The crash report [T: partition-properties "Partition Crash
 * Enlightenment"]: parameters first, then CRASH_CTL. */
static void hv_crash_report(uint64_t p0, uint64_t p3, uint64_t p4, bool msg)
{
    wrmsr(HV_X64_MSR_CRASH_P0, p0);
    wrmsr(HV_X64_MSR_CRASH_P0 + 1, 0);
    wrmsr(HV_X64_MSR_CRASH_P0 + 2, 0);
    wrmsr(HV_X64_MSR_CRASH_P0 + 3, p3);
    wrmsr(HV_X64_MSR_CRASH_P0 + 4, p4);
    wrmsr(HV_X64_MSR_CRASH_CTL, HV_CRASH_CTL_NOTIFY |
          (msg ? HV_CRASH_CTL_NOTIFY_MSG : 0));
}

/* contract-decisions.md D2: a non-zero code is a crash report with
 * P0 = code (a project convention); 0, and anything that returns, the
 * native debug-exit port and ACPI S5 (Hyper-V has no PV power-off). */
static VMI_NORETURN void hv_shutdown(unsigned code)
{
    if (code && hv.use.crash)
        hv_crash_report(code & 0xff, 0, 0, false);
    power_off(code);
}

static VMI_NORETURN void hv_reboot(void)
{
    if (hv.use.reset)
        wrmsr(HV_X64_MSR_RESET, HV_RESET_REQUEST);
    power_reset();
}

/* power_report_fn: the crash MSRs, with the message where CRASH_CTL
 * says the hypervisor reads it. */
static void hv_crash_msrs(const char *msg)
{
    if (hv.use.crash)
        hv_crash_report(VMI_EXIT_CRASH, hv_pa(msg), vmi_strlen(msg),
                        hv.use.crash_msg);
}

static VMI_NORETURN void hv_crash(const char *msg)
{
    power_crash_with(msg, hv_crash_msrs);
}

static const struct vmi_info *hv_info(void)
{
    return &hv.info;
}

const struct vmi_ops vmi_ops = {
    VMI_X86_ARCH_OPS,
    /* hyperv's own */
    .init = hv_init,
    .cpu_init = hv_cpu_init,
    .info = hv_info,
    .event_dispatch = hv_event_dispatch,
    .time_ns = hv_time_ns,
    .wallclock_ns = hv_wallclock_ns,
    .cycles_hz = x86pc_cycles_hz,
    .stolen_ns = hv_stolen_ns,
    .alarm_set = hv_alarm_set,
    .alarm_cancel = hv_alarm_cancel,
    .tlb_flush_multi = hv_tlb_flush_multi,
    .mmu_lazy_end = hv_mmu_lazy_end,
    .ipi_send = hv_ipi_send,
    .spin_wait = hv_spin_wait,
    .spin_kick = hv_spin_kick,
    .shutdown = hv_shutdown,
    .reboot = hv_reboot,
    .crash = hv_crash,
    /* the PC's (common/x86pc.h) */
    .cpu_count = x86pc_cpu_count,
    .cpu_id = x86pc_cpu_id,
    .cpu_start = x86pc_cpu_start,
    .irq_eoi = x86pc_irq_eoi,
    .tlb_flush_page = x86pc_tlb_flush_page,
    .mmu_lazy_begin = x86pc_mmu_lazy_begin,
    /* instructions (common/x86.h), UART */
    .halt = x86_halt,
    .console_write = console_write,
    .console_read = console_read,
};
