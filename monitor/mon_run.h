/* SPDX-License-Identifier: MIT */
/* monitor/mon_run.h: run one validated image; returns the exit status. */
#ifndef MON_RUN_H
#define MON_RUN_H

#include "mon.h"
#include "mon_elf.h"

/* Signal dispositions and mask; first thing in main (mon_run.c). */
void mon_signals_init(void);
int mon_run(struct mon *mon, const struct mon_image *img,
	    const uint8_t *file);

#endif
