/* Quantization plans: the number format of weights (w), activations entering
 * matmuls (a) and the KV cache / recurrent state (kv), per tensor class and
 * per layer. Formats are fake-quantized (quantize then dequantize) through
 * golden/qformat.h, so every op still computes in fp32 on the dequantized
 * values.
 *
 * Syntax (comma or newline separated; '#' starts a comment in plan files):
 *   FMT                      shorthand for w=FMT
 *   w=FMT a=FMT kv=FMT       every layer, every class
 *   w.CLASS=FMT a.CLASS=FMT  CLASS: embed attn ffn head
 *   L<n>.w=FMT L<n>.a=FMT L<n>.kv=FMT L<n>.w.CLASS=FMT   one layer
 *   @FILE                    read the plan from FILE
 *   ggml                     a GGUF model run as llama.cpp's x86 CPU backend
 *                            runs it, bit for bit (golden/ggml_quants.h,
 *                            golden/ggml_x86.h: matrices, norms, RoPE,
 *                            attention, SwiGLU)
 *   intdot                   int2..int8 weight matrices run as integer
 *                            matmuls on the cpu backend: per-token int8
 *                            activations, exact int32 sums, fp32 rescale
 *                            (golden/intdot.h, sw_runtime/matmul_int.h)
 *   lut                      intdot, with int2..int4 matrices on the
 *                            table-lookup kernel (kernels/lut_gemv_cpu.h;
 *                            same bits: the sums are exact)
 * Later entries override earlier ones. */
#ifndef LPCS_RT_PLAN_H
#define LPCS_RT_PLAN_H

#include <stddef.h>

#include "rt_err.h"

#include "qformat.h"

/* One number format as the runtime uses it. */
typedef struct {
    char name[24];
    int identity; /* fp32: no rounding at all */
    qformat q;
} rt_qf;

int rt_qf_parse(const char *name, rt_qf *out, rt_err *e);
/* Quantize-dequantize n values in rows of row_len (in may equal out). */
int rt_qf_roundtrip(const rt_qf *f, const float *in, float *out, size_t n, size_t row_len);
double rt_qf_bits(const rt_qf *f); /* storage bits per value incl. scales */

typedef enum { WC_EMBED, WC_ATTN, WC_FFN, WC_HEAD, WC_N } rt_wclass;
const char *rt_wclass_name(rt_wclass c);

#define RT_PLAN_MAX_OVERRIDES 64

typedef struct {
    int layer;     /* -1: every layer */
    char what;     /* 'w', 'a' or 'k' (kv) */
    int wclass;    /* -1: every class */
    rt_qf f;
} rt_plan_entry;

typedef struct {
    rt_plan_entry e[RT_PLAN_MAX_OVERRIDES];
    int n;
    int ggml;       /* "ggml": a GGUF model runs with llama.cpp's x86 CPU
                     * arithmetic (golden/ggml_quants.h, golden/ggml_x86.h) */
    int intdot;     /* "intdot": intN weight matrices as integer matmuls (matmul_int.h) */
    int lut;        /* "lut": intdot, 2..4-bit matrices on the LUT kernel (implies intdot) */
    char text[512]; /* the plan as given, for reports */
} rt_plan;

void rt_plan_default(rt_plan *p); /* everything fp32 */
int rt_plan_parse(rt_plan *p, const char *spec, rt_err *e);
/* The format of weights / activations / KV for a class in a layer (-1 = not
 * in a layer, e.g. embedding and classifier). */
const rt_qf *rt_plan_w(const rt_plan *p, rt_wclass c, int layer);
const rt_qf *rt_plan_a(const rt_plan *p, rt_wclass c, int layer);
const rt_qf *rt_plan_kv(const rt_plan *p, int layer);
int rt_plan_is_fp32(const rt_plan *p);

#endif
