/* SPDX-License-Identifier: MIT */
/*
 * msr_safe: read_msr_safe and write_msr_safe report exactly what the CPU
 * does (docs/vmi-api.md 3.2): VMI_EFAULT (and *val = 0) where the access
 * faults, VMI_OK and the CPU's value where it does not, and the kernel
 * lives on.  The oracle is a raw rdmsr/wrmsr probe with the kernel's own
 * fixup (probe.h), so an environment that does not fault (QEMU 7.2 TCG
 * answers unknown MSRs with 0) gives a skip, not a false failure.
 */
#include "conformance.h"
#include "probe.h"

const char test_title[] = "_safe MSR ops report a fault instead of dying";

/* Intel SDM Vol. 4 lists no MSR at 0x12345678.  IA32_KERNEL_GS_BASE
 * (Vol. 4 Table 2-2) takes only canonical addresses: WRMSR of a
 * non-canonical one raises #GP (Vol. 2B WRMSR). */
#define ABSENT_MSR 0x12345678u
#define MSR_KERNEL_GS_BASE 0xc0000102u
#define MSR_EFER 0xc0000080u
#define NONCANONICAL 0x8000000000000000ul

static const struct msr_case {
    const char *what;
    uint32_t msr;
    bool write;
    uint64_t val;
} cases[] = {
    { "rdmsr of an absent MSR", ABSENT_MSR, false, 0 },
    { "wrmsr of an absent MSR", ABSENT_MSR, true, 0 },
    { "wrmsr of a non-canonical IA32_KERNEL_GS_BASE", MSR_KERNEL_GS_BASE, true, NONCANONICAL },
    { "rdmsr of IA32_EFER", MSR_EFER, false, 0 },
    { "wrmsr of a canonical IA32_KERNEL_GS_BASE", MSR_KERNEL_GS_BASE, true, 0x123456789000ul },
};

/* Returns whether the raw access faulted. */
static bool run_case(const struct msr_case *c)
{
    uint64_t raw = 0, val = 0xdeadbeef;
    bool faulted;
    vmi_status_t st;

    if (c->write) {
        faulted = probe_wrmsr(c->msr, c->val);
        st = vmi_write_msr_safe(c->msr, c->val);
    } else {
        faulted = probe_rdmsr(c->msr, &raw);
        st = vmi_read_msr_safe(c->msr, &val);
    }
    if (faulted) {
        CONF_CHECK(st == VMI_EFAULT, "%s faults, but the _safe op returned %d, not VMI_EFAULT",
                   c->what, (int)st);
        if (!c->write)
            CONF_CHECK(val == 0, "%s faulted, but *val is 0x%lx, not 0", c->what, val);
    } else {
        CONF_CHECK(st == VMI_OK, "%s does not fault, but the _safe op returned %d", c->what,
                   (int)st);
        if (!c->write)
            CONF_CHECK(val == raw, "%s: _safe op read 0x%lx, rdmsr 0x%lx", c->what, val, raw);
    }
    conf_log("msr_safe: %s: %s, status %d", c->what, faulted ? "faults" : "no fault", (int)st);
    return faulted;
}

void test_main(void)
{
    uint64_t kgs = vmi_read_msr(MSR_KERNEL_GS_BASE), back = 0;
    unsigned faults = 0;

    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        faults += run_case(&cases[i]);
    CONF_CHECK(vmi_read_msr_safe(MSR_KERNEL_GS_BASE, &back) == VMI_OK &&
               back == 0x123456789000ul, "IA32_KERNEL_GS_BASE read back 0x%lx", back);
    vmi_write_msr(MSR_KERNEL_GS_BASE, kgs);
    if (!faults)
        vmi_test_skip("the environment raises no #GP for any probed MSR access "
                      "(QEMU TCG answers unknown MSRs)");
    vmi_test_success();
}
