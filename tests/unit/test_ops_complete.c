/* SPDX-License-Identifier: MIT */
/*
 * test_ops_complete.c: every op in vmi/ops.h is filled in the backend's
 * table.  Built once per backend against its host library; the list is
 * re-included so that a new op is checked without editing this file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vmi.h"

/* The kernel's upcall; the backend library references it. */
void vmi_event(vmi_event_t ev)
{
    (void)ev;
}

static void test_ops_complete_every_op_non_null(void **state)
{
    (void)state;
#define VMI_OP(name, ret, params, args) assert_non_null(vmi_ops.name);
#define VMI_VOP(name, params, args) assert_non_null(vmi_ops.name);
#define VMI_NOP(name, params, args) assert_non_null(vmi_ops.name);
#include "vmi/ops.h"
#undef VMI_OP
#undef VMI_VOP
#undef VMI_NOP
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ops_complete_every_op_non_null),
    };
    return cmocka_run_group_tests_name("ops_complete_" VMI_BACKEND_NAME, tests, NULL, NULL);
}
