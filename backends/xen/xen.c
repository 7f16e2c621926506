/* SPDX-License-Identifier: MIT */
/*
 * xen.c: the xen backend's ops table, init and per-CPU setup.  A Xen PVH
 * guest is an HVM guest: CPU state, the interrupt flag and page tables
 * are the plain instructions (common/x86.h).  Xen's interface replaces
 * the rest: the hypercall page (CPUID base+2), shared_info and vcpu_info
 * with pvclock time, event channels delivered by the upcall vector
 * (alarm, IPIs, spin-lock kick), the PV console ring, VCPUOP start-up and
 * SCHEDOP_shutdown (docs/vmi-api.md, xen column; D1, D2, D5).
 */
#include <insn.h>

#include "common.h"
#include "hvsig.h"
#include "power.h"
#include "uart.h"
#include "x86.h"
#include "xen.h"

#include <xen/arch-x86/hvm/start_info.h>
#include <xen/features.h>
#include <xen/hvm/params.h>
#include <xen/sched.h>
#include <xen/vcpu.h>

struct xen xen;
union xen_shared_page xen_shared __attribute__((aligned(4096)));
struct vcpu_info xen_vcpu_extra[XEN_EXTRA_VCPUS] __attribute__((aligned(64)));

/* The base of Xen's leaves, or 0.  Xen guests also want at least the
 * version and hypercall leaves: max leaf - base >= 2 (XTF
 * find_xen_leaves).  Also the auto backend's probe. */
uint32_t xen_probe(void)
{
    struct vmi_cpuid r;
    uint32_t base = hvsig_find(XEN_CPUID_SIGNATURE_EBX, XEN_CPUID_SIGNATURE_ECX,
                               XEN_CPUID_SIGNATURE_EDX);
    if (!base)
        return 0;
    cpuid(base, 0, &r);
    return r.eax - base >= 2 ? base : 0;
}

/* xen_probe, or refuse with what is there instead. */
static uint32_t xen_detect(void)
{
    char found[HVSIG_LEN];
    uint32_t base = xen_probe();
    if (base)
        return base;
    hvsig_found(found);
    vmi_refuse("Xen (XenVMMXenVMM)", found);
}

/* Before the hypercall page works: the UART (vmi-run, QEMU) and the debug
 * console (real Xen), then power_fail, so that Xen reports a crash. */
static VMI_NORETURN void xen_early_fail(const char *msg)
{
    uart_write(uart_early(), msg, vmi_strlen(msg));
    power_debugcon(msg);
    power_fail(VMI_EXIT_PANIC);
}

static void xen_hypercall_page_init(void)
{
    struct vmi_cpuid r;
    cpuid(xen.base + 2, 0, &r);
    wrmsr(r.ebx, xen_pa(xen_hypercall_page));
    /* Still all ret (0xc3): nobody filled it (XTF checks the same). */
    if (__atomic_load_n(&xen_hypercall_page[0], __ATOMIC_SEQ_CST) == 0xc3)
        xen_early_fail("vmi: xen: the hypercall page was not filled\n");
}

