/* SPDX-License-Identifier: MIT */
/*
 * monitor/mon_uart.c: a 16550A UART at COM1 (0x3f8) that forwards what
 * the guest transmits to stdout.  Register map from the TI PC16550D data
 * sheet, table 2.  No input and no interrupts: LSR always says the
 * transmitter is empty (THRE|TEMT) and never data ready, so a polling
 * guest never waits, and IIR always says "no interrupt pending".
 * Also mon_out_write(), the way all guest console output reaches stdout,
 * which never keeps vmi-run from ending (docs/vmi-run.md "Host faults").
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mon.h"
#include "mon_dev.h"

#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
#define UART_LCR_DLAB 0x80
#define UART_MCR_LOOP 0x10
#define UART_IIR_NONE 0x01
#define UART_MSR_IDLE 0xb0     /* DCD | DSR | CTS: a cable is attached */

void mon_out_write(struct mon *mon, const char *buf, size_t len)
{
	struct mon_out *o = &mon->out;

	while (len && !o->err && !o->late) {
		ssize_t n;

		if (!mon_fd_ready(mon, mon->out_fd, 0)) {
			o->late = true;
			break;
		}
		n = write(mon->out_fd, buf, len < PIPE_BUF ? len : PIPE_BUF);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
		} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
			o->err = n ? errno : EIO;
		}
	}
	o->dropped += len;
}

size_t mon_out_note(const struct mon *mon, char *buf, size_t cap)
{
	const struct mon_out *o = &mon->out;
	int n;

	buf[0] = '\0';
	if (!o->dropped)
		return 0;
	n = snprintf(buf, cap, "%" PRIu64 " bytes of guest output dropped "
		     "(stdout: %s)", o->dropped, o->err ? strerror(o->err) :
		     "not writable within " MON_OUT_GRACE_TEXT " of the stop");
	return n < 0 ? 0 : (size_t)n;
}

void mon_uart_flush(struct mon *mon)
{
	struct mon_uart *u = &mon->dev.uart;

	mon_out_write(mon, u->buf, u->len);
	u->len = 0;
}

static void uart_tx(struct mon *mon, uint8_t c)
{
	struct mon_uart *u = &mon->dev.uart;

	u->buf[u->len++] = (char)c;
	if (c == '\n' || u->len == sizeof(u->buf))
		mon_uart_flush(mon);
}

/* MSR in loopback mode mirrors MCR (PC16550D, MCR bit 4 description). */
static uint8_t uart_msr(const struct mon_uart *u)
{
	if (!(u->mcr & UART_MCR_LOOP))
		return UART_MSR_IDLE;
	return (uint8_t)(((u->mcr & 0x01) << 5) | ((u->mcr & 0x02) << 3) |
			 ((u->mcr & 0x04) << 4) | ((u->mcr & 0x08) << 4));
}

static uint8_t uart_read(const struct mon_uart *u, unsigned reg)
{
	bool dlab = u->lcr & UART_LCR_DLAB;

	switch (reg) {
	case 0: return dlab ? u->dll : 0;       /* RBR: no input */
	case 1: return dlab ? u->dlm : u->ier;
	case 2: return UART_IIR_NONE;
	case 3: return u->lcr;
	case 4: return u->mcr;
	case 5: return UART_LSR_THRE | UART_LSR_TEMT;
	case 6: return uart_msr(u);
	default: return u->scr;
	}
}

static void uart_write(struct mon *mon, unsigned reg, uint8_t v)
{
	struct mon_uart *u = &mon->dev.uart;
	bool dlab = u->lcr & UART_LCR_DLAB;

	switch (reg) {
	case 0:
		if (dlab)
			u->dll = v;
		else if (!(u->mcr & UART_MCR_LOOP))
			uart_tx(mon, v);
		break;
	case 1:
		if (dlab)
			u->dlm = v;
		else
			u->ier = v & 0x0f;
		break;
	case 3: u->lcr = v; break;
	case 4: u->mcr = v & 0x1f; break;
	case 7: u->scr = v; break;
	default: break;                 /* FCR, LSR, MSR: nothing to keep */
	}
}

bool mon_uart_port(struct mon *mon, unsigned vcpu, const struct mon_exit *x,
		   uint16_t port, unsigned size, bool out, uint32_t *val)
{
	unsigned reg = port - VMI_UART_PORT;

	(void)vcpu;
	(void)x;
	(void)size;
	if (out)
		uart_write(mon, reg, (uint8_t)*val);
	else
		*val = uart_read(&mon->dev.uart, reg);
	return true;
}
