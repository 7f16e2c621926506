/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_xen_hcall.c: the xen personality's hypercall port and
 * dispatch (pers_xen.c and every hypercall behind it), over any number,
 * sub-op, register width and privilege, with argument blocks in guest
 * RAM taken from the input.  Input (fuzz.h readers; zeros past the end):
 *
 *   byte 0   vCPUs = 1 + (b & 3); b & 4: -v (unimplemented calls logged)
 *   then records, each an op byte (op % 6) and its fields:
 *   0 call   flags: vCPU 1:0, mode 4:2 (index into modes[]), CPL 6:5,
 *            bit 7: the number is a u64 (else a u8); the number; five
 *            fz_addr arguments; an argument block (length byte, bytes)
 *            written at FZ_ARG_PA first
 *   1 msr    flags: write bit 0, vCPU 2:1; index selector (u8: the
 *            hypercall-page MSR, its neighbours, else a u32); fz_addr value
 *   2 poke   fz_addr, then a block written there (a guest store)
 *   3 time   u16: advance guest time that many us, firing timers
 *   4 port   size, flags: a port access of another shape (never taken)
 *   5 stub   as call, from a hypercall stub (fz_host.stub), so that the
 *            call can be continued; then a byte: bit 0 RIP past the OUT
 *            (else on it, as KVM's fast port I/O leaves it)
 */
#include <string.h>

#include "fuzz.h"
#include "mon_pers.h"
#include "pers_xen.h"

#define XEN_HCALL_MSR 0x40000000u       /* pers_xen.c PERS_XEN_HCALL_MSR */

/* Xen's hvm_guest_x86_mode() values (pers_xen.h pers_xen_call.mode) and
 * for 32-bit code its paging (fuzz.h FZ_PAGING_*): 64-bit twice as
 * often; -5 is a vCPU whose state cannot be read. */
static const struct { int mode, paging; } modes[8] = {
	{ 8, 0 }, { 8, 0 }, { 4, FZ_PAGING_PAE }, { 4, FZ_PAGING_OFF },
	{ 4, FZ_PAGING_32 }, { 0, 0 }, { 1, 0 }, { -5, 0 },
};

static void op_call(struct fz *f, struct mon *m, bool stub)
{
	uint8_t fl = fz_u8(f);
	uint64_t nr = fl & 0x80 ? fz_u64(f) : fz_u8(f), a[5];

	for (unsigned i = 0; i < 5; i++)
		a[i] = fz_addr(f);
	fz_block(f, m, FZ_ARG_PA);
	fz_host.mode = modes[(fl >> 2) & 7].mode;
	fz_host.paging = modes[(fl >> 2) & 7].paging;
	fz_host.cpl = (fl >> 5) & 3;
	fz_host.stub = stub ? (fz_u8(f) & 1 ? 7 : 5) : 0;
	fz_xen_hcall(m, (fl & 3) % m->nvcpu, nr, a);
}

/* The page a successful hypercall-page MSR write names holds the 128
 * stubs `mov $i,%eax; out %al,$port; ret` (pers_xen.h PERS_XEN_STUB_SIZE). */
static void check_stubs(struct mon *m, uint64_t gpa)
{
	const uint8_t *p = mon_gpa_ptr(m, gpa, 4096);

	FZ_CHECK(p, "hypercall page 0x%llx accepted outside memory",
		 (unsigned long long)gpa);
	for (uint32_t i = 0; i < PERS_XEN_STUBS; i++) {
		const uint8_t *s = p + i * PERS_XEN_STUB_SIZE;
		uint32_t imm;
		memcpy(&imm, s + 1, 4);
		FZ_CHECK(s[0] == 0xb8 && imm == i && s[5] == 0xe6 &&
			 s[6] == VMI_PORT_XEN_HYPERCALL && s[7] == 0xc3,
			 "stub %u is wrong", i);
	}
}

static void op_msr(struct fz *f, struct mon *m)
{
	uint8_t fl = fz_u8(f), sel = fz_u8(f);
	bool write = fl & 1;
	uint32_t index = sel < 0x40 ? XEN_HCALL_MSR :
			 sel < 0x80 ? XEN_HCALL_MSR + (sel & 0x3f) :
			 fz_u32(f);
	uint64_t v = fz_addr(f), in = v;
	bool ok = fz_msr(m, (fl >> 1 & 3) % m->nvcpu, write, index, &v);

	if (index != XEN_HCALL_MSR) {
		FZ_CHECK(!ok, "MSR 0x%x taken", index);
	} else if (!write) {
		FZ_CHECK(ok && v == 0, "hypercall-page MSR read");
	} else if (ok) {
		FZ_CHECK(!(in & 0xfff), "page 0x%llx with an index accepted",
			 (unsigned long long)in);
		check_stubs(m, in);
	}
}

/* Any access to the hypercall port but a one-byte OUT is not a call:
 * the personality leaves it to the devices (fail closed). */
static void op_port(struct fz *f, struct mon *m)
{
	static const uint8_t sizes[4] = { 1, 2, 4, 1 };
	uint8_t size = fz_u8(f), fl = fz_u8(f);
	uint8_t data[64] = { 0 };
	struct mon_regs r = { .rax = 0x1234 };
	bool dirty = false;
	struct mon_exit x = { .kind = MON_X_IO, .regs = &r,
		.regs_dirty = &dirty,
		.io = { .port = fl & 0x80 ? VMI_PORT_XEN_HYPERCALL + 1 :
				VMI_PORT_XEN_HYPERCALL,
			.out = fl & 1, .size = sizes[size & 3],
			.count = 1 + (fl >> 1 & 7), .data = data } };
	bool call = x.io.port == VMI_PORT_XEN_HYPERCALL && x.io.out &&
		    x.io.size == 1 && x.io.count == 1;

	if (call)
		return;
	FZ_CHECK(!m->pers->pio(m, 0, &x) && !dirty && r.rax == 0x1234,
		 "port 0x%x size %u count %u out %d taken", x.io.port,
		 x.io.size, x.io.count, x.io.out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	uint8_t setup = fz_u8(&f);
	struct mon *m = fz_vm(&pers_xen, 1 + (setup & 3), false);

	m->cfg.verbose = setup & 4;
	while (fz_more(&f)) {
		switch (fz_u8(&f) % 6) {
		case 0: op_call(&f, m, false); break;
		case 1: op_msr(&f, m); break;
		case 2: fz_block(&f, m, fz_addr(&f)); break;
		case 3: fz_advance(m, fz_u16(&f) * 1000ull); break;
		case 4: op_port(&f, m); break;
		default: op_call(&f, m, true); break;
		}
	}
	return 0;
}
