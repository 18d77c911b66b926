/* Integer matmuls on the cpu backend (plan keyword `intdot`): a matmul whose
 * weight format is int2..int8 keeps its per-row codes packed for
 * kernels/int_cpu (int8 in bytes, int2..int4 in nibbles, int5..int7 in
 * bytes) and runs golden/intdot.h's contract: per-token int8 activations
 * (absmax), exact int32 sums, fp32 rescale. op->w still holds the
 * dequantized weights (what other backends compute with, in fp32). Without
 * `intdot` these plans stay quantize-dequantize in fp32 (old numbers).
 * Plan keyword `lut` (implies `intdot`): 2..4-bit matrices run on the
 * table-lookup kernel (kernels/lut_gemv_cpu.h) instead; the integer sums are
 * exact either way, so the bits are the same. */
#ifndef LPCS_RT_MATMUL_INT_H
#define LPCS_RT_MATMUL_INT_H

#include "engine.h"
#include "rt_err.h"

/* 1 if the plan asks for integer matmuls and op's weight format is intN. */
int rt_intdot_wants(const rt_engine *eng, const rt_op *op);
/* Quantizes the fp32 weights w [op->rows][op->cols] into op->intdot (lut:
 * packed for the LUT kernel when the format has 2..4 bits). */
int rt_intdot_attach(rt_op *op, const float *w, int lut, rt_err *e);
/* Y[t] = op's integer matmul of X[t], t < T, rows over the engine's threads
 * (the bits depend neither on the thread count nor on T). */
int rt_intdot_exec(rt_engine *eng, const rt_op *op, const float *X, size_t ldx, float *Y, size_t ldy, size_t T);
/* Frees op->intdot of every op of eng. */
void rt_intdot_release(rt_engine *eng);

#endif
