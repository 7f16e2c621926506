/* SPDX-License-Identifier: MIT */
/*
 * cpu_regs: the CPU-state ops read and write what the CPU holds
 * (docs/vmi-api.md 3.2).  In long mode with paging, certain bits must be
 * set (a table, as kvm-unit-tests does for MSRs); writes read back;
 * read_cr3 names the kernel's page tables; cpuid reports long mode; a #UD
 * gate written with write_idt_entry is live; load_kernel_stack sets RSP0.
 */
#include "conformance.h"
#include "percpu.h"
#include "desc.h"

const char test_title[] = "CR/MSR/CPUID reads, writes, an IDT gate and RSP0";

/* Intel SDM Vol. 3A 2.5 (CR0, CR4) and Vol. 4 Table 2-2 (IA32_EFER). */
#define CR0_PE (1ul << 0)
#define CR0_WP (1ul << 16)
#define CR0_PG (1ul << 31)
#define CR4_PAE (1ul << 5)
#define MSR_EFER 0xc0000080u
#define EFER_LME (1ul << 8)
#define EFER_LMA (1ul << 10)
/* Intel SDM Vol. 2A CPUID: 0x80000001 EDX bit 29 is Intel 64 (long mode). */
#define CPUID_LM (1u << 29)
/* Intel SDM Vol. 3A 6.14.1: 64-bit interrupt gate, present, DPL 0. */
#define GATE_INTR 0x8e
#define ADDR_MASK 0x000ffffffffff000ul

static uint64_t cr0(void) { return vmi_read_cr0(); }
static uint64_t cr4(void) { return vmi_read_cr4(); }
static uint64_t efer(void) { return vmi_read_msr(MSR_EFER); }

/* What must be set while the kernel runs (the runtime sets CR0.WP). */
static const struct {
    const char *name;
    uint64_t (*read)(void);
    uint64_t mask;
} must_set[] = {
    { "CR0.PE|WP|PG", cr0, CR0_PE | CR0_WP | CR0_PG },
    { "CR4.PAE", cr4, CR4_PAE },
    { "EFER.LME|LMA", efer, EFER_LME | EFER_LMA },
};

static void check_bits(void)
{
    for (unsigned i = 0; i < sizeof(must_set) / sizeof(must_set[0]); i++) {
        uint64_t v = must_set[i].read();

        CONF_CHECK((v & must_set[i].mask) == must_set[i].mask, "%s not set: read 0x%lx",
                   must_set[i].name, v);
    }
}

static void check_writes(void)
{
    uint64_t c0 = vmi_read_cr0(), c4 = vmi_read_cr4();

    vmi_write_cr0(c0 & ~CR0_WP);
    CONF_CHECK(vmi_read_cr0() == (c0 & ~CR0_WP), "write_cr0 without WP read back 0x%lx",
               vmi_read_cr0());
    vmi_write_cr0(c0);
    CONF_CHECK(vmi_read_cr0() == c0, "write_cr0 did not restore 0x%lx", c0);
    vmi_write_cr4(c4);
    CONF_CHECK(vmi_read_cr4() == c4, "write_cr4(read_cr4()) changed CR4 to 0x%lx", vmi_read_cr4());
    CONF_CHECK((vmi_read_cr3() & ADDR_MASK) == conf_kernel_cr3(),
               "read_cr3 0x%lx is not the kernel page tables 0x%lx", vmi_read_cr3(),
               conf_kernel_cr3());
}

static void check_cpuid(void)
{
    struct vmi_cpuid r;

    vmi_cpuid(0, 0, &r);
    CONF_CHECK(r.eax >= 1, "cpuid(0).eax = %u: no leaf 1", r.eax);
    vmi_cpuid(0x80000001, 0, &r);
    CONF_CHECK(r.edx & CPUID_LM, "cpuid(0x80000001).edx 0x%x lacks long mode while in it", r.edx);
}

/* Replace the #UD gate, raise #UD, put the kernel's gate back. */
static void check_idt_gate(void)
{
    uint64_t h = (uintptr_t)conf_vector_stub, before = conf_vector_hits;
    struct vmi_gate g = {
        .offset_lo = (uint16_t)h, .selector = SEL_KCODE, .type_attr = GATE_INTR,
        .offset_mid = (uint16_t)(h >> 16), .offset_hi = (uint32_t)(h >> 32),
    };
    struct vmi_gate kernel = desc_idt()[CONF_VECTOR];

    /* vmi/ops.h write_idt_entry: delivery masked while the gate changes. */
    vmi_write_idt_entry(desc_idt(), CONF_VECTOR, &g);
    conf_raise_vector();
    vmi_write_idt_entry(desc_idt(), CONF_VECTOR, &kernel);
    CONF_CHECK(conf_vector_hits == before + 1, "the gate written with write_idt_entry did not run");
}

static void check_kernel_stack(void)
{
    struct vmi_tss *tss = &this_cpu()->tss;
    uint64_t old = tss->rsp[0], probe = old - 64;

    vmi_load_kernel_stack(tss, probe);
    CONF_CHECK(tss->rsp[0] == probe, "load_kernel_stack left TSS.RSP0 at 0x%lx, not 0x%lx",
               tss->rsp[0], probe);
    vmi_load_kernel_stack(tss, old);
}

void test_main(void)
{
    check_bits();
    check_writes();
    check_cpuid();
    check_idt_gate();
    check_kernel_stack();
    vmi_test_success();
}
