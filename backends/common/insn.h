/* SPDX-License-Identifier: MIT */
/*
 * insn.h: one tiny inline wrapper per privileged x86-64 instruction (xv6
 * style), plus the physical-memory accessors.  Guest code only: the host
 * unit tests replace this header with tests/unit/mock/insn.h, which records
 * the calls and returns programmable values.  That is why every backend
 * file includes it as <insn.h> (angle brackets skip the including file's
 * own directory, so the mock, first on the host include path, wins).
 * No other file of a backend holds inline asm.
 */
#ifndef VMI_COMMON_INSN_H
#define VMI_COMMON_INSN_H

#include <stddef.h>
#include <stdint.h>

#include "vmi/types.h"

/* ---- Memory: physical == virtual for everything a backend touches. ----- */

/* A pointer to physical address (pa): the kernel identity-maps RAM, the
 * first 4 GiB and the LAPIC/IOAPIC window (team convention).  The empty
 * asm hides the constant from GCC, whose -Warray-bounds otherwise rejects
 * dereferences of small fixed addresses such as the BDA's 0x40E. */
static inline void *pa_to_ptr(uint64_t pa)
{
    void *p = (void *)(uintptr_t)pa;
    __asm__("" : "+r"(p));
    return p;
}

static inline uint32_t mmio_read32(uint64_t pa)
{
    return *(volatile uint32_t *)(uintptr_t)pa;
}

static inline void mmio_write32(uint64_t pa, uint32_t val)
{
    *(volatile uint32_t *)(uintptr_t)pa = val;
}

static inline void mmio_write8(uint64_t pa, uint8_t val)
{
    *(volatile uint8_t *)(uintptr_t)pa = val;
}

static inline uint8_t mmio_read8(uint64_t pa)
{
    return *(volatile uint8_t *)(uintptr_t)pa;
}

static inline uint16_t mmio_read16(uint64_t pa)
{
    return *(volatile uint16_t *)(uintptr_t)pa;
}

static inline void mmio_write16(uint64_t pa, uint16_t val)
{
    *(volatile uint16_t *)(uintptr_t)pa = val;
}

/* ---- Port I/O ------------------------------------------------------------ */

/* inb/outb, inw/outw, inl/outl: one definition for the three widths, as
 * each is the same instruction with a size suffix. */
#define X86_PORT_IO(sfx, type)                                              \
    static inline type in##sfx(uint16_t port)                               \
    {                                                                       \
        type v;                                                             \
        __asm__ __volatile__("in" #sfx " %1, %0"                            \
                             : "=a"(v) : "Nd"(port) : "memory");            \
        return v;                                                           \
    }                                                                       \
    static inline void out##sfx(uint16_t port, type v)                      \
    {                                                                       \
        __asm__ __volatile__("out" #sfx " %0, %1"                           \
                             : : "a"(v), "Nd"(port) : "memory");            \
    }
X86_PORT_IO(b, uint8_t)
X86_PORT_IO(w, uint16_t)
X86_PORT_IO(l, uint32_t)
#undef X86_PORT_IO

/* ---- Control registers ---------------------------------------------------- */

