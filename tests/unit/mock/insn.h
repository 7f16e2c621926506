/* SPDX-License-Identifier: MIT */
/*
 * insn.h (mock): the host-test replacement of backends/common/insn.h.
 * Same functions, but every instruction goes to the programmable machine
 * in `mock` (mock.h): CPUID and MSR tables, port I/O with a CMOS model,
 * one page of MMIO registers, a TSC that advances by a fixed step per
 * read, and 1 MiB of "low memory" behind pa_to_ptr().  Every access that
 * changes state is logged so tests can check what a backend did.
 */
#ifndef VMI_COMMON_INSN_H
#define VMI_COMMON_INSN_H

#include <stddef.h>
#include <stdint.h>

#include "mock.h"

static inline void *pa_to_ptr(uint64_t pa) { return mock_pa_to_ptr(pa); }
static inline uint32_t mmio_read32(uint64_t pa) { return mock_mmio_read32(pa); }
static inline void mmio_write32(uint64_t pa, uint32_t v) { mock_mmio_write(pa, v, 4); }
static inline void mmio_write8(uint64_t pa, uint8_t v) { mock_mmio_write(pa, v, 1); }
static inline uint8_t mmio_read8(uint64_t pa) { return (uint8_t)mock_mmio_read32(pa); }
static inline uint16_t mmio_read16(uint64_t pa) { return (uint16_t)mock_mmio_read32(pa); }
static inline void mmio_write16(uint64_t pa, uint16_t v) { mock_mmio_write(pa, v, 2); }
static inline uint8_t inb(uint16_t port) { return mock_inb(port); }
static inline void outb(uint16_t port, uint8_t v) { mock_out(port, v, 1); }
static inline uint32_t inl(uint16_t port) { return mock_inl(port); }
static inline void outw(uint16_t port, uint16_t v) { mock_out(port, v, 2); }
static inline uint16_t inw(uint16_t port) { return mock_inw(port); }
static inline void outl(uint16_t port, uint32_t v) { mock_out(port, v, 4); }
static inline uint64_t rcr0(void) { return mock.cr[0]; }
static inline uint64_t rcr2(void) { return mock.cr[2]; }
static inline uint64_t rcr3(void) { return mock.cr[3]; }
static inline uint64_t rcr4(void) { return mock.cr[4]; }
static inline void wcr0(uint64_t v) { mock.cr[0] = v; }
static inline void wcr3(uint64_t v) { mock.cr[3] = v; mock.ncr3_writes++; }
static inline void wcr4(uint64_t v)
{
    mock.cr[4] = v;
    if (mock.ncr4_writes < MOCK_LOG)
        mock.cr4_log[mock.ncr4_writes++] = v;
}
static inline uint64_t rdmsr(uint32_t msr) { uint64_t v; mock_rdmsr(msr, &v); return v; }
static inline void wrmsr(uint32_t msr, uint64_t v) { mock_wrmsr(msr, v); }
static inline int rdmsr_safe(uint32_t msr, uint64_t *v) { return mock_rdmsr(msr, v); }
static inline int wrmsr_safe(uint32_t msr, uint64_t v) { return mock_wrmsr(msr, v); }
static inline void cpuid(uint32_t leaf, uint32_t sub, struct vmi_cpuid *r) { mock_cpuid(leaf, sub, r); }
static inline uint32_t rdpid(void) { mock.nrdpid++; return (uint32_t)mock_msr_value(0xc0000103); }
static inline uint64_t rdtsc_ordered(void) { uint64_t t = mock.tsc; mock.tsc += mock.tsc_step; return t; }
static inline void mfence(void) { mock.nmfence++; }
static inline void cpu_relax(void) { mock.npause++; }
static inline void cli(void) { mock.rflags &= ~0x200ull; }
static inline void sti(void) { mock.rflags |= 0x200ull; }
static inline uint64_t read_rflags(void) { return mock.rflags; }
static inline void sti_hlt(void) { mock.rflags |= 0x200ull; mock.nhlt++; }
static inline void hlt(void) { mock_hlt(); }
static inline void lgdt(const struct vmi_dtr *dt) { mock.gdtr = *dt; }
static inline void lidt(const struct vmi_dtr *dt) { mock.idtr = *dt; }
static inline void ltr(uint16_t sel) { mock.tr = sel; }
static inline void invlpg(uint64_t va) { mock_invlpg(va); }
static inline __attribute__((noreturn)) void triple_fault(void) { mock_triple_fault(); }

#endif
