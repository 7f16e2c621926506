/* SPDX-License-Identifier: MIT */
/* power.c: debug-exit, ACPI S5 and reset paths (backends/common). */
#include <insn.h>

#include "common.h"
#include "power.h"
#include "console.h"
#include "vmi/abi.h"

/* ACPI 6.5 section 4.8.3.2.1, PM1 Control Registers. */
#define PM1_SCI_EN 1u           /* SCI_EN, bit 0: the platform is in ACPI mode */
#define PM1_SLP_TYP_SHIFT 10    /* SLP_TYPx, bits 12:10 */
#define PM1_SLP_TYP_MASK (7u << PM1_SLP_TYP_SHIFT)
#define PM1_SLP_EN (1u << 13)   /* SLP_EN, bit 13 (write-only) */
/* 4.8.3.7, Sleep Control and Status Registers (hardware-reduced ACPI). */
#define SLEEP_CTL_TYP_SHIFT 2   /* SLP_TYPx, bits 4:2 */
#define SLEEP_CTL_EN (1u << 5)  /* SLP_EN, bit 5 */
/* Bounded waits, counted in reads of an ACPI register (no timer is
 * trusted this late): at the microsecond or so an I/O read takes on a
 * PC, about 3 s for ACPI mode (as long as Linux's ACPICA waits in
 * acpi_enable()) and about 1 s for the power to go. */
#define ACPI_ENABLE_POLLS 3000000u
#define POWER_OFF_POLLS 1000000u
/* Counted the same way, in reads of the 8042's status: about 0.2 s, of
 * the order of Linux's kb_wait() before its pulse (up to 65536 reads of
 * the status with a short delay between them, arch/x86/kernel/reboot.c). */
#define KBC_READY_POLLS 200000u
#define PORT_RESET_CONTROL 0xcf9
#define RESET_CONTROL_HARD 0x06 /* SYS_RST | RST_CPU (ICH datasheet, RST_CNT) */
/* The 8042 keyboard controller: its command port is also its status
 * port, whose bit 1 is set while the input buffer still holds a byte the
 * controller has not taken (IBM PC AT Technical Reference, keyboard
 * controller status register); a write then is lost. */
#define PORT_KBC_CMD 0x64
#define KBC_STATUS_IBF 0x02
#define KBC_ABSENT 0xff         /* no device drives the bus: all ones */
#define KBC_PULSE_RESET 0xfe    /* 8042: pulse output line 0 (CPU reset) */
#define RESET_SETTLE_SPINS 1000 /* let a reset take effect before the next */
/* PCI Local Bus Specification 3.0, 3.2.2.3.2: configuration mechanism #1. */
#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA 0xcfc
#define PCI_CONFIG_ENABLE (1u << 31)

static struct {
    int probed;
    bool found;                 /* an FADT was found */
    struct acpi_power acpi;
} power;

