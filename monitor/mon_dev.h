/* SPDX-License-Identifier: MIT */
/*
 * monitor/mon_dev.h: the PC devices vmi-run emulates (mon_dev.c: ports,
 * MMIO and MSRs a personality does not take; mon_uart.c, mon_rtc.c) and
 * the guest's console output.  Port handlers are called with
 * mon->dev.lock held.
 */
#ifndef MON_DEV_H
#define MON_DEV_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mon;
struct mon_exit;
struct mon_vcpu;

/* Port map (see docs/vmi-run.md).  PM1a blocks are the FADT's; 0xcf9 is
 * the PIIX/ICH reset control register named by the FADT RESET_REG. */
#define MON_PORT_PM1A_EVT 0x600u
#define MON_PORT_PM1A_CNT 0x604u
#define MON_PORT_RESET    0xcf9u
#define MON_PORT_POST     0x80u
/* SLP_TYP of \_S5 in the DSDT (mon_acpi.c); PM1_CNT bits 10-12 and
 * SLP_EN bit 13 (ACPI 6.4 4.8.3.2.1, Table 4.13). */
#define MON_ACPI_S5_SLP_TYP 5u
#define MON_PM1_SLP_TYP_SHIFT 10
#define MON_PM1_SLP_EN (1u << 13)
#define MON_PM1_SCI_EN (1u << 0)

/* Fail closed: after this many accesses to unknown ports, MMIO or MSRs
 * the guest is stopped (a guest spinning on them would never end). */
#define MON_UNKNOWN_CAP   10000ul
#define MON_UNKNOWN_LOG   16ul

struct mon_uart {
	uint8_t lcr, mcr, ier, scr, dll, dlm;
	size_t len;
	char buf[512];
};

/* Guest console output to mon.out_fd (stdout), mon_out_write(): what
 * could not be written, and why; reported on vmi-run's one line. */
struct mon_out {
	uint64_t dropped;       /* bytes */
	int err;                /* errno that ended output for good, or 0 */
	bool late;              /* not writable within MON_OUT_GRACE_NS */
};

struct mon_pic {
	uint8_t mask;
	uint8_t icw_left;       /* initialisation words still expected */
	bool icw4;
};

struct mon_dev {
	pthread_mutex_t lock;
	struct mon_uart uart;
	struct mon_pic pic[2];
	uint8_t pit_flip[3];
	uint16_t pm1_cnt;
	uint8_t port61;
	uint8_t rtc_index;
	uint64_t legacy_writes; /* ignored PIC/PIT/ELCR writes (-v) */
	uint64_t pio_exits;
};

/* mon_dev.c */
void mon_dev_init(struct mon_dev *dev);
void mon_pio(struct mon *mon, unsigned vcpu, const struct mon_exit *x);
void mon_mmio(struct mon *mon, unsigned vcpu, const struct mon_exit *x);
void mon_msr(struct mon *mon, unsigned vcpu, const struct mon_exit *x);
void mon_uart_flush(struct mon *mon);
void mon_exit_dispatch(struct mon *mon, const struct mon_vcpu *v,
		       const struct mon_exit *x);

/* mon_uart.c: guest console output, called with dev.lock held (or after
 * the vCPU threads ended).  While the VM runs, a stdout that cannot take
 * more holds the writer back (a slow reader loses nothing); once the VM
 * has stopped, output that cannot be written within MON_OUT_GRACE_NS of
 * the stop is dropped, as is all output after a write error (EPIPE,
 * ENOSPC, EBADF...), so that vmi-run always ends.  Never blocks for
 * longer than MON_OUT_POLL_MS without looking at mon_is_stopped(). */
#define MON_OUT_GRACE_NS   250000000ull
#define MON_OUT_GRACE_TEXT "0.25 s"
#define MON_OUT_POLL_MS    20
/* After the stop, the watchdog waits this long for the vCPU threads to
 * end (mon_run.c), then leaves without a thread that has not: writers
 * give up at MON_OUT_GRACE_NS, so only a thread stuck in a system call
 * is left behind, and vmi-run still ends within 1 s of the stop. */
#define MON_JOIN_GRACE_NS  500000000ull
void mon_out_write(struct mon *mon, const char *buf, size_t len);
/* The note for vmi-run's one line ("N bytes of guest output dropped
 * (...)"), or "" if nothing was dropped.  Returns its length. */
size_t mon_out_note(const struct mon *mon, char *buf, size_t cap);

/* One access of size bytes; *val is the value written, or is set to the
 * value read.  Returns false if this device does not own the access. */
typedef bool mon_port_fn(struct mon *mon, unsigned vcpu,
			 const struct mon_exit *x, uint16_t port,
			 unsigned size, bool out, uint32_t *val);

mon_port_fn mon_uart_port;
mon_port_fn mon_rtc_port;

#endif
