/* C API of the Verilated SRAM-PIM LUT-GEMV bank (rtl/pim_bank.v), for the
 * runtime's `rtl` backend and tests: a whole GEMV of golden/lutgemv.h run
 * tile by tile on one bank. A tile is ROWS rows x KT columns (KT = GROUPS*g,
 * narrowed to divide the scale group): tables built in the bank (OP_BUILD),
 * activations loaded (OP_LOADX), bit-serial lookup GEMV (OP_RUN, pattern-
 * aware or not), one READ per row and token. The steps the bank lacks are
 * the host's and named as such: adding the tiles' exact integer sums of one
 * scale group (int64), and - outside this API - the scales and the
 * int -> fp32 conversion (golden lutgemv_convert).
 * Result: acc[(n*M + r)*Q + q] as golden lutgemv_gemv, bit for bit.
 * Link: build/verilator/lutgemv/rt/libpim_rtl.a -lstdc++. Not thread safe per
 * instance. */
#ifndef LPCS_SIM_PIM_RTL_H
#define LPCS_SIM_PIM_RTL_H

#include <stddef.h>
#include <stdint.h>

#include "lutgemv.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pim_rtl pim_rtl;

typedef struct {
    int g, rows, groups, batch, a_bits_max, w_bits_eff, entry_bits, acc_bits; /* the bank's parameters */
} pim_rtl_info;

pim_rtl *pim_rtl_open(void);
void pim_rtl_close(pim_rtl *b);
pim_rtl_info pim_rtl_params(void);

/* acc = golden lutgemv_gemv(c, tables of w/zp, x) on the bank. c->g must be
 * the bank's g, c->batch <= its batch; zp as lutgemv_build_tables. Returns 0,
 * -1 (LPCS_EINVAL: NULL, g or batch the bank lacks, a tile whose entries or
 * sums do not fit the bank's widths, a weight out of range), -2
 * (LPCS_ERANGE: the bank hung or answered the wrong number of reads).
 * lookups (may be NULL) += the bank's stat_lookups over all tiles. */
int pim_rtl_gemv(pim_rtl *b, const lutgemv_cfg *c, const int16_t *w, const int16_t *zp, const int8_t *x,
                 int pattern_aware, int64_t *acc, uint64_t *lookups);

uint64_t pim_rtl_cycles(const pim_rtl *b);

#ifdef __cplusplus
}
#endif
#endif
