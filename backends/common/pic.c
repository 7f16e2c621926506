/* SPDX-License-Identifier: MIT */
/* pic.c: silencing the 8259A PICs and the I/O APICs (backends/common,
 * see pic.h for the sources). */
#include <insn.h>

#include "pic.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1
#define ICW1_INIT_ICW4 0x11     /* ICW1: edge, cascade, ICW4 follows */
#define ICW3_MASTER 0x04        /* the slave sits on IR2 */
#define ICW3_SLAVE 0x02         /* its cascade identity */
#define ICW4_8086 0x01

void pic_remap_mask(void)
{
    outb(PIC1_CMD, ICW1_INIT_ICW4);
    outb(PIC2_CMD, ICW1_INIT_ICW4);
    outb(PIC1_DATA, PIC_VECTOR_BASE);       /* ICW2: vector base */
    outb(PIC2_DATA, PIC_VECTOR_BASE + 8);
    outb(PIC1_DATA, ICW3_MASTER);
    outb(PIC2_DATA, ICW3_SLAVE);
    outb(PIC1_DATA, ICW4_8086);
    outb(PIC2_DATA, ICW4_8086);
    outb(PIC1_DATA, 0xff);                  /* OCW1: all masked */
    outb(PIC2_DATA, 0xff);
}

#define IOREGSEL 0x00
#define IOWIN 0x10
#define IOAPICVER 0x01
#define IOREDTBL 0x10
#define IOREDTBL_MASK (1u << 16)

static uint32_t ioapic_read(uint64_t base, uint32_t reg)
{
    mmio_write32(base + IOREGSEL, reg);
    return mmio_read32(base + IOWIN);
}

void ioapic_mask_all(uint64_t base)
{
    unsigned last = ioapic_read(base, IOAPICVER) >> 16 & 0xff;
    for (unsigned n = 0; n <= last; n++) {
        uint32_t lo = ioapic_read(base, IOREDTBL + 2 * n);
        mmio_write32(base + IOWIN, lo | IOREDTBL_MASK);
    }
}
