/* SPDX-License-Identifier: MIT */
/*
 * probe.h: memory and MSR accesses that may fault and report it instead
 * of panicking (arch layer).  Each probe's instruction has an entry in the
 * kernel's fixup table (section kernel_fixup); trap.c resumes past it and
 * records the exception in this_cpu()->fault.  For tests and for code
 * that must survive a bad address.
 */
#ifndef ARCH_PROBE_H
#define ARCH_PROBE_H

#include <stdint.h>

/* Each returns 0 if the access completed, 1 if it faulted (then *val is
 * left alone and this_cpu()->fault says which exception). */
int probe_read64(uint64_t va, uint64_t *val);
int probe_write64(uint64_t va, uint64_t val);
/* Raw rdmsr/wrmsr, not through vmi: for telling whether the environment
 * faults on an MSR, independently of the backend. */
int probe_rdmsr(uint32_t msr, uint64_t *val);
int probe_wrmsr(uint32_t msr, uint64_t val);

#endif
