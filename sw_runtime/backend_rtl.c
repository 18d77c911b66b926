/* Backend "rtl": Verilated accelerator units on real tensors (slow; must
 * match cpu bit for bit).
 *
 * Built with LPCS_WITH_TERNARY_RTL (see tests/runtime.mk: `make LPCS_RTL=1`),
 * it runs the ternary GEMV of every BitLinear op on the Verilated ternary
 * engine (sim/ternary_rtl.h); the fp32 steps around it (RMSNorm, int8
 * activation quantization, dequantization) are golden/bitlinear.h's, so the
 * result equals the cpu backend bit for bit. Without the flag it supports no
 * op and everything falls back. */
#include <stdlib.h>

#include "engine.h"

#ifdef LPCS_WITH_TERNARY_RTL
#include "bitlinear.h"
#include "ternary.h"
#include "../sim/ternary_rtl.h"

typedef struct {
    ternary_rtl *hw;
    float *xh;
    int8_t *xq;
    int32_t *acc;
    size_t cap_in, cap_out;
} rtl_state;

static void rtl_release(rt_engine *eng) {
    rtl_state *s = eng->backend_state[RT_BACKEND_RTL];
    if (!s) return;
    if (s->hw) ternary_rtl_close(s->hw);
    free(s->xh), free(s->xq), free(s->acc), free(s);
    eng->backend_state[RT_BACKEND_RTL] = NULL;
}

static int rtl_supports(const rt_engine *eng, const rt_op *op) {
    (void)eng;
    return op->type == OP_BITLINEAR && op->cols <= ternary_rtl_info().max_cols;
}

static int rtl_exec(rt_engine *eng, rt_op *op) {
    rtl_state *s = eng->backend_state[RT_BACKEND_RTL];
    const bitlinear *B = op->aux;
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s) return LPCS_ENOMEM;
        eng->backend_state[RT_BACKEND_RTL] = s;
        s->hw = ternary_rtl_open(getenv("LPCS_RTL_VCD")); /* waveform only when asked */
        if (!s->hw) return LPCS_ENOMEM;
    }
    if (B->in > s->cap_in || B->out > s->cap_out) {
        free(s->xh), free(s->xq), free(s->acc);
        s->cap_in = B->in > s->cap_in ? B->in : s->cap_in;
        s->cap_out = B->out > s->cap_out ? B->out : s->cap_out;
        s->xh = malloc(s->cap_in * sizeof *s->xh);
        s->xq = malloc(s->cap_in);
        s->acc = malloc(s->cap_out * sizeof *s->acc);
        if (!s->xh || !s->xq || !s->acc) return LPCS_ENOMEM;
    }
    const float *in = rt_engine_buf(eng, op->in, op->layer);
    float *out = rt_engine_buf(eng, op->out, op->layer), sc = 0.0f;
    int st = bitlinear_rmsnorm_f32(in, B->norm_weight, B->in, BITLINEAR_NORM_EPS, s->xh);
    if (!st) st = act_quant_absmax_i8(s->xh, B->in, s->xq, &sc);
    if (!st) st = ternary_rtl_gemv(s->hw, B->packed, B->out, B->in, s->xq, s->acc);
    if (!st) st = bitlinear_dequant(s->acc, B->out, sc, B->inv_beta, out);
    return st;
}

/* Simulated clock cycles so far (0 if the engine never ran). */
unsigned long long rt_rtl_cycles(const rt_engine *eng) {
    const rtl_state *s = eng->backend_state[RT_BACKEND_RTL];
    return s && s->hw ? (unsigned long long)ternary_rtl_cycles(s->hw) : 0;
}

const rt_backend rt_backend_rtl = {"rtl", rtl_supports, rtl_exec, rtl_release};

#else

static int rtl_supports(const rt_engine *eng, const rt_op *op) {
    (void)eng;
    (void)op;
    return 0;
}

static int rtl_exec(rt_engine *eng, rt_op *op) {
    (void)eng;
    (void)op;
    return LPCS_EUNSUPPORTED;
}

unsigned long long rt_rtl_cycles(const rt_engine *eng) {
    (void)eng;
    return 0;
}

const rt_backend rt_backend_rtl = {"rtl", rtl_supports, rtl_exec, NULL};
#endif
