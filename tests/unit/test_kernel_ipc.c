/* SPDX-License-Identifier: MIT */
/*
 * test_kernel_ipc.c: the microkernel's synchronous IPC rendezvous
 * (guest-kernel/mk/ipc.c, pure, built for the host).  ipc_wake, which the
 * scheduler provides in the kernel, records here who was woken.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ipc.h"

static struct proc *woken[8];
static unsigned nwoken;

void ipc_wake(struct proc *p)
{
    assert_true(nwoken < 8);
    woken[nwoken++] = p;
}

static struct proc tp[3];
static struct endpoint ep;

static int setup(void **state)
{
    (void)state;
    memset(tp, 0, sizeof(tp));
    memset(&ep, 0, sizeof(ep));
    nwoken = 0;
    for (int i = 0; i < 3; i++)
        tp[i].pid = 10 + i;
    return 0;
}

static void set_msg(struct proc *p, uint64_t base)
{
    for (unsigned i = 0; i < UABI_MSG_WORDS; i++)
        p->msg[i] = base + i;
}

static void test_ipc_send_without_receiver_blocks(void **state)
{
    struct proc *s = &tp[0];

    (void)state;
    assert_int_equal(ipc_send(&ep, s, 0), IPC_BLOCK);
    assert_int_equal(s->wait, W_SEND);
    assert_int_equal(ep.senders.len, 1);
    assert_int_equal(nwoken, 0);
}

static void test_ipc_recv_takes_queued_sender_and_wakes_it(void **state)
{
    struct proc *s = &tp[0], *r = &tp[1];

    (void)state;
    set_msg(s, 100);
    ipc_send(&ep, s, 0);
    assert_int_equal(ipc_recv(&ep, r), s->pid);
    assert_int_equal(r->msg[0], 100);
    assert_int_equal(r->msg[3], 103);
    assert_int_equal(nwoken, 1);
    assert_ptr_equal(woken[0], s);
    assert_int_equal(s->ipc_ret, 0);
    assert_int_equal(s->wait, W_NONE);
}

static void test_ipc_send_to_waiting_receiver_completes_both(void **state)
{
    struct proc *s = &tp[0], *r = &tp[1];

    (void)state;
    assert_int_equal(ipc_recv(&ep, r), IPC_BLOCK);
    assert_int_equal(r->wait, W_RECV);
    set_msg(s, 7);
    assert_int_equal(ipc_send(&ep, s, 0), 0);
    assert_null(ep.receiver);
    assert_int_equal(nwoken, 1);
    assert_ptr_equal(woken[0], r);
    assert_int_equal(r->ipc_ret, s->pid);
    assert_int_equal(r->msg[1], 8);
}

static void test_ipc_call_waits_for_reply_then_gets_it(void **state)
{
    struct proc *c = &tp[0], *srv = &tp[1];

    (void)state;
    ipc_recv(&ep, srv);
    set_msg(c, 1);
    assert_int_equal(ipc_send(&ep, c, 1), IPC_BLOCK);
    assert_int_equal(c->wait, W_REPLY);
    assert_ptr_equal(srv->reply_to, c);
    set_msg(srv, 50);
    assert_int_equal(ipc_reply(srv), 0);
    assert_null(srv->reply_to);
    assert_int_equal(nwoken, 2);
    assert_ptr_equal(woken[1], c);
    assert_int_equal(c->msg[0], 50);
    assert_int_equal(c->ipc_ret, 0);
}

static void test_ipc_queued_call_is_received_without_waking_caller(void **state)
{
    struct proc *c = &tp[0], *srv = &tp[1];

    (void)state;
    ipc_send(&ep, c, 1);
    assert_int_equal(ipc_recv(&ep, srv), c->pid);
    assert_int_equal(c->wait, W_REPLY);
    assert_int_equal(nwoken, 0);
}

static void test_ipc_second_receiver_is_busy(void **state)
{
    (void)state;
    ipc_recv(&ep, &tp[0]);
    assert_int_equal(ipc_recv(&ep, &tp[1]), UERR_BUSY);
}

static void test_ipc_reply_without_caller_is_noent(void **state)
{
    (void)state;
    assert_int_equal(ipc_reply(&tp[0]), UERR_NOENT);
}

static void test_ipc_senders_are_served_in_order(void **state)
{
    struct proc *r = &tp[2];

    (void)state;
    ipc_send(&ep, &tp[0], 0);
    ipc_send(&ep, &tp[1], 0);
    assert_int_equal(ipc_recv(&ep, r), tp[0].pid);
    assert_int_equal(ipc_recv(&ep, r), tp[1].pid);
}

static void test_ipc_cleanup_of_server_wakes_caller_with_pipe(void **state)
{
    struct proc *c = &tp[0], *srv = &tp[1];

    (void)state;
    ipc_send(&ep, c, 1);
    ipc_recv(&ep, srv);
    ipc_cleanup(&ep, 1, tp, 3, srv);
    assert_int_equal(nwoken, 1);
    assert_ptr_equal(woken[0], c);
    assert_int_equal(c->ipc_ret, UERR_PIPE);
}

static void test_ipc_cleanup_of_queued_sender_dequeues_it(void **state)
{
    (void)state;
    ipc_send(&ep, &tp[0], 0);
    ipc_send(&ep, &tp[1], 0);
    ipc_cleanup(&ep, 1, tp, 3, &tp[0]);
    assert_int_equal(ep.senders.len, 1);
    assert_int_equal(ipc_recv(&ep, &tp[2]), tp[1].pid);
}

static void test_ipc_cleanup_of_caller_forgets_reply_capability(void **state)
{
    struct proc *c = &tp[0], *srv = &tp[1];

    (void)state;
    ipc_send(&ep, c, 1);
    ipc_recv(&ep, srv);
    ipc_cleanup(&ep, 1, tp, 3, c);
    assert_null(srv->reply_to);
    assert_int_equal(ipc_reply(srv), UERR_NOENT);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_ipc_send_without_receiver_blocks),
        T(test_ipc_recv_takes_queued_sender_and_wakes_it),
        T(test_ipc_send_to_waiting_receiver_completes_both),
        T(test_ipc_call_waits_for_reply_then_gets_it),
        T(test_ipc_queued_call_is_received_without_waking_caller),
        T(test_ipc_second_receiver_is_busy),
        T(test_ipc_reply_without_caller_is_noent),
        T(test_ipc_senders_are_served_in_order),
        T(test_ipc_cleanup_of_server_wakes_caller_with_pipe),
        T(test_ipc_cleanup_of_queued_sender_dequeues_it),
        T(test_ipc_cleanup_of_caller_forgets_reply_capability),
    };

    return cmocka_run_group_tests_name("kernel_ipc", tests, NULL, NULL);
}
