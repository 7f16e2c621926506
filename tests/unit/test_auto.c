/* SPDX-License-Identifier: MIT */
/*
 * test_auto.c: the auto backend's probe, choice, override and banner
 * (backends/auto/auto.c, docs/vmi-api.md 2.7), on the mocked CPUID
 * table, with every combination of signatures the probe order is about,
 * including Xen with Viridian, which no environment of the test matrix
 * offers.
 *
 * auto.c is included, for its static state (auto_chosen), with the four
 * backends' tables replaced by stand-ins whose init and console_write
 * record what they got: the real probes run (the backends are linked,
 * tests/unit/meson.build), the real inits do not (each backend's own
 * tests cover them).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "mock.h"

#define vmi_ops_native fake_native
#define vmi_ops_kvm fake_kvm
#define vmi_ops_xen fake_xen
#define vmi_ops_hyperv fake_hyperv
#include "auto.c"
#undef vmi_ops_native
#undef vmi_ops_kvm
#undef vmi_ops_xen
#undef vmi_ops_hyperv

#include "hyperv/tlfs.h"
#include "kvm_abi.h"
#include "uart.h"

/* What boot/vmi.ld gives a kernel: here no call sites in an empty text
 * (test_auto_patch.c tests the patcher). */
__asm__(".pushsection .rodata\n.balign 8\n"
        ".globl __vmi_sites_start, __vmi_sites_end, _text_start, _text_end\n"
        "__vmi_sites_start:\n__vmi_sites_end:\n_text_start:\n_text_end:\n"
        ".popsection");

/* The kernel's upcall; backends/common references it. */
void vmi_event(vmi_event_t ev)
{
    (void)ev;
}

/* What each stand-in was given, by auto.c's index (AUTO_XEN, ...). */
static struct fake {
    unsigned ninit;
    const struct vmi_boot *boot;
    char out[256];              /* what console_write got */
    size_t nout;
    unsigned ncpu_init;
} fakes[AUTO_N];

#define FAKE(b, idx)                                                    \
    static vmi_status_t fake_##b##_init(const struct vmi_boot *boot)    \
    {                                                                   \
        fakes[idx].ninit++;                                             \
        fakes[idx].boot = boot;                                         \
        return VMI_OK;                                                  \
    }                                                                   \
    static void fake_##b##_console_write(const char *buf, size_t len)   \
    {                                                                   \
        struct fake *f = &fakes[idx];                                   \
        assert_true(f->nout + len < sizeof(f->out));                    \
        memcpy(f->out + f->nout, buf, len);                             \
        f->nout += len;                                                 \
    }                                                                   \
    static vmi_status_t fake_##b##_cpu_init(unsigned cpu)               \
    {                                                                   \
        (void)cpu;                                                      \
        fakes[idx].ncpu_init++;                                         \
        return VMI_OK;                                                  \
    }                                                                   \
    const struct vmi_ops fake_##b = {                                   \
        .init = fake_##b##_init,                                        \
        .console_write = fake_##b##_console_write,                      \
        .cpu_init = fake_##b##_cpu_init,                                \
    };
FAKE(native, AUTO_NATIVE)
FAKE(kvm, AUTO_KVM)
FAKE(xen, AUTO_XEN)
FAKE(hyperv, AUTO_HYPERV)

/* "XenVMMXenVMM" [X: arch-x86/cpuid.h], "Microsoft Hv" [T:
 * feature-discovery], as ebx, ecx, edx. */
#define XEN_SIG XEN_CPUID_SIGNATURE_EBX, XEN_CPUID_SIGNATURE_ECX, \
    XEN_CPUID_SIGNATURE_EDX
#define MSHV_SIG 0x7263694du, 0x666f736fu, 0x76482074u
#define KVM_SIG KVM_SIG_EBX, KVM_SIG_ECX, KVM_SIG_EDX

static struct vmi_boot boot;

static int setup(void **state)
{
    (void)state;
    (void)uart_early();     /* its set-up writes are not the line's */
    mock_reset();
    memset(fakes, 0, sizeof(fakes));
    auto_chosen = &auto_first;
    return 0;
}

static void hypervisor_bit(void)
{
    mock_set_cpuid(1, 0, 0, 0, CPUID1_ECX_HYPERVISOR, 0);
}

