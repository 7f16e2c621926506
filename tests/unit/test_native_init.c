/* SPDX-License-Identifier: MIT */
/* test_native_init.c: the native backend's init, identity, SMP and event
 * ops on a mocked PC (tests/unit/mock/native_machine.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "acpi.h"
#include "native_machine.h"
#include "power.h"
#include "smp_tramp.h"

/* The PVH start_info and memmap: Xen's public header, the one source. */
#include <xen/arch-x86/hvm/start_info.h>

static unsigned events[VMI_EVENT_COUNT];
static unsigned eoi_writes_at_event;

void vmi_event(vmi_event_t ev)
{
    events[ev]++;
    eoi_writes_at_event = mock_count_writes(mock.wrmsr_log, mock.nwrmsr, 0x80b);
}

static struct vmi_boot boot;

static int modern(void **state)
{
    (void)state;
    machine_modern();
    memset(events, 0, sizeof(events));
    boot = (struct vmi_boot){ .rsdp = machine_acpi(), .cmdline = "" };
    assert_int_equal(vmi_ops.init(&boot), VMI_OK);
    return 0;
}

static int legacy(void **state)
{
    (void)state;
    machine_legacy();
    boot = (struct vmi_boot){ .rsdp = machine_acpi(), .cmdline = "" };
    assert_int_equal(vmi_ops.init(&boot), VMI_OK);
    return 0;
}

static void test_native_info_modern_uses_x2apic_and_deadline(void **state)
{
    (void)state;
    const struct vmi_info *i = vmi_ops.info();
    assert_string_equal(i->backend, "native");
    assert_string_equal(i->hypervisor, "KVMKVMKVM");
    assert_string_equal(i->ipi, "x2apic icr");
    assert_string_equal(i->alarm, "lapic tsc-deadline");
    assert_string_equal(i->console, "uart 0x3f8");
    assert_int_equal(i->features, VMI_FEAT_X2APIC | VMI_FEAT_TSC_DEADLINE);
    assert_int_equal(vmi_ops.cycles_hz(), MACHINE_TSC_HZ);
}

static void test_native_info_legacy_uses_xapic_oneshot_pit(void **state)
{
    (void)state;
    const struct vmi_info *i = vmi_ops.info();
    assert_string_equal(i->hypervisor, "none");
    assert_string_equal(i->ipi, "xapic icr");
    assert_string_equal(i->alarm, "lapic oneshot");
    assert_int_equal(i->features, 0);
    assert_string_equal(i->console, "none");
    uint64_t hz = vmi_ops.cycles_hz();
    assert_true(hz > 2390000000ull && hz < 2410000000ull);
}

static void test_native_init_masks_pic(void **state)
{
    (void)state;
    assert_int_equal(mock_last_write(mock.out_log, mock.nout, 0x21), 0xff);
    assert_int_equal(mock_last_write(mock.out_log, mock.nout, 0xa1), 0xff);
}

static void test_native_cpus_from_madt_map_apic_ids(void **state)
{
    (void)state;
    assert_int_equal(vmi_ops.cpu_count(), 2);
    assert_int_equal(vmi_ops.cpu_id(), 0);
    mock_set_msr(0x802, MACHINE_AP_APIC_ID);    /* now "running" on the AP */
    assert_int_equal(vmi_ops.cpu_id(), 1);
}

static void test_native_cpu_init_out_of_range_einval(void **state)
{
    (void)state;
    assert_int_equal(vmi_ops.cpu_init(2), VMI_EINVAL);
    assert_int_equal(vmi_ops.cpu_init(0), VMI_OK);
    assert_int_equal(x86pc.online, 1);
}

static void test_native_ipi_send_fixed_to_apic_id(void **state)
{
    (void)state;
    mock.nwrmsr = 0;
    vmi_ops.ipi_send(0x2);
    assert_int_equal(mock.nwrmsr, 1);
    assert_int_equal(mock.wrmsr_log[0].where, 0x830);
    assert_int_equal(mock.wrmsr_log[0].val, (5ull << 32) | 0x4000 | 0xf1);
}

