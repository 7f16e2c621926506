/* SPDX-License-Identifier: MIT */
/*
 * smp.h: the CPU table (APIC IDs from the ACPI MADT, boot CPU first) and
 * secondary-CPU start-up by INIT-SIPI-SIPI through a real-mode trampoline
 * at VMI_TRAMPOLINE_PA (Intel SDM Vol. 3A 9.4.4.1, "Typical BSP
 * Initialization Sequence", and 11.6.1 for the IPIs).
 */
#ifndef VMI_COMMON_SMP_H
#define VMI_COMMON_SMP_H

#include <stdint.h>

#include "lapic.h"
#include "vmi/types.h"

#define SMP_INDEX_NONE 0xff

struct smp_cpus {
    unsigned count;                     /* >= 1 */
    uint64_t tramp_pa;                  /* the AP trampoline's page */
    uint32_t apic_id[VMI_MAX_CPUS];     /* logical index -> APIC ID */
    uint8_t index_of[256];              /* APIC ID < 256 -> index, or NONE */
    vmi_cpumask_t started;              /* CPUs smp_cpu_start brought up */
};

/* Build (c) from (n) APIC IDs (ids) in MADT order and the boot CPU's
 * (bsp): index 0 is the BSP, then the others in MADT order.  With n == 0,
 * or a BSP the list lacks, the BSP is still CPU 0.  At most VMI_MAX_CPUS.
 * The trampoline page is VMI_TRAMPOLINE_PA until the caller sets another. */
void smp_cpus_order(struct smp_cpus *c, const uint32_t *ids, unsigned n,
                    uint32_t bsp);

/* Build (c) from the MADT reachable from the RSDP at (rsdp) (0 = none:
 * then the boot CPU alone). */
void smp_cpus_from_acpi(struct smp_cpus *c, uint64_t rsdp, uint32_t bsp);

/* The logical index of (apic_id), or -1 if it is not in the table.  A
 * table lookup for IDs below 256, a scan above. */
int smp_cpu_index(const struct smp_cpus *c, uint32_t apic_id);

/* A physical range [base, base + len) of loader data; len 0: none. */
struct smp_range {
    uint64_t base, len;
};

/* The page below 1 MiB for the AP trampoline (its SIPI vector is the page
 * number), from the loader's memory map (mem, n): VMI_TRAMPOLINE_PA if
 * the map has no ranges or that page lies wholly in RAM and in no other
 * range, else the highest such page from 0x1000 up to 1 MiB (top-down,
 * as Linux places its real-mode trampoline, away from the low pages
 * firmware writes to); with a map, never a page any byte of
 * (avoid[0..navoid)) lies in, the loader data the kernel may still read
 * (without one nothing says where else RAM is, so 0x8000 it is).  0 if
 * there is none. */
uint64_t smp_tramp_page(const struct vmi_boot_mem *mem, unsigned n,
                        const struct smp_range *avoid, unsigned navoid);

/* The logical index of the calling CPU, from its APIC ID; 0 if the ID is
 * not in the table (which cannot happen for a CPU the table started). */
unsigned smp_cpu_self(const struct smp_cpus *c, const struct lapic *l);

/* The checked form of smp_boot_ap for a cpu_start op: VMI_EINVAL if (cpu)
 * is 0, out of range, (boot) is NULL, or (cpu) was already started (an
 * INIT would reset a running CPU); else smp_boot_ap's result, and on
 * VMI_OK the CPU is marked started. */
vmi_status_t smp_cpu_start(struct smp_cpus *c, const struct lapic *l,
                           unsigned cpu, const struct vmi_cpu_boot *boot,
                           uint64_t tsc_hz);

/* Start the CPU with APIC ID (apic_id) as logical CPU (cpu): copy the
 * trampoline to the page at (tramp_pa) with the calling CPU's CR0, CR4 (minus
 * PCIDE) and EFER and (boot)'s CR3 (below 4 GiB), stack and entry; send
 * INIT, wait 10 ms, send STARTUP (twice if needed, SDM 9.4.4.1), and wait
 * up to 1 s, measured on the TSC of frequency (tsc_hz), for the AP to
 * report in.  Returns VMI_OK or VMI_EAGAIN on timeout.  Not reentrant:
 * one start at a time (the trampoline page is shared). */
vmi_status_t smp_boot_ap(const struct lapic *l, uint64_t tramp_pa,
                         uint32_t apic_id, unsigned cpu,
                         const struct vmi_cpu_boot *boot, uint64_t tsc_hz);

/* The trampoline image and its size in bytes (smp_trampoline.S); its
 * last TRAMP_P_SIZE bytes are the parameter block. */
extern const uint8_t smp_trampoline_start[];
extern const uint32_t smp_trampoline_size;

#endif
