/* SPDX-License-Identifier: MIT */
/* fbcon.c: text console on a framebuffer (backends/common, fbcon.h). */
#include "fbcon.h"

#define FG_LEVEL 0xc0               /* light grey: 0xc0 in each colour */
#define TEXT_ATTR 0x07              /* EGA text: light grey on black */
#define TAB 8

/* (level) 0-255 scaled into a colour field of (size) bits at (pos). */
static uint32_t field(unsigned level, unsigned pos, unsigned size)
{
    if (!size || size > 16 || pos + size > 32)
        return 0;
    return (uint32_t)(level * ((1u << size) - 1) / 255) << pos;
}

static uint32_t grey(const struct vmi_boot_fb *fb, unsigned level)
{
    return field(level, fb->red_pos, fb->red_size) |
           field(level, fb->green_pos, fb->green_size) |
           field(level, fb->blue_pos, fb->blue_size);
}

static void put_pixel(uint8_t *p, unsigned bytes, uint32_t v)
{
    switch (bytes) {
    case 4:
        *(volatile uint32_t *)p = v;
        break;
    case 3:
        p[0] = (uint8_t)v;
        p[1] = (uint8_t)(v >> 8);
        p[2] = (uint8_t)(v >> 16);
        break;
    default:
        *(volatile uint16_t *)p = (uint16_t)v;
        break;
    }
}

static void draw_cell(struct fbcon *c, unsigned i)
{
    unsigned col = i % c->cols, row = i / c->cols, ch = c->text[i];
    const uint8_t *glyph = fbcon_font[ch - FBCON_FIRST];

    if (!c->bytes) {
        *(volatile uint16_t *)(c->base + row * c->pitch + col * 2) =
            (uint16_t)(ch | c->fg << 8);
        return;
    }
    for (unsigned y = 0; y < FBCON_CELL_H; y++) {
        uint8_t *p = c->base + (row * FBCON_CELL_H + y) * c->pitch +
                     col * FBCON_CELL_W * c->bytes;
        for (unsigned x = 0; x < FBCON_CELL_W; x++, p += c->bytes)
            put_pixel(p, c->bytes, glyph[y] & (0x80 >> x) ? c->fg : c->bg);
    }
}

const char *fbcon_init(struct fbcon *c, void *base, const struct vmi_boot_fb *fb)
{
    unsigned bytes = fb->bpp / 8;
    uint64_t cols, rows;

    if (fb->type == VMI_BOOT_FB_INDEXED)
        return "indexed colour is not supported";
    if (fb->type == VMI_BOOT_FB_TEXT) {
        bytes = 0;
        cols = fb->width;
        rows = fb->height;
    } else if (fb->type == VMI_BOOT_FB_RGB && (fb->bpp == 16 || fb->bpp == 24 ||
                                               fb->bpp == 32)) {
        cols = fb->width / FBCON_CELL_W;
        rows = fb->height / FBCON_CELL_H;
    } else {
        return "only 16, 24 and 32 bits per pixel are supported";
    }
    if (!cols || !rows)
        return "the screen is smaller than one character";
    /* In 64 bits: the loader's width times 4 can pass 2^32, and a pitch
     * check that wrapped would let the cells run past each line. */
    if (fb->pitch < (bytes ? (uint64_t)fb->width * bytes : cols * 2))
        return "the pitch is smaller than a line";
    if (cols > FBCON_CELLS_MAX)
        cols = FBCON_CELLS_MAX;
    if (rows > FBCON_CELLS_MAX / cols)
        rows = FBCON_CELLS_MAX / cols;
    /* Field by field: a compound literal of the whole struct would be a
     * memset call, which not every image links. */
    c->base = base;
    c->pitch = fb->pitch;
    c->bytes = bytes;
    c->fg = bytes ? grey(fb, FG_LEVEL) : TEXT_ATTR;
    c->bg = 0;
    c->cols = (unsigned)cols;
    c->rows = (unsigned)rows;
    c->col = c->row = 0;
    c->dirty_lo = c->dirty_hi = 0;
    /* Clear what the firmware and the loader left: every cell drawn once
     * as a space, then only changes. */
    for (unsigned i = 0; i < c->cols * c->rows; i++) {
        c->text[i] = c->shown[i] = ' ';
        draw_cell(c, i);
    }
    return NULL;
}

/* Rows [lo, hi) of the grid changed. */
static void dirty(struct fbcon *c, unsigned lo, unsigned hi)
{
    if (c->dirty_lo >= c->dirty_hi) {
        c->dirty_lo = lo;
        c->dirty_hi = hi;
        return;
    }
    if (lo < c->dirty_lo)
        c->dirty_lo = lo;
    if (hi > c->dirty_hi)
        c->dirty_hi = hi;
}

static void newline(struct fbcon *c)
{
    unsigned n = c->cols * (c->rows - 1);

    c->col = 0;
    if (c->row + 1 < c->rows) {
        c->row++;
        return;
    }
    c->row = c->rows - 1;   /* if two writers both moved it down */
    for (unsigned i = 0; i < n; i++)
        c->text[i] = c->text[i + c->cols];
    for (unsigned i = n; i < n + c->cols; i++)
        c->text[i] = ' ';
    dirty(c, 0, c->rows);
}

static void put(struct fbcon *c, char ch)
{
    unsigned u = (uint8_t)ch;

    switch (ch) {
    case '\n':
        newline(c);
        return;
    case '\r':
        c->col = 0;
        return;
    case '\b':
        if (c->col)
            c->col--;
        return;
    case '\t':
        do
            put(c, ' ');
        while (c->col % TAB && c->col < c->cols);
        return;
    }
    if (u < FBCON_FIRST || u >= FBCON_FIRST + FBCON_GLYPHS)
        u = '?';
    /* Wrap only when a character comes: a line of exactly cols
     * characters and its '\n' take one row. */
    if (c->col >= c->cols || c->row >= c->rows)
        newline(c);
    /* Checked as stored: console.c lets a writer go ahead when the lock
     * is not freed in time (an NMI on the holder's CPU), so another write
     * may move row and col between the lines above and this one. */
    unsigned i = c->row * c->cols + c->col++;
    if (i < c->cols * c->rows) {
        c->text[i] = (uint8_t)u;
        dirty(c, i / c->cols, i / c->cols + 1);
    }
}

void fbcon_write(struct fbcon *c, const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        put(c, buf[i]);
    /* Bounded as read, as put() is: a writer let past the lock may have
     * moved the range meanwhile. */
    unsigned end = c->dirty_hi < c->rows ? c->dirty_hi : c->rows;
    for (unsigned i = c->dirty_lo * c->cols; i < end * c->cols; i++) {
        if (c->text[i] != c->shown[i]) {
            draw_cell(c, i);
            c->shown[i] = c->text[i];
        }
    }
    c->dirty_lo = c->dirty_hi = 0;
}