static void test_native_dispatch_ipi_eoi_then_event(void **state)
{
    (void)state;
    vmi_ops.event_dispatch(X86PC_VEC_IPI);
    assert_int_equal(events[VMI_EVENT_IPI], 1);
    assert_int_equal(eoi_writes_at_event, 1);
}

static void test_native_dispatch_flush_no_event(void **state)
{
    (void)state;
    x86pc.sd.box[0].va = 0x7000;
    x86pc.sd.box[0].npages = 1;
    x86pc.sd.box[0].pending = 1;
    vmi_ops.event_dispatch(X86PC_VEC_FLUSH);
    assert_int_equal(x86pc.sd.box[0].pending, 0);
    assert_int_equal(mock.ninvlpg, 1);
    assert_int_equal(events[VMI_EVENT_IPI] + events[VMI_EVENT_ALARM], 0);
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr, 0x80b), 1);
}

static void ap_entry(unsigned cpu, void *arg)
{
    (void)cpu;
    (void)arg;
}

static void test_native_cpu_start_silent_ap_eagain(void **state)
{
    (void)state;
    const struct vmi_cpu_boot b = { 0x123000, 0x456000, ap_entry, &boot };
    assert_int_equal(vmi_ops.cpu_start(0, &b), VMI_EINVAL);
    assert_int_equal(vmi_ops.cpu_start(2, &b), VMI_EINVAL);
    mock.tsc_step = 100000000;      /* the 1 s wait passes in a few reads */
    mock.nwrmsr = 0;
    assert_int_equal(vmi_ops.cpu_start(1, &b), VMI_EAGAIN);
    /* INIT, then STARTUP with vector VMI_TRAMPOLINE_PA >> 12, to APIC 5. */
    assert_int_equal(mock.wrmsr_log[0].val, (5ull << 32) | 0x4500);
    assert_int_equal(mock.wrmsr_log[1].val, (5ull << 32) | 0x4608);
    const uint8_t *p = mock.lowmem + VMI_TRAMPOLINE_PA + 128 - TRAMP_P_SIZE;
    uint64_t v;
    memcpy(&v, p + TRAMP_P_CR3, 8);
    assert_int_equal(v, 0x123000);
    memcpy(&v, p + TRAMP_P_STACK, 8);
    assert_int_equal(v, 0x456000);
    memcpy(&v, p + TRAMP_P_CPU, 8);
    assert_int_equal(v, 1);
}

/* The AP "runs" the trampoline when it gets its STARTUP IPI. */
static void ap_reports_on_sipi(uint32_t msr, uint64_t val)
{
    if (msr == 0x830 && (val & 0x700) == LAPIC_ICR_STARTUP) {
        uint8_t *p = mock.lowmem + VMI_TRAMPOLINE_PA + 128 - TRAMP_P_SIZE;
        p[TRAMP_P_READY] = 1;
    }
}

static void test_native_cpu_start_reporting_ap_ok_once(void **state)
{
    (void)state;
    const struct vmi_cpu_boot b = { 0x123000, 0x456000, ap_entry, &boot };
    mock.wrmsr_hook = ap_reports_on_sipi;
    mock.tsc_step = 100000;
    assert_int_equal(vmi_ops.cpu_start(1, &b), VMI_OK);
    /* A second INIT would reset the running CPU: refused. */
    assert_int_equal(vmi_ops.cpu_start(1, &b), VMI_EINVAL);
}

/* A loader's map with a hole over 0x8000 (GRUB "cutmem 32K 36K"): init
 * says where the trampoline goes instead, the highest free RAM page below
 * the EBDA, and the STARTUP IPI names that page. */
static const struct vmi_boot_mem hole_at_8000[] = {
    { 0, 0x8000, VMI_BOOT_MEM_RAM }, { 0x9000, 0x96c00, VMI_BOOT_MEM_RAM },
    { 0x9fc00, 0x400, 2 }, { 0xf0000, 0x10000, 2 },
    { 0x100000, 0x7f00000, VMI_BOOT_MEM_RAM },
};

