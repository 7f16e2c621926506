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

/* The typed wrappers the kernel calls: vmi_init(boot), vmi_read_cr3(), ... */
#define VMI_OP(name, ret, params, args) \
    static inline ret vmi_##name params { return vmi_ops.name args; }
#define VMI_VOP(name, params, args) \
    static inline void vmi_##name params { vmi_ops.name args; }
#define VMI_NOP(name, params, args) \
    static inline VMI_NORETURN void vmi_##name params \
    { vmi_ops.name args; __builtin_unreachable(); }
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
