/* Unit "vector": vector_lanes fp32 lanes for norms, rope, softmax,
 * activations, quantization, and whatever no other unit of a design point
 * can run (the fallback). cycles = ceil(elements / lanes) + 2. */
#include "arch_consts.h"
#include "unit.h"
#include "unit_util.h"

static int rank(const dp_config *d, const arch_op *op) {
    (void)d, (void)op;
    return 1;
}

static double elements(const arch_op *op) {
    double R = (double)op->rows, K = (double)op->cols;
    if (op->kind == ARCH_OP_GEMV || op->kind == ARCH_OP_BITLINEAR) return R * K;
    if (op->kind == ARCH_OP_ATTENTION) return 2.0 * (double)op->n;
    return (double)op->n * (op->passes > 0 ? op->passes : 1);
}

static int compute(const dp_config *d, const arch_op *op, arch_cost *o, double *wbytes) {
    (void)wbytes;
    double elems = elements(op);
    o->compute_cycles = unit_cdiv(elems, d->vector_lanes) + 2;
    o->unit_events = elems;
    o->e_compute_pj = elems * VEC_PJ_PER_ELEM;
    return 0;
}

static double dma_tiles(const dp_config *d, const arch_op *op) {
    double R = (double)op->rows, K = (double)op->cols;
    if ((op->kind == ARCH_OP_GEMV || op->kind == ARCH_OP_BITLINEAR) && R > 0)
        return unit_cdiv(R, unit_rows_per_tile(d, K * op->w_bits / 8.0, 1));
    return 1;
}

static void tiles(const dp_config *d, const arch_op *op, int streamed, arch_tile_emit emit, void *ctx,
                  arch_tile_info *info) {
    double R = (double)op->rows, K = (double)op->cols, ab = op->a_bits > 0 ? op->a_bits : 32, wb = op->w_bits;
    double elems = elements(op);
    if ((op->kind == ARCH_OP_GEMV || op->kind == ARCH_OP_BITLINEAR) && R > 0) {
        for (double r0 = 0, rpt = unit_rows_per_tile(d, K * wb / 8.0, 1); r0 < R; r0 += rpt) {
            double r = rpt < R - r0 ? rpt : R - r0;
            emit(ctx, unit_cdiv(r * K, d->vector_lanes), streamed ? r * K * wb / 8.0 : 0);
        }
    } else {
        emit(ctx, unit_cdiv(elems, d->vector_lanes), 0);
    }
    info->drain = 2;
    info->sram_read = op->kind == ARCH_OP_VECTOR ? 8.0 * elems : K * ab / 8.0 + 4.0 * R;
}

static double area_mm2(const dp_config *d) { return d->vector_lanes * VEC_UM2_PER_LANE / 1e6; }

static const dp_field FIELDS[] = {
    DP_FIELD(vector_lanes, DP_F_INT, 1, 65536, 16),
};

const arch_unit_desc arch_unit_vector = {
    .name = "vector", .fallback = 1, .rank = rank, .compute = compute, .dma_tiles = dma_tiles, .tiles = tiles,
    .area_mm2 = area_mm2, .fields = FIELDS, .n_fields = 1};
