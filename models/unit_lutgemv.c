/* Unit "lutgemv": the SRAM-PIM LUT-GEMV banks (golden/lutgemv.*,
 * rtl/pim_bank.v, sim/lutgemv_cosim.cpp; its design-point fields keep their
 * historical prefix pim_): GEMVs with integer or ternary weights through
 * per-bank lookup tables. Cycles and energy from models/lutgemv_model.h per
 * pass of banks * rows_per_bank rows, naive lookups, batch 1. */
#include <math.h>
#include <string.h>

#include "arch_consts.h"
#include "lutgemv_model.h"
#include "unit.h"
#include "unit_util.h"

static int rank(const dp_config *d, const arch_op *op) {
    if (d->pim_banks <= 0) return 0;
    if (op->kind == ARCH_OP_BITLINEAR) return 20;
    return op->kind == ARCH_OP_GEMV && (op->w_fmt == ARCH_FMT_INT || op->w_fmt == ARCH_FMT_TERNARY) ? 20 : 0;
}

static void pim_counts(const lutgemv_cfg *c, lutgemv_counts *k) {
    uint64_t M = c->rows, G = lutgemv_groups(c);
    k->table_entries = M * G * ((uint64_t)1 << c->g);
    k->lookups_naive = k->lookups_done = M * G * (uint64_t)c->a_bits * c->batch;
    k->lookups_saved = 0;
    k->accumulates = k->lookups_naive;
    k->conversions = (uint64_t)c->batch * M * lutgemv_qgroups(c);
}

/* One pass covers up to banks*rows_per_bank rows; passes run one after another. */
static int pim_pass_cfg(const dp_config *d, size_t rows, size_t cols, int w_bits, int a_bits, lutgemv_cfg *c,
                        double *passes) {
    double cap = (double)d->pim_banks * d->pim_rows_per_bank;
    *passes = unit_cdiv((double)rows, cap);
    memset(c, 0, sizeof *c);
    c->rows = (size_t)unit_cdiv((double)rows, *passes);
    c->cols = cols;
    c->batch = 1;
    c->g = d->pim_g;
    c->w_bits = w_bits < 1 ? 1 : w_bits > 8 ? 8 : w_bits;
    c->w_kind = w_bits <= 2 ? LUTGEMV_W_TERNARY : LUTGEMV_W_SIGNED;
    if (c->w_kind == LUTGEMV_W_TERNARY) c->w_bits = 2;
    c->a_bits = a_bits < 2 ? 2 : a_bits > 8 ? 8 : a_bits;
    c->qgroup = 0;
    return lutgemv_cfg_check(c) == LPCS_OK ? 0 : -1;
}

double arch_pim_cycles(const dp_config *d, size_t rows, size_t cols, int w_bits, int a_bits, int tables_resident) {
    lutgemv_cfg c;
    double passes;
    if (d->pim_banks < 1 || pim_pass_cfg(d, rows, cols, w_bits, a_bits, &c, &passes)) return 0;
    lutgemv_counts k;
    pim_counts(&c, &k);
    lutgemv_model_params p = lutgemv_model_defaults();
    p.banks = (size_t)d->pim_banks;
    p.pattern_aware = 0;
    lutgemv_cycles cy;
    if (lutgemv_model_cycles(&c, &k, &p, &cy)) return 0;
    double per = (double)(cy.total - (tables_resident ? cy.build : 0));
    return passes * per;
}

static int w_bits_of(const arch_op *op) { return op->w_fmt == ARCH_FMT_TERNARY ? 2 : (int)lround(op->w_bits); }
static int a_bits_of(const arch_op *op) {
    double ab = op->a_bits > 0 ? op->a_bits : 32;
    return (int)(ab > 8 ? 8 : ab);
}

