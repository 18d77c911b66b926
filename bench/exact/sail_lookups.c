/* Pattern-aware lookup savings of the PIM LUT-GEMV on real activations
 * (issue 13; SAIL reports 13.8% fewer cycles from pattern-aware lookup).
 *
 * Runs a shipped model on the validation split (W windows of the ppl
 * protocol, the first P positions of each) op by op on the cpu backend and
 * keeps the integer activation codes every LUT-GEMV-able matmul receives:
 *   llama  (plan w=int4,a=int8, every matmul on the LUT-GEMV): the a_bits
 *          codes at the unit input (per-token absmax, intq's rule);
 *   mmfree (BitLinear): the int8 codes of its RMSNorm + absmax quantizer
 *          (golden bitlinear_rmsnorm_f32 + act_quant_absmax_i8), the
 *          activations a ternary LUT-GEMV would take.
 * Then counts, with golden lutgemv_count_lookups, the table reads of every
 * op for batches of N tokens sharing the tables: lookups_naive = M*G*a_bits*N,
 * lookups_done = M * distinct indices per (group, bit plane) over the batch;
 * saved = 1 - done / naive. Two kinds of batch:
 *   streams  N different sequences at the same position (N windows decoded
 *            together, the batched-decode case; position 0, the BOS token
 *            that every window shares, is left out);
 *   prefill  N consecutive tokens of one sequence.
 * The fraction depends on the activations, g and a_bits only (not on the
 * weights). Output: CSV on stdout, progress on stderr.
 *
 *   sail_lookups MODEL TEXT TOKENIZER [WINDOWS=16] [POSITIONS=64] [G=4] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bitlinear.h"
#include "engine.h"
#include "intq.h"
#include "lutgemv.h"
#include "model.h"
#include "plan.h"
#include "ternary.h"
#include "tokenizer.h"

#define VAL_SPLIT_OFFSET 1003854 /* tinyshakespeare validation split, as lpcs ppl */
#define WINDOW 256

typedef struct {
    int op;          /* index in the op list */
    size_t rows, cols;
    int8_t *codes;   /* [window][position][cols] */
} capture;

static uint8_t *read_all(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = len > 0 ? malloc((size_t)len) : NULL;
    if (b && fread(b, 1, (size_t)len, f) != (size_t)len) free(b), b = NULL;
    fclose(f);
    *n = (size_t)len;
    return b;
}