/* KVM's leaves at (base): max leaf base + 1, the features leaf
 * (Linux Documentation/virt/kvm/x86/cpuid.rst). */
static void kvm_at(uint32_t base)
{
    mock_set_cpuid(base, 0, base + 1, KVM_SIG);
}

/* Xen's leaves at (base): max leaf base + 5, version 4.17 at base + 1
 * [X: arch-x86/cpuid.h]. */
static void xen_at(uint32_t base)
{
    mock_set_cpuid(base, 0, base + 5, XEN_SIG);
    mock_set_cpuid(base + 1, 0, 0x00040011, 0, 0, 0);
}

/* Hyper-V's leaves at 0x40000000 (the only place the TLFS puts them):
 * vendor leaf with max leaf 0x40000006, "Hv#1" at 0x40000001. */
static void hyperv_leaves(void)
{
    mock_set_cpuid(HV_CPUID_VENDOR, 0, 0x40000006, MSHV_SIG);
    mock_set_cpuid(HV_CPUID_INTERFACE, 0, HV_INTERFACE_HV1, 0, 0, 0);
}

/* vmi_init(&boot) with (cmdline), through the table as a kernel calls
 * it; it must return the chosen init's VMI_OK. */
static void init_with(const char *cmdline)
{
    boot.cmdline = cmdline;
    assert_int_equal(vmi_ops.init(&boot), VMI_OK);
}

/* The line on patching that follows the banner: no sites here. */
#define NO_SITES "vmi: auto: 0 call sites patched (0 inline), all 0 checked\n"

/* Backend (b) was chosen: its init ran once, with the kernel's boot
 * data, no other did, its console got (banner) and the line on patching
 * and nothing else was written anywhere; later calls reach it through
 * the trampolines. */
static void expect_chosen(unsigned b, const char *banner)
{
    char want[sizeof(fakes[b].out)];
    for (unsigned i = 0; i < AUTO_N; i++) {
        assert_int_equal(fakes[i].ninit, i == b);
        if (i != b)
            assert_int_equal(fakes[i].nout, 0);
    }
    assert_ptr_equal(fakes[b].boot, &boot);
    snprintf(want, sizeof(want), "%s%s", banner, NO_SITES);
    assert_string_equal(fakes[b].out, want);
    assert_int_equal(mock.nout, 0);
    assert_ptr_equal(auto_chosen, auto_backends[b].ops);
    assert_int_equal(vmi_ops.cpu_init(0), VMI_OK);
    assert_int_equal(fakes[b].ncpu_init, 1);
}

/* ---- The probe and the choice ------------------------------------------ */

static void test_auto_nothing_native(void **state)
{
    (void)state;
    init_with("");
    expect_chosen(AUTO_NATIVE,
        "vmi: auto: backend native (probe: xen no, hyperv no, kvm no)\n");
}

/* Signatures without CPUID.1:ECX[31] are not looked at (hvsig_find). */
static void test_auto_signatures_without_hypervisor_bit_native(void **state)
{
    (void)state;
    xen_at(HVSIG_FIRST + HVSIG_STEP);
    hyperv_leaves();
    init_with("");
    expect_chosen(AUTO_NATIVE,
        "vmi: auto: backend native (probe: xen no, hyperv no, kvm no)\n");
}

static void test_auto_kvm(void **state)
{
    (void)state;
    hypervisor_bit();
    kvm_at(HVSIG_FIRST);
    init_with("");
    expect_chosen(AUTO_KVM,
        "vmi: auto: backend kvm (probe: xen no, hyperv no, kvm at 0x40000000)\n");
}

static void test_auto_hyperv(void **state)
{
    (void)state;
    hypervisor_bit();
    hyperv_leaves();
    init_with("");
    expect_chosen(AUTO_HYPERV,
        "vmi: auto: backend hyperv (probe: xen no, hyperv at 0x40000000, kvm no)\n");
}

/* Hv#1 with a max leaf below 0x40000005 is not Hyper-V (hv_probe). */
static void test_auto_hv1_short_max_leaf_not_hyperv(void **state)
{
    (void)state;
    hypervisor_bit();
    mock_set_cpuid(HV_CPUID_VENDOR, 0, HV_CPUID_MIN_MAX - 1, MSHV_SIG);
    mock_set_cpuid(HV_CPUID_INTERFACE, 0, HV_INTERFACE_HV1, 0, 0, 0);
    init_with("");
    expect_chosen(AUTO_NATIVE,
        "vmi: auto: backend native (probe: xen no, hyperv no, kvm no)\n");
}

