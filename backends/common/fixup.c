/* SPDX-License-Identifier: MIT */
/* fixup.c: search of the exception-fixup table (see include/vmi/fixup.h). */
#include "vmi/fixup.h"

uint64_t vmi_fixup_search(const struct vmi_fixup *begin,
                          const struct vmi_fixup *end, uint64_t rip)
{
    /* A linear scan: the table holds a handful of entries (one per inlined
     * _safe instruction), and a fault path is never hot. */
    for (const struct vmi_fixup *f = begin; f < end; f++)
        if (f->insn == rip)
            return f->fixup;
    return 0;
}
