/* Backend "rtl" on the Verilated units: every op whose unit has RTL runs
 * that unit's arithmetic on the Verilated model, tile by tile, and the
 * result equals the cpu backend bit for bit:
 *   - BitLinear (unit ternary): the ternary GEMM on the ternary engine
 *     (sim/ternary_rtl.h) through the one BitLinear pipeline
 *     (bitlinear_offload.c: golden's fp32 steps around it);
 *   - exact RMMEC matmuls (unit rmmec, exact.h): every row streamed through
 *     the Verilated RMMEC (sim/rmmec_rtl.h): the unit's packed words, its
 *     quire / fixed-point accumulator, its RNE readout to fp32 - the whole
 *     op is the RTL's; only the activation's encoding into the mode's words
 *     (the unit-input conversion) is golden's rt_exact_rmmec_pack;
 *   - shift-MAC matmuls (unit shiftmac, matmul_shiftmac.h): the int32 GEMV
 *     on the Verilated shift-MAC engine (sim/shiftmac_rtl.h); the steps the
 *     RTL lacks (absmax int8 activation quantization, fp32 rescale) are
 *     golden's;
 *   - LUT-GEMV matmuls (unit lutgemv, exact.h: integer / ternary weights
 *     with integer activations): the Verilated PIM bank (sim/pim_rtl.h,
 *     through its unit matmul unit_mm_pim_rtl.h) builds the tables from the
 *     op's weight codes and runs the bit-serial lookups tile by tile; the
 *     steps the bank lacks are golden's and reported as such: the
 *     activation's conversion to a_bits codes at the unit input (per-token
 *     absmax scale), adding the tiles' integer sums of a row, and the per-row
 *     scale and int -> fp32 conversion (lutgemv_convert).
 * Linked ahead of liblpcsrt.a (whose backend_rtl.o is the stub that supports
 * nothing), so it replaces the stub: tests/test_runtime_rtl*, build/lpcs-rtl
 * and `make LPCS_RTL=1 build/lpcs`. Configuration: const rt_rtl_config *
 * (NULL = defaults). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backend_rtl.h"
#include "bitlinear_offload.h"
#include "engine.h"
#include "exact.h"
#include "matmul_shiftmac.h"
#include "rmmec_rtl.h"
#include "shadow.h"
#include "shiftmac_rtl.h"
#include "ternary.h"
#include "ternary_rtl.h"
#include "pim_rtl.h"
#include "unit_mm_pim_rtl.h"

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
    rmmec_rtl *rm;
    shiftmac_rtl *sm;
    pim_rtl *pim;
    int n_ops;
    void **unit_w;   /* [op index]: the op's weights in its unit's storage (RMMEC: the mode's
                        words; PIM bank: int16 codes), made on first use */
    void *buf;       /* activation words / int8 + int32 scratch of the largest op */
    size_t buf_bytes;
} rtl_state;

static void rtl_release(rt_backend_inst *be) {
    rtl_state *s = be->state;
    if (!s) return;
    rt_bl_scratch_free(&s->bl);
    if (s->hw) ternary_rtl_close(s->hw);
    if (s->rm) rmmec_rtl_close(s->rm);
    if (s->sm) shiftmac_rtl_close(s->sm);
    if (s->pim) pim_rtl_close(s->pim);
    for (int i = 0; s->unit_w && i < s->n_ops; i++) free(s->unit_w[i]);
    free(s->unit_w);
    free(s->buf);
    free(s);
    be->state = NULL;
}

static int is_rmmec_op(const rt_op *op) {
    return op->type == OP_MATMUL && op->exact && !op->wb && op->unit && !strcmp(op->unit, "rmmec") && op->qf &&
           rt_exact_rmmec_mode(op->qf) >= 0;
}

/* An exact LUT-GEMV op in a configuration of the bank (its g, its activation width). */
static int is_lut_op(const rt_op *op) {
    rt_exact_lut l;
    pim_rtl_info b = pim_rtl_params();
    return op->type == OP_MATMUL && op->unit && !strcmp(op->unit, "lutgemv") && !rt_exact_lut_of(op, &l) &&
           l.cfg->g == b.g && l.cfg->a_bits <= b.a_bits_max;
}

static int rtl_supports(const rt_backend_inst *be, const rt_engine *eng, const rt_op *op) {
    (void)be, (void)eng;
    if (op->type == OP_BITLINEAR) return op->cols <= ternary_rtl_info().max_cols;
    if (is_rmmec_op(op) || is_lut_op(op)) return 1;
    return op->type == OP_MATMUL && rt_shiftmac_layer(op) && op->cols <= shiftmac_rtl_max_cols();
}

static rtl_state *state_of(rt_backend_inst *be, const rt_engine *eng) {
    if (be->state) return be->state;
    rtl_state *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    be->state = s;
    s->n_ops = eng->n_ops;
    s->unit_w = calloc((size_t)eng->n_ops, sizeof *s->unit_w);
    return s->unit_w ? s : NULL;
}

