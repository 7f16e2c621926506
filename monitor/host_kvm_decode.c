/* SPDX-License-Identifier: MIT */
/*
 * monitor/host_kvm_decode.c: what a KVM exit says, read from the vCPU's
 * kvm_run page (Documentation/virt/kvm/api.rst section 5) into the
 * neutral struct mon_exit.  Pure: it issues no ioctl, so it links into
 * the unit tests and the exit-decoding fuzzer (tests/fuzz/), which hand
 * it a kvm_run page of their own making.
 */
#include <linux/kvm.h>

#include "host_kvm.h"

/* The sizes KVM reports are checked before use: an I/O exit whose data
 * would lie outside the (run_size)-byte page, or an MMIO exit of more
 * than 8 bytes, decodes as MON_X_OTHER (the VM stops). */
void host_kvm_decode(struct kvm_run *run, size_t run_size, struct mon_exit *x)
{
	uint64_t io_len = (uint64_t)run->io.size * run->io.count;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		if (run->io.size == 0 || run->io.size > 4 ||
		    run->io.data_offset > run_size ||
		    io_len > run_size - run->io.data_offset)
			break;
		x->kind = MON_X_IO;
		x->io.port = run->io.port;
		x->io.out = run->io.direction == KVM_EXIT_IO_OUT;
		x->io.size = run->io.size;
		x->io.count = run->io.count;
		x->io.data = (uint8_t *)run + run->io.data_offset;
		return;
	case KVM_EXIT_MMIO:
		if (run->mmio.len == 0 || run->mmio.len > 8)
			break;
		x->kind = MON_X_MMIO;
		x->mmio.gpa = run->mmio.phys_addr;
		x->mmio.write = run->mmio.is_write;
		x->mmio.len = (uint8_t)run->mmio.len;
		x->mmio.data = run->mmio.data;
		return;
	case KVM_EXIT_X86_RDMSR:
	case KVM_EXIT_X86_WRMSR:
		x->kind = run->exit_reason == KVM_EXIT_X86_RDMSR ?
			  MON_X_RDMSR : MON_X_WRMSR;
		x->msr.index = run->msr.index;
		x->msr.data = (uint64_t *)&run->msr.data;
		x->msr.error = &run->msr.error;
		return;
	case KVM_EXIT_SHUTDOWN:
		x->kind = MON_X_SHUTDOWN;
		return;
	case KVM_EXIT_INTERNAL_ERROR:
		x->kind = MON_X_INTERNAL;
		x->info.code = run->internal.suberror;
		return;
	case KVM_EXIT_FAIL_ENTRY:
		x->kind = MON_X_FAIL_ENTRY;
		x->info.code = run->fail_entry.hardware_entry_failure_reason;
		return;
	case KVM_EXIT_SYSTEM_EVENT:
		x->kind = MON_X_SYSTEM_EVENT;
		x->info.code = run->system_event.type;
		return;
	default:
		break;
	}
	x->kind = MON_X_OTHER;
}
