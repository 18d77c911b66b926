/* The runtime's forward passes on the shipped checkpoints, against
 * independent oracles:
 *  - hgrn_bit: the op list (with the fast exact ternary GEMV) equals, bit for
 *    bit, the golden layer functions hgrn_token_mixer_step /
 *    hgrn_channel_mixer + bitlinear_forward chained by hand;
 *  - the fast ternary GEMV equals golden ternary_gemv_i32 (random and
 *    extreme inputs, long rows that exercise the int16 flush);
 *  - llama: the cpu backend's logits match a straightforward double-precision
 *    forward written here (1e-4 of the logit range);
 *  - the same llama weights written as a Hugging Face llama safetensors
 *    (rotate-half q/k permutation, F32) give bit-identical logits;
 *  - scheduling: sim gives the cpu's bits, unsupported placements fall back. */
#include "test_model_util.h"

#include <math.h>
#include <sys/stat.h>

#include "bitlinear.h"
#include "engine.h"
#include "hgrn.h"
#include "model.h"
#include "ternary.h"
#include "ternary_fast.h"

static const int toks[] = {1, 85, 82, 80, 72, 82, 61, 13, 76, 35};
#define NTOK (sizeof toks / sizeof toks[0])

static void test_hgrn_vs_golden_layers(void **state) {
    (void)state;
    rt_model m;
    assert_int_equal(test_load_model(&m, "models/shakespeare-mmfree.safetensors"), LPCS_OK);
    const rt_config *c = &m.cfg;
    size_t D = (size_t)c->dim, I = (size_t)c->hidden, V = (size_t)c->vocab, L = (size_t)c->n_layers;
    rt_engine eng;
    rt_err e = {0, ""};
    rt_sched_opts so;
    rt_sched_default(&so);
    assert_int_equal(rt_engine_init(&eng, &m, NULL, &so, &e), LPCS_OK);
    /* oracle: golden objects built independently of the engine */
    bitlinear *bl = calloc(L * 6 + 1, sizeof *bl);
    hgrn_layer *hl = calloc(L, sizeof *hl);
    float *lb = calloc(L * D, sizeof *lb), *state_ = calloc(L * D, sizeof *state_), *x = calloc(D, 4),
          *h = calloc(D, 4), *lg = calloc(V, 4);
    assert_int_equal(hgrn_lower_bounds(m.lower_bounds, L, D, lb), LPCS_OK);
    size_t sb = 0;
    for (size_t l = 0; l < L; l++) {
        for (int p = 0; p < 6; p++) {
            const rt_bitlin_w *w = &m.hl[l].proj[p];
            assert_int_equal(bitlinear_init_from_latent(&bl[l * 6 + p], w->w, w->norm, (size_t)w->in, (size_t)w->out),
                             LPCS_OK);
        }
        hl[l] = (hgrn_layer){D, I, m.hl[l].attn_norm, m.hl[l].g_norm, m.hl[l].mlp_norm, l ? lb + l * D : NULL,
                             &bl[l * 6 + 0], &bl[l * 6 + 1], &bl[l * 6 + 2], &bl[l * 6 + 3], &bl[l * 6 + 4],
                             &bl[l * 6 + 5]};
        if (hgrn_scratch_bytes(&hl[l]) > sb) sb = hgrn_scratch_bytes(&hl[l]);
    }
    assert_int_equal(bitlinear_init_from_latent(&bl[L * 6], m.cls, m.cls_norm, D, V), LPCS_OK);
    if (bitlinear_scratch_bytes(&bl[L * 6]) > sb) sb = bitlinear_scratch_bytes(&bl[L * 6]);
    void *scratch = malloc(sb);
    float *gold = malloc(NTOK * V * 4), *pre = malloc(NTOK * V * 4);
    for (size_t t = 0; t < NTOK; t++) {
        memcpy(x, m.embed + (size_t)toks[t] * D, D * 4);
        for (size_t l = 0; l < L; l++) {
            assert_int_equal(hgrn_token_mixer_step(&hl[l], x, state_ + l * D, scratch), LPCS_OK);
            assert_int_equal(hgrn_channel_mixer(&hl[l], x, scratch), LPCS_OK);
        }
        assert_int_equal(bitlinear_rmsnorm_f32(x, m.final_norm, D, BITLINEAR_NORM_EPS, h), LPCS_OK);
        assert_int_equal(bitlinear_forward(&bl[L * 6], h, lg, scratch), LPCS_OK);
        memcpy(gold + t * V, lg, V * 4);
        const float *got = rt_engine_step(&eng, toks[t], &e);
        assert_non_null(got);
        if (memcmp(got, lg, V * 4)) {
            for (size_t k = 0; k < V; k++)
                if (memcmp(&got[k], &lg[k], 4)) {
                    fprintf(stderr, "token %zu logit %zu: runtime %a golden %a\n", t, k, got[k], lg[k]);
                    break;
                }
            fail();
        }
    }
    /* prefill: every BitLinear one GEMM over the tokens (rows split over 2
     * threads in the second round), the recurrence token by token */
    rt_engine_free(&eng);
    assert_int_equal(rt_sched_backend(&so, "cpu", &e), LPCS_OK); /* batched only with every op on cpu */
    assert_int_equal(rt_engine_init(&eng, &m, NULL, &so, &e), LPCS_OK);
    assert_true(rt_engine_batchable(&eng));
    for (int threads = 1; threads <= 2; threads++) {
        assert_int_equal(rt_engine_set_threads(&eng, threads, &e), LPCS_OK);
        eng.par_min_macs = 0; /* split every op, however small: the split is what these tests check */
        rt_engine_reset(&eng);
        memset(pre, 0, NTOK * V * 4);
        assert_non_null(rt_engine_prefill(&eng, toks, (int)NTOK - 1, pre, &e));
        /* the state it leaves is the stepped one: the next step equals golden */
        const float *next = rt_engine_step(&eng, toks[NTOK - 1], &e);
        assert_non_null(next);
        memcpy(pre + (NTOK - 1) * V, next, V * 4);
        size_t ndiff = 0;
        for (size_t k = 0; k < NTOK * V; k++) ndiff += memcmp(&pre[k], &gold[k], 4) != 0;
        if (ndiff) fprintf(stderr, "prefill, %d threads: %zu of %zu logits differ from golden\n", threads, ndiff, NTOK * V);
        assert_int_equal(ndiff, 0);
        assert_true(NTOK * V >= 2000); /* minimum compared */
    }
    for (size_t i = 0; i <= L * 6; i++) bitlinear_free(&bl[i]);
    free(bl), free(hl), free(lb), free(state_), free(x), free(h), free(lg), free(scratch), free(gold), free(pre);
    rt_engine_free(&eng);
    rt_model_free(&m);
}

