/* Unit "shiftmac": the DenseShift-style shift-MAC GEMV engine
 * (golden/shiftmac.*, rtl/shiftmac_*.v, sim/shiftmac_cosim.cpp,
 * models/shiftmac_model.h; docs/shiftmac.md): LANES rows x KTILE columns of
 * 4-bit power-of-two weights per cycle, int8 activations. Runs the GEMVs
 * whose weight format is `shiftmac` when the design point has lanes.
 *   op cycles = shiftmac_model_cycles().total per pass of K <= 64*KTILE
 *   columns (the engine's activation buffer; WDEPTH 2048 as the RTL default):
 *   ceil(K/KTILE) + 2 * words + 3 per row chunk, words = ceil(rows/lanes) * ceil(K/KTILE),
 *   equal to the Verilated RTL in every co-sim case.
 * Energy and area: yosys transistor estimate of one lane's tile
 * (rtl/shiftmac_dot_tile.v, KTILE=16, the flow of models/calib.sh) plus a
 * 32-bit accumulator, per weight word, as the ternary unit's. */
#include <stdio.h>

#include "arch_consts.h"
#include "shiftmac_model.h"
#include "unit.h"
#include "unit_util.h"

/* yosys `stat -tech cmos` of shiftmac_dot_tile KTILE=16 (models/calib.sh):
 * 28,484 transistors, 1.88x the ternary tile (16-bit terms + shifters). */
#define YS_SHIFTMAC_TILE16_T 28484.0
#define SHIFTMAC_XDEPTH 64
#define SHIFTMAC_WDEPTH 2048

enum { P_LANES, P_KTILE }; /* dp_config.unit_param slots */
#define LANES(d) ((int)(d)->unit_param[P_LANES])
#define KTILE(d) ((int)(d)->unit_param[P_KTILE])

static int rank(const dp_config *d, const arch_op *op) {
    return LANES(d) > 0 && op->kind == ARCH_OP_GEMV && op->w_fmt == ARCH_FMT_SHIFTMAC ? 25 : 0;
}

/* The engine's cycles of op, K split into passes of its activation buffer. */
static double op_cycles(const dp_config *d, const arch_op *op, double *words) {
    const shiftmac_model_cfg c = {LANES(d), KTILE(d), SHIFTMAC_WDEPTH, SHIFTMAC_XDEPTH};
    const size_t kmax = (size_t)SHIFTMAC_XDEPTH * (size_t)KTILE(d);
    double cyc = 0;
    *words = 0;
    for (size_t k0 = 0; k0 < op->cols; k0 += kmax) {
        size_t k = op->cols - k0 < kmax ? op->cols - k0 : kmax;
        shiftmac_cycles cy;
        if (shiftmac_model_cycles(&c, op->rows, k, &cy)) return -1;
        cyc += (double)cy.total;
        *words += (double)cy.load_w;
    }
    return cyc;
}

static double lane_t(const dp_config *d) { return YS_SHIFTMAC_TILE16_T * KTILE(d) / 16.0 + YS_TERNARY_LANE_ACC_T; }

static int compute(const dp_config *d, const arch_op *op, arch_cost *o, double *wbytes) {
    (void)wbytes;
    double words, cyc = op_cycles(d, op, &words);
    if (cyc < 0) return -1;
    o->compute_cycles = cyc;
    o->unit_events = words;
    o->e_compute_pj = words * LANES(d) * lane_t(d) * PJ_PER_T;
    if (d->activity_model) o->e_compute_pj *= SHIFTMAC_ACTIVITY; /* measured on the RTL (arch_consts.h) */
    return 0;
}

static double dma_tiles(const dp_config *d, const arch_op *op) {
    return unit_cdiv((double)op->rows, unit_rows_per_tile(d, (double)op->cols * op->w_bits / 8.0, LANES(d)));
}

static void tiles(const dp_config *d, const arch_op *op, int streamed, arch_tile_emit emit, void *ctx,
                  arch_tile_info *info) {
    double R = (double)op->rows, K = (double)op->cols, ab = op->a_bits > 0 ? op->a_bits : 32;
    double T = unit_cdiv(K, KTILE(d)), words, cyc = op_cycles(d, op, &words);
    info->prologue = T; /* activation buffer loads */
    /* per row group: its weight words loaded, then run */
    unit_gemv_tiles(d, R, K * op->w_bits / 8.0, LANES(d), 2.0 * T, streamed, emit, ctx);
    info->drain = cyc - T - 2.0 * unit_cdiv(R, LANES(d)) * T; /* start + pipeline, per chunk and pass */
    info->sram_read = K * ab / 8.0 + 4.0 * R;
}

static double area_mm2(const dp_config *d) { return LANES(d) * lane_t(d) * UM2_PER_T / 1e6; }

static int check(const dp_config *d, char *err, size_t errlen) {
    int k = KTILE(d);
    if (k & (k - 1)) {
        if (err && errlen) snprintf(err, errlen, "design point: %s must be a power of two (%d)", "shiftmac_ktile", k);
        return -1;
    }
    return 0;
}

static const dp_field FIELDS[] = {
    {"shiftmac_lanes", DP_F_PARAM_INT, DP_UNIT_PARAM_OFF(P_LANES), 0, 4096, 0}, /* 0: no shift-MAC engine */
    {"shiftmac_ktile", DP_F_PARAM_INT, DP_UNIT_PARAM_OFF(P_KTILE), 2, 1024, 16},
};

const arch_unit_desc arch_unit_shiftmac = {
    .name = "shiftmac", .rank = rank, .compute = compute, .dma_tiles = dma_tiles, .tiles = tiles,
    .area_mm2 = area_mm2, .fields = FIELDS, .n_fields = 2, .check = check};
