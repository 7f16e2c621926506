/* SPDX-License-Identifier: MIT */
/*
 * test_kvm_hypercall.c: the KVM hypercall ABI of the kvm backend
 * (backends/kvm/kvm_hypercall.[ch], kvm_smp.c): registers and instruction
 * per Documentation/virt/kvm/x86/hypercalls.rst, the instruction chosen
 * by CPU vendor, kvm_status(), and the calls
 * PV IPI, PV spin-lock kick and sched yield make, through the mocked
 * instructions (tests/unit/mock/kvm_insn.h); the guest's own asm runs
 * in kvm_guest_insn.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kvm.h"
#include "kvm_guest_insn.h"
#include "kvm_hypercall.h"
#include "kvm_mock.h"
#include "mock.h"

/* The kernel's upcall; the backend library references it. */
void vmi_event(vmi_event_t ev)
{
    (void)ev;
}

static int setup(void **state)
{
    (void)state;
    mock_reset();
    memset(&kvm, 0, sizeof(kvm));
    memset(&x86pc, 0, sizeof(x86pc));
    kvm_hc_vmmcall = false;
    return 0;
}

static void test_kvm_guest_insns_are_vmcall_and_vmmcall(void **state)
{
    (void)state;
    static const uint8_t vmcall[] = { 0x0f, 0x01, 0xc1 };   /* SDM */
    static const uint8_t vmmcall[] = { 0x0f, 0x01, 0xd9 };  /* APM vol. 3 */
    assert_int_equal(kvm_guest_vmmcall_bytes - kvm_guest_vmcall_bytes, 3);
    assert_int_equal(kvm_guest_insn_end - kvm_guest_vmmcall_bytes, 3);
    assert_memory_equal(kvm_guest_vmcall_bytes, vmcall, 3);
    assert_memory_equal(kvm_guest_vmmcall_bytes, vmmcall, 3);
}

/* The vendor at init decides the instruction of every later hypercall:
 * VMMCALL on AMD and Hygon, VMCALL on anything else (Linux sets
 * X86_FEATURE_VMMCALL for those two). */
static void test_kvm_vendor_at_detect_picks_hypercall_insn(void **state)
{
    (void)state;
    static const struct { uint32_t b, d, c; enum kvm_mock_insn want; } v[] = {
        { 0x756e6547, 0x49656e69, 0x6c65746e, KVM_MOCK_VMCALL },  /* GenuineIntel */
        { 0x68747541, 0x69746e65, 0x444d4163, KVM_MOCK_VMMCALL }, /* AuthenticAMD */
        { 0x6f677948, 0x6e65476e, 0x656e6975, KVM_MOCK_VMMCALL }, /* HygonGenuine */
        { 0x746e6543, 0x48727561, 0x736c7561, KVM_MOCK_VMCALL },  /* CentaurHauls */
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        mock_reset();
        mock_set_cpuid(0, 0, 0xd, v[i].b, v[i].c, v[i].d);
        mock_set_cpuid(1, 0, 0, 0, 1u << 31, 0);
        mock_set_cpuid(0x40000000, 0, 0x40000001, 0x4b4d564b, 0x564b4d56,
                       0x4d);
        kvm_detect();
        kvm_mock_reset(0);
        assert_int_equal(kvm_hc_kick_cpu(1), VMI_OK);
        assert_int_equal(kvm_mock.n, 1);
        if (kvm_mock.call[0].insn != v[i].want)
            fail_msg("vendor %zu: wrong hypercall instruction", i);
    }
}

/* The guest's asm (kvm_guest_insn.c) puts the number in RAX and a0..a3
 * in RBX, RCX, RDX, RSI, with either instruction, and returns RAX; and
 * kvm_hypercall4() hands them over in that order. */
static void test_kvm_hypercall4_registers_follow_hypercalls_rst(void **state)
{
    (void)state;
    memset(&kvm_guest_regs, 0, sizeof(kvm_guest_regs));
    kvm_guest_regs.ret = 42;
    for (uint32_t insn = 1; insn <= 2; insn++) {
        long r = (insn == 1 ? kvm_guest_vmcall4 : kvm_guest_vmmcall4)(
            10 + insn, 0x1111, 0x2222, 0x3333, 0x4444);
        assert_int_equal(kvm_guest_regs.insn, insn);
        assert_int_equal(kvm_guest_regs.rax, 10 + insn);
        assert_int_equal(kvm_guest_regs.rbx, 0x1111);
        assert_int_equal(kvm_guest_regs.rcx, 0x2222);
        assert_int_equal(kvm_guest_regs.rdx, 0x3333);
        assert_int_equal(kvm_guest_regs.rsi, 0x4444);
        assert_int_equal(r, 42);                /* result in RAX */
    }
    kvm_mock_reset(42);
    long r = kvm_hypercall4(10, 0x1111, 0x2222, 0x3333, 0x4444);
    assert_int_equal(kvm_mock.n, 1);
    assert_int_equal(kvm_mock.call[0].nr, 10);
    assert_int_equal(kvm_mock.call[0].a0, 0x1111);
    assert_int_equal(kvm_mock.call[0].a1, 0x2222);
    assert_int_equal(kvm_mock.call[0].a2, 0x3333);
    assert_int_equal(kvm_mock.call[0].a3, 0x4444);
    assert_int_equal(r, 42);
}

