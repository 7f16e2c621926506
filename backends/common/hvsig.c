/* SPDX-License-Identifier: MIT */
/* hvsig.c: hypervisor CPUID signatures (backends/common). */
#include <insn.h>

#include "hvsig.h"

bool hvsig_present(void)
{
    struct vmi_cpuid r;
    cpuid(1, 0, &r);
    return r.ecx & CPUID1_ECX_HYPERVISOR;
}

void hvsig_name(uint32_t leaf, char out[HVSIG_LEN])
{
    struct vmi_cpuid r;
    cpuid(leaf, 0, &r);
    const uint32_t sig[3] = { r.ebx, r.ecx, r.edx };
    unsigned n = 0;
    for (unsigned i = 0; i < 12; i++) {
        char ch = (char)(sig[i / 4] >> (8 * (i % 4)));
        if (!ch)
            break;
        out[n++] = ch >= 0x20 && ch < 0x7f ? ch : '?';
    }
    out[n] = 0;
}

uint32_t hvsig_find(uint32_t ebx, uint32_t ecx, uint32_t edx)
{
    if (!hvsig_present())
        return 0;
    for (uint32_t leaf = HVSIG_FIRST; leaf <= HVSIG_LAST; leaf += HVSIG_STEP) {
        struct vmi_cpuid r;
        cpuid(leaf, 0, &r);
        if (r.ebx == ebx && r.ecx == ecx && r.edx == edx)
            return leaf;
    }
    return 0;
}

static void hvsig_copy(char out[HVSIG_LEN], const char *s)
{
    unsigned n = 0;
    for (; s[n] && n < HVSIG_LEN - 1; n++)
        out[n] = s[n];
    out[n] = 0;
}

void hvsig_found(char out[HVSIG_LEN])
{
    if (!hvsig_present()) {
        hvsig_copy(out, "no hypervisor");
        return;
    }
    hvsig_name(HVSIG_FIRST, out);
    if (!out[0])
        hvsig_copy(out, "an unnamed hypervisor");
}
