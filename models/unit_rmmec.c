/* Unit "rmmec": the posit/FP4 reconfigurable-mantissa SIMD MAC array
 * (golden/rmmec.*, rtl/rmmec*.v, sim/rmmec_cosim.cpp): GEMVs with float /
 * posit weights and attention, 4 lanes per command for <= 4-bit weights
 * (FP4/P4), 2 for <= 8 (P8), 1 else (P16).
 *   cycles = ceil(rows/units) * (ceil(cols/lanes) + 1) + RMMEC_PIPE_FILL */
#include <math.h>

#include "arch_consts.h"
#include "unit.h"
#include "unit_util.h"

static int rank(const dp_config *d, const arch_op *op) {
    if (d->rmmec_units <= 0) return 0;
    return op->kind == ARCH_OP_GEMV || op->kind == ARCH_OP_BITLINEAR || op->kind == ARCH_OP_ATTENTION ? 10 : 0;
}

static int compute(const dp_config *d, const arch_op *op, arch_cost *o, double *wbytes) {
    (void)wbytes;
    int lanes = arch_rmmec_lanes(op->w_bits);
    if (op->kind == ARCH_OP_ATTENTION) {
        /* q.K (n MACs) and p.V (n MACs), rows = positions x heads dot products */
        size_t dots = op->rows ? op->rows : 1;
        size_t len = (size_t)unit_cdiv((double)op->n, (double)dots);
        o->compute_cycles = 2.0 * arch_rmmec_cycles(dots, len, lanes, d->rmmec_units);
        o->unit_events = 2.0 * (double)dots * (unit_cdiv((double)len, lanes) + 1);
    } else {
        o->compute_cycles = arch_rmmec_cycles(op->rows, op->cols, lanes, d->rmmec_units);
        o->unit_events = (double)op->rows * (unit_cdiv((double)op->cols, lanes) + 1);
    }
    o->e_compute_pj = o->unit_events * YS_RMMEC_T * PJ_PER_T;
    if (d->activity_model) /* measured toggle rate of the RTL for the lane format (arch_consts.h) */
        o->e_compute_pj *= lanes == 4 ? RMMEC_ACTIVITY_FP4 : lanes == 2 ? RMMEC_ACTIVITY_P8 : RMMEC_ACTIVITY_P16;
    return 0;
}

static double dma_tiles(const dp_config *d, const arch_op *op) {
    double R = (double)op->rows, K = (double)op->cols, wb = op->w_bits;
    if (op->kind == ARCH_OP_ATTENTION) {
        /* GQA: a KV row serves n / kv_n query heads: each dot streams that share of its row */
        double dots = R > 0 ? R : 1, len = unit_cdiv((double)op->n, dots), share = arch_kv_values(op) / (double)op->n;
        return 2 * unit_cdiv(dots, unit_rows_per_tile(d, len * wb / 8.0 * share, d->rmmec_units));
    }
    return unit_cdiv(R, unit_rows_per_tile(d, K * wb / 8.0, d->rmmec_units));
}

static void tiles(const dp_config *d, const arch_op *op, int streamed, arch_tile_emit emit, void *ctx,
                  arch_tile_info *info) {
    double R = (double)op->rows, K = (double)op->cols, wb = op->w_bits, ab = op->a_bits > 0 ? op->a_bits : 32;
    int lanes = arch_rmmec_lanes(wb);
    if (op->kind == ARCH_OP_ATTENTION) {
        double dots = R > 0 ? R : 1, len = unit_cdiv((double)op->n, dots), share = arch_kv_values(op) / (double)op->n;
        for (int m = 0; m < 2; m++) /* K then V */
            unit_gemv_tiles(d, dots, len * wb / 8.0 * share, d->rmmec_units, unit_cdiv(len, lanes) + 1, streamed, emit,
                            ctx);
        info->drain = 2 * RMMEC_PIPE_FILL;
        info->sram_read = 8.0 * R;
    } else {
        unit_gemv_tiles(d, R, K * wb / 8.0, d->rmmec_units, unit_cdiv(K, lanes) + 1, streamed, emit, ctx);
        info->drain = RMMEC_PIPE_FILL;
        info->sram_read = K * ab / 8.0 + 4.0 * R;
    }
}

static double area_mm2(const dp_config *d) { return d->rmmec_units * YS_RMMEC_T * UM2_PER_T / 1e6; }

static const dp_field FIELDS[] = {
    DP_FIELD(rmmec_units, DP_F_INT, 0, 65536, 64),
};

const arch_unit_desc arch_unit_rmmec = {
    .name = "rmmec", .rank = rank, .compute = compute, .dma_tiles = dma_tiles, .tiles = tiles,
    .area_mm2 = area_mm2, .fields = FIELDS, .n_fields = 1};
