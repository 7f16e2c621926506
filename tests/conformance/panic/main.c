/* SPDX-License-Identifier: MIT */
/*
 * panic: vmi_panic(msg), which the backend library provides, prints the
 * message and exits with VMI_EXIT_PANIC (4) (vmi.h, docs/vmi-api.md 2.3).
 */
#include "conformance.h"

const char test_title[] = "vmi_panic prints its message and exits with VMI_EXIT_PANIC";

void test_main(void)
{
    conf_log("panic: calling vmi_panic()");
    vmi_panic("conformance panic test");
}
