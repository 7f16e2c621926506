/* SPDX-License-Identifier: MIT */
/* hv_detect.c: finding Hyper-V's CPUID leaves, choosing the
 * enlightenments to use, enabling the hypercall and reference TSC pages,
 * and saying what was chosen. */
#include <insn.h>

#include "common.h"
#include "hvsig.h"
#include "hyperv.h"
#include "power.h"
#include "console.h"
#include "vmi/abi.h"

#define HV_EXPECTED "Hyper-V (the Hv#1 interface)"

/* [T: feature-discovery]: the hypervisor bit, max leaf >= 0x40000005 at
 * HV_CPUID_VENDOR and the interface signature "Hv#1" at
 * HV_CPUID_INTERFACE.  The TLFS identifies a compatible hypervisor by the
 * interface, not the vendor: KVM with QEMU's hv-passthrough says "Linux
 * KVM Hv" there.  The vendor leaf is fixed (unlike hvsig_find, no other
 * base is searched).  Also the auto backend's probe. */
bool hv_probe(void)
{
    struct vmi_cpuid r;
    if (!hvsig_present())
        return false;
    cpuid(HV_CPUID_VENDOR, 0, &r);
    hv.max_leaf = r.eax;
    cpuid(HV_CPUID_INTERFACE, 0, &r);
    return hv.max_leaf >= HV_CPUID_MIN_MAX && r.eax == HV_INTERFACE_HV1;
}

/* The interface, then (as Linux's ms_hyperv_platform requires) the
 * hypercall and VP index MSRs; a refusal names what is there instead
 * (common/hvsig.h). */
void hv_detect(void)
{
    struct vmi_cpuid r;
    hvsig_found(hv.vendor);
    if (!hv_probe())
        vmi_refuse(HV_EXPECTED, hv.vendor);
    cpuid(HV_CPUID_FEATURES, 0, &r);
    hv.priv_eax = r.eax;
    hv.priv_ebx = r.ebx;
    hv.feat_edx = r.edx;
    if (!(r.eax & HV_PRIV_HYPERCALL) || !(r.eax & HV_PRIV_VP_INDEX))
        vmi_refuse(HV_EXPECTED, "Hv#1 without the hypercall and VP index "
                   "MSRs");
    cpuid(HV_CPUID_ENLIGHTENMENT, 0, &r);
    hv.rec_eax = r.eax;
    hv.spin_retries = r.ebx;
    cpuid(HV_CPUID_VERSION, 0, &r);
    hv.version = r.ebx;
}

void hv_choose(void)
{
    struct hv_use *u = &hv.use;
    u->ref_tsc = hv.priv_eax & HV_PRIV_REFERENCE_TSC;
    u->ref_count = hv.priv_eax & HV_PRIV_TIME_REF_COUNT;
    /* KVM needs an active SynIC for the timer MSRs (Linux
     * arch/x86/kvm/hyperv.c stimer_set_config). */
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

/* "Hyper-V <major>.<minor> (<vendor>)" for info()->hypervisor. */
static void hv_name(void)
{
    size_t n = 0;
    vmi_append(hv.hv_name, sizeof(hv.hv_name), &n, "Hyper-V ");
    vmi_append_version(hv.hv_name, sizeof(hv.hv_name), &n, hv.version);
    vmi_append(hv.hv_name, sizeof(hv.hv_name), &n, " (");
    vmi_append(hv.hv_name, sizeof(hv.hv_name), &n, hv.vendor);
    vmi_append(hv.hv_name, sizeof(hv.hv_name), &n, ")");
}

/* One line on the console naming every enlightenment in use: the
 * kernel's banner shows only the info strings. */
static void hv_say_enlightenments(void)
{
    static char line[256];
    const struct hv_use *u = &hv.use;
    const char *const part[] = {
        "hyperv: ", hv.hv_name,
        "; enlightenments: guest os id, hypercall page",
        /* A page the hypervisor marks invalid (sequence 0) sends every
         * read to TIME_REF_COUNT, for now (KVM, on a host whose clock
         * is not a stable TSC); it may become valid later. */
        u->ref_tsc && hv_tsc_area.page.tsc_sequence == HV_REF_TSC_INVALID ?
        ", reference tsc page (invalid now: time_ref_count)" :
        u->ref_tsc ? ", reference tsc page" :
        u->ref_count ? ", time_ref_count" : "",
        u->stimer ? ", stimer0 direct" : "",
        u->flush ? ", remote flush hypercall" : "",
        u->ipi ? ", cluster ipi hypercall" : "",
        u->spin ? ", long spin wait" : "",
        u->crash ? ", crash msrs" : "",
        u->reset ? ", reset msr" : "",
        "\n",
    };
    size_t n = 0;
    for (unsigned i = 0; i < sizeof(part) / sizeof(part[0]); i++)
        vmi_append(line, sizeof(line), &n, part[i]);
    console_write(line, n);
}

/* After hv_time_init: the PC's strings and features (x86pc_describe), then
 * the enlightenments that replace a PC mechanism. */
void hv_identify(void)
{
    const struct hv_use *u = &hv.use;
    hv_name();
    hv.info = (struct vmi_info){
        .backend = "hyperv",
        .version = VMI_VERSION,
        .hypervisor = hv.hv_name,
        .hv_version = hv.version,
        .features = (u->ref_tsc || u->ref_count ? VMI_FEAT_PV_CLOCK : 0) |
                    (u->stimer ? VMI_FEAT_PV_ALARM : 0) |
                    (u->ipi ? VMI_FEAT_PV_IPI : 0) |
                    (u->flush ? VMI_FEAT_PV_TLB_FLUSH : 0) |
                    (u->crash || u->reset ? VMI_FEAT_PV_SHUTDOWN : 0),
        .clock = u->ref_tsc ? "hv reference tsc" :
                 u->ref_count ? "hv time_ref_count" : "tsc",
    };
    x86pc_describe(&hv.info);
    if (u->stimer)
        hv.info.alarm = "stimer0 direct";
    if (u->ipi)
        hv.info.ipi = "hv cluster ipi";
    hv_say_enlightenments();
}
