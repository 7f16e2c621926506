/* SPDX-License-Identifier: MIT */
/*
 * vmi.h: the virtual machine interface, the one procedure table a guest
 * kernel calls for everything privileged.  Exactly one backend (native,
 * kvm, xen or hyperv) is linked in and defines `vmi_ops`; the kernel calls
 * the vmi_<op>() wrappers below.  Because the table is const and chosen at
 * link time, calls are direct, and with LTO inlinable.  The auto backend
 * links all four and picks one in init; its table is const too, each
 * entry a trampoline to the chosen backend's (docs/vmi-api.md 2.7).
 *
 * The ops and their one-line contracts are in vmi/ops.h; the full contract
 * and what each backend does for each op is docs/vmi-api.md.
 */
#ifndef VMI_H
#define VMI_H

#include "vmi/types.h"
#include "vmi/abi.h"
#include "vmi/version.h"

/* The function-pointer type of each kind of op. */
#define VMI_NORETURN __attribute__((noreturn))

struct vmi_ops {
#define VMI_OP(name, ret, params, args) ret (*name) params;
#define VMI_VOP(name, params, args) void (*name) params;
#define VMI_NOP(name, params, args) VMI_NORETURN void (*name) params;
#include "vmi/ops.h"
#undef VMI_OP
#undef VMI_VOP
#undef VMI_NOP
};

/* The one table; defined by the backend the kernel is linked with. */
extern const struct vmi_ops vmi_ops;

/* Op numbers, for statistics and tests. */
enum vmi_opno {
#define VMI_OP(name, ret, params, args) VMI_OPNO_##name,
#define VMI_VOP(name, params, args) VMI_OPNO_##name,
#define VMI_NOP(name, params, args) VMI_OPNO_##name,
#include "vmi/ops.h"
#undef VMI_OP
#undef VMI_VOP
#undef VMI_NOP
    VMI_OPNO_COUNT
};

/* A record of one patchable call site, in the section .vmi_sites. */
#define VMI_SITE_LEN 8
struct vmi_site {
    int32_t where;              /* the call's address minus this field's */
    uint8_t op;                 /* VMI_OPNO_<op> */
    uint8_t len;                /* VMI_SITE_LEN */
    uint16_t reserved;
};

#ifdef VMI_PATCH_SITES
/*
 * Patchable call sites (docs/vmi-api.md 2.8), which the auto backend's
 * vmi-auto.pc asks for.  Each vmi_<op>() becomes one 8-byte instruction,
 * `call *vmi_ops+OFF(%rip)` behind two CS prefixes (which 64-bit mode
 * ignores: Intel SDM, "Instruction Prefixes"), recorded in the section
 * .vmi_sites; the auto backend's init rewrites each site into a direct call
 * of the chosen backend's function, or into that function's instructions
 * when they fit (backends/auto/patch.c).  Unpatched, the site works as
 * the plain wrapper does, through the table.  The call is made in asm, so
 * the compiler is told the SysV ABI's part by hand: arguments in rdi, rsi,
 * rdx (no op takes more than three), the result in rax, every other
 * caller-saved register clobbered.  The stack may be only 8-byte aligned
 * at such a call, as in Linux on x86-64: the library and the kernel are
 * built with -mgeneral-regs-only, so nothing needs more (docs/porting.md;
 * this tree also builds with -mpreferred-stack-boundary=3).
 */
#define VMI_SITE_ARGS(...) __VA_ARGS__
/* The number of arguments, 0 to 3 (__VA_OPT__: GCC 8, clang 12). */
#define VMI_SITE_N(...) VMI_SITE_N_(_ __VA_OPT__(,) __VA_ARGS__, 3, 2, 1, 0)
#define VMI_SITE_N_(_, a, b, c, n, ...) n
#define VMI_SITE_CAT(a, b) VMI_SITE_CAT_(a, b)
#define VMI_SITE_CAT_(a, b) a##b
#define VMI_SITE_IN(...) \
    VMI_SITE_CAT(VMI_SITE_IN, VMI_SITE_N(__VA_ARGS__))(__VA_ARGS__)
