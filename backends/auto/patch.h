/* SPDX-License-Identifier: MIT */
/* patch.h: the auto backend's call-site patcher (patch.c). */
#ifndef VMI_AUTO_PATCH_H
#define VMI_AUTO_PATCH_H

#include "vmi.h"

struct patch_stats {
    unsigned sites;             /* recorded in .vmi_sites */
    unsigned inlined;           /* of them, now the function's instructions */
    unsigned bad;               /* left alone: not the recorded call */
    unsigned checked;           /* read back as patched by patch_check */
    uintptr_t first_bad;        /* the first bad site's address */
    unsigned first_bad_op;      /* and its op number */
};

/* Rewrite every recorded site to call, or be, the function of (ops). */
void patch_sites(const struct vmi_ops *ops, struct patch_stats *st);
/* Count in st->checked the sites that now hold what patch_sites writes. */
void patch_check(const struct vmi_ops *ops, struct patch_stats *st);

extern const char *const patch_op_name[VMI_OPNO_COUNT];
extern const struct vmi_site __vmi_sites_start[], __vmi_sites_end[];

#endif
