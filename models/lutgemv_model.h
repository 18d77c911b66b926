/* Analytical cycle and energy model of SRAM-PIM LUT-GEMV banks (rtl/pim_bank.v).
 *
 * Cycles of ONE bank (rows_per_bank = ceil(M / banks); banks work in
 * parallel on disjoint rows, activations are broadcast to all banks), for a
 * batch with lookups_done table reads (lutgemv_counts from the golden model;
 * equal to lookups_naive without pattern reuse):
 *   build   = rows_per_bank * G * 2^g        one table entry per cycle (Gray-code walk)
 *   load_x  = N * G                          one group of g activations per cycle
 *   run     = rows_per_bank * L_row + 2      one table read per cycle, +1 accept, +1 drain;
 *             L_row = lookups_done / M       (distinct indices per row, the same for every row)
 *   read    = rows_per_bank * N              one accumulator per cycle
 *   convert = ceil(N * M * Q / conv_lanes) * conv_cycles   (in-memory type conversion;
 *             analytical only, not in the RTL: conv_lanes / conv_cycles are parameters)
 * build, load_x, run and read equal the RTL's measured cycles exactly (checked by
 * `make test-lutgemv-model`; the table is in models/README.md).
 *
 * Energy (pJ) = event counts x per-event energies (lutgemv_energy_params):
 *   table writes  : table_entries * entry_bits * e_sram_write_bit
 *   lookups       : lookups_done  * entry_bits * e_sram_read_bit
 *   index compare : lookups_naive * e_index_compare (pattern-aware only)
 *   accumulate    : accumulates   * acc_bits   * e_add_bit
 *   convert       : conversions   * e_convert
 *   activations   : N * K * a_bits * e_sram_write_bit
 * Defaults (lutgemv_energy_defaults) are PLACEHOLDERS to be calibrated; their
 * sources are given next to each value in lutgemv_model.c.
 */
#ifndef LPCS_MODELS_LUTGEMV_MODEL_H
#define LPCS_MODELS_LUTGEMV_MODEL_H

#include <stdint.h>
#include "lutgemv.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    size_t banks;        /* banks working in parallel on disjoint rows, >= 1 */
    int pattern_aware;   /* 1: lookups_done from pattern reuse, 0: naive */
    uint64_t conv_lanes; /* conversions in flight (bank columns), >= 1 */
    uint64_t conv_cycles;/* cycles per in-memory int -> fp32 conversion */
} lutgemv_model_params;

typedef struct {
    uint64_t build, load_x, run, read, convert;
    uint64_t total;      /* sum of the above */
} lutgemv_cycles;

typedef struct {
    double e_sram_read_bit, e_sram_write_bit, e_add_bit, e_index_compare, e_convert; /* pJ */
} lutgemv_energy_params;

typedef struct {
    double table_build, lookups, index_compare, accumulate, convert, load_x, total; /* pJ */
} lutgemv_energy;

lutgemv_model_params lutgemv_model_defaults(void);
lutgemv_energy_params lutgemv_energy_defaults(void);

/* Cycle model. counts: from lutgemv_gemv / lutgemv_count_lookups with the
 * same pattern_aware setting as p. LPCS_EINVAL on null or bad parameters. */
int lutgemv_model_cycles(const lutgemv_cfg *c, const lutgemv_counts *counts,
                         const lutgemv_model_params *p, lutgemv_cycles *out);

/* Analytical lookup counts when no activations are at hand: every plane
 * index uniform and independent over 2^g values (an ASSUMPTION: real
 * activations repeat more, e.g. in sign-extension planes). Then the expected
 * distinct indices of N tokens are 2^g * (1 - (1 - 2^-g)^N), and
 * lookups_done = round(M * G * a_bits * that) with reuse (naive without);
 * the other counts are exact. */
int lutgemv_model_expected_counts(const lutgemv_cfg *c, int pattern_aware, lutgemv_counts *out);

/* Energy model; entry_bits / acc_bits 0 = derived from c. */
int lutgemv_model_energy(const lutgemv_cfg *c, const lutgemv_counts *counts,
                         const lutgemv_model_params *p, const lutgemv_energy_params *e,
                         int entry_bits, int acc_bits, lutgemv_energy *out);

#ifdef __cplusplus
}
#endif
#endif
