/* RMMEC: functional (cycle-agnostic) model of the reconfigurable-mantissa
 * posit/FP4 SIMD multiply-accumulate unit (after XR-NPE; contract in
 * docs/SPEC.md "RMMEC"). This is the bit-exact reference for rtl/rmmec.v.
 *
 * Operand words are 16 bits; lane 0 sits in the LOW bits:
 *   RMMEC_FP4  4 lanes of FP4 E2M1   lane k = bits [4k+3:4k]
 *   RMMEC_P4   4 lanes of posit(4,1) lane k = bits [4k+3:4k]
 *   RMMEC_P8   2 lanes of posit(8,0) lane k = bits [8k+7:8k]
 *   RMMEC_P16  1 lane  of posit(16,1)
 * One accumulate adds sum_k a_k * b_k to the accumulator exactly.
 *
 * Accumulators (all two's complement, wrapping modulo 2^width):
 *   FP4: 32 bits, lsb 2^-2 (every FP4 product is a multiple of 1/4, |p| <= 36)
 *   P4 : 32 bits, lsb 2^-8 (p4e1 products are powers of two 2^-8 .. 2^8)
 *   P8 : quire8_t  (golden/quire.h, 32 bits, lsb 2^-12)
 *   P16: quire16_t (golden/quire.h, 128 bits, lsb 2^-56)
 * NaR in any lane of either operand (posit modes) makes the accumulator NaR
 * until cleared (sticky). In P8/P16 the quire's own semantics apply (SoftPosit:
 * a sum that lands exactly on the quire NaR pattern becomes 0); in P8 the two
 * lanes are applied in order (lane 0, then lane 1), each as one quire8 fdp_add,
 * so a word's result equals SoftPosit's sequential dot product. The P4
 * accumulator keeps NaR in a flag and wraps without special patterns.
 * FP4 has no NaN/Inf (and -0 is a zero).
 *
 * Readout rounds the exact accumulator once (RNE):
 *   RMMEC_OUT_POSIT  posit of the mode (p4e1 / p8e0 / p16e1), not in FP4 mode
 *   RMMEC_OUT_P16E1  posit(16,1), not in FP4 mode
 *   RMMEC_OUT_FP32   IEEE binary32 bits (zero -> +0, NaR -> 0x7FC00000)
 *   RMMEC_OUT_BF16   bfloat16 bits in the low 16 bits (NaR -> 0x7FC0)
 * Posits saturate to maxpos/minpos and never round to 0 or NaR. Every
 * accumulator value lies in the normal range of fp32/bf16 (2^-56 .. 2^127),
 * so the float readouts only round the significand. They round the exact
 * (up to 128-bit) value directly, not through a double, so the quire16
 * readout is rounded once too (tests cross-check the 32-bit modes against
 * golden/minifloat). */
#ifndef LPCS_GOLDEN_RMMEC_H
#define LPCS_GOLDEN_RMMEC_H

#include <stddef.h>
#include <stdint.h>

#include "quire.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { RMMEC_FP4 = 0, RMMEC_P4 = 1, RMMEC_P8 = 2, RMMEC_P16 = 3, RMMEC_MODE_COUNT } rmmec_mode;
typedef enum {
    RMMEC_OUT_POSIT = 0,
    RMMEC_OUT_P16E1 = 1,
    RMMEC_OUT_FP32 = 2,
    RMMEC_OUT_BF16 = 3,
    RMMEC_OUT_COUNT
} rmmec_out;

/* The same numeric codes are used by the RTL ports in_mode / in_fmt. */

typedef struct {
    rmmec_mode mode;
    int nar;          /* sticky NaR (P4 only; P8/P16 use the quire's NaR) */
    uint32_t fx;      /* FP4 / P4 fixed-point accumulator (two's complement) */
    quire8_t q8;      /* P8 */
    quire16_t q16;    /* P16 */
} rmmec_state;

int rmmec_lanes(rmmec_mode mode);                 /* 4, 4, 2, 1; 0 if unknown */
const char *rmmec_mode_name(rmmec_mode mode);     /* "fp4" "p4" "p8" "p16"; "?" */
const char *rmmec_out_name(rmmec_out f);          /* "posit" "p16e1" "fp32" "bf16"; "?" */
int rmmec_out_valid(rmmec_mode mode, rmmec_out f); /* 1 if the pair is supported */

/* Sets the mode and clears. LPCS_EINVAL on NULL or an unknown mode. */
int rmmec_init(rmmec_state *s, rmmec_mode mode);
void rmmec_clear(rmmec_state *s);                 /* NULL is ignored */
/* acc += sum over lanes a_k * b_k, exactly. LPCS_EINVAL on NULL. */
int rmmec_accumulate(rmmec_state *s, uint16_t a_word, uint16_t b_word);
/* Rounds the accumulator once to format f. LPCS_EINVAL on NULL,
 * LPCS_EUNSUPPORTED for a format the mode does not offer. */
int rmmec_readout(const rmmec_state *s, rmmec_out f, uint32_t *out);
int rmmec_is_nar(const rmmec_state *s);

/* The accumulator as a 128-bit two's complement integer (sign-extended in
 * the 32-bit modes) and the weight of its lsb, 2^-frac_bits. */
int rmmec_acc_bits(const rmmec_state *s, uint64_t *lo, uint64_t *hi, int *frac_bits);

/* Vector API over packed operand words (n words = n * lanes elements).
 * dot: clear, accumulate a[i], b[i] for i < n, read out. */
int rmmec_dot(rmmec_mode mode, const uint16_t *a, const uint16_t *b, size_t n,
              rmmec_out f, uint32_t *out);
/* GEMV: y[r] = dot(W row r, x), W row-major with `cols` words per row. */
int rmmec_gemv(rmmec_mode mode, const uint16_t *w, size_t rows, size_t cols,
               const uint16_t *x, rmmec_out f, uint32_t *y);

#ifdef __cplusplus
}
#endif
#endif
