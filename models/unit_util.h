/* Helpers the unit descriptors (models/unit_*.c) share: tiling of a GEMV's
 * rows into DMA bursts. */
#ifndef LPCS_MODELS_UNIT_UTIL_H
#define LPCS_MODELS_UNIT_UTIL_H

#include <math.h>

#include "unit.h"

static inline double unit_cdiv(double a, double b) { return ceil(a / b); }

/* Rows per DMA tile: whole groups of par rows, about one burst. */
static inline double unit_rows_per_tile(const dp_config *d, double row_bytes, double par) {
    double r = floor(d->dma_burst_bytes / (row_bytes > 1e-9 ? row_bytes : 1e-9) / par) * par;
    return r > par ? r : par;
}

/* Emits the tiles of R rows of row_bytes each, par rows per compute group of
 * per_group cycles (streamed: the rows' bytes come from DRAM). */
static inline void unit_gemv_tiles(const dp_config *d, double R, double row_bytes, double par, double per_group,
                                   int streamed, arch_tile_emit emit, void *ctx) {
    double rpt = unit_rows_per_tile(d, row_bytes, par);
    for (double r0 = 0; r0 < R; r0 += rpt) {
        double r = rpt < R - r0 ? rpt : R - r0;
        emit(ctx, unit_cdiv(r, par) * per_group, streamed ? r * row_bytes : 0);
    }
}

#endif
