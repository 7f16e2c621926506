/* SPDX-License-Identifier: MIT */
/* mock.h: the programmable machine behind tests/unit/mock/insn.h. */
#ifndef VMI_MOCK_H
#define VMI_MOCK_H

#include <setjmp.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmi/types.h"

#define MOCK_MAX_CPUID 32
#define MOCK_MAX_MSR 64
#define MOCK_LOG 512
#define MOCK_LOWMEM (1u << 20)

struct mock_cpuid_entry {
    uint32_t leaf, sub;
    struct vmi_cpuid r;
};

struct mock_msr {
    uint32_t msr;
    uint64_t val;
    int fault;              /* rdmsr/wrmsr raise #GP */
};

/* One logged write: a port, an MSR or an MMIO address, and the value. */
struct mock_write {
    uint64_t where;
    uint64_t val;
    unsigned size;
};

struct mock_state {
    struct mock_cpuid_entry cpuid[MOCK_MAX_CPUID];
    unsigned ncpuid;
    struct mock_msr msr[MOCK_MAX_MSR];
    unsigned nmsr;
    struct mock_write wrmsr_log[MOCK_LOG];
    unsigned nwrmsr;
    struct mock_write out_log[MOCK_LOG];
    unsigned nout;
    struct mock_write mmio_log[MOCK_LOG];
    unsigned nmmio;
    uint64_t invlpg_log[MOCK_LOG];
    unsigned ninvlpg;
    uint8_t port_in[65536];         /* what inb returns by default */
    int (*inb_hook)(uint16_t port); /* -1: not handled */
    uint32_t (*inl_hook)(uint16_t port);    /* NULL: all ones */
    /* Before mmio[]: true if it gave *v for (pa). */
    bool (*mmio_read_hook)(uint64_t pa, uint32_t *v);
    void (*wrmsr_hook)(uint32_t msr, uint64_t val);  /* after a write */
    uint8_t cmos[128];              /* behind ports 0x70/0x71 */
    uint8_t cmos_index;
    uint64_t tsc, tsc_step;         /* rdtsc returns tsc, then adds step */
    unsigned nrdpid;                /* IA32_TSC_AUX reads (MSR 0xc0000103) */
    uint64_t cr[5];
    unsigned ncr3_writes;
    uint64_t cr4_log[MOCK_LOG];     /* every value written to CR4 */
    unsigned ncr4_writes;
    uint64_t rflags;
    struct vmi_dtr gdtr, idtr;
    uint16_t tr;
    uint32_t mmio[1024];            /* any MMIO page: registers by offset */
    unsigned nhlt, npause, nmfence, ntriple;
    /* Where a machine that stopped for good (hlt with IF clear, triple
     * fault) resumes the test; NULL: such a hlt only counts, a triple
     * fault aborts.  Set by MOCK_RUN_TO_STOP. */
    jmp_buf *stop;
    uint8_t lowmem[MOCK_LOWMEM];    /* physical 0..1 MiB */
};

extern struct mock_state mock;

/* How MOCK_RUN_TO_STOP's statement ended. */
enum { MOCK_RAN, MOCK_HALTED, MOCK_TRIPLE };

/* Run (stmt) (which may not return on a real machine) and say how it
 * ended: it returned, or the machine halted with interrupts off, or it
 * triple-faulted. */
#define MOCK_RUN_TO_STOP(stmt) __extension__({                      \
    jmp_buf mock_jb_;                                               \
    volatile int mock_how_ = MOCK_RAN;                              \
    mock.stop = &mock_jb_;                                          \
    switch (setjmp(mock_jb_)) {                                     \
    case 0: stmt; break;                                            \
    case MOCK_HALTED: mock_how_ = MOCK_HALTED; break;               \
    default: mock_how_ = MOCK_TRIPLE; break;                        \
    }                                                               \
    mock.stop = NULL;                                               \
    mock_how_; })

/* Forget everything: empty tables and logs, TSC 0 with step 1. */
void mock_reset(void);
void mock_set_cpuid(uint32_t leaf, uint32_t sub, uint32_t a, uint32_t b,
                    uint32_t c, uint32_t d);
void mock_set_msr(uint32_t msr, uint64_t val);
void mock_set_msr_fault(uint32_t msr);
/* The current value of (msr) (0 if never set). */
uint64_t mock_msr_value(uint32_t msr);
/* The last value written to (where) in (log), or -1 if none. */
int64_t mock_last_write(const struct mock_write *log, unsigned n,
                        uint64_t where);
/* The bytes written to (port) so far, as a string (truncated to len). */
const char *mock_port_text(uint16_t port, char *buf, size_t len);
/* How many writes to (where) are in (log). */
unsigned mock_count_writes(const struct mock_write *log, unsigned n,
                           uint64_t where);

/* The implementations behind insn.h. */
void *mock_pa_to_ptr(uint64_t pa);
uint32_t mock_mmio_read32(uint64_t pa);
uint32_t mock_inl(uint16_t port);
void mock_mmio_write(uint64_t pa, uint32_t v, unsigned size);
uint8_t mock_inb(uint16_t port);
/* Two inb reads, port and port + 1, little-endian. */
uint16_t mock_inw(uint16_t port);
void mock_out(uint16_t port, uint32_t v, unsigned size);
int mock_rdmsr(uint32_t msr, uint64_t *v);
int mock_wrmsr(uint32_t msr, uint64_t v);
void mock_cpuid(uint32_t leaf, uint32_t sub, struct vmi_cpuid *r);
void mock_invlpg(uint64_t va);
__attribute__((noreturn)) void mock_triple_fault(void);
void mock_hlt(void);

#endif
