/* SPDX-License-Identifier: MIT */
/* hv_detect.c: finding Hyper-V's CPUID leaves, choosing the
 * enlightenments to use, enabling the hypercall and reference TSC pages,
 * and saying what was chosen. */
#include <insn.h>

#include "common.h"
#include "hyperv.h"
#include "power.h"
#include "uart.h"
#include "vmi/abi.h"

#define CPUID1_ECX_HYPERVISOR (1u << 31)   /* SDM Vol. 2A Table 3-10 */

/* The vendor signature at 0x40000000 as a string, for the refusal. */
static void hv_sig_string(const struct vmi_cpuid *r, char out[13])
{
    const uint32_t sig[3] = { r->ebx, r->ecx, r->edx };
    unsigned n = 0;
    for (unsigned i = 0; i < 12; i++) {
        char ch = (char)(sig[i / 4] >> (8 * (i % 4)));
        if (!ch)
            break;
        out[n++] = ch >= 0x20 && ch < 0x7f ? ch : '?';
    }
    out[n] = 0;
}

/* [T: feature-discovery]: the hypervisor bit, "Microsoft Hv" with max
 * leaf >= 0x40000005, interface "Hv#1", and (as Linux's ms_hyperv_platform
 * requires) the hypercall and VP index MSRs. */
void hv_detect(void)
{
    static char found[13];
    struct vmi_cpuid r;
    cpuid(1, 0, &r);
    if (!(r.ecx & CPUID1_ECX_HYPERVISOR))
        vmi_refuse("Hyper-V (Microsoft Hv)", "no hypervisor");
    cpuid(HV_CPUID_VENDOR, 0, &r);
    hv_sig_string(&r, found);
    if (r.ebx != HV_SIG_EBX || r.ecx != HV_SIG_ECX || r.edx != HV_SIG_EDX)
        vmi_refuse("Hyper-V (Microsoft Hv)", found[0] ? found :
                   "an unnamed hypervisor");
    hv.max_leaf = r.eax;
    cpuid(HV_CPUID_INTERFACE, 0, &r);
    if (hv.max_leaf < HV_CPUID_MIN_MAX || r.eax != HV_INTERFACE_HV1)
        vmi_refuse("Hyper-V (Microsoft Hv)", "Microsoft Hv without the "
                   "Hv#1 interface");
    cpuid(HV_CPUID_FEATURES, 0, &r);
    hv.priv_eax = r.eax;
    hv.priv_ebx = r.ebx;
    hv.feat_edx = r.edx;
    if (!(r.eax & HV_PRIV_HYPERCALL) || !(r.eax & HV_PRIV_VP_INDEX))
        vmi_refuse("Hyper-V (Microsoft Hv)", "Microsoft Hv without the "
                   "hypercall and VP index MSRs");
    cpuid(HV_CPUID_ENLIGHTENMENT, 0, &r);
    hv.rec_eax = r.eax;
    hv.spin_retries = r.ebx;
    cpuid(HV_CPUID_VERSION, 0, &r);
    hv.version = r.ebx;
}

void hv_choose(void)
{
    struct hv_use *u = &hv.use;
    struct vmi_cpuid r;
    cpuid(1, 0, &r);
    u->tsc_deadline = r.ecx & CPUID1_ECX_TSC_DEADLINE;
    u->ref_tsc = hv.priv_eax & HV_PRIV_REFERENCE_TSC;
    u->ref_count = hv.priv_eax & HV_PRIV_TIME_REF_COUNT;
    /* KVM needs an active SynIC for the timer MSRs [ABI 3.6]. */
    u->stimer = (hv.priv_eax & HV_PRIV_SYNIC) &&
                (hv.priv_eax & HV_PRIV_SYNTIMER) &&
                (hv.feat_edx & HV_FEAT_STIMER_DIRECT);
    u->flush = hv.rec_eax & HV_REC_REMOTE_TLB_FLUSH;
    u->ipi = hv.rec_eax & HV_REC_CLUSTER_IPI;
    u->spin = hv.spin_retries != 0 && hv.spin_retries != HV_SPIN_RETRY_NEVER;
    u->crash = hv.feat_edx & HV_FEAT_GUEST_CRASH_MSRS;
    u->reset = hv.priv_eax & HV_PRIV_RESET;
    if (u->crash)
        u->crash_msg = rdmsr(HV_X64_MSR_CRASH_CTL) & HV_CRASH_CTL_NOTIFY_MSG;
}

