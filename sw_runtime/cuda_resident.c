#include "cuda_resident.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bitlinear.h"
#include "exact.h"
#include "intq.h"
#include "ternary.h"
#include "rmmec.h"
#include "cuda/llm_engine.h"
#include "cuda/lpcs_cuda.h"
#include "matmul_shiftmac.h"

/* Fake-quant matmuls in a low-bit format (int2..int4: 4-bit storage;
 * ternary: 2-bit): the codes and row scales the plan's rounding used,
 * derived again from the model's weights with golden's quantizers, and
 * kept only if (float)code * scale reproduces every fp32 weight the cpu
 * backend holds (op->w), bit for bit; else the matrix stays fp32. For
 * ternary the scale is 1 / inv (the value of code 1): golden dequantizes
 * q / inv, which for q in -1..1 is the same value as q * (1 / inv).
 * Returns the storage bits (4 or 2) and fills *buf with codes [rows][cols]
 * followed by rows scales, or 0. */
static int packed_codes(const rt_op *op, void **buf) {
    if (op->exact || op->aux || op->wb || !op->qf || op->qf->identity || !op->w_src || op->w == op->w_src) return 0;
    const qformat *f = &op->qf->q;
    const int bits = f->kind == QF_TERNARY ? 2 : f->kind == QF_INT && f->bits <= 4 ? 4 : 0;
    if (!bits || !op->rows || !op->cols) return 0;
    const size_t R = op->rows, C = op->cols;
    int8_t *q = malloc(R * C + R * sizeof(float) + 16);
    if (!q) return 0;
    float *sc = (float *)(void *)(q + (R * C + 15) / 16 * 16);
    int ok = 1;
    for (size_t r = 0; ok && r < R; r++) {
        const float *src = op->w_src + r * C, *want = op->w + r * C;
        int8_t *qr = q + r * C;
        float s;
        if (bits == 4) {
            s = intq_scale_for_absmax(f->bits, intq_absmax(src, C));
            for (size_t c = 0; c < C; c++) qr[c] = intq_quantize_one(f->bits, src[c], s);
        } else {
            float beta;
            if (ternary_absmean_quantize(src, C, qr, &beta) != LPCS_OK) ok = 0;
            const float inv = 1.0f / beta;
            s = 1.0f / inv;
        }
        /* the device decodes (float)code * s with s a normal finite number: check every weight */
        if (!(s >= 1e-30f && s <= 1e30f)) ok = 0;
        for (size_t c = 0; ok && c < C; c++) {
            const float v = (float)qr[c] * s;
            if (memcmp(&v, &want[c], 4)) ok = 0;
        }
        sc[r] = s;
    }
    if (!ok) {
        free(q);
        return 0;
    }
    *buf = q;
    return bits;
}

/* rt_op -> lpcs_cuda_op; 0 if the op has no device kernel. When buf !=
 * NULL, BitLinear weights are unpacked (ternary int8) and exact RMMEC
 * weights packed into the unit's words in *buf (the caller frees it). */
