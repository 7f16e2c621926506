/* SPDX-License-Identifier: MIT */
/*
 * crash: vmi_crash(msg) prints the message and is reported as a crash,
 * VMI_EXIT_CRASH (5) where the environment has no richer crash report
 * (docs/vmi-api.md 3.8, 2.3).  The runner checks the code and that the
 * message reached the console.
 */
#include "conformance.h"

const char test_title[] = "crash prints its message and is reported as a crash";

void test_main(void)
{
    void (*volatile crash)(const char *) = (void (*)(const char *))vmi_ops.crash;

    conf_log("crash: calling vmi_crash()");
    crash("conformance crash test");
    vmi_test_failure("vmi_crash() returned");
}