static void test_fast_ternary_gemv(void **state) {
    (void)state;
    uint64_t rs = 7;
    size_t compared = 0;
    const size_t shapes[][2] = {{1, 1}, {3, 7}, {5, 8}, {17, 256}, {4, 2039}, {3, 2041}, {2, 5000}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        size_t R = shapes[s][0], C = shapes[s][1], rb = ternary_row_bytes(C);
        for (int mode = 0; mode < 3; mode++) { /* random, all -1 x all -128, all +1 x all 127 */
            int8_t *w = malloc(R * C), *x = malloc(C);
            uint8_t *pk = malloc(R * rb);
            int32_t *y0 = malloc(R * 4), *y1 = malloc(R * 4);
            int8_t *xw = NULL;
            for (size_t i = 0; i < R * C; i++) w[i] = mode == 1 ? -1 : mode == 2 ? 1 : (int8_t)(test_rand64(&rs) % 3) - 1;
            for (size_t i = 0; i < C; i++) x[i] = mode == 1 ? -128 : mode == 2 ? 127 : (int8_t)test_rand64(&rs);
            assert_int_equal(ternary_pack_matrix(w, R, C, pk), LPCS_OK);
            assert_int_equal(ternary_gemv_i32(pk, R, C, x, y0), LPCS_OK);
            for (int kern = RT_TERN_INT; kern <= RT_TERN_LUT; kern++) { /* both kernels, whichever AUTO picks */
                rt_tern_mat m;
                assert_int_equal(rt_tern_mat_init_kernel(&m, pk, R, C, (rt_tern_kernel)kern), LPCS_OK);
                assert_int_equal(m.lut, kern == RT_TERN_LUT);
                xw = malloc(rt_tern_scratch_bytes(&m));
                memset(y1, 0x55, R * 4);
                rt_tern_gemv(&m, x, xw, y1);
                assert_memory_equal(y0, y1, R * 4);
                memset(y1, 0x55, R * 4);
                assert_int_equal(rt_tern_gemm(&m, x, 1, y1, NULL), LPCS_OK);
                assert_memory_equal(y0, y1, R * 4);
                compared += 2 * R;
                if (mode == 1) assert_int_equal(y1[0], (int32_t)(128 * C));
                rt_tern_mat_free(&m);
                free(xw);
                xw = NULL;
            }
            free(w), free(x), free(pk), free(y0), free(y1), free(xw);
        }
    }
    printf("fast ternary GEMV, int_cpu and LUT kernels: %zu outputs equal to golden\n", compared);
    assert_true(compared >= 2 * 2 * 3 * 35);
    uint8_t bad = 0x02; /* code 0b10 is invalid */
    rt_tern_mat m;
    assert_int_not_equal(rt_tern_mat_init(&m, &bad, 1, 4), LPCS_OK);
}

