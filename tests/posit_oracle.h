/* An exact posit oracle that shares no code with golden/posit.c.
 *
 * Values are dyadic rationals (-1)^sign * m * 2^e. A posit is decoded by
 * walking its bits one at a time. An operation's exact result x is never
 * formed; instead the oracle can tell sign(x - t) for any dyadic t exactly
 * (a signed sum of dyadic terms evaluated in a wide integer), and the result
 * is found by bisecting the posit patterns, which are sorted by value.
 * Rounding is round-to-nearest on the posit bit string, ties to even: the
 * tie point between neighbours p and p+1 is the posit(n+1, es) value of the
 * pattern 2p+1; below minpos -> minpos, above maxpos -> maxpos. */
#ifndef LPCS_TESTS_POSIT_ORACLE_H
#define LPCS_TESTS_POSIT_ORACLE_H

#include <stdint.h>

typedef struct {
    int sign;   /* 1 = negative */
    uint64_t m; /* 0 = the value zero */
    int e;
} orc_dy;

/* Decodes an n-bit pattern (2 <= n <= 40) of posit(n, es). Returns 0 for
 * NaR, 1 otherwise. */
int orc_decode(int n, int es, uint64_t p, orc_dy *out);

/* sign(sum of terms): -1, 0 or 1. At most ORC_MAX_TERMS terms, each m < 2^64,
 * exponents within +-2000. */
#define ORC_MAX_TERMS 72
int orc_sign_of_sum(const orc_dy *t, int k);

/* Tie rule used by orc_round: the posit bit-string rule (the standard), or,
 * for the negative test only, the arithmetic midpoint of the neighbours. */
typedef enum { ORC_TIE_BITSTRING, ORC_TIE_ARITH_MIDPOINT } orc_tie;

/* The exact result is described by a list of terms whose sum is x - t when
 * t is appended: x = sum(terms). Rounds x to posit(n, es). */
uint32_t orc_round_sum(int n, int es, const orc_dy *terms, int k, orc_tie tie);

/* Operations (NaR rules: any NaR -> NaR, x/0 -> NaR, sqrt(<0) -> NaR). */
uint32_t orc_add(int n, int es, uint32_t a, uint32_t b);
uint32_t orc_sub(int n, int es, uint32_t a, uint32_t b);
uint32_t orc_mul(int n, int es, uint32_t a, uint32_t b);
uint32_t orc_mul_tie(int n, int es, uint32_t a, uint32_t b, orc_tie tie);
uint32_t orc_div(int n, int es, uint32_t a, uint32_t b);
uint32_t orc_sqrt(int n, int es, uint32_t a);
uint32_t orc_fma(int n, int es, uint32_t a, uint32_t b, uint32_t d);
uint32_t orc_from_double(int n, int es, double x);
uint32_t orc_convert(int n1, int es1, uint32_t p, int n2, int es2);
/* sum a[i]*b[i], k <= ORC_MAX_TERMS - 1 */
uint32_t orc_fdp(int n, int es, const uint32_t *a, const uint32_t *b, int k);

#endif
