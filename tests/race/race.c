/* SPDX-License-Identifier: MIT */
/*
 * tests/race/race.c: the racing-vCPU harness's driver (race.h).  Each
 * scenario gets a fresh VM and runs for its share of the time budget in
 * two phases:
 *
 *  1. the trap phase (ASan builds): the pages holding the scenario's
 *     guest words are protected in the monitor's view of guest memory;
 *     each monitor access to them traps, is single-stepped, and then the
 *     guest writes the next value of every word.  So every two monitor
 *     reads of guest memory see different values, deterministically: a
 *     length checked by one load and used by another is caught on the
 *     first call that takes that path, whatever the host's load.
 *  2. the free phase: a guest thread on its own CPU rewrites the words
 *     as fast as it can while the dispatcher threads run, and a host
 *     timer thread fires whatever timers they arm: real concurrency, for
 *     what no single thread shows (ThreadSanitizer on the monitor's own
 *     state, two vCPUs at once).
 *
 * Output is TAP, one line per scenario with its iteration counts as a
 * comment before it.
 *
 *   race [--seconds S] [--only NAME] [--list]
 *
 * S (default RACE_SECONDS from the environment, else 4) is the whole
 * run's budget, shared by the scenarios by weight.  A scenario fails on
 * an answer outside its documented set or on too little activity to
 * prove anything; a sanitizer report ends the process (non-zero status).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "race.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define RACE_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define RACE_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define RACE_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define RACE_TSAN 1
#endif
#endif

#ifdef RACE_SANITIZED
#include <sanitizer/common_interface_defs.h>
#endif
#ifdef RACE_TSAN
/* TSan's dynamic annotation (compiler-rt tsan_interface_ann.cpp): no
 * race is reported on this range. */
void AnnotateBenignRaceSized(const char *file, int line,
			     const volatile void *mem, long size,
			     const char *desc);
#endif

#define PAGE 4096u
#define MIN_ACTIVITY 100u       /* free phase: calls and guest rounds */
#define MIN_TRAPS 100u          /* trap phase: guest writes (in a call or
				 * more: one drain of the console ring
				 * reads up to 2048 bytes, each a trap) */
#define TRAP_SHARE 0.4          /* of a scenario's time, in trap phase */
#define OVERTIME_MS 20000       /* a phase's longest wait for activity */
#define TIMER_PAUSE_NS 20000    /* the timer thread's pass interval */
#define EFLAGS_TF 0x100ull      /* single-step (SDM Vol. 1 3.4.3.3) */

struct race_rig *race_now;

/*
 * Guest memory: RAM, and the monitor's guest-visible pages (special
 * area, pool), each one memfd mapped twice: the monitor's view, which
 * mon_gpa_ptr hands out and the trap phase protects, and the guest's
 * view, through which the harness and the guest thread write.  Made
 * once: under TSan they are annotated once, and no later allocation
 * (the personality's own state) can land in them.
 */
struct view {
	uint8_t *mon, *guest;
	size_t size;
};
static struct view ram, extra;
static int null_fd = -1, err_fd = -1;
static _Atomic uint64_t fake_tsc = 1000;
static bool trap_phase = true;
/* The rig whose trap phase runs, NULL outside one. */
static _Atomic(struct race_rig *) trapping;
static struct sigaction old_segv, old_trap;
/* The page this thread is single-stepping an access to. */
static _Thread_local uint8_t *stepping;

void race_fail(struct race_rig *r, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&r->lock);
	if (!r->bad++) {
		va_start(ap, fmt);
		vsnprintf(r->why, sizeof(r->why), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&r->lock);
}

static void *in_view(const struct view *v, const void *p, const struct view *to)
{
	const uint8_t *b = p;

	if (b >= v->mon && b < v->mon + v->size)
		return to->guest + (b - v->mon);
	return NULL;
}

void *race_gpa(struct race_rig *r, uint64_t gpa, uint64_t len)
{
	void *p = mon_gpa_ptr(r->mon, gpa, len), *g;

	if (!p) {
		race_fail(r, "harness: gpa 0x%llx + %llu is not guest memory",
			  (unsigned long long)gpa, (unsigned long long)len);
		return NULL;
	}
	if ((g = in_view(&ram, p, &ram)) || (g = in_view(&extra, p, &extra)))
		return g;
	return p;
}

/* A guest TSC that always moves forward (2 GHz: 1000 per call). */
uint64_t race_tsc(const struct mon *mon)
{
	(void)mon;
	return atomic_fetch_add(&fake_tsc, 1000) + 1000;
}

