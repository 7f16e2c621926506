/* SPDX-License-Identifier: MIT */
/*
 * rtc.h: the MC146818-compatible CMOS real-time clock of the PC (ports
 * 0x70/0x71), read once at init for the wall clock.
 */
#ifndef VMI_COMMON_RTC_H
#define VMI_COMMON_RTC_H

#include <stdbool.h>
#include <stdint.h>

/* A calendar time as the RTC holds it, already in binary. */
struct rtc_time {
    unsigned year;      /* full year, e.g. 2024 */
    unsigned mon;       /* 1..12 */
    unsigned day;       /* 1..31 */
    unsigned hour;      /* 0..23 */
    unsigned min;       /* 0..59 */
    unsigned sec;       /* 0..59 */
};

/* Seconds since 1970-01-01T00:00:00Z of (t), a UTC time in 1970..9999.
 * Returns 0 if (t) is out of range.  Closed-form day count (no loops). */
uint64_t rtc_to_unix(const struct rtc_time *t);

/* Decode the raw register bytes (regs): sec, min, hour, day, mon, year
 * (in that order, as read from CMOS 0x00, 0x02, 0x04, 0x07, 0x08, 0x09),
 * in BCD unless (binary), 12-hour with bit 7 = PM unless (h24); the
 * two-digit year is taken as 1970..2069.  Returns false on an invalid
 * value (e.g. 0xff from an absent RTC). */
bool rtc_decode(const uint8_t regs[6], bool binary, bool h24,
                struct rtc_time *out);

/* Read the RTC: wait (bounded) for no update in progress, read twice until
 * two reads agree, decode.  Returns Unix seconds, or 0 if there is no
 * usable RTC. */
uint64_t rtc_read_unix(void);

/* The wall clock at time 0 of a clock that reads (now_ns) now: the RTC's
 * time in ns since the Unix epoch minus (now_ns); 0 without a usable RTC.
 * A backend's wallclock_ns is then this plus its time_ns, or 0. */
uint64_t rtc_wall0_ns(uint64_t now_ns);

#endif
