/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_mon.c: the shared part of the monitor's fuzz targets
 * (fuzz.h): input reader, a fresh VM per input, and the host side the
 * personalities call, tests/monitor/fake_host.h (as
 * tests/unit/test_xen_mon.c and test_hv_mon.c use it) with the
 * checks a real host would need to hold: interrupts only with vectors
 * the LAPIC accepts, only to vCPUs that exist, timers that never spin.
 */
#include <errno.h>
#include <fcntl.h>
#include <sanitizer/common_interface_defs.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../monitor/fake_host.h"
#include "fuzz.h"
#include "mon_pers.h"
#include "pers_hv.h"
#include "pers_xen.h"

/* The most timer expiries one fz_advance may run: a periodic stimer at
 * its minimum period over the longest step a target takes (10 ms) on
 * every vCPU is far below it; a timer that keeps re-arming just ahead of
 * the clock is not. */
#define FZ_MAX_FIRES 100000u

static void host_init(struct mon *m);

struct fz_host fz_host;

/* The sanitizers' summary line goes where libFuzzer sends its reports
 * (it survives -close_fd_mask=2, which silences the monitor's stderr). */
void fz_fail(const char *file, int line, const char *cond, const char *fmt,
	     ...)
{
	char msg[512];
	int n;
	va_list ap;

	n = snprintf(msg, sizeof(msg), "SUMMARY: invariant failed %s:%d: %s: ",
		     file, line, cond);
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof(msg))
		vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	__sanitizer_report_error_summary(msg);
	abort();
}

/* ---- Input ---- */

bool fz_more(const struct fz *f)
{
	return f->n > 0;
}

void fz_bytes(struct fz *f, void *dst, size_t n)
{
	size_t k = n < f->n ? n : f->n;

	memcpy(dst, f->p, k);
	memset((uint8_t *)dst + k, 0, n - k);
	f->p += k;
	f->n -= k;
}

uint8_t fz_u8(struct fz *f)
{
	uint8_t v;

	fz_bytes(f, &v, sizeof(v));
	return v;
}

uint16_t fz_u16(struct fz *f)
{
	uint16_t v;

	fz_bytes(f, &v, sizeof(v));
	return v;
}

uint32_t fz_u32(struct fz *f)
{
	uint32_t v;

	fz_bytes(f, &v, sizeof(v));
	return v;
}

uint64_t fz_u64(struct fz *f)
{
	uint64_t v;

	fz_bytes(f, &v, sizeof(v));
	return v;
}

uint64_t fz_addr(struct fz *f)
{
	uint8_t kind = fz_u8(f);
	uint64_t v = fz_u64(f);

	switch (kind % 8) {
	case 0: return v;
	case 1: return FZ_ARG_PA + (v & 0xfff);
	case 2: return FZ_RAM - (v & 0xfff);
	case 3: return MON_SPECIAL_PA + v % (MON_SPECIAL_END - MON_SPECIAL_PA);
	case 4: return (v % (FZ_RAM >> 12)) << 12;
	case 5: return v & 0xffff;
	case 6: return UINT64_MAX - (v & 0xfff);
	default: return (v & 0xfffff) << 12;    /* a page in the low 4 GiB */
	}
}

size_t fz_block(struct fz *f, struct mon *m, uint64_t gpa)
{
	uint8_t buf[256];
	size_t len = fz_u8(f);
	void *p;

	fz_bytes(f, buf, len);
	if (len && (p = mon_gpa_ptr(m, gpa, len)))
		memcpy(p, buf, len);
	return len;
}

/* ---- The VM ---- */

static struct mon *vm;
static uint8_t *ram, *extra;
static int null_fd = -1, cons[2] = { -1, -1 };

/*
 * Guest RAM, cleared page by page.  Every input starts from zeroed RAM,
 * but clearing all of it was 45 % of an execution (perf), and an input
 * writes a few pages.  So RAM is read-only between inputs: the first
 * store to a page faults, on_fault() records the page and makes it
 * writable, and fz_vm() clears and write-protects only the pages
 * recorded.  A fault anywhere else goes on to the handler that was
 * there before (libFuzzer's, which reports the crash).  RAM is an mmap
 * with a PROT_NONE page on each side, so an access just past it is
 * still caught, as ASan's redzone after a malloc'ed block caught it.
 */
