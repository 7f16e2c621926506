/* SPDX-License-Identifier: MIT */
/*
 * native.c: the native backend's ops table, init and identity.  vmi ops
 * become the privileged instructions themselves: right for bare metal and
 * for full virtualization (QEMU tcg, any KVM, vmi-run's pc personality).
 * It reports a hypervisor it sees but uses nothing of it.  Everything but
 * time is a mechanism of backends/common (x86, x86pc, console, power); the
 * alarm and the event vectors are the PC's on this backend's time base.
 */
#include "common.h"
#include "native.h"
#include "power.h"
#include "console.h"
#include "x86.h"

struct native native;

/* "tsc, rate from hpet", "tsc, rate guessed", and ", not invariant"
 * where CPUID 0x80000007 does not promise a constant rate. */
static const char *native_clock_name(void)
{
    char *b = native.clock_name;
    size_t n = 0, size = sizeof(native.clock_name);
    vmi_append(b, size, &n, "tsc, rate ");
    if (x86pc.tsc_src != TSC_SRC_GUESSED)
        vmi_append(b, size, &n, "from ");
    vmi_append(b, size, &n, tsc_source_name(x86pc.tsc_src));
    if (!native.tsc_invariant)
        vmi_append(b, size, &n, ", not invariant");
    return b;
}

static void native_identify(void)
{
    const char *hv = "none";
    if (hvsig_present()) {
        hvsig_name(HVSIG_FIRST, native.hv_name);
        hv = native.hv_name;
    }
    native.info = (struct vmi_info){
        .backend = "native",
        .version = VMI_VERSION,
        .hypervisor = hv,
        .clock = native_clock_name(),
    };
    x86pc_describe(&native.info);
}

static vmi_status_t native_init(const struct vmi_boot *boot)
{
    x86pc_init(boot);
    native_time_init();
    native_identify();
    return VMI_OK;
}

void native_event_dispatch(unsigned vector)
{
    unsigned cpu = x86pc_cpu_id();
    enum x86pc_event ev = x86pc_event_decode(cpu, vector);
    lapic_eoi(&x86pc.lapic);
    if (ev == X86PC_EV_ALARM)
        x86pc_lapic_alarm_fired(cpu, native_time_ns());
    else if (ev == X86PC_EV_IPI)
        vmi_event(VMI_EVENT_IPI);
}

static const struct vmi_info *native_info(void)
{
    return &native.info;
}

const struct vmi_ops vmi_ops = {
    VMI_X86_ARCH_OPS,
    /* native's own */
    .init = native_init,
    .info = native_info,
    .event_dispatch = native_event_dispatch,
    .time_ns = native_time_ns,
    .wallclock_ns = native_wallclock_ns,
    .cycles_hz = x86pc_cycles_hz,
    .stolen_ns = native_stolen_ns,
    .alarm_set = native_alarm_set,
    /* the PC's (common/x86pc.h) */
    .cpu_init = x86pc_cpu_init,
    .cpu_count = x86pc_cpu_count,
    .cpu_id = x86pc_cpu_id,
    .cpu_start = x86pc_cpu_start,
    .ipi_send = x86pc_ipi_send,
    .irq_eoi = x86pc_irq_eoi,
    .alarm_cancel = x86pc_lapic_alarm_cancel,
    .tlb_flush_page = x86pc_tlb_flush_page,
    .tlb_flush_multi = x86pc_tlb_flush_multi,
    .mmu_lazy_begin = x86pc_mmu_lazy_begin,
    .mmu_lazy_end = x86pc_mmu_lazy_end,
    /* instructions (common/x86.h), UART, power */
    .halt = x86_halt,
    .spin_wait = x86_spin_wait,
    .spin_kick = x86_spin_kick,
    .console_write = console_write,
    .console_read = console_read,
    .shutdown = power_off,
    .reboot = power_reset,
    .crash = power_crash,
};
