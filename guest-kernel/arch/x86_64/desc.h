/* SPDX-License-Identifier: MIT */
/*
 * desc.h: the kernel's GDT, TSS and IDT (arch layer), all installed
 * through vmi ops.  One GDT and one IDT are shared by every CPU; each CPU
 * has its own 64-bit TSS and TSS descriptor.
 */
#ifndef ARCH_DESC_H
#define ARCH_DESC_H

#include <stdint.h>

#include "vmi/boot.h"
#include "vmi/types.h"

/* GDT layout.  User data sits just below user code so that SYSRET can
 * use STAR[63:48] = GDT_UCODE32 (Intel SDM Vol. 2B SYSRET). */
#define GDT_KCODE 1
#define GDT_KDATA 2
#define GDT_UCODE32 3
#define GDT_UDATA 4
#define GDT_UCODE 5
#define GDT_TSS 6                   /* two slots per CPU from here */

#define SEL_KCODE (GDT_KCODE << 3)
#define SEL_KDATA (GDT_KDATA << 3)
#define SEL_UDATA ((GDT_UDATA << 3) | 3)
#define SEL_UCODE ((GDT_UCODE << 3) | 3)

_Static_assert(SEL_KCODE == VMI_BOOT_CS && SEL_KDATA == VMI_BOOT_DS, "boot GDT");

/* Build the shared GDT and IDT (boot CPU, once). */
void desc_init(void);
/* Install this CPU's TSS and load GDT, segments, IDT, TR and rsp0. */
void desc_load(unsigned cpu);

/* Point (vector) at its stub with a DPL3 interrupt gate, so that user
 * code may raise it with `int` (the system-call vector). */
void desc_set_user_gate(unsigned vector);

/* The IDT every CPU shares, for installing a gate with
 * vmi_write_idt_entry. */
struct vmi_gate *desc_idt(void);

/* entry.S: reload CS, DS, ES and SS (not FS or GS: that would clear the
 * GS base) after a new GDT is loaded. */
void segments_reload(uint64_t cs, uint64_t ds);

#endif
