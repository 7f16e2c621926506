/* SPDX-License-Identifier: MIT */
/* console.c: the console's devices and the fan-out (backends/common,
 * console.h). */
#include <stdbool.h>

#include <insn.h>

#include "acpi.h"
#include "common.h"
#include "console.h"
#include "fbcon.h"
#include "lapic.h"
#include "uart.h"
#include "vmi/abi.h"

/* How long a writer waits for the lock before writing anyway (its holder
 * died in a panic, or is stuck under an NMI on its own CPU): measured on
 * the TSC, about 0.5 s at 4 GHz and 2 s at 1 GHz, since a spin can cost a
 * microsecond (kvm-pvm interprets CPL0 code, docs/hosts.md).  LOCK_SPINS
 * only ends the wait on a TSC that does not move. */
#define LOCK_WAIT_CYCLES (1ull << 31)
#define LOCK_SPINS 10000000u

static struct {
    bool ready;                     /* console_init done */
    bool have_uart, have_fb;
    /* The lock: 0 free, else the holder's CPU (cpu_tag). */
    uint64_t owner;
    const struct lapic *lapic;      /* NULL: not up yet, one CPU runs */
    struct uart uart;
    struct fbcon fb;
    char name[64];
} con;

uint16_t console_spcr_port(uint64_t rsdp, uint16_t *divisor)
{
    /* SPCR baud rate codes 3, 4, 6, 7: 9600, 19200, 57600, 115200;
     * 0 means as the firmware left it. */
    static const uint16_t div[8] = { 0, 0, 0, 12, 6, 0, 2, 1 };
    uint64_t t = rsdp ? acpi_find_table(rsdp, "SPCR") : 0;
    const uint8_t *p = t ? pa_to_ptr(t) : NULL;
    uint64_t addr;

    if (!p || acpi_table_len(t) < SPCR_LEN_MIN)
        return 0;
    if (p[SPCR_IFACE] != SPCR_16550 && p[SPCR_IFACE] != SPCR_16450 &&
        p[SPCR_IFACE] != SPCR_16550_GAS)
        return 0;
    /* Type 0x12 gives the register width in the GAS (bit width at 1):
     * only byte-wide registers at consecutive ports are driven. */
    if (p[SPCR_IFACE] == SPCR_16550_GAS && p[SPCR_BASE + 1] != 8)
        return 0;
    /* GAS: address space id at 0, the address at 4 (ACPI 5.2.3.2).  A
     * zero address means console redirection is off. */
    addr = acpi_le64(p + SPCR_BASE + 4);
    if (p[SPCR_BASE] != ACPI_GAS_IO || !addr || addr > 0xfff8)
        return 0;
    *divisor = p[SPCR_BAUD] < 8 ? div[p[SPCR_BAUD]] : 0;
    return (uint16_t)addr;
}

static void say(const char *s)
{
    if (con.have_uart)
        uart_write(&con.uart, s, vmi_strlen(s));
}

static void name_num(size_t *n, uint64_t v, unsigned base)
{
    char num[21];
    vmi_fmt_u64(num, v, base);
    vmi_append(con.name, sizeof(con.name), n, num);
}

static void find_uart(uint64_t rsdp, size_t *n)
{
    uint16_t divisor = 0, port = console_spcr_port(rsdp, &divisor);
    bool spcr = port != 0;

    if (!spcr && uart_probe(VMI_UART_PORT)) {
        port = VMI_UART_PORT;
        divisor = 1;
    }
    if (!port)
        return;
    uart_init_divisor(&con.uart, port, divisor);
    con.have_uart = true;
    vmi_append(con.name, sizeof(con.name), n, "uart 0x");
    name_num(n, port, 16);
    if (spcr)
        vmi_append(con.name, sizeof(con.name), n, " (spcr)");
}