static void xen_events_init(void)
{
    struct vmi_cpuid r;
    uint32_t feat;
    cpuid(xen.base + 4, 0, &r);
    xen.vcpu_vector = r.eax & XEN_HVM_CPUID_UPCALL_VECTOR;
    if (xen.vcpu_vector)
        return;         /* per vCPU, in cpu_init (D5) */
    if (xen_hc_features(&feat) < 0 || !(feat >> XENFEAT_hvm_callback_vector & 1))
        vmi_panic("xen: no upcall vector and no hvm_callback_vector");
    xen_check(xen_hc_set_param(HVM_PARAM_CALLBACK_IRQ,
                               (uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56 |
                               XEN_VEC_UPCALL),
              "xen: HVM_PARAM_CALLBACK_IRQ refused");
}

/* "Xen <major>.<minor>" for info()->hypervisor. */
static void xen_name(void)
{
    size_t n = 0;
    vmi_append(xen.hv_name, sizeof(xen.hv_name), &n, "Xen ");
    vmi_append_version(xen.hv_name, sizeof(xen.hv_name), &n, xen.version);
}

static void xen_identify(void)
{
    xen_name();
    xen.info = (struct vmi_info){
        .backend = "xen",
        .version = VMI_VERSION,
        .hypervisor = xen.hv_name,
        .hv_version = xen.version,
        .features = VMI_FEAT_PV_CLOCK | VMI_FEAT_PV_ALARM | VMI_FEAT_PV_IPI |
                    VMI_FEAT_PV_SPINLOCK | VMI_FEAT_PV_SHUTDOWN |
                    VMI_FEAT_PV_CPU_START |
                    (xen.cons ? VMI_FEAT_PV_CONSOLE : 0) |
                    (x86pc.lapic.x2apic ? VMI_FEAT_X2APIC : 0),
        .clock = "xen pvclock",
        .alarm = "xen singleshot timer (VIRQ_TIMER evtchn)",
        .console = xen.cons ? "xen pv console ring" : "xen console_io",
        .ipi = "xen evtchn bind_ipi",
    };
}

/* One line naming what was found and which Xen mechanism each op group
 * uses (the kernel's banner shows clock, alarm and console, not IPIs). */
static void xen_announce(void)
{
    static char line[320];
    static const char *const part[] = {
        "xen: ", NULL, " at CPUID 0x", NULL, ": hypercall page, shared_info, ",
        NULL, "; time ", NULL, NULL, ", timer ", NULL, ", console ", NULL,
        ", ipi ",
        NULL, "\n",
    };
    char base[21];
    const struct vmi_info *in = &xen.info;
    const char *fill[] = { in->hypervisor, base,
        xen.vcpu_vector ? "upcall vector 0xf3 per vCPU"
                        : "callback vector 0xf3",
        in->clock, xen_time_stable() ? " (stable: vCPU 0's record)"
                                     : " (per-vCPU records)",
        in->alarm, in->console, in->ipi };
    size_t n = 0;
    unsigned f = 0;
    vmi_fmt_u64(base, xen.base, 16);
    for (unsigned i = 0; i < sizeof(part) / sizeof(part[0]); i++)
        vmi_append(line, sizeof(line), &n, part[i] ? part[i] : fill[f++]);
    xen_console_write(line, n);
}

static vmi_status_t xen_init(const struct vmi_boot *boot)
{
    xen.base = xen_detect();    /* refuses, with one line, without Xen */
    struct vmi_cpuid r;
    cpuid(xen.base + 1, 0, &r);
    xen.version = r.eax;
    xen_hypercall_page_init();
    if (boot && boot->start_info &&
        ((const volatile struct hvm_start_info *)pa_to_ptr(boot->start_info))
            ->magic != XEN_HVM_START_MAGIC_VALUE)
        vmi_panic("xen: bad hvm_start_info magic");
    xen_check(xen_hc_map_shared_info(xen_pa(&xen_shared) >> 12),
              "xen: XENMEM_add_to_physmap(shared_info) failed");
    xen_events_init();
    xen_console_init();
    /* The LAPIC and the MADT's CPUs, as a PC's; PVH has no PIC, and
     * power is Xen's. */
    x86pc_init_lapic(boot ? boot->rsdp : 0);
    xen.up = 1;
    xen_identify();
    xen_announce();
    return VMI_OK;
}

/* The LAPIC first (the per-vCPU upcall vector arrives through it), then
 * the ports and the vector; online only once an IPI can reach the CPU. */
static vmi_status_t xen_cpu_init(unsigned cpu)
{
    vmi_status_t st = x86pc_cpu_enable(cpu);
    if (st != VMI_OK)
        return st;
    xen.cpu[cpu].vi = xen_vcpu_info(cpu);
    xen_check(xen_hc_vcpu_op(VCPUOP_stop_periodic_timer, cpu, 0),
              "xen: VCPUOP_stop_periodic_timer failed");
    xen_evtchn_cpu_init(cpu);
    if (xen.vcpu_vector)
        xen_check(xen_hc_upcall_vector(cpu, XEN_VEC_UPCALL),
                  "xen: HVMOP_set_evtchn_upcall_vector failed");
    x86pc_cpu_online(cpu);
    return VMI_OK;
}

/* Park for good: SCHEDOP_poll on the kick port, never a masked HLT,
 * which Xen reports as a clean power-off when it is the last vCPU (D1). */
static VMI_NORETURN void xen_park(void)
{
    for (;;) {
        unsigned cpu = x86pc_cpu_id();
        if (!xen.cpu[cpu].kick_port)
            power_halt();
        xen_poll_kick(cpu);
    }
}

static void xen_puts(const char *s)
{
    xen_console_write(s, vmi_strlen(s));
}

/* Every SCHEDOP_shutdown: the console ring first, or its last lines may
 * never reach xenconsoled. */
static VMI_NORETURN void xen_stop(unsigned reason)
{
    xen_console_flush();
    xen_hc_shutdown(reason);
    xen_park();
}

/* D2: 0 is SHUTDOWN_poweroff; any other code is printed, written to the
 * debug-exit port (exact under vmi-run and QEMU, discarded on Xen), then
 * reported as SHUTDOWN_crash so that real Xen records a failure. */
static VMI_NORETURN void xen_shutdown(unsigned code)
{
    if (code == VMI_EXIT_OK)
        xen_stop(SHUTDOWN_poweroff);
    char num[21];
    vmi_fmt_u64(num, code, 10);
    xen_puts("vmi: exit ");
    xen_puts(num);
    xen_puts("\n");
    xen_console_flush();    /* before the debug-exit port ends vmi-run */
    outb(VMI_DEBUG_EXIT_PORT, (uint8_t)code);
    xen_stop(SHUTDOWN_crash);
}

static VMI_NORETURN void xen_reboot(void)
{
    xen_stop(SHUTDOWN_reboot);
}

static VMI_NORETURN void xen_crash(const char *msg)
{
    xen_puts("vmi: crash: ");
    xen_puts(msg);
    xen_puts("\n");
    xen_stop(SHUTDOWN_crash);
}

static const struct vmi_info *xen_info(void)
{
    return &xen.info;
}

const struct vmi_ops vmi_ops = {
    VMI_X86_ARCH_OPS,
    /* xen's own */
    .init = xen_init,
    .cpu_init = xen_cpu_init,
    .info = xen_info,
    .halt = xen_halt,
    .event_dispatch = xen_event_dispatch,
    .time_ns = xen_time_ns,
    .wallclock_ns = xen_wallclock_ns,
    .cycles_hz = xen_cycles_hz,
    .stolen_ns = xen_stolen_ns,
    .alarm_set = xen_alarm_set,
    .alarm_cancel = xen_alarm_cancel,
    .cpu_start = xen_cpu_start,
    .ipi_send = xen_ipi_send,
    .spin_wait = xen_spin_wait,
    .spin_kick = xen_spin_kick,
    .console_write = xen_console_write,
    .console_read = xen_console_read,
    .shutdown = xen_shutdown,
    .reboot = xen_reboot,
    .crash = xen_crash,
    /* the PC's (common/x86pc.h) */
    .cpu_count = x86pc_cpu_count,
    .cpu_id = x86pc_cpu_id,
    .irq_eoi = x86pc_irq_eoi,
    .tlb_flush_page = x86pc_tlb_flush_page,
    .tlb_flush_multi = x86pc_tlb_flush_multi,
    .mmu_lazy_begin = x86pc_mmu_lazy_begin,
    .mmu_lazy_end = x86pc_mmu_lazy_end,
};
