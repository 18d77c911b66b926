/* Posit arithmetic posit(n, es) for every 2 <= n <= 32 and 0 <= es <= 3.
 *
 * A posit value is a uint32_t holding the n-bit pattern in its low n bits
 * (bits above n are ignored on input and zero on output). NaR = 1 followed by
 * n-1 zeros. Every operation rounds once, round-to-nearest-even on the posit
 * bit string (so where exponent bits are cut off, the tie point is the
 * posit(n+1, es) value between two neighbours), saturates to +-maxpos above
 * maxpos, and never rounds a nonzero value to 0 or to NaR (below minpos gives
 * +-minpos). This is SoftPosit's behaviour, checked against its vectors.
 *
 * Presets: SoftPosit's (pre-2022 draft) p8e0, p16e1, p32e2 and p4e1; the 2022
 * posit standard fixes es = 2 for every width: posit8 = p8e2, posit16 = p16e2,
 * posit32 = p32e2 (POSIT_STD8/16/32).
 *
 * A call with an invalid configuration (posit_cfg_check != LPCS_OK) returns
 * 0 (and never has undefined behaviour); validate configurations once with
 * posit_cfg_check. */
#ifndef LPCS_GOLDEN_POSIT_H
#define LPCS_GOLDEN_POSIT_H

#include <stdint.h>
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct { int n, es; } posit_cfg;   /* 2 <= n <= 32, 0 <= es <= 3 */

#define POSIT_N_MIN 2
#define POSIT_N_MAX 32
#define POSIT_ES_MAX 3

static inline posit_cfg posit_cfg_make(int n, int es) { posit_cfg c; c.n = n; c.es = es; return c; }
#define POSIT_P4E1  posit_cfg_make(4, 1)
#define POSIT_P8E0  posit_cfg_make(8, 0)    /* SoftPosit posit8  */
#define POSIT_P16E1 posit_cfg_make(16, 1)   /* SoftPosit posit16 */
#define POSIT_P32E2 posit_cfg_make(32, 2)   /* SoftPosit posit32 = 2022 posit32 */
#define POSIT_P8E2  posit_cfg_make(8, 2)
#define POSIT_P16E2 posit_cfg_make(16, 2)
#define POSIT_STD8  POSIT_P8E2              /* 2022 standard names */
#define POSIT_STD16 POSIT_P16E2
#define POSIT_STD32 POSIT_P32E2

/* LPCS_OK for a supported (n, es), LPCS_ERANGE otherwise. */
int posit_cfg_check(posit_cfg c);

uint32_t posit_nar(posit_cfg c);
uint32_t posit_maxpos(posit_cfg c);
uint32_t posit_minpos(posit_cfg c);
uint32_t posit_one(posit_cfg c);
/* Largest |scale|: maxpos = 2^posit_max_scale(c), minpos = 2^-posit_max_scale(c). */
int posit_max_scale(posit_cfg c);
int posit_is_nar(posit_cfg c, uint32_t p);

/* Conversions. NaN/Inf -> NaR, +-0 -> 0, RNE, saturating. to_double is exact
 * (NaR -> NaN); to_float rounds the exact value once (RNE, may overflow to
 * Inf or underflow for es = 3). */
uint32_t posit_from_double(posit_cfg c, double x);
uint32_t posit_from_float(posit_cfg c, float x);
double   posit_to_double(posit_cfg c, uint32_t p);
float    posit_to_float(posit_cfg c, uint32_t p);
/* Between configurations, rounded once. */
uint32_t posit_convert(posit_cfg from, uint32_t p, posit_cfg to);

/* Arithmetic, each rounded once. NaR in -> NaR out; x/0 -> NaR;
 * sqrt of a negative -> NaR. */
uint32_t posit_add(posit_cfg c, uint32_t a, uint32_t b);
uint32_t posit_sub(posit_cfg c, uint32_t a, uint32_t b);
uint32_t posit_mul(posit_cfg c, uint32_t a, uint32_t b);
uint32_t posit_div(posit_cfg c, uint32_t a, uint32_t b);
uint32_t posit_sqrt(posit_cfg c, uint32_t a);
uint32_t posit_fma(posit_cfg c, uint32_t a, uint32_t b, uint32_t d); /* a*b+d */
uint32_t posit_neg(posit_cfg c, uint32_t a);
uint32_t posit_abs(posit_cfg c, uint32_t a);

/* Total order of the 2's complement patterns: NaR is the smallest.
 * cmp returns -1, 0 or 1. */
int posit_cmp(posit_cfg c, uint32_t a, uint32_t b);
int posit_eq(posit_cfg c, uint32_t a, uint32_t b);
int posit_lt(posit_cfg c, uint32_t a, uint32_t b);
int posit_le(posit_cfg c, uint32_t a, uint32_t b);

/* Exact decode: value = (-1)^sign * sig * 2^(scale - frac_bits), where
 * sig = 1.fraction with frac_bits fraction bits (the ones present in the
 * pattern). Zero and NaR set is_zero / is_nar and sig = 0. */
typedef struct {
    int is_zero, is_nar, sign, scale, frac_bits;
    uint32_t sig;
} posit_parts;
posit_parts posit_decode(posit_cfg c, uint32_t p);

/* Round (-1)^sign * (mag + sticky*epsilon) * 2^exp2 to posit(c), once.
 * sticky != 0 means "some nonzero bits lie below mag's last bit" (mag must
 * then be nonzero). mag = 0 (and sticky = 0) gives 0. Used by accumulators
 * (quires, RMMEC) to round exact sums. */
uint32_t posit_round(posit_cfg c, int sign, int exp2, uint64_t mag, int sticky);

/* Fixed-configuration fast paths (same results as the generic calls). */
uint32_t posit_p8e0_add(uint32_t a, uint32_t b);
uint32_t posit_p8e0_mul(uint32_t a, uint32_t b);
uint32_t posit_p8e0_div(uint32_t a, uint32_t b);
uint32_t posit_p16e1_add(uint32_t a, uint32_t b);
uint32_t posit_p16e1_sub(uint32_t a, uint32_t b);
uint32_t posit_p16e1_mul(uint32_t a, uint32_t b);
uint32_t posit_p16e1_div(uint32_t a, uint32_t b);
uint32_t posit_p32e2_add(uint32_t a, uint32_t b);
uint32_t posit_p32e2_mul(uint32_t a, uint32_t b);
uint32_t posit_p32e2_div(uint32_t a, uint32_t b);

#ifdef __cplusplus
}
#endif
#endif