/* The activation codes op would give its LUT-GEMV; 0 if op is none. */
static int codes_of(rt_engine *eng, const rt_op *op, int8_t *q, float *scratch) {
    const float *x = rt_engine_buf(eng, op->in, op->layer);
    float s;
    if (op->type == OP_BITLINEAR) {
        const bitlinear *L = op->aux;
        bitlinear_rmsnorm_f32(x, L->norm_weight, L->in, BITLINEAR_NORM_EPS, scratch);
        return act_quant_absmax_i8(scratch, L->in, q, &s) == LPCS_OK;
    }
    if (op->type != OP_MATMUL || !op->unit || strcmp(op->unit, "lutgemv")) return 0;
    return intq_quantize_tensor(8, x, op->cols, q, &s) == LPCS_OK;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: sail_lookups MODEL TEXT TOKENIZER [WINDOWS=16] [POSITIONS=64] [G=4]\n");
        return 2;
    }
    int W = argc > 4 ? atoi(argv[4]) : 16, P = argc > 5 ? atoi(argv[5]) : 64, g = argc > 6 ? atoi(argv[6]) : 4;
    if (W < 16 || W % 16 || P < 16 || P > WINDOW || g < LUTGEMV_G_MIN || g > LUTGEMV_G_MAX) {
        fprintf(stderr, "sail_lookups: WINDOWS a multiple of 16, 16 <= POSITIONS <= %d, %d <= G <= %d\n", WINDOW,
                LUTGEMV_G_MIN, LUTGEMV_G_MAX);
        return 2;
    }
    rt_err e = {0, ""};
    rt_model m;
    if (rt_model_load(&m, argv[1], NULL, &e)) return fprintf(stderr, "sail_lookups: %s\n", e.msg), 1;
    rt_tokenizer tok;
    if (rt_tokenizer_load(&tok, argv[3], m.cfg.vocab, &e)) return fprintf(stderr, "sail_lookups: %s\n", e.msg), 1;
    size_t tn;
    uint8_t *text = read_all(argv[2], &tn);
    if (!text || tn < VAL_SPLIT_OFFSET + (size_t)W * WINDOW) return fprintf(stderr, "sail_lookups: text too short\n"), 1;
    rt_plan plan;
    if (rt_plan_parse(&plan, m.cfg.arch == RT_ARCH_LLAMA ? "w=int4,a=int8" : "fp32", &e))
        return fprintf(stderr, "sail_lookups: %s\n", e.msg), 1;
    rt_sched_opts so;
    rt_sched_default(&so);
    rt_sched_backend(&so, "cpu", NULL);
    rt_engine eng;
    if (rt_engine_init(&eng, &m, &plan, &so, &e)) return fprintf(stderr, "sail_lookups: %s\n", e.msg), 1;
    capture *cap = calloc((size_t)eng.n_ops, sizeof *cap);
    int nc = 0;
    size_t maxk = 0;
    int8_t *q = malloc(1 << 16);
    float *scratch = malloc(sizeof(float) << 16);
    for (int i = 0; i < eng.n_ops; i++) {
        rt_op *op = &eng.ops[i];
        int is = op->type == OP_BITLINEAR || (op->type == OP_MATMUL && op->unit && !strcmp(op->unit, "lutgemv"));
        if (!is) continue;
        cap[nc].op = i, cap[nc].rows = op->rows, cap[nc].cols = op->cols;
        cap[nc].codes = malloc((size_t)W * (size_t)P * op->cols);
        maxk = op->cols > maxk ? op->cols : maxk;
        nc++;
    }
    for (int w = 0; w < W; w++) {
        rt_engine_reset(&eng);
        const uint8_t *win = text + VAL_SPLIT_OFFSET + (size_t)w * WINDOW;
        for (int p = 0; p < P; p++) {
            eng.token = p == 0 ? m.cfg.bos : tok.byte_token[win[p - 1]];
            for (int i = 0, c = 0; i < eng.n_ops; i++) {
                rt_op *op = &eng.ops[i];
                if (c < nc && cap[c].op == i) {
                    if (!codes_of(&eng, op, q, scratch)) return fprintf(stderr, "sail_lookups: op %s\n", op->name), 1;
                    memcpy(cap[c].codes + ((size_t)w * P + (size_t)p) * op->cols, q, op->cols);
                    c++;
                }
                if (rt_cpu_exec(&eng, op)) return fprintf(stderr, "sail_lookups: op %s failed\n", op->name), 1;
            }
            eng.pos++;
        }
        fprintf(stderr, "sail_lookups: window %d/%d\n", w + 1, W);
    }
    printf("model,batch_kind,batch,g,a_bits,ops,lookups_naive,lookups_done,saved_fraction\n");
    static const int NB[] = {1, 4, 8, 16};
    int8_t *xb = malloc(16 * maxk);
    const char *name = m.cfg.arch == RT_ARCH_LLAMA ? "shakespeare-llama" : "shakespeare-mmfree";
    for (int kind = 0; kind < 2; kind++)
        for (size_t b = 0; b < sizeof NB / sizeof *NB; b++) {
            int N = NB[b];
            uint64_t naive = 0, done = 0;
            for (int c = 0; c < nc; c++) {
                size_t K = cap[c].cols;
                lutgemv_cfg lc = {.rows = cap[c].rows, .cols = K, .batch = (size_t)N, .g = g, .a_bits = 8, .qgroup = 0,
                                  .w_kind = LUTGEMV_W_TERNARY, .w_bits = 2};
                for (int w0 = 0; w0 < W; w0 += kind ? 1 : N)
                    for (int p0 = kind ? 0 : 1; p0 + (kind ? N : 1) <= P; p0 += kind ? N : 1) {
                        for (int j = 0; j < N; j++) { /* streams: windows w0.., position p0; prefill: window w0, p0.. */
                            int w = kind ? w0 : w0 + j, p = kind ? p0 + j : p0;
                            memcpy(xb + (size_t)j * K, cap[c].codes + ((size_t)w * P + (size_t)p) * K, K);
                        }
                        lutgemv_counts k;
                        if (lutgemv_count_lookups(&lc, xb, 1, &k)) return fprintf(stderr, "sail_lookups: count\n"), 1;
                        naive += k.lookups_naive, done += k.lookups_done;
                    }
            }
            printf("%s,%s,%d,%d,8,%d,%llu,%llu,%.6f\n", name, kind ? "prefill" : "streams", N, g, nc,
                   (unsigned long long)naive, (unsigned long long)done, 1.0 - (double)done / (double)naive);
        }
    for (int c = 0; c < nc; c++) free(cap[c].codes);
    free(cap), free(q), free(scratch), free(xb), free(text);
    rt_engine_free(&eng);
    rt_tokenizer_free(&tok);
    rt_model_free(&m);
    return 0;
}
