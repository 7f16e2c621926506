/* SPDX-License-Identifier: MIT */
/*
 * pic.h: the legacy interrupt controllers that backends driving the LAPIC
 * only silence: the 8259A PIC pair (Intel 8259A datasheet, "Initialization
 * Command Words" and "Operation Command Words"; ports 0x20/0x21 master,
 * 0xA0/0xA1 slave) and the I/O APICs (Intel 82093AA I/O APIC datasheet,
 * 3.2: IOREGSEL at offset 0, IOWIN at 0x10; IOAPICVER register 1, bits
 * 23:16 the highest redirection entry; entry n's low word is register
 * 0x10 + 2n, bit 16 its mask).
 */
#ifndef VMI_COMMON_PIC_H
#define VMI_COMMON_PIC_H

#include <stdint.h>

/* The PICs' vectors after pic_remap_mask: IRQ 0-15 at 0x20-0x2f, above
 * the exceptions (their spurious IRQ 7 and 15 come as 0x27 and 0x2f). */
#define PIC_VECTOR_BASE 0x20

/* Re-initialise both PICs (ICW1-ICW4: edge, cascade on IR2, 8086 mode)
 * with IRQ 0-15 at PIC_VECTOR_BASE.. instead of firmware's 8-15
 * (exceptions in 64-bit mode), then mask every line. */
void pic_remap_mask(void);

/* Mask every redirection entry of the I/O APIC whose register block is at
 * physical (base), keeping the entries' other fields. */
void ioapic_mask_all(uint64_t base);

#endif