static int compute(const dp_config *d, const arch_op *op, arch_cost *o, double *wbytes) {
    int wb = w_bits_of(op), a = a_bits_of(op);
    o->compute_cycles = arch_pim_cycles(d, op->rows, op->cols, wb, a, op->tables_resident);
    lutgemv_cfg c;
    double passes;
    if (pim_pass_cfg(d, op->rows, op->cols, wb, a, &c, &passes)) return -1;
    lutgemv_counts k;
    pim_counts(&c, &k);
    lutgemv_model_params p = lutgemv_model_defaults();
    p.banks = (size_t)d->pim_banks;
    p.pattern_aware = 0;
    lutgemv_energy_params ep = lutgemv_energy_defaults();
    ep.e_sram_read_bit = ep.e_sram_write_bit = arch_sram_pj_per_byte(d->pim_kib) / 8.0;
    lutgemv_energy e;
    if (lutgemv_model_energy(&c, &k, &p, &ep, d->pim_entry_bits, 0, &e)) return -1;
    /* measured activity scales the bank's logic (index compare, shift-accumulate), not its
     * SRAM table writes and reads, which cost per access (arch_consts.h) */
    if (d->activity_model) e.total -= (e.index_compare + e.accumulate) * (1.0 - PIM_ACTIVITY);
    o->e_compute_pj = passes * (e.total - (op->tables_resident ? e.table_build : 0));
    o->unit_events = passes * (double)k.lookups_done;
    /* resident tables replace the weights: nothing to fetch */
    if (op->tables_resident) *wbytes = 0;
    return 0;
}

static double dma_tiles(const dp_config *d, const arch_op *op) {
    double R = (double)op->rows, K = (double)op->cols;
    double passes = unit_cdiv(R, (double)d->pim_banks * d->pim_rows_per_bank), pb = R * K * op->w_bits / 8.0 / passes;
    double per = unit_cdiv(pb, d->dma_burst_bytes);
    return passes * (per > 1 ? per : 1);
}

/* Each pass's weights stream in DMA bursts; the table build consumes them as
 * they arrive (compute split evenly over the pass's tiles). */
static void tiles(const dp_config *d, const arch_op *op, int streamed, arch_tile_emit emit, void *ctx,
                  arch_tile_info *info) {
    double R = (double)op->rows, K = (double)op->cols, ab = op->a_bits > 0 ? op->a_bits : 32;
    double passes = unit_cdiv(R, (double)d->pim_banks * d->pim_rows_per_bank);
    double total = arch_pim_cycles(d, op->rows, op->cols, w_bits_of(op), a_bits_of(op), op->tables_resident);
    double pass_bytes = R * K * op->w_bits / 8.0 / passes;
    int stream = streamed && !op->tables_resident;
    int per = stream ? (int)fmax(1.0, unit_cdiv(pass_bytes, d->dma_burst_bytes)) : 1;
    for (int p = 0; p < (int)passes; p++)
        for (int t = 0; t < per; t++) emit(ctx, total / passes / per, stream ? pass_bytes / per : 0);
    info->sram_read = K * ab / 8.0 + 4.0 * R;
    info->weights_in_unit = op->tables_resident; /* resident tables live in the banks */
}

static double area_mm2(const dp_config *d) {
    double sram_bit = SRAM_BITCELL_UM2 / SRAM_ARRAY_EFF;
    return d->pim_banks * (d->pim_kib * 8192.0 * sram_bit + YS_PIM_BANK_LOGIC_T * UM2_PER_T) / 1e6;
}

static const dp_field FIELDS[] = {
    DP_FIELD(pim_banks, DP_F_INT, 0, 65536, 16),    DP_FIELD(pim_rows_per_bank, DP_F_INT, 1, 1 << 20, 64),
    DP_FIELD(pim_g, DP_F_INT, 2, 8, 4),             DP_FIELD(pim_entry_bits, DP_F_INT, 4, 32, 12),
    DP_FIELD(pim_kib, DP_F_DOUBLE, 0.125, 1 << 20, 64),
};

const arch_unit_desc arch_unit_lutgemv = {
    .name = "lutgemv", .rank = rank, .compute = compute, .dma_tiles = dma_tiles, .tiles = tiles,
    .area_mm2 = area_mm2, .fields = FIELDS, .n_fields = 5};
