/* Exact execution: which accelerator unit each op of the op list runs on,
 * in which mode, and the golden computation of the ops that run exactly.
 *
 * Mapping (rt_exact_map, once per engine after the graph is built):
 *   OP_MATMUL, weight format p4e1 / p8e0 / p16e1 / fp4e2m1
 *       -> unit "rmmec", mode p4 / p8 / p16 / fp4. The unit's mode is the
 *          WEIGHT's format: the activation (after its plan a= rounding, if
 *          any) is converted to the weight's format at the unit input
 *          (posit: RNE, saturating; FP4: RNE, saturating), so w=p8e0 with
 *          a=fp32 and with a=p8e0 give the same exact result, and w=p8e0,
 *          a=fp8e4m3 rounds twice (fp8 then p8). Accumulation is the mode's
 *          quire / fixed-point accumulator and the readout is one RNE
 *          rounding to fp32 (RMMEC_OUT_FP32), exactly golden rmmec_gemv.
 *   OP_BITLINEAR -> unit "ternary", mode "exact" (the golden BitLinear
 *          pipeline, as before).
 *   OP_MATMUL, weight format shiftmac -> unit "shiftmac", mode "exact" in
 *          both exec modes (matmul_shiftmac.h: the unit's integer path).
 *   OP_QUANT -> "vector", mode "round:<fmt>" (the plan's a= / kv= rounding).
 *   everything else (other weight formats incl. integer ones: the LUT-GEMV
 *          mapping is not implemented yet; norms, attention, element-wise)
 *       -> unit "vector", mode "fp32" or "fake:<fmt>" for a matmul whose
 *          quantized weights are computed in fp32 (quantize-dequantize).
 * With exec fake every matmul is "vector" / "fake:<fmt>" (the old behaviour). */
#ifndef LPCS_RT_EXACT_H
#define LPCS_RT_EXACT_H

#include "engine.h"

typedef enum { RT_EXEC_EXACT = 0, RT_EXEC_FAKE = 1 } rt_exec_mode;

/* "exact" / "fake" -> mode; -1 if unknown. */
int rt_exec_parse(const char *name);
const char *rt_exec_name(rt_exec_mode m);

/* Sets every op's unit / mode and prepares the exact ops' unit operands
 * (weights encoded in the unit's words). */
int rt_exact_map(rt_engine *eng, rt_exec_mode mode, rt_err *e);
void rt_exact_free(rt_engine *eng);

/* y[t] = op's matrix times x[t] in the unit's arithmetic, T tokens (rows
 * ldx / ldy floats apart). op->exact must be set. */
int rt_exact_matmul(const rt_op *op, const float *x, size_t ldx, float *y, size_t ldy, size_t T);

/* The rmmec mode of a weight format, -1 if the RMMEC has none. */
int rt_exact_rmmec_mode(const rt_qf *f);
/* Encodes n floats as the rmmec mode's packed words (lane 0 in the low
 * bits, unused lanes of the last word 0): ceil(n / lanes) words. */
void rt_exact_rmmec_pack(int mode, const float *v, size_t n, uint16_t *words);

#endif
