/* The platform's SRAM-PIM LUT-GEMV bank (golden/lutgemv.h, after SAIL) and
 * shift-MAC engine (golden/shiftmac.h): each computes one tile of weight
 * rows from the tile buffer the DMA filled, in the unit's storage format
 * (platform_api.h, PD_GEMV_LUT / PD_GEMV_SHIFTMAC), with the unit's integer
 * arithmetic. Layer sim: golden only, never the runtime's kernels.
 *
 * PIM bank, per op: the input stage converts the fp32 activation to a_bits
 * codes with a per-token absmax scale (golden intq's rule, the unit input)
 * and splits each group of g codes into its a_bits bit-plane indices; per
 * weight row of a tile it unpacks the codes from the buffer, builds the row's
 * lookup tables (2^g entries per group, each the sum of the weights its index
 * selects; the op is refused when the design point's table entry width
 * cannot hold the weight range's entries), sums the
 * bit-serial lookups (plane p weighted 2^p, the sign plane -2^(a_bits-1))
 * into an exact int64 accumulator, and converts it to fp32 with golden
 * lutgemv_convert (the unit's in-memory conversion, called like the RMMEC's
 * golden readout).
 *
 * Shift-MAC engine, per op: int8 absmax activations (golden
 * act_quant_absmax_i8, the vector unit's step 1), per row of a tile the exact
 * int32 sum of the activations shifted by 7 - e and signed, then step 4 of
 * golden/shiftmac.h ((float)acc / s) * (alpha * 2^-7) in fp32. */
#ifndef LPCS_SIM_PIM_BANK_H
#define LPCS_SIM_PIM_BANK_H

#include <stddef.h>
#include <stdint.h>

#include "lutgemv.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One op's staged input in the bank (owns its arrays). */
typedef struct {
    lutgemv_cfg c;    /* rows, cols, g, w_bits, w_kind, a_bits (batch 1, one scale per row) */
    int entry_bits;   /* the table word width of the design point */
    float x_scale;    /* per-token activation scale */
    int8_t *xq;       /* [cols] activation codes */
    uint8_t *idx;     /* [groups][a_bits] bit-plane table indices */
    int8_t *wrow;     /* [groups * g] scratch: one row's weights as read from the buffer */
    size_t fault_col; /* the column of the largest |code| (the test hook's target) */
} pim_bank;

/* Bytes of one weight row in the bank's storage format: the fp32 scale, then
 * cols codes of w_bits bits (LSB first, two's complement; ternary 2 bits:
 * 00 = 0, 01 = +1, 11 = -1, 10 invalid). */
size_t pim_row_bytes(const lutgemv_cfg *c);
/* The input stage for activation x [c->cols]. LPCS_EINVAL on a bad cfg. */
int pim_bank_input(pim_bank *b, const lutgemv_cfg *c, int entry_bits, const float *x);
void pim_bank_free(pim_bank *b);
/* y[0..n) from n rows of the tile buffer. LPCS_EFORMAT: an invalid ternary
 * code. (pim_bank_input: LPCS_ERANGE when entries need more than entry_bits.) */
int pim_bank_rows(const pim_bank *b, const uint8_t *tile, size_t n, float *y);
/* Test hook: flips one bit of the code at fault_col in a row of the buffer
 * (always another valid weight). */
void pim_bank_corrupt(const pim_bank *b, uint8_t *row);

typedef struct {
    size_t cols;
    float s;          /* activation scale (act_quant_absmax_i8) */
    int8_t *xq;       /* [cols] */
    size_t fault_col;
} shift_engine;

/* Bytes of one row: the fp32 alpha, then shiftmac_row_bytes(cols) packed codes. */
size_t shift_row_bytes(size_t cols);
int shift_engine_input(shift_engine *e, size_t cols, const float *x);
void shift_engine_free(shift_engine *e);
int shift_engine_rows(const shift_engine *e, const uint8_t *tile, size_t n, float *y);
/* Test hook: flips the sign bit of the code at fault_col in a row. */
void shift_engine_corrupt(const shift_engine *e, uint8_t *row);

#ifdef __cplusplus
}
#endif
#endif
