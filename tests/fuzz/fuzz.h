/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz.h: what every libFuzzer target of the monitor shares
 * (fuzz_mon.c): a reader over the input that yields zeros once it runs
 * out, a fresh VM per input (struct mon over a malloc'ed RAM buffer, no
 * KVM) with the fake host environments of the xen and hyperv
 * personalities, a simulated timer thread, and FZ_CHECK for the targets'
 * invariants.  docs/RELIABILITY.md "Fuzzing" lists the targets.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mon.h"
#include "mon_clock.h"

/* Guest RAM of every fuzzed VM: MON_MEM_MIN, the smallest vmi-run takes;
 * reset per input, so it is kept small. */
#define FZ_RAM MON_MEM_MIN
/* Where the targets put a hypercall's argument block. */
#define FZ_ARG_PA 0x10000ull
/* The guest TSC rate: 1 GHz, so one TSC tick is one guest ns. */
#define FZ_TSC_KHZ 1000000u
#define FZ_TSC0 1000000ull

/* An invariant of the monitor: abort() with the reason, which libFuzzer
 * reports as a crash and saves the input for. */
#define FZ_CHECK(cond, ...) do { if (!(cond)) \
	fz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__); } while (0)
void fz_fail(const char *file, int line, const char *cond,
	     const char *fmt, ...)
	__attribute__((noreturn, format(printf, 4, 5)));

/* ---- Reading the input ---- */
struct fz {
	const uint8_t *p;
	size_t n;
};
bool fz_more(const struct fz *f);
uint8_t fz_u8(struct fz *f);
uint16_t fz_u16(struct fz *f);
uint32_t fz_u32(struct fz *f);
uint64_t fz_u64(struct fz *f);
/* (n) bytes into dst, zeros past the end of the input. */
void fz_bytes(struct fz *f, void *dst, size_t n);
/* An address: a kind byte, then a u64 (v) made into raw v, an offset
 * into the argument area, the end of RAM, the special area, a page
 * number's address, a small number or the top of the address space. */
uint64_t fz_addr(struct fz *f);
/* A length byte, then that many bytes written at guest (gpa) if the
 * whole range is guest memory; returns the length. */
size_t fz_block(struct fz *f, struct mon *m, uint64_t gpa);

/* ---- The VM ---- */
/* A fresh VM with (nvcpu) vCPUs and personality (pers), initialised by
 * pers->init with the fake host side; the same memory every call.
 * Console output (mon->out_fd) goes to /dev/null, or into a pipe that
 * fz_console_read drains when (capture). */
struct mon *fz_vm(const struct mon_pers *pers, unsigned nvcpu, bool capture);
/* Read what the guest printed since the last call (at most cap). */
size_t fz_console_read(char *buf, size_t cap);
/* The stop message is one line of printable text (mon_stopf's
 * contract, docs/vmi-run.md). */
void fz_check_stop_line(const struct mon *m);

/* ---- The fake host side ---- */
struct fz_timer {
	uint64_t deadline;      /* guest ns */
	mon_timer_fn fn;        /* NULL: disarmed */
};
struct fz_host {
	uint64_t tsc;           /* the guest TSC now */
	int mode, cpl;          /* the caller's mode (Xen's numbers) and CPL */
	int paging;             /* mode 4: FZ_PAGING_* */
	int caller;             /* Hyper-V calls: FZ_CALLER_* */
	unsigned stub;          /* Xen: RIP this far past a hypercall stub
				 * (5: on its OUT, 7: past it), 0 none */
	bool pt_ready[3];       /* fz_host.paging's RAM page table written */
	unsigned msis, loads, flushes, arms, uds;
	uint8_t last_vector;
	struct fz_timer timer[MON_MAX_CPUS];
	bool firing;            /* inside a timer callback */
	uint64_t fire_now;      /* guest ns of the firing one */
	bool rearm_past;        /* a callback re-armed at or before it */
};
extern struct fz_host fz_host;

/* The 64-bit caller's page tables (fuzz_mon.c map_identity). */
#define FZ_PT_PA MON_SPECIAL_PA
/* A 32-bit caller (mode 4) without paging, with 32-bit paging or with
 * PAE paging (fuzz_mon.c map_32). */
enum { FZ_PAGING_OFF, FZ_PAGING_32, FZ_PAGING_PAE };
/* Who makes a Hyper-V call (fz_hv_hcall): 64-bit code; 32-bit code in
 * protected mode (mode 4, paging off); 32-bit code in compatibility
 * mode (IA-32e mode, CS.L clear: KVM's is_64_bit_hypercall says 32-bit);
 * protected mode with CS.L set, which only IA-32e mode reads (SDM Vol.
 * 3A 3.4.5) and KVM_GET_SREGS still reports. */
enum { FZ_CALLER_64, FZ_CALLER_32, FZ_CALLER_COMPAT, FZ_CALLER_32_CS_L };
/* Where fz_xen_hcall writes the stub it calls from (fz_host.stub), and
 * how often it makes a continued call again: a few times reach every
 * path of a continuation; 64 made a long console_io write (16 KiB per
 * exit) 80 % of the target's time, at a fifth of its rate. */
#define FZ_STUB_PA 0x3000ull
#define FZ_MAX_CONTINUED 4u
/* Guest ns now, as the monitor's clock reads it. */
uint64_t fz_now_ns(void);
/* Advance guest time by (ns) and run every timer that expires on the
 * way, in deadline order, as mon_clock.c's thread does.  A callback that
 * re-arms its timer at or before the time it fired at would make the
 * timer thread spin: FZ_CHECK fails. */
void fz_advance(struct mon *m, uint64_t ns);

/* ---- Calls as the guest makes them (fuzz_pers.c) ---- */
/* A Xen hypercall through the hypercall port, registers as the stub
 * leaves them for fz_host.mode (64-bit: RAX, RDI, RSI, RDX, R10, R8;
 * else EAX, EBX, ECX, EDX, ESI, EDI), with the checks every call must
 * pass; returns RAX sign-extended from the caller's width.  With
 * fz_host.stub the call comes from a stub at FZ_STUB_PA, and a call the
 * monitor continues is made again, as the guest would, up to
 * FZ_MAX_CONTINUED times. */
long fz_xen_hcall(struct mon *m, unsigned vcpu, uint64_t nr,
		  const uint64_t a[5]);
/* A Hyper-V hypercall through its port from (caller), FZ_CALLER_*:
 * 64-bit code passes RCX control, RDX in, R8 out; 32-bit code EDX:EAX,
 * EBX:ECX, EDI:ESI, with junk in each upper half.  Returns the result
 * (RAX, or EDX:EAX), or UINT64_MAX if the port was not taken (page
 * off). */
uint64_t fz_hv_hcall(struct mon *m, unsigned vcpu, uint64_t control,
		     uint64_t in, uint64_t out, int caller);
/* The personality's MSR hook, with the lock checked free afterwards. */
bool fz_msr(struct mon *m, unsigned vcpu, bool write, uint32_t index,
	    uint64_t *data);

#endif