static void test_native_trampoline_moves_off_a_hole_at_8000(void **state)
{
    (void)state;
    char uart[160];
    machine_modern();
    boot = (struct vmi_boot){ .rsdp = machine_acpi(), .cmdline = "",
                              .mem = hole_at_8000, .nr_mem = 5 };
    mock.port_in[0x3fd] = 0x60;
    assert_int_equal(vmi_ops.init(&boot), VMI_OK);
    assert_non_null(strstr(mock_port_text(VMI_UART_PORT, uart, sizeof(uart)),
                           "vmi: AP trampoline at 0x9e000: 0x8000 is not RAM in "
                           "the loader's memory map\n"));
    assert_int_equal(vmi_ops.cpu_count(), 2);
    const struct vmi_cpu_boot b = { 0x123000, 0x456000, ap_entry, &boot };
    mock.tsc_step = 100000000;
    mock.nwrmsr = 0;
    assert_int_equal(vmi_ops.cpu_start(1, &b), VMI_EAGAIN);
    assert_int_equal(mock.wrmsr_log[1].val, (5ull << 32) | 0x4600 | 0x9e);
    uint64_t v;
    memcpy(&v, mock.lowmem + 0x9e000 + 128 - TRAMP_P_SIZE + TRAMP_P_CR3, 8);
    assert_int_equal(v, 0x123000);
}

/* No RAM page below 1 MiB at all: one line, and the boot CPU alone. */
static void test_native_no_trampoline_page_runs_the_boot_cpu_alone(void **state)
{
    (void)state;
    static const struct vmi_boot_mem high_only[] = {
        { 0, 0x100000, 2 }, { 0x100000, 0x7f00000, VMI_BOOT_MEM_RAM },
    };
    char uart[200];
    machine_modern();
    boot = (struct vmi_boot){ .rsdp = machine_acpi(), .cmdline = "",
                              .mem = high_only, .nr_mem = 2 };
    mock.port_in[0x3fd] = 0x60;
    assert_int_equal(vmi_ops.init(&boot), VMI_OK);
    assert_non_null(strstr(mock_port_text(VMI_UART_PORT, uart, sizeof(uart)),
                           "vmi: no RAM page below 1 MiB for the AP trampoline in "
                           "the loader's memory map: the boot CPU runs alone\n"));
    assert_int_equal(vmi_ops.cpu_count(), 1);
}

/* Init with the map (hole_at_8000), where 0x9e000 is the trampoline's
 * page unless loader data holds it, and (b)'s start_info and RSDP; the
 * page init chose for the trampoline, from its line. */
static uint64_t tramp_page_after_init(struct vmi_boot *b)
{
    char uart[200];
    b->cmdline = "";
    b->mem = hole_at_8000;
    b->nr_mem = 5;
    mock.port_in[0x3fd] = 0x60;
    assert_int_equal(vmi_ops.init(b), VMI_OK);
    const char *line = strstr(mock_port_text(VMI_UART_PORT, uart, sizeof(uart)),
                              "vmi: AP trampoline at 0x");
    assert_non_null(line);
    return strtoull(line + strlen("vmi: AP trampoline at 0x"), NULL, 16);
}

/* A start_info whose last bytes cross into 0x9e000: neither of its pages
 * takes the trampoline. */
static void test_native_trampoline_avoids_both_pages_of_start_info(void **state)
{
    (void)state;
    machine_modern();
    struct vmi_boot b = { .rsdp = machine_acpi(), .start_info = 0x9e000 - 16 };
    struct hvm_start_info *si = (void *)(mock.lowmem + b.start_info);
    *si = (struct hvm_start_info){ .magic = XEN_HVM_START_MAGIC_VALUE, .version = 1 };
    assert_int_equal(tramp_page_after_init(&b), 0x9c000);
}

/* The RSDP copy (a Multiboot2 loader's, in its information block) across
 * the same boundary. */
static void test_native_trampoline_avoids_both_pages_of_the_rsdp(void **state)
{
    (void)state;
    machine_modern();
    struct vmi_boot b = { .rsdp = 0x9e000 - 20 };
    memcpy(mock.lowmem + b.rsdp, mock.lowmem + machine_acpi(), ACPI_RSDP_V2_LEN);
    assert_int_equal(tramp_page_after_init(&b), 0x9c000);
}

/* The memory map and module list start_info points to, each across a
 * page boundary: none of their pages, nor start_info's, is taken. */