/* KVM with Hyper-V emulation (QEMU's hv-* flags): Hyper-V's leaves at
 * 0x40000000, KVM's at 0x40000100; Hyper-V comes first. */
static void test_auto_kvm_with_hyperv_emulation_hyperv(void **state)
{
    (void)state;
    hypervisor_bit();
    hyperv_leaves();
    kvm_at(HVSIG_FIRST + HVSIG_STEP);
    init_with("");
    expect_chosen(AUTO_HYPERV,
        "vmi: auto: backend hyperv (probe: xen no, hyperv at 0x40000000, "
        "kvm at 0x40000100)\n");
}

/* Xen without Viridian: its max leaf (0x40000005) would pass Hyper-V's
 * test, its 0x40000001 (the version) is not Hv#1. */
static void test_auto_xen(void **state)
{
    (void)state;
    hypervisor_bit();
    xen_at(HVSIG_FIRST);
    init_with("");
    expect_chosen(AUTO_XEN,
        "vmi: auto: backend xen (probe: xen at 0x40000000, hyperv no, kvm no)\n");
}

/* Xen with Viridian: Hyper-V's leaves at 0x40000000, Xen's at the next
 * boundary [X: arch-x86/cpuid.h]; Xen comes first. */
static void test_auto_xen_with_viridian_xen(void **state)
{
    (void)state;
    hypervisor_bit();
    hyperv_leaves();
    xen_at(HVSIG_FIRST + HVSIG_STEP);
    init_with("");
    expect_chosen(AUTO_XEN,
        "vmi: auto: backend xen (probe: xen at 0x40000100, "
        "hyperv at 0x40000000, kvm no)\n");
}

/* Any 0x100-aligned base up to 0x4000ff00 (hvsig.h). */
static void test_auto_xen_at_last_base(void **state)
{
    (void)state;
    hypervisor_bit();
    xen_at(HVSIG_LAST);
    init_with("");
    expect_chosen(AUTO_XEN,
        "vmi: auto: backend xen (probe: xen at 0x4000ff00, hyperv no, kvm no)\n");
}

static void test_auto_xen_above_last_base_not_seen(void **state)
{
    (void)state;
    hypervisor_bit();
    xen_at(HVSIG_LAST + HVSIG_STEP);
    init_with("");
    expect_chosen(AUTO_NATIVE,
        "vmi: auto: backend native (probe: xen no, hyperv no, kvm no)\n");
}

/* Xen's signature with fewer than the hypercall leaf (max leaf - base
 * < 2, xen_probe) is not Xen; KVM above it still is KVM. */
static void test_auto_xen_without_hypercall_leaf_not_xen(void **state)
{
    (void)state;
    hypervisor_bit();
    mock_set_cpuid(HVSIG_FIRST, 0, HVSIG_FIRST + 1, XEN_SIG);
    kvm_at(HVSIG_FIRST + 2 * HVSIG_STEP);
    init_with("");
    expect_chosen(AUTO_KVM,
        "vmi: auto: backend kvm (probe: xen no, hyperv no, kvm at 0x40000200)\n");
}

/* All three: each at its own base, Xen first. */
static void test_auto_all_three_xen(void **state)
{
    (void)state;
    hypervisor_bit();
    hyperv_leaves();
    kvm_at(HVSIG_FIRST + HVSIG_STEP);
    xen_at(0x40003000);
    init_with("");
    expect_chosen(AUTO_XEN,
        "vmi: auto: backend xen (probe: xen at 0x40003000, "
        "hyperv at 0x40000000, kvm at 0x40000100)\n");
}

/* init(NULL): no command line, so no override. */
static void test_auto_null_boot_chooses(void **state)
{
    (void)state;
    hypervisor_bit();
    kvm_at(HVSIG_FIRST);
    assert_int_equal(vmi_ops.init(NULL), VMI_OK);
    assert_int_equal(fakes[AUTO_KVM].ninit, 1);
    assert_null(fakes[AUTO_KVM].boot);
}