static int map_op(const rt_op *op, lpcs_cuda_op *d, void **buf) {
    memset(d, 0, sizeof *d);
    d->layer = op->layer, d->in = op->in, d->in2 = op->in2, d->out = op->out;
    d->rows = op->rows, d->cols = op->cols, d->n = op->n, d->eps = op->eps, d->w = op->w;
    switch (op->type) {
    case OP_EMBED: d->type = LPCS_CUDA_OP_EMBED; return 1;
    case OP_RMSNORM: d->type = op->variant ? LPCS_CUDA_OP_BL_RMSNORM : LPCS_CUDA_OP_RMSNORM; return 1;
    case OP_BITLINEAR: {
        const bitlinear *B = op->aux;
        d->type = LPCS_CUDA_OP_BITLINEAR;
        d->rows = B->out, d->cols = B->in, d->w = B->norm_weight, d->inv_beta = B->inv_beta;
        d->eps = BITLINEAR_NORM_EPS;
        if (buf) {
            size_t rb = ternary_row_bytes(B->in);
            int8_t *w = malloc(B->out * B->in);
            *buf = w;
            if (!w) return 0;
            for (size_t r = 0; r < B->out; r++)
                if (ternary_unpack(B->packed + r * rb, B->in, w + r * B->in)) return 0;
            d->w_tern = w;
        }
        return 1;
    }
    case OP_MLGRU: d->type = LPCS_CUDA_OP_MLGRU; return 1;
    case OP_GATED_NORM: d->type = LPCS_CUDA_OP_GATED_NORM, d->eps = BITLINEAR_NORM_EPS; return 1;
    case OP_GLU: d->type = LPCS_CUDA_OP_GLU; return 1;
    case OP_MATMUL:
        /* ggml blocks: no device kernel in the engine, so the op list stays off it */
        if (op->wb) return 0;
        d->type = LPCS_CUDA_OP_MATMUL;
        if (rt_shiftmac_op(op)) { /* the shift-MAC unit: its packed codes and scales (matmul_shiftmac.h) */
            const shiftmac_linear *L = rt_shiftmac_layer(op);
            if (!L || L->in != op->cols || L->out != op->rows) return 0;
            d->w_shift = L->packed, d->w_scale = L->wscale;
            return 1;
        }
        if (op->exact) { /* the LUT-GEMV unit (one scale per row): its integer codes and scales (exact.h) */
            rt_exact_lut l;
            if (rt_exact_lut_of(op, &l) == LPCS_OK && !l.cfg->qgroup) {
                d->w_codes = l.wq, d->w_scale = l.wscale, d->exact_lut_abits = l.cfg->a_bits;
                return 1;
            }
        }
        if (op->exact) { /* the RMMEC's exact arithmetic (exact.h): weights as the unit's words */
            int rm = op->qf ? rt_exact_rmmec_mode(op->qf) : -1;
            if (rm < 0) return 0;
            size_t lanes = (size_t)rmmec_lanes((rmmec_mode)rm);
            d->exact_rmmec = rm + 1, d->words = (op->cols + lanes - 1) / lanes;
            if (buf) {
                uint16_t *w = malloc(op->rows * d->words * sizeof *w);
                *buf = w;
                if (!w) return 0;
                for (size_t r = 0; r < op->rows; r++) /* op->w is already rounded to the format: exact */
                    rt_exact_rmmec_pack(rm, op->w + r * op->cols, op->cols, w + r * d->words);
                d->w_words = w;
            }
            return 1;
        }
        d->w_bf16 = op->aux;
        if (buf) { /* low-bit fake-quant weights: packed codes on the device */
            const int bits = packed_codes(op, buf);
            if (bits) {
                const int8_t *q = *buf;
                d->w_qbits = bits, d->w_q = q;
                d->w_qscale = (const float *)(const void *)(q + (op->rows * op->cols + 15) / 16 * 16);
            }
        }
        return 1;
    case OP_ROPE: d->type = LPCS_CUDA_OP_ROPE; return 1;
    case OP_ATTENTION: d->type = LPCS_CUDA_OP_ATTENTION; return 1;
    case OP_SWIGLU: d->type = LPCS_CUDA_OP_SWIGLU; return 1;
    case OP_ADD: d->type = LPCS_CUDA_OP_ADD; return 1;
    case OP_QUANT:
        d->type = LPCS_CUDA_OP_QUANT;
        d->q = op->qf->q;
        if (op->qf->identity) d->q.kind = QF_FP32;
        d->cols = op->cols ? op->cols : op->n; /* rt_cpu_exec's row length */
        /* hgrn's state quantization feeds the recurrence back: not in the device scan */
        return op->in != B_STATE;
    default: return 0;
    }
}


int rt_cuda_resident_packed(const rt_engine *eng) {
    int n = 0;
    for (int i = 0; eng && i < eng->n_ops; i++) {
        void *b = NULL;
        if (eng->ops[i].type == OP_MATMUL && packed_codes(&eng->ops[i], &b)) n++;
        free(b);
    }
    return n;
}

int rt_cuda_resident_usable(const rt_engine *eng, const rt_sched_opts *so, char *why, size_t whylen) {
    const char *r = NULL;
    char desc[256];
    int ci = so ? rt_sched_find(so, "cuda") : -1;
    if (!eng || !eng->ops) r = "no engine";
    else if (ci < 0 || !so->backends[ci].enabled) r = "cuda not enabled";
    else if (so->n_place) r = "--place rules given";
    else if (!lpcs_cuda_available()) r = lpcs_cuda_describe(desc, sizeof desc);
    else {
        lpcs_cuda_op d;
        for (int i = 0; i < eng->n_ops && !r; i++)
            if (!map_op(&eng->ops[i], &d, NULL)) r = "an op of this model has no device kernel";
        if (eng->m->cfg.arch == RT_ARCH_LLAMA && !eng->rope_cs) r = "RoPE table too large";
    }
    if (r && why && whylen) snprintf(why, whylen, "%s", r);
    return !r;
}

void rt_cuda_resident_claim(rt_engine *eng) {
    int cu = -1;
    for (int b = 0; b < eng->n_backends; b++)
        if (!strcmp(rt_engine_backend_name(eng, b), "cuda")) cu = b;
    for (int i = 0; cu >= 0 && i < eng->n_ops; i++) {
        eng->ops[i].backend = cu;
        if (eng->ops[i].requested >= 0) eng->ops[i].requested = cu;
    }
}

