/* SPDX-License-Identifier: MIT */
/*
 * monitor/mon_dev.c: the ports every personality has (debug exit, ACPI
 * PM1a, reset, POST, and the 8259 PIC / 8254 PIT / ELCR ports that a split
 * irqchip leaves to userspace), dispatch of I/O, MMIO and MSR exits, and
 * the policy for accesses nobody owns (docs/vmi-run.md, "Fail closed").
 */
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "mon.h"
#include "mon_dev.h"
#include "mon_pers.h"

#define PIT_HZ 1193182u         /* 8254 input clock (IBM PC/AT reference) */

void mon_dev_init(struct mon_dev *dev)
{
	memset(dev, 0, sizeof(*dev));
	pthread_mutex_init(&dev->lock, NULL);
	dev->pic[0].mask = 0xff;
	dev->pic[1].mask = 0xff;
}

/* isa-debug-exit (QEMU hw/misc/debugexit.c; include/vmi/abi.h): the
 * value as written (any size), if it is a guest code; anything else is a
 * guest fault that names it (mon_guest_status, docs/vmi-run.md). */
static bool debug_exit(struct mon *mon, unsigned vcpu, const struct mon_exit *x,
		       uint16_t port, unsigned size, bool out, uint32_t *val)
{
	int status = mon_guest_status(*val, -1);

	(void)port;
	(void)size;
	if (!out) {
		*val = 0;
		return true;
	}
	mon_logf(mon, "guest exit code %u (port 0xf4) on vcpu %u at rip=0x%"
		 PRIx64, *val, vcpu, x->rip);
	if (status >= 0)
		mon_stopf(mon, status, "%s", "");
	else
		mon_stopf(mon, MON_EXIT_CRASH, "guest wrote %u (0x%x) to the "
			  "debug-exit port 0xf4 on vcpu %u at rip=0x%" PRIx64
			  ": not a guest exit code (0-%u, %u, %u); exit %d",
			  *val, *val, vcpu, x->rip, MON_EXIT_GUEST_MAX,
			  VMI_EXIT_SKIP, VMI_EXIT_ERROR, MON_EXIT_CRASH);
	return true;
}

/* PM1a_CNT (ACPI 6.4 4.8.3.2.1): SLP_EN with SLP_TYP of \_S5 is soft-off. */
static void pm1_cnt_write(struct mon *mon, unsigned vcpu,
			  const struct mon_exit *x, uint16_t v)
{
	unsigned typ = (v >> MON_PM1_SLP_TYP_SHIFT) & 7;

	mon->dev.pm1_cnt = v & (uint16_t)~MON_PM1_SLP_EN;
	if (!(v & MON_PM1_SLP_EN))
		return;
	if (typ == MON_ACPI_S5_SLP_TYP) {
		mon_logf(mon, "guest powered off (ACPI S5) on vcpu %u", vcpu);
		mon_stopf(mon, MON_EXIT_POWEROFF, "%s", "");
	} else {
		mon_stopf(mon, MON_EXIT_CRASH, "guest requested unsupported "
			  "ACPI sleep state SLP_TYP=%u on vcpu %u at rip=0x%"
			  PRIx64, typ, vcpu, x->rip);
	}
}

static bool pm1(struct mon *mon, unsigned vcpu, const struct mon_exit *x,
		uint16_t port, unsigned size, bool out, uint32_t *val)
{
	uint16_t cnt = mon->dev.pm1_cnt;

	if (port < MON_PORT_PM1A_CNT) {         /* PM1a_EVT: nothing pending */
		if (!out)
			*val = 0;
		return true;
	}
	if (!out) {
		*val = (uint32_t)(cnt | MON_PM1_SCI_EN) >>
		       (8 * (port - MON_PORT_PM1A_CNT));
		return true;
	}
	if (port == MON_PORT_PM1A_CNT && size >= 2)
		cnt = (uint16_t)*val;
	else if (port == MON_PORT_PM1A_CNT)
		cnt = (uint16_t)((cnt & 0xff00) | (*val & 0xff));
	else
		cnt = (uint16_t)((cnt & 0x00ff) | ((*val & 0xff) << 8));
	pm1_cnt_write(mon, vcpu, x, cnt);
	return true;
}

