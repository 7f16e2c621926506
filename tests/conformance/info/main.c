/* SPDX-License-Identifier: MIT */
/*
 * info: what init and cpu_init promise (docs/vmi-api.md 3.1): info() is
 * valid and stable after init, reports the vmi version the kernel was
 * compiled against (vmi/version.h), cpu_count is in range, the boot CPU is
 * CPU 0, and cpu_init refuses an index out of range.  The runner checks that
 * the backend named here is the one the image was linked with
 * (check=backend).
 */
#include "conformance.h"
#include "klib.h"

const char test_title[] = "info, cpu_count, cpu_id and cpu_init keep their contracts";

/* The backends of the build (meson.build's list). */
static const char *const backends[] = { CONF_BACKENDS };

static void check_string(const char *field, const char *s)
{
    CONF_CHECK(s && s[0], "info()->%s is %s", field, s ? "empty" : "NULL");
}

static bool known_backend(const char *name)
{
    for (unsigned i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
        if (name && !strcmp(name, backends[i]))
            return true;
    return false;
}

void test_main(void)
{
    const struct vmi_info *in = vmi_info();
    unsigned n = vmi_cpu_count();

    if (!CONF_CHECK(in != NULL, "info() returned NULL"))
        return;
    CONF_CHECK(vmi_info() == in, "info() returned two different pointers");
    check_string("backend", in->backend);
    check_string("hypervisor", in->hypervisor);
    check_string("clock", in->clock);
    check_string("alarm", in->alarm);
    check_string("console", in->console);
    check_string("ipi", in->ipi);
    CONF_CHECK(in->version == VMI_VERSION, "info()->version is 0x%x, the headers' VMI_VERSION 0x%x",
               in->version, VMI_VERSION);
    CONF_CHECK(known_backend(in->backend), "info()->backend '%s' is not a known backend",
               in->backend ? in->backend : "(null)");
    CONF_CHECK(n >= 1 && n <= VMI_MAX_CPUS, "cpu_count() is %u, not 1..%u", n, VMI_MAX_CPUS);
    CONF_CHECK(vmi_cpu_id() == 0, "cpu_id() on the boot CPU is %u, not 0", vmi_cpu_id());
    /* vmi/ops.h cpu_init: VMI_EINVAL if cpu is out of range. */
    CONF_CHECK(vmi_cpu_init(n) == VMI_EINVAL, "cpu_init(%u) with %u CPUs did not return VMI_EINVAL",
               n, n);
    CONF_CHECK(vmi_cpu_count() == n, "cpu_count() changed from %u to %u", n, vmi_cpu_count());
    conf_log("info: backend %s, hypervisor %s, version 0x%x", in->backend, in->hypervisor,
             in->hv_version);
    vmi_test_success();
}
