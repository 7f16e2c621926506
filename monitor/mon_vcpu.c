/* SPDX-License-Identifier: MIT */
/*
 * monitor/mon_vcpu.c: the per-vCPU thread: run, and dispatch each decoded
 * exit (mon_exit_dispatch, mon_dev.c), until the VM stops.
 */
#include <signal.h>

#include "host_kvm.h"

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
		mon_exit_dispatch(mon, v, &x);
	}
	return NULL;
}
