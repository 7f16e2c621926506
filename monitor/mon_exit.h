/* SPDX-License-Identifier: MIT */
/*
 * monitor/mon_exit.h: vmi-run's process exit statuses, the one list that
 * vmi-run --help, docs/vmi-run.md and the tests all follow.
 *
 * Guest codes are 0-63 plus VMI_EXIT_SKIP (77) and VMI_EXIT_ERROR (99)
 * (include/vmi/abi.h).  A guest that writes one to the debug-exit port
 * (VMI_DEBUG_EXIT_PORT) makes vmi-run exit with it; any other value it
 * writes there ends the VM as a guest fault, MON_EXIT_CRASH, with a line
 * naming the value, and a Hyper-V crash report whose P0 is not a guest
 * code gives VMI_EXIT_CRASH (mon_guest_status() in mon_stop.c is the one
 * rule).  So the monitor's own statuses below, which sit outside that
 * range, never come from the guest; 64-71 follow BSD <sysexits.h> and 124
 * follows timeout(1).
 */
#ifndef MON_EXIT_H
#define MON_EXIT_H

#include "vmi/abi.h"

/* The guest powered off through ACPI (PM1a_CNT SLP_TYP=S5 with SLP_EN)
 * without giving a code: treated as success, as a PC that switches off. */
#define MON_EXIT_POWEROFF   VMI_EXIT_OK

/* The guest reset the machine (port 0xcf9 RST_CPU, the FADT reset
 * register).  vmi-run does not reboot; it ends with the same status the
 * guest's vmi_reboot() uses where no reset exists. */
#define MON_EXIT_RESET      VMI_EXIT_REBOOT

#define MON_EXIT_GUEST_MAX  63   /* guest codes: 0-63, 77, 99 */

#define MON_EXIT_USAGE      64   /* EX_USAGE: bad command line */
#define MON_EXIT_DATAERR    65   /* EX_DATAERR: image is not a valid PVH ELF */
#define MON_EXIT_NOINPUT    66   /* EX_NOINPUT: image cannot be opened/read */
#define MON_EXIT_UNAVAIL    69   /* EX_UNAVAILABLE: /dev/kvm missing or unusable,
				  * or --clocksource tsc on a non-TSC host */
#define MON_EXIT_CRASH      70   /* guest crashed or was stopped (fail closed) */
#define MON_EXIT_HOST       71   /* host error: ioctl, mmap, thread, memory */
#define MON_EXIT_TIMEOUT   124   /* watchdog (--timeout), or SIGINT/SIGTERM/SIGHUP */

#endif
