/* Unit "ternary": the MatMul-free ternary GEMV engine (golden/ternary.*,
 * rtl/ternary_*.v, sim/ternary_cosim.cpp): LANES rows x KTILE columns of
 * {-1, 0, +1} weights per cycle, int8 activations, for BitLinear.
 *   op cycles = ceil(cols/ktile) + words * (2, or 1 with overlapped loads) + 3,
 *   words = ceil(rows/lanes) * ceil(cols/ktile) */
#include <stdio.h>

#include "arch_consts.h"
#include "unit.h"
#include "unit_util.h"

static int rank(const dp_config *d, const arch_op *op) {
    return d->ternary_lanes > 0 && op->kind == ARCH_OP_BITLINEAR ? 30 : 0;
}

static int compute(const dp_config *d, const arch_op *op, arch_cost *o, double *wbytes) {
    (void)wbytes;
    double R = (double)op->rows, K = (double)op->cols;
    o->compute_cycles =
        arch_ternary_op_cycles(op->rows, op->cols, d->ternary_lanes, d->ternary_ktile, d->ternary_overlap_load);
    o->unit_events = unit_cdiv(R, d->ternary_lanes) * unit_cdiv(K, d->ternary_ktile);
    o->e_compute_pj = o->unit_events * d->ternary_lanes *
                      (YS_TERNARY_TILE16_T * d->ternary_ktile / 16.0 + YS_TERNARY_LANE_ACC_T) * PJ_PER_T;
    if (d->activity_model) o->e_compute_pj *= TERNARY_ACTIVITY; /* measured on the RTL (arch_consts.h) */
    return 0;
}

static double dma_tiles(const dp_config *d, const arch_op *op) {
    return unit_cdiv((double)op->rows, unit_rows_per_tile(d, (double)op->cols * op->w_bits / 8.0, d->ternary_lanes));
}

static void tiles(const dp_config *d, const arch_op *op, int streamed, arch_tile_emit emit, void *ctx,
                  arch_tile_info *info) {
    double R = (double)op->rows, K = (double)op->cols, ab = op->a_bits > 0 ? op->a_bits : 32;
    info->prologue = unit_cdiv(K, d->ternary_ktile); /* activation buffer load */
    /* per word: buffer load (unless overlapped with the run) + one run cycle */
    unit_gemv_tiles(d, R, K * op->w_bits / 8.0, d->ternary_lanes,
                    unit_cdiv(K, d->ternary_ktile) * (d->ternary_overlap_load ? 1 : 2), streamed, emit, ctx);
    info->drain = TERNARY_START_CYCLES + TERNARY_PIPE_FILL;
    info->sram_read = K * ab / 8.0 + 4.0 * R;
}

static double area_mm2(const dp_config *d) {
    return d->ternary_lanes * (YS_TERNARY_TILE16_T * d->ternary_ktile / 16.0 + YS_TERNARY_LANE_ACC_T) * UM2_PER_T /
           1e6;
}

static int check(const dp_config *d, char *err, size_t errlen) {
    int k = d->ternary_ktile;
    if (k & (k - 1)) {
        if (err && errlen) snprintf(err, errlen, "design point: %s must be a power of two (%d)", "ternary_ktile", k);
        return -1;
    }
    return 0;
}

static const dp_field FIELDS[] = {
    DP_FIELD(ternary_lanes, DP_F_INT, 0, 4096, 8),
    DP_FIELD(ternary_ktile, DP_F_INT, 2, 1024, 16),
    DP_FIELD(ternary_overlap_load, DP_F_INT, 0, 1, 0),
};

const arch_unit_desc arch_unit_ternary = {
    .name = "ternary", .rank = rank, .compute = compute, .dma_tiles = dma_tiles, .tiles = tiles,
    .area_mm2 = area_mm2, .fields = FIELDS, .n_fields = 3, .check = check};