static void find_fb(const struct vmi_boot_fb *fb, size_t *n)
{
    const char *why = NULL;
    uint64_t size = (uint64_t)fb->pitch * fb->height;

    if (!fb->base)
        return;
    if (fb->base >= VMI_IDENTITY_MAPPED_END ||
        size > VMI_IDENTITY_MAPPED_END - fb->base)
        why = "not below 4 GiB";
    else
        why = fbcon_init(&con.fb, pa_to_ptr(fb->base), fb);
    if (why) {
        char line[96];
        size_t k = 0;
        vmi_append(line, sizeof(line), &k, "console: framebuffer at 0x");
        vmi_fmt_u64(line + k, fb->base, 16);
        k = vmi_strlen(line);
        vmi_append(line, sizeof(line), &k, " not used: ");
        vmi_append(line, sizeof(line), &k, why);
        vmi_append(line, sizeof(line), &k, "\n");
        say(line);
        return;
    }
    con.have_fb = true;
    vmi_append(con.name, sizeof(con.name), n, *n ? " + fb " : "fb ");
    name_num(n, fb->width, 10);
    vmi_append(con.name, sizeof(con.name), n, "x");
    name_num(n, fb->height, 10);
    if (fb->type == VMI_BOOT_FB_TEXT) {
        vmi_append(con.name, sizeof(con.name), n, " text");
    } else {
        vmi_append(con.name, sizeof(con.name), n, "x");
        name_num(n, fb->bpp, 10);
    }
}

void console_init(const struct vmi_boot *boot, uint64_t rsdp)
{
    size_t n = 0;

    con.have_uart = con.have_fb = false;
    con.name[0] = 0;
    find_uart(rsdp, &n);
    if (boot)
        find_fb(&boot->fb, &n);
    if (!n)
        vmi_append(con.name, sizeof(con.name), &n, "none");
    con.ready = true;
}

void console_set_lapic(const struct lapic *l)
{
    con.lapic = l;
}

/* The calling CPU, never 0: its LAPIC ID + 1, or 1 before the LAPIC is
 * up (one CPU then).  In x2APIC mode, an AP that writes before its own
 * LAPIC is switched to x2APIC (before its cpu_init) faults on the ID's
 * MSR (SDM 11.12.1.2): it is then UINT64_MAX, no holder's tag. */
static uint64_t cpu_tag(void)
{
    uint64_t id;

    if (!con.lapic)
        return 1;
    if (!con.lapic->x2apic)
        return (uint64_t)lapic_id(con.lapic) + 1;
    if (rdmsr_safe(MSR_X2APIC_BASE + (LAPIC_ID >> 4), &id))
        return UINT64_MAX;
    return (uint32_t)id + 1ull;
}

/* One writer at a time (ops.h: each call's bytes stay together, and the
 * framebuffer's grid must not be changed by two CPUs at once).  The lock
 * word names its holder's CPU, so a write nested in the holder's own
 * write (an NMI or a fault handler on that CPU, which the holder cannot
 * leave to release it) does not wait for it: it goes to the UART only,
 * the grid being possibly half-changed.  A CPU that waits too long for
 * another (the holder died in a panic) writes anyway. */
void console_write(const char *buf, size_t len)
{
    unsigned spins = 0;
    uint64_t me, held = 0, t0;
    bool locked;

    if (!con.ready) {
        uart_write(uart_early(), buf, len);
        return;
    }
    me = cpu_tag();
    t0 = rdtsc_ordered();
    while (!(locked = __atomic_compare_exchange_n(&con.owner, &held, me, false,
                                                  __ATOMIC_ACQUIRE,
                                                  __ATOMIC_RELAXED))) {
        if (held == me) {
            if (con.have_uart)
                uart_write(&con.uart, buf, len);
            return;
        }
        if (rdtsc_ordered() - t0 >= LOCK_WAIT_CYCLES || ++spins >= LOCK_SPINS)
            break;
        held = 0;
        cpu_relax();
    }
    if (con.have_uart)
        uart_write(&con.uart, buf, len);
    if (con.have_fb)
        fbcon_write(&con.fb, buf, len);
    if (locked)
        __atomic_store_n(&con.owner, 0, __ATOMIC_RELEASE);
}

size_t console_read(char *buf, size_t len)
{
    if (!con.ready)
        return uart_read(uart_early(), buf, len);
    return con.have_uart ? uart_read(&con.uart, buf, len) : 0;
}

const char *console_name(void)
{
    return con.ready ? con.name : "uart 0x3f8";
}
