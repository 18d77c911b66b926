/* A unit of the accelerator as a module: its descriptor.
 *
 * Every accelerator unit has ONE name, used in every layer: golden/<name>.*
 * (bit-exact model), rtl/<name>*.v (RTL; the sources listed in rtl/units.mk),
 * sim/<name>_cosim.cpp (Verilator co-sim) and the SystemC unit module of
 * that name, models/unit_<name>.c (this descriptor: cycles, energy, area,
 * tiling), the cpu / cuda kernels and fpga/trace/<name>_trace.c.
 *
 * The architecture model (arch_model.c), the design point (design_point.c),
 * the SystemC platform (sim/platform/platform.cpp) and the sweep's CSV loop
 * over the table of descriptors (models/units.c) instead of switching on
 * the unit: adding a unit = one new models/unit_<name>.c + one line in that
 * table (docs/ARCHITECTURE.md, "add a unit").
 *
 * Every function gets the design point d and an op (arch_model.h); none
 * keeps state. */
#ifndef LPCS_MODELS_UNIT_H
#define LPCS_MODELS_UNIT_H

#include <stddef.h>

#include "arch_model.h"
#include "design_point.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where the platform's unit spends one DMA tile: emit(ctx, compute cycles,
 * streamed DRAM bytes) once per tile, in order (bytes 0: nothing streamed). */
typedef void (*arch_tile_emit)(void *ctx, double compute_cycles, double dram_bytes);

typedef struct {
    double prologue; /* cycles before the first tile (e.g. activation load) */
    double drain;    /* cycles after the last tile (pipeline drain, start protocol) */
    double sram_read;/* bytes the unit reads from on-chip SRAM, besides its weights */
    int weights_in_unit; /* 1: resident weights live in the unit (e.g. PIM tables), not in SRAM */
} arch_tile_info;

typedef struct arch_unit_desc {
    const char *name;       /* the unit's one name: "rmmec", "ternary", "lutgemv", "vector", ... */
    /* 1 for the unit that runs whatever no other unit can (the vector unit):
     * it does not count as a compute unit of a design point. */
    int fallback;
    /* How much this unit wants op on d: 0 = it cannot run it (or d has none
     * of it); the unit with the highest rank runs the op (ties: table order).
     * Ranks in use: 30 ternary engine for BitLinear, 20 LUT-GEMV for
     * integer / ternary weights, 10 RMMEC for GEMV / attention, 1 vector. */
    int (*rank)(const dp_config *d, const arch_op *op);
    /* Compute part of op's cost on d: o->compute_cycles, o->unit_events,
     * o->e_compute_pj. *weight_bytes is what the op's weights take in memory;
     * a unit that keeps them itself (resident PIM tables) sets it to 0.
     * 0, or -1 if the op cannot be costed. */
    int (*compute)(const dp_config *d, const arch_op *op, arch_cost *o, double *weight_bytes);
    /* DMA tiles the op's streamed data is cut into on this unit. */
    double (*dma_tiles)(const dp_config *d, const arch_op *op);
    /* The platform's per-tile work of op (same cycles as compute, split per
     * tile; streamed is 0 when the weights are on chip). */
    void (*tiles)(const dp_config *d, const arch_op *op, int streamed, arch_tile_emit emit, void *ctx,
                  arch_tile_info *info);
    /* Silicon area of the unit(s) of d, mm^2. */
    double (*area_mm2)(const dp_config *d);
    /* Its design-point fields (the JSON keys, sweep axes and CSV columns),
     * n_fields of them; new units keep their values in dp_config.unit_param
     * (DP_UNIT_PARAM_OFF). */
    const dp_field *fields;
    int n_fields;
    /* Extra consistency checks of d beyond the field ranges; may be NULL. */
    int (*check)(const dp_config *d, char *err, size_t errlen);
} arch_unit_desc;

/* The table (models/units.c), in the order of arch_unit. */
int arch_n_units(void);
const arch_unit_desc *arch_unit_get(int u); /* NULL if out of range */
int arch_unit_find(const char *name);       /* index, -1 if unknown */

#ifdef __cplusplus
}
#endif
#endif
