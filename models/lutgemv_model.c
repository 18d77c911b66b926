/* LUT-GEMV cycle / energy model; formulas in lutgemv_model.h. */
#include "lutgemv_model.h"

#include <math.h>

lutgemv_model_params lutgemv_model_defaults(void) {
    lutgemv_model_params p = {.banks = 1, .pattern_aware = 1,
                              /* PLACEHOLDER: one conversion per bank column group of
                               * 32 and a bit-serial int32 -> fp32 normalise + scale of
                               * 64 cycles; not derived from RTL (there is none yet). */
                              .conv_lanes = 32, .conv_cycles = 64};
    return p;
}

lutgemv_energy_params lutgemv_energy_defaults(void) {
    /* PLACEHOLDERS to be calibrated against our own synthesis. Source of the
     * magnitudes: M. Horowitz, "Computing's energy problem", ISSCC 2014
     * (45 nm, 0.9 V): 8 KB SRAM 64-bit read 10 pJ; 32-bit int add 0.1 pJ;
     * 8-bit add 0.03 pJ; fp32 mul 3.7 pJ, fp32 add 0.9 pJ. */
    lutgemv_energy_params e = {
        .e_sram_read_bit = 10.0 / 64.0,  /* 8 KB SRAM read, per bit */
        .e_sram_write_bit = 10.0 / 64.0, /* placeholder: write taken equal to read */
        .e_add_bit = 0.1 / 32.0,         /* 32-bit add, per bit */
        .e_index_compare = 0.03,         /* placeholder: one g-bit compare ~ 8-bit add */
        .e_convert = 3.7 + 0.9 + 0.9,    /* fp32 mul + fp32 add + int->fp (placeholder: ~ an fp add) */
    };
    return e;
}

static int params_ok(const lutgemv_cfg *c, const lutgemv_counts *k, const lutgemv_model_params *p) {
    return c && k && p && lutgemv_cfg_check(c) == LPCS_OK && p->banks >= 1 && p->conv_lanes >= 1;
}

int lutgemv_model_cycles(const lutgemv_cfg *c, const lutgemv_counts *k,
                         const lutgemv_model_params *p, lutgemv_cycles *out) {
    if (!params_ok(c, k, p) || !out) return LPCS_EINVAL;
    const uint64_t M = c->rows, N = c->batch, G = lutgemv_groups(c);
    const uint64_t rpb = (M + p->banks - 1) / p->banks;
    const uint64_t lookups = p->pattern_aware ? k->lookups_done : k->lookups_naive;
    out->build = rpb * G * ((uint64_t)1 << c->g);
    out->load_x = N * G;
    out->run = rpb * (lookups / M) + 2;
    out->read = rpb * N;
    out->convert = (k->conversions + p->conv_lanes - 1) / p->conv_lanes * p->conv_cycles;
    out->total = out->build + out->load_x + out->run + out->read + out->convert;
    return LPCS_OK;
}

int lutgemv_model_energy(const lutgemv_cfg *c, const lutgemv_counts *k,
                         const lutgemv_model_params *p, const lutgemv_energy_params *e,
                         int entry_bits, int acc_bits, lutgemv_energy *out) {
    if (!params_ok(c, k, p) || !e || !out) return LPCS_EINVAL;
    if (entry_bits <= 0) entry_bits = lutgemv_entry_bits(c);
    if (acc_bits <= 0) acc_bits = lutgemv_acc_bits(c);
    const double lookups = (double)(p->pattern_aware ? k->lookups_done : k->lookups_naive);
    out->table_build = (double)k->table_entries * entry_bits * e->e_sram_write_bit;
    out->lookups = lookups * entry_bits * e->e_sram_read_bit;
    out->index_compare = p->pattern_aware ? (double)k->lookups_naive * e->e_index_compare : 0.0;
    out->accumulate = (double)k->accumulates * acc_bits * e->e_add_bit;
    out->convert = (double)k->conversions * e->e_convert;
    out->load_x = (double)c->batch * (double)c->cols * c->a_bits * e->e_sram_write_bit;
    out->total = out->table_build + out->lookups + out->index_compare + out->accumulate +
                 out->convert + out->load_x;
    return LPCS_OK;
}

int lutgemv_model_expected_counts(const lutgemv_cfg *c, int pattern_aware, lutgemv_counts *out) {
    if (!c || !out || lutgemv_cfg_check(c) != LPCS_OK) return LPCS_EINVAL;
    const uint64_t M = c->rows, G = lutgemv_groups(c), E = (uint64_t)1 << c->g;
    out->table_entries = M * G * E;
    out->lookups_naive = M * G * (uint64_t)c->a_bits * c->batch;
    double distinct = (double)E * (1.0 - pow(1.0 - 1.0 / (double)E, (double)c->batch));
    uint64_t done = (uint64_t)llround((double)(M * G * (uint64_t)c->a_bits) * distinct);
    if (done > out->lookups_naive) done = out->lookups_naive;
    out->lookups_done = pattern_aware ? done : out->lookups_naive;
    out->lookups_saved = out->lookups_naive - out->lookups_done;
    out->accumulates = out->lookups_naive;
    out->conversions = (uint64_t)lutgemv_acc_len(c);
    return LPCS_OK;
}
