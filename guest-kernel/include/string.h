/* SPDX-License-Identifier: MIT */
/* string.h: mem* and str* for guest code; implemented in guest-kernel/lib. */
#ifndef VMI_STRING_H
#define VMI_STRING_H
#include "../lib/klib.h"
#endif
