/* SPDX-License-Identifier: MIT */
/* x86pc.c: platform init, CPUs, IPIs and event vectors of the x86 PC
 * (backends/common, see x86pc.h). */
#include <insn.h>

#include "acpi.h"
#include "common.h"
#include "console.h"
#include "x86pc.h"
#include "pic.h"
#include "power.h"
#include "vmi/abi.h"

struct x86pc x86pc;

/* This CPU's index into IA32_TSC_AUX, from its LAPIC ID (x86pc.h). */
static void x86pc_aux_set(void)
{
    if (x86pc.cpu_id_rdpid)
        wrmsr(MSR_TSC_AUX, X86PC_AUX_TAG |
                           smp_cpu_self(&x86pc.cpus, &x86pc.lapic));
}

/* Whether cpu_id may own IA32_TSC_AUX and read it with RDPID: RDPID and
 * RDTSCP both listed (x86pc.h says why RDTSCP too). */
static bool x86pc_rdpid_usable(void)
{
    struct vmi_cpuid r;
    cpuid(0, 0, &r);
    if (r.eax < 7 || (cpuid(7, 0, &r), !(r.ecx & CPUID7_ECX_RDPID)))
        return false;
    cpuid(0x80000000u, 0, &r);
    return r.eax >= 0x80000001u &&
           (cpuid(0x80000001u, 0, &r), r.edx & CPUID80000001_EDX_RDTSCP);
}

/* The boot CPU's LAPIC, then the table (in x2APIC mode the ID read
 * needs the mode enabled), from x86pc.rsdp; then the boot CPU's TSC_AUX
 * where RDPID can read it. */
static void x86pc_lapic_cpus(void)
{
    lapic_detect(&x86pc.lapic);
    lapic_enable(&x86pc.lapic, VMI_VECTOR_SPURIOUS);
    console_set_lapic(&x86pc.lapic);
    smp_cpus_from_acpi(&x86pc.cpus, x86pc.rsdp, lapic_id(&x86pc.lapic));
    x86pc.cpu_id_rdpid = x86pc_rdpid_usable();
    x86pc_aux_set();
}

/* Mask what firmware may have left able to interrupt: the PICs (moved
 * off the exception vectors first) and every I/O APIC of the MADT. */
static void x86pc_silence_legacy(void)
{
    pic_remap_mask();
    uint64_t madt = x86pc.rsdp ? acpi_find_table(x86pc.rsdp, "APIC") : 0;
    uint64_t ioapic[X86PC_IOAPICS_MAX];
    unsigned n = madt ? acpi_madt_ioapics(madt, ioapic, X86PC_IOAPICS_MAX) : 0;
    for (unsigned i = 0; i < n; i++)
        ioapic_mask_all(ioapic[i]);
}

/* The PVH start_info, from Xen's public/arch-x86/hvm/start_info.h
 * (version 1; unit tests build it from that header, which the backends'
 * include path lacks): 56 bytes, little-endian; the version at 4,
 * nr_modules (32 bits) at 12 and modlist_paddr at 16; from version 1
 * memmap_paddr at 40 and memmap_entries (32 bits) at 48.  A module list
 * entry is 32 bytes, a memory map entry 24. */
#define SI_LEN 56
#define SI_VERSION 4
#define SI_NR_MODULES 12
#define SI_MODLIST 16
#define SI_MEMMAP 40
#define SI_MEMMAP_ENTRIES 48
#define SI_MODLIST_ENTRY_LEN 32
#define SI_MEMMAP_ENTRY_LEN 24
#define TRAMP_AVOID_MAX 4

/* The loader's data the kernel may still read, which the trampoline must
 * not overwrite: start_info with the module list and memory map it
 * points to, and the RSDP copy.  Returns how many ranges it wrote. */
static unsigned x86pc_loader_ranges(const struct vmi_boot *b,
                                    struct smp_range r[TRAMP_AVOID_MAX])
{
    unsigned n = 0;
    if (x86pc.rsdp)
        r[n++] = (struct smp_range){ x86pc.rsdp,
                                     acpi_rsdp_len(pa_to_ptr(x86pc.rsdp)) };
    if (!b || !b->start_info)
        return n;
    const uint8_t *si = pa_to_ptr(b->start_info);
    r[n++] = (struct smp_range){ b->start_info, SI_LEN };
    r[n++] = (struct smp_range){ acpi_le64(si + SI_MODLIST),
                                 (uint64_t)acpi_le32(si + SI_NR_MODULES) *
                                     SI_MODLIST_ENTRY_LEN };
    if (acpi_le32(si + SI_VERSION) >= 1)
        r[n++] = (struct smp_range){ acpi_le64(si + SI_MEMMAP),
                                     (uint64_t)acpi_le32(si + SI_MEMMAP_ENTRIES) *
                                         SI_MEMMAP_ENTRY_LEN };
    return n;
}

/* The AP trampoline's page, checked against the loader's memory map: a
 * line if it is not VMI_TRAMPOLINE_PA, and one if there is none (then the
 * boot CPU runs alone).  No page of the loader's data is taken. */
