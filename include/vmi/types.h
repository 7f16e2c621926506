/* SPDX-License-Identifier: MIT */
/* vmi/types.h: the types of the vmi contract (see vmi.h). */
#ifndef VMI_TYPES_H
#define VMI_TYPES_H

#include <stddef.h>
#include <stdint.h>

/* Status of an op that can fail.  Each backend translates its hypervisor's
 * own codes into these in exactly one function, <backend>_status(). */
typedef enum {
    VMI_OK = 0,
    VMI_EINVAL,     /* an argument is out of range */
    VMI_EFAULT,     /* the access faulted (the _safe ops) */
    VMI_ENOSYS,     /* the environment does not offer this */
    VMI_EAGAIN,     /* not now; trying again may succeed */
    VMI_ENODEV,     /* the device or hypervisor was not found */
} vmi_status_t;

typedef uint64_t vmi_paddr_t;       /* guest-physical address */
typedef uint64_t vmi_vaddr_t;       /* guest-virtual address */
typedef uint64_t vmi_pte_t;         /* a page-table entry, x86-64 format */
typedef uint64_t vmi_cpumask_t;     /* bit n = logical CPU n */
typedef uint64_t vmi_irqflags_t;    /* opaque; from irq_save */

#define VMI_MAX_CPUS 64             /* the width of vmi_cpumask_t */
#define VMI_FLUSH_ALL 0             /* tlb_flush_multi: npages for all */

/* The vectors a backend may use for its own interrupts: LAPIC timer and
 * IPIs, the Xen upcall, the Hyper-V synthetic timer.  The kernel routes
 * each of them to vmi_event_dispatch() and uses none of them itself.
 * 0xff is left to the spurious-interrupt vector. */
#define VMI_VECTOR_FIRST 0xf0
#define VMI_VECTOR_LAST  0xfe
#define VMI_VECTOR_SPURIOUS 0xff

/* What the backend raises through vmi_event(), at least once per cause:
 * causes that arrive before delivery may coalesce into one event. */
typedef enum {
    VMI_EVENT_ALARM = 0,    /* this CPU's one-shot alarm expired */
    VMI_EVENT_IPI,          /* another CPU called ipi_send for this CPU */
    VMI_EVENT_CONSOLE,      /* console input may be available; optional:
                               a backend may never raise it, so the kernel
                               also polls console_read */
    VMI_EVENT_COUNT
} vmi_event_t;

/* A framebuffer the loader set up (Multiboot2 spec 3.6.12, the
 * framebuffer info tag): direct RGB pixels, or EGA text cells. */
#define VMI_BOOT_FB_INDEXED 0       /* palette colours (not drawn on) */
#define VMI_BOOT_FB_RGB 1           /* direct colour, fields below */
#define VMI_BOOT_FB_TEXT 2          /* EGA text: 16-bit character cells */
struct vmi_boot_fb {
    vmi_paddr_t base;           /* physical address, or 0: no framebuffer */
    uint32_t pitch;             /* bytes per line */
    uint32_t width, height;     /* pixels (characters for VMI_BOOT_FB_TEXT) */
    uint8_t bpp;                /* bits per pixel (16 for text) */
    uint8_t type;               /* VMI_BOOT_FB_* */
    /* VMI_BOOT_FB_RGB: bit position and size of each colour field. */
    uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

/* E820 type numbers, shared by the PVH memmap (Xen public/arch-x86/hvm/
 * start_info.h XEN_HVM_MEMMAP_TYPE_RAM) and Multiboot2 tag 6. */
#define VMI_BOOT_MEM_RAM 1

/* One range of the loader's memory map. */
struct vmi_boot_mem {
    vmi_paddr_t base;
    uint64_t len;
    uint32_t type;              /* VMI_BOOT_MEM_RAM, or another E820 type */
};

/* What the loader gave the kernel; the kernel passes it to init. */
struct vmi_boot {
    vmi_paddr_t start_info;     /* PVH hvm_start_info, or 0 */
    vmi_paddr_t rsdp;           /* ACPI RSDP, or 0 if not given */
    const char *cmdline;        /* never NULL; may be "" */
    struct vmi_boot_fb fb;      /* fb.base 0 if the loader gave none */
    /* The loader's memory map; NULL and 0 if the loader gave none.  A
     * backend puts what it must place in low memory (the AP trampoline)
     * in RAM this map names. */
    const struct vmi_boot_mem *mem;
    unsigned nr_mem;
};

/* What the backend found (the info op). */
#define VMI_FEAT_PV_CLOCK      (1u << 0)   /* time from a hypervisor clock */
#define VMI_FEAT_PV_ALARM      (1u << 1)   /* alarm by hypervisor timer */
#define VMI_FEAT_PV_IPI        (1u << 2)   /* IPIs by hypercall or event */
#define VMI_FEAT_PV_TLB_FLUSH  (1u << 3)   /* remote flush by hypervisor */
#define VMI_FEAT_PV_EOI        (1u << 4)   /* EOI without an exit */
#define VMI_FEAT_PV_SPINLOCK   (1u << 5)   /* spin_wait blocks in the HV */
#define VMI_FEAT_PV_CONSOLE    (1u << 6)   /* console by hypercall or ring */
#define VMI_FEAT_STEAL_TIME    (1u << 7)   /* stolen_ns is real */
#define VMI_FEAT_PV_SHUTDOWN   (1u << 8)   /* shutdown by hypercall/MSR */
#define VMI_FEAT_X2APIC        (1u << 9)   /* LAPIC in x2APIC mode */
#define VMI_FEAT_TSC_DEADLINE  (1u << 10)  /* alarm by TSC deadline */
#define VMI_FEAT_PV_CPU_START  (1u << 11)  /* CPUs started by hypercall */

struct vmi_info {
    const char *backend;        /* "native", "kvm", "xen", "hyperv" */
    const char *hypervisor;     /* what CPUID says, or "none" */
    uint32_t hv_version;        /* (major << 16) | minor, 0 if unknown */
    uint32_t features;          /* VMI_FEAT_* */
    const char *clock;          /* e.g. "tsc", "kvmclock", "xen pvclock" */
    const char *alarm;          /* e.g. "lapic tsc-deadline", "stimer0" */
    const char *console;        /* e.g. "uart 0x3f8", "xen pv ring" */
    const char *ipi;            /* e.g. "x2apic icr", "evtchn bind_ipi" */
    uint32_t version;           /* the backend's VMI_VERSION (vmi/version.h) */
};

struct vmi_cpuid {
    uint32_t eax, ebx, ecx, edx;
};

/* Operand of lgdt/lidt. */
struct vmi_dtr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

/* A 64-bit interrupt or trap gate (Intel SDM Vol. 3A 6.14.1). */
struct vmi_gate {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
};

/* The 64-bit TSS (Intel SDM Vol. 3A 8.7). */
struct vmi_tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

/* How cpu_start enters a secondary CPU. */
struct vmi_cpu_boot {
    uint64_t cr3;                           /* page tables to run on */
    uint64_t stack_top;                     /* initial rsp, 16-aligned */
    void (*entry)(unsigned cpu, void *arg); /* never returns */
    void *arg;
};

_Static_assert(sizeof(struct vmi_dtr) == 10, "lgdt operand");
_Static_assert(sizeof(struct vmi_gate) == 16, "64-bit gate");
_Static_assert(sizeof(struct vmi_tss) == 104, "64-bit TSS");

#endif
