/* SPDX-License-Identifier: MIT */
/*
 * patch.c: boot-time call-site patching of the auto backend
 * (docs/vmi-api.md 2.8).  A kernel compiled with VMI_PATCH_SITES (what
 * vmi-auto.pc asks for) records every vmi_<op>() call it makes in the
 * section .vmi_sites, each an 8-byte `cs cs call *vmi_ops+OFF(%rip)`
 * (include/vmi.h).  Once init has chosen a backend, patch_sites() rewrites
 * each recorded site into
 *   - the chosen function's own instructions, when that function is one
 *     of x86.c's short ops below (cli, sti, mov %cr3, ...: VMI_X86_ARCH_OPS,
 *     which every backend's table starts with, and x86_halt), padded
 *     with one NOP; or else
 *   - `cs cs cs call <function>`: one direct call, the same 8 bytes.
 * It runs on the boot CPU inside vmi_init, before any other CPU is
 * started and with interrupts masked, so no CPU executes a site while it
 * changes (an NMI meanwhile reaches the boot library's early IDT, whose
 * code has no sites); the boot library's identity map, the only one at
 * that point, maps the text writable.  A site whose bytes are not the recorded call
 * (a bad table, say) is left alone and still works through the table.
 * patch_check() then reads every site back.
 */
#include <insn.h>
#include <stdbool.h>

#include "common.h"
#include "patch.h"
#include "x86.h"

typedef void patch_fn(void);

