/* SPDX-License-Identifier: MIT */
/* mock_kvm.c: the recording hypercall instructions behind
 * tests/unit/mock/kvm_insn.h (kvm_mock.h). */
#include <stdlib.h>
#include <string.h>

#include "kvm_mock.h"

struct kvm_mock kvm_mock;

void kvm_mock_reset(long ret)
{
    memset(&kvm_mock, 0, sizeof(kvm_mock));
    kvm_mock.ret = ret;
}

long kvm_mock_hypercall(enum kvm_mock_insn insn, unsigned long nr,
                        unsigned long a0, unsigned long a1,
                        unsigned long a2, unsigned long a3)
{
    if (kvm_mock.n == KVM_MOCK_MAX)
        abort();    /* a runaway loop */
    kvm_mock.call[kvm_mock.n++] = (struct kvm_mock_call){
        nr, a0, a1, a2, a3, insn };
    return kvm_mock.ret;
}
