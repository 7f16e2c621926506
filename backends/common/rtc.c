/* SPDX-License-Identifier: MIT */
/* rtc.c: CMOS RTC reading and calendar conversion (backends/common). */
#include <insn.h>

#include "rtc.h"

/* MC146818A registers (Motorola datasheet; same in every PC chipset). */
#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define CMOS_NMI_OFF 0x80       /* keep NMIs masked while we index */
#define RTC_STATUS_A 0x0a
#define RTC_STATUS_B 0x0b
#define RTC_A_UIP 0x80          /* update in progress */
#define RTC_B_24H 0x02
#define RTC_B_BINARY 0x04
#define RTC_HOUR_PM 0x80
#define RTC_UIP_POLLS 1000      /* UIP lasts < 2 ms; a poll is >= 2 us */
#define RTC_ABSENT 0xff         /* an empty ISA bus reads all ones */

static const uint8_t rtc_regs[6] = { 0x00, 0x02, 0x04, 0x07, 0x08, 0x09 };

static uint8_t cmos_read(uint8_t reg)
{
    outb(CMOS_INDEX, CMOS_NMI_OFF | reg);
    return inb(CMOS_DATA);
}

uint64_t rtc_to_unix(const struct rtc_time *t)
{
    if (t->year < 1970 || t->year > 9999 || t->mon < 1 || t->mon > 12 ||
        t->day < 1 || t->day > 31 || t->hour > 23 || t->min > 59 ||
        t->sec > 60)
        return 0;
    /* Days from civil (H. Hinnant): count years from March, so the leap
     * day is the last day of the year; divisions are by constants. */
    uint64_t y = t->year - (t->mon <= 2);
    uint64_t era = y / 400, yoe = y - era * 400;
    uint64_t mp = (t->mon + 9) % 12;
    uint64_t doy = (153 * mp + 2) / 5 + t->day - 1;
    uint64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    uint64_t days = era * 146097 + doe - 719468;
    return days * 86400 + t->hour * 3600 + t->min * 60 + t->sec;
}

static bool bcd_ok(uint8_t v)
{
    return (v & 0x0f) <= 9 && (v >> 4) <= 9;
}

static bool rtc_field(uint8_t raw, bool binary, unsigned *out)
{
    if (binary) {
        *out = raw;
        return true;
    }
    *out = (raw >> 4) * 10 + (raw & 0x0f);
    return bcd_ok(raw);
}

bool rtc_decode(const uint8_t regs[6], bool binary, bool h24,
                struct rtc_time *out)
{
    bool pm = !h24 && (regs[2] & RTC_HOUR_PM);
    uint8_t hour = h24 ? regs[2] : regs[2] & (uint8_t)~RTC_HOUR_PM;
    unsigned yy;
    if (!rtc_field(regs[0], binary, &out->sec) ||
        !rtc_field(regs[1], binary, &out->min) ||
        !rtc_field(hour, binary, &out->hour) ||
        !rtc_field(regs[3], binary, &out->day) ||
        !rtc_field(regs[4], binary, &out->mon) ||
        !rtc_field(regs[5], binary, &yy) || yy > 99)
        return false;
    if (!h24) {
        /* 12-hour mode: 12 AM is 0, 12 PM is 12. */
        if (out->hour < 1 || out->hour > 12)
            return false;
        out->hour = out->hour % 12 + (pm ? 12 : 0);
    }
    out->year = yy + (yy < 70 ? 2000 : 1900);
    return out->sec <= 59 && out->min <= 59 && out->hour <= 23 &&
           out->day >= 1 && out->day <= 31 && out->mon >= 1 && out->mon <= 12;
}

static bool rtc_wait_idle(void)
{
    for (unsigned i = 0; i < RTC_UIP_POLLS; i++) {
        uint8_t a = cmos_read(RTC_STATUS_A);
        if (a == RTC_ABSENT)
            return false;
        if (!(a & RTC_A_UIP))
            return true;
    }
    return false;
}

static bool rtc_sample(uint8_t regs[6])
{
    if (!rtc_wait_idle())
        return false;
    for (unsigned i = 0; i < 6; i++)
        regs[i] = cmos_read(rtc_regs[i]);
    return true;
}

uint64_t rtc_read_unix(void)
{
    uint8_t a[6], b[6];
    struct rtc_time t;
    /* An update may start between the UIP check and the reads: read until
     * two samples agree (bounded). */
    for (unsigned tries = 0; tries < 5; tries++) {
        if (!rtc_sample(a) || !rtc_sample(b))
            return 0;
        bool same = true;
        for (unsigned i = 0; i < 6; i++)
            same = same && a[i] == b[i];
        if (!same)
            continue;
        uint8_t sb = cmos_read(RTC_STATUS_B);
        if (!rtc_decode(a, sb & RTC_B_BINARY, sb & RTC_B_24H, &t))
            return 0;
        return rtc_to_unix(&t);
    }
    return 0;
}

uint64_t rtc_wall0_ns(uint64_t now_ns)
{
    uint64_t secs = rtc_read_unix();

    return secs ? secs * 1000000000ull - now_ns : 0;
}