#define VMI_SITE_IN0()
#define VMI_SITE_IN1(a) , "D"((unsigned long)(a))
#define VMI_SITE_IN2(a, b) VMI_SITE_IN1(a), "S"((unsigned long)(b))
#define VMI_SITE_IN3(a, b, c) VMI_SITE_IN2(a, b), "d"((unsigned long)(c))

#define VMI_SITE_CALL(name, ...) ({                                         \
    unsigned long __ax, __di, __si, __dx, __cx;                             \
    __asm__ __volatile__(                                                   \
        "771: .byte 0x2e, 0x2e\n\t"                                         \
        "call *vmi_ops+%c[off](%%rip)\n"                                    \
        "772:\n\t"                                                          \
        ".if 772b - 771b - " VMI_SITE_LEN_S "\n\t"                          \
        ".error \"vmi: a call site is not " VMI_SITE_LEN_S " bytes\"\n\t"     \
        ".endif\n\t"                                                        \
        ".pushsection .vmi_sites, \"a\"\n\t"                                \
        ".balign 4\n\t"                                                     \
        ".long 771b - .\n\t"                                                \
        ".byte %c[op], 772b - 771b\n\t"                                     \
        ".short 0\n\t"                                                      \
        ".popsection"                                                       \
        : "=a"(__ax), "=D"(__di), "=S"(__si), "=d"(__dx), "=c"(__cx)        \
        : [off] "i"(__builtin_offsetof(struct vmi_ops, name)),              \
          [op] "i"(VMI_OPNO_##name) VMI_SITE_IN(__VA_ARGS__)                \
        : "r8", "r9", "r10", "r11", "cc", "memory");                        \
    (void)__di, (void)__si, (void)__dx, (void)__cx;                         \
    __ax;                                                                   \
})
#define VMI_SITE_LEN_S "8"      /* VMI_SITE_LEN, for the assembler */

#define VMI_OP(name, ret, params, args) \
    static inline ret vmi_##name params \
    { return (ret)VMI_SITE_CALL(name, VMI_SITE_ARGS args); }
#define VMI_VOP(name, params, args) \
    static inline void vmi_##name params \
    { (void)VMI_SITE_CALL(name, VMI_SITE_ARGS args); }
#define VMI_NOP(name, params, args) \
    static inline VMI_NORETURN void vmi_##name params \
    { (void)VMI_SITE_CALL(name, VMI_SITE_ARGS args); __builtin_unreachable(); }
#else
/* The typed wrappers the kernel calls: vmi_init(boot), vmi_read_cr3(), ...
 * (calls through the table; with LTO and a link-time backend, direct). */
#define VMI_OP(name, ret, params, args) \
    static inline ret vmi_##name params { return vmi_ops.name args; }
#define VMI_VOP(name, params, args) \
    static inline void vmi_##name params { vmi_ops.name args; }
#define VMI_NOP(name, params, args) \
    static inline VMI_NORETURN void vmi_##name params \
    { vmi_ops.name args; __builtin_unreachable(); }
#endif
#include "vmi/ops.h"
#undef VMI_OP
#undef VMI_VOP
#undef VMI_NOP

/* Provided by the kernel, called by the backend from event_dispatch with
 * delivery masked, once per event (ev) on the CPU it is for. */
void vmi_event(vmi_event_t ev);

/* Provided by the backend library: print (msg) on the console and crash.
 * For broken invariants and for errors an op that "cannot fail" sees. */
VMI_NORETURN void vmi_panic(const char *msg);
VMI_NORETURN void vmi_bug(const char *file, unsigned line, const char *cond);

#define VMI_BUG_ON(cond) \
    do { if (__builtin_expect(!!(cond), 0)) \
        vmi_bug(__FILE__, __LINE__, #cond); } while (0)

/* Compile-time configuration, usable in if () so both branches compile. */
#define VMI_IS_ENABLED(x) (x)

#endif
