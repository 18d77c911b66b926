/* Fast kernels for exact ops on the cpu backend, each equal bit for bit to
 * the golden unit model it replaces (tests/test_exact_fast.c checks them
 * against golden on random and adversarial rows):
 *
 * RMMEC P8 (posit(8,0)): every p8e0 value is an integer multiple of 2^-6
 *   with |v| <= 64, so v * 64 fits an int16 and a product v_w * v_x is an
 *   integer in the quire8's lsb 2^-12. While sum |w_k x_k| < 2^31 (checked
 *   from a per-row bound), no partial sum of the 32-bit quire wraps or hits
 *   its NaR pattern, so the int32 sum of the products IS the quire, and the
 *   readout (one RNE rounding to fp32) is (float)acc * 2^-12.
 * RMMEC P16 (posit(16,1)): every value is m * 2^(s-28), |m| < 2^13, s in
 *   [0, 56], so a product is an integer in the quire16's lsb 2^-56 below
 *   2^112. Products are summed exactly in int64 bins by (s_w + s_x) / 16 and
 *   the bins combined in 128 bits; for K < 2^14 no partial sum of the quire
 *   reaches 2^127, so the total is the quire's value; readout: one RNE
 *   rounding to fp32.
 * RMMEC P4 / FP4: the same integer sums as P8 (p4e1 values are integers
 *   times 2^-4, products in the accumulator's lsb 2^-8; FP4 values are
 *   halves, products in its lsb 2^-2).
 * A NaR operand (or a row over the bound) goes to golden rmmec_dot.
 * avx2 != 0 (the CPU has AVX2) uses AVX2 integer multiply-adds: integer sums,
 * so the result is the same for every ISA; xf_p16_dot_f64 with avx2 = 2 (the
 * CPU has AVX-512F) sums in 8 double lanes (any order: the error bound holds
 * for every order, and the decision is exact). */
#ifndef LPCS_RT_EXACT_FAST_H
#define LPCS_RT_EXACT_FAST_H

#include <stddef.h>
#include <stdint.h>

#define XF_P8_NAR INT16_MIN /* marks a NaR in P8 values * 64 */
#define XF_P16_KMAX ((size_t)1 << 14)

/* Table-driven posit(n, es) conversions for n <= 16, equal to golden
 * posit_from_float / posit_to_float: the rounding boundary between positive
 * codes c and c + 1 is the (n+1)-bit posit 2c + 1 (RNE on the bit string;
 * a value on it goes to the even code), below minpos is minpos, above
 * maxpos is maxpos, and negation is two's complement. xf_ptab_init checks
 * every boundary, its float neighbours and their negations against golden;
 * ok = 0 (then use golden) if any differs. */
typedef struct {
    int n, es, ok;
    uint32_t maxpos; /* largest positive code */
    float *val;      /* [2^n] value of each code (NaR: NaN) */
    float *thr;      /* [maxpos]: thr[c] (1 <= c < maxpos) between codes c and c + 1 */
    /* Per fp32 binade (biased exponent E): where the codes are 2^f equally
     * spaced from code k0 = 2^(E-127) to the next binade (boundaries halfway),
     * the code is k0 + the top f mantissa bits rounded RNE; bf[E] = f, or -1:
     * binary search over thr. */
    uint32_t bk0[256];
    int8_t bf[256];
} xf_ptab;

int xf_ptab_init(xf_ptab *t, int n, int es); /* LPCS_OK or LPCS_ENOMEM (ok says if usable) */
void xf_ptab_free(xf_ptab *t);
uint32_t xf_ptab_encode(const xf_ptab *t, float x);

/* A p16e1 value v (as fp32, exact) -> v = m * 2^(s-28), m odd or 0;
 * returns 0 if v is no such value (NaN, Inf, out of range). */
int xf_p16_split(float v, int16_t *m, uint8_t *s);

/* The readout of sum w[k] * x[k] * 2^lsb_exp (w, x: integer values, no
 * NaR), the caller having checked sum |w x| < 2^31: P8 (values * 64, lsb
 * -12), P4 (values * 16, lsb -8), FP4 (values * 2, lsb -2). */
uint32_t xf_i16_dot(const int16_t *w, const int16_t *x, size_t n, int lsb_exp, int avx2);
/* The P16 readout of sum over k of the decoded products, no NaR, n < XF_P16_KMAX. */
uint32_t xf_p16_dot(const int16_t *wm, const uint8_t *ws, const int16_t *xm, const uint8_t *xs, size_t n);
/* The P16 readout by a double sum when that decides it: w, x the p16e1
 * values as floats (exact), bound >= sum |w_k x_k| (one rounding of slack
 * is covered). Returns 1 and the fp32 bits of the quire's rounding, or 0 when
 * the double sum's error interval straddles an fp32 rounding boundary
 * (then use xf_p16_dot). */
int xf_p16_dot_f64(const float *w, const float *x, size_t n, double bound, int avx2, uint32_t *out);
/* Integer dot of int8 codes (the LUT-GEMV unit's exact accumulator for one
 * row and one scale group: sum_k w_k x_k, as golden lutgemv_gemv's acc). */
int64_t xf_i8_dot(const int8_t *w, const int8_t *x, size_t n, int avx2);
/* fp32 bits of the exact value v * 2^lsb_exp rounded once (RNE); v != 0
 * results must be normal floats (true for every RMMEC accumulator). */
uint32_t xf_i128_to_f32(__int128 v, int lsb_exp);

#endif
