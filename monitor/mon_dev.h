/* SPDX-License-Identifier: MIT */
/* monitor/mon_dev.h: port-I/O device handlers shared by mon_dev.c and
 * mon_uart.c.  Called with mon->dev.lock held. */
#ifndef MON_DEV_H
#define MON_DEV_H

#include "mon.h"

/* One access of size bytes; *val is the value written, or is set to the
 * value read.  Returns false if this device does not own the access. */
typedef bool mon_port_fn(struct mon *mon, unsigned vcpu,
			 const struct mon_exit *x, uint16_t port,
			 unsigned size, bool out, uint32_t *val);

mon_port_fn mon_uart_port;
mon_port_fn mon_rtc_port;

#endif
