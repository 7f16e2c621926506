/* SPDX-License-Identifier: MIT */
/*
 * auto.c: the auto backend, one kernel image for every environment.  The
 * library holds the four backends, each with its table renamed
 * vmi_ops_<name> (backends/auto/meson.build), and this file's vmi_ops.
 *
 * vmi_ops stays const, as the contract says (include/vmi.h): each entry
 * is a trampoline, auto_<op>(), that calls the same op of auto_chosen.
 * auto_chosen is the one thing written at run time: by init, once, on the
 * boot CPU, before any other CPU or interrupt can run.  Until then it is
 * auto_first, whose init (the contract calls it first) probes, picks a
 * backend, points auto_chosen at that backend's table and runs its init,
 * and whose every other op says it was called before init and fails
 * (docs/vmi-api.md 2.7).
 *
 * A kernel compiled with VMI_PATCH_SITES has its vmi_<op>() call sites
 * rewritten in init into direct calls of the chosen backend's functions
 * (patch.c); every other call, and every site before that, goes through
 * vmi_ops.
 */
#include <insn.h>

#include "common.h"
#include "hvsig.h"
#include "hyperv.h"
#include "kvm.h"
#include "patch.h"
#include "power.h"
#include "xen.h"

extern const struct vmi_ops vmi_ops_native, vmi_ops_kvm, vmi_ops_xen,
    vmi_ops_hyperv;

/* What the probe saw: the base of each signature's leaves, or 0. */
struct auto_probe {
    uint32_t xen;
    uint32_t hyperv;            /* 0x40000000 if Hv#1 is offered */
    uint32_t kvm;
};

/* The backends, in the order of the probe (docs/vmi-api.md 2.7). */
enum { AUTO_XEN, AUTO_HYPERV, AUTO_KVM, AUTO_NATIVE, AUTO_N };

static const struct {
    const char *name;
    const struct vmi_ops *ops;
} auto_backends[AUTO_N] = {
    [AUTO_XEN] = { "xen", &vmi_ops_xen },
    [AUTO_HYPERV] = { "hyperv", &vmi_ops_hyperv },
    [AUTO_KVM] = { "kvm", &vmi_ops_kvm },
    [AUTO_NATIVE] = { "native", &vmi_ops_native },
};

/* Each backend's own detection (xen.c, hv_detect.c, kvm_detect.c), which
 * its init repeats, refusing if it finds nothing. */
static void auto_probe(struct auto_probe *p)
{
    p->xen = xen_probe();
    p->hyperv = hv_probe() ? HVSIG_FIRST : 0;
    p->kvm = kvm_probe();
}

/* The first backend of the probe order whose hypervisor is there. */
static unsigned auto_pick(const struct auto_probe *p)
{
    const uint32_t seen[AUTO_N] = { p->xen, p->hyperv, p->kvm, 1 };
    unsigned b = 0;
    while (!seen[b])
        b++;
    return b;
}

#define AUTO_KEY "vmi.backend="
#define PATCH_KEY "vmi.patch="

/* The value of the word "KEY=VALUE" of (cmdline) for (key), which ends in
 * '=', into (val), or false if there is none.  A longer value is cut: it
 * names nothing known. */
static bool auto_param(const char *cmdline, const char *key, char *val,
                       size_t size)
{
    const char *p = cmdline;
    while (p && *p) {
        while (*p == ' ')
            p++;
        const char *k = key;
        while (*k && *p == *k)
            p++, k++;
        if (!*k) {
            size_t n = 0;
            while (p[n] && p[n] != ' ' && n < size - 1) {
                val[n] = p[n];
                n++;
            }
            val[n] = 0;
            return true;
        }
        while (*p && *p != ' ')
            p++;
    }
    return false;
}

static bool auto_streq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

static unsigned auto_named(const char *name)
{
    for (unsigned b = 0; b < AUTO_N; b++)
        if (auto_streq(auto_backends[b].name, name))
            return b;
    power_say("vmi: auto: " AUTO_KEY);
    power_say(name);
    power_say(" names no backend (");
    for (unsigned b = 0; b < AUTO_N; b++) {
        power_say(b ? ", " : "");
        power_say(auto_backends[b].name);
    }
    power_say(")\n");
    power_fail(VMI_EXIT_WRONG_HV);
}

