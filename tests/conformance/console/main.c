/* SPDX-License-Identifier: MIT */
/*
 * console: console_write is byte-exact and console_read does not block
 * (docs/vmi-api.md 3.7).  The guest writes a fixed pattern between two
 * marker lines, in chunks of awkward sizes (0, 1, around the 16-byte UART
 * FIFO, longer); the runner (scripts/conform.py, check=console) compares
 * the bytes it received with the same pattern.  The pattern holds every
 * byte value, so a backend that translates "\n" to "\r\n", drops a byte
 * at a FIFO boundary or stops at NUL is caught.
 */
#include "conformance.h"

const char test_title[] = "console_write is byte-exact; console_read does not block";

/* Keep in step with console_pattern() in scripts/conform.py. */
#define PATTERN_LEN (2 * 256 + 4)
static const unsigned chunks[] = { 1, 0, 2, 3, 15, 16, 17, 31, 64, 100, 7 };
static const char begin[] = "conformance: console pattern begin\n";
static const char end[] = "\nconformance: console pattern end\n";

static void fill(char *buf)
{
    static const char tail[] = "\r\n\n\r";

    for (unsigned i = 0; i < 2 * 256; i++)
        buf[i] = (char)(i & 0xff);
    for (unsigned i = 0; i < 4; i++)
        buf[2 * 256 + i] = tail[i];
}

static void write_pattern(const char *buf)
{
    unsigned done = 0;

    vmi_console_write(begin, sizeof(begin) - 1);
    for (unsigned i = 0; done < PATTERN_LEN; i++) {
        unsigned n = chunks[i % (sizeof(chunks) / sizeof(chunks[0]))];

        if (n > PATTERN_LEN - done)
            n = PATTERN_LEN - done;
        vmi_console_write(buf + done, n);
        done += n;
    }
    vmi_console_write(end, sizeof(end) - 1);
}

void test_main(void)
{
    static char buf[PATTERN_LEN];
    char in[16];
    size_t n;

    fill(buf);
    write_pattern(buf);
    /* The runner gives the guest no input, but an external environment
     * might: only the bound is the contract. */
    n = vmi_console_read(in, sizeof(in));
    CONF_CHECK(n <= sizeof(in), "console_read returned %zu for a %zu-byte buffer", n, sizeof(in));
    n = vmi_console_read(in, 0);
    CONF_CHECK(n == 0, "console_read returned %zu for a 0-byte buffer", n);
    conf_log("console: %u-byte pattern written; the runner compares it", PATTERN_LEN);
    vmi_test_success();
}
