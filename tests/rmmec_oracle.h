/* Independent oracles for the RMMEC tests: exact lane products from the
 * SoftPosit decode tables (or a bit-string posit decoder written here, not
 * golden's), exact 128-bit sums, and rounding of exact values to posit /
 * binary32 / bfloat16 by search over the value set (posits) and integer
 * arithmetic (floats). Nothing here calls golden/posit or golden/quire. */
#ifndef LPCS_TESTS_RMMEC_ORACLE_H
#define LPCS_TESTS_RMMEC_ORACLE_H

#include <stdint.h>

typedef unsigned __int128 u128;

/* All values are carried as two's complement u128 integers in units of
 * 2^-ORC_U = 2^-56, the quire16 lsb: every lane product, every posit(<=17)
 * value and every posit bit-string midpoint used here is a multiple of it. */
#define ORC_U 56

typedef struct {
    double p8[256];        /* SoftPosit p8_to_f64 */
    double *p16;           /* SoftPosit p16_to_f64, 65536 entries */
    /* Sorted positive values and bit-string midpoints for the posit search. */
    u128 pos4[8], mid4[8], pos8[128], mid8[128], *pos16, *mid16;
} orc_tables;

/* Loads the SoftPosit tables and builds the search tables; 0 on success. */
int orc_load(orc_tables *t);
void orc_free(orc_tables *t);

/* Value of posit(n, es) pattern p (n <= 20) decoded from its bit string. */
double orc_posit_value(int n, int es, uint32_t p);
/* Exact product of one lane pair of mode m (0 FP4, 1 P4, 2 P8, 3 P16) in
 * units of 2^-ORC_U; *nar set for a NaR operand (posit modes). */
u128 orc_product(const orc_tables *t, int mode, uint32_t a, uint32_t b, int *nar);
/* Rounds the exact value v (units 2^-ORC_U) to p4e1 / p8e0 / p16e1 (n = 4, 8, 16). */
uint32_t orc_round_posit(const orc_tables *t, int n, u128 v);
/* Rounds v (units 2^-ORC_U) to 8-exponent-bit IEEE with sig_bits (24 or 8), RNE. */
uint32_t orc_round_e8(u128 v, int sig_bits);

#endif
