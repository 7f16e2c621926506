/* SPDX-License-Identifier: MIT */
/* stdbool.h: C11 booleans for freestanding guest code. */
#ifndef VMI_STDBOOL_H
#define VMI_STDBOOL_H
#define bool _Bool
#define true 1
#define false 0
#endif