/* BitLinear's host fp32 steps (rmsnorm + absmax codes, dequantization) on
 * every ISA equal golden's functions bit for bit, incl. tails of 16/32,
 * a tiny absmax (the 1e-5 floor), huge values and non-finite inputs. */
static void test_fast_bitlinear_steps(void **state) {
    (void)state;
    uint64_t rs = 11;
    const size_t ns[] = {1, 15, 16, 17, 31, 32, 33, 100, 256, 1000};
    enum { NMAX = 1000 };
    static float x[NMAX], w[NMAX], y0[NMAX], y1[NMAX], d0[NMAX], d1[NMAX];
    static int8_t q0[NMAX], q1[NMAX];
    static int32_t acc[NMAX];
    size_t compared = 0;
    for (int isa = 0; isa < KN_ISA_COUNT; isa++) {
        if (!kn_isa_supported((kn_isa)isa)) continue;
        for (size_t ni = 0; ni < sizeof ns / sizeof *ns; ni++)
            for (int mode = 0; mode < 5; mode++) { /* random, tiny w, huge x, inf, NaN */
                size_t n = ns[ni];
                for (size_t k = 0; k < n; k++) {
                    x[k] = (float)((double)(test_rand64(&rs) % 20001) / 1000.0 - 10.0);
                    w[k] = mode == 1 ? 1e-7f : (float)((double)(test_rand64(&rs) % 2001) / 1000.0);
                    if (mode == 2) x[k] *= 1e30f;
                    acc[k] = (int32_t)test_rand64(&rs) >> (k % 20);
                }
                if (mode == 3) x[n / 2] = INFINITY;
                if (mode == 4) x[n - 1] = NAN;
                acc[0] = INT32_MIN, acc[n - 1] = INT32_MAX;
                float s0 = -1, s1 = -2;
                memset(y0, 0, sizeof y0), memset(y1, 0, sizeof y1);
                int r0 = bitlinear_rmsnorm_f32(x, w, n, BITLINEAR_NORM_EPS, y0);
                if (!r0) r0 = act_quant_absmax_i8(y0, n, q0, &s0);
                int r1 = rt_tern_act_quant((kn_isa)isa, x, w, n, BITLINEAR_NORM_EPS, y1, q1, &s1);
                assert_int_equal(r0, r1);
                assert_int_equal(r0 == LPCS_OK, mode < 3);
                assert_memory_equal(&s0, &s1, 4);
                assert_memory_equal(q0, q1, n);
                if (!r0) assert_memory_equal(y0, y1, n * 4);
                assert_int_equal(bitlinear_dequant(acc, n, s0 ? s0 : 0.37f, 0.81f, d0), LPCS_OK);
                assert_int_equal(rt_tern_dequant((kn_isa)isa, acc, n, s0 ? s0 : 0.37f, 0.81f, d1), LPCS_OK);
                assert_memory_equal(d0, d1, n * 4);
                compared += 2 * n;
            }
    }
    assert_true(compared > 10000);
}

/* Straightforward double-precision llama forward (train.py's math). */
typedef struct {
    double *k, *v; /* [L][T][kv] */
} dref;

