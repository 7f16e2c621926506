/* SPDX-License-Identifier: MIT */
/*
 * shutdown_code: vmi_shutdown(code) carries the code out to whoever
 * started the machine (docs/vmi-api.md 3.8, 2.3).  The code comes from
 * the command line (code=N; the manifest gives 42, a guest code that no
 * harness outcome uses); the runner expects exactly it.  If shutdown
 * returns, that is a failure.
 */
#include "conformance.h"

const char test_title[] = "shutdown carries its exit code out";

void test_main(void)
{
    /* Called through a pointer that is not noreturn, so that a return is
     * reported instead of being undefined behaviour. */
    void (*volatile shutdown)(unsigned) = (void (*)(unsigned))vmi_ops.shutdown;
    unsigned code = conf_arg_uint("code", 42);

    conf_log("shutdown_code: calling vmi_shutdown(%u)", code);
    shutdown(code);
    vmi_test_failure("vmi_shutdown(%u) returned", code);
}
