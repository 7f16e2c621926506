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

void power_debugcon(const char *s)
{
    for (; *s; s++)
        outb(VMI_DEBUGCON_PORT, (uint8_t)*s);
}

/* Last words go to both: a PVH domU has no UART, a PC has no port 0xe9. */
void power_say(const char *s)
{
    uart_write(uart_early(), s, vmi_strlen(s));
    power_debugcon(s);
}

void power_fail(unsigned code)
{
    char num[21];
    vmi_fmt_u64(num, code, 10);
    power_debugcon("vmi: exit ");
    power_debugcon(num);
    power_debugcon("\n");
    outb(VMI_DEBUG_EXIT_PORT, (uint8_t)code);
    triple_fault();
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
    power_say("vmi: crash: ");
    power_say(msg);
    power_say("\n");
    /* After the line: a report may end the machine at once. */
    if (report)
        report(msg);
    power_fail(VMI_EXIT_CRASH);
}

void power_crash(const char *msg)
{
    power_crash_with(msg, NULL);
}

/* Code 0 with no power-off device halts: on Xen a halted last vCPU is a
 * clean poweroff, as wanted.  Any other code must not look like that. */
void power_off(unsigned code)
{
    power_off_try(code);
    if (code != VMI_EXIT_OK)
        power_fail(code);
    power_halt();
}

void power_reset(void)
{
    power_reset_try();
    outb(VMI_DEBUG_EXIT_PORT, VMI_EXIT_REBOOT);
    triple_fault();
}

/* No ACPI S5 here: it would end as a clean poweroff on Xen. */
void vmi_refuse(const char *expected, const char *found)
{
    power_say("vmi: kernel linked for ");
    power_say(expected);
    power_say(" but found ");
    power_say(found);
    power_say("\n");
    power_fail(VMI_EXIT_WRONG_HV);
}
