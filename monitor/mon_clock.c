/* SPDX-License-Identifier: MIT */
/*
 * monitor/mon_clock.c: guest time (TSC offset and scaling) and the
 * per-vCPU one-shot timers of the hypervisor personalities, served by one
 * thread that sleeps until the earliest deadline.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "host_kvm.h"
#include "mon_clock.h"

uint64_t mon_host_tsc(void)
{
	uint32_t lo, hi;

	/* lfence orders the read after earlier loads, as the guest does. */
	__asm__ __volatile__("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
	return ((uint64_t)hi << 32) | lo;
}

uint64_t mon_guest_tsc(const struct mon *mon)
{
	return mon_host_tsc() + mon->clock.offset;
}

uint64_t mon_tsc_to_ns(const struct mon *mon, uint64_t tsc0, uint64_t tsc)
{
	if (tsc <= tsc0 || mon->tsc_khz == 0)
		return 0;
	return (uint64_t)((unsigned __int128)(tsc - tsc0) * 1000000u /
			  mon->tsc_khz);
}

uint64_t mon_guest_ns(const struct mon *mon)
{
	return mon_tsc_to_ns(mon, mon->clock.tsc0, mon_guest_tsc(mon));
}

void mon_pvclock_scale(uint32_t tsc_khz, uint32_t *mul, int8_t *shift)
{
	/* Find the shift that puts (10^9 << 32) / tsc_hz in 32 bits with
	 * the most precision, as Xen's compute_tsc_mul_shift does. */
	uint64_t hz = (uint64_t)tsc_khz * 1000u, base = 1000000000u;
	int8_t s = 0;

	while (hz > 2 * base) {
		base <<= 1;     /* slow the TSC down: shift right */
		s--;
	}
	while (hz <= base) {
		hz <<= 1;
		s++;
	}
	*mul = (uint32_t)(((unsigned __int128)base << 32) / hz);
	*shift = s;
}

static uint64_t host_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The earliest armed deadline, or UINT64_MAX. */
static uint64_t earliest(const struct mon *mon)
{
	uint64_t t = UINT64_MAX;

	for (unsigned i = 0; i < mon->nvcpu; i++)
		if (mon->clock.timer[i].fn && mon->clock.timer[i].deadline < t)
			t = mon->clock.timer[i].deadline;
	return t;
}

/* Take every expired timer out under the lock, fire them outside it. */
static void fire_expired(struct mon *mon)
{
	mon_timer_fn fire[MON_MAX_CPUS] = { 0 };
	uint64_t now = mon_guest_ns(mon);

	for (unsigned i = 0; i < mon->nvcpu; i++) {
		struct mon_timer *t = &mon->clock.timer[i];
		if (t->fn && t->deadline <= now) {
			fire[i] = t->fn;
			t->fn = NULL;
		}
	}
	pthread_mutex_unlock(&mon->clock.lock);
	for (unsigned i = 0; i < mon->nvcpu; i++)
		if (fire[i])
			fire[i](mon, i);
	pthread_mutex_lock(&mon->clock.lock);
}

static void *timer_thread(void *arg)
{
	struct mon *mon = arg;

	pthread_mutex_lock(&mon->clock.lock);
	while (!mon->clock.quit) {
		uint64_t next = earliest(mon), now = mon_guest_ns(mon);
		if (next <= now) {
			fire_expired(mon);
			continue;
		}
		uint64_t at = mon_timer_host_at(host_ns(), now, next);
		if (at == UINT64_MAX) {
			pthread_cond_wait(&mon->clock.cond, &mon->clock.lock);
			continue;
		}
		struct timespec ts = { (time_t)(at / 1000000000u),
				       (long)(at % 1000000000u) };
		pthread_cond_timedwait(&mon->clock.cond, &mon->clock.lock, &ts);
	}
	pthread_mutex_unlock(&mon->clock.lock);
	return NULL;
}

int mon_clock_start(struct mon *mon, char *err, size_t errlen)
{
	pthread_condattr_t ca;
	uint64_t guest;
	int r;

	/* The offset KVM applies, exact: vmi-run sets no TSC rate, so the
	 * guest's TSC is the host's plus it.  Without the attribute,
	 * bracket a guest TSC read with host reads; the midpoint bounds the
	 * error by half the ioctl's duration: a few us, but 100 us and more
	 * under a nested KVM, enough for Hyper-V's TIME_REF_COUNT (read
	 * here) and its reference page (read by the guest) to disagree. */
	if (host_kvm_tsc_offset(&mon->vcpu[0], &mon->clock.offset) < 0) {
		uint64_t h0 = mon_host_tsc();
		r = host_kvm_guest_tsc(&mon->vcpu[0], &guest);
		uint64_t h1 = mon_host_tsc();
		if (r < 0)
			return snprintf(err, errlen, "cannot read the guest "
					"TSC: %s", strerror(-r)), r;
		mon->clock.offset = guest - (h0 + (h1 - h0) / 2);
	}
	mon->clock.tsc0 = mon_guest_tsc(mon);
	pthread_mutex_init(&mon->clock.lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&mon->clock.cond, &ca);
	pthread_condattr_destroy(&ca);
	r = pthread_create(&mon->clock.thread, NULL, timer_thread, mon);
	if (r)
		return snprintf(err, errlen, "cannot start the timer thread: "
				"%s", strerror(r)), -r;
	mon->clock.running = true;
	return 0;
}

void mon_clock_stop(struct mon *mon)
{
	if (!mon->clock.running)
		return;
	pthread_mutex_lock(&mon->clock.lock);
	mon->clock.quit = true;
	pthread_cond_signal(&mon->clock.cond);
	pthread_mutex_unlock(&mon->clock.lock);
	pthread_join(mon->clock.thread, NULL);
	mon->clock.running = false;
}

void mon_timer_arm(struct mon *mon, unsigned vcpu, uint64_t deadline,
		   mon_timer_fn fn)
{
	if (vcpu >= mon->nvcpu || !mon->clock.running)
		return;
	pthread_mutex_lock(&mon->clock.lock);
	mon->clock.timer[vcpu] = (struct mon_timer){ deadline, fn };
	pthread_cond_signal(&mon->clock.cond);
	pthread_mutex_unlock(&mon->clock.lock);
}

void mon_timer_cancel(struct mon *mon, unsigned vcpu)
{
	if (vcpu >= mon->nvcpu || !mon->clock.running)
		return;
	pthread_mutex_lock(&mon->clock.lock);
	mon->clock.timer[vcpu].fn = NULL;
	pthread_mutex_unlock(&mon->clock.lock);
}
