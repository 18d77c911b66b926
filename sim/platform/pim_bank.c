/* The platform's PIM LUT-GEMV bank and shift-MAC engine (pim_bank.h). */
#include "pim_bank.h"

#include <stdlib.h>
#include <string.h>

#include "intq.h"
#include "platform_api.h"
#include "shiftmac.h"
#include "status.h"
#include "ternary.h"

size_t pim_row_bytes(const lutgemv_cfg *c) { return plat_lut_row_bytes(c); }

/* Field k of w_bits bits of a row's code stream (LSB first). */
static unsigned field(const uint8_t *codes, size_t k, int w_bits) {
    size_t bit = k * (size_t)w_bits;
    unsigned v = codes[bit / 8] | (bit / 8 + 1 < (bit + (size_t)w_bits + 7) / 8 ? (unsigned)codes[bit / 8 + 1] << 8 : 0u);
    return (v >> (bit % 8)) & ((1u << w_bits) - 1u);
}

int pim_bank_input(pim_bank *b, const lutgemv_cfg *c, int entry_bits, const float *x) {
    memset(b, 0, sizeof *b);
    if (!c || !x || lutgemv_cfg_check(c) || c->batch != 1 || c->qgroup || entry_bits < 2 || entry_bits > 32)
        return LPCS_EINVAL;
    b->c = *c, b->entry_bits = entry_bits;
    size_t K = c->cols, G = lutgemv_groups(c);
    /* the table word holds every entry the weight range can give (lutgemv_entry_bits is tight) */
    if (lutgemv_entry_bits(c) > entry_bits) return LPCS_ERANGE;
    b->xq = calloc(G * (size_t)c->g, 1), b->idx = calloc(G * (size_t)c->a_bits, 1), b->wrow = calloc(G * (size_t)c->g, 1);
    if (!b->xq || !b->idx || !b->wrow) return LPCS_ENOMEM;
    /* the unit input: a_bits codes, per-token absmax scale (padding codes stay 0) */
    b->x_scale = intq_scale_for_absmax(c->a_bits, intq_absmax(x, K));
    int best = -1;
    for (size_t k = 0; k < K; k++) {
        b->xq[k] = intq_quantize_one(c->a_bits, x[k], b->x_scale);
        if (abs(b->xq[k]) > best) best = abs(b->xq[k]), b->fault_col = k;
    }
    /* bit plane p of group grp: the index whose bit j is bit p of code grp*g + j */
    for (size_t grp = 0; grp < G; grp++)
        for (int p = 0; p < c->a_bits; p++) {
            unsigned i = 0;
            for (int j = 0; j < c->g; j++) i |= (((unsigned)(uint8_t)b->xq[grp * (size_t)c->g + (size_t)j] >> p) & 1u) << j;
            b->idx[grp * (size_t)c->a_bits + (size_t)p] = (uint8_t)i;
        }
    return LPCS_OK;
}

void pim_bank_free(pim_bank *b) {
    free(b->xq), free(b->idx), free(b->wrow);
    b->xq = NULL, b->idx = NULL, b->wrow = NULL;
}

/* A row's codes from the buffer as integers (the bank's weight read). */
static int unpack_row(const pim_bank *b, const uint8_t *codes) {
    const lutgemv_cfg *c = &b->c;
    size_t K = c->cols;
    int wb = c->w_bits;
    int8_t *w = b->wrow;
    if (wb == 4) {
        for (size_t k = 0; k < K; k++) w[k] = (int8_t)(int8_t)((codes[k / 2] >> (4 * (k % 2))) << 4) >> 4;
        return LPCS_OK;
    }
    for (size_t k = 0; k < K; k++) {
        unsigned f = field(codes, k, wb);
        if (c->w_kind == LUTGEMV_W_TERNARY && f == 2u) return LPCS_EFORMAT;
        w[k] = (int8_t)((int)f - (f >> (wb - 1) ? (1 << wb) : 0)); /* two's complement */
    }
    return LPCS_OK;
}

/* The bank's accumulator over a row's G groups: per group the table of its
 * g weights (entry i adds the weights its set bits select), then the a_bits
 * bit-serial lookups from the sign plane down. g a constant where inlined. */
