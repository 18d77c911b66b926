/* C API of the SystemC TLM-2.0 accelerator platform (sim/platform/).
 *
 * One platform per process (SystemC elaborates once; platform.cpp keeps it in
 * one documented object, `kern`, behind a lock): host command queue,
 * bus, DMA engine, DRAM (bandwidth + latency, pipelined bursts), on-chip
 * SRAM, and the units (RMMEC array, ternary engine, PIM banks, vector unit).
 * Each call runs one op to completion in simulated time and returns its
 * cycles, energy and bytes. Functional results come from golden/ (the
 * *_gemv calls) or from a caller-supplied function run by the unit when the
 * op completes (platform_run_op: the runtime's kernels). Timing comes from
 * the unit models (models/arch_model.h) per tile plus the memory system:
 * weights stream from DRAM tile by tile (dma_burst_bytes per tile, two tile
 * buffers: the DMA runs at most two tiles ahead of the unit).
 *
 * Link: build/platform/libplatform.a build/liblpcsrt.a build/libgolden.a
 *       -lsystemc -lstdc++ -ljansson -lm. */
#ifndef LPCS_SIM_PLATFORM_API_H
#define LPCS_SIM_PLATFORM_API_H

#include <stddef.h>
#include <stdint.h>

#include "arch_model.h"
#include "design_point.h"
#include "lutgemv.h"
#include "rmmec.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    arch_unit unit;
    double cycles;         /* host command issue to completion */
    double compute_cycles; /* cycles the unit was busy */
    double dram_bytes, sram_bytes;
    double energy_pj;
    int tiles;             /* DMA tiles (0: weights on chip) */
} plat_result;

/* Every call carries its design point d: calls are serialized inside (any
 * thread may call) and each one runs on its own point, so callers with
 * different points never see each other's configuration. */

/* 0 if d is a valid design point, else -1. */
int platform_check_point(const dp_config *d);
/* Times op through the platform on design point d; fn(ctx) (may be NULL)
 * computes the result when the unit finishes. */
int platform_run_op(const dp_config *d, const arch_op *op, int (*fn)(void *ctx), void *ctx, plat_result *r);

/* Unit ops with golden results (and platform timing; weights from DRAM). */
int platform_ternary_gemv(const dp_config *d, const uint8_t *packed, size_t rows, size_t cols, const int8_t *x,
                          int32_t *y, plat_result *r);
int platform_rmmec_gemv(const dp_config *d, rmmec_mode mode, const uint16_t *w, size_t rows, size_t cols,
                        const uint16_t *x, rmmec_out f, uint32_t *y, plat_result *r);
/* Tables built from w by the banks (not resident), batch 1, naive lookups. */
int platform_pim_gemv(const dp_config *d, const lutgemv_cfg *c, const int16_t *w, const int8_t *x, int64_t *acc,
                      plat_result *r);

/* Simulated time so far (ns), for reports. */
double platform_now_ns(void);

#ifdef __cplusplus
}
#endif
#endif