void race_timer_arm(struct mon *mon, unsigned vcpu, uint64_t deadline,
		    mon_timer_fn fn)
{
	(void)mon, (void)deadline;
	if (vcpu < RACE_VCPUS)
		atomic_store(&race_now->timer[vcpu], fn);
}

void race_timer_cancel(struct mon *mon, unsigned vcpu)
{
	(void)mon;
	if (vcpu < RACE_VCPUS)
		atomic_store(&race_now->timer[vcpu], (mon_timer_fn)NULL);
}

struct mon *race_mon_new(struct race_rig *r)
{
	struct mon *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	memset(ram.guest, 0, ram.size);
	memset(extra.guest, 0, extra.size);
	m->ram = ram.mon;
	m->ram_size = RACE_RAM;
	mon_special_init(m, extra.mon);
	m->nvcpu = RACE_VCPUS;
	m->tsc_khz = 2000000;
	m->clock.tsc0 = 1000;
	m->out_fd = null_fd;
	mon_dev_init(&m->dev);
	r->mon = m;
	return m;
}

void race_mon_free(struct race_rig *r)
{
	free(r->mon);
	r->mon = NULL;
}

/* ---- the guest's writes ----------------------------------------------- */

static uint64_t load(const void *p, unsigned size)
{
	switch (size) {
	case 1: return __atomic_load_n((const uint8_t *)p, __ATOMIC_RELAXED);
	case 2: return __atomic_load_n((const uint16_t *)p, __ATOMIC_RELAXED);
	case 4: return __atomic_load_n((const uint32_t *)p, __ATOMIC_RELAXED);
	default: return __atomic_load_n((const uint64_t *)p, __ATOMIC_RELAXED);
	}
}

static void store(void *p, unsigned size, uint64_t v)
{
	switch (size) {
	case 1: __atomic_store_n((uint8_t *)p, (uint8_t)v, __ATOMIC_RELAXED); break;
	case 2: __atomic_store_n((uint16_t *)p, (uint16_t)v, __ATOMIC_RELAXED); break;
	case 4: __atomic_store_n((uint32_t *)p, (uint32_t)v, __ATOMIC_RELAXED); break;
	default: __atomic_store_n((uint64_t *)p, v, __ATOMIC_RELAXED); break;
	}
}

/* A coin per word per trap (xorshift64, per thread). */
static bool coin(void)
{
	static _Thread_local uint64_t x;

	if (!x)
		x = 0x9e3779b97f4a7c15ull ^ (uint64_t)(uintptr_t)&x;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return x >> 63;
}

/* A guest write to each word: the value after the one there now, so
 * that every write is a change.  In a trap, to each word or not by the
 * toss of a coin: a fixed pattern could give a word the same value at
 * the same access of every call (the number of accesses between two
 * being the same), and a check would never see the other value; and
 * never to the words updated by CAS.  Async-signal-safe. */
static void flip_all(struct race_rig *r, bool trap)
{
	const struct race_scn *s = r->scn;

	for (unsigned k = 0; k < RACE_FLIPS; k++) {
		const struct race_flip *f = &s->flip[k];
		uint64_t now;
		unsigned i = 0;

		if (!r->at[k] || (trap && (f->cas || coin())))
			continue;
		now = load(r->at[k], f->size);
		while (i < f->n && f->v[i] != now)
			i++;
		store(r->at[k], f->size, f->v[i < f->n ? (i + 1) % f->n : 0]);
	}
}

/* ---- the trap phase ------------------------------------------------------ */

static void protect(struct race_rig *r, int prot)
{
	for (unsigned k = 0; k < r->ntrap; k++)
		mprotect(r->trap[k], PAGE, prot);
}

static bool trapped(const struct race_rig *r, const uint8_t *page)
{
	for (unsigned k = 0; k < r->ntrap; k++)
		if (r->trap[k] == page)
			return true;
	return false;
}

/* Not ours: the handler that was there (ASan's), or the default. */
static void chain(const struct sigaction *old, int sig, siginfo_t *si,
		  void *uc)
{
	if (old->sa_flags & SA_SIGINFO && old->sa_sigaction) {
		old->sa_sigaction(sig, si, uc);
		return;
	}
	signal(sig, SIG_DFL);   /* the access repeats and kills us */
}

/* A monitor access to a protected page: let that one instruction
 * through (open the page, single-step)... */
