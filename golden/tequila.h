/* Tequila-style ternary variant: per-group scales plus a precomputed bias
 * that keeps the dead-zone weights' contribution (after the Tequila
 * abstract, ../shared/seeds: weights trapped in the dead zone are
 * "repurposed as dynamic biases" at "nearly zero inference overhead").
 * The exact definition below is lpcs's own:
 *
 * Quantize a latent matrix W[rows][cols] with group size G and factor lambda:
 *   group g of row r = columns [g*G, min((g+1)*G, cols)), n_g of them
 *   alpha[r][g] = max((float)(sum_{k in g} |W[r][k]| / (double)n_g), 1e-5f)
 *                 (sequential double sum, one rounding to fp32)
 *   q[r][k]     = clamp(rne(W[r][k] * (1.0f / alpha[r][g])), -1, 1)   (fp32)
 *   dead zone   D_r = { k : q[r][k] == 0 }
 *   bias[r]     = lambda * (float)(sum_{k in D_r} W[r][k])            (double sum, fp32 product)
 * Forward for int8 activations xq with per-token scale s (act_quant_absmax_i8):
 *   acc[r][g]   = sum_{k in g} q[r][k] * xq[k]                         (exact int32)
 *   t = 0.0f; for g in order: t = t + ((float)acc[r][g] * alpha[r][g]) (fp32, no FMA)
 *   y[r]        = (t / s) + bias[r]
 * i.e. the ternary part is the usual add/subtract GEMV per group; the dead
 * zone contributes one precomputed add per output. Weights use the packed
 * ternary.h layout, rows padded to a byte. */
#ifndef LPCS_GOLDEN_TEQUILA_H
#define LPCS_GOLDEN_TEQUILA_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    size_t rows, cols, group, groups; /* groups = ceil(cols / group) */
    uint8_t *packed;                  /* [rows][ternary_row_bytes(cols)] */
    float *alpha;                     /* [rows][groups] */
    float *bias;                      /* [rows] */
    float lambda;
} tequila_matrix;

int tequila_quantize(const float *w, size_t rows, size_t cols, size_t group, float lambda, tequila_matrix *M);
void tequila_free(tequila_matrix *M);
/* w_hat[r][k] = q * alpha (the ternary part; the bias is separate). */
int tequila_dequantize(const tequila_matrix *M, float *w_hat);
/* y[rows] from int8 activations xq[cols] with scale s (see above). */
int tequila_gemv(const tequila_matrix *M, const int8_t *xq, float s, float *y);

#ifdef __cplusplus
}
#endif
#endif