/* ---- The override, vmi.backend=NAME ------------------------------------ */

static void test_auto_forced_native_under_kvm(void **state)
{
    (void)state;
    hypervisor_bit();
    kvm_at(HVSIG_FIRST);
    init_with("vmi.backend=native");
    expect_chosen(AUTO_NATIVE,
        "vmi: auto: backend native (vmi.backend=native; probe: xen no, "
        "hyperv no, kvm at 0x40000000)\n");
}

/* A forced backend runs even where the probe saw nothing of it: its own
 * init refuses (its tests check that), auto does not. */
static void test_auto_forced_xen_among_other_words(void **state)
{
    (void)state;
    init_with("console=ttyS0  vmi.backend=xen quiet");
    expect_chosen(AUTO_XEN,
        "vmi: auto: backend xen (vmi.backend=xen; probe: xen no, hyperv no, "
        "kvm no)\n");
}

/* Xen with Viridian, Hyper-V forced: the leaves at 0x40000000 serve. */
static void test_auto_forced_hyperv_under_xen_with_viridian(void **state)
{
    (void)state;
    hypervisor_bit();
    hyperv_leaves();
    xen_at(HVSIG_FIRST + HVSIG_STEP);
    init_with("  vmi.backend=hyperv  ");
    expect_chosen(AUTO_HYPERV,
        "vmi: auto: backend hyperv (vmi.backend=hyperv; probe: xen at "
        "0x40000100, hyperv at 0x40000000, kvm no)\n");
}

static void test_auto_forced_kvm_under_kvm_with_hyperv_emulation(void **state)
{
    (void)state;
    hypervisor_bit();
    hyperv_leaves();
    kvm_at(HVSIG_FIRST + HVSIG_STEP);
    init_with("vmi.backend=kvm");
    expect_chosen(AUTO_KVM,
        "vmi: auto: backend kvm (vmi.backend=kvm; probe: xen no, hyperv at "
        "0x40000000, kvm at 0x40000100)\n");
}

/* The first such word counts. */
static void test_auto_forced_first_word_counts(void **state)
{
    (void)state;
    init_with("vmi.backend=kvm vmi.backend=bogus");
    expect_chosen(AUTO_KVM,
        "vmi: auto: backend kvm (vmi.backend=kvm; probe: xen no, hyperv no, "
        "kvm no)\n");
}

/* The key must begin a word and end at '=': a word that merely contains
 * it, or a longer key, is not the override. */
static void test_auto_key_inside_or_longer_word_ignored(void **state)
{
    static const char *const lines[] = {
        "xvmi.backend=kvm",
        "foo=vmi.backend=kvm",
        "vmi.backendx=kvm",
        "vmi.backend",
        "vmi.back end=kvm",
    };
    (void)state;
    for (unsigned i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        setup(NULL);
        hypervisor_bit();
        xen_at(HVSIG_FIRST);
        init_with(lines[i]);
        expect_chosen(AUTO_XEN,
            "vmi: auto: backend xen (probe: xen at 0x40000000, hyperv no, "
            "kvm no)\n");
    }
}

/* The machine stopped before any backend was chosen or its init ran
 * ((how): MOCK_RUN_TO_STOP's answer): (line) on the UART and on port
 * 0xe9, then "vmi: exit <code>" there, (code) once on the debug-exit
 * port, and a triple fault. */
static void expect_stopped(int how, const char *line, unsigned code)
{
    char uart[256], e9[256], want[256];
    assert_int_equal(how, MOCK_TRIPLE);
    assert_string_equal(mock_port_text(VMI_UART_PORT, uart, sizeof(uart)), line);
    snprintf(want, sizeof(want), "%svmi: exit %u\n", line, code);
    assert_string_equal(mock_port_text(VMI_DEBUGCON_PORT, e9, sizeof(e9)), want);
    assert_int_equal(mock_count_writes(mock.out_log, mock.nout,
                                       VMI_DEBUG_EXIT_PORT), 1);
    assert_int_equal(mock_last_write(mock.out_log, mock.nout,
                                     VMI_DEBUG_EXIT_PORT), code);
    for (unsigned i = 0; i < AUTO_N; i++)
        assert_int_equal(fakes[i].ninit + fakes[i].nout + fakes[i].ncpu_init, 0);
    assert_ptr_equal(auto_chosen, &auto_first);
}

