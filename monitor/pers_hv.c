/* SPDX-License-Identifier: MIT */
/* monitor/pers_hv.c: the `hyperv` personality (Hyper-V TLFS guest
 * interface): being written; recognised so --hv hyperv says "not
 * implemented yet". */
#include "pers.h"

const struct mon_pers pers_hv = { .name = "hyperv" };
