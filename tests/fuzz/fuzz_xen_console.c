/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_xen_console.c: the Xen PV console ring the monitor
 * drains (pers_xen_hcall.c pers_xen_console_drain, on EVTCHNOP_send to
 * the console port), with indices and contents the guest chooses,
 * interleaved with UART output and CONSOLEIO_write.  The guest's output goes into a pipe
 * and is compared with a model of the ring (public/io/console.h: free-
 * running indices, out[MASK_XENCONS_IDX(i)]; a producer more than a ring
 * ahead loses the excess, pers_xen_hcall.c says): every drain prints
 * exactly the model's bytes, in order with the UART's, and leaves out_cons at
 * out_prod.  Input (fuzz.h readers; zeros past the end):
 *
 *   byte 0   vCPUs = 1 + (b & 1)
 *   then records, each an op byte (op % 5) and its fields:
 *   0 ring     u32 out_cons, u32 out_prod (the guest's stores), u16
 *              offset into out[], then a block written there
 *   1 notify   EVTCHNOP_send to the console port (a u8: bit 0 sends to
 *              the port HVM_PARAM_CONSOLE_EVTCHN names, else to a u32)
 *   2 produce  a block appended at out_prod, which moves past it (a
 *              well-behaved front end)
 *   3 uart     a block written byte by byte to COM1's data register
 *   4 consoleio  u32 count, fz_addr buffer; a block at FZ_ARG_PA first;
 *              CONSOLEIO_write (or, bit 0 of a u8, CONSOLEIO_read)
 */
#include <string.h>

#include "fuzz.h"
#include "mon_pers.h"
#include "pers_xen.h"

#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/io/console.h>

#define OUT_SIZE sizeof(((struct xencons_interface *)0)->out)

/* What the guest should have printed and has not been read back. */
static char want[1 << 16];
static size_t nwant;

static void expect(const char *p, size_t n)
{
	FZ_CHECK(nwant + n <= sizeof(want), "model overflow");
	memcpy(want + nwant, p, n);
	nwant += n;
}

/* Everything the pipe holds must be the model's next bytes. */
static void compare(void)
{
	static char got[sizeof(want)];
	size_t n = fz_console_read(got, sizeof(got));

	FZ_CHECK(n <= nwant && memcmp(got, want, n) == 0, "console printed "
		 "%zu bytes, not the %zu the ring and UART held", n, nwant);
	memmove(want, want + n, nwant - n);
	nwant -= n;
}

static struct xencons_interface *ring(struct mon *m)
{
	struct xencons_interface *c = mon_gpa_ptr(m, PERS_XEN_CONSOLE_PA,
						  sizeof(*c));

	FZ_CHECK(c, "console page");
	return c;
}

static long call(struct mon *m, uint64_t nr, uint64_t a0, uint64_t a1,
		 uint64_t a2)
{
	const uint64_t a[5] = { a0, a1, a2, 0, 0 };

	return fz_xen_hcall(m, 0, nr, a);
}

static uint64_t param(struct mon *m, uint32_t index)
{
	struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index };

	memcpy(mon_gpa_ptr(m, FZ_ARG_PA, sizeof(p)), &p, sizeof(p));
	FZ_CHECK(call(m, __HYPERVISOR_hvm_op, HVMOP_get_param, FZ_ARG_PA,
		      0) == 0, "get_param %u", index);
	memcpy(&p, mon_gpa_ptr(m, FZ_ARG_PA, sizeof(p)), sizeof(p));
	return p.value;
}

static void notify(struct fz *f, struct mon *m)
{
	struct xencons_interface *c = ring(m);
	uint32_t port = fz_u8(f) & 1 ? (uint32_t)param(m,
					HVM_PARAM_CONSOLE_EVTCHN) : fz_u32(f);
	XENCONS_RING_IDX cons = c->out_cons, prod = c->out_prod;
	bool console = port == pers_xen_of(m)->console_port;
	long r;

	memcpy(mon_gpa_ptr(m, FZ_ARG_PA, 4), &port, 4);
	if (console) {
		if (prod - cons > OUT_SIZE)
			cons = prod - OUT_SIZE;
		for (; cons != prod; cons++)
			expect(&c->out[MASK_XENCONS_IDX(cons, c->out)], 1);
	}
	r = call(m, __HYPERVISOR_event_channel_op, EVTCHNOP_send, FZ_ARG_PA,
		 0);
	if (console)
		FZ_CHECK(r == 0 && c->out_cons == prod, "drain: %ld, out_cons "
			 "%u, out_prod %u", r, c->out_cons, prod);
	compare();
}

