/* SPDX-License-Identifier: MIT */
/*
 * test_kernel_runq.c: the microkernel's run queues (guest-kernel/mk/
 * runq.c, pure code built for the host): FIFO order, front insertion for
 * IPC hand-off, removal from anywhere.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "runq.h"

struct item {
    int id;
    struct runq_link link;
};

static int pop_id(struct runq *q)
{
    struct runq_link *l = runq_pop(q);

    return l ? RUNQ_ENTRY(l, struct item, link)->id : -1;
}

static void test_runq_push_pop_is_fifo(void **state)
{
    struct runq q = { 0 };
    struct item it[4] = { { .id = 0 }, { .id = 1 }, { .id = 2 }, { .id = 3 } };

    (void)state;
    for (int i = 0; i < 4; i++)
        runq_push(&q, &it[i].link);
    assert_int_equal(q.len, 4);
    for (int i = 0; i < 4; i++)
        assert_int_equal(pop_id(&q), i);
    assert_int_equal(q.len, 0);
    assert_null(q.head);
    assert_null(q.tail);
}

static void test_runq_empty_pop_returns_null(void **state)
{
    struct runq q = { 0 };

    (void)state;
    assert_null(runq_pop(&q));
    assert_int_equal(q.len, 0);
}

static void test_runq_push_front_runs_next(void **state)
{
    struct runq q = { 0 };
    struct item a = { .id = 1 }, b = { .id = 2 }, c = { .id = 3 };

    (void)state;
    runq_push(&q, &a.link);
    runq_push(&q, &b.link);
    runq_push_front(&q, &c.link);
    assert_int_equal(pop_id(&q), 3);
    assert_int_equal(pop_id(&q), 1);
    assert_int_equal(pop_id(&q), 2);
}

static void test_runq_push_front_on_empty_sets_tail(void **state)
{
    struct runq q = { 0 };
    struct item a = { .id = 1 }, b = { .id = 2 };

    (void)state;
    runq_push_front(&q, &a.link);
    runq_push(&q, &b.link);
    assert_int_equal(pop_id(&q), 1);
    assert_int_equal(pop_id(&q), 2);
    assert_null(q.tail);
}

static void test_runq_remove_middle_and_tail_keeps_order(void **state)
{
    struct runq q = { 0 };
    struct item it[4] = { { .id = 0 }, { .id = 1 }, { .id = 2 }, { .id = 3 } };

    (void)state;
    for (int i = 0; i < 4; i++)
        runq_push(&q, &it[i].link);
    assert_true(runq_remove(&q, &it[1].link));
    assert_true(runq_remove(&q, &it[3].link));
    assert_false(it[3].link.queued);
    /* The tail moved back: a push must land after item 2. */
    runq_push(&q, &it[3].link);
    assert_int_equal(pop_id(&q), 0);
    assert_int_equal(pop_id(&q), 2);
    assert_int_equal(pop_id(&q), 3);
    assert_int_equal(q.len, 0);
}

static void test_runq_remove_absent_returns_0(void **state)
{
    struct runq q = { 0 };
    struct item a = { .id = 1 }, b = { .id = 2 };

    (void)state;
    runq_push(&q, &a.link);
    assert_false(runq_remove(&q, &b.link));
    assert_int_equal(q.len, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_runq_push_pop_is_fifo),
        cmocka_unit_test(test_runq_empty_pop_returns_null),
        cmocka_unit_test(test_runq_push_front_runs_next),
        cmocka_unit_test(test_runq_push_front_on_empty_sets_tail),
        cmocka_unit_test(test_runq_remove_middle_and_tail_keeps_order),
        cmocka_unit_test(test_runq_remove_absent_returns_0),
    };

    return cmocka_run_group_tests_name("kernel_runq", tests, NULL, NULL);
}