#define INSN_RCR(n) \
    static inline uint64_t rcr##n(void) \
    { uint64_t v; __asm__ __volatile__("mov %%cr" #n ", %0" : "=r"(v)); return v; }
#define INSN_WCR(n) \
    static inline void wcr##n(uint64_t v) \
    { __asm__ __volatile__("mov %0, %%cr" #n : : "r"(v) : "memory"); }
INSN_RCR(0)
INSN_RCR(2)
INSN_RCR(3)
INSN_RCR(4)
INSN_WCR(0)
INSN_WCR(3)
INSN_WCR(4)
#undef INSN_RCR
#undef INSN_WCR

/* ---- MSRs ------------------------------------------------------------------ */

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ __volatile__("wrmsr" : : "c"(msr), "a"((uint32_t)v),
                         "d"((uint32_t)(v >> 32)) : "memory");
}

/*
 * The _safe forms register the instruction in the exception-fixup table
 * (section vmi_fixup, see include/vmi/fixup.h): if it raises #GP, the
 * kernel's handler finds the entry through vmi_fixup_lookup() and resumes
 * at the fixup stub, which sets the error flag and jumps back past the
 * instruction.  Local labels keep the asm valid when inlined many times.
 */
#define INSN_FIXUP(insn, fix) \
    "1: " insn "\n2:\n" \
    ".pushsection .text.vmi_fixup,\"ax\"\n" \
    "3: movl $1, %" fix "\n jmp 2b\n" \
    ".popsection\n" \
    ".pushsection vmi_fixup,\"a\"\n.balign 8\n.quad 1b, 3b\n.popsection\n"

/* Returns 0 and sets *(v), or 1 (and *v = 0) if rdmsr faulted. */
static inline int rdmsr_safe(uint32_t msr, uint64_t *v)
{
    uint32_t lo = 0, hi = 0, err = 0;
    __asm__ __volatile__(INSN_FIXUP("rdmsr", "[err]")
                         : "+a"(lo), "+d"(hi), [err] "+r"(err)
                         : "c"(msr) : "memory");
    *v = err ? 0 : ((uint64_t)hi << 32) | lo;
    return (int)err;
}

/* Returns 0, or 1 if wrmsr faulted. */
static inline int wrmsr_safe(uint32_t msr, uint64_t v)
{
    uint32_t err = 0;
    __asm__ __volatile__(INSN_FIXUP("wrmsr", "[err]")
                         : [err] "+r"(err)
                         : "c"(msr), "a"((uint32_t)v),
                           "d"((uint32_t)(v >> 32)) : "memory");
    return (int)err;
}

/* ---- CPUID, TSC, barriers --------------------------------------------------- */

static inline void cpuid(uint32_t leaf, uint32_t sub, struct vmi_cpuid *r)
{
    __asm__ __volatile__("cpuid" : "=a"(r->eax), "=b"(r->ebx), "=c"(r->ecx),
                         "=d"(r->edx) : "a"(leaf), "c"(sub));
}

/* IA32_TSC_AUX (Intel SDM Vol. 2, RDPID).  Not RDTSCP, which also reads
 * it: a hypervisor that emulates the TSC intercepts RDTSCP (Xen under
 * QEMU's SVM then failed to decode it and the guest hung), never RDPID. */
static inline uint32_t rdpid(void)
{
    uint64_t v;
    __asm__ __volatile__("rdpid %0" : "=r"(v));
    return (uint32_t)v;
}

/* lfence; rdtsc: the TSC ordered after earlier loads (no RDTSCP here). */
static inline uint64_t rdtsc_ordered(void)
{
    uint32_t lo, hi;
    __asm__ __volatile__("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return ((uint64_t)hi << 32) | lo;
}

static inline void mfence(void)
{
    __asm__ __volatile__("mfence" : : : "memory");
}

static inline void cpu_relax(void)
{
    __asm__ __volatile__("pause" : : : "memory");
}

/* ---- Interrupt flag and halting ------------------------------------------------ */

static inline void cli(void)
{
    __asm__ __volatile__("cli" : : : "memory");
}

static inline void sti(void)
{
    __asm__ __volatile__("sti" : : : "memory");
}

static inline uint64_t read_rflags(void)
{
    uint64_t f;
    __asm__ __volatile__("pushfq; popq %0" : "=r"(f) : : "memory");
    return f;
}

/* sti's one-instruction interrupt shadow makes "sti; hlt" atomic. */
static inline void sti_hlt(void)
{
    __asm__ __volatile__("sti; hlt" : : : "memory");
}

static inline void hlt(void)
{
    __asm__ __volatile__("hlt" : : : "memory");
}

/* ---- Descriptor tables and TLB ---------------------------------------------------- */

static inline void lgdt(const struct vmi_dtr *dt)
{
    __asm__ __volatile__("lgdt %0" : : "m"(*dt) : "memory");
}

static inline void lidt(const struct vmi_dtr *dt)
{
    __asm__ __volatile__("lidt %0" : : "m"(*dt) : "memory");
}

static inline void ltr(uint16_t sel)
{
    __asm__ __volatile__("ltr %0" : : "r"(sel) : "memory");
}

static inline void invlpg(uint64_t va)
{
    __asm__ __volatile__("invlpg (%0)" : : "r"(va) : "memory");
}

/* Deliberate triple fault: an empty IDT, then an exception.  Last resort
 * of reboot. */
static inline __attribute__((noreturn)) void triple_fault(void)
{
    static const struct vmi_dtr empty = { 0, 0 };
    __asm__ __volatile__("lidt %0; int3" : : "m"(empty) : "memory");
    __builtin_unreachable();
}

#endif
