/* Switching activity of the PIM LUT-GEMV bank (rtl/pim_bank.v) and the
 * shift-MAC GEMV engine (rtl/shiftmac_gemv.v) on real operands (issue 16),
 * as sim/rmmec_activity.cpp and tests/ternary_activity.c do for the other
 * two units: the unit Verilated with --coverage-toggle (make unit-activity)
 * runs every matrix of every layer of the shipped llama (wq wk wv wo w1 w2
 * w3), its weights quantized by this driver (PIM: int4 symmetric per row;
 * shiftmac: golden shiftmac_quantize per row), on int8 absmax activations of
 * real text: the token embedding of each text byte, RMSNorm'ed with the
 * layer's norm weight (wq wk wv w1 w3), then fp32 v (wo: at position 0
 * attention returns V) and silu(w1 x) * (w3 x) (w2). Deeper layers see the
 * embedding instead of their true residual stream: a stated approximation.
 * `random` instead draws uniform weight codes and int8 activations. Every
 * output is checked against golden (lutgemv_gemv / shiftmac_gemv_i32), batch
 * 1 and naive lookup as the analytical model's PIM cost. Prints one JSON
 * line: toggles / (toggle points x cycles), clock and reset left out.
 *   unit_activity pim|shiftmac MODEL.bin TEXT model|random TOKENS COV.dat */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lutgemv.h"
#include "model.h"
#include "pim_rtl.h"
#include "shiftmac.h"
#include "shiftmac_rtl.h"
#include "ternary.h"
#include "toggle_cov.h"
#include "vl_coverage.h"

typedef struct {
    int pim; /* else shiftmac */
    int random;
    pim_rtl *bank;
    shiftmac_rtl *sm;
    uint64_t seed;
    unsigned long long outputs, bad, gemvs;
} drive;

static uint32_t next_rand(drive *d) {
    d->seed = d->seed * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(d->seed >> 33);
}

/* One GEMV y = W x of w [rows][cols] fp32 on the unit, checked against golden. */
static int run_pim(drive *d, const float *w, size_t rows, size_t cols, const int8_t *x) {
    lutgemv_cfg c = {rows, cols, 1, pim_rtl_params().g, 4, LUTGEMV_W_SIGNED, 8, 0};
    int16_t *q = malloc(rows * cols * sizeof *q), *tables = malloc(lutgemv_table_len(&c) * sizeof *tables);
    int64_t *want = malloc(rows * sizeof *want), *got = malloc(rows * sizeof *got);
    if (!q || !tables || !want || !got) return -1;
    for (size_t r = 0; r < rows; r++) {
        float amax = 0;
        for (size_t k = 0; k < cols; k++) amax = fmaxf(amax, fabsf(w[r * cols + k]));
        for (size_t k = 0; k < cols; k++) {
            int v = d->random ? (int)(next_rand(d) % 15) - 7
                    : amax > 0 ? (int)nearbyintf(w[r * cols + k] / amax * 7.0f) : 0;
            q[r * cols + k] = (int16_t)(v < -7 ? -7 : v > 7 ? 7 : v);
        }
    }
    int rc = lutgemv_build_tables(&c, q, NULL, 0, tables) || lutgemv_gemv(&c, tables, x, 0, want, NULL) ||
             pim_rtl_gemv(d->bank, &c, q, NULL, x, 0, got, NULL);
    for (size_t r = 0; r < rows; r++) d->bad += rc || want[r] != got[r];
    free(q), free(tables), free(want), free(got);
    return 0;
}

static int run_shiftmac(drive *d, const float *w, size_t rows, size_t cols, const int8_t *x) {
    size_t rb = shiftmac_row_bytes(cols);
    uint8_t *codes = malloc(rows * cols), *packed = malloc(rows * rb);
    float *alpha = malloc(rows * sizeof *alpha);
    int32_t *want = malloc(rows * sizeof *want), *got = malloc(rows * sizeof *got);
    if (!codes || !packed || !alpha || !want || !got) return -1;
    if (d->random)
        for (size_t i = 0; i < rows * cols; i++) codes[i] = (uint8_t)(next_rand(d) & 15);
    else if (shiftmac_quantize(w, rows, cols, 1, codes, alpha))
        return -1;
    int rc = shiftmac_pack_matrix(codes, rows, cols, packed) || shiftmac_gemv_i32(packed, rows, cols, x, want) ||
             shiftmac_rtl_gemv(d->sm, packed, rows, cols, x, got);
    for (size_t r = 0; r < rows; r++) d->bad += rc || want[r] != got[r];
    free(codes), free(packed), free(alpha), free(want), free(got);
    return 0;
}

static int gemv(drive *d, const float *w, size_t rows, size_t cols, const float *xf, float *yf) {
    int8_t *x = malloc(cols);
    float s;
    if (!x || act_quant_absmax_i8(xf, cols, x, &s)) return -1;
    if (d->random)
        for (size_t k = 0; k < cols; k++) x[k] = (int8_t)(next_rand(d) >> 24);
    int rc = d->pim ? run_pim(d, w, rows, cols, x) : run_shiftmac(d, w, rows, cols, x);
    d->outputs += rows, d->gemvs++;
    if (yf) /* the fp32 product feeds the next matrix's real input */
        for (size_t r = 0; r < rows; r++) {
            double acc = 0;
            for (size_t k = 0; k < cols; k++) acc += (double)w[r * cols + k] * xf[k];
            yf[r] = (float)acc;
        }
    free(x);
    return rc;
}