static int open_dev_rows(const rt_engine *eng, int slots, int max_pos, int max_rows, lpcs_cuda_llm **dev,
                         rt_err *e) {
    const rt_config *c = &eng->m->cfg;
    lpcs_cuda_op *ops = calloc((size_t)eng->n_ops, sizeof *ops);
    void **tern = calloc((size_t)eng->n_ops, sizeof *tern);
    int rc = LPCS_OK;
    if (!ops || !tern) rc = rt_fail(e, LPCS_ENOMEM, "out of memory");
    for (int i = 0; !rc && i < eng->n_ops; i++)
        if (!map_op(&eng->ops[i], &ops[i], &tern[i]))
            rc = rt_fail(e, LPCS_EUNSUPPORTED, "cuda engine: op %s has no device kernel", eng->ops[i].name);
    size_t D = (size_t)c->dim, H = (size_t)c->hidden, V = (size_t)c->vocab;
    size_t KV = c->arch == RT_ARCH_LLAMA ? D * (size_t)c->n_kv_heads / (size_t)c->n_heads : 0;
    size_t big = D > 2 * H ? D : 2 * H;
    size_t sizes[B_COUNT] = {D, big, D, D, KV, KV, 2 * H, big, D, D, D, D, V};
    lpcs_cuda_llm_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.arch = c->arch == RT_ARCH_HGRN;
    cfg.dim = c->dim, cfg.hidden = c->hidden, cfg.n_layers = c->n_layers, cfg.n_heads = c->n_heads;
    cfg.n_kv_heads = c->n_kv_heads, cfg.vocab = c->vocab;
    cfg.max_pos = max_pos, cfg.max_slots = slots, cfg.max_rows = max_rows;
    cfg.rope_cs = eng->rope_cs;
    for (int b = 0; b < B_COUNT; b++) cfg.buf_size[b] = (int)((sizes[b] + 3) & ~(size_t)3); /* 16-byte rows */
    cfg.buf_kcur = B_KCUR, cfg.buf_vcur = B_VCUR, cfg.buf_logits = B_LOGITS;
    char err[400] = "";
    if (!rc && (rc = lpcs_cuda_llm_create(&cfg, ops, eng->n_ops, dev, err, sizeof err))) rt_fail(e, rc, "%s", err);
    for (int i = 0; tern && i < eng->n_ops; i++) free(tern[i]);
    free(tern), free(ops);
    return rc;
}

static int open_dev(const rt_engine *eng, int slots, int max_pos, lpcs_cuda_llm **dev, rt_err *e) {
    return open_dev_rows(eng, slots, max_pos, slots * max_pos, dev, e);
}

