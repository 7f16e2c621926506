/* SPDX-License-Identifier: MIT */
/*
 * monitor/host_kvm.h: the /dev/kvm layer.  host_kvm.c is the only file
 * that issues KVM ioctls (mon_seccomp.c includes <linux/kvm.h> only for
 * the request numbers its filter allows).  Functions return 0
 * or -errno and put one line saying what failed into err.
 */
#ifndef HOST_KVM_H
#define HOST_KVM_H

#include "mon.h"
#include "mon_cpuid.h"

/* Open /dev/kvm and check every capability vmi-run relies on.  Any
 * failure here means "KVM unavailable" (exit 69). */
int host_kvm_open(struct mon *mon, char *err, size_t errlen);
/* VM with RAM at GPA 0, split irqchip, user-space MSR exits, quirks. */
int host_kvm_create_vm(struct mon *mon, char *err, size_t errlen);
int host_kvm_create_vcpu(struct mon *mon, unsigned id, char *err,
			 size_t errlen);
int host_kvm_supported_cpuid(struct mon *mon, struct mon_cpuid *t,
			     char *err, size_t errlen);
int host_kvm_set_cpuid(struct mon_vcpu *v, const struct mon_cpuid *t,
		       char *err, size_t errlen);
/* The CPUID table (v) gives its guest (KVM_GET_CPUID2), before the
 * sandbox: 0 or -errno. */
int host_kvm_vcpu_cpuid(struct mon_vcpu *v, struct mon_cpuid *t);
/* PVH entry state (Xen docs/misc/pvh.pandoc) on the boot vCPU. */
int host_kvm_boot_bsp(struct mon_vcpu *v, uint32_t entry, uint32_t ebx,
		      char *err, size_t errlen);
/* The guest's IA32_TSC on (v), from any thread while v is not running. */
int host_kvm_guest_tsc(struct mon_vcpu *v, uint64_t *tsc);
/* (v)'s TSC offset, guest TSC - host TSC, exactly as KVM applies it
 * (api.rst "KVM_VCPU_TSC_OFFSET", Linux 5.16); -errno where KVM lacks
 * the attribute. */
int host_kvm_tsc_offset(struct mon_vcpu *v, uint64_t *offset);
/* Deliver a fixed interrupt (vector) to the LAPIC with (apic_id) as an
 * MSI; wakes a halted vCPU.  Safe from any thread (a VM ioctl).  Returns
 * 0 or -errno. */
int host_kvm_signal_msi(struct mon *mon, unsigned apic_id, uint8_t vector);
/* Make vCPU (id) load (s) (64-bit mode, then runnable) before it next
 * enters the guest: (s) is kept in mon->vcpu[id].load and applied on its
 * own thread, which this kicks out of KVM_RUN (an AP waiting for
 * INIT/SIPI blocks there).  Returns 0 or -EINVAL. */
int host_kvm_vcpu_load(struct mon *mon, unsigned id,
		       const struct mon_vcpu_load *s);
/* The segment and control registers of (v) (KVM_GET_SREGS), read on its
 * own thread after an exit: 0 or -errno.  Its CPL is ss_dpl. */
int host_kvm_vcpu_sregs(struct mon_vcpu *v, struct mon_sregs *s);
/* Make (v) take #UD as it next enters the guest, from its own thread
 * after an exit (hyperv).  0 or -errno. */
int host_kvm_vcpu_inject_ud(struct mon_vcpu *v);
/* Flush the guest TLB of every vCPU in (mask) (bit n = vCPU n), from the
 * thread of vCPU (self), which is outside KVM_RUN: self directly, the
 * others on their own threads before they next run the guest (kicked out
 * of KVM_RUN).  Returns 0 once all have, -EINTR if the VM stopped first,
 * -EIO if an ioctl failed (hyperv personality; host_kvm.c says how). */
int host_kvm_flush_tlbs(struct mon *mon, unsigned self, uint64_t mask);
/* Make reads and writes of MSRs [base, base + n) exit to user space
 * (KVM_X86_SET_MSR_FILTER), even ones KVM itself implements.  0 or
 * -errno. */
int host_kvm_msr_filter_deny(struct mon *mon, uint32_t base, uint32_t n);
/* One KVM_RUN, decoded into x.  -errno only for a failed ioctl. */
int host_kvm_run(struct mon_vcpu *v, struct mon_exit *x);
/* host_kvm_decode.c: the exit in (run), a kvm_run page of (run_size)
 * bytes, into x->kind and its union (x->reason, rip, regs are the
 * caller's).  Pure: no ioctl. */
void host_kvm_decode(struct kvm_run *run, size_t run_size, struct mon_exit *x);
/* Make every vCPU leave KVM_RUN for good (the VM is stopping). */
void host_kvm_kick_all(struct mon *mon);
void host_kvm_close(struct mon *mon);

#endif
