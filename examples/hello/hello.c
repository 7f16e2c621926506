/* SPDX-License-Identifier: MIT */
/* hello: a kernel outside the vmi tree (docs/porting.md).  It prints, reads
 * the time, waits for a 10 ms alarm with safe_halt and exits with 42. */
#include <vmi.h>
#include <vmi/boot.h>

#define WAIT_NS 10000000ull
#define EXIT_CODE 42
static volatile unsigned alarms;

/* The backend calls this, delivery masked, for each event. */
void vmi_event(vmi_event_t ev)
{
    if (ev == VMI_EVENT_ALARM)
        alarms++;
}

static void print(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    vmi_console_write(s, n);
}

static void print_u64(uint64_t v)
{
    char buf[21], *p = buf + sizeof(buf) - 1;

    *p = '\0';
    do
        *--p = (char)('0' + v % 10);
    while (v /= 10);
    print(p);
}

/* Entered once the boot library has brought the backend up. */
void vmi_main(const struct vmi_boot_info *bi)
{
    uint64_t t0 = vmi_time_ns(), t1;

    print("hello: vmi " VMI_VERSION_STRING ", backend ");
    print(vmi_info()->backend);
    print(", hypervisor ");
    print(vmi_info()->hypervisor);
    print(", booted by ");
    print(bi->proto_name);
    print("\n");
    vmi_alarm_set(t0 + WAIT_NS);
    while (!alarms) {           /* masked here: no alarm slips past */
        vmi_safe_halt();
        vmi_irq_disable();
    }
    t1 = vmi_time_ns();
    print("hello: alarm after ");
    print_u64((t1 - t0) / 1000);
    print(" us\n");
    vmi_shutdown(t1 - t0 >= WAIT_NS ? EXIT_CODE : VMI_EXIT_FAIL);
}