int rt_cuda_resident_ppl(const rt_engine *eng, const rt_tokenizer *tok, const uint8_t *text, size_t len,
                         int windows_per_batch, rt_ppl_result *res, rt_err *e) {
    const rt_model *m = eng->m;
    memset(res, 0, sizeof *res);
    const int W = RT_PPL_WINDOW;
    if (len == 0) return rt_fail(e, LPCS_EINVAL, "ppl: empty text");
    if (m->cfg.seq_len < W) return rt_fail(e, LPCS_EUNSUPPORTED, "ppl: context %d shorter than the window", m->cfg.seq_len);
    for (size_t i = 0; i < len; i++)
        if (tok->byte_token[text[i]] < 0)
            return rt_fail(e, LPCS_EFORMAT, "ppl: byte 0x%02x at offset %zu has no token", text[i], i);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    size_t nw = (len + W - 1) / W;
    int per = windows_per_batch > 0 && (size_t)windows_per_batch < nw ? windows_per_batch : (int)nw;
    lpcs_cuda_llm *dev = NULL;
    int rc = open_dev(eng, per, W, &dev, e);
    size_t rows = (size_t)per * W;
    int *tk = malloc(rows * sizeof *tk), *tg = malloc(rows * sizeof *tg);
    double *nll = malloc(rows * sizeof *nll);
    if (!rc && (!tk || !tg || !nll)) rc = rt_fail(e, LPCS_ENOMEM, "out of memory");
    for (size_t w0 = 0; !rc && w0 < nw; w0 += (size_t)per) {
        int ns = (int)(nw - w0 < (size_t)per ? nw - w0 : (size_t)per);
        for (int s = 0; s < ns; s++) {
            size_t start = (w0 + (size_t)s) * W, n = len - start < (size_t)W ? len - start : (size_t)W;
            for (int i = 0; i < W; i++) {
                size_t r = (size_t)s * W + (size_t)i;
                /* positions past a short last window: any token (causal: they cannot touch earlier rows) */
                tk[r] = (size_t)i < n ? (i == 0 ? m->cfg.bos : tok->byte_token[text[start + (size_t)i - 1]]) : m->cfg.bos;
                tg[r] = (size_t)i < n ? tok->byte_token[text[start + (size_t)i]] : -1;
            }
        }
        rc = lpcs_cuda_llm_forward(dev, tk, ns, W, 0, 0);
        if (!rc) res->device_seconds += lpcs_cuda_llm_last_ms(dev) * 1e-3;
        if (!rc) rc = lpcs_cuda_llm_nll(dev, tg, nll);
        if (rc) {
            rt_fail(e, rc, "cuda engine: forward failed (%s)", lpcs_status_str(rc));
            break;
        }
        for (int s = 0; s < ns; s++) { /* eval.c's order: rows of a window, then windows */
            double sum = 0;
            for (int i = 0; i < W; i++)
                if (tg[(size_t)s * W + (size_t)i] >= 0) sum += nll[(size_t)s * W + (size_t)i];
            res->nll_sum += sum;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (!rc) {
        res->bytes = len;
        res->windows = nw;
        res->engine = "cuda-resident";
        res->seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    }
    free(tk), free(tg), free(nll);
    lpcs_cuda_llm_free(dev);
    return rc;
}

int rt_cuda_resident_logits(const rt_engine *eng, const int *tokens, int nseq, int ntok, int mode, float *logits,
                            rt_err *e) {
    lpcs_cuda_llm *dev = NULL;
    int rc = open_dev(eng, nseq, ntok, &dev, e);
    if (!rc) {
        lpcs_cuda_llm_set_matmul(dev, mode & 7);
        if (mode & RT_CUDA_FAULT && lpcs_cuda_llm_fault(dev))
            rc = rt_fail(e, LPCS_EINVAL, "cuda engine: no exact-unit weights to corrupt");
    }
    if (!rc) {
        rc = lpcs_cuda_llm_forward(dev, tokens, nseq, ntok, 0, 0);
        if (!rc) rc = lpcs_cuda_llm_logits(dev, 0, nseq * ntok, logits);
        if (rc) rt_fail(e, rc, "cuda engine: forward failed (%s)", lpcs_status_str(rc));
    }
    lpcs_cuda_llm_free(dev);
    return rc;
}

struct rt_cuda_stepper {
    lpcs_cuda_llm *dev;
    int nseq, max_tokens, vocab;
    float *lg;
};

int rt_cuda_stepper_open(const rt_engine *eng, int nseq, int max_tokens, rt_cuda_stepper **out, rt_err *e) {
    *out = NULL;
    const rt_model *m = eng->m;
    rt_cuda_stepper *st = calloc(1, sizeof *st);
    if (!st) return rt_fail(e, LPCS_ENOMEM, "out of memory");
    int rc;
    if (m->cfg.arch == RT_ARCH_LLAMA && max_tokens > m->cfg.seq_len) max_tokens = m->cfg.seq_len;
    st->nseq = nseq, st->max_tokens = max_tokens, st->vocab = m->cfg.vocab;
    /* rows per forward: a whole prompt of one sequence, or one token of each */
    int rows = max_tokens > nseq ? max_tokens : nseq;
    rc = open_dev_rows(eng, nseq, max_tokens, rows, &st->dev, e);
    st->lg = malloc((size_t)nseq * (size_t)st->vocab * sizeof(float));
    if (!rc && !st->lg) rc = rt_fail(e, LPCS_ENOMEM, "out of memory");
    if (rc) {
        rt_cuda_stepper_close(st);
        return rc;
    }
    *out = st;
    return LPCS_OK;
}

const float *rt_cuda_stepper_run(rt_cuda_stepper *st, const int *tokens, int nseq, int ntok, int pos, rt_err *e) {
    int rc = lpcs_cuda_llm_forward(st->dev, tokens, nseq, ntok, pos, 0);
    for (int s = 0; !rc && s < nseq; s++) rc = lpcs_cuda_llm_logits(st->dev, s * ntok + ntok - 1, 1, st->lg + (size_t)s * st->vocab);
    if (rc) {
        rt_fail(e, rc, "cuda engine: step at position %d failed (%s)", pos, lpcs_status_str(rc));
        return NULL;
    }
    return st->lg;
}

double rt_cuda_stepper_last_ms(rt_cuda_stepper *st) { return lpcs_cuda_llm_last_ms(st->dev); }

void rt_cuda_stepper_close(rt_cuda_stepper *st) {
    if (!st) return;
    lpcs_cuda_llm_free(st->dev);
    free(st->lg);
    free(st);
}