static void test_kvm_status_each_code_maps_once(void **state)
{
    (void)state;
    static const struct { long ret; vmi_status_t st; } t[] = {
        { 0, VMI_OK },
        { 3, VMI_OK },      /* SEND_IPI: CPUs delivered to */
        { -KVM_ENOSYS, VMI_ENOSYS },
        { -KVM_EOPNOTSUPP, VMI_ENOSYS },
        { -KVM_EPERM, VMI_ENOSYS },
        { -KVM_EFAULT, VMI_EFAULT },
        { -KVM_EINVAL, VMI_EINVAL },
        { -KVM_E2BIG, VMI_EINVAL },
        { -12345, VMI_EINVAL },
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        assert_int_equal(kvm_status(t[i].ret), t[i].st);
}

static void test_kvm_hc_kick_cpu_flags_zero_apic_in_a1(void **state)
{
    (void)state;
    kvm_mock_reset(0);
    assert_int_equal(kvm_hc_kick_cpu(7), VMI_OK);
    assert_int_equal(kvm_mock.call[0].nr, KVM_HC_KICK_CPU);
    assert_int_equal(kvm_mock.call[0].a0, 0);
    assert_int_equal(kvm_mock.call[0].a1, 7);
}

static void test_kvm_hc_enosys_reported_as_vmi_enosys(void **state)
{
    (void)state;
    kvm_mock_reset(0);
    kvm_mock.ret = -KVM_ENOSYS;
    assert_int_equal(kvm_hc_sched_yield(3), VMI_ENOSYS);
    assert_int_equal(kvm_mock.call[0].nr, KVM_HC_SCHED_YIELD);
    assert_int_equal(kvm_mock.call[0].a0, 3);
}

/* Two CPUs with APIC IDs (a, b). */
static void two_cpus(uint32_t a, uint32_t b)
{
    const uint32_t ids[] = { a, b };
    smp_cpus_order(&x86pc.cpus, ids, 2, a);
    x86pc.lapic.x2apic = true;
}

static void test_kvm_ipi_batch_bitmap_from_lowest_apic(void **state)
{
    (void)state;
    static const uint32_t ids[] = { 1, 2, 3 };
    struct smp_cpus c;
    smp_cpus_order(&c, ids, 3, 8);      /* CPU 0 is APIC 8 */
    uint64_t lo, hi;
    uint32_t min;
    vmi_cpumask_t left = kvm_ipi_batch(&c, 0xb, &lo, &hi, &min);
    assert_int_equal(left, 0);
    assert_int_equal(min, 1);
    /* CPUs 0, 1, 3 are APIC IDs 8, 1, 3: bits 7, 0, 2 from 1. */
    assert_int_equal(lo, (1u << 0) | (1u << 2) | (1u << 7));
    assert_int_equal(hi, 0);
}

static void test_kvm_ipi_batch_far_apic_ids_split_clusters(void **state)
{
    (void)state;
    static const uint32_t ids[] = { 70, 130, 300 };
    struct smp_cpus c;
    smp_cpus_order(&c, ids, 3, 0);
    uint64_t lo, hi;
    uint32_t min;
    vmi_cpumask_t left = kvm_ipi_batch(&c, 0xf, &lo, &hi, &min);
    assert_int_equal(min, 0);
    assert_int_equal(lo, 1);
    assert_int_equal(hi, 1ull << 6);               /* 70 = 64 + 6 */
    assert_int_equal(left, 0xc);
    left = kvm_ipi_batch(&c, left, &lo, &hi, &min);
    assert_int_equal(min, 130);
    assert_int_equal(lo, 1);
    assert_int_equal(left, 0x8);
}

static void test_kvm_send_pv_ipi_one_hypercall(void **state)
{
    (void)state;
    kvm_mock_reset(0);
    two_cpus(4, 5);
    kvm.use.pv_ipi = true;
    kvm_mock.ret = 2;
    kvm_send(0x3, X86PC_VEC_IPI);
    assert_int_equal(kvm_mock.n, 1);
    assert_int_equal(kvm_mock.call[0].nr, KVM_HC_SEND_IPI);
    assert_int_equal(kvm_mock.call[0].a0, 0x3);
    assert_int_equal(kvm_mock.call[0].a1, 0);
    assert_int_equal(kvm_mock.call[0].a2, 4);
    assert_int_equal(kvm_mock.call[0].a3, X86PC_VEC_IPI);    /* APIC_DM_FIXED = 0 */
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr, 0x830), 0);
}

