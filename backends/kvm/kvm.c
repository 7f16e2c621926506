/* SPDX-License-Identifier: MIT */
/*
 * kvm.c: the kvm backend's ops table, init and per-CPU setup.  A KVM
 * guest is an HVM guest: CPU state, interrupt flag and page tables are
 * the plain instructions (common/x86.h).  KVM's paravirtual interface
 * replaces what it does better: kvmclock for time, steal time, PV EOI,
 * PV TLB flush, and, where advertised, PV IPIs and PV spin locks.
 * Everything else (LAPIC alarm, UART console, INIT-SIPI-SIPI, power) is
 * the PC's, shared with the native backend through backends/common.
 */
#include <insn.h>

#include "common.h"
#include "kvm.h"
#include "power.h"
#include "uart.h"
#include "x86.h"

/* 8259A OCW1 (interrupt mask) ports of the master and slave PIC (Intel
 * 8259A datasheet): mask every line, so the firmware's PIC setup cannot
 * deliver vectors 8-15 (exceptions in 64-bit mode) once IF is set. */
#define PIC1_DATA 0x21
#define PIC2_DATA 0xa1

struct kvm kvm;

static uint32_t kvm_features_used(void)
{
    const struct kvm_use *u = &kvm.use;
    return (u->kvmclock ? VMI_FEAT_PV_CLOCK : 0) |
           (u->steal ? VMI_FEAT_STEAL_TIME : 0) |
           (u->pv_eoi ? VMI_FEAT_PV_EOI : 0) |
           (u->pv_tlb_flush ? VMI_FEAT_PV_TLB_FLUSH : 0) |
           (u->pv_ipi ? VMI_FEAT_PV_IPI : 0) |
           (u->pv_spinlock ? VMI_FEAT_PV_SPINLOCK : 0) |
           (kvm.lapic.x2apic ? VMI_FEAT_X2APIC : 0) |
           (u->tsc_deadline ? VMI_FEAT_TSC_DEADLINE : 0);
}

static void kvm_identify(void)
{
    const struct kvm_use *u = &kvm.use;
    kvm.info = (struct vmi_info){
        .backend = "kvm",
        .hypervisor = "KVM",
        .hv_version = 0,    /* KVM has no version leaf */
        .features = kvm_features_used(),
        .clock = u->kvmclock ? "kvmclock" : "tsc",
        .alarm = u->tsc_deadline ? "lapic tsc-deadline" : "lapic oneshot",
        .console = "uart 0x3f8",
        .ipi = u->pv_ipi ? "kvm send_ipi"
               : kvm.lapic.x2apic ? "x2apic icr" : "xapic icr",
    };
}

static vmi_status_t kvm_init(const struct vmi_boot *boot)
{
    uart_early();
    kvm_detect();   /* refuses, with one line, if KVM is not there */
    kvm.rsdp = acpi_find_rsdp(boot ? boot->rsdp : 0);
    power_init(kvm.rsdp);
    outb(PIC1_DATA, 0xff);
    outb(PIC2_DATA, 0xff);
    lapic_detect(&kvm.lapic);
    lapic_enable(&kvm.lapic, VMI_VECTOR_SPURIOUS);
    kvm_smp_init(lapic_id(&kvm.lapic));
    kvm_choose(kvm.cpus.count);
    kvm_time_init();
    kvm_identify();
    return VMI_OK;
}

void kvm_msr_enable(uint32_t msr, const volatile void *area, const char *what)
{
    /* A host that advertised the feature and then refuses the MSR (#GP)
     * is broken; say which.  On the boot CPU the kernel has no IDT yet,
     * so there a refusal is still a triple fault. */
    if (wrmsr_safe(msr, kvm_pa(area) | KVM_MSR_ENABLED))
        vmi_panic(what);
}

/* Each CPU registers its own areas: the MSRs are per vCPU. */
static vmi_status_t kvm_cpu_init(unsigned cpu)
{
    if (cpu >= kvm.cpus.count)
        return VMI_EINVAL;
    lapic_enable(&kvm.lapic, VMI_VECTOR_SPURIOUS);
    kvm_time_cpu_init(cpu);
    /* The word is .bss, hence zeroed, as msr.rst requires. */
    if (kvm.use.pv_eoi)
        kvm_msr_enable(MSR_KVM_PV_EOI_EN, &kvm.cpu[cpu].pv_eoi,
                       "kvm: host refused MSR_KVM_PV_EOI_EN");
    lapic_timer_setup(&kvm.lapic, KVM_VEC_ALARM, kvm.use.tsc_deadline);
    __atomic_or_fetch(&kvm.online, 1ull << cpu, __ATOMIC_RELEASE);
    return VMI_OK;
}

static const struct vmi_info *kvm_info(void)
{
    return &kvm.info;
}

static void kvm_console_write(const char *buf, size_t len)
{
    uart_write(uart_early(), buf, len);
}

static size_t kvm_console_read(char *buf, size_t len)
{
    return uart_read(uart_early(), buf, len);
}

static VMI_NORETURN void kvm_shutdown(unsigned code)
{
    power_off(code);
}

static VMI_NORETURN void kvm_reboot(void)
{
    power_reset();
}

/* KVM has no crash-report interface (Hyper-V's crash MSRs and Xen's
 * SHUTDOWN_crash have no KVM counterpart): print and exit. */
static VMI_NORETURN void kvm_crash(const char *msg)
{
    static const char pre[] = "vmi: crash: ";
    kvm_console_write(pre, sizeof(pre) - 1);
    kvm_console_write(msg, vmi_strlen(msg));
    kvm_console_write("\n", 1);
    outb(VMI_DEBUG_EXIT_PORT, VMI_EXIT_CRASH);
    power_halt();
}

const struct vmi_ops vmi_ops = {
    .init = kvm_init,
    .cpu_init = kvm_cpu_init,
    .info = kvm_info,
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
    .irq_eoi = kvm_eoi,
    .event_dispatch = kvm_event_dispatch,
    .time_ns = kvm_time_ns,
    .wallclock_ns = kvm_wallclock_ns,
    .cycles = x86_cycles,
    .cycles_hz = kvm_cycles_hz,
    .stolen_ns = kvm_stolen_ns,
    .alarm_set = kvm_alarm_set,
    .alarm_cancel = kvm_alarm_cancel,
    .pt_set = x86_pt_set,
    .pt_alloc = x86_pt_nop,
    .pt_release = x86_pt_nop,
    .tlb_flush_local = x86_tlb_flush_local,
    .tlb_flush_page = kvm_tlb_flush_page,
    .tlb_flush_multi = kvm_tlb_flush_multi,
    .mmu_lazy_begin = kvm_mmu_lazy_begin,
    .mmu_lazy_end = kvm_mmu_lazy_end,
    .cpu_count = kvm_cpu_count,
    .cpu_id = kvm_cpu_id,
    .cpu_start = kvm_cpu_start,
    .ipi_send = kvm_ipi_send,
    .spin_wait = kvm_spin_wait,
    .spin_kick = kvm_spin_kick,
    .console_write = kvm_console_write,
    .console_read = kvm_console_read,
    .shutdown = kvm_shutdown,
    .reboot = kvm_reboot,
    .crash = kvm_crash,
};
