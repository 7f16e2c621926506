/* SPDX-License-Identifier: MIT */
/* power.c: debug-exit, ACPI S5 and reset paths (backends/common). */
#include <insn.h>

#include "common.h"
#include "power.h"
#include "uart.h"
#include "vmi/abi.h"

#define PM1_SLP_TYP_SHIFT 10    /* ACPI 6.5 4.8.3.2.1: SLP_TYPx, bits 12:10 */
#define PM1_SLP_EN (1u << 13)   /* SLP_EN, bit 13 */
#define PORT_RESET_CONTROL 0xcf9
#define RESET_CONTROL_HARD 0x06 /* SYS_RST | RST_CPU (ICH datasheet, RST_CNT) */
#define PORT_KBC_CMD 0x64
#define KBC_PULSE_RESET 0xfe    /* 8042: pulse output line 0 (CPU reset) */
#define RESET_SETTLE_SPINS 1000 /* let a reset take effect before the next */

static struct {
    int probed;
    struct acpi_power acpi;
} power;

void power_init(uint64_t rsdp_hint)
{
    acpi_power_probe(rsdp_hint, &power.acpi);
    power.probed = 1;
}

const struct acpi_power *power_acpi(void)
{
    if (!power.probed)
        power_init(0);
    return &power.acpi;
}

void power_off_try(unsigned code)
{
    outb(VMI_DEBUG_EXIT_PORT, (uint8_t)code);
    const struct acpi_power *a = power_acpi();
    if (!a->s5 || !a->pm1a_cnt)
        return;
    outw(a->pm1a_cnt, (uint16_t)(a->slp_typa << PM1_SLP_TYP_SHIFT | PM1_SLP_EN));
    if (a->pm1b_cnt)
        outw(a->pm1b_cnt, (uint16_t)(a->slp_typb << PM1_SLP_TYP_SHIFT | PM1_SLP_EN));
}

static void settle(void)
{
    for (unsigned i = 0; i < RESET_SETTLE_SPINS; i++)
        cpu_relax();
}

void power_reset_try(void)
{
    const struct acpi_power *a = power_acpi();
    if (a->reset && a->reset_space == ACPI_GAS_IO)
        outb((uint16_t)a->reset_addr, a->reset_value);
    else if (a->reset)
        mmio_write8(a->reset_addr, a->reset_value);
    settle();
    outb(PORT_RESET_CONTROL, RESET_CONTROL_HARD);
    settle();
    outb(PORT_KBC_CMD, KBC_PULSE_RESET);
    settle();
}

void power_halt(void)
{
    for (;;) {
        cli();
        hlt();
    }
}

void power_crash_with(const char *msg, power_report_fn *report)
{
    static const char pre[] = "vmi: crash: ";
    uart_console_write(pre, sizeof(pre) - 1);
    uart_console_write(msg, vmi_strlen(msg));
    uart_console_write("\n", 1);
    /* After the line: a report may end the machine at once. */
    if (report)
        report(msg);
    outb(VMI_DEBUG_EXIT_PORT, VMI_EXIT_CRASH);
    power_halt();
}

void power_crash(const char *msg)
{
    power_crash_with(msg, NULL);
}

void power_off(unsigned code)
{
    power_off_try(code);
    power_halt();
}

void power_reset(void)
{
    power_reset_try();
    outb(VMI_DEBUG_EXIT_PORT, VMI_EXIT_REBOOT);
    triple_fault();
}

void vmi_refuse(const char *expected, const char *found)
{
    const struct uart *u = uart_early();
    static const char a[] = "vmi: kernel linked for ", b[] = " but found ";
    uart_write(u, a, sizeof(a) - 1);
    uart_write(u, expected, vmi_strlen(expected));
    uart_write(u, b, sizeof(b) - 1);
    uart_write(u, found, vmi_strlen(found));
    uart_write(u, "\n", 1);
    power_off(VMI_EXIT_WRONG_HV);
}
