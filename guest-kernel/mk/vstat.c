/* SPDX-License-Identifier: MIT */
/* vstat.c: per-CPU counts of the microkernel's vmi calls (kernel layer). */
#include "vstat.h"

uint32_t vstat[VMI_MAX_CPUS][VMI_OPNO_COUNT];

static const char *const op_names[VMI_OPNO_COUNT] = {
#define VMI_OP(name, ret, params, args) #name,
#define VMI_VOP(name, params, args) #name,
#define VMI_NOP(name, params, args) #name,
#include "vmi/ops.h"
#undef VMI_OP
#undef VMI_VOP
#undef VMI_NOP
};

uint64_t vstat_total(enum vmi_opno op)
{
    uint64_t sum = 0;

    for (unsigned cpu = 0; cpu < VMI_MAX_CPUS; cpu++)
        sum += __atomic_load_n(&vstat[cpu][op], __ATOMIC_RELAXED);
    return sum;
}

const char *vstat_name(enum vmi_opno op)
{
    return op_names[op];
}