static void *scratch(rtl_state *s, size_t bytes) {
    if (bytes > s->buf_bytes) {
        void *p = realloc(s->buf, bytes);
        if (!p) return NULL;
        s->buf = p, s->buf_bytes = bytes;
    }
    return s->buf;
}

/* --inject-fault on an RMMEC / shift-MAC op: the unit gets a weight copy
 * with the middle row's first 4 words (16-bit) / 8 bytes of codes inverted. */
static void *faulty_copy(const void *w, size_t rows, size_t row_bytes) {
    uint8_t *bad = malloc(rows * row_bytes);
    if (!bad) return NULL;
    memcpy(bad, w, rows * row_bytes);
    uint8_t *t = bad + (rows / 2) * row_bytes;
    for (size_t k = 0; k < row_bytes && k < 8; k++) t[k] ^= 0x5a;
    return bad;
}

/* Y = W x on the Verilated RMMEC: the op's weights and x as the mode's
 * packed words, one readout to fp32 per row. */
static int exec_rmmec(rtl_state *s, rt_engine *eng, rt_op *op) {
    int mode = rt_exact_rmmec_mode(op->qf);
    size_t lanes = (size_t)rmmec_lanes((rmmec_mode)mode), words = (op->cols + lanes - 1) / lanes;
    uint16_t **w = (uint16_t **)&s->unit_w[op - eng->ops];
    if (!*w) {
        *w = malloc(op->rows * words * sizeof **w);
        if (!*w) return LPCS_ENOMEM;
        for (size_t r = 0; r < op->rows; r++) /* op->w is already rounded to the format: encoding is exact */
            rt_exact_rmmec_pack(mode, op->w + r * op->cols, op->cols, *w + r * words);
    }
    if (!s->rm && !(s->rm = rmmec_rtl_open())) return LPCS_ENOMEM;
    uint16_t *x = scratch(s, (words + 1) * sizeof *x + op->rows * sizeof(uint32_t));
    if (!x) return LPCS_ENOMEM;
    uint32_t *y = (uint32_t *)(x + words + (words & 1)); /* buf_bytes leaves room for the pad */
    rt_exact_rmmec_pack(mode, rt_engine_buf(eng, op->in, op->layer), op->cols, x);
    const uint16_t *wt = *w;
    void *bad = rt_is_fault_op(eng, op) ? faulty_copy(wt, op->rows, words * sizeof *wt) : NULL;
    uint64_t c0 = rmmec_rtl_cycles(s->rm);
    int st = rmmec_rtl_gemv(s->rm, mode, bad ? bad : wt, op->rows, words, x, RMMEC_OUT_FP32, y);
    free(bad);
    op->st.cycles += (double)(rmmec_rtl_cycles(s->rm) - c0);
    if (!st) memcpy(rt_engine_buf(eng, op->out, op->layer), y, op->rows * sizeof *y);
    return st;
}

/* --inject-fault on a LUT-GEMV op: the bank gets a weight copy whose middle
 * row's first 8 codes move one step inside their range (towards / away
 * from 0), so the bank accepts them and its sums change. */
static int16_t *lut_faulty_copy(const int16_t *w, size_t rows, size_t cols) {
    int16_t *bad = malloc(rows * cols * sizeof *bad);
    if (!bad) return NULL;
    memcpy(bad, w, rows * cols * sizeof *bad);
    int16_t *t = bad + (rows / 2) * cols;
    for (size_t k = 0; k < cols && k < 8; k++) t[k] = (int16_t)(t[k] > 0 ? t[k] - 1 : t[k] + 1);
    return bad;
}

/* Y = W x on the Verilated PIM bank: golden's a_bits codes of x, the
 * bank's tables and lookups tile by tile (exact integer sums per row),
 * golden's per-row scale and conversion to fp32. */
static int exec_lut(rtl_state *s, rt_engine *eng, rt_op *op) {
    rt_exact_lut l;
    if (rt_exact_lut_of(op, &l)) return LPCS_EINVAL;
    const size_t R = l.cfg->rows, K = l.cfg->cols;
    int16_t **w = (int16_t **)&s->unit_w[op - eng->ops];
    if (!*w) { /* the unit matmul's contract stores the codes as int16 */
        if (!(*w = malloc(R * K * sizeof **w))) return LPCS_ENOMEM;
        for (size_t i = 0; i < R * K; i++) (*w)[i] = l.wq[i];
    }
    if (!s->pim && !(s->pim = pim_rtl_open())) return LPCS_ENOMEM;
    int64_t *acc = scratch(s, R * sizeof *acc + K);
    if (!acc) return LPCS_ENOMEM;
    int8_t *xq = (int8_t *)(acc + R);
    float xs = rt_exact_lut_input(l.cfg, rt_engine_buf(eng, op->in, op->layer), xq);
    int16_t *bad = rt_is_fault_op(eng, op) ? lut_faulty_copy(*w, R, K) : NULL;
    rt_mm_weights mw = {.rows = R, .cols = K, .data = bad ? bad : *w, .lut = l.cfg};
    uint64_t c0 = pim_rtl_cycles(s->pim);
    int st = rt_unit_mm_rtl_lutgemv.gemm(s->pim, &mw, xq, 1, acc);
    free(bad);
    op->st.cycles += (double)(pim_rtl_cycles(s->pim) - c0);
    return st ? st : rt_exact_lut_output(&l, acc, xs, rt_engine_buf(eng, op->out, op->layer));
}