/* [T: hypercall-interface "Establishing the Hypercall Interface"]: the
 * guest OS id first (the page stays disabled while it is 0), then the
 * page, keeping the MSR's preserved bits 11:1; then the TSC page. */
void hv_enable(void)
{
    wrmsr(HV_X64_MSR_GUEST_OS_ID, VMI_HV_GUEST_OS_ID(VMI_ABI_VERSION));
    uint64_t old = rdmsr(HV_X64_MSR_HYPERCALL);
    wrmsr(HV_X64_MSR_HYPERCALL, (old & ~HV_MSR_PAGE_MASK) |
          hv_pa(hv_hcall_page) | HV_MSR_ENABLE);
    if (hv.use.ref_tsc) {
        old = rdmsr(HV_X64_MSR_REFERENCE_TSC);
        wrmsr(HV_X64_MSR_REFERENCE_TSC, (old & ~HV_MSR_PAGE_MASK) |
              hv_pa(&hv_tsc_area) | HV_MSR_ENABLE);
    }
}

/* Append (s) to (buf) of (len) at (*n). */
static void put(char *buf, unsigned len, unsigned *n, const char *s)
{
    while (*s && *n + 1 < len)
        buf[(*n)++] = *s++;
    buf[*n] = 0;
}

static void hv_name(void)
{
    char num[21];
    unsigned n = 0;
    put(hv.hv_name, sizeof(hv.hv_name), &n, "Hyper-V ");
    vmi_fmt_u64(num, hv.version >> 16, 10);
    put(hv.hv_name, sizeof(hv.hv_name), &n, num);
    put(hv.hv_name, sizeof(hv.hv_name), &n, ".");
    vmi_fmt_u64(num, hv.version & 0xffff, 10);
    put(hv.hv_name, sizeof(hv.hv_name), &n, num);
    put(hv.hv_name, sizeof(hv.hv_name), &n, " (Microsoft Hv)");
}

/* One line on the console naming every enlightenment in use: the
 * kernel's banner shows only the info strings. */
static void hv_say_enlightenments(void)
{
    static char line[256];
    const struct hv_use *u = &hv.use;
    unsigned n = 0;
    put(line, sizeof(line), &n, "hyperv: ");
    put(line, sizeof(line), &n, hv.hv_name);
    put(line, sizeof(line), &n, "; enlightenments: guest os id, hypercall page");
    put(line, sizeof(line), &n, u->ref_tsc ? ", reference tsc page" :
        u->ref_count ? ", time_ref_count" : "");
    put(line, sizeof(line), &n, u->stimer ? ", stimer0 direct" : "");
    put(line, sizeof(line), &n, u->flush ? ", remote flush hypercall" : "");
    put(line, sizeof(line), &n, u->ipi ? ", cluster ipi hypercall" : "");
    put(line, sizeof(line), &n, u->spin ? ", long spin wait" : "");
    put(line, sizeof(line), &n, u->crash ? ", crash msrs" : "");
    put(line, sizeof(line), &n, u->reset ? ", reset msr" : "");
    put(line, sizeof(line), &n, "\n");
    uart_write(uart_early(), line, n);
}

void hv_identify(void)
{
    const struct hv_use *u = &hv.use;
    hv_name();
    hv.info = (struct vmi_info){
        .backend = "hyperv",
        .hypervisor = hv.hv_name,
        .hv_version = hv.version,
        .features = (u->ref_tsc || u->ref_count ? VMI_FEAT_PV_CLOCK : 0) |
                    (u->stimer ? VMI_FEAT_PV_ALARM : 0) |
                    (u->ipi ? VMI_FEAT_PV_IPI : 0) |
                    (u->flush ? VMI_FEAT_PV_TLB_FLUSH : 0) |
                    (u->crash || u->reset ? VMI_FEAT_PV_SHUTDOWN : 0) |
                    (hv.lapic.x2apic ? VMI_FEAT_X2APIC : 0) |
                    (u->tsc_deadline ? VMI_FEAT_TSC_DEADLINE : 0),
        .clock = u->ref_tsc ? "hv reference tsc" :
                 u->ref_count ? "hv time_ref_count" : "tsc",
        .alarm = u->stimer ? "stimer0 direct" :
                 u->tsc_deadline ? "lapic tsc-deadline" : "lapic oneshot",
        .console = "uart 0x3f8",
        .ipi = u->ipi ? "hv cluster ipi" :
               hv.lapic.x2apic ? "x2apic icr" : "xapic icr",
    };
    hv_say_enlightenments();
}