/* Reset control register 0xcf9 (Intel ICH/PCH datasheets: bit 2 RST_CPU).
 * Only byte accesses: 0xcf8-0xcfb as a dword is PCI config space. */
static bool reset(struct mon *mon, unsigned vcpu, const struct mon_exit *x,
		  uint16_t port, unsigned size, bool out, uint32_t *val)
{
	(void)port;
	if (size != 1)
		return false;
	if (!out) {
		*val = 0;
		return true;
	}
	if (*val & 0x04)
		mon_stopf(mon, MON_EXIT_RESET, "guest reset the machine (port "
			  "0xcf9 value 0x%x) on vcpu %u at rip=0x%" PRIx64
			  "; exit %d", *val & 0xff, vcpu, x->rip,
			  MON_EXIT_RESET);
	return true;
}

/* 8259A (Intel 8259A data sheet): ICW1 (bit 4 set) starts initialisation
 * and clears the mask; ICW2, then ICW3 unless ICW1 says single (SNGL, bit
 * 1), then ICW4 if ICW1 asks for it (IC4, bit 0) follow on the data port;
 * otherwise a data write is OCW1, the mask.  No interrupt is ever raised. */
static bool pic(struct mon *mon, unsigned vcpu, const struct mon_exit *x,
		uint16_t port, unsigned size, bool out, uint32_t *val)
{
	struct mon_pic *p = &mon->dev.pic[port >= 0xa0];
	bool data = port & 1;

	(void)vcpu, (void)x, (void)size;
	if (!out) {
		*val = data ? p->mask : 0;      /* IRR/ISR: nothing pending */
		return true;
	}
	mon->dev.legacy_writes++;
	if (!data && (*val & 0x10)) {
		p->icw_left = 1 + !(*val & 2) + (*val & 1);
		p->mask = 0;
	} else if (data && p->icw_left) {
		p->icw_left--;
	} else if (data) {
		p->mask = (uint8_t)*val;
	}
	return true;
}

/* 8254 counters read as a free-running down-count at PIT_HZ, low byte
 * then high byte; port 0x61 bit 4 toggles per read (refresh) and bit 5
 * (OUT2) reads 1, so a guest polling them never waits forever. */