static inline __attribute__((always_inline)) int64_t row_lookups(const int8_t *wrow, const uint8_t *idx, size_t G,
                                                                  int ab, int g) {
    int32_t T[1 << LUTGEMV_G_MAX];
    int64_t acc = 0;
    for (size_t grp = 0; grp < G; grp++) {
        const int8_t *w = wrow + grp * (size_t)g; /* padding weights are 0 */
        T[0] = 0;
        for (int j = 0; j < g; j++)
            for (int i = 0; i < (1 << j); i++) T[(1 << j) + i] = T[i] + w[j];
        const uint8_t *ix = idx + grp * (size_t)ab;
        int64_t sum = -(int64_t)T[ix[ab - 1]];
        for (int p = ab - 2; p >= 0; p--) sum = 2 * sum + T[ix[p]];
        acc += sum;
    }
    return acc;
}

int pim_bank_rows(const pim_bank *b, const uint8_t *tile, size_t n, float *y) {
    const lutgemv_cfg *c = &b->c;
    size_t G = lutgemv_groups(c), rb = pim_row_bytes(c);
    int ab = c->a_bits;
    lutgemv_cfg one = *c;
    one.rows = 1;
    for (size_t r = 0; r < n; r++) {
        const uint8_t *row = tile + r * rb;
        float scale;
        memcpy(&scale, row, 4);
        int st = unpack_row(b, row + 4);
        if (st) return st;
        int64_t acc;
        switch (c->g) { /* the common group sizes with the table size known */
        case 2: acc = row_lookups(b->wrow, b->idx, G, ab, 2); break;
        case 4: acc = row_lookups(b->wrow, b->idx, G, ab, 4); break;
        default: acc = row_lookups(b->wrow, b->idx, G, ab, c->g);
        }
        if (lutgemv_convert(&one, &acc, &scale, &b->x_scale, &y[r])) return LPCS_EINVAL;
    }
    return LPCS_OK;
}

void pim_bank_corrupt(const pim_bank *b, uint8_t *row) {
    int wb = b->c.w_bits;
    size_t bit = b->fault_col * (size_t)wb;
    unsigned f = field(row + 4, b->fault_col, wb);
    /* int: the second-highest bit (the top one for 1 bit); ternary: 0 <-> +1, -1 -> +1 */
    int flip = b->c.w_kind == LUTGEMV_W_TERNARY ? (f == 3u ? 1 : 0) : wb >= 2 ? wb - 2 : 0;
    size_t at = bit + (size_t)flip;
    row[4 + at / 8] ^= (uint8_t)(1u << (at % 8));
}

size_t shift_row_bytes(size_t cols) { return plat_shift_row_bytes(cols); }

int shift_engine_input(shift_engine *e, size_t cols, const float *x) {
    memset(e, 0, sizeof *e);
    if (!x || !cols || cols > SHIFTMAC_MAX_COLS) return LPCS_EINVAL;
    e->cols = cols;
    e->xq = malloc(cols);
    if (!e->xq) return LPCS_ENOMEM;
    int st = act_quant_absmax_i8(x, cols, e->xq, &e->s); /* step 1, on the vector unit */
    int best = -1;
    for (size_t k = 0; k < cols; k++)
        if (abs(e->xq[k]) > best) best = abs(e->xq[k]), e->fault_col = k;
    return st;
}

void shift_engine_free(shift_engine *e) {
    free(e->xq);
    e->xq = NULL;
}

int shift_engine_rows(const shift_engine *e, const uint8_t *tile, size_t n, float *y) {
    size_t rb = shift_row_bytes(e->cols);
    for (size_t r = 0; r < n; r++) {
        const uint8_t *row = tile + r * rb;
        float alpha;
        memcpy(&alpha, row, 4);
        int32_t acc = 0; /* step 2: |acc| <= 2^30, exact */
        for (size_t k = 0; k < e->cols; k++) {
            unsigned code = (row[4 + k / 2] >> (4 * (k % 2))) & 15u;
            int32_t p = (int32_t)e->xq[k] * (1 << (7 - (code & 7u))); /* the shift */
            acc += code & 8u ? -p : p;
        }
        float ws = alpha * 0x1p-7f; /* step 3 */
        int st = shiftmac_dequant(&acc, 1, e->s, &ws, &y[r]); /* step 4: the unit's fp32 readout */
        if (st) return st;
    }
    return LPCS_OK;
}

void shift_engine_corrupt(const shift_engine *e, uint8_t *row) {
    row[4 + e->fault_col / 2] ^= (uint8_t)(8u << (4 * (e->fault_col % 2)));
}
