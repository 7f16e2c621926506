/* SPDX-License-Identifier: MIT */
/* smp.c: CPU table and INIT-SIPI-SIPI start-up (backends/common). */
#include <insn.h>

#include "acpi.h"
#include "smp.h"
#include "smp_tramp.h"
#include "tsc.h"
#include "vmi/abi.h"

#define CR4_PCIDE (1ull << 17)      /* SDM 2.5: must be 0 outside long mode */
#define MSR_EFER 0xc0000080
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define INIT_DELAY_NS 10000000ull   /* SDM 9.4.4.1: 10 ms after INIT */
#define SIPI_DELAY_NS 200000ull     /* SDM 9.4.4.1: 200 us after STARTUP */
#define AP_TIMEOUT_NS 1000000000ull

void smp_cpus_order(struct smp_cpus *c, const uint32_t *ids, unsigned n,
                    uint32_t bsp)
{
    c->count = 1;
    c->tramp_pa = VMI_TRAMPOLINE_PA;
    c->apic_id[0] = bsp;
    c->started = 1;     /* the BSP runs already */
    for (unsigned i = 0; i < n && c->count < VMI_MAX_CPUS; i++)
        if (ids[i] != bsp)
            c->apic_id[c->count++] = ids[i];
    for (unsigned i = 0; i < 256; i++)
        c->index_of[i] = SMP_INDEX_NONE;
    for (unsigned i = 0; i < c->count; i++)
        if (c->apic_id[i] < 256)
            c->index_of[c->apic_id[i]] = (uint8_t)i;
}

void smp_cpus_from_acpi(struct smp_cpus *c, uint64_t rsdp, uint32_t bsp)
{
    uint32_t ids[VMI_MAX_CPUS];
    unsigned n = 0;
    uint64_t madt = rsdp ? acpi_find_table(rsdp, "APIC") : 0;
    if (madt)
        n = acpi_madt_cpus(madt, ids, VMI_MAX_CPUS);
    smp_cpus_order(c, ids, n, bsp);
}

int smp_cpu_index(const struct smp_cpus *c, uint32_t apic_id)
{
    if (apic_id < 256)
        return c->index_of[apic_id] == SMP_INDEX_NONE ? -1
                                                      : c->index_of[apic_id];
    for (unsigned i = 0; i < c->count; i++)
        if (c->apic_id[i] == apic_id)
            return (int)i;
    return -1;
}

#define PAGE 0x1000ull
#define LOW_END 0x100000ull     /* a SIPI vector names a page below 1 MiB */

/* Whether the page at (pa) lies wholly in a RAM range and overlaps no
 * range of another type (maps may overlap). */
static bool page_is_ram(const struct vmi_boot_mem *mem, unsigned n, uint64_t pa)
{
    bool ram = false;
    for (unsigned i = 0; i < n; i++) {
        const struct vmi_boot_mem *m = &mem[i];
        if (pa >= m->base + m->len || m->base >= pa + PAGE)
            continue;
        if (m->type != VMI_BOOT_MEM_RAM)
            return false;
        ram |= m->base <= pa && pa + PAGE <= m->base + m->len;
    }
    return ram;
}

/* Whether a byte of a range of (avoid) lies in the page at (pa) (< 1 MiB);
 * no base + len is formed, which a loader's length could wrap. */
static bool page_avoided(uint64_t pa, const struct smp_range *avoid,
                         unsigned navoid)
{
    for (unsigned i = 0; i < navoid; i++) {
        const struct smp_range *r = &avoid[i];
        if (r->len && r->base < pa + PAGE && (r->base >= pa || pa - r->base < r->len))
            return true;
    }
    return false;
}

uint64_t smp_tramp_page(const struct vmi_boot_mem *mem, unsigned n,
                        const struct smp_range *avoid, unsigned navoid)
{
    if (!n || (page_is_ram(mem, n, VMI_TRAMPOLINE_PA) &&
               !page_avoided(VMI_TRAMPOLINE_PA, avoid, navoid)))
        return VMI_TRAMPOLINE_PA;
    for (uint64_t pa = LOW_END - PAGE; pa >= PAGE; pa -= PAGE)
        if (page_is_ram(mem, n, pa) && !page_avoided(pa, avoid, navoid))
            return pa;
    return 0;
}