static void on_segv(int sig, siginfo_t *si, void *uc)
{
	struct race_rig *r = atomic_load(&trapping);
	uint8_t *page = (uint8_t *)((uintptr_t)si->si_addr & ~(uintptr_t)(PAGE - 1));

	if (!r || !trapped(r, page)) {
		chain(&old_segv, sig, si, uc);
		return;
	}
	mprotect(page, PAGE, PROT_READ | PROT_WRITE);
	((ucontext_t *)uc)->uc_mcontext.gregs[REG_EFL] |= EFLAGS_TF;
	stepping = page;
}

/* ...then the guest writes, and the pages close again. */
static void on_trap(int sig, siginfo_t *si, void *uc)
{
	struct race_rig *r = atomic_load(&trapping);

	if (!stepping) {
		chain(&old_trap, sig, si, uc);
		return;
	}
	stepping = NULL;
	((ucontext_t *)uc)->uc_mcontext.gregs[REG_EFL] &= ~EFLAGS_TF;
	if (r) {
		flip_all(r, true);
		atomic_fetch_add(&r->traps, 1);
		protect(r, PROT_NONE);
	}
}

/* The distinct pages, in the monitor's view, of the scenario's words. */
static void find_traps(struct race_rig *r)
{
	for (unsigned k = 0; k < RACE_FLIPS; k++) {
		const struct race_flip *f = &r->scn->flip[k];
		uint8_t *p;

		if (!f->n || f->cas ||
		    !(p = mon_gpa_ptr(r->mon, f->gpa, f->size)))
			continue;
		p = (uint8_t *)((uintptr_t)p & ~(uintptr_t)(PAGE - 1));
		if (!trapped(r, p))
			r->trap[r->ntrap++] = p;
	}
}

/* ---- the threads ----------------------------------------------------------- */

struct vcpu_arg {
	struct race_rig *r;
	unsigned vcpu;
	bool trap;
};

/* Threads on different CPUs where there are several: two loads a few
 * instructions apart then straddle a guest write whenever both threads
 * run at once. */