/* A name that is no backend (or a bad vmi.patch= word): one line and
 * VMI_EXIT_WRONG_HV, before any backend's init runs. */
static void expect_refused(const char *cmdline, const char *line)
{
    setup(NULL);
    hypervisor_bit();
    kvm_at(HVSIG_FIRST);
    boot.cmdline = cmdline;
    expect_stopped(MOCK_RUN_TO_STOP(vmi_ops.init(&boot)), line,
                   VMI_EXIT_WRONG_HV);
}

#define NAMES " names no backend (xen, hyperv, kvm, native)\n"

static void test_auto_unknown_name_refused(void **state)
{
    (void)state;
    expect_refused("vmi.backend=bogus", "vmi: auto: vmi.backend=bogus" NAMES);
    /* Whole names only, and as spelled. */
    expect_refused("vmi.backend=kv", "vmi: auto: vmi.backend=kv" NAMES);
    expect_refused("vmi.backend=kvmx", "vmi: auto: vmi.backend=kvmx" NAMES);
    expect_refused("vmi.backend=KVM", "vmi: auto: vmi.backend=KVM" NAMES);
    expect_refused("quiet vmi.backend=xen,kvm",
                   "vmi: auto: vmi.backend=xen,kvm" NAMES);
}

static void test_auto_empty_name_refused(void **state)
{
    (void)state;
    expect_refused("vmi.backend=", "vmi: auto: vmi.backend=" NAMES);
    expect_refused("vmi.backend= kvm", "vmi: auto: vmi.backend=" NAMES);
}

/* A value longer than auto_choose's buffer (15 characters) is cut there
 * and so names no backend, even if it begins with one's name; 15 fit. */
static void test_auto_too_long_name_refused_cut(void **state)
{
    (void)state;
    expect_refused("vmi.backend=nativenativenative quiet",
                   "vmi: auto: vmi.backend=nativenativenat" NAMES);
    expect_refused("vmi.backend=hypervhypervhype",
                   "vmi: auto: vmi.backend=hypervhypervhyp" NAMES);
    expect_refused("vmi.backend=hypervhypervhyp",
                   "vmi: auto: vmi.backend=hypervhypervhyp" NAMES);
}

/* vmi.patch=: on (the default) patches, off says the sites are left,
 * anything else is refused as an unknown backend name is (vmi.patch= has
 * a 7-character buffer). */
static void test_auto_patch_word(void **state)
{
    (void)state;
    hypervisor_bit();
    kvm_at(HVSIG_FIRST);
    init_with("vmi.patch=off");
    assert_string_equal(fakes[AUTO_KVM].out,
        "vmi: auto: backend kvm (probe: xen no, hyperv no, kvm at 0x40000000)\n"
        "vmi: auto: 0 call sites left through the table (vmi.patch=off)\n");
    setup(NULL);
    hypervisor_bit();
    kvm_at(HVSIG_FIRST);
    init_with("vmi.patch=on");
    expect_chosen(AUTO_KVM,
        "vmi: auto: backend kvm (probe: xen no, hyperv no, kvm at 0x40000000)\n");
    expect_refused("vmi.patch=maybe",
                   "vmi: auto: vmi.patch=maybe is neither on nor off\n");
    expect_refused("vmi.patch=", "vmi: auto: vmi.patch= is neither on nor off\n");
    expect_refused("vmi.patch=offoffoff",
                   "vmi: auto: vmi.patch=offoffo is neither on nor off\n");
}

/* ---- Before init --------------------------------------------------------- */

/* Each op but init has a stub of its own in auto_first (each names its
 * op), none is NULL, and none is the trampoline (which would loop). */