static void test_native_trampoline_avoids_the_memmap_and_modlist(void **state)
{
    (void)state;
    machine_modern();
    struct vmi_boot b = { .rsdp = machine_acpi(), .start_info = 0x9b100 };
    struct hvm_start_info *si = (void *)(mock.lowmem + b.start_info);
    *si = (struct hvm_start_info){
        .magic = XEN_HVM_START_MAGIC_VALUE, .version = 1,
        .nr_modules = 1, .modlist_paddr = 0x9d000 - 8,
        .memmap_paddr = 0x9e000 - 24, .memmap_entries = 2,
    };
    assert_int_equal(tramp_page_after_init(&b), 0x9a000);
}

/* The page choice itself: 0x8000 when it is RAM (or there is no map),
 * never a page a reserved range overlaps or one the caller avoids. */
static void test_smp_tramp_page_choice(void **state)
{
    (void)state;
    const struct vmi_boot_mem low[] = {
        { 0, 0x9fc00, VMI_BOOT_MEM_RAM }, { 0x9e800, 0x100, 2 },
    };
    const struct smp_range avoid[] = { { 0x9d010, 1 } };
    assert_int_equal(smp_tramp_page(NULL, 0, NULL, 0), VMI_TRAMPOLINE_PA);
    assert_int_equal(smp_tramp_page(low, 2, NULL, 0), VMI_TRAMPOLINE_PA);
    assert_int_equal(smp_tramp_page(hole_at_8000, 5, NULL, 0), 0x9e000);
    /* 0x9e000 is overlapped by a reserved range, 0x9d000 avoided. */
    const struct vmi_boot_mem low2[] = {
        { 0, 0x8000, VMI_BOOT_MEM_RAM }, { 0x9000, 0x96c00, VMI_BOOT_MEM_RAM },
        { 0x9e800, 0x100, 2 },
    };
    assert_int_equal(smp_tramp_page(low2, 3, avoid, 1), 0x9c000);
    const struct smp_range avoid8[] = { { 0x8123, 8 } };
    assert_int_equal(smp_tramp_page(low, 1, avoid8, 1), 0x9e000);
    /* A range's every page: 0x9c000 to 0x9d000 by one byte each, then a
     * length that would wrap past 2^64 from its base. */
    const struct smp_range across[] = { { 0x9cfff, 2 }, { 0x9e800, 0 } };
    assert_int_equal(smp_tramp_page(low2, 3, across, 2), 0x9b000);
    const struct smp_range wraps[] = { { 0x9d000, ~0ull } };
    assert_int_equal(smp_tramp_page(low2, 3, wraps, 1), 0x9c000);
}

static void test_native_power_off_debug_exit_then_s5(void **state)
{
    (void)state;
    mock.nout = 0;
    power_off_try(3);
    assert_int_equal(mock.out_log[0].where, VMI_DEBUG_EXIT_PORT);
    assert_int_equal(mock.out_log[0].val, 3);
    /* SLP_TYP, then SLP_TYP | SLP_EN, to the FADT's 32-bit PM1a port. */
    assert_int_equal(mock_count_writes(mock.out_log, mock.nout, 0x604), 2);
    int64_t last = mock_last_write(mock.out_log, mock.nout, 0x604);
    assert_int_equal(last & (7u << 10 | 1u << 13), 5u << 10 | 1u << 13);
    assert_int_equal(mock.out_log[mock.nout - 1].size, 2);
}

/* A Xen PVH domU: no UART, no isa-debug-exit, no ACPI power-off (the
 * mock's ports read all-ones, its low memory holds no tables). */
static int pvh(void **state)
{
    (void)state;
    mock_reset();
    power_init(0);
    return 0;
}

static void test_native_pvh_panic_says_why_on_port_e9_then_crashes(void **state)
{
    (void)state;
    char e9[256];
    assert_int_equal(MOCK_RUN_TO_STOP(vmi_panic("out of memory")), MOCK_TRIPLE);
    assert_string_equal(mock_port_text(VMI_DEBUGCON_PORT, e9, sizeof(e9)),
                        "vmi: panic: out of memory\n"
                        "vmi: power off failed: no debug-exit device at port "
                        "0xf4, ACPI S5: no ACPI FADT; ending as a crash\n"
                        "vmi: exit 4\n");
}

