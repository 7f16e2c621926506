/* SPDX-License-Identifier: MIT */
/*
 * tests/race/race.h: the racing-vCPU harness.  vmi-run's personalities
 * read guest memory that the guest's other vCPUs may change at any
 * moment; a dispatcher that fetches a length or an index twice (checks
 * one value, uses another) is a hole only such a race opens.  Here the
 * guest keeps rewriting words of guest memory (argument blocks, ring
 * indices, lengths) while one or two dispatcher threads ("vCPUs") drive
 * the personality's hooks on it, with a fake host environment as in
 * tests/unit/test_{xen,hv}_mon.c: between every two monitor accesses to
 * those words (the trap phase, race.c) and from a thread of its own (the
 * free phase).  Each scenario checks that every answer is one the
 * interface documents for some value the guest wrote; the sanitizers
 * (ASan/UBSan or TSan) catch the rest.
 */
#ifndef RACE_H
#define RACE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "mon.h"
#include "mon_clock.h"

#define RACE_RAM (8u << 20)     /* guest RAM: 8 MiB */
#define RACE_VCPUS 2u           /* the VM's vCPUs; dispatchers run as them */
#define RACE_FLIPS 8u
#define RACE_VALUES 4u

/* One guest word that the guest keeps changing: each write stores the
 * value after the one there (v[0], v[1], ... v[n - 1], v[0], ...), so
 * that every write is a change. */
struct race_flip {
	uint64_t gpa;
	unsigned size;                  /* 1, 2, 4 or 8 bytes */
	unsigned n;                     /* values in v[]; 0 = unused */
	uint64_t v[RACE_VALUES];
	/* The monitor updates this word by compare-and-swap: only the
	 * guest thread writes it.  A guest write between every two
	 * accesses would fail every CAS forever (a real guest cannot keep
	 * that up; Xen's own bit operations are single instructions). */
	bool cas;
};

/* A flipped word at (gpa) of (size) bytes taking the values listed. */
#define RACE_FLIP(at, sz, ...) { .gpa = (at), .size = (sz), \
	.n = sizeof((const uint64_t[]){ __VA_ARGS__ }) / sizeof(uint64_t), \
	.v = { __VA_ARGS__ } }
#define RACE_FLIP_CAS(at, sz, ...) { .gpa = (at), .size = (sz), \
	.n = sizeof((const uint64_t[]){ __VA_ARGS__ }) / sizeof(uint64_t), \
	.v = { __VA_ARGS__ }, .cas = true }

struct race_rig;

struct race_scn {
	const char *name;
	unsigned weight;                /* share of the time budget */
	unsigned vcpus;                 /* dispatcher threads: 1 or 2 */
	bool timer;                     /* a host timer thread fires timers */
	bool quiet;                     /* the scenario writes to stderr */
	/* Build the VM (personality state, guest memory); 0 or -1. */
	int (*setup)(struct race_rig *r);
	void (*teardown)(struct race_rig *r);
	/* One dispatch by (vcpu), call number (i), and its checks. */
	void (*call)(struct race_rig *r, unsigned vcpu, uint64_t i);
	/* Checks on the final state (may be NULL). */
	void (*finish)(struct race_rig *r);
	struct race_flip flip[RACE_FLIPS];
};

struct race_rig {
	const struct race_scn *scn;
	struct mon *mon;
	void *pers;                     /* the personality's own state */
	atomic_bool stop;
	uint64_t next[RACE_VCPUS];      /* each vCPU's next call number */
	_Atomic uint64_t calls[RACE_VCPUS];     /* free phase */
	_Atomic uint64_t trap_calls;    /* trap phase, both vCPUs */
	_Atomic uint64_t live;          /* calls so far in this phase */
	_Atomic uint64_t traps;         /* guest writes in the trap phase */
	_Atomic uint64_t rounds;        /* the guest thread's, free phase */
	_Atomic uint64_t fired;         /* host timer expiries */
	_Atomic uint64_t torn;          /* answers only a torn read explains,
					 * within what is documented */
	void *at[RACE_FLIPS];           /* the words, in the guest's view */
	uint8_t *trap[RACE_FLIPS];      /* their pages, in the monitor's */
	unsigned ntrap;
	/* The fake host's timers: the callback armed per vCPU. */
	_Atomic(mon_timer_fn) timer[RACE_VCPUS];
	int mode[RACE_VCPUS];           /* xen: each vCPU's mode (own thread) */
	/* What each vCPU's guest side keeps between its calls (the
	 * scenario's; only that vCPU's dispatcher touches it). */
	_Alignas(8) uint8_t own[RACE_VCPUS][256];
	pthread_mutex_t lock;           /* the failure record */
	unsigned bad;
	char why[256];
};

/* The rig running now: the fake environments' callbacks find it here. */
extern struct race_rig *race_now;

/* Record a failure (the first message is kept); any thread. */
void race_fail(struct race_rig *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Guest memory (gpa, len) as the guest sees it: RAM or a monitor page,
 * never protected by the trap phase. */
void *race_gpa(struct race_rig *r, uint64_t gpa, uint64_t len);
/* A fresh VM: zeroed RAM and special area, devices, RACE_VCPUS vCPUs;
 * console output to /dev/null. */
struct mon *race_mon_new(struct race_rig *r);
void race_mon_free(struct race_rig *r);

/* The fake host timer (both personalities reach it through the fake mon->host). */
void race_timer_arm(struct mon *mon, unsigned vcpu, uint64_t deadline,
		    mon_timer_fn fn);
void race_timer_cancel(struct mon *mon, unsigned vcpu);
uint64_t race_tsc(const struct mon *mon);

extern const struct race_scn race_hv_scns[];
extern const unsigned race_hv_nscns;
extern const struct race_scn race_xen_scns[];
extern const unsigned race_xen_nscns;

#endif
