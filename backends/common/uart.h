/* SPDX-License-Identifier: MIT */
/*
 * uart.h: polled 16550 UART driver (the console of native-style backends,
 * and of every backend's early and refusal messages).  Register layout:
 * National Semiconductor PC16550D datasheet; COM1 is at VMI_UART_PORT.
 */
#ifndef VMI_COMMON_UART_H
#define VMI_COMMON_UART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct uart {
    uint16_t port;      /* base I/O port, e.g. 0x3f8 */
    uint8_t burst;      /* bytes that fit after THRE: 16 with FIFO, else 1 */
};

/* Program (u) at (port): 115200 8N1, FIFOs on, interrupts off.  Cannot
 * fail; on a port with no UART the writes are lost silently. */
void uart_init(struct uart *u, uint16_t port);

/* uart_init with baud-rate divisor (divisor) (115200 / baud), or 0 to
 * keep the divisor the firmware programmed. */
void uart_init_divisor(struct uart *u, uint16_t port, uint16_t divisor);

/* True if a UART answers at (port): LSR does not read as 0xff (an empty
 * port on a PC bus) and the scratch register keeps 0x55 and 0xaa. */
bool uart_probe(uint16_t port);

/* Write (len) bytes of (buf), byte-exact (no CR/LF translation), polling
 * LSR.THRE; returns once the last byte is in the transmitter. */
void uart_write(const struct uart *u, const char *buf, size_t len);

/* Read up to (len) bytes into (buf) while LSR.DR says data is ready;
 * never blocks.  Returns the count read (0 if none). */
size_t uart_read(const struct uart *u, char *buf, size_t len);

/* A UART at VMI_UART_PORT, usable before or without any backend init (for
 * vmi_refuse and panics).  Initialised on first use. */
const struct uart *uart_early(void);

#endif