static void put64(volatile uint8_t *p, unsigned off, uint64_t v)
{
    *(volatile uint64_t *)(p + off) = v;
}

/* Copy the trampoline and fill its parameter block (at its end). */
static volatile uint8_t *smp_tramp_install(uint64_t tramp_pa, unsigned cpu,
                                           const struct vmi_cpu_boot *b)
{
    volatile uint8_t *page = pa_to_ptr(tramp_pa);
    size_t len = smp_trampoline_size;
    for (size_t i = 0; i < len; i++)
        page[i] = smp_trampoline_start[i];
    volatile uint8_t *p = page + len - TRAMP_P_SIZE;
    put64(p, TRAMP_P_CR0, rcr0());
    put64(p, TRAMP_P_CR3, b->cr3);
    put64(p, TRAMP_P_CR4, rcr4() & ~CR4_PCIDE);
    put64(p, TRAMP_P_EFER, (rdmsr(MSR_EFER) & ~EFER_LMA) | EFER_LME);
    put64(p, TRAMP_P_STACK, b->stack_top);
    put64(p, TRAMP_P_ENTRY, (uint64_t)(uintptr_t)b->entry);
    put64(p, TRAMP_P_ARG, (uint64_t)(uintptr_t)b->arg);
    put64(p, TRAMP_P_CPU, cpu);
    *(volatile uint32_t *)(p + TRAMP_P_READY) = 0;
    return p;
}

/* Wait up to (ns) for the AP's ready flag. */
static int smp_wait_ready(volatile uint8_t *p, uint64_t hz, uint64_t ns)
{
    struct tsc_scale s;
    tsc_scale_from_ns(&s, hz);
    uint64_t t0 = rdtsc_ordered(), n = tsc_scale_apply(&s, ns);
    do {
        if (*(volatile uint32_t *)(p + TRAMP_P_READY))
            return 1;
        cpu_relax();
    } while (rdtsc_ordered() - t0 < n);
    return 0;
}

vmi_status_t smp_boot_ap(const struct lapic *l, uint64_t tramp_pa,
                         uint32_t apic_id, unsigned cpu,
                         const struct vmi_cpu_boot *boot, uint64_t tsc_hz)
{
    volatile uint8_t *p = smp_tramp_install(tramp_pa, cpu, boot);
    uint32_t sipi = LAPIC_ICR_STARTUP | (uint32_t)(tramp_pa >> 12);
    lapic_send_ipi(l, apic_id, LAPIC_ICR_INIT | LAPIC_ICR_ASSERT);
    tsc_delay_ns(tsc_hz, INIT_DELAY_NS);
    for (unsigned i = 0; i < 2; i++) {
        lapic_send_ipi(l, apic_id, sipi | LAPIC_ICR_ASSERT);
        if (smp_wait_ready(p, tsc_hz, SIPI_DELAY_NS))
            return VMI_OK;
    }
    return smp_wait_ready(p, tsc_hz, AP_TIMEOUT_NS) ? VMI_OK : VMI_EAGAIN;
}

unsigned smp_cpu_self(const struct smp_cpus *c, const struct lapic *l)
{
    int i = smp_cpu_index(c, lapic_id(l));
    return i < 0 ? 0 : (unsigned)i;
}

vmi_status_t smp_cpu_start(struct smp_cpus *c, const struct lapic *l,
                           unsigned cpu, const struct vmi_cpu_boot *boot,
                           uint64_t tsc_hz)
{
    if (cpu == 0 || cpu >= c->count || !boot || (c->started >> cpu & 1) ||
        !c->tramp_pa)
        return VMI_EINVAL;
    vmi_status_t st = smp_boot_ap(l, c->tramp_pa, c->apic_id[cpu], cpu, boot, tsc_hz);
    if (st == VMI_OK)
        c->started |= 1ull << cpu;
    return st;
}
