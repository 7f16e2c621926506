/* SPDX-License-Identifier: MIT */
/*
 * tests/monitor/fake_guest.h: the guest that the monitor's host-free
 * tests (tests/unit/test_xen_mon.c, tests/race, tests/fuzz) pretend to
 * run, for what the personalities read of a vCPU besides memory: its
 * CPUID, and the page tables a 64-bit caller's pointers go through.
 */
#ifndef FAKE_GUEST_H
#define FAKE_GUEST_H

#include <stdint.h>
#include <string.h>

#include "mon_cpuid.h"

/* A baseline x86-64 as on kvm-pvm (docs/hosts.md [host:kvm-pvm:cpuid]:
 * no PCID, XSAVE, SMEP/SMAP or 1 GiB pages; NX, long mode), 39
 * physical-address bits. */
static inline void fake_guest_cpuid(struct mon_cpuid *t)
{
	static const struct mon_cpuid_entry e[] = {
		{ 0, 0, 0, 0xd, 0, 0, 0 },
		{ 1, 0, 0, 0, 0, 0x81202000u, 0x178bfbffu },
		{ 7, 0, 1, 0, 0, 0, 0 },
		{ 0x80000001u, 0, 0, 0, 0, 1, 0x20100800u },
		{ 0x80000008u, 0, 0, 0x3027, 0, 0, 0 },
	};

	t->n = sizeof(e) / sizeof(e[0]);
	memcpy(t->e, e, sizeof(e));
}

/* The first GiB identity-mapped with 2 MiB pages, present and writable:
 * PML4, PDPT and PD in the three pages at (t), guest-physical (pa). */
static inline void fake_guest_identity_map(uint64_t *t, uint64_t pa)
{
	memset(t, 0, 3 * 0x1000);
	t[0] = (pa + 0x1000) | 3;
	t[512] = (pa + 0x2000) | 3;
	for (uint64_t i = 0; i < 512; i++)
		t[1024 + i] = i << 21 | 0x83;
}

#endif