static void test_auto_first_every_op_but_init_a_stub_of_its_own(void **state)
{
    uintptr_t seen[VMI_OPNO_COUNT];
    unsigned n = 0;
    (void)state;
    assert_ptr_equal(auto_first.init, auto_choose);
#define STUB(name)                                                      \
    if (VMI_OPNO_##name != VMI_OPNO_init) {                             \
        assert_non_null(auto_first.name);                               \
        assert_true(auto_first.name != vmi_ops.name);                   \
        seen[n] = (uintptr_t)auto_first.name;                           \
        for (unsigned i = 0; i < n; i++)                                \
            assert_true(seen[i] != seen[n]);                            \
        n++;                                                            \
    }
#define VMI_OP(name, ret, params, args) STUB(name)
#define VMI_VOP(name, params, args) STUB(name)
#define VMI_NOP(name, params, args) STUB(name)
#include "vmi/ops.h"
#undef VMI_OP
#undef VMI_VOP
#undef VMI_NOP
#undef STUB
    assert_int_equal(n, VMI_OPNO_COUNT - 1);
}

/* Op (op) was called before init ((how): MOCK_RUN_TO_STOP's answer):
 * one line naming it, then VMI_EXIT_PANIC. */
static void expect_early(int how, const char *op)
{
    char line[128];
    snprintf(line, sizeof(line), "vmi: auto: vmi_%s() called before vmi_init()\n",
             op);
    expect_stopped(how, line, VMI_EXIT_PANIC);
    setup(NULL);
}

/* Through the table, as the kernel calls them: ops with and without
 * arguments and a result, and one that never returns. */
static void test_auto_op_before_init_says_which_and_fails(void **state)
{
    struct vmi_cpuid r;
    (void)state;
    expect_early(MOCK_RUN_TO_STOP(vmi_ops.cpu_init(0)), "cpu_init");
    expect_early(MOCK_RUN_TO_STOP(vmi_ops.info()), "info");
    expect_early(MOCK_RUN_TO_STOP(vmi_ops.console_write("x", 1)),
                 "console_write");
    expect_early(MOCK_RUN_TO_STOP(vmi_ops.cpuid(0, 0, &r)), "cpuid");
    expect_early(MOCK_RUN_TO_STOP(vmi_ops.shutdown(VMI_EXIT_OK)), "shutdown");
    /* And a panic before init ends the same way, naming what it called. */
    expect_early(MOCK_RUN_TO_STOP(vmi_panic("early")), "console_write");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_auto_nothing_native, setup),
        cmocka_unit_test_setup(test_auto_signatures_without_hypervisor_bit_native, setup),
        cmocka_unit_test_setup(test_auto_kvm, setup),
        cmocka_unit_test_setup(test_auto_hyperv, setup),
        cmocka_unit_test_setup(test_auto_hv1_short_max_leaf_not_hyperv, setup),
        cmocka_unit_test_setup(test_auto_kvm_with_hyperv_emulation_hyperv, setup),
        cmocka_unit_test_setup(test_auto_xen, setup),
        cmocka_unit_test_setup(test_auto_xen_with_viridian_xen, setup),
        cmocka_unit_test_setup(test_auto_xen_at_last_base, setup),
        cmocka_unit_test_setup(test_auto_xen_above_last_base_not_seen, setup),
        cmocka_unit_test_setup(test_auto_xen_without_hypercall_leaf_not_xen, setup),
        cmocka_unit_test_setup(test_auto_all_three_xen, setup),
        cmocka_unit_test_setup(test_auto_null_boot_chooses, setup),
        cmocka_unit_test_setup(test_auto_forced_native_under_kvm, setup),
        cmocka_unit_test_setup(test_auto_forced_xen_among_other_words, setup),
        cmocka_unit_test_setup(test_auto_forced_hyperv_under_xen_with_viridian, setup),
        cmocka_unit_test_setup(test_auto_forced_kvm_under_kvm_with_hyperv_emulation, setup),
        cmocka_unit_test_setup(test_auto_forced_first_word_counts, setup),
        cmocka_unit_test_setup(test_auto_key_inside_or_longer_word_ignored, setup),
        cmocka_unit_test_setup(test_auto_unknown_name_refused, setup),
        cmocka_unit_test_setup(test_auto_empty_name_refused, setup),
        cmocka_unit_test_setup(test_auto_too_long_name_refused_cut, setup),
        cmocka_unit_test_setup(test_auto_patch_word, setup),
        cmocka_unit_test_setup(test_auto_first_every_op_but_init_a_stub_of_its_own, setup),
        cmocka_unit_test_setup(test_auto_op_before_init_says_which_and_fails, setup),
    };
    return cmocka_run_group_tests_name("auto", tests, NULL, NULL);
}
