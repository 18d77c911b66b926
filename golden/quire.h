/* Quires: exact accumulators for fused dot products of posits.
 *
 * quire8_t / quire16_t are bit-compatible with SoftPosit's quire8 (posit8 =
 * p8e0) and quire16 (posit16 = p16e1): two's complement fixed point that
 * wraps on overflow.
 *   quire8 : 32 bits, lsb 2^-12 (1 sign, 7 carry guard, 12 integer, 12 fraction bits)
 *   quire16: 128 bits, lsb 2^-56 (hi = bits 127..64, lo = bits 63..0;
 *            1 sign, 15 carry guard, 56 integer, 56 fraction bits)
 * NaR is the pattern 1000...0. As in SoftPosit, an accumulation whose
 * result wraps onto exactly that pattern yields 0 (not NaR), and a NaR
 * operand (or a NaR quire) makes the quire NaR.
 *
 * posit_quire is a generic exact accumulator for any posit_cfg: fixed size,
 * no malloc, lsb 2^(-2*maxscale), 32+ carry guard bits (wraps after about 2^31
 * maximal products), NaR kept as a separate flag. posit_fdp is the one-call
 * fused dot product. */
#ifndef LPCS_GOLDEN_QUIRE_H
#define LPCS_GOLDEN_QUIRE_H

#include <stddef.h>
#include <stdint.h>
#include "posit.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct { uint32_t bits; } quire8_t;     /* p8e0: 32 bits, 2^-12 lsb */
typedef struct { uint64_t lo, hi; } quire16_t;  /* p16e1: 128 bits, 2^-56 lsb */

quire8_t quire8_clear(void);
quire8_t quire8_fdp_add(quire8_t q, uint32_t a, uint32_t b); /* q + a*b, exact */
quire8_t quire8_fdp_sub(quire8_t q, uint32_t a, uint32_t b); /* q - a*b, exact */
uint32_t quire8_to_posit(quire8_t q);                        /* round once to p8e0 */
int quire8_is_nar(quire8_t q);

quire16_t quire16_clear(void);
quire16_t quire16_fdp_add(quire16_t q, uint32_t a, uint32_t b);
quire16_t quire16_fdp_sub(quire16_t q, uint32_t a, uint32_t b);
uint32_t quire16_to_posit(quire16_t q);                      /* round once to p16e1 */
int quire16_is_nar(quire16_t q);

/* Generic quire. 16 words cover the widest configuration (n=32, es=3). */
#define PQUIRE_MAX_WORDS 16
typedef struct posit_quire {
    posit_cfg cfg;
    int nwords;   /* words in use, little-endian, two's complement */
    int lsb_exp;  /* weight of bit 0 is 2^lsb_exp */
    int nar;
    uint64_t w[PQUIRE_MAX_WORDS];
} posit_quire;

/* LPCS_EINVAL for q == NULL, LPCS_ERANGE for a bad cfg (q is then unusable:
 * the calls below leave it alone and pquire_to_posit returns 0). */
int pquire_init(posit_quire *q, posit_cfg c);
void pquire_clear(posit_quire *q);
void pquire_fdp_add(posit_quire *q, uint32_t a, uint32_t b); /* q += a*b exactly */
void pquire_fdp_sub(posit_quire *q, uint32_t a, uint32_t b); /* q -= a*b exactly */
void pquire_add_posit(posit_quire *q, uint32_t a);           /* q += a */
int pquire_is_nar(const posit_quire *q);
uint32_t pquire_to_posit(const posit_quire *q);              /* round once */

/* sum_i a[i]*b[i] rounded once. n == 0 -> 0. A NULL array with n > 0 -> NaR;
 * bad cfg -> 0. posit_fdp_checked reports those cases as a status instead. */
uint32_t posit_fdp(posit_cfg c, const uint32_t *a, const uint32_t *b, size_t n);
int posit_fdp_checked(posit_cfg c, const uint32_t *a, const uint32_t *b, size_t n, uint32_t *out);

#ifdef __cplusplus
}
#endif
#endif
