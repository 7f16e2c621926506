/* SPDX-License-Identifier: MIT */
/*
 * test_auto_patch.c: the auto backend's call-site patcher
 * (backends/auto/patch.c) on a fake image: a text buffer holding sites as
 * include/vmi.h emits them, their records, and a table they call through.
 * The bytes each site must become are written out here from the Intel
 * SDM's encodings, independently of the assembler that makes patch.c's
 * own copies.  Bad records (an unknown op, a wrong length, outside the
 * text, bytes that are not the recorded call, a function out of rel32
 * reach) must leave their site alone and be counted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "patch.h"
#include "x86.h"

static uint8_t text[512];
static struct vmi_site rec[16];
static unsigned nrec;
static struct vmi_ops through;          /* the table sites call through */
static struct vmi_ops chosen;           /* the backend picked */

static uint64_t fake_time_ns(void) { return 1; }
static void fake_ipi_send(vmi_cpumask_t cpus) { (void)cpus; }

static const uint8_t unpatched_head[] = { 0x2e, 0x2e, 0xff, 0x15 };

static void put32(uint8_t *p, int64_t v)
{
    assert_true(v == (int32_t)v);
    for (unsigned i = 0; i < 4; i++)
        p[i] = (uint8_t)((uint64_t)v >> (8 * i));
}

/* Emit at text+off the site of (op) calling through slot (slot_op) of
 * (through), and its record. */
static struct vmi_site *emit(size_t off, unsigned op, size_t slot_off)
{
    uint8_t *p = text + off;
    memcpy(p, unpatched_head, 4);
    put32(p + 4, (int64_t)((uintptr_t)&through + slot_off -
                           (uintptr_t)(p + VMI_SITE_LEN)));
    struct vmi_site *s = &rec[nrec++];
    s->where = (int32_t)((intptr_t)p - (intptr_t)&s->where);
    s->op = (uint8_t)op;
    s->len = VMI_SITE_LEN;
    return s;
}

