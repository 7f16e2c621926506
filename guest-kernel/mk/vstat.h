/* SPDX-License-Identifier: MIT */
/*
 * vstat.h: vmi calls of the microkernel, counted per CPU at the call site
 * (kernel layer), so that the demo can say what each backend was asked to
 * do.  Each counted call is written out, so `grep vmi_<op>` finds it:
 *
 *     vstat_inc(VMI_OPNO_pt_set);
 *     vmi_pt_set(slot, val, 1);
 */
#ifndef MK_VSTAT_H
#define MK_VSTAT_H

#include <stdint.h>

#include "percpu.h"
#include "vmi.h"

extern uint32_t vstat[VMI_MAX_CPUS][VMI_OPNO_COUNT];

static inline void vstat_inc(enum vmi_opno op)
{
    vstat[this_cpu()->id][op]++;
}

/* The sum over every CPU of op (op), and its name. */
uint64_t vstat_total(enum vmi_opno op);
const char *vstat_name(enum vmi_opno op);

#endif