static void pin(unsigned slot)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;

	if (n < 2)
		return;
	CPU_ZERO(&set);
	CPU_SET(slot % (unsigned)n, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *dispatcher(void *p)
{
	const struct vcpu_arg *a = p;
	struct race_rig *r = a->r;
	uint64_t i = 0;

	pin(1 + a->vcpu);
	do {
		r->scn->call(r, a->vcpu, r->next[a->vcpu] + i++);
		atomic_fetch_add_explicit(&r->live, 1, memory_order_relaxed);
	} while (!atomic_load_explicit(&r->stop, memory_order_relaxed));
	r->next[a->vcpu] += i;
	atomic_fetch_add(a->trap ? &r->trap_calls : &r->calls[a->vcpu], i);
	return NULL;
}

/* The guest's other vCPU: rewrite every word, round after round. */
static void *guest(void *p)
{
	struct race_rig *r = p;
	uint64_t round = 0;

	pin(0);
	while (!atomic_load_explicit(&r->stop, memory_order_relaxed)) {
		flip_all(r, false);
		if (++round % 256 == 0)
			atomic_store_explicit(&r->rounds, round,
					      memory_order_relaxed);
	}
	atomic_store(&r->rounds, round);
	return NULL;
}

/* The host's timer thread, impatient: an armed timer fires at its next
 * pass, whatever its deadline (the personality must cope either way). */
static void *timer(void *p)
{
	struct race_rig *r = p;
	const struct timespec pause = { 0, TIMER_PAUSE_NS };

	while (!atomic_load_explicit(&r->stop, memory_order_relaxed)) {
		for (unsigned v = 0; v < RACE_VCPUS; v++) {
			mon_timer_fn fn = atomic_exchange(&r->timer[v],
							  (mon_timer_fn)NULL);
			if (fn) {
				fn(r->mon, v);
				atomic_fetch_add(&r->fired, 1);
			}
		}
		nanosleep(&pause, NULL);
	}
	return NULL;
}

/* A dispatcher that never returns is a failure too, with a name. */
static const char *hung_name;

static void on_alarm(int sig)
{
	static const char msg[] = "race: a thread did not stop within "
				  "30 s of its scenario's end: ";

	(void)sig;
	(void)!write(err_fd, msg, sizeof(msg) - 1);
	(void)!write(err_fd, hung_name, strlen(hung_name));
	(void)!write(err_fd, "\n", 1);
	_exit(1);
}

static void sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static bool enough(struct race_rig *r, bool trap)
{
	if (trap)
		return r->live >= 1 && r->traps >= MIN_TRAPS;
	return r->live >= MIN_ACTIVITY && r->rounds >= MIN_ACTIVITY;
}

/* One phase: the dispatchers (and the timer thread) for (secs), with
 * the guest writing either on every trapped access or from its thread. */
static void run_phase(struct race_rig *r, double secs, bool trap)
{
	const struct race_scn *s = r->scn;
	struct vcpu_arg va[RACE_VCPUS];
	pthread_t d[RACE_VCPUS], g, t;

	atomic_store(&r->stop, false);
	atomic_store(&r->live, 0);
	if (trap) {
		atomic_store(&trapping, r);
		protect(r, PROT_NONE);
	} else {
		pthread_create(&g, NULL, guest, r);
	}
	if (s->timer)
		pthread_create(&t, NULL, timer, r);
	for (unsigned v = 0; v < s->vcpus; v++) {
		va[v] = (struct vcpu_arg){ r, v, trap };
		pthread_create(&d[v], NULL, dispatcher, &va[v]);
	}
	sleep_s(secs);
	/* On a loaded host a thread may barely have run: go on until the
	 * phase has done enough to prove something, for a while. */
	for (unsigned w = 0; w < OVERTIME_MS / 10 && !enough(r, trap); w++)
		sleep_s(0.01);
	atomic_store(&r->stop, true);
	hung_name = s->name;
	alarm(30);
	for (unsigned v = 0; v < s->vcpus; v++)
		pthread_join(d[v], NULL);
	if (s->timer)
		pthread_join(t, NULL);
	if (trap) {
		protect(r, PROT_READ | PROT_WRITE);
		atomic_store(&trapping, (struct race_rig *)NULL);
	} else {
		pthread_join(g, NULL);
	}
	alarm(0);
}

/* stderr to /dev/null while a scenario writes there (console_io goes
 * to vmi-run's log); sanitizer reports keep the real stderr. */
static void quiet(bool on)
{
	fflush(stderr);
	dup2(on ? null_fd : err_fd, STDERR_FILENO);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void report(struct race_rig *r, unsigned n, double secs)
{
	const struct race_scn *s = r->scn;
	uint64_t calls = r->calls[0] + r->calls[1];

	if (trap_phase && (r->trap_calls < 1 || r->traps < MIN_TRAPS))
		race_fail(r, "too little activity in the trap phase: %llu "
			  "calls, %llu guest writes",
			  (unsigned long long)r->trap_calls,
			  (unsigned long long)r->traps);
	if (calls < MIN_ACTIVITY || r->rounds < MIN_ACTIVITY)
		race_fail(r, "too little activity to race: %llu calls, %llu "
			  "guest rounds", (unsigned long long)calls,
			  (unsigned long long)r->rounds);
	printf("# %s: trap phase %llu calls, %llu guest writes between "
	       "monitor accesses; free phase %llu calls (vcpu0 %llu, vcpu1 "
	       "%llu), %llu guest rounds; %llu timer expiries, %llu torn "
	       "reads; %.2f s\n", s->name, (unsigned long long)r->trap_calls,
	       (unsigned long long)r->traps, (unsigned long long)calls,
	       (unsigned long long)r->calls[0],
	       (unsigned long long)r->calls[1], (unsigned long long)r->rounds,
	       (unsigned long long)r->fired, (unsigned long long)r->torn,
	       secs);
	if (!r->bad)
		printf("ok %u - %s\n", n, s->name);
	else
		printf("not ok %u - %s # %u bad answers; first: %s\n", n,
		       s->name, r->bad, r->why);
}

static bool run_scn(const struct race_scn *s, unsigned n, double secs)
{
	struct race_rig *r = calloc(1, sizeof(*r));
	double trap_s = trap_phase ? secs * TRAP_SHARE : 0;
	bool ok = false;

	printf("# %s: running for %.2f s\n", s->name, secs);
	r->scn = s;
	pthread_mutex_init(&r->lock, NULL);
	race_now = r;
	if (!race_mon_new(r) || s->setup(r) < 0) {
		printf("not ok %u - %s # setup failed: %s\n", n, s->name, r->why);
	} else {
		/* Each word starts at its first value: the guest never
		 * wrote anything else there. */
		for (unsigned k = 0; k < RACE_FLIPS; k++)
			if (s->flip[k].n &&
			    (r->at[k] = race_gpa(r, s->flip[k].gpa,
						 s->flip[k].size)))
				store(r->at[k], s->flip[k].size,
				      s->flip[k].v[0]);
		find_traps(r);
		if (s->quiet)
			quiet(true);
		double t0 = now_s();

		if (trap_s > 0)
			run_phase(r, trap_s, true);
		run_phase(r, secs - trap_s, false);
		secs = now_s() - t0;
		if (s->quiet)
			quiet(false);
		if (s->finish)
			s->finish(r);
		report(r, n, secs);
		ok = !r->bad;
	}
	if (r->mon)
		s->teardown(r);
	race_mon_free(r);
	race_now = NULL;
	pthread_mutex_destroy(&r->lock);
	free(r);
	return ok;
}

/* ---- main ------------------------------------------------------------ */

static bool view_new(struct view *v, size_t size, const char *name)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	v->size = size;
	if (fd < 0 || ftruncate(fd, (off_t)size) < 0)
		return false;
	v->mon = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	v->guest = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return v->mon != MAP_FAILED && v->guest != MAP_FAILED;
}

static void handlers(void)
{
	struct sigaction sa = { .sa_sigaction = on_segv,
				.sa_flags = SA_SIGINFO };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &old_segv);
	sa.sa_sigaction = on_trap;
	sigaction(SIGTRAP, &sa, &old_trap);
}