static void produce(struct fz *f, struct mon *m)
{
	struct xencons_interface *c = ring(m);
	uint8_t buf[256];
	size_t n = fz_u8(f);

	fz_bytes(f, buf, n);
	for (size_t i = 0; i < n; i++)
		c->out[MASK_XENCONS_IDX(c->out_prod + i, c->out)] =
			(char)buf[i];
	c->out_prod += (XENCONS_RING_IDX)n;
}

/* One byte to COM1's THR: printed at a newline, a full buffer, or before
 * the next console drain (mon_uart.c, pers_xen_console_out). */
static void uart(struct fz *f, struct mon *m)
{
	uint8_t buf[256], d;
	size_t n = fz_u8(f);
	struct mon_regs r = { 0 };
	bool dirty = false;
	struct mon_exit x = { .kind = MON_X_IO, .regs = &r,
		.regs_dirty = &dirty, .io = { .port = VMI_UART_PORT,
		.out = true, .size = 1, .count = 1, .data = &d } };

	fz_bytes(f, buf, n);
	for (size_t i = 0; i < n; i++) {
		d = buf[i];
		mon_pio(m, 0, &x);
		expect((const char *)&buf[i], 1);
	}
	compare();
}

/* Guest pointers are linear: the 64-bit caller's identity map covers the
 * first GiB (fuzz_mon.c map_identity), so a buffer is readable if it lies
 * there and in guest memory, all of it.  A 4-level walk indexes only
 * bits 47:12, as Xen's guest_walk_tables does: bits 63:48 play no part. */
static bool readable(struct mon *m, uint64_t va, uint32_t len)
{
	va &= (1ull << 48) - 1;
	return !len || (va < (1ull << 30) && (1ull << 30) - va >= len &&
			mon_gpa_ptr(m, va, len));
}

/* CONSOLEIO_write goes to the hypervisor's log (stderr), never to the
 * guest's console; the buffer must be readable, all of it.
 * CONSOLEIO_read is 0 without touching the buffer (a domU has no
 * console input to read, as in Xen). */
static void consoleio(struct fz *f, struct mon *m)
{
	uint32_t count = fz_u32(f) % 4096;
	uint64_t buf = fz_addr(f);
	bool rd = fz_u8(f) & 1;
	long r;

	fz_block(f, m, FZ_ARG_PA);
	r = call(m, __HYPERVISOR_console_io, rd ? CONSOLEIO_read :
		 CONSOLEIO_write, count, buf);
	FZ_CHECK(r == (rd || readable(m, buf, count) ? 0 : -XEN_EFAULT),
		 "console_io(%s, %u, 0x%llx): %ld", rd ? "read" : "write",
		 count, (unsigned long long)buf, r);
	compare();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	struct mon *m = fz_vm(&pers_xen, 1 + (fz_u8(&f) & 1), true);

	nwant = 0;
	FZ_CHECK(param(m, HVM_PARAM_CONSOLE_PFN) == PERS_XEN_CONSOLE_PA >> 12,
		 "console pfn");
	while (fz_more(&f)) {
		switch (fz_u8(&f) % 5) {
		case 0: {
			struct xencons_interface *c = ring(m);
			c->out_cons = fz_u32(&f);
			c->out_prod = fz_u32(&f);
			fz_block(&f, m, PERS_XEN_CONSOLE_PA + offsetof(
				 struct xencons_interface, out) +
				 fz_u16(&f) % OUT_SIZE);
			break;
		}
		case 1: notify(&f, m); break;
		case 2: produce(&f, m); break;
		case 3: uart(&f, m); break;
		default: consoleio(&f, m); break;
		}
	}
	mon_uart_flush(m);
	compare();
	FZ_CHECK(nwant == 0, "%zu bytes never printed", nwant);
	return 0;
}
