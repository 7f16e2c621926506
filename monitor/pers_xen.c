/* SPDX-License-Identifier: MIT */
/* monitor/pers_xen.c: the `xen` personality (Xen PVH guest ABI): being
 * written; recognised so --hv xen says "not implemented yet". */
#include "pers.h"

const struct mon_pers pers_xen = { .name = "xen" };
