/* SPDX-License-Identifier: MIT */
/*
 * vmi/abi.h: the wire ABI between a vmi guest and the environment that
 * runs it (vmi-run, QEMU).  Dual-use: included by guest code and by the
 * monitor, so it holds only numbers, no types that differ between the two.
 */
#ifndef VMI_ABI_H
#define VMI_ABI_H

#define VMI_ABI_VERSION 1

/* The isa-debug-exit device (QEMU's, and vmi-run's in every personality):
 * a guest write of value v to this port stops the machine.  vmi-run exits
 * with status v if v is a guest code (below), else 70, a guest fault; QEMU
 * exits with (v << 1) | 1. */
#define VMI_DEBUG_EXIT_PORT 0xf4

/* The "port E9 hack" debug console: each byte written is printed on the
 * hypervisor console (Xen: XEN_HVM_DEBUGCONS_IOPORT in public/arch-x86/
 * xen.h, shown in its log as "(dN) ..." with guest_loglvl=all; QEMU's
 * isa-debugcon uses the same port).  Guests write last words there that
 * must survive where there is no UART (a Xen PVH domU); vmi-run ignores
 * it. */
#define VMI_DEBUGCON_PORT 0xe9

/* The 16550 UART every environment offers (COM1). */
#define VMI_UART_PORT 0x3f8

/* Guest exit codes, the value passed to vmi_shutdown().  0-63 are the
 * guest's own; the rest have a fixed meaning that the test runners know.
 * 77 and 99 follow the automake/meson convention for skip and error. */
#define VMI_EXIT_OK          0   /* success */
#define VMI_EXIT_FAIL        1   /* a test failed */
#define VMI_EXIT_WRONG_HV    3   /* kernel linked for another hypervisor */
#define VMI_EXIT_PANIC       4   /* kernel panic or VMI_BUG_ON */
#define VMI_EXIT_CRASH       5   /* vmi_crash() where no crash report exists */
#define VMI_EXIT_REBOOT      6   /* vmi_reboot() where no reset exists */
#define VMI_EXIT_SKIP       77   /* a test was skipped */
#define VMI_EXIT_ERROR      99   /* a test could not run (its own bug) */

/*
 * How a code leaves the guest in each personality, the one mapping the
 * backends and vmi-run both keep (docs/contract-decisions.md D2).  Neither
 * Xen nor Hyper-V has a field for an exit code, so these are project
 * conventions layered on their own shutdown and crash reports:
 *
 *   every personality, and QEMU: a write of the code to
 *       VMI_DEBUG_EXIT_PORT ends the VM; vmi-run exits with it (with 70
 *       for a value that is not a guest code: docs/vmi-run.md).
 *   xen:    SCHEDOP_shutdown reason poweroff -> 0, reboot -> VMI_EXIT_REBOOT,
 *           crash and watchdog -> VMI_EXIT_CRASH.  A code other than 0
 *           goes out through the debug-exit port first.
 *   hyperv: HV_X64_MSR_CRASH_CTL with CRASH_NOTIFY ends the VM with
 *           CRASH_P0 as the code (VMI_EXIT_CRASH if P0 is not a guest
 *           code: 0-63, VMI_EXIT_SKIP, VMI_EXIT_ERROR);
 *           HV_X64_MSR_RESET -> VMI_EXIT_REBOOT.  Code 0 uses the port.
 *   pc, kvm: the port; ACPI S5 without a code -> 0; reset -> VMI_EXIT_REBOOT.
 */

/* The ports the hypercall pages written by vmi-run trap through.  On the
 * hosts we build on VMCALL/VMMCALL never reach a user-space monitor
 * (docs/hosts.md [host:kvm-pvm]), so the xen and hyperv personalities
 * fill the page the guest names with stubs that do `out %al, $port`
 * instead, keeping each hypervisor's register ABI.  8-bit ports so a stub
 * can use the immediate form.  A guest never uses these numbers itself: it
 * calls the page, as on the real hypervisor. */
#define VMI_PORT_XEN_HYPERCALL 0xe0
#define VMI_PORT_HV_HYPERCALL  0xe1

/* The low page a native-style backend copies its real-mode AP trampoline
 * to, where the loader's memory map (struct vmi_boot.mem) shows it as RAM
 * or there is no map; otherwise the backend takes another RAM page below
 * 1 MiB and says so (docs/vmi-api.md 2.1, "Low memory").  The kernel must
 * leave physical memory below 1 MiB alone. */
#define VMI_TRAMPOLINE_PA 0x8000

#endif
