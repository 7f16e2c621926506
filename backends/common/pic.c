/* SPDX-License-Identifier: MIT */
/* pic.c: masking the legacy 8259A PICs (backends/common). */
#include <insn.h>

#include "pic.h"

#define PIC1_DATA 0x21      /* master OCW1 (8259A datasheet) */
#define PIC2_DATA 0xa1      /* slave OCW1 */

void pic_mask_all(void)
{
    outb(PIC1_DATA, 0xff);
    outb(PIC2_DATA, 0xff);
}