static const uint16_t op_offset[VMI_OPNO_COUNT] = {
#define VMI_OP(name, ret, params, args) \
    [VMI_OPNO_##name] = offsetof(struct vmi_ops, name),
#define VMI_VOP(name, params, args) VMI_OP(name, void, params, args)
#define VMI_NOP(name, params, args) VMI_OP(name, void, params, args)
#include "vmi/ops.h"
#undef VMI_OP
#undef VMI_VOP
#undef VMI_NOP
};

const char *const patch_op_name[VMI_OPNO_COUNT] = {
#define VMI_OP(name, ret, params, args) [VMI_OPNO_##name] = #name,
#define VMI_VOP(name, params, args) VMI_OP(name, void, params, args)
#define VMI_NOP(name, params, args) VMI_OP(name, void, params, args)
#include "vmi/ops.h"
#undef VMI_OP
#undef VMI_VOP
#undef VMI_NOP
};

static patch_fn *op_fn(const struct vmi_ops *ops, unsigned op)
{
    return *(patch_fn *const *)((const char *)ops + op_offset[op]);
}

/*
 * The instructions of x86.c's short ops, assembled here (so never encoded
 * by hand) in the convention of a site: the argument in rdi, the result in
 * rax, rcx/rdx/rsi/rdi/r8-r11 and the flags free to clobber.  Each does
 * what its function does; the conformance tests, which run on patched
 * kernel-auto images, hold them to the ops' contracts.  irq_restore's
 * sequence masks first and unmasks if (flags) had IF: the same end state
 * as x86_irq_restore's branch, in 8 bytes.
 */
#define PATCH_INSNS(name, insns)                                            \
    __asm__(".pushsection .rodata\n"                                        \
            "patch_" #name ": " insns "\n"                                  \
            "patch_" #name "_end:\n"                                        \
            ".popsection");                                                 \
    extern const uint8_t patch_##name[], patch_##name##_end[]

PATCH_INSNS(irq_disable, "cli");
PATCH_INSNS(irq_enable, "sti");
PATCH_INSNS(irq_save, "pushfq; popq %rax; cli; andl $0x200, %eax");
PATCH_INSNS(irq_restore, "cli; btl $9, %edi; jnc 1f; sti; 1:");
PATCH_INSNS(read_cr0, "movq %cr0, %rax");
PATCH_INSNS(write_cr0, "movq %rdi, %cr0");
PATCH_INSNS(read_cr2, "movq %cr2, %rax");
PATCH_INSNS(read_cr3, "movq %cr3, %rax");
PATCH_INSNS(write_cr3, "movq %rdi, %cr3");
PATCH_INSNS(read_cr4, "movq %cr4, %rax");
PATCH_INSNS(write_cr4, "movq %rdi, %cr4");
PATCH_INSNS(safe_halt, "sti; hlt");
PATCH_INSNS(halt, "hlt");
PATCH_INSNS(tlb_flush_local, "movq %cr3, %rax; movq %rax, %cr3");

static const struct patch_inline {
    patch_fn *fn;
    const uint8_t *code, *end;
} inlines[] = {
#define INLINE(name) \
    { (patch_fn *)x86_##name, patch_##name, patch_##name##_end }
    INLINE(irq_disable), INLINE(irq_enable), INLINE(irq_save),
    INLINE(irq_restore), INLINE(read_cr0), INLINE(write_cr0),
    INLINE(read_cr2), INLINE(read_cr3), INLINE(write_cr3),
    INLINE(read_cr4), INLINE(write_cr4), INLINE(safe_halt), INLINE(halt),
    INLINE(tlb_flush_local),
#undef INLINE
};

/* The NOP of each length 1-7 (Intel SDM, NOP, "Recommended Multi-Byte
 * Sequence of NOP Instruction"). */
static const uint8_t nops[8][7] = {
    [1] = { 0x90 },
    [2] = { 0x66, 0x90 },
    [3] = { 0x0f, 0x1f, 0x00 },
    [4] = { 0x0f, 0x1f, 0x40, 0x00 },
    [5] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 },
    [6] = { 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00 },
    [7] = { 0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00 },
};

/* Intel SDM: "Instruction Prefixes" (a CS prefix, ignored by a near call
 * in 64-bit mode), "RIP-Relative Addressing", and CALL. */
#define CS_PREFIX 0x2e
#define OP_CALL_MEM 0xff, 0x15                  /* call *disp32(%rip) */
#define OP_CALL_REL 0xe8                        /* call rel32 */

static uint8_t *site_addr(const struct vmi_site *s)
{
    return (uint8_t *)((uintptr_t)&s->where + (intptr_t)s->where);
}

static int32_t get32(const uint8_t *p)
{
    return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 |
                     (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
}

static void put32(uint8_t *p, int32_t v)
{
    for (unsigned i = 0; i < 4; i++)
        p[i] = (uint8_t)((uint32_t)v >> (8 * i));
}

/* The 8 bytes the site at (p) should hold to call, or be, (fn); false if
 * (fn) is out of reach of a rel32 call from there. */
static bool site_code(uint8_t code[VMI_SITE_LEN], const uint8_t *p,
                      patch_fn *fn, bool *inlined)
{
    for (unsigned i = 0; i < sizeof(inlines) / sizeof(inlines[0]); i++) {
        size_t n = (size_t)(inlines[i].end - inlines[i].code);
        if (inlines[i].fn != fn || n > VMI_SITE_LEN)
            continue;
        for (size_t k = 0; k < n; k++)
            code[k] = inlines[i].code[k];
        for (size_t k = 0; k < VMI_SITE_LEN - n; k++)
            code[n + k] = nops[VMI_SITE_LEN - n][k];
        *inlined = true;
        return true;
    }
    int64_t rel = (int64_t)((uintptr_t)fn - (uintptr_t)(p + VMI_SITE_LEN));
    if (rel != (int32_t)rel)
        return false;
    /* cs cs cs call rel32: the one instruction fills the 8 bytes. */
    code[0] = code[1] = code[2] = CS_PREFIX;
    code[3] = OP_CALL_REL;
    put32(code + 4, (int32_t)rel);
    *inlined = false;
    return true;
}

/* A known op and VMI_SITE_LEN bytes inside the text. */
static bool site_sane(const struct patch_image *img, const struct vmi_site *s)
{
    uintptr_t p = (uintptr_t)site_addr(s);
    return s->op < VMI_OPNO_COUNT && s->len == VMI_SITE_LEN &&
           p >= img->text && p <= img->text_end - VMI_SITE_LEN;
}

/* Is (s) a sane record of an unpatched site: a known op, VMI_SITE_LEN
 * bytes inside the text, holding cs cs call *vmi_ops+OFF(%rip)? */
static bool site_unpatched(const struct patch_image *img,
                           const struct vmi_site *s)
{
    static const uint8_t head[] = { CS_PREFIX, CS_PREFIX, OP_CALL_MEM };
    const uint8_t *p = site_addr(s);
    if (!site_sane(img, s))
        return false;
    for (unsigned i = 0; i < sizeof(head); i++)
        if (p[i] != head[i])
            return false;
    uintptr_t slot = (uintptr_t)p + VMI_SITE_LEN + (uintptr_t)(intptr_t)get32(p + 4);
    return slot == (uintptr_t)img->table + op_offset[s->op];
}

static void note_bad(struct patch_stats *st, const struct vmi_site *s)
{
    if (!st->bad++) {
        st->first_bad = (uintptr_t)site_addr(s);
        st->first_bad_op = s->op;
    }
}

void patch_sites(const struct patch_image *img, const struct vmi_ops *ops,
                 struct patch_stats *st)
{
    *st = (struct patch_stats){ 0 };
    for (const struct vmi_site *s = img->sites; s < img->sites_end; s++) {
        uint8_t code[VMI_SITE_LEN];
        bool inlined;
        st->sites++;
        if (!site_unpatched(img, s) ||
            !site_code(code, site_addr(s), op_fn(ops, s->op), &inlined)) {
            note_bad(st, s);
            continue;
        }
        volatile uint8_t *p = site_addr(s);
        for (unsigned i = 0; i < VMI_SITE_LEN; i++)
            p[i] = code[i];
        st->inlined += inlined;
    }
    /* A serializing instruction before the new code runs (Intel SDM,
     * "Handling Self- and Cross-Modifying Code"). */
    struct vmi_cpuid r;
    cpuid(0, 0, &r);
}

void patch_check(const struct patch_image *img, const struct vmi_ops *ops,
                 struct patch_stats *st)
{
    st->checked = 0;
    for (const struct vmi_site *s = img->sites; s < img->sites_end; s++) {
        uint8_t code[VMI_SITE_LEN];
        bool inlined;
        const uint8_t *p = site_addr(s);
        if (!site_sane(img, s) ||
            !site_code(code, p, op_fn(ops, s->op), &inlined))
            continue;
        bool same = true;
        for (unsigned i = 0; i < VMI_SITE_LEN; i++)
            same &= p[i] == code[i];
        st->checked += same;
    }
}