#define EMIT(off, op) \
    emit((off), VMI_OPNO_##op, offsetof(struct vmi_ops, op))

static struct patch_image image(void)
{
    return (struct patch_image){
        .sites = rec, .sites_end = rec + nrec,
        .text = (uintptr_t)text, .text_end = (uintptr_t)text + sizeof(text),
        .table = &through,
    };
}

static int setup(void **state)
{
    (void)state;
    memset(text, 0xcc, sizeof(text));
    memset(rec, 0, sizeof(rec));
    nrec = 0;
    memset(&chosen, 0, sizeof(chosen));
    chosen.irq_disable = x86_irq_disable;
    chosen.irq_save = x86_irq_save;
    chosen.irq_restore = x86_irq_restore;
    chosen.read_cr3 = x86_read_cr3;
    chosen.write_cr3 = x86_write_cr3;
    chosen.halt = x86_halt;
    chosen.time_ns = fake_time_ns;
    chosen.ipi_send = fake_ipi_send;
    return 0;
}

static void assert_bytes(size_t off, const uint8_t *want)
{
    assert_memory_equal(text + off, want, VMI_SITE_LEN);
}

/* A direct call: cs cs cs call rel32 (e8) to (fn), from text+off. */
static void assert_call(size_t off, const void *fn)
{
    uint8_t want[VMI_SITE_LEN] = { 0x2e, 0x2e, 0x2e, 0xe8 };
    put32(want + 4, (int64_t)((uintptr_t)fn -
                              (uintptr_t)(text + off + VMI_SITE_LEN)));
    assert_bytes(off, want);
}

static void patches_inline_and_direct(void **state)
{
    (void)state;
    EMIT(0, irq_disable);
    EMIT(8, read_cr3);
    EMIT(16, time_ns);
    EMIT(24, irq_save);
    EMIT(32, irq_restore);
    EMIT(40, write_cr3);
    EMIT(48, halt);
    EMIT(56, ipi_send);
    struct patch_image img = image();
    struct patch_stats st;
    patch_sites(&img, &chosen, &st);
    assert_int_equal(st.sites, 8);
    assert_int_equal(st.bad, 0);
    assert_int_equal(st.inlined, 6);
    /* cli; 7-byte NOP (SDM Vol. 2B NOP, 0F 1F 80 00000000) */
    assert_bytes(0, (const uint8_t[]){ 0xfa, 0x0f, 0x1f, 0x80, 0, 0, 0, 0 });
    /* mov %cr3,%rax (0F 20 /r, modrm d8); 5-byte NOP */
    assert_bytes(8, (const uint8_t[]){ 0x0f, 0x20, 0xd8, 0x0f, 0x1f, 0x44,
                                       0, 0 });
    assert_call(16, (const void *)fake_time_ns);
    /* pushfq; pop %rax; cli; and $0x200,%eax */
    assert_bytes(24, (const uint8_t[]){ 0x9c, 0x58, 0xfa, 0x25, 0x00, 0x02,
                                        0x00, 0x00 });
    /* cli; bt $9,%edi (0F BA /4 ib); jnc +1; sti */
    assert_bytes(32, (const uint8_t[]){ 0xfa, 0x0f, 0xba, 0xe7, 0x09, 0x73,
                                        0x01, 0xfb });
    /* mov %rdi,%cr3 (0F 22 /r, modrm df); 5-byte NOP */
    assert_bytes(40, (const uint8_t[]){ 0x0f, 0x22, 0xdf, 0x0f, 0x1f, 0x44,
                                        0, 0 });
    /* hlt; 7-byte NOP */
    assert_bytes(48, (const uint8_t[]){ 0xf4, 0x0f, 0x1f, 0x80, 0, 0, 0, 0 });
    assert_call(56, (const void *)fake_ipi_send);
    patch_check(&img, &chosen, &st);
    assert_int_equal(st.checked, 8);
    /* The check reads the sites back: a changed byte is seen. */
    text[60] ^= 1;
    patch_check(&img, &chosen, &st);
    assert_int_equal(st.checked, 7);
}

static void bad_records_left_alone(void **state)
{
    (void)state;
    struct vmi_site *s;
    EMIT(0, time_ns);                           /* good */
    s = EMIT(8, time_ns);
    s->op = VMI_OPNO_COUNT;                     /* unknown op */
    s = EMIT(16, time_ns);
    s->len = 7;                                 /* wrong length */
    EMIT(24, time_ns);
    text[26] = 0xe8;                            /* not the recorded call */
    emit(32, VMI_OPNO_time_ns,                  /* another op's slot */
         offsetof(struct vmi_ops, cycles));
    s = EMIT(sizeof(text) - VMI_SITE_LEN, time_ns);
    s->where += 1;                              /* runs past the text */
    s = EMIT(40, time_ns);
    s->where -= 4096;                           /* before the text */
    uint8_t before[sizeof(text)];
    memcpy(before, text, sizeof(text));
    struct patch_image img = image();
    struct patch_stats st;
    patch_sites(&img, &chosen, &st);
    assert_int_equal(st.sites, 7);
    assert_int_equal(st.bad, 6);
    assert_int_equal(st.first_bad_op, VMI_OPNO_COUNT);
    assert_ptr_equal((void *)st.first_bad, text + 8);
    assert_call(0, (const void *)fake_time_ns);
    assert_memory_equal(text + 8, before + 8, sizeof(text) - 8);
    patch_check(&img, &chosen, &st);
    assert_int_equal(st.checked, 1);
}

static void out_of_reach_left_alone(void **state)
{
    (void)state;
    EMIT(0, time_ns);
    /* A function 2^40 bytes away: not reachable by a rel32 call. */
    chosen.time_ns = (uint64_t (*)(void))((uintptr_t)text ^ (1ull << 40));
    struct patch_image img = image();
    struct patch_stats st;
    patch_sites(&img, &chosen, &st);
    assert_int_equal(st.bad, 1);
    assert_memory_equal(text, unpatched_head, sizeof(unpatched_head));
}

static void patched_twice_is_refused(void **state)
{
    (void)state;
    EMIT(0, time_ns);
    struct patch_image img = image();
    struct patch_stats st;
    patch_sites(&img, &chosen, &st);
    assert_int_equal(st.bad, 0);
    patch_sites(&img, &chosen, &st);    /* no longer the recorded call */
    assert_int_equal(st.bad, 1);
    assert_call(0, (const void *)fake_time_ns);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(patches_inline_and_direct, setup),
        cmocka_unit_test_setup(bad_records_left_alone, setup),
        cmocka_unit_test_setup(out_of_reach_left_alone, setup),
        cmocka_unit_test_setup(patched_twice_is_refused, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
