/* SPDX-License-Identifier: MIT */
/*
 * monitor/mon_rtc.c: a read-only MC146818A CMOS real-time clock at ports
 * 0x70 (index) / 0x71 (data) giving the host's UTC time, so a PC guest
 * reads a wall clock as it would on hardware or QEMU.  Register map from
 * the Motorola MC146818A data sheet; 0x32 is the PC century byte named by
 * the FADT CENTURY field (ACPI 6.4 5.2.9).  No alarms, no interrupts, no
 * NVRAM: other registers read 0 and writes are ignored.
 */
#include <time.h>

#include "mon.h"
#include "mon_dev.h"

#define RTC_STATUS_A   0x0a    /* UIP clear, 32.768 kHz divider, 1024 Hz */
#define RTC_STATUS_B   0x0b    /* 24-hour mode, BCD */
#define RTC_STATUS_D   0x0d    /* VRT: battery good */
#define RTC_CENTURY    0x32

static uint8_t bcd(int v)
{
	return (uint8_t)((v / 10) << 4 | (v % 10));
}

static uint8_t rtc_reg(uint8_t reg)
{
	time_t now = time(NULL);
	struct tm tm;

	if (!gmtime_r(&now, &tm))
		return 0;
	switch (reg) {
	case 0x00: return bcd(tm.tm_sec > 59 ? 59 : tm.tm_sec);
	case 0x02: return bcd(tm.tm_min);
	case 0x04: return bcd(tm.tm_hour);
	case 0x06: return bcd(tm.tm_wday + 1);
	case 0x07: return bcd(tm.tm_mday);
	case 0x08: return bcd(tm.tm_mon + 1);
	case 0x09: return bcd(tm.tm_year % 100);
	case RTC_STATUS_A: return 0x26;
	case RTC_STATUS_B: return 0x02;
	case RTC_STATUS_D: return 0x80;
	case RTC_CENTURY: return bcd(19 + tm.tm_year / 100);
	default: return 0;
	}
}

bool mon_rtc_port(struct mon *mon, unsigned vcpu, const struct mon_exit *x,
		  uint16_t port, unsigned size, bool out, uint32_t *val)
{
	(void)vcpu, (void)x, (void)size;
	if (port == 0x70 && out) {
		mon->dev.rtc_index = (uint8_t)(*val & 0x7f);    /* bit 7: NMI */
	} else if (out) {
		mon->dev.legacy_writes++;
	} else {
		*val = port == 0x70 ? 0xff : rtc_reg(mon->dev.rtc_index);
	}
	return true;
}