static void test_kvm_send_pv_ipi_error_falls_back_to_icr(void **state)
{
    (void)state;
    kvm_mock_reset(0);
    two_cpus(4, 5);
    kvm.use.pv_ipi = true;
    kvm_mock.ret = -KVM_ENOSYS;
    kvm_send(0x2, X86PC_VEC_IPI);
    assert_int_equal(kvm_mock.n, 1);
    assert_int_equal(mock_last_write(mock.wrmsr_log, mock.nwrmsr, 0x830),
                     (5ull << 32) | 0x4000 | X86PC_VEC_IPI);
}

static void test_kvm_send_no_pv_ipi_uses_icr_only(void **state)
{
    (void)state;
    kvm_mock_reset(0);
    two_cpus(4, 5);
    kvm_send(0x3, X86PC_VEC_IPI);
    assert_int_equal(kvm_mock.n, 0);
    assert_int_equal(mock_count_writes(mock.wrmsr_log, mock.nwrmsr, 0x830), 2);
}

static void test_kvm_ipi_send_preempted_target_gets_sched_yield(void **state)
{
    (void)state;
    kvm_mock_reset(0);
    two_cpus(4, 5);
    kvm.use.sched_yield = true;
    kvm.cpu[1].steal.preempted = KVM_VCPU_PREEMPTED;
    kvm_ipi_send(0x2);
    assert_int_equal(kvm_mock.n, 1);
    assert_int_equal(kvm_mock.call[0].nr, KVM_HC_SCHED_YIELD);
    assert_int_equal(kvm_mock.call[0].a0, 5);
}

static void test_kvm_spin_kick_pv_spinlock_kicks_apic_id(void **state)
{
    (void)state;
    kvm_mock_reset(0);
    two_cpus(4, 5);
    kvm.use.pv_spinlock = true;
    kvm_spin_kick(1);
    assert_int_equal(kvm_mock.n, 1);
    assert_int_equal(kvm_mock.call[0].nr, KVM_HC_KICK_CPU);
    assert_int_equal(kvm_mock.call[0].a1, 5);
}

static void test_kvm_spin_kick_not_advertised_no_hypercall(void **state)
{
    (void)state;
    kvm_mock_reset(0);
    two_cpus(4, 5);
    kvm_spin_kick(1);
    kvm_ipi_send(0x2);
    assert_int_equal(kvm_mock.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_kvm_guest_insns_are_vmcall_and_vmmcall, setup),
        cmocka_unit_test_setup(test_kvm_vendor_at_detect_picks_hypercall_insn, setup),
        cmocka_unit_test_setup(test_kvm_hypercall4_registers_follow_hypercalls_rst, setup),
        cmocka_unit_test_setup(test_kvm_status_each_code_maps_once, setup),
        cmocka_unit_test_setup(test_kvm_hc_kick_cpu_flags_zero_apic_in_a1, setup),
        cmocka_unit_test_setup(test_kvm_hc_enosys_reported_as_vmi_enosys, setup),
        cmocka_unit_test_setup(test_kvm_ipi_batch_bitmap_from_lowest_apic, setup),
        cmocka_unit_test_setup(test_kvm_ipi_batch_far_apic_ids_split_clusters, setup),
        cmocka_unit_test_setup(test_kvm_send_pv_ipi_one_hypercall, setup),
        cmocka_unit_test_setup(test_kvm_send_pv_ipi_error_falls_back_to_icr, setup),
        cmocka_unit_test_setup(test_kvm_send_no_pv_ipi_uses_icr_only, setup),
        cmocka_unit_test_setup(test_kvm_ipi_send_preempted_target_gets_sched_yield, setup),
        cmocka_unit_test_setup(test_kvm_spin_kick_pv_spinlock_kicks_apic_id, setup),
        cmocka_unit_test_setup(test_kvm_spin_kick_not_advertised_no_hypercall, setup),
    };
    return cmocka_run_group_tests_name("kvm_hypercall", tests, NULL, NULL);
}