static vmi_status_t auto_choose(const struct vmi_boot *boot);

/* Any op but init before init is a kernel bug (init comes first,
 * vmi/ops.h), and there is no backend yet to panic through: one line
 * naming the op, then the exit of a panic (docs/vmi-api.md 2.7). */
static VMI_NORETURN void auto_early(const char *op)
{
    power_say("vmi: auto: vmi_");
    power_say(op);
    power_say("() called before vmi_init()\n");
    power_fail(VMI_EXIT_PANIC);
}

/* auto_first: auto_early_<op>() for every op, then init, the one that
 * belongs there, over its stub. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Woverride-init"
#define VMI_OP(name, ret, params, args) \
    static ret auto_early_##name params { auto_early(#name); }
#define VMI_VOP(name, params, args) \
    static void auto_early_##name params { auto_early(#name); }
#define VMI_NOP(name, params, args) \
    static VMI_NORETURN void auto_early_##name params { auto_early(#name); }
#include "vmi/ops.h"
#undef VMI_OP
#undef VMI_VOP
#undef VMI_NOP

static const struct vmi_ops auto_first = {
#define VMI_OP(name, ret, params, args) .name = auto_early_##name,
#define VMI_VOP(name, params, args) .name = auto_early_##name,
#define VMI_NOP(name, params, args) .name = auto_early_##name,
#include "vmi/ops.h"
#undef VMI_OP
#undef VMI_VOP
#undef VMI_NOP
    .init = auto_choose,
};
#pragma GCC diagnostic pop
static const struct vmi_ops *auto_chosen = &auto_first;

/* "vmi: auto: backend xen (probe: xen at 0x40000000, hyperv no, kvm no)",
 * or "(vmi.backend=native; probe: ...)", on the chosen backend's console
 * once its init has returned. */
static void auto_banner(unsigned chosen, bool forced, const struct auto_probe *p)
{
    static char line[160];
    static const char *const what[] = { "xen", "hyperv", "kvm" };
    const uint32_t base[] = { p->xen, p->hyperv, p->kvm };
    size_t n = 0;
    vmi_append(line, sizeof(line), &n, "vmi: auto: backend ");
    vmi_append(line, sizeof(line), &n, auto_backends[chosen].name);
    vmi_append(line, sizeof(line), &n, forced ? " (" AUTO_KEY : "");
    vmi_append(line, sizeof(line), &n, forced ? auto_backends[chosen].name : "");
    vmi_append(line, sizeof(line), &n, forced ? "; probe: " : " (probe: ");
    for (unsigned i = 0; i < 3; i++) {
        char hex[17];
        vmi_append(line, sizeof(line), &n, i ? ", " : "");
        vmi_append(line, sizeof(line), &n, what[i]);
        if (!base[i]) {
            vmi_append(line, sizeof(line), &n, " no");
            continue;
        }
        vmi_fmt_u64(hex, base[i], 16);
        vmi_append(line, sizeof(line), &n, " at 0x");
        vmi_append(line, sizeof(line), &n, hex);
    }
    vmi_append(line, sizeof(line), &n, ")\n");
    auto_chosen->console_write(line, n);
}

/* The running kernel's sites, text (boot/vmi.ld) and table. */
extern const struct vmi_site __vmi_sites_start[], __vmi_sites_end[];
extern const uint8_t _text_start[], _text_end[];

static void patch_kernel(struct patch_image *img)
{
    *img = (struct patch_image){
        .sites = __vmi_sites_start, .sites_end = __vmi_sites_end,
        .text = (uintptr_t)_text_start, .text_end = (uintptr_t)_text_end,
        .table = &vmi_ops,
    };
}

/* vmi.patch=on (the default) or off: whether init patches the kernel's
 * call sites (patch.c).  Another value is refused as vmi.backend= is. */
