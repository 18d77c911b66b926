/* Backend "rtl" on the Verilated ternary engine (sim/ternary_rtl.h): the
 * ternary GEMM of every BitLinear op runs on the engine, through the one
 * BitLinear pipeline (bitlinear_offload.c: golden's fp32 steps around it), so
 * the result equals the cpu backend bit for bit. Linked ahead of liblpcsrt.a
 * (whose backend_rtl.o is the stub that supports nothing), so it replaces the
 * stub: tests/test_runtime_rtl and `make LPCS_RTL=1 build/lpcs`.
 * Configuration: const rt_rtl_config * (NULL = defaults). */
#include <stdlib.h>

#include "backend_rtl.h"
#include "bitlinear_offload.h"
#include "engine.h"
#include "shadow.h"
#include "ternary_rtl.h"

/* The ternary unit's matmul (unit_matmul.h) on the Verilated engine. */
static int rtl_mm_gemm(void *ctx, void *mat, const void *x, int n, void *y) {
    const rt_mm_weights *w = mat;
    for (int t = 0; t < n; t++) {
        int st = ternary_rtl_gemv(ctx, w->data, w->rows, w->cols, (const int8_t *)x + (size_t)t * w->cols,
                                  (int32_t *)y + (size_t)t * w->rows);
        if (st) return st;
    }
    return LPCS_OK;
}

static const rt_unit_mm rtl_mm = {"ternary", "rtl", rt_mm_keep_prepare, rtl_mm_gemm, rt_mm_keep_release};

/* Testing --check (shadow.h): the engine gets a copy of W with one corrupted tile. */
static int rtl_mm_gemm_faulty(void *ctx, void *mat, const void *x, int n, void *y) {
    const rt_mm_weights *w = mat;
    rt_mm_weights bad = *w;
    uint8_t *copy = rt_fault_tile_copy(w->data, w->rows, w->cols);
    if (!copy) return LPCS_ENOMEM;
    bad.data = copy;
    int st = rtl_mm_gemm(ctx, &bad, x, n, y);
    free(copy);
    return st;
}

static const rt_unit_mm rtl_mm_faulty = {"ternary", "rtl", rt_mm_keep_prepare, rtl_mm_gemm_faulty,
                                         rt_mm_keep_release};

typedef struct {
    ternary_rtl *hw;
    rt_bl_scratch bl;
} rtl_state;

static void rtl_release(rt_backend_inst *be) {
    rtl_state *s = be->state;
    if (!s) return;
    rt_bl_scratch_free(&s->bl);
    if (s->hw) ternary_rtl_close(s->hw);
    free(s);
    be->state = NULL;
}

static int rtl_supports(const rt_backend_inst *be, const rt_engine *eng, const rt_op *op) {
    (void)be, (void)eng;
    return op->type == OP_BITLINEAR && op->cols <= ternary_rtl_info().max_cols;
}

static int rtl_exec(rt_backend_inst *be, rt_engine *eng, rt_op *op, int n_tokens) {
    if (n_tokens != 1) return LPCS_EUNSUPPORTED;
    rtl_state *s = be->state;
    if (!s) {
        const rt_rtl_config *cfg = be->cfg;
        s = calloc(1, sizeof *s);
        if (!s) return LPCS_ENOMEM;
        be->state = s;
        s->hw = ternary_rtl_open(cfg ? cfg->vcd_path : NULL); /* waveform only when asked */
        if (!s->hw) return LPCS_ENOMEM;
        if (cfg && cfg->vcd_to) ternary_rtl_vcd_window(s->hw, cfg->vcd_from, cfg->vcd_to);
        s->bl.ctx = s->hw;
    }
    s->bl.mm = rt_is_fault_op(eng, op) ? &rtl_mm_faulty : &rtl_mm; /* both keep W as given */
    return rt_bitlinear_offload(eng, op, &s->bl);
}

int rt_rtl_lanes(void) { return ternary_rtl_info().lanes; }

unsigned long long rt_rtl_cycles(const rt_engine *eng) {
    int b = -1;
    for (int i = 0; i < eng->n_backends; i++)
        if (eng->backends[i].iface == &rt_backend_rtl) b = i;
    const rtl_state *s = b >= 0 ? eng->backends[b].state : NULL;
    return s && s->hw ? (unsigned long long)ternary_rtl_cycles(s->hw) : 0;
}

const rt_backend_iface rt_backend_rtl = {.name = "rtl", .supports = rtl_supports, .exec = rtl_exec, .release = rtl_release};

