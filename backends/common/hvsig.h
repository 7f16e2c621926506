/* SPDX-License-Identifier: MIT */
/*
 * hvsig.h: the hypervisor CPUID leaves: is there a hypervisor, where are
 * the leaves with a given vendor signature, and what is the signature at
 * 0x40000000 as a printable string (for info() and for vmi_refuse()).
 */
#ifndef VMI_COMMON_HVSIG_H
#define VMI_COMMON_HVSIG_H

#include <stdbool.h>
#include <stdint.h>

/* CPUID.1:ECX[31]: running under a hypervisor (Intel SDM Vol. 2A, Table
 * 3-10, "Not used; always returns 0" on hardware). */
#define CPUID1_ECX_HYPERVISOR (1u << 31)

/* A vendor signature every 0x100 leaves from 0x40000000 to 0x4000ff00, so
 * several personalities can coexist (Linux arch/x86/include/asm/
 * processor.h, hypervisor_cpuid_base()). */
#define HVSIG_FIRST 0x40000000u
#define HVSIG_LAST 0x4000ff00u
#define HVSIG_STEP 0x100u

/* Room for any string hvsig_name() or hvsig_found() writes. */
#define HVSIG_LEN 32

/* True if CPUID.1:ECX[31] is set. */
bool hvsig_present(void);

/* The 12-byte signature (ebx, ecx, edx) of leaf (leaf) into (out), up to
 * its first NUL; non-printable bytes become '?' so it stays one readable
 * line.  May be "". */
void hvsig_name(uint32_t leaf, char out[HVSIG_LEN]);

/* The first leaf of HVSIG_FIRST..HVSIG_LAST whose signature is (ebx, ecx,
 * edx), or 0 (also with no hypervisor bit).  The max-leaf field is not
 * checked, as Linux does for KVM: old hosts report eax = 0 there. */
uint32_t hvsig_find(uint32_t ebx, uint32_t ecx, uint32_t edx);

/* What is there, for a refusal: "no hypervisor", the signature at
 * HVSIG_FIRST, or "an unnamed hypervisor" if that is empty. */
void hvsig_found(char out[HVSIG_LEN]);

#endif
