/* Switching activity of rtl/ternary_gemv.v on real operands (issue 16): the
 * engine Verilated with --coverage-toggle (make ternary-activity) runs every
 * BitLinear matrix of the shipped HGRN-Bit checkpoint (ternarized by golden:
 * 6 layers x i/f/g/o/gate projections + lm_head) on activations built from
 * real text: the checkpoint's embeddings of the first bytes of
 * tinyshakespeare, RMSNorm'ed and int8-quantized as BitLinear does; or on
 * uniformly random weight codes and int8 activations. Every output is checked
 * against golden ternary_gemv_i32. Prints one JSON line: toggles /
 * (toggle points x cycles), clock and reset left out.
 *   ternary_activity MODEL.safetensors TEXT model|random TOKENS COV.dat */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/ternary_rtl.h"
#include "../sim/vl_coverage.h"
#include "ternary.h"
#include "ternary_model.h"
#include "toggle_cov.h"

int main(int argc, char **argv) {
    if (argc != 6 || (strcmp(argv[3], "model") && strcmp(argv[3], "random")) || atoi(argv[4]) < 1) {
        fprintf(stderr, "usage: ternary_activity MODEL.safetensors TEXT model|random TOKENS COV.dat\n");
        return 2;
    }
    int random = !strcmp(argv[3], "random"), tokens = atoi(argv[4]);
    tm_model m;
    FILE *tf = fopen(argv[2], "rb");
    unsigned char text[4096];
    if (tm_load(&m, argv[1]) || !tf || fread(text, 1, (size_t)tokens, tf) != (size_t)tokens || tokens > 4096) {
        fprintf(stderr, "ternary_activity: cannot read the model or %d bytes of text\n", tokens);
        return 2;
    }
    fclose(tf);
    ternary_rtl *e = ternary_rtl_open(NULL);
    bitlinear *mats[TM_LAYERS * 5 + 1];
    int nm = 0;
    for (int l = 0; l < TM_LAYERS; l++)
        for (int j = 0; j < 5; j++) mats[nm++] = &m.proj[l][j]; /* in = TM_DIM (down_proj's input is the MLP's) */
    mats[nm++] = &m.lm_head;
    uint64_t seed = 0x9E3779B97F4A7C15ull;
    unsigned long long outputs = 0, bad = 0, gemvs = 0;
    float xf[TM_DIM], xh[TM_DIM], s;
    int8_t xq[TM_DIM];
    for (int t = 0; t < tokens && e; t++) {
        memcpy(xf, m.emb + (size_t)(text[t] % TM_VOCAB) * TM_DIM, sizeof xf);
        for (int i = 0; i < nm; i++) {
            bitlinear *L = mats[i];
            size_t pb = ternary_row_bytes(L->in) * L->out;
            uint8_t *w = malloc(pb);
            int32_t *y = malloc(L->out * sizeof *y), *g = malloc(L->out * sizeof *g);
            if (!w || !y || !g) return 2;
            memcpy(w, L->packed, pb);
            if (random) {
                for (size_t k = 0; k < pb; k++) { /* codes 00, 01, 11 (10 is invalid) */
                    uint8_t b = 0;
                    for (int q = 0; q < 4; q++) {
                        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
                        b |= (uint8_t)((uint8_t[]){0, 1, 3}[(seed >> 33) % 3] << (2 * q));
                    }
                    w[k] = b;
                }
                for (size_t k = 0; k < L->in; k++) {
                    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
                    xq[k] = (int8_t)(seed >> 56);
                }
            } else if (bitlinear_rmsnorm_f32(xf, L->norm_weight, L->in, BITLINEAR_NORM_EPS, xh) ||
                       act_quant_absmax_i8(xh, L->in, xq, &s))
                return 2;
            if (ternary_gemv_i32(w, L->out, L->in, xq, g) || ternary_rtl_gemv(e, w, L->out, L->in, xq, y)) bad++;
            for (size_t r = 0; r < L->out; r++) bad += y[r] != g[r];
            outputs += L->out, gemvs++;
            free(w), free(y), free(g);
        }
    }
    double sum, points;
    if (!e || vl_coverage_write(argv[5]) || toggle_cov_sum(argv[5], &sum, &points)) {
        fprintf(stderr, "ternary_activity: no toggle coverage (build with make ternary-activity)\n");
        return 2;
    }
    unsigned long long cycles = ternary_rtl_cycles(e);
    if (bad) {
        fprintf(stderr, "ternary_activity: %llu of %llu outputs differ from golden: the drive is broken\n", bad, outputs);
        return 1;
    }
    printf("{\"unit\":\"ternary\",\"source\":\"%s\",\"tokens\":%d,\"gemvs\":%llu,\"outputs_checked\":%llu,"
           "\"cycles\":%llu,\"toggle_points\":%.0f,\"toggles\":%.0f,\"activity\":%.5f}\n",
           argv[3], tokens, gemvs, outputs, cycles, points, sum, sum / (points * (double)cycles));
    ternary_rtl_close(e);
    tm_free(&m);
    return 0;
}
