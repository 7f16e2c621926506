/* SPDX-License-Identifier: MIT */
/*
 * console.h: the console of the PC backends (native, kvm, hyperv): one
 * write goes to every output device found, in the same bytes.
 *   - A 16550 UART: the one the ACPI SPCR table names (Microsoft "Serial
 *     Port Console Redirection Table" specification: interface type at
 *     offset 36, base address as an ACPI Generic Address at 40, baud
 *     rate code at 58), if it is 16550-compatible and in I/O space
 *     (type 0x12, "16550-compatible with GAS parameters": with 8-bit
 *     registers only); otherwise COM1 (VMI_UART_PORT) if uart_probe
 *     says a UART is there.
 *   - The framebuffer the loader set up (struct vmi_boot_fb; fbcon.h),
 *     if it lies in the identity-mapped first 4 GiB.
 * With neither, writes go nowhere and the kernel runs on.  Before
 * console_init the console is uart_early(), as for vmi_refuse.
 */
#ifndef VMI_COMMON_CONSOLE_H
#define VMI_COMMON_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

#include "vmi/types.h"

/* SPCR (offsets above). */
#define SPCR_IFACE 36
#define SPCR_BASE 40
#define SPCR_BAUD 58
#define SPCR_LEN_MIN 59
#define SPCR_16550 0x00             /* full 16550 */
#define SPCR_16450 0x01             /* 16550 subset, 16450 */
#define SPCR_16550_GAS 0x12         /* 16550-compatible, GAS parameters */

/* Find the devices: the SPCR through the RSDP at (rsdp) (0: none),
 * COM1, (boot)->fb.  A framebuffer that cannot be used is said in one
 * line on the UART ("console: framebuffer ...: <why>"). */
void console_init(const struct vmi_boot *boot, uint64_t rsdp);

/* The UART port SPCR at (rsdp) names and its divisor (0: keep the
 * firmware's), or 0 if there is no usable SPCR. */
uint16_t console_spcr_port(uint64_t rsdp, uint16_t *divisor);

/* Once the LAPIC (l) is enabled on every CPU that writes (before any AP
 * starts): the console lock records its holder by LAPIC ID, so that a
 * write nested in the holder's (an NMI, a fault) does not wait for it.
 * Before, there is one CPU. */
struct lapic;
void console_set_lapic(const struct lapic *l);

/* The console ops (include/vmi/ops.h): write to every device, read from
 * the UART (0 bytes without one).  One writer at a time; a write nested
 * in a write on the same CPU goes to the UART only, without waiting; one
 * that waits about 2^31 TSC cycles for another CPU's writes anyway. */
void console_write(const char *buf, size_t len);
size_t console_read(char *buf, size_t len);

/* What console_init found, for vmi_info.console: "uart 0x3f8",
 * "uart 0x2f8 (spcr) + fb 1024x768x32", "fb 80x25 text", "none". */
const char *console_name(void);

#endif
