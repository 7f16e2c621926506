/* SPDX-License-Identifier: MIT */
/*
 * fbcon.h: a text console drawn on a framebuffer the loader set up
 * (struct vmi_boot_fb): 8x16 cells in the built-in font (font8x16.txt,
 * made into fbcon_font by mkfont.py), light grey on black, scrolling.
 * Direct-colour pixels of 16, 24 or 32 bits, or EGA text cells.  Pure
 * code over the memory it is given, so the host tests draw into a buffer.
 *
 * The characters live in a shadow grid; a write changes the grid, then
 * draws only the cells that differ from what is on the screen, so a
 * scroll never reads the framebuffer (slow, uncached on a real PC) and
 * one write of many lines scrolls the screen once.  The rows a write
 * changed are tracked, and only those are compared: a one-character
 * write looks at one row, not the whole grid.
 */
#ifndef VMI_COMMON_FBCON_H
#define VMI_COMMON_FBCON_H

#include <stddef.h>
#include <stdint.h>

#include "vmi/types.h"

#define FBCON_CELL_W 8
#define FBCON_CELL_H 16
#define FBCON_FIRST 0x20            /* the font's first code, ' ' */
#define FBCON_GLYPHS 95             /* 0x20-0x7e */
/* Cells kept: a 4K screen of 8x16 cells (480x135) keeps its first 68
 * rows; anything smaller is used whole. */
#define FBCON_CELLS_MAX 32768

/* Each row: bit 7 is the leftmost pixel. */
extern const uint8_t fbcon_font[FBCON_GLYPHS][FBCON_CELL_H];

struct fbcon {
    uint8_t *base;                  /* the framebuffer's first byte */
    uint32_t pitch;                 /* bytes per line */
    unsigned bytes;                 /* per pixel: 2, 3 or 4; 0 for text */
    uint32_t fg, bg;                /* pixel values (text: attribute) */
    unsigned cols, rows;            /* cells */
    unsigned col, row;              /* where the next character goes */
    unsigned dirty_lo, dirty_hi;    /* rows [lo, hi) may differ from shown */
    uint8_t text[FBCON_CELLS_MAX];  /* what the screen should show */
    uint8_t shown[FBCON_CELLS_MAX]; /* what it shows */
};

/* Set (c) up on the framebuffer (fb) whose memory starts at (base), and
 * clear the screen.  Returns NULL, or (c untouched) a one-line reason the
 * framebuffer cannot be drawn on: indexed colour, an unsupported depth,
 * a screen smaller than one cell or a pitch too small for its width. */
const char *fbcon_init(struct fbcon *c, void *base, const struct vmi_boot_fb *fb);

/* Show (len) bytes of (buf): printable ASCII drawn, '\n' starts the next
 * line (scrolling at the bottom), '\r' returns to column 0, '\t' moves to
 * the next multiple of 8, '\b' back one column; any other byte shows as
 * '?'.  A line longer than the screen wraps. */
void fbcon_write(struct fbcon *c, const char *buf, size_t len);

#endif