static void ref_llama(const rt_model *m, const int *tk, int n, double *logits_last) {
    const rt_config *c = &m->cfg;
    int D = c->dim, Hd = c->hidden, NH = c->n_heads, hs = D / NH, KV = D * c->n_kv_heads / NH, Lr = c->n_layers;
    double *kc = calloc((size_t)Lr * n * KV, 8), *vc = calloc((size_t)Lr * n * KV, 8);
    double *x = calloc(D, 8), *h = calloc(D, 8), *q = calloc(D, 8), *o = calloc(D, 8), *a = calloc(Hd, 8),
           *b = calloc(Hd, 8), *att = calloc(n, 8);
    for (int t = 0; t < n; t++) {
        for (int i = 0; i < D; i++) x[i] = m->embed[(size_t)tk[t] * D + i];
        for (int l = 0; l < Lr; l++) {
            const rt_llama_layer *W = &m->ll[l];
            double ss = 0;
            for (int i = 0; i < D; i++) ss += x[i] * x[i];
            double r = 1 / sqrt(ss / D + 1e-5);
            for (int i = 0; i < D; i++) h[i] = x[i] * r * W->attn_norm[i];
            double *kt = kc + ((size_t)l * n + t) * KV, *vt = vc + ((size_t)l * n + t) * KV;
            for (int j = 0; j < D; j++) {
                q[j] = 0;
                for (int i = 0; i < D; i++) q[j] += W->wq[(size_t)j * D + i] * h[i];
            }
            for (int j = 0; j < KV; j++) {
                kt[j] = vt[j] = 0;
                for (int i = 0; i < D; i++) kt[j] += W->wk[(size_t)j * D + i] * h[i], vt[j] += W->wv[(size_t)j * D + i] * h[i];
            }
            for (int i = 0; i < D; i += 2) {
                double fr = pow(10000.0, -(double)(i % hs) / hs), cs = cos(t * fr), sn = sin(t * fr);
                double q0 = q[i], q1 = q[i + 1];
                q[i] = q0 * cs - q1 * sn, q[i + 1] = q0 * sn + q1 * cs;
                if (i < KV) {
                    double k0 = kt[i], k1 = kt[i + 1];
                    kt[i] = k0 * cs - k1 * sn, kt[i + 1] = k0 * sn + k1 * cs;
                }
            }
            for (int hh = 0; hh < NH; hh++) {
                int g = hh / (NH / c->n_kv_heads);
                double mx = -1e300, sum = 0;
                for (int s = 0; s <= t; s++) {
                    double d = 0;
                    for (int i = 0; i < hs; i++) d += q[hh * hs + i] * kc[((size_t)l * n + s) * KV + g * hs + i];
                    att[s] = d / sqrt(hs);
                    if (att[s] > mx) mx = att[s];
                }
                for (int s = 0; s <= t; s++) sum += att[s] = exp(att[s] - mx);
                for (int i = 0; i < hs; i++) {
                    double acc = 0;
                    for (int s = 0; s <= t; s++) acc += att[s] / sum * vc[((size_t)l * n + s) * KV + g * hs + i];
                    o[hh * hs + i] = acc;
                }
            }
            for (int j = 0; j < D; j++) {
                double acc = 0;
                for (int i = 0; i < D; i++) acc += W->wo[(size_t)j * D + i] * o[i];
                h[j] = acc;
            }
            for (int i = 0; i < D; i++) x[i] += h[i];
            ss = 0;
            for (int i = 0; i < D; i++) ss += x[i] * x[i];
            r = 1 / sqrt(ss / D + 1e-5);
            for (int i = 0; i < D; i++) h[i] = x[i] * r * W->ffn_norm[i];
            for (int j = 0; j < Hd; j++) {
                a[j] = b[j] = 0;
                for (int i = 0; i < D; i++) a[j] += W->w1[(size_t)j * D + i] * h[i], b[j] += W->w3[(size_t)j * D + i] * h[i];
                a[j] = a[j] / (1 + exp(-a[j])) * b[j];
            }
            for (int j = 0; j < D; j++) {
                double acc = 0;
                for (int i = 0; i < Hd; i++) acc += W->w2[(size_t)j * Hd + i] * a[i];
                x[j] += acc;
            }
        }
        if (t == n - 1) {
            double ss = 0;
            for (int i = 0; i < D; i++) ss += x[i] * x[i];
            double r = 1 / sqrt(ss / D + 1e-5);
            for (int i = 0; i < D; i++) h[i] = x[i] * r * m->final_norm[i];
            for (int v = 0; v < c->vocab; v++) {
                double acc = 0;
                for (int i = 0; i < D; i++) acc += m->cls[(size_t)v * D + i] * h[i];
                logits_last[v] = acc;
            }
        }
    }
    free(kc), free(vc), free(x), free(h), free(q), free(o), free(a), free(b), free(att);
}