static void rmsnorm(const float *x, const float *g, size_t n, float eps, float *y) {
    double ss = 0;
    for (size_t i = 0; i < n; i++) ss += (double)x[i] * x[i];
    float r = (float)(1.0 / sqrt(ss / (double)n + eps));
    for (size_t i = 0; i < n; i++) y[i] = x[i] * r * g[i];
}

int main(int argc, char **argv) {
    if (argc != 7 || (strcmp(argv[1], "pim") && strcmp(argv[1], "shiftmac")) ||
        (strcmp(argv[4], "model") && strcmp(argv[4], "random")) || atoi(argv[5]) < 1 || atoi(argv[5]) > 4096) {
        fprintf(stderr, "usage: unit_activity pim|shiftmac MODEL.bin TEXT model|random TOKENS COV.dat\n");
        return 2;
    }
    drive d = {.pim = !strcmp(argv[1], "pim"), .random = !strcmp(argv[4], "random"), .seed = 0x9E3779B97F4A7C15ull};
    int tokens = atoi(argv[5]);
    rt_model m;
    rt_err e = {0, ""};
    unsigned char text[4096];
    FILE *tf = fopen(argv[3], "rb");
    if (rt_model_load(&m, argv[2], NULL, &e) || m.cfg.arch != RT_ARCH_LLAMA || !tf ||
        fread(text, 1, (size_t)tokens, tf) != (size_t)tokens) {
        fprintf(stderr, "unit_activity: cannot read a llama model from %s or %d bytes of %s %s\n", argv[2], tokens,
                argv[3], e.msg);
        return 2;
    }
    fclose(tf);
    size_t D = (size_t)m.cfg.dim, H = (size_t)m.cfg.hidden, KV = D * (size_t)m.cfg.n_kv_heads / (size_t)m.cfg.n_heads;
    if (!d.pim && (D > shiftmac_rtl_max_cols() || H > shiftmac_rtl_max_cols())) {
        fprintf(stderr, "unit_activity: the engine's activation buffer holds %zu columns\n", shiftmac_rtl_max_cols());
        return 2;
    }
    if (d.pim) d.bank = pim_rtl_open();
    else d.sm = shiftmac_rtl_open();
    float *xn = malloc(D * sizeof *xn), *v = calloc(D, sizeof *v), *h1 = malloc(H * sizeof *h1),
          *h3 = malloc(H * sizeof *h3);
    if ((!d.bank && !d.sm) || !xn || !v || !h1 || !h3) return 2;
    int rc = 0;
    for (int t = 0; t < tokens && !rc; t++) {
        const float *x = m.embed + (size_t)(text[t] % (unsigned)m.cfg.vocab) * D;
        for (int l = 0; l < m.cfg.n_layers && !rc; l++) {
            const rt_llama_layer *L = &m.ll[l];
            rmsnorm(x, L->attn_norm, D, m.cfg.norm_eps, xn);
            rc |= gemv(&d, L->wq, D, D, xn, NULL) || gemv(&d, L->wk, KV, D, xn, NULL) || gemv(&d, L->wv, KV, D, xn, v);
            for (size_t i = KV; i < D; i++) v[i] = v[i % KV]; /* grouped heads share V */
            rc |= gemv(&d, L->wo, D, D, v, NULL);
            rmsnorm(x, L->ffn_norm, D, m.cfg.norm_eps, xn);
            rc |= gemv(&d, L->w1, H, D, xn, h1) || gemv(&d, L->w3, H, D, xn, h3);
            for (size_t i = 0; i < H; i++) h1[i] = h1[i] / (1.0f + expf(-h1[i])) * h3[i];
            rc |= gemv(&d, L->w2, D, H, h1, NULL);
        }
    }
    double sum, points;
    unsigned long long cycles = d.pim ? pim_rtl_cycles(d.bank) : shiftmac_rtl_cycles(d.sm);
    if (rc || vl_coverage_write(argv[6]) || toggle_cov_sum(argv[6], &sum, &points)) {
        fprintf(stderr, "unit_activity: %s (build with make unit-activity)\n",
                rc ? "out of memory or a quantizer failed" : "no toggle coverage");
        return 2;
    }
    if (d.bad) {
        fprintf(stderr, "unit_activity: %llu of %llu outputs differ from golden (a broken drive or RTL)\n", d.bad,
                d.outputs);
        return 1;
    }
    printf("{\"unit\":\"%s\",\"source\":\"%s\",\"tokens\":%d,\"gemvs\":%llu,\"outputs_checked\":%llu,"
           "\"cycles\":%llu,\"toggle_points\":%.0f,\"toggles\":%.0f,\"activity\":%.5f}\n",
           argv[1], argv[4], tokens, d.gemvs, d.outputs, cycles, points, sum, sum / (points * (double)cycles));
    if (d.bank) pim_rtl_close(d.bank);
    if (d.sm) shiftmac_rtl_close(d.sm);
    free(xn), free(v), free(h1), free(h3);
    rt_model_free(&m);
    return 0;
}