static bool pit(struct mon *mon, unsigned vcpu, const struct mon_exit *x,
		uint16_t port, unsigned size, bool out, uint32_t *val)
{
	struct timespec ts;
	uint16_t count;
	unsigned ch = port - 0x40;

	(void)vcpu, (void)x, (void)size;
	if (out) {
		mon->dev.legacy_writes++;
		if (port == 0x61)
			mon->dev.port61 = (uint8_t)(*val & 0x0f);
		return true;
	}
	if (port == 0x61) {
		mon->dev.port61 ^= 0x10;
		*val = mon->dev.port61 | 0x20;
		return true;
	}
	if (port == 0x43 || ch > 2) {
		*val = 0;
		return true;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	count = (uint16_t)~(((uint64_t)ts.tv_sec * PIT_HZ) +
			    ((uint64_t)ts.tv_nsec * PIT_HZ / 1000000000u));
	mon->dev.pit_flip[ch] ^= 1;
	*val = mon->dev.pit_flip[ch] ? (count & 0xff) : (count >> 8);
	return true;
}

/* Ports with nothing behind them that a PC guest may touch: POST code
 * (0x80), ELCR (0x4d0/0x4d1, Intel PIIX4 data sheet) and the debug
 * console (0xe9): the guest's last words there repeat its UART lines,
 * which already reach stdout (docs/vmi-run.md). */
static bool ignore(struct mon *mon, unsigned vcpu, const struct mon_exit *x,
		   uint16_t port, unsigned size, bool out, uint32_t *val)
{
	bool quiet = port == MON_PORT_POST || port == VMI_DEBUGCON_PORT;

	(void)vcpu, (void)x, (void)size;
	if (out && !quiet)
		mon->dev.legacy_writes++;
	if (!out)
		*val = quiet ? 0xff : 0;
	return true;
}

static const struct {
	uint16_t lo, hi;
	mon_port_fn *fn;
} ports[] = {
	{ 0x20, 0x21, pic },
	{ 0x40, 0x43, pit },
	{ 0x61, 0x61, pit },
	{ 0x70, 0x71, mon_rtc_port },
	{ MON_PORT_POST, MON_PORT_POST, ignore },
	{ 0xa0, 0xa1, pic },
	{ VMI_DEBUGCON_PORT, VMI_DEBUGCON_PORT, ignore },
	{ VMI_DEBUG_EXIT_PORT, VMI_DEBUG_EXIT_PORT, debug_exit },
	{ VMI_UART_PORT, VMI_UART_PORT + 7, mon_uart_port },
	{ 0x4d0, 0x4d1, ignore },
	{ MON_PORT_PM1A_EVT, MON_PORT_PM1A_CNT + 1, pm1 },
	{ MON_PORT_RESET, MON_PORT_RESET, reset },
};

static bool port_dispatch(struct mon *mon, unsigned vcpu,
			  const struct mon_exit *x, unsigned size, uint32_t *v)
{
	uint16_t port = x->io.port;

	for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		if (port >= ports[i].lo && port <= ports[i].hi)
			return ports[i].fn(mon, vcpu, x, port, size,
					   x->io.out, v);
	return false;
}

/* One KVM_EXIT_IO: count elements (rep ins/outs) of size bytes each. */
void mon_pio(struct mon *mon, unsigned vcpu, const struct mon_exit *x)
{
	unsigned size = x->io.size;
	uint32_t mask = size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;

	if (mon->pers->pio && mon->pers->pio(mon, vcpu, x))
		return;
	pthread_mutex_lock(&mon->dev.lock);
	mon->dev.pio_exits++;
	for (uint32_t i = 0; i < x->io.count; i++) {
		uint8_t *d = x->io.data + (size_t)i * size;
		uint32_t v = 0;
		if (x->io.out)
			memcpy(&v, d, size);
		if (!port_dispatch(mon, vcpu, x, size, &v)) {
			v = 0xffffffffu;        /* reads of nothing: all-ones */
			mon_unknown(mon, x, "port", x->io.port, x->io.out);
		}
		if (!x->io.out) {
			v &= mask;
			memcpy(d, &v, size);
		}
	}
	pthread_mutex_unlock(&mon->dev.lock);
}

/* No MMIO device exists: RAM and the in-kernel LAPIC never exit here. */
void mon_mmio(struct mon *mon, unsigned vcpu, const struct mon_exit *x)
{
	(void)vcpu;
	if (!x->mmio.write)
		memset(x->mmio.data, 0xff, x->mmio.len);
	mon_unknown(mon, x, "MMIO address", x->mmio.gpa, x->mmio.write);
}

/* An MSR KVM rejected or does not know: the personality's, else #GP
 * (error = 1 makes KVM inject it; Documentation/virt/kvm/api.rst,
 * KVM_EXIT_X86_RDMSR/WRMSR). */
void mon_msr(struct mon *mon, unsigned vcpu, const struct mon_exit *x)
{
	bool write = x->kind == MON_X_WRMSR;

	if (mon->pers->msr &&
	    mon->pers->msr(mon, vcpu, write, x->msr.index, x->msr.data)) {
		*x->msr.error = 0;
		return;
	}
	*x->msr.error = 1;
	mon_unknown(mon, x, "MSR", x->msr.index, write);
}

/* One decoded exit of vCPU (v): to its device, personality or fault. */
void mon_exit_dispatch(struct mon *mon, const struct mon_vcpu *v,
		       const struct mon_exit *x)
{
	switch (x->kind) {
	case MON_X_INTR:        /* a kick, or a signal from outside */
		atomic_fetch_add_explicit(&mon->intr, 1, memory_order_relaxed);
		break;
	case MON_X_IO:
		mon_pio(mon, v->id, x);
		break;
	case MON_X_MMIO:
		mon_mmio(mon, v->id, x);
		break;
	case MON_X_RDMSR:
	case MON_X_WRMSR:
		mon_msr(mon, v->id, x);
		break;
	default:
		mon_fault_exit(mon, v, x);
		break;
	}
}
