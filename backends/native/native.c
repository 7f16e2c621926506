/* SPDX-License-Identifier: MIT */
/*
 * native.c: the native backend's ops table, init and per-CPU setup.  vmi
 * ops become the privileged instructions themselves: right for bare metal
 * and for full virtualization (QEMU tcg, any KVM, vmi-run's pc
 * personality).  It reports a hypervisor it sees but uses nothing of it.
 */
#include <insn.h>

#include "common.h"
#include "native.h"
#include "power.h"
#include "uart.h"
#include "x86.h"

/* 8259A OCW1 (interrupt mask) ports of the master and slave PIC (Intel
 * 8259A datasheet): mask every line, so the firmware's PIC setup cannot
 * deliver vectors 8-15 (exceptions in 64-bit mode) once IF is set. */
#define PIC1_DATA 0x21
#define PIC2_DATA 0xa1
#define CPUID1_ECX_HYPERVISOR (1u << 31)   /* SDM Vol. 2A Table 3-10 */
#define CPUID_HV_BASE 0x40000000           /* hypervisor vendor leaf */

struct native native;

static void native_identify(void)
{
    struct vmi_cpuid r;
    cpuid(1, 0, &r);
    const char *hv = "none";
    if (r.ecx & CPUID1_ECX_HYPERVISOR) {
        cpuid(CPUID_HV_BASE, 0, &r);
        const uint32_t sig[3] = { r.ebx, r.ecx, r.edx };
        for (unsigned i = 0; i < 12; i++)
            native.hv_name[i] = (char)(sig[i / 4] >> (8 * (i % 4)));
        hv = native.hv_name;
    }
    native.info = (struct vmi_info){
        .backend = "native",
        .hypervisor = hv,
        .features = (native.lapic.x2apic ? VMI_FEAT_X2APIC : 0) |
                    (native.tsc_deadline ? VMI_FEAT_TSC_DEADLINE : 0),
        .clock = native.tsc_hz_guessed ? "tsc (rate guessed)" : "tsc",
        .alarm = native.tsc_deadline ? "lapic tsc-deadline" : "lapic oneshot",
        .console = "uart 0x3f8",
        .ipi = native.lapic.x2apic ? "x2apic icr" : "xapic icr",
    };
}

static vmi_status_t native_init(const struct vmi_boot *boot)
{
    uart_early();
    native.rsdp = acpi_find_rsdp(boot ? boot->rsdp : 0);
    power_init(native.rsdp);
    outb(PIC1_DATA, 0xff);
    outb(PIC2_DATA, 0xff);
    lapic_detect(&native.lapic);
    lapic_enable(&native.lapic, VMI_VECTOR_SPURIOUS);
    native_time_init();
    native_smp_init(lapic_id(&native.lapic));
    native_identify();
    return VMI_OK;
}

static vmi_status_t native_cpu_init(unsigned cpu)
{
    if (cpu >= native.cpus.count)
        return VMI_EINVAL;
    lapic_enable(&native.lapic, VMI_VECTOR_SPURIOUS);
    lapic_timer_setup(&native.lapic, NATIVE_VEC_ALARM, native.tsc_deadline);
    __atomic_or_fetch(&native.online, 1ull << cpu, __ATOMIC_RELEASE);
    return VMI_OK;
}

static const struct vmi_info *native_info(void)
{
    return &native.info;
}

static void native_irq_eoi(void)
{
    lapic_eoi(&native.lapic);
}

static void native_console_write(const char *buf, size_t len)
{
    uart_write(uart_early(), buf, len);
}

static size_t native_console_read(char *buf, size_t len)
{
    return uart_read(uart_early(), buf, len);
}

static VMI_NORETURN void native_shutdown(unsigned code)
{
    power_off(code);
}

static VMI_NORETURN void native_reboot(void)
{
    power_reset();
}

static VMI_NORETURN void native_crash(const char *msg)
{
    static const char pre[] = "vmi: crash: ";
    native_console_write(pre, sizeof(pre) - 1);
    native_console_write(msg, vmi_strlen(msg));
    native_console_write("\n", 1);
    outb(VMI_DEBUG_EXIT_PORT, VMI_EXIT_CRASH);
    power_halt();
}

const struct vmi_ops vmi_ops = {
    .init = native_init,
    .cpu_init = native_cpu_init,
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
    .irq_eoi = native_irq_eoi,
    .event_dispatch = native_event_dispatch,
    .time_ns = native_time_ns,
    .wallclock_ns = native_wallclock_ns,
    .cycles = x86_cycles,
    .cycles_hz = native_cycles_hz,
    .stolen_ns = native_stolen_ns,
    .alarm_set = native_alarm_set,
    .alarm_cancel = native_alarm_cancel,
    .pt_set = x86_pt_set,
    .pt_alloc = x86_pt_nop,
    .pt_release = x86_pt_nop,
    .tlb_flush_local = x86_tlb_flush_local,
    .tlb_flush_page = native_tlb_flush_page,
    .tlb_flush_multi = native_tlb_flush_multi,
    .mmu_lazy_begin = native_mmu_lazy_begin,
    .mmu_lazy_end = native_mmu_lazy_end,
    .cpu_count = native_cpu_count,
    .cpu_id = native_cpu_id,
    .cpu_start = native_cpu_start,
    .ipi_send = native_ipi_send,
    .spin_wait = native_spin_wait,
    .spin_kick = native_spin_kick,
    .console_write = native_console_write,
    .console_read = native_console_read,
    .shutdown = native_shutdown,
    .reboot = native_reboot,
    .crash = native_crash,
};