#define FZ_PAGES (FZ_RAM >> 12)
_Static_assert(FZ_PAGES <= 65536, "dirty[] holds page numbers in 16 bits");
static uint16_t dirty[FZ_PAGES];
static volatile unsigned ndirty;
static struct sigaction next_segv;

static void on_fault(int sig, siginfo_t *si, void *ctx)
{
	uintptr_t a = (uintptr_t)si->si_addr, base = (uintptr_t)ram;

	if (ram && a >= base && a - base < FZ_RAM && ndirty < FZ_PAGES) {
		uintptr_t page = (a - base) >> 12;
		if (mprotect(ram + (page << 12), 4096,
			     PROT_READ | PROT_WRITE) == 0) {
			dirty[ndirty++] = (uint16_t)page;
			return;
		}
	}
	if (next_segv.sa_flags & SA_SIGINFO) {
		next_segv.sa_sigaction(sig, si, ctx);
	} else if (next_segv.sa_handler != SIG_IGN &&
		   next_segv.sa_handler != SIG_DFL) {
		next_segv.sa_handler(sig);
	} else {
		signal(sig, SIG_DFL);   /* re-run the access: die of it */
	}
}

static void ram_alloc(void)
{
	struct sigaction sa = { .sa_sigaction = on_fault,
				.sa_flags = SA_SIGINFO | SA_NODEFER };
	uint8_t *m = mmap(NULL, FZ_RAM + 2 * 4096, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	FZ_CHECK(m != MAP_FAILED, "mmap of guest RAM failed");
	ram = m + 4096;
	FZ_CHECK(mprotect(ram, FZ_RAM, PROT_READ) == 0 &&
		 sigaction(SIGSEGV, &sa, &next_segv) == 0,
		 "guest RAM protection failed");
}

/* Zero the pages the last input wrote and make them read-only again. */
static void ram_reset(void)
{
	for (unsigned i = 0; i < ndirty; i++) {
		uint8_t *p = ram + ((size_t)dirty[i] << 12);
		memset(p, 0, 4096);
		FZ_CHECK(mprotect(p, 4096, PROT_READ) == 0,
			 "guest RAM protection failed");
	}
	ndirty = 0;
}

static void vm_alloc(void)
{
	vm = calloc(1, sizeof(*vm));
	ram_alloc();
	extra = malloc(MON_EXTRA_SIZE);
	null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	FZ_CHECK(vm && extra && null_fd >= 0 &&
		 pipe2(cons, O_NONBLOCK | O_CLOEXEC) == 0, "setup failed");
	fcntl(cons[1], F_SETPIPE_SZ, 1 << 20);
}

size_t fz_console_read(char *buf, size_t cap)
{
	size_t n = 0;

	while (n < cap) {
		ssize_t r = read(cons[0], buf + n, cap - n);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	return n;
}

/* The 64-bit caller's page tables: the first GiB identity-mapped with
 * 2 MiB pages (PML4, PDPT, PD in special pages 0-2 at FZ_PT_PA; the
 * xen personality uses 4 and 7), out of reach of the guest RAM a target
 * writes. */
static void map_identity(uint8_t *special)
{
	fake_guest_identity_map((uint64_t *)(special + (FZ_PT_PA -
						       MON_SPECIAL_PA)), FZ_PT_PA);
}

/* A 32-bit caller's page tables (fz_host.paging, with CR4.PSE and
 * CR0.WP): for 32-bit paging a page directory in special page 3, for PAE
 * a PDPT in special page 6 whose entries 0 and 3 use the directory in
 * page 5.  The first 4 MiB (32-bit) or 2 MiB (PAE) go through a page
 * table in RAM's second-last (32-bit) or third-last page (PAE), identity,
 * RAM's last page read-only; the next large page lies past RAM; a large
 * page maps the special area, these tables among it.  The input may
 * rewrite any of them as guest memory. */
#define FZ_PD32_PA (MON_SPECIAL_PA + 3 * 0x1000ull)
#define FZ_PDPAE_PA (MON_SPECIAL_PA + 5 * 0x1000ull)
#define FZ_PDPT_PA (MON_SPECIAL_PA + 6 * 0x1000ull)
#define FZ_PT32_PA (FZ_RAM - 0x2000)
#define FZ_PTPAE_PA (FZ_RAM - 0x3000)
#define PG_P 1u
#define PG_RW 2u
#define PG_PS 0x80u

static void map_32(uint8_t *special)
{
	uint32_t *pd32 = (uint32_t *)(special + (FZ_PD32_PA - MON_SPECIAL_PA));
	uint64_t *pd = (uint64_t *)(special + (FZ_PDPAE_PA - MON_SPECIAL_PA));
	uint64_t *pdpt = (uint64_t *)(special + (FZ_PDPT_PA - MON_SPECIAL_PA));
	const uint32_t sp = (uint32_t)MON_SPECIAL_PA;

	pd32[0] = (uint32_t)FZ_PT32_PA | PG_P | PG_RW;
	pd32[1] = 0x400000u | PG_P | PG_RW | PG_PS;
	pd32[sp >> 22] = (sp & 0xffc00000u) | PG_P | PG_RW | PG_PS;
	pdpt[0] = pdpt[3] = FZ_PDPAE_PA | PG_P;
	pd[0] = FZ_PTPAE_PA | PG_P | PG_RW;
	pd[1] = 0x200000u | PG_P | PG_RW | PG_PS;
	pd[(sp >> 21) & 511] = (sp & ~0x1fffffu) | PG_P | PG_RW | PG_PS;
}

/* The page table in RAM of (paging), written at its first call in an
 * input (most inputs never use it, and RAM is cleared per page used). */
static void map_32_ram(struct mon *m, int paging)
{
	const uint32_t ro = (uint32_t)(FZ_RAM >> 12) - 1;

	if (fz_host.pt_ready[paging])
		return;
	fz_host.pt_ready[paging] = true;
	if (paging == FZ_PAGING_32) {
		uint32_t *pt = mon_gpa_ptr(m, FZ_PT32_PA, 4096);
		for (uint32_t i = 0; i < 1024; i++)
			pt[i] = i << 12 | PG_P | (i == ro ? 0 : PG_RW);
	} else {
		uint64_t *pt = mon_gpa_ptr(m, FZ_PTPAE_PA, 4096);
		for (uint32_t i = 0; i < 512; i++)
			pt[i] = (uint64_t)i << 12 | PG_P | (i == ro ? 0 : PG_RW);
	}
}

struct mon *fz_vm(const struct mon_pers *pers, unsigned nvcpu, bool capture)
{
	char junk[4096];

	if (!vm)
		vm_alloc();
	else
		free(vm->pers_state);   /* xen and hyperv: calloc'ed by init */
	while (fz_console_read(junk, sizeof(junk)) == sizeof(junk))
		;
	memset(vm, 0, sizeof(*vm));
	ram_reset();
	memset(extra, 0, MON_EXTRA_SIZE);
	map_identity(extra);
	map_32(extra);
	memset(&fz_host, 0, sizeof(fz_host));
	fz_host.tsc = FZ_TSC0;
	fz_host.mode = 8;
	vm->cfg = (struct mon_config){ .hv = pers->name, .cpus = nvcpu,
		.mem = FZ_RAM, .cmdline = "" };
	vm->pers = pers;
	vm->ram = ram;
	vm->ram_size = FZ_RAM;
	vm->kvm_fd = vm->vm_fd = -1;
	vm->nvcpu = nvcpu;
	vm->tsc_khz = FZ_TSC_KHZ;
	vm->clock.tsc0 = FZ_TSC0;
	for (unsigned i = 0; i < MON_MAX_CPUS; i++)
		vm->vcpu[i] = (struct mon_vcpu){ .mon = vm, .id = i, .fd = -1 };
	if (pers->special)
		mon_special_init(vm, extra);
	mon_dev_init(&vm->dev);
	vm->out_fd = capture ? cons[1] : null_fd;
	host_init(vm);
	if (pers->init)
		FZ_CHECK(pers->init(vm) == 0, "%s init failed", pers->name);
	return vm;
}

void fz_check_stop_line(const struct mon *m)
{
	if (!mon_is_stopped(m))
		return;
	for (const char *c = m->msg; *c; c++)
		FZ_CHECK(*c >= 0x20 && *c <= 0x7e, "stop message byte 0x%02x: "
			 "%s", (unsigned char)*c, m->msg);
}

/* ---- Time and timers ---- */

uint64_t fz_now_ns(void)
{
	return fz_host.tsc - FZ_TSC0;   /* 1 GHz: a tick is a ns */
}

static uint64_t host_tsc(const struct mon *m)
{
	(void)m;
	return fz_host.tsc;
}

static uint64_t host_ns(const struct mon *m)
{
	(void)m;
	return fz_now_ns();
}

static void timer_arm(struct mon *m, unsigned vcpu, uint64_t deadline,
		      mon_timer_fn fn)
{
	FZ_CHECK(vcpu < m->nvcpu && fn, "timer_arm(vcpu %u)", vcpu);
	if (fz_host.firing && deadline <= fz_host.fire_now)
		fz_host.rearm_past = true;
	fz_host.timer[vcpu] = (struct fz_timer){ deadline, fn };
	fz_host.arms++;
}

static void timer_cancel(struct mon *m, unsigned vcpu)
{
	FZ_CHECK(vcpu < m->nvcpu, "timer_cancel(vcpu %u)", vcpu);
	fz_host.timer[vcpu].fn = NULL;
}

/* The earliest armed timer at or before (until), or -1. */
static int next_expiry(const struct mon *m, uint64_t until)
{
	int best = -1;

	for (unsigned i = 0; i < m->nvcpu; i++) {
		const struct fz_timer *t = &fz_host.timer[i];
		if (t->fn && t->deadline <= until &&
		    (best < 0 || t->deadline < fz_host.timer[best].deadline))
			best = (int)i;
	}
	return best;
}

void fz_advance(struct mon *m, uint64_t ns)
{
	uint64_t until = mon_add_sat(fz_now_ns(), ns);
	unsigned fires = 0;
	int i;

	while ((i = next_expiry(m, until)) >= 0) {
		struct fz_timer *t = &fz_host.timer[i];
		mon_timer_fn fn = t->fn;
		if (t->deadline > fz_now_ns())
			fz_host.tsc = FZ_TSC0 + t->deadline;
		t->fn = NULL;
		fz_host.firing = true;
		fz_host.fire_now = fz_now_ns();
		fn(m, (unsigned)i);
		fz_host.firing = false;
		FZ_CHECK(!fz_host.rearm_past, "vcpu %d's timer callback "
			 "re-armed it at or before now (%llu ns): the timer "
			 "thread would spin", i,
			 (unsigned long long)fz_host.fire_now);
		FZ_CHECK(++fires < FZ_MAX_FIRES, "%u timer expiries in %llu "
			 "ns", fires, (unsigned long long)ns);
	}
	if (until > fz_now_ns())
		fz_host.tsc = FZ_TSC0 + until;
}

/* ---- Interrupts, vCPU starts, TLB flushes ---- */

/* A fixed interrupt the LAPIC accepts: vectors 0-15 are illegal (SDM
 * Vol. 3A, APIC "Error Handling"), and the personalities refuse them. */
static void check_msi(const struct mon *m, unsigned vcpu, uint8_t vector)
{
	FZ_CHECK(vcpu < m->nvcpu, "interrupt to vcpu %u of %u", vcpu,
		 m->nvcpu);
	FZ_CHECK(vector >= 16, "interrupt with illegal vector %u", vector);
	fz_host.msis++;
	fz_host.last_vector = vector;
}

static int host_msi(struct mon *m, unsigned vcpu, uint8_t vector)
{
	check_msi(m, vcpu, vector);
	return 0;
}

static int host_vcpu_load(struct mon *m, unsigned id,
			  const struct mon_vcpu_load *s)
{
	FZ_CHECK(id < m->nvcpu && s, "vcpu_load(%u)", id);
	fz_host.loads++;
	return 0;
}

/* The caller's registers for fz_host.mode (Xen's hvm_guest_x86_mode
 * numbers; -1: unreadable) at CPL fz_host.cpl.  64-bit code runs on
 * the identity map fz_vm() writes, 32-bit code on fz_host.paging's
 * tables (map_32) or without paging; the other modes have paging off.
 * Virtual-8086 mode is RFLAGS.VM, which fz_xen_hcall sets.  A Hyper-V
 * caller (fz_host.caller) may be 32-bit code in compatibility mode, on
 * the identity map, or in protected mode with CS.L set. */
static int host_sregs(struct mon *m, unsigned vcpu, struct mon_sregs *s)
{
	FZ_CHECK(vcpu < m->nvcpu, "sregs(vcpu %u)", vcpu);
	if (fz_host.mode < 0)
		return -EIO;
	*s = (struct mon_sregs){ .cr0 = fz_host.mode ? 1 : 0,
		.cs_db = fz_host.mode == 4 || fz_host.mode == 8,
		.cs_dpl = (uint8_t)fz_host.cpl, .ss_dpl = (uint8_t)fz_host.cpl };
	if (fz_host.mode == 8 || (fz_host.mode == 4 &&
				  fz_host.caller == FZ_CALLER_COMPAT)) {
		s->cr0 |= 1ull << 31;                   /* PG */
		s->cr4 = 1ull << 5;                     /* PAE */
		s->efer = 1ull << 8 | 1ull << 10;       /* LME, LMA */
		s->cr3 = FZ_PT_PA;
	}
	if (fz_host.mode == 8) {
		s->cs_l = 1;
		s->cs_db = 0;
	}
	s->cs_l |= fz_host.mode == 4 && fz_host.caller == FZ_CALLER_32_CS_L;
	if (fz_host.mode == 4 && fz_host.paging != FZ_PAGING_OFF) {
		bool pae = fz_host.paging == FZ_PAGING_PAE;
		map_32_ram(m, fz_host.paging);
		s->cr0 |= 1ull << 31 | 1ull << 16;     /* PG, WP */
		s->cr4 = 1ull << 4 | (pae ? 1ull << 5 : 0);    /* PSE, PAE */
		s->cr3 = pae ? FZ_PDPT_PA : FZ_PD32_PA;
	}
	return 0;
}

static int host_flush(struct mon *m, unsigned self, uint64_t mask)
{
	FZ_CHECK(self < m->nvcpu, "flush from vcpu %u", self);
	FZ_CHECK(m->nvcpu >= 64 || !(mask >> m->nvcpu), "flush of absent "
		 "vCPUs: mask 0x%llx", (unsigned long long)mask);
	fz_host.flushes++;
	return 0;
}

static int host_inject_ud(struct mon *m, unsigned vcpu)
{
	FZ_CHECK(vcpu < m->nvcpu, "inject_ud(vcpu %u)", vcpu);
	fz_host.uds++;
	return 0;
}

/* tests/monitor/fake_host.h, with this file's clock and timers and
 * the checks above in place of its recorders. */
static void host_init(struct mon *m)
{
	fake_host_reset(m, FZ_PT_PA, FZ_TSC0);
	fake_host.ops.msi = host_msi;
	fake_host.ops.vcpu_load = host_vcpu_load;
	fake_host.ops.sregs = host_sregs;
	fake_host.ops.inject_ud = host_inject_ud;
	fake_host.ops.guest_tsc = host_tsc;
	fake_host.ops.guest_ns = host_ns;
	fake_host.ops.timer_arm = timer_arm;
	fake_host.ops.timer_cancel = timer_cancel;
	fake_host.ops.flush_tlb = host_flush;
}
