/* SPDX-License-Identifier: MIT */
/*
 * pic.h: the legacy 8259A PIC pair, which backends driving the LAPIC only
 * silence.  Ports: OCW1 (interrupt mask register) of the master at 0x21
 * and of the slave at 0xA1 (Intel 8259A datasheet, "Operation Command
 * Words").
 */
#ifndef VMI_COMMON_PIC_H
#define VMI_COMMON_PIC_H

/* Mask every line of both PICs, so the firmware's PIC setup cannot
 * deliver vectors 8-15 (exceptions in 64-bit mode) once IF is set. */
void pic_mask_all(void);

#endif