static void test_llama_vs_double(void **state) {
    (void)state;
    rt_model m;
    assert_int_equal(test_load_model(&m, "models/shakespeare-llama.bin"), LPCS_OK);
    rt_engine eng;
    rt_err e = {0, ""};
    assert_int_equal(rt_engine_init(&eng, &m, NULL, NULL, &e), LPCS_OK);
    double *ref = calloc((size_t)m.cfg.vocab, 8);
    const float *lg = NULL;
    for (size_t t = 0; t < NTOK; t++) assert_non_null(lg = rt_engine_step(&eng, toks[t], &e));
    ref_llama(&m, toks, (int)NTOK, ref);
    double range = 0, err = 0;
    for (int v = 0; v < m.cfg.vocab; v++) {
        range = fmax(range, fabs(ref[v]));
        err = fmax(err, fabs(ref[v] - lg[v]));
    }
    fprintf(stderr, "llama fp32 vs double: max |diff| %.3g over logits up to %.3g\n", err, range);
    assert_true(err < 1e-4 * range);
    free(ref);
    rt_engine_free(&eng);
    rt_model_free(&m);
}

/* HF layout: rows of q/k permuted per head from interleaved to rotate-half. */
static void hf_permute(const float *w, float *out, int heads, int rows, int cols) {
    int hs = rows / heads;
    for (int h = 0; h < heads; h++)
        for (int half = 0; half < 2; half++)
            for (int i = 0; i < hs / 2; i++)
                memcpy(out + ((size_t)h * hs + half * hs / 2 + i) * cols, w + ((size_t)h * hs + 2 * i + half) * cols,
                       (size_t)cols * 4);
}

