/* SPDX-License-Identifier: MIT */
/*
 * reboot: vmi_reboot resets the machine, and the environment reports a
 * reset (docs/vmi-api.md 3.8): vmi-run exits with VMI_EXIT_REBOOT (6),
 * QEMU -no-reboot exits with status 0 after the reset.  The runner knows
 * each environment's answer (scripts/vmienv.py).  A return is a failure.
 */
#include "conformance.h"

const char test_title[] = "reboot is reported as a reset";

void test_main(void)
{
    void (*volatile reboot)(void) = (void (*)(void))vmi_ops.reboot;

    conf_log("reboot: calling vmi_reboot()");
    reboot();
    vmi_test_failure("vmi_reboot() returned");
}
