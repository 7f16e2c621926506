/* SPDX-License-Identifier: MIT */
/*
 * monitor/pc/pers_pc.c: the `pc` personality, a plain PC under full
 * virtualization: no hypervisor bit, no hypervisor CPUID leaves, so a
 * guest behaves as on bare metal (the native backend must pass here).
 */
#include "mon_pers.h"

static int pers_pc_cpuid(struct mon_cpuid *t, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	mon_cpuid_set_hypervisor(t, false);
	/* 0x40000000-0x4fffffff: the hypervisor leaf range (cpuid.rst). */
	mon_cpuid_remove(t, 0x40000000u, 0x4fffffffu);
	return 0;
}

const struct mon_pers pers_pc = {
	.name = "pc",
	.available = true,
	.cpuid = pers_pc_cpuid,
};