static void test_hf_llama_safetensors(void **state) {
    (void)state;
    rt_model m;
    assert_int_equal(test_load_model(&m, "models/shakespeare-llama.bin"), LPCS_OK);
    const rt_config *c = &m.cfg;
    int D = c->dim, H = c->hidden, V = c->vocab, KV = D * c->n_kv_heads / c->n_heads;
    const char *b = getenv("LPCS_BUILD");
    char dir[512], path[600], cfgp[600];
    snprintf(dir, sizeof dir, "%s/rt_hf", b && *b ? b : "build");
    mkdir(b && *b ? b : "build", 0755);
    mkdir(dir, 0755);
    snprintf(path, sizeof path, "%s/model.safetensors", dir);
    snprintf(cfgp, sizeof cfgp, "%s/config.json", dir);
    FILE *f = fopen(cfgp, "w");
    fprintf(f, "{\"model_type\":\"llama\",\"hidden_size\":%d,\"intermediate_size\":%d,\"num_hidden_layers\":%d,"
               "\"num_attention_heads\":%d,\"num_key_value_heads\":%d,\"vocab_size\":%d,"
               "\"max_position_embeddings\":%d,\"rms_norm_eps\":1e-05,\"tie_word_embeddings\":true}",
            D, H, c->n_layers, c->n_heads, c->n_kv_heads, V, c->seq_len);
    fclose(f);
    /* tensors: name, data, rows, cols */
    size_t nt = 2 + 9 * (size_t)c->n_layers, k = 0, off = 0;
    const float **data = calloc(nt, sizeof *data);
    char (*names)[96] = calloc(nt, 96);
    size_t *rows = calloc(nt, sizeof *rows), *cols = calloc(nt, sizeof *cols);
    float **own = calloc(nt, sizeof *own);
#define ADD(nm, d, r, cc) (snprintf(names[k], 96, "%s", nm), data[k] = (d), rows[k] = (size_t)(r), cols[k] = (size_t)(cc), k++)
    ADD("model.embed_tokens.weight", m.embed, V, D);
    ADD("model.norm.weight", m.final_norm, D, 0);
    for (int l = 0; l < c->n_layers; l++) {
        const rt_llama_layer *W = &m.ll[l];
        char nm[96];
        float *pq = malloc((size_t)D * D * 4), *pk = malloc((size_t)KV * D * 4);
        hf_permute(W->wq, pq, c->n_heads, D, D);
        hf_permute(W->wk, pk, c->n_kv_heads, KV, D);
        own[2 * l] = pq, own[2 * l + 1] = pk;
#define L_(s) (snprintf(nm, sizeof nm, "model.layers.%d.%s", l, s), nm)
        ADD(L_("input_layernorm.weight"), W->attn_norm, D, 0);
        ADD(L_("self_attn.q_proj.weight"), pq, D, D);
        ADD(L_("self_attn.k_proj.weight"), pk, KV, D);
        ADD(L_("self_attn.v_proj.weight"), W->wv, KV, D);
        ADD(L_("self_attn.o_proj.weight"), W->wo, D, D);
        ADD(L_("post_attention_layernorm.weight"), W->ffn_norm, D, 0);
        ADD(L_("mlp.gate_proj.weight"), W->w1, H, D);
        ADD(L_("mlp.down_proj.weight"), W->w2, D, H);
        ADD(L_("mlp.up_proj.weight"), W->w3, H, D);
#undef L_
    }
#undef ADD
    char *hdr = malloc(1 << 16);
    size_t o = (size_t)snprintf(hdr, 1 << 16, "{");
    for (size_t i = 0; i < nt; i++) {
        size_t n = rows[i] * (cols[i] ? cols[i] : 1);
        char shape[48];
        if (cols[i])
            snprintf(shape, sizeof shape, "[%zu,%zu]", rows[i], cols[i]);
        else
            snprintf(shape, sizeof shape, "[%zu]", rows[i]);
        o += (size_t)snprintf(hdr + o, (1 << 16) - o, "%s\"%s\":{\"dtype\":\"F32\",\"shape\":%s,\"data_offsets\":[%zu,%zu]}",
                              i ? "," : "", names[i], shape, off, off + 4 * n);
        off += 4 * n;
    }
    o += (size_t)snprintf(hdr + o, (1 << 16) - o, "}");
    uint64_t hl = o;
    f = fopen(path, "wb");
    fwrite(&hl, 8, 1, f);
    fwrite(hdr, 1, o, f);
    for (size_t i = 0; i < nt; i++) fwrite(data[i], 4, rows[i] * (cols[i] ? cols[i] : 1), f);
    fclose(f);
    rt_model m2;
    rt_err e = {0, ""};
    assert_int_equal(rt_model_load(&m2, path, NULL, &e), LPCS_OK);
    rt_engine e1, e2;
    assert_int_equal(rt_engine_init(&e1, &m, NULL, NULL, &e), LPCS_OK);
    assert_int_equal(rt_engine_init(&e2, &m2, NULL, NULL, &e), LPCS_OK);
    for (int t = 0; t < 4; t++) {
        const float *a = rt_engine_step(&e1, toks[t], &e), *bb = rt_engine_step(&e2, toks[t], &e);
        assert_non_null(a);
        assert_non_null(bb);
        assert_memory_equal(a, bb, (size_t)V * 4);
    }
    rt_engine_free(&e1), rt_engine_free(&e2);
    for (int i = 0; i < 2 * c->n_layers; i++) free(own[i]);
    free(own), free(data), free(names), free(rows), free(cols), free(hdr);
    rt_model_free(&m2);
    rt_model_free(&m);
}