struct list {
	const struct race_scn *s[64];
	unsigned n;
	unsigned weight;
};

static void add(struct list *l, const struct race_scn *s, unsigned n,
		const char *only)
{
	for (unsigned i = 0; i < n && l->n < 64; i++) {
		if (only && strcmp(only, s[i].name))
			continue;
		l->s[l->n++] = &s[i];
		l->weight += s[i].weight;
	}
}

static int usage(void)
{
	fprintf(stderr, "usage: race [--seconds S] [--only NAME] [--list]\n");
	return 64;
}

int main(int argc, char **argv)
{
	const char *env = getenv("RACE_SECONDS"), *only = NULL;
	double secs = env ? atof(env) : 4.0;
	struct list l = { .n = 0 };
	bool list = false;
	unsigned failed = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			secs = atof(argv[++i]);
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			only = argv[++i];
		else if (!strcmp(argv[i], "--list"))
			list = true;
		else
			return usage();
	}
	if (!(secs > 0) || secs > 86400) {
		fprintf(stderr, "race: bad --seconds\n");
		return 64;
	}
	add(&l, race_hv_scns, race_hv_nscns, only);
	add(&l, race_xen_scns, race_xen_nscns, only);
	if (list) {
		for (unsigned i = 0; i < l.n; i++)
			printf("%s\n", l.s[i]->name);
		return 0;
	}
	if (!l.n) {
		fprintf(stderr, "race: no scenario named %s\n", only);
		return 64;
	}
	null_fd = open("/dev/null", O_WRONLY);
	err_fd = dup(STDERR_FILENO);
	if (!view_new(&ram, RACE_RAM, "race-ram") ||
	    !view_new(&extra, MON_EXTRA_SIZE, "race-extra") ||
	    null_fd < 0 || err_fd < 0) {
		fprintf(stderr, "race: cannot map guest memory (memfd)\n");
		return 1;
	}
#ifdef RACE_SANITIZED
	__sanitizer_set_report_fd((void *)(intptr_t)err_fd);
#endif
#ifdef RACE_TSAN
	/* Guest memory is the guest's: it changes under the monitor by
	 * design, and what the monitor must get right there (fetch once,
	 * check what it uses) is the trap phase's and ASan's business.
	 * TSan watches the monitor's own state.  (No trap phase: TSan
	 * holds signals back to its own safe points.) */
	AnnotateBenignRaceSized(__FILE__, __LINE__, ram.mon, RACE_RAM, "RAM");
	AnnotateBenignRaceSized(__FILE__, __LINE__, ram.guest, RACE_RAM, "RAM");
	AnnotateBenignRaceSized(__FILE__, __LINE__, extra.mon, MON_EXTRA_SIZE,
				"guest-visible monitor pages");
	AnnotateBenignRaceSized(__FILE__, __LINE__, extra.guest, MON_EXTRA_SIZE,
				"guest-visible monitor pages");
	trap_phase = false;
#endif
	signal(SIGALRM, on_alarm);
	if (trap_phase)
		handlers();
	/* Line by line: a sanitizer report aborts, and the scenario it
	 * ended must show. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n1..%u\n", l.n);
	for (unsigned i = 0; i < l.n; i++)
		failed += !run_scn(l.s[i], i + 1,
				   secs * l.s[i]->weight / l.weight);
	return failed ? 1 : 0;
}