void power_init(uint64_t rsdp_hint)
{
    power.found = acpi_power_probe(rsdp_hint, &power.acpi);
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
    console_write(s, vmi_strlen(s));
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

/* A register of a Generic Address Structure (ACPI 5.2.3.2): I/O or
 * system memory (the parser keeps no other space for these). */
static uint16_t gas_read16(const struct acpi_gas *g)
{
    return g->space == ACPI_GAS_IO ? inw((uint16_t)g->addr) : mmio_read16(g->addr);
}

static uint8_t gas_read8(const struct acpi_gas *g)
{
    return g->space == ACPI_GAS_IO ? inb((uint16_t)g->addr) : mmio_read8(g->addr);
}

static void gas_write16(const struct acpi_gas *g, uint16_t v)
{
    if (g->space == ACPI_GAS_IO)
        outw((uint16_t)g->addr, v);
    else
        mmio_write16(g->addr, v);
}

/* 5.2.3.2: a PCI configuration space address is device (bits 47:32),
 * function (31:16) and offset (15:0) on segment 0, bus 0. */
static void pci_cfg_write8(uint64_t addr, uint8_t v)
{
    uint32_t dev = (uint32_t)(addr >> 32) & 0x1f, fn = (uint32_t)(addr >> 16) & 7;
    uint32_t off = (uint32_t)addr & 0xff;
    outl(PCI_CONFIG_ADDRESS, PCI_CONFIG_ENABLE | dev << 11 | fn << 8 | (off & 0xfc));
    outb((uint16_t)(PCI_CONFIG_DATA + (off & 3)), v);
}

static void gas_write8(const struct acpi_gas *g, uint8_t v)
{
    if (g->space == ACPI_GAS_IO)
        outb((uint16_t)g->addr, v);
    else if (g->space == ACPI_GAS_MEMORY)
        mmio_write8(g->addr, v);
    else
        pci_cfg_write8(g->addr, v);
}

/* Append " (I/O 0x604)" or " (memory 0xfea00000)" for (g). */
static void append_gas(char *buf, size_t size, size_t *n, const struct acpi_gas *g)
{
    char num[21];
    vmi_fmt_u64(num, g->addr, 16);
    vmi_append(buf, size, n, g->space == ACPI_GAS_IO ? " (I/O 0x" : " (memory 0x");
    vmi_append(buf, size, n, num);
    vmi_append(buf, size, n, ")");
}

/* What acpi_mode_enable() did. */
enum acpi_mode { MODE_ALREADY, MODE_ENABLED, MODE_STAYED_OFF };

/* ACPI 6.5 section 16.3.1, "Placing the System in ACPI Mode": if SCI_EN is
 * clear, write ACPI_ENABLE to SMI_CMD (5.2.9) and wait, bounded, for the
 * firmware to set SCI_EN.  SMI_CMD or ACPI_ENABLE zero means the platform
 * has no legacy mode to leave (5.2.9, Table 5.9). */
static enum acpi_mode acpi_mode_enable(const struct acpi_power *a)
{
    if ((gas_read16(&a->pm1a_cnt) & PM1_SCI_EN) || !a->smi_cmd || !a->acpi_enable)
        return MODE_ALREADY;
    outb((uint16_t)a->smi_cmd, a->acpi_enable);
    for (unsigned i = 0; i < ACPI_ENABLE_POLLS; i++)
        if (gas_read16(&a->pm1a_cnt) & PM1_SCI_EN)
            return MODE_ENABLED;
    return MODE_STAYED_OFF;
}

/* The one line before the attempt, e.g. "vmi: power off: ACPI mode
 * through SMI_CMD 0xb2, ACPI S5 through X_PM1a_CNT_BLK (I/O 0x604)". */
static void say_route(const struct acpi_power *a, enum acpi_mode mode)
{
    char line[192], num[21];
    size_t n = 0;
    vmi_append(line, sizeof(line), &n, "vmi: power off: ");
    if (mode != MODE_ALREADY) {
        vmi_fmt_u64(num, a->smi_cmd, 16);
        vmi_append(line, sizeof(line), &n, "ACPI mode through SMI_CMD 0x");
        vmi_append(line, sizeof(line), &n, num);
        vmi_append(line, sizeof(line), &n,
                   mode == MODE_STAYED_OFF ? " (SCI_EN stayed clear), " : ", ");
    }
    vmi_append(line, sizeof(line), &n, "ACPI S5 through ");
    if (a->hw_reduced) {
        vmi_append(line, sizeof(line), &n, "SLEEP_CONTROL_REG");
        append_gas(line, sizeof(line), &n, &a->sleep_ctl);
    } else {
        vmi_append(line, sizeof(line), &n, a->pm1a_x ? "X_PM1a_CNT_BLK" : "PM1a_CNT_BLK");
        append_gas(line, sizeof(line), &n, &a->pm1a_cnt);
        if (a->pm1b_cnt.addr) {
            vmi_append(line, sizeof(line), &n,
                       a->pm1b_x ? " and X_PM1b_CNT_BLK" : " and PM1b_CNT_BLK");
            append_gas(line, sizeof(line), &n, &a->pm1b_cnt);
        }
    }
    vmi_append(line, sizeof(line), &n, "\n");
    power_say(line);
}

/* 4.8.3.2.1 and 7.4.2 (\_Sx): SLP_TYPx of \_S5 into PM1a_CNT and
 * PM1b_CNT, keeping their other bits, then the same with SLP_EN, as
 * Linux's ACPICA acpi_hw_legacy_sleep() does for chipsets that need the
 * type written before the enable. */
static void pm1_sleep(const struct acpi_power *a)
{
    const struct acpi_gas *reg[2] = { &a->pm1a_cnt, &a->pm1b_cnt };
    const uint8_t typ[2] = { a->slp_typa, a->slp_typb };
    uint16_t v[2] = { 0, 0 };
    for (unsigned i = 0; i < 2; i++) {
        if (!reg[i]->addr)
            continue;
        v[i] = (uint16_t)((gas_read16(reg[i]) & ~(PM1_SLP_TYP_MASK | PM1_SLP_EN)) |
                          ((unsigned)typ[i] << PM1_SLP_TYP_SHIFT & PM1_SLP_TYP_MASK));
        gas_write16(reg[i], v[i]);
    }
    for (unsigned i = 0; i < 2; i++)
        if (reg[i]->addr)
            gas_write16(reg[i], (uint16_t)(v[i] | PM1_SLP_EN));
}

/* Enter S5 by what the FADT offers; returns why the machine still runs. */
static const char *acpi_s5(void)
{
    const struct acpi_power *a = power_acpi();
    if (!power.found)
        return "no ACPI FADT";
    if (!a->s5)
        return "no \\_S5 package in the DSDT";
    if (a->hw_reduced) {
        /* 4.1 (Hardware-Reduced ACPI), 4.8.3.7: SLP_TYPx and SLP_EN in
         * one write. */
        if (!acpi_gas_io_or_memory(&a->sleep_ctl))
            return "hardware-reduced ACPI without a SLEEP_CONTROL_REG";
        say_route(a, MODE_ALREADY);
        gas_write8(&a->sleep_ctl, (uint8_t)((a->slp_typa & 7u) << SLEEP_CTL_TYP_SHIFT |
                                            SLEEP_CTL_EN));
        for (unsigned i = 0; i < POWER_OFF_POLLS; i++)
            (void)gas_read8(&a->sleep_ctl);
        return "SLEEP_CONTROL_REG written, still running";
    }
    if (!a->pm1a_cnt.addr)
        return "no PM1a control register in the FADT";
    enum acpi_mode mode = acpi_mode_enable(a);
    say_route(a, mode);
    pm1_sleep(a);
    for (unsigned i = 0; i < POWER_OFF_POLLS; i++)
        (void)gas_read16(&a->pm1a_cnt);
    return mode == MODE_STAYED_OFF ? "SCI_EN stayed clear; S5 written, still running"
                                   : "S5 written, still running";
}

const char *power_off_try(unsigned code)
{
    outb(VMI_DEBUG_EXIT_PORT, (uint8_t)code);
    cli();
    return acpi_s5();
}

static void settle(void)
{
    for (unsigned i = 0; i < RESET_SETTLE_SPINS; i++)
        cpu_relax();
}

/* Wait, bounded, for the 8042 to take a command: its input buffer empty,
 * or no controller there.  Whether it came to that is not returned: the
 * pulse is written either way, the last route left. */
static void kbc_wait_ready(void)
{
    for (unsigned i = 0; i < KBC_READY_POLLS; i++) {
        uint8_t st = inb(PORT_KBC_CMD);
        if (st == KBC_ABSENT || !(st & KBC_STATUS_IBF))
            return;
    }
}

void power_reset_try(void)
{
    const struct acpi_power *a = power_acpi();
    /* 4.8.3.6, Reset Register: RESET_VALUE to RESET_REG (I/O, memory or
     * PCI configuration space). */
    if (a->reset)
        gas_write8(&a->reset_reg, a->reset_value);
    settle();
    outb(PORT_RESET_CONTROL, RESET_CONTROL_HARD);
    settle();
    kbc_wait_ready();
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
 * clean poweroff, as wanted.  Any other code must not look like that.
 * Either way one line says first what failed. */
void power_off(unsigned code)
{
    const char *why = power_off_try(code);
    power_say("vmi: power off failed: no debug-exit device at port 0xf4, ACPI S5: ");
    power_say(why);
    power_say(code == VMI_EXIT_OK ? "; halting\n" : "; ending as a crash\n");
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
