/* SPDX-License-Identifier: MIT */
/*
 * power.h: stopping and resetting a PC-compatible machine, in the order
 * that works in every environment vmi runs in: the isa-debug-exit port
 * (QEMU and vmi-run report the code), then ACPI, then legacy resets, then
 * a halt or triple fault.  Shared by the native shutdown/reboot/crash ops
 * and by vmi_refuse() of the paravirtual backends.
 */
#ifndef VMI_COMMON_POWER_H
#define VMI_COMMON_POWER_H

#include <stdint.h>

#include "acpi.h"

/* Probe ACPI for the sleep and reset registers, from the RSDP at
 * (rsdp_hint) or found by a scan.  Called by init; power_off and
 * power_reset call it with 0 themselves if nobody did. */
void power_init(uint64_t rsdp_hint);

/* The registers found (all zero when ACPI was not usable). */
const struct acpi_power *power_acpi(void);

/* Try to stop the machine with exit (code): write it (8 bits) to the
 * debug-exit port VMI_DEBUG_EXIT_PORT, then, if still running, with
 * interrupts off, enter ACPI S5 (ACPI 6.5 sections 4.8.3.2.1, 4.8.3.7,
 * 7.4.2, 16.3.1): on a hardware-reduced platform SLP_TYP of \_S5 << 2 |
 * SLP_EN to SLEEP_CONTROL_REG; otherwise ACPI mode first (ACPI_ENABLE to
 * SMI_CMD while SCI_EN is clear, a bounded wait), then SLP_TYP << 10 into
 * PM1a_CNT and PM1b_CNT (X_PM1x_CNT_BLK, I/O or memory, where the FADT
 * has them, else the 32-bit ports), then with SLP_EN.  One line
 * "vmi: power off: ..." names the registers before they are written.
 * Returns only if nothing worked, with a phrase saying what failed. */
const char *power_off_try(unsigned code);

/* Try, in order: the FADT reset register (I/O, memory or PCI
 * configuration space; ACPI 6.5 section 4.8.3.6), port 0xCF9 <- 0x06
 * (PCI reset control, Intel ICH/PIIX datasheets), the keyboard
 * controller 0x64 <- 0xFE (pulse reset line) once its status (port 0x64)
 * shows the input buffer empty (bit 1 clear) or reads 0xff (no
 * controller), or after 200000 reads of it without.  Returns only if none
 * worked. */
void power_reset_try(void);

/* Write (s) to the debug console port VMI_DEBUGCON_PORT (0xe9). */
void power_debugcon(const char *s);

/* Write (s) to the console (console_write; uart_early() before
 * console_init) and the debug console: for last words, refusals and the
 * few lines that must be seen wherever the kernel runs, even where the
 * backend's own console does not work (a PVH domU has no UART, a PC has
 * no port 0xe9). */
void power_say(const char *s);

/* End a failure with (code) where no hypervisor interface reports it:
 * "vmi: exit <code>" on the debug console, (code) to the debug-exit port
 * (vmi-run and QEMU stop there), then a triple fault (lidt with limit 0,
 * int3), which Xen reports as shutdown reason "crash" where a halt would
 * be "poweroff", i.e. success (Xen hvm_hlt/hvm_vcpu_down). */
__attribute__((noreturn)) void power_fail(unsigned code);

/* power_off_try(code); if still running, the one line "vmi: power off
 * failed: ..., ACPI S5: <what failed>; halting" (or "; ending as a
 * crash"), then power_fail(code) for a code other than VMI_EXIT_OK,
 * else cli; hlt forever. */
__attribute__((noreturn)) void power_off(unsigned code);
/* power_reset_try(), then debug-exit VMI_EXIT_REBOOT, then a triple fault. */
__attribute__((noreturn)) void power_reset(void);
/* cli; hlt forever (an NMI only resumes the loop). */
__attribute__((noreturn)) void power_halt(void);

/* The crash op of a backend with no crash-report interface: print
 * "vmi: crash: <msg>" on the console (console.h) and the debug console, then
 * power_fail(VMI_EXIT_CRASH).  power_off and power_reset already
 * have the shutdown and reboot ops' signatures: point vmi_ops at them. */
__attribute__((noreturn)) void power_crash(const char *msg);

/* What a backend with a crash-report interface tells its hypervisor about
 * the crash (msg) (hyperv: the crash MSRs).  It may not return. */
typedef void power_report_fn(const char *msg);

/* power_crash with (report)(msg) between the console line and
 * power_fail; NULL is power_crash. */
__attribute__((noreturn)) void power_crash_with(const char *msg,
                                                power_report_fn *report);

/* For a paravirtual backend that did not find its hypervisor: print the
 * one line "vmi: kernel linked for <expected> but found <found>" on the
 * UART at VMI_UART_PORT and the debug console, then
 * power_fail(VMI_EXIT_WRONG_HV): never ACPI S5, a success on Xen. */
__attribute__((noreturn)) void vmi_refuse(const char *expected,
                                          const char *found);

#endif
