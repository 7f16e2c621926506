/* SPDX-License-Identifier: MIT */
/*
 * monitor/mon_vcpu.c: the per-vCPU thread: run, dispatch each decoded
 * exit, and stop the VM on anything that is not a listed, handled exit.
 */
#include <inttypes.h>
#include <signal.h>

#include "host_kvm.h"

/* KVM_SYSTEM_EVENT_* (<linux/kvm.h>, api.rst "system_event"). */
#define SYSTEM_EVENT_SHUTDOWN 1
#define SYSTEM_EVENT_RESET    2

static void system_event(struct mon *mon, const struct mon_vcpu *v,
			 const struct mon_exit *x)
{
	if (x->info.code == SYSTEM_EVENT_SHUTDOWN)
		mon_stopf(mon, MON_EXIT_POWEROFF, "%s", "");
	else if (x->info.code == SYSTEM_EVENT_RESET)
		mon_stopf(mon, MON_EXIT_RESET, "guest reset the machine "
			  "(KVM_EXIT_SYSTEM_EVENT) on vcpu %u at rip=0x%" PRIx64
			  "; exit %d", v->id, x->rip, MON_EXIT_RESET);
	else
		mon_stopf(mon, MON_EXIT_CRASH, "guest crashed (KVM_EXIT_SYSTEM_"
			  "EVENT type %" PRIu64 ") on vcpu %u at rip=0x%" PRIx64,
			  x->info.code, v->id, x->rip);
}

/* Every exit that ends the guest, each with its one line. */
void mon_fault_exit(struct mon *mon, const struct mon_vcpu *v,
		    const struct mon_exit *x)
{
	switch (x->kind) {
	case MON_X_SHUTDOWN:
		mon_stopf(mon, MON_EXIT_CRASH, "guest triple fault (KVM_EXIT_"
			  "SHUTDOWN) on vcpu %u at rip=0x%" PRIx64, v->id,
			  x->rip);
		break;
	case MON_X_INTERNAL:
		mon_stopf(mon, MON_EXIT_CRASH, "KVM internal error (KVM_EXIT_"
			  "INTERNAL_ERROR suberror %" PRIu64 "%s) on vcpu %u "
			  "at rip=0x%" PRIx64, x->info.code, x->info.code == 1 ?
			  ": emulation failed, e.g. a triple fault" : "",
			  v->id, x->rip);
		break;
	case MON_X_FAIL_ENTRY:
		mon_stopf(mon, MON_EXIT_CRASH, "guest entry failed (KVM_EXIT_"
			  "FAIL_ENTRY reason 0x%" PRIx64 ") on vcpu %u at rip=0x%"
			  PRIx64, x->info.code, v->id, x->rip);
		break;
	case MON_X_SYSTEM_EVENT:
		system_event(mon, v, x);
		break;
	default:
		mon_stopf(mon, MON_EXIT_CRASH, "unhandled KVM exit reason %u "
			  "on vcpu %u at rip=0x%" PRIx64, x->reason, v->id,
			  x->rip);
		break;
	}
}

/* The thread body.  Only SIGUSR1 (the kick) is unblocked here. */
void *mon_vcpu_loop(void *arg)
{
	struct mon_vcpu *v = arg;
	struct mon *mon = v->mon;
	struct mon_exit x;
	sigset_t kick;

	sigemptyset(&kick);
	sigaddset(&kick, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &kick, NULL);
	while (!mon_is_stopped(mon)) {
		int r = host_kvm_run(v, &x);
		if (r < 0) {
			mon_stopf(mon, MON_EXIT_HOST, "KVM_RUN on vcpu %u "
				  "failed: error %d", v->id, -r);
			break;
		}
		switch (x.kind) {
		case MON_X_INTR:        /* a kick, or a signal from outside */
			atomic_fetch_add_explicit(&mon->intr, 1,
						  memory_order_relaxed);
			break;
		case MON_X_IO:
			mon_pio(mon, v->id, &x);
			break;
		case MON_X_MMIO:
			mon_mmio(mon, v->id, &x);
			break;
		case MON_X_RDMSR:
		case MON_X_WRMSR:
			mon_msr(mon, v->id, &x);
			break;
		default:
			mon_fault_exit(mon, v, &x);
			break;
		}
	}
	return NULL;
}
