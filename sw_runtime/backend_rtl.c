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
#include "bitlinear_offload.h"
#include "shadow.h"
#include "../sim/ternary_rtl.h"

typedef struct {
    ternary_rtl *hw;
    rt_bl_scratch scratch;
} rtl_state;

static void rtl_release(rt_engine *eng) {
    rtl_state *s = eng->backend_state[RT_BACKEND_RTL];
    if (!s) return;
    if (s->hw) ternary_rtl_close(s->hw);
    rt_bl_scratch_free(&s->scratch);
    free(s);
    eng->backend_state[RT_BACKEND_RTL] = NULL;
}

static int rtl_supports(const rt_engine *eng, const rt_op *op) {
    (void)eng;
    return op->type == OP_BITLINEAR && op->cols <= ternary_rtl_info().max_cols;
}

static int rtl_gemv(void *ctx, const bitlinear *B, const int8_t *xq, int32_t *acc) {
    return ternary_rtl_gemv(ctx, B->packed, B->out, B->in, xq, acc);
}

/* Testing --check: the engine gets a copy of W with one corrupted tile. */
static int rtl_gemv_faulty(void *ctx, const bitlinear *B, const int8_t *xq, int32_t *acc) {
    uint8_t *bad = rt_fault_tile_copy(B->packed, B->out, B->in);
    if (!bad) return LPCS_ENOMEM;
    int rc = ternary_rtl_gemv(ctx, bad, B->out, B->in, xq, acc);
    free(bad);
    return rc;
}

static int rtl_exec(rt_engine *eng, rt_op *op) {
    rtl_state *s = eng->backend_state[RT_BACKEND_RTL];
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s) return LPCS_ENOMEM;
        eng->backend_state[RT_BACKEND_RTL] = s;
        s->hw = ternary_rtl_open(eng->vcd_path); /* waveform only when asked (--vcd) */
        if (!s->hw) return LPCS_ENOMEM;
        if (eng->vcd_window[1]) ternary_rtl_vcd_window(s->hw, eng->vcd_window[0], eng->vcd_window[1]);
    }
    return rt_bitlinear_offload(eng, op, &s->scratch, rt_is_fault_op(eng, op) ? rtl_gemv_faulty : rtl_gemv, s->hw);
}

/* Simulated clock cycles so far (0 if the engine never ran). */
unsigned long long rt_rtl_cycles(const rt_engine *eng) {
    const rtl_state *s = eng->backend_state[RT_BACKEND_RTL];
    return s && s->hw ? (unsigned long long)ternary_rtl_cycles(s->hw) : 0;
}

int rt_rtl_lanes(void) { return ternary_rtl_info().lanes; }

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

int rt_rtl_lanes(void) { return 0; }

const rt_backend rt_backend_rtl = {"rtl", rtl_supports, rtl_exec, NULL};
#endif
