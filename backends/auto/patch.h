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

/* What is patched: the kernel's (patch_kernel) or, in tests, a fake. */
struct patch_image {
    const struct vmi_site *sites, *sites_end;   /* the records */
    uintptr_t text, text_end;   /* every site lies inside */
    const struct vmi_ops *table;                /* what sites call through */
};

/* Rewrite every recorded site to call, or be, the function of (ops). */
void patch_sites(const struct patch_image *img, const struct vmi_ops *ops,
                 struct patch_stats *st);
/* Count in st->checked the sites that now hold what patch_sites writes. */
void patch_check(const struct patch_image *img, const struct vmi_ops *ops,
                 struct patch_stats *st);

extern const char *const patch_op_name[VMI_OPNO_COUNT];

#endif
