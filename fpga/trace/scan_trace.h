/* Writes scan traces for fpga/tb/scan_tb.v: one line per unit cycle,
 * "<inputs hex> <expected outputs hex> <care mask hex>", fields packed at the
 * offsets of the generated layout.h (FPGA_IN_<port>_OFF/_W, FPGA_OUT_...).
 * Header-only: each trace generator is one small C file. */
#ifndef FPGA_SCAN_TRACE_H
#define FPGA_SCAN_TRACE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"

#define SCAN_WORDS(bits) (((bits) + 63) / 64)

typedef struct {
    uint64_t in[SCAN_WORDS(FPGA_IN_LEN)];
    uint64_t exp[SCAN_WORDS(FPGA_OUT_LEN)];
    uint64_t mask[SCAN_WORDS(FPGA_OUT_LEN)];
} scan_cycle;

/* Sets bits [off, off+width) of v from the little-endian words val[]. */
static inline void scan_put(uint64_t *v, int nbits, int off, int width, const uint64_t *val)
{
    if (off < 0 || width < 0 || off + width > nbits) {
        fprintf(stderr, "scan_put: field [%d,+%d) outside %d bits\n", off, width, nbits);
        exit(2);
    }
    for (int i = 0; i < width; i++) {
        uint64_t bit = (val[i / 64] >> (i % 64)) & 1u;
        int j = off + i;
        v[j / 64] = (v[j / 64] & ~(1ull << (j % 64))) | (bit << (j % 64));
    }
}

static inline void scan_put64(uint64_t *v, int nbits, int off, int width, uint64_t val)
{
    uint64_t w[2] = {val, (uint64_t)((int64_t)val >> 63)}; /* sign-extends past 64 */
    if (width > 128) {
        fprintf(stderr, "scan_put64: width %d > 128, use scan_put\n", width);
        exit(2);
    }
    scan_put(v, nbits, off, width, w);
}

/* Input port NAME := value (truncated to the port width). */
#define SCAN_IN(c, name, val) \
    scan_put64((c)->in, FPGA_IN_LEN, FPGA_IN_##name##_OFF, FPGA_IN_##name##_W, (uint64_t)(val))
/* Output port NAME must equal value (all its bits cared for). */
#define SCAN_EXPECT(c, name, val)                                                            \
    do {                                                                                     \
        scan_put64((c)->exp, FPGA_OUT_LEN, FPGA_OUT_##name##_OFF, FPGA_OUT_##name##_W,       \
                   (uint64_t)(val));                                                         \
        scan_put64((c)->mask, FPGA_OUT_LEN, FPGA_OUT_##name##_OFF, FPGA_OUT_##name##_W,      \
                   ~0ull);                                                                   \
    } while (0)
/* Wide variants: val is a little-endian uint64_t array. */
#define SCAN_IN_WIDE(c, name, arr) \
    scan_put((c)->in, FPGA_IN_LEN, FPGA_IN_##name##_OFF, FPGA_IN_##name##_W, (arr))
#define SCAN_EXPECT_WIDE(c, name, arr)                                                        \
    do {                                                                                      \
        uint64_t all_[SCAN_WORDS(FPGA_OUT_LEN)];                                              \
        memset(all_, 0xff, sizeof all_);                                                      \
        scan_put((c)->exp, FPGA_OUT_LEN, FPGA_OUT_##name##_OFF, FPGA_OUT_##name##_W, (arr));  \
        scan_put((c)->mask, FPGA_OUT_LEN, FPGA_OUT_##name##_OFF, FPGA_OUT_##name##_W, all_);  \
    } while (0)

static inline void scan_hex(FILE *f, const uint64_t *v, int nbits)
{
    int digits = (nbits + 3) / 4;
    for (int d = digits - 1; d >= 0; d--) {
        int bit = d * 4;
        unsigned nib = (unsigned)((v[bit / 64] >> (bit % 64)) & 0xf);
        fputc("0123456789abcdef"[nib], f);
    }
}

/* Writes the cycle and clears it for the next one (inputs are kept: a port
 * holds its value until set again, like a register driving it). */
static inline void scan_emit(FILE *f, scan_cycle *c)
{
    scan_hex(f, c->in, FPGA_IN_LEN);
    fputc(' ', f);
    scan_hex(f, c->exp, FPGA_OUT_LEN);
    fputc(' ', f);
    scan_hex(f, c->mask, FPGA_OUT_LEN);
    fputc('\n', f);
    memset(c->exp, 0, sizeof c->exp);
    memset(c->mask, 0, sizeof c->mask);
}

#endif