static void x86pc_tramp(const struct vmi_boot *b)
{
    struct smp_range avoid[TRAMP_AVOID_MAX];
    unsigned navoid = x86pc_loader_ranges(b, avoid);
    uint64_t pa = smp_tramp_page(b ? b->mem : NULL, b ? b->nr_mem : 0, avoid, navoid);
    char line[128], num[21];
    size_t n = 0;

    x86pc.cpus.tramp_pa = pa;
    if (pa == VMI_TRAMPOLINE_PA || x86pc.cpus.count == 1)
        return;
    vmi_fmt_u64(num, pa, 16);
    vmi_append(line, sizeof(line), &n, pa ? "vmi: AP trampoline at 0x" :
               "vmi: no RAM page below 1 MiB for the AP trampoline in the loader's "
               "memory map: the boot CPU runs alone");
    if (pa) {
        vmi_append(line, sizeof(line), &n, num);
        vmi_append(line, sizeof(line), &n, ": 0x8000 is not RAM in the loader's memory map");
    }
    vmi_append(line, sizeof(line), &n, "\n");
    power_say(line);
    if (!pa)
        x86pc.cpus.count = 1;
}

void x86pc_init(const struct vmi_boot *boot)
{
    x86pc.rsdp = acpi_find_rsdp(boot ? boot->rsdp : 0);
    console_init(boot, x86pc.rsdp);
    power_init(x86pc.rsdp);
    /* Without a LAPIC there is no timer, IPI or CPU identity: one line and
     * off, rather than a wait for a tick that never comes. */
    struct vmi_cpuid r;
    cpuid(1, 0, &r);
    if (!(r.edx & CPUID1_EDX_APIC)) {
        static const char msg[] =
            "vmi: this CPU has no local APIC (CPUID.1:EDX[9] clear); "
            "the backend needs one\n";
        console_write(msg, sizeof(msg) - 1);
        power_off(VMI_EXIT_FAIL);
    }
    x86pc_silence_legacy();
    x86pc_lapic_cpus();
    x86pc_tramp(boot);
}

void x86pc_init_lapic(uint64_t rsdp_hint)
{
    x86pc.rsdp = acpi_find_rsdp(rsdp_hint);
    x86pc_lapic_cpus();
}

vmi_status_t x86pc_cpu_enable(unsigned cpu)
{
    if (cpu >= x86pc.cpus.count)
        return VMI_EINVAL;
    lapic_enable(&x86pc.lapic, VMI_VECTOR_SPURIOUS);
    x86pc_aux_set();
    /* A backend with its own timer leaves the LAPIC timer masked. */
    if (x86pc.lapic_alarm)
        lapic_timer_setup(&x86pc.lapic, X86PC_VEC_ALARM, x86pc.tsc_deadline);
    return VMI_OK;
}

void x86pc_cpu_online(unsigned cpu)
{
    __atomic_or_fetch(&x86pc.online, 1ull << cpu, __ATOMIC_RELEASE);
}

vmi_status_t x86pc_cpu_init(unsigned cpu)
{
    vmi_status_t st = x86pc_cpu_enable(cpu);
    if (st == VMI_OK)
        x86pc_cpu_online(cpu);
    return st;
}

void x86pc_describe(struct vmi_info *info)
{
    info->features |= (x86pc.lapic.x2apic ? VMI_FEAT_X2APIC : 0) |
                      (x86pc.tsc_deadline ? VMI_FEAT_TSC_DEADLINE : 0);
    info->alarm = x86pc.tsc_deadline ? "lapic tsc-deadline" : "lapic oneshot";
    info->console = console_name();
    info->ipi = x86pc.lapic.x2apic ? "x2apic icr" : "xapic icr";
}

uint64_t x86pc_cycles_hz(void)
{
    return x86pc.tsc_src == TSC_SRC_GUESSED ? 0 : x86pc.tsc_hz;
}

uint64_t x86pc_rtc_wallclock_ns(uint64_t now_ns)
{
    return x86pc.wall0_ns ? x86pc.wall0_ns + now_ns : 0;
}

unsigned x86pc_cpu_count(void)
{
    return x86pc.cpus.count;
}

unsigned x86pc_cpu_id(void)
{
    if (x86pc.cpu_id_rdpid) {
        uint32_t aux = rdpid();
        if ((aux & 0xffff0000u) == X86PC_AUX_TAG &&
            (aux & 0xffffu) < x86pc.cpus.count)
            return aux & 0xffffu;
    }
    return smp_cpu_self(&x86pc.cpus, &x86pc.lapic);
}

vmi_status_t x86pc_cpu_start(unsigned cpu, const struct vmi_cpu_boot *boot)
{
    return smp_cpu_start(&x86pc.cpus, &x86pc.lapic, cpu, boot, x86pc.tsc_hz);
}

void x86pc_send_lapic(vmi_cpumask_t cpus, uint8_t vector)
{
    for (unsigned c = 0; c < x86pc.cpus.count; c++)
        if (cpus >> c & 1)
            lapic_send_ipi(&x86pc.lapic, x86pc.cpus.apic_id[c],
                           LAPIC_ICR_FIXED | LAPIC_ICR_ASSERT | vector);
}

void x86pc_ipi_send(vmi_cpumask_t cpus)
{
    x86pc_send_lapic(cpus, X86PC_VEC_IPI);
}

void x86pc_irq_eoi(void)
{
    lapic_eoi(&x86pc.lapic);
}

enum x86pc_event x86pc_event_decode(unsigned cpu, unsigned vector)
{
    switch (vector) {
    case X86PC_VEC_ALARM:
        return X86PC_EV_ALARM;
    case X86PC_VEC_IPI:
        return X86PC_EV_IPI;
    case X86PC_VEC_FLUSH:
        /* Flush before EOI: the sender waits for the acknowledgement. */
        shootdown_handle(&x86pc.sd, cpu);
        return X86PC_EV_NONE;
    default:
        /* A vector of ours that we never program: only the EOI. */
        return X86PC_EV_NONE;
    }
}