static bool auto_patching(const char *cmdline)
{
    char val[8];
    if (!auto_param(cmdline, PATCH_KEY, val, sizeof(val)) ||
        auto_streq(val, "on"))
        return true;
    if (auto_streq(val, "off"))
        return false;
    power_say("vmi: auto: " PATCH_KEY);
    power_say(val);
    power_say(" is neither on nor off\n");
    power_fail(VMI_EXIT_WRONG_HV);
}

/* One line after the banner: what patching did and what its check saw,
 * "vmi: auto: 412 call sites patched (57 inline), all 412 checked". */
static void auto_patch_report(bool patch, const struct patch_stats *st)
{
    static char line[160];
    char num[21];
    size_t n = 0;
#define APPEND(s) vmi_append(line, sizeof(line), &n, (s))
#define APPEND_U(v) (vmi_fmt_u64(num, (v), 10), APPEND(num))
    APPEND("vmi: auto: ");
    if (!patch) {
        APPEND_U(st->sites);
        APPEND(" call sites left through the table (" PATCH_KEY "off)\n");
    } else {
        APPEND_U(st->sites - st->bad);
        APPEND(" call sites patched (");
        APPEND_U(st->inlined);
        APPEND(" inline), ");
        APPEND(st->checked == st->sites ? "all " : "only ");
        APPEND_U(st->checked);
        APPEND(" checked");
        if (st->bad) {
            char hex[17];
            APPEND("; ");
            APPEND_U(st->bad);
            APPEND(" not the recorded call, left through the table (first at 0x");
            vmi_fmt_u64(hex, st->first_bad, 16);
            APPEND(hex);
            APPEND(", ");
            APPEND(st->first_bad_op < VMI_OPNO_COUNT
                   ? patch_op_name[st->first_bad_op] : "bad op");
            APPEND(")");
        }
        APPEND("\n");
    }
#undef APPEND_U
#undef APPEND
    auto_chosen->console_write(line, n);
}

/* The probe order is the issue's: Xen before Hyper-V, because Xen offers
 * Hyper-V's leaves at 0x40000000 too (and its own at 0x40000100) when a
 * guest may want Viridian; Hyper-V before KVM, because KVM with Hyper-V
 * emulation offers KVM's leaves at 0x40000100.  A forced backend's own
 * init refuses, in one line, if its hypervisor is not there.  The call
 * sites are patched before that init runs, on this CPU alone. */
static vmi_status_t auto_choose(const struct vmi_boot *boot)
{
    struct auto_probe p;
    struct patch_image img;
    struct patch_stats st = { 0 };
    const char *cmdline = boot ? boot->cmdline : 0;
    char name[16];
    bool forced = auto_param(cmdline, AUTO_KEY, name, sizeof(name));
    bool patch = auto_patching(cmdline);
    unsigned chosen;
    auto_probe(&p);
    chosen = forced ? auto_named(name) : auto_pick(&p);
    auto_chosen = auto_backends[chosen].ops;
    patch_kernel(&img);
    if (patch) {
        patch_sites(&img, auto_chosen, &st);
        patch_check(&img, auto_chosen, &st);
    } else {
        st.sites = (unsigned)(img.sites_end - img.sites);
    }
    vmi_status_t r = auto_chosen->init(boot);
    auto_banner(chosen, forced, &p);
    auto_patch_report(patch, &st);
    return r;
}

/* The trampolines: tail calls through auto_chosen. */
#define VMI_OP(name, ret, params, args) \
    static ret auto_##name params { return auto_chosen->name args; }
#define VMI_VOP(name, params, args) \
    static void auto_##name params { auto_chosen->name args; }
#define VMI_NOP(name, params, args) \
    static VMI_NORETURN void auto_##name params \
    { auto_chosen->name args; __builtin_unreachable(); }
#include "vmi/ops.h"
#undef VMI_OP
#undef VMI_VOP
#undef VMI_NOP

const struct vmi_ops vmi_ops = {
#define VMI_OP(name, ret, params, args) .name = auto_##name,
#define VMI_VOP(name, params, args) .name = auto_##name,
#define VMI_NOP(name, params, args) .name = auto_##name,
#include "vmi/ops.h"
#undef VMI_OP
#undef VMI_VOP
#undef VMI_NOP
};
