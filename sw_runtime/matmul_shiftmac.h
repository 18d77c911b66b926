/* The shift-MAC unit (golden/shiftmac.h) as a matmul kernel of the runtime.
 * A matmul whose weight format in the plan is `shiftmac` (e.g. --plan
 * w=shiftmac) keeps the unit's packed codes and per-row scales in op->aux and
 * runs golden shiftmac_linear_forward: per-token absmax int8 activations,
 * exact int32 shift GEMV, fp32 rescale — the unit's bit-exact contract, not a
 * fake-quantized fp32 matvec. op->w still holds the dequantized weights.
 * The sim backend costs these ops through the unit descriptor
 * (models/unit_shiftmac.c) when its design point has shiftmac_lanes > 0. */
#ifndef LPCS_RT_MATMUL_SHIFTMAC_H
#define LPCS_RT_MATMUL_SHIFTMAC_H

#include "engine.h"
#include "rt_err.h"
#include "shiftmac.h"

/* 1 if op is a matmul that runs on the shift-MAC path. */
int rt_shiftmac_op(const rt_op *op);
/* Quantizes the fp32 weights w [op->rows][op->cols] into op->aux. */
int rt_shiftmac_attach(rt_op *op, const float *w, rt_err *e);
/* out[op->rows] = shift-MAC linear of in[op->cols]. A NaN/Inf input (the
 * unit rejects it) gives NaN outputs, as an fp32 matvec would, and the
 * status. rt_cpu_matmul calls it per token (one-token and prefill paths). */
int rt_shiftmac_exec(const rt_op *op, const float *in, float *out);
/* The unit's layer of a shift-MAC op (packed codes, scales), NULL if none:
 * for backends that run its GEMV elsewhere (the rtl backend). */
const shiftmac_linear *rt_shiftmac_layer(const rt_op *op);
/* Frees the aux of every shift-MAC op of eng. */
void rt_shiftmac_release(rt_engine *eng);

#endif
