/* SPDX-License-Identifier: MIT */
/* fixup_table.c: vmi_fixup_lookup over the linked `vmi_fixup` section
 * (guest only: the host build has no such section). */
#include "vmi/fixup.h"

/* Defined by GNU ld for the orphan section `vmi_fixup`; weak, so that an
 * image without any _safe instruction still links (both are then 0). */
extern const struct vmi_fixup __start_vmi_fixup[] __attribute__((weak));
extern const struct vmi_fixup __stop_vmi_fixup[] __attribute__((weak));

uint64_t vmi_fixup_lookup(uint64_t rip)
{
    return vmi_fixup_search(__start_vmi_fixup, __stop_vmi_fixup, rip);
}
