/* SPDX-License-Identifier: MIT */
/*
 * native.c: the native backend's ops table, init and identity.  vmi ops
 * become the privileged instructions themselves: right for bare metal and
 * for full virtualization (QEMU tcg, any KVM, vmi-run's pc personality).
 * It reports a hypervisor it sees but uses nothing of it.  Everything but
 * time is a mechanism of backends/common (x86, pc, uart, power).
 */
#include "native.h"
#include "power.h"
#include "uart.h"
#include "x86.h"

struct native native;

static void native_identify(void)
{
    const char *hv = "none";
    if (hvsig_present()) {
        hvsig_name(HVSIG_FIRST, native.hv_name);
        hv = native.hv_name;
    }
    native.info = (struct vmi_info){
        .backend = "native",
        .hypervisor = hv,
        .clock = native.tsc_hz_guessed ? "tsc (rate guessed)" : "tsc",
    };
    pc_describe(&native.info);
}

static vmi_status_t native_init(const struct vmi_boot *boot)
{
    pc_init(boot ? boot->rsdp : 0);
    native_time_init();
    native_identify();
    return VMI_OK;
}

static const struct vmi_info *native_info(void)
{
    return &native.info;
}

const struct vmi_ops vmi_ops = {
    .init = native_init,
    .cpu_init = pc_cpu_init,
    .info = native_info,
    .read_cr0 = x86_read_cr0,
    .write_cr0 = x86_write_cr0,
    .read_cr2 = x86_read_cr2,
    .read_cr3 = x86_read_cr3,
    .write_cr3 = x86_write_cr3,
    .read_cr4 = x86_read_cr4,
    .write_cr4 = x86_write_cr4,
    .read_msr = x86_read_msr,
    .write_msr = x86_write_msr,
    .read_msr_safe = x86_read_msr_safe,
    .write_msr_safe = x86_write_msr_safe,
    .cpuid = x86_cpuid,
    .load_gdt = x86_load_gdt,
    .load_idt = x86_load_idt,
    .load_tr = x86_load_tr,
    .write_gdt_entry = x86_write_gdt_entry,
    .write_idt_entry = x86_write_idt_entry,
    .load_kernel_stack = x86_load_kernel_stack,
    .irq_disable = x86_irq_disable,
    .irq_enable = x86_irq_enable,
    .irq_save = x86_irq_save,
    .irq_restore = x86_irq_restore,
    .safe_halt = x86_safe_halt,
    .halt = x86_halt,
    .irq_eoi = pc_irq_eoi,
    .event_dispatch = pc_event_dispatch,
    .time_ns = native_time_ns,
    .wallclock_ns = native_wallclock_ns,
    .cycles = x86_cycles,
    .cycles_hz = native_cycles_hz,
    .stolen_ns = native_stolen_ns,
    .alarm_set = pc_alarm_set,
    .alarm_cancel = pc_alarm_cancel,
    .pt_set = x86_pt_set,
    .pt_alloc = x86_pt_nop,
    .pt_release = x86_pt_nop,
    .tlb_flush_local = x86_tlb_flush_local,
    .tlb_flush_page = pc_tlb_flush_page,
    .tlb_flush_multi = pc_tlb_flush_multi,
    .mmu_lazy_begin = pc_mmu_lazy_begin,
    .mmu_lazy_end = pc_mmu_lazy_end,
    .cpu_count = pc_cpu_count,
    .cpu_id = pc_cpu_id,
    .cpu_start = pc_cpu_start,
    .ipi_send = pc_ipi_send,
    .spin_wait = x86_spin_wait,
    .spin_kick = x86_spin_kick,
    .console_write = uart_console_write,
    .console_read = uart_console_read,
    .shutdown = power_off,
    .reboot = power_reset,
    .crash = power_crash,
};
