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
 *   OP_MATMUL, weight format intN (N = 2..8) or ternary AND the op's
 *       activation format (plan a=) intM (M = 2..8)
 *       -> unit "lutgemv" (the SRAM-PIM LUT-GEMV of golden/lutgemv.h), mode
 *          "w<N>-a<M>-g<g>" / "t2-a<M>-g<g>", g = the design point's pim_g
 *          (the sim backend's design point, else dp_default), refused (vector)
 *          when a table entry needs more than pim_entry_bits. Weights: the
 *          plan format's codes and per-row scale quantized from the model's
 *          weights (intq per-row absmax; ternary: absmean, scale beta).
 *          Activations: converted at the unit input to a_bits-bit codes with
 *          a per-token absmax scale (intq's rule; after the plan's a= rounding
 *          this gives back its codes). The unit's exact integer accumulator
 *          (= golden lutgemv_gemv's bit-serial lookups, batch 1, one scale
 *          group per row) is converted by golden lutgemv_convert:
 *          y = (0 + (float)acc * w_scale[r]) * x_scale.
 *   OP_BITLINEAR -> unit "ternary", mode "exact" (the golden BitLinear
 *          pipeline, as before).
 *   OP_MATMUL, weight format shiftmac -> unit "shiftmac", mode "exact" in
 *          both exec modes (matmul_shiftmac.h: the unit's integer path).
 *   OP_QUANT -> "vector", mode "round:<fmt>" (the plan's a= / kv= rounding).
 *   everything else (other weight formats, integer weights with non-integer
 *          activations; norms, attention incl. its QK^T / PV products over
 *          the plan's KV format, element-wise)
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
 * (weights encoded in the unit's words); so->exec_fake selects fake mode,
 * the sim backend's design point (if registered with one) the PIM's g. */
int rt_exact_map(rt_engine *eng, const rt_sched_opts *so, rt_err *e);
void rt_exact_free(rt_engine *eng);

/* y[t] = op's matrix times x[t] in the unit's arithmetic, T tokens (rows
 * ldx / ldy floats apart). op->exact must be set. eng (may be NULL): its
 * thread pool splits the rows and its ISA picks the kernels (bits depend on
 * neither).
 * P8 / P16 / LUT-GEMV run fast kernels equal to golden (exact_fast.h); P4 /
 * FP4 and NaR operands run golden rmmec_dot. */
int rt_exact_matmul(const rt_engine *eng, const rt_op *op, const float *x, size_t ldx, float *y, size_t ldy, size_t T);

/* Test hook: corrupts the unit's copy of op's weights, the design under
 * test (bit 2 of every lane of row 0's RMMEC operand words; every LUT-GEMV
 * weight code of row 0 one step towards / away from 0), so the op's results
 * change. LPCS_EINVAL if op is not exact. */
int rt_exact_fault(rt_op *op);

/* The LUT-GEMV operands of an exact matmul on unit "lutgemv": weight codes
 * [rows][cols], one scale per row, the activation bits. LPCS_EINVAL if op
 * is not such an op (the cuda engine computes the same integer sums). */
int rt_exact_lut_operands(const rt_op *op, const int8_t **codes, const float **scales, int *a_bits);

/* The rmmec mode of a weight format, -1 if the RMMEC has none. */
int rt_exact_rmmec_mode(const rt_qf *f);
/* Encodes n floats as the rmmec mode's packed words (lane 0 in the low
 * bits, unused lanes of the last word 0): ceil(n / lanes) words. */
void rt_exact_rmmec_pack(int mode, const float *v, size_t n, uint16_t *words);

#endif
