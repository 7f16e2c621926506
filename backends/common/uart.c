/* SPDX-License-Identifier: MIT */
/* uart.c: polled 16550 UART (backends/common). */
#include <insn.h>

#include "uart.h"
#include "vmi/abi.h"

/* PC16550D register offsets and bits (datasheet, "Register Description"). */
#define UART_RBR 0          /* receive buffer (read, DLAB=0) */
#define UART_THR 0          /* transmit holding (write, DLAB=0) */
#define UART_IER 1          /* interrupt enable */
#define UART_DLL 0          /* divisor latch low (DLAB=1) */
#define UART_DLM 1          /* divisor latch high (DLAB=1) */
#define UART_FCR 2          /* FIFO control (write) */
#define UART_IIR 2          /* interrupt identification (read) */
#define UART_LCR 3          /* line control */
#define UART_MCR 4          /* modem control */
#define UART_LSR 5          /* line status */
#define UART_SCR 7          /* scratch */
#define LCR_DLAB 0x80
#define LCR_8N1 0x03
#define FCR_ENABLE_CLEAR 0x07   /* enable FIFOs, clear RX and TX */
#define IIR_FIFO_ON 0xc0        /* both bits set: FIFOs enabled (16550A) */
#define MCR_DTR_RTS_OUT2 0x0b
#define LSR_DR 0x01             /* data ready */
#define LSR_THRE 0x20           /* transmit holding register empty */
#define UART_FIFO_LEN 16        /* 16550A transmit FIFO depth */
#define UART_DIVISOR_115200 1   /* 1.8432 MHz / (16 * 115200) */
#define UART_MAX_POLLS 1000000  /* give up on a UART that never drains */

void uart_init_divisor(struct uart *u, uint16_t port, uint16_t divisor)
{
    u->port = port;
    outb(port + UART_IER, 0);
    if (divisor) {
        outb(port + UART_LCR, LCR_DLAB);
        outb(port + UART_DLL, (uint8_t)divisor);
        outb(port + UART_DLM, (uint8_t)(divisor >> 8));
    }
    outb(port + UART_LCR, LCR_8N1);
    outb(port + UART_FCR, FCR_ENABLE_CLEAR);
    outb(port + UART_MCR, MCR_DTR_RTS_OUT2);
    /* With a working FIFO one THRE poll admits 16 bytes: under an
     * emulator every port access is an exit, so this halves the cost. */
    u->burst = (inb(port + UART_IIR) & IIR_FIFO_ON) == IIR_FIFO_ON
                   ? UART_FIFO_LEN : 1;
}

void uart_init(struct uart *u, uint16_t port)
{
    uart_init_divisor(u, port, UART_DIVISOR_115200);
}

bool uart_probe(uint16_t port)
{
    if (inb(port + UART_LSR) == 0xff)
        return false;
    outb(port + UART_SCR, 0x55);
    if (inb(port + UART_SCR) != 0x55)
        return false;
    outb(port + UART_SCR, 0xaa);
    return inb(port + UART_SCR) == 0xaa;
}

/* Wait for THRE, bounded so a missing UART cannot hang a panic path. */
static void uart_wait_thre(const struct uart *u)
{
    for (unsigned i = 0; i < UART_MAX_POLLS; i++) {
        if (inb(u->port + UART_LSR) & LSR_THRE)
            return;
        cpu_relax();
    }
}

void uart_write(const struct uart *u, const char *buf, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uart_wait_thre(u);
        for (unsigned n = 0; n < u->burst && i < len; n++)
            outb(u->port + UART_THR, (uint8_t)buf[i++]);
    }
}

size_t uart_read(const struct uart *u, char *buf, size_t len)
{
    size_t n = 0;
    while (n < len && (inb(u->port + UART_LSR) & LSR_DR))
        buf[n++] = (char)inb(u->port + UART_RBR);
    return n;
}

const struct uart *uart_early(void)
{
    static struct uart early;
    if (!early.port)
        uart_init(&early, VMI_UART_PORT);
    return &early;
}