/* The shift-MAC linear op: golden's int8 quantizer, the GEMV on the
 * Verilated engine, golden's fp32 rescale (matmul_shiftmac.h steps 1-4). */
static int exec_shiftmac(rtl_state *s, rt_engine *eng, rt_op *op) {
    const shiftmac_linear *L = rt_shiftmac_layer(op);
    float *out = rt_engine_buf(eng, op->out, op->layer);
    if (!s->sm && !(s->sm = shiftmac_rtl_open())) return LPCS_ENOMEM;
    int32_t *acc = scratch(s, op->rows * sizeof *acc + op->cols + 8);
    if (!acc) return LPCS_ENOMEM;
    int8_t *xq = (int8_t *)(acc + op->rows);
    float sc;
    if (act_quant_absmax_i8(rt_engine_buf(eng, op->in, op->layer), op->cols, xq, &sc)) {
        for (size_t r = 0; r < op->rows; r++) out[r] = NAN; /* as the cpu path: NaN/Inf input gives NaN */
        return LPCS_OK;
    }
    size_t rb = shiftmac_row_bytes(op->cols);
    void *bad = rt_is_fault_op(eng, op) ? faulty_copy(L->packed, op->rows, rb) : NULL;
    uint64_t c0 = shiftmac_rtl_cycles(s->sm);
    int st = shiftmac_rtl_gemv(s->sm, bad ? bad : L->packed, op->rows, op->cols, xq, acc);
    free(bad);
    op->st.cycles += (double)(shiftmac_rtl_cycles(s->sm) - c0);
    return st ? st : shiftmac_dequant(acc, op->rows, sc, L->wscale, out);
}

static int rtl_exec(rt_backend_inst *be, rt_engine *eng, rt_op *op, int n_tokens) {
    if (n_tokens != 1) return LPCS_EUNSUPPORTED;
    rtl_state *s = state_of(be, eng);
    if (!s) return LPCS_ENOMEM;
    if (is_rmmec_op(op)) return exec_rmmec(s, eng, op);
    if (is_lut_op(op)) return exec_lut(s, eng, op);
    if (op->type == OP_MATMUL) return exec_shiftmac(s, eng, op);
    if (!s->hw) {
        const rt_rtl_config *cfg = be->cfg;
        s->hw = ternary_rtl_open(cfg ? cfg->vcd_path : NULL); /* waveform only when asked */
        if (!s->hw) return LPCS_ENOMEM;
        if (cfg && cfg->vcd_to) ternary_rtl_vcd_window(s->hw, cfg->vcd_from, cfg->vcd_to);
        s->bl.ctx = s->hw;
    }
    s->bl.mm = rt_is_fault_op(eng, op) ? &rtl_mm_faulty : &rtl_mm; /* both keep W as given */
    uint64_t c0 = ternary_rtl_cycles(s->hw);
    int st = rt_bitlinear_offload(eng, op, &s->bl);
    op->st.cycles += (double)(ternary_rtl_cycles(s->hw) - c0);
    return st;
}

int rt_rtl_lanes(void) { return ternary_rtl_info().lanes; }

static const rtl_state *rtl_state_of(const rt_engine *eng) {
    int b = -1;
    for (int i = 0; i < eng->n_backends; i++)
        if (eng->backends[i].iface == &rt_backend_rtl) b = i;
    return b >= 0 ? eng->backends[b].state : NULL;
}

unsigned long long rt_rtl_cycles(const rt_engine *eng) {
    const rtl_state *s = rtl_state_of(eng);
    return s && s->hw ? (unsigned long long)ternary_rtl_cycles(s->hw) : 0;
}

unsigned long long rt_rtl_unit_cycles(const rt_engine *eng, const char *unit) {
    const rtl_state *s = rtl_state_of(eng);
    if (!s || !unit) return 0;
    if (!strcmp(unit, "ternary")) return s->hw ? ternary_rtl_cycles(s->hw) : 0;
    if (!strcmp(unit, "rmmec")) return s->rm ? rmmec_rtl_cycles(s->rm) : 0;
    if (!strcmp(unit, "shiftmac")) return s->sm ? shiftmac_rtl_cycles(s->sm) : 0;
    if (!strcmp(unit, "lutgemv")) return s->pim ? pim_rtl_cycles(s->pim) : 0;
    return 0;
}

/* Per-op sim_cycles in reports: clock cycles of the Verilated unit that ran it. */
static const char *rtl_describe(const rt_backend_inst *be) {
    (void)be;
    return "Verilated RTL (ternary engine, RMMEC, shift-MAC engine, PIM LUT-GEMV bank); sim_cycles = simulated clock cycles of the unit "
           "that ran the op, buffer loads included";
}

const rt_backend_iface rt_backend_rtl = {
    .name = "rtl", .supports = rtl_supports, .exec = rtl_exec, .release = rtl_release, .describe = rtl_describe};
