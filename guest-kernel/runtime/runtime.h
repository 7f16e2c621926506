/* SPDX-License-Identifier: MIT */
/*
 * runtime.h: the kernel runtime (kernel layer), shared by every kernel
 * built on it: the demo kernel (demo/main.c) and the conformance test
 * kernels (tests/conformance).  It starts from the boot library
 * (vmi/boot.h: long mode, boot information, vmi_init) with vmi_main, and
 * owns traps, descriptors, per-CPU data, physical memory, the kernel page
 * tables and CPU start-up; the kernel on top provides app_main() and
 * vmi_event().
 */
#ifndef KERNEL_RUNTIME_H
#define KERNEL_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#include "mmu.h"
#include "vmi.h"
#include "vmi/boot.h"

/* What vmi_main set up before it called app_main. */
struct kstart {
    const struct vmi_boot_info *boot;
    int boot_parsed;            /* vmi_boot_parse(): 0, or -1 if invalid */
    uint64_t cr3;               /* the kernel page tables, for every CPU */
    uint64_t t0;                /* vmi_time_ns() on entry to vmi_main */
    uint64_t mmu_ns;            /* time mmu_init took */
    struct mmu_stats mmu;
};

/* Provided by the kernel built on the runtime: called once on the boot
 * CPU, delivery masked, with (ks) describing what is set up. */
VMI_NORETURN void app_main(const struct kstart *ks);

/* The main function of a secondary CPU, entered with delivery masked
 * after the runtime's per-CPU setup; it must not return. */
typedef void kcpu_main_fn(unsigned cpu);

/* Start secondary CPU (cpu) on page tables (cr3): it runs vmi_cpu_init,
 * loads the kernel's descriptors and calls (main).  Returns what
 * vmi_cpu_start returned; VMI_EINVAL for cpu >= VMI_MAX_CPUS. */
vmi_status_t kcpu_start(unsigned cpu, uint64_t cr3, kcpu_main_fn *main);
/* What vmi_cpu_init returned on (cpu), once that CPU has run it. */
vmi_status_t kcpu_init_status(unsigned cpu);

/* The value of word (key) in (cmdline), e.g. "exit=3" -> "3", or "" for a
 * bare "panic"; NULL if absent.  Copied into (val) of (len) bytes. */
const char *cmdline_get(const char *cmdline, const char *key, char *val, size_t len);
/* The decimal number at the start of (s); 0 if there is none. */
unsigned parse_uint(const char *s);

#endif