static void test_native_pvh_crash_op_crashes(void **state)
{
    (void)state;
    char e9[128];
    assert_int_equal(MOCK_RUN_TO_STOP(vmi_ops.crash("bad")), MOCK_TRIPLE);
    assert_string_equal(mock_port_text(VMI_DEBUGCON_PORT, e9, sizeof(e9)),
                        "vmi: crash: bad\nvmi: exit 5\n");
}

/* Code 0 may halt: on Xen the last vCPU halted is a clean poweroff. */
static void test_native_pvh_clean_shutdown_halts(void **state)
{
    (void)state;
    assert_int_equal(MOCK_RUN_TO_STOP(vmi_ops.shutdown(VMI_EXIT_OK)),
                     MOCK_HALTED);
    assert_int_equal(mock.ntriple, 0);
}

static void test_native_msr_safe_fault_is_efault(void **state)
{
    (void)state;
    uint64_t v = 1;
    mock_set_msr_fault(0x1234);
    assert_int_equal(vmi_ops.read_msr_safe(0x1234, &v), VMI_EFAULT);
    assert_int_equal(v, 0);
    assert_int_equal(vmi_ops.write_msr_safe(0x1234, 5), VMI_EFAULT);
    mock_set_msr(0x10, 77);
    assert_int_equal(vmi_ops.read_msr_safe(0x10, &v), VMI_OK);
    assert_int_equal(v, 77);
}

static void test_native_irq_save_restore_roundtrip(void **state)
{
    (void)state;
    mock.rflags = 0x202;
    vmi_irqflags_t f = vmi_ops.irq_save();
    assert_int_equal(mock.rflags & 0x200, 0);
    vmi_ops.irq_restore(f);
    assert_int_equal(mock.rflags & 0x200, 0x200);
    mock.rflags = 0x2;
    f = vmi_ops.irq_save();
    mock.rflags |= 0x200;
    vmi_ops.irq_restore(f);
    assert_int_equal(mock.rflags & 0x200, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_native_info_modern_uses_x2apic_and_deadline, modern),
        cmocka_unit_test_setup(test_native_info_legacy_uses_xapic_oneshot_pit, legacy),
        cmocka_unit_test_setup(test_native_init_masks_pic, modern),
        cmocka_unit_test_setup(test_native_cpus_from_madt_map_apic_ids, modern),
        cmocka_unit_test_setup(test_native_cpu_init_out_of_range_einval, modern),
        cmocka_unit_test_setup(test_native_ipi_send_fixed_to_apic_id, modern),
        cmocka_unit_test_setup(test_native_dispatch_ipi_eoi_then_event, modern),
        cmocka_unit_test_setup(test_native_dispatch_flush_no_event, modern),
        cmocka_unit_test_setup(test_native_cpu_start_silent_ap_eagain, modern),
        cmocka_unit_test_setup(test_native_cpu_start_reporting_ap_ok_once, modern),
        cmocka_unit_test(test_native_trampoline_moves_off_a_hole_at_8000),
        cmocka_unit_test(test_native_no_trampoline_page_runs_the_boot_cpu_alone),
        cmocka_unit_test(test_native_trampoline_avoids_both_pages_of_start_info),
        cmocka_unit_test(test_native_trampoline_avoids_both_pages_of_the_rsdp),
        cmocka_unit_test(test_native_trampoline_avoids_the_memmap_and_modlist),
        cmocka_unit_test(test_smp_tramp_page_choice),
        cmocka_unit_test_setup(test_native_power_off_debug_exit_then_s5, modern),
        cmocka_unit_test_setup(test_native_pvh_panic_says_why_on_port_e9_then_crashes, pvh),
        cmocka_unit_test_setup(test_native_pvh_crash_op_crashes, pvh),
        cmocka_unit_test_setup(test_native_pvh_clean_shutdown_halts, pvh),
        cmocka_unit_test_setup(test_native_msr_safe_fault_is_efault, modern),
        cmocka_unit_test_setup(test_native_irq_save_restore_roundtrip, modern),
    };
    return cmocka_run_group_tests_name("native_init", tests, NULL, NULL);
}