static void test_scheduling(void **state) {
    (void)state;
    rt_model m;
    assert_int_equal(test_load_model(&m, "models/shakespeare-llama.bin"), LPCS_OK);
    rt_sched_opts cpu, def, pl;
    rt_err e = {0, ""};
    rt_sched_default(&def);
    rt_sched_default(&cpu);
    assert_int_equal(rt_sched_backend(&cpu, "cpu", &e), LPCS_OK);
    rt_sched_default(&pl);
    assert_int_equal(rt_sched_place(&pl, "matmul=rtl", &e), LPCS_OK);
    assert_int_equal(rt_sched_place(&pl, "L0.rope=sim", &e), LPCS_OK);
    assert_int_not_equal(rt_sched_place(&pl, "matmul=tpu", &e), LPCS_OK);
    assert_int_not_equal(rt_sched_backend(&pl, "fpga", &e), LPCS_OK);
    rt_engine a, b, c;
    assert_int_equal(rt_engine_init(&a, &m, NULL, &cpu, &e), LPCS_OK);
    assert_int_equal(rt_engine_init(&b, &m, NULL, &def, &e), LPCS_OK);
    assert_int_equal(rt_engine_init(&c, &m, NULL, &pl, &e), LPCS_OK);
    const int CPU = rt_sched_find(&def, "cpu"), SIM = rt_sched_find(&def, "sim"), RTL = rt_sched_find(&def, "rtl");
    assert_true(CPU >= 0 && SIM >= 0 && RTL >= 0);
    int nmat = 0;
    for (int i = 0; i < a.n_ops; i++) {
        assert_int_equal(a.ops[i].backend, CPU);
        int is_mm = b.ops[i].type == OP_MATMUL;
        nmat += is_mm;
        assert_int_equal(b.ops[i].backend, is_mm ? SIM : CPU);
        if (is_mm) { /* rtl supports no fp32 matmul: falls back in priority order */
            assert_int_equal(c.ops[i].requested, RTL);
            assert_int_equal(c.ops[i].backend, SIM);
        }
        if (!strcmp(c.ops[i].name, "L0.rope")) {
            assert_int_equal(c.ops[i].requested, SIM);
            assert_int_equal(c.ops[i].backend, CPU);
        }
    }
    assert_int_equal(nmat, 7 * m.cfg.n_layers + 1);
    for (int t = 0; t < 5; t++) {
        const float *x = rt_engine_step(&a, toks[t], &e), *y = rt_engine_step(&b, toks[t], &e);
        assert_memory_equal(x, y, (size_t)m.cfg.vocab * 4);
    }
    double cyc = 0;
    for (int i = 0; i < b.n_ops; i++) cyc += b.ops[i].st.cycles;
    assert_true(cyc > 0);
    rt_engine_free(&a), rt_engine_free(&b), rt_engine_free(&c);
    rt_model_free(&m);
}

/* A bf16 weight plan rounds every matmul weight to bf16 (low 16 bits zero)
 * and keeps the shared classifier shared. */
static void test_plan_weights(void **state) {
    (void)state;
    rt_model m;
    assert_int_equal(test_load_model(&m, "models/shakespeare-llama.bin"), LPCS_OK);
    rt_plan p;
    rt_err e = {0, ""};
    assert_int_equal(rt_plan_parse(&p, "w=bf16,kv=fp8e4m3", &e), LPCS_OK);
    rt_engine eng;
    assert_int_equal(rt_engine_init(&eng, &m, &p, NULL, &e), LPCS_OK);
    int nq = 0;
    const float *emb = NULL, *head = NULL;
    for (int i = 0; i < eng.n_ops; i++) {
        const rt_op *op = &eng.ops[i];
        if (op->type == OP_EMBED) emb = op->w;
        if (!strcmp(op->name, "lm_head")) head = op->w;
        if (op->type == OP_QUANT) nq++;
        if (op->type != OP_MATMUL) continue;
        for (size_t k = 0; k < op->rows * op->cols; k += 97) {
            uint32_t u;
            memcpy(&u, &op->w[k], 4);
            assert_int_equal(u & 0xffff, 0);
        }
        /* the bf16-storage kernel gives rt_matvec's bits on the rounded weights */
        assert_non_null(op->aux);
        float *x = malloc(op->cols * 4), *y0 = malloc(op->rows * 4), *y1 = malloc(op->rows * 4);
        uint64_t rs = (uint64_t)i;
        for (size_t k = 0; k < op->cols; k++) x[k] = (float)((int64_t)(test_rand64(&rs) % 2001) - 1000) / 300.0f;
        rt_matvec(y0, op->w, x, op->rows, op->cols);
        rt_matvec_bf16(y1, op->aux, x, op->rows, op->cols);
        assert_memory_equal(y0, y1, op->rows * 4);
        free(x), free(y0), free(y1);
    }
    assert_ptr_equal(emb, head);
    assert_int_equal(nq, m.cfg.n_layers); /* one kv_quant per layer */
    assert_non_null(rt_engine_step(&eng, 1, &e));
    rt_engine_free(&eng);
    rt_model_free(&m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fast_ternary_gemv),
        cmocka_unit_test(test_fast_bitlinear_steps), cmocka_unit_test(test_hgrn_vs_golden_layers),
        cmocka_unit_test(test_llama_vs_double),   cmocka_unit_test(test_hf_llama_safetensors),
        cmocka_unit_test(test_scheduling),        cmocka_unit_test(test_plan_weights),
    };
    return cmocka_run_group_tests_name("runtime_model", tests, NULL, NULL);
}
