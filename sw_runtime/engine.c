/* Engine: buffers, op-list construction, scheduling and the per-token loop. */
#include "engine.h"
#include "shadow.h"
#include "exact.h"
#include "kernels/fp_cpu.h"
#include "kernels/pool.h"
#include "matmul_int.h"
#include "matmul_shiftmac.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const type_names[OP_TYPE_COUNT] = {"embedding", "rmsnorm", "quant", "matmul", "rope", "attention",
                                                "swiglu", "add", "bitlinear", "mlgru", "glu", "gated_norm"};

const char *rt_op_type_name(rt_op_type t) { return t < OP_TYPE_COUNT ? type_names[t] : "?"; }

int rt_op_type_parse(const char *name) {
    for (int i = 0; i < OP_TYPE_COUNT; i++)
        if (!strcmp(name, type_names[i])) return i;
    return -1;
}

/* ---- scheduling ---- */

int rt_sched_find(const rt_sched_opts *o, const char *name) {
    for (int i = 0; i < o->n_backends; i++)
        if (!strcmp(name, o->backends[i].iface->name)) return i;
    return -1;
}

int rt_sched_register(rt_sched_opts *o, const rt_backend_iface *iface, const void *cfg, rt_err *e) {
    if (!iface || !iface->name || !iface->supports || !iface->exec)
        return rt_fail(e, LPCS_EINVAL, "backend without a name, supports or exec");
    int i = rt_sched_find(o, iface->name);
    if (i >= 0) {
        o->backends[i].iface = iface, o->backends[i].cfg = cfg;
        return LPCS_OK;
    }
    if (o->n_backends >= RT_MAX_BACKENDS) return rt_fail(e, LPCS_ERANGE, "more than %d backends", RT_MAX_BACKENDS);
    int at = rt_sched_find(o, "cpu");
    if (at < 0) at = o->n_backends;
    memmove(&o->backends[at + 1], &o->backends[at], (size_t)(o->n_backends - at) * sizeof o->backends[0]);
    for (int p = 0; p < o->n_place; p++)
        if (o->place[p].backend >= at) o->place[p].backend++;
    if (o->wanted >= at) o->wanted++;
    o->backends[at].iface = iface, o->backends[at].cfg = cfg, o->backends[at].enabled = 1;
    o->n_backends++;
    return LPCS_OK;
}

static void backend_names(const rt_sched_opts *o, char *out, size_t len) {
    size_t k = (size_t)snprintf(out, len, "auto");
    for (int i = 0; i < o->n_backends && k < len; i++) k += (size_t)snprintf(out + k, len - k, ", %s", o->backends[i].iface->name);
}

int rt_sched_backend(rt_sched_opts *o, const char *name, rt_err *e) {
    if (!strcmp(name, "auto")) {
        for (int i = 0; i < o->n_backends; i++) o->backends[i].enabled = 1;
        o->wanted = -1;
        return LPCS_OK;
    }
    int b = rt_sched_find(o, name);
    if (b < 0) {
        char names[200];
        backend_names(o, names, sizeof names);
        return rt_fail(e, LPCS_EINVAL, "unknown backend '%s' (%s)", name, names);
    }
    for (int i = 0; i < o->n_backends; i++)
        o->backends[i].enabled = i == b || !strcmp(o->backends[i].iface->name, "cpu");
    o->wanted = strcmp(name, "cpu") ? b : -1; /* cpu runs everything: nothing can fall back */
    return LPCS_OK;
}

int rt_sched_place(rt_sched_opts *o, const char *spec, rt_err *e) {
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec || (size_t)(eq - spec) >= sizeof o->place[0].pattern)
        return rt_fail(e, LPCS_EINVAL, "--place wants PATTERN=BACKEND (PATTERN: op type, op name or prefix*), got '%s'",
                       spec);
    int b = rt_sched_find(o, eq + 1);
    if (b < 0) return rt_fail(e, LPCS_EINVAL, "--place: unknown backend '%s'", eq + 1);
    if (o->n_place >= RT_MAX_PLACE) return rt_fail(e, LPCS_ERANGE, "--place given more than %d times", RT_MAX_PLACE);
    snprintf(o->place[o->n_place].pattern, sizeof o->place[0].pattern, "%.*s", (int)(eq - spec), spec);
    o->place[o->n_place++].backend = b;
    return LPCS_OK;
}

static int pattern_match(const char *pat, const rt_op *op) {
    size_t n = strlen(pat);
    if (!strcmp(pat, rt_op_type_name(op->type)) || !strcmp(pat, op->name)) return 1;
    if (n && pat[n - 1] == '*') return !strncmp(pat, op->name, n - 1);
    return 0;
}

static int backend_supports(const rt_engine *eng, int b, const rt_op *op) {
    const rt_backend_inst *be = &eng->backends[b];
    return be->iface->supports(be, eng, op);
}

/* Why backend b does not run op: not built at all, or not this op. */
static void fallback_reason(const rt_engine *eng, const rt_op *op, int b, char *out, size_t len) {
    const char *name = rt_engine_backend_name(eng, b);
    int any = 0, same_type = 0;
    for (int i = 0; i < eng->n_ops; i++)
        if (backend_supports(eng, b, &eng->ops[i])) any = 1, same_type |= eng->ops[i].type == op->type;
    if (!any) {
        const char *hint = !strcmp(name, "rtl")    ? " (build with `make LPCS_RTL=1`)"
                           : !strcmp(name, "cuda") ? " (no CUDA library or GPU in this build)"
                                                   : "";
        snprintf(out, len, "%s runs no op of this model in this build%s", name, hint);
    } else {
        snprintf(out, len, "%s does not implement %s ops%s", name, rt_op_type_name(op->type),
                 same_type ? " of this shape/format" : "");
    }
}

int rt_sched_fallbacks(const rt_engine *eng) {
    int n = 0;
    for (int i = 0; i < eng->n_ops; i++)
        n += eng->ops[i].requested >= 0 && eng->ops[i].requested != eng->ops[i].backend;
    return n;
}

static void schedule(rt_engine *eng, const rt_sched_opts *so) {
    for (int i = 0; i < eng->n_ops; i++) {
        rt_op *op = &eng->ops[i];
        op->requested = so->wanted >= 0 && so->wanted < eng->n_backends ? so->wanted : -1;
        op->fallback_why[0] = 0;
        for (int p = 0; p < so->n_place; p++)
            if (pattern_match(so->place[p].pattern, op)) op->requested = so->place[p].backend;
        op->backend = eng->cpu_backend;
        if (op->requested >= 0 && backend_supports(eng, op->requested, op)) {
            op->backend = op->requested;
            continue;
        }
        if (op->requested >= 0) fallback_reason(eng, op, op->requested, op->fallback_why, sizeof op->fallback_why);
        for (int b = 0; b < eng->n_backends; b++)
            if (so->backends[b].enabled && backend_supports(eng, b, op)) {
                op->backend = b;
                break;
            }
    }
}

const char *rt_engine_backend_name(const rt_engine *eng, int b) {
    return b >= 0 && b < eng->n_backends ? eng->backends[b].iface->name : "?";
}

/* MACs and bytes moved by one call of op at the engine's current position. */
void rt_op_work(const rt_engine *eng, const rt_op *op, double *macs, double *bytes) {
    const rt_config *c = &eng->m->cfg;
    double n = (double)op->n, r = (double)op->rows, k = (double)op->cols;
    switch (op->type) {
    case OP_MATMUL:
    case OP_BITLINEAR:
        *macs = r * k;
        *bytes = r * k * op->w_bits / 8.0 + 4.0 * (r + k);
        return;
    case OP_ATTENTION: {
        double t = (double)eng->pos + 1, kv = (double)op->cols;
        *macs = 2.0 * t * n;
        *bytes = 2.0 * t * kv * 4.0 + 8.0 * n;
        return;
    }
    case OP_EMBED:
        *macs = 0;
        *bytes = 8.0 * (double)op->cols;
        return;
    default:
        *macs = n;
        *bytes = 12.0 * (n ? n : (double)c->dim);
        return;
    }
}

/* ---- engine ---- */

/* Floats of each one-token activation buffer (0: not a plain buffer). */
static void buf_sizes(const rt_config *c, size_t sizes[B_COUNT]) {
    size_t D = (size_t)c->dim, H = (size_t)c->hidden, V = (size_t)c->vocab;
    size_t big = D > 2 * H ? D : 2 * H;
    const size_t s[B_COUNT] = {D, big, D, D, 0, 0, 2 * H, big, D, D, D, 0, V};
    memcpy(sizes, s, sizeof s);
}

float *rt_engine_buf(rt_engine *eng, rt_buf b, int layer) {
    const rt_config *c = &eng->m->cfg;
    size_t kv = (size_t)c->dim * (size_t)c->n_kv_heads / (size_t)c->n_heads;
    if (b == B_KCUR || b == B_VCUR) {
        float *base = b == B_KCUR ? eng->key_cache : eng->value_cache;
        return base + ((size_t)layer * (size_t)eng->max_pos + (size_t)eng->pos) * kv;
    }
    if (b == B_STATE) return eng->state + (size_t)layer * (size_t)c->dim;
    return b >= 0 && b < B_COUNT ? eng->buf[b] : NULL;
}

int rt_engine_init(rt_engine *eng, const rt_model *m, const rt_plan *plan, const rt_sched_opts *so, rt_err *e) {
    memset(eng, 0, sizeof *eng);
    eng->m = m;
    eng->timing = 1;
    eng->ggml_batch = 1;
    eng->isa = so && so->cpu_isa_forced > 0 ? so->cpu_isa_forced - 1 : (int)kn_isa_best();
    if (plan)
        eng->plan = *plan;
    else
        rt_plan_default(&eng->plan);
    const rt_config *c = &m->cfg;
    size_t D = (size_t)c->dim;
    size_t sizes[B_COUNT];
    buf_sizes(c, sizes);
    for (int b = 0; b < B_COUNT; b++) {
        if (!sizes[b]) continue;
        eng->buf[b] = calloc(sizes[b], sizeof(float));
        eng->buf_len[b] = sizes[b];
        if (!eng->buf[b]) goto oom;
    }
    int rc;
    if (c->arch == RT_ARCH_LLAMA) {
        size_t kv = D * (size_t)c->n_kv_heads / (size_t)c->n_heads;
        eng->max_pos = c->seq_len;
        size_t cache = (size_t)c->n_layers * (size_t)c->seq_len * kv;
        eng->key_cache = calloc(cache, sizeof(float));
        eng->value_cache = calloc(cache, sizeof(float));
        eng->scratch_floats = (size_t)c->n_heads * (size_t)c->seq_len + (size_t)c->seq_len * (D / (size_t)c->n_heads);
        eng->scratch = calloc(eng->scratch_floats, sizeof(float));
        size_t hs = D / (size_t)c->n_heads;
        /* [pos][hs/2][cos, sin]; skipped (computed per token) when it would exceed 64 MiB */
        if ((size_t)c->seq_len * hs <= ((size_t)1 << 24))
            eng->rope_cs = malloc((size_t)c->seq_len * hs * sizeof(float));
        if (!eng->key_cache || !eng->value_cache || !eng->scratch) goto oom;
        for (int pos = 0; eng->rope_cs && pos < c->seq_len; pos++)
            for (size_t i = 0; i < hs; i += 2) { /* the expressions of llama2.c run.c */
                float freq = 1.0f / powf(10000.0f, (float)i / (float)hs), val = (float)pos * freq;
                eng->rope_cs[(size_t)pos * hs + i] = cosf(val);
                eng->rope_cs[(size_t)pos * hs + i + 1] = sinf(val);
            }
        rc = rt_graph_llama(eng, e);
    } else {
        eng->max_pos = 0; /* recurrent: no context limit */
        eng->state = calloc((size_t)c->n_layers * D, sizeof(float));
        if (!eng->state) goto oom;
        rc = rt_graph_hgrn(eng, e);
    }
    if (rc) {
        rt_engine_free(eng);
        return rc;
    }
    rt_sched_opts def;
    if (!so) {
        rt_sched_default(&def);
        so = &def;
    }
    if ((rc = rt_exact_map(eng, so, e))) {
        rt_engine_free(eng);
        return rc;
    }
    eng->cpu_backend = rt_sched_find(so, "cpu");
    if (eng->cpu_backend < 0) {
        rt_engine_free(eng);
        return rt_fail(e, LPCS_EINVAL, "no cpu backend registered (it runs what no other backend supports)");
    }
    eng->n_backends = so->n_backends;
    for (int b = 0; b < so->n_backends; b++) {
        eng->backends[b].iface = so->backends[b].iface;
        eng->backends[b].cfg = so->backends[b].cfg;
    }
    eng->check = so->check;
    memcpy(eng->fault_op, so->fault_op, sizeof eng->fault_op);
    schedule(eng, so);
    rt_engine_reset(eng);
    return LPCS_OK;
oom:
    rt_engine_free(eng);
    return rt_fail(e, LPCS_ENOMEM, "%s: out of memory for activations / KV cache", m->path);
}

void rt_hgrn_free_aux(rt_engine *eng);

void rt_engine_free(rt_engine *eng) {
    if (!eng) return;
    for (int b = 0; b < eng->n_backends; b++)
        if (eng->backends[b].iface->release) eng->backends[b].iface->release(&eng->backends[b]);
    rt_hgrn_free_aux(eng);
    rt_shiftmac_release(eng);
    rt_intdot_release(eng);
    for (int b = 0; b < B_COUNT; b++) free(eng->buf[b]);
    free(eng->key_cache);
    free(eng->value_cache);
    free(eng->state);
    free(eng->lb);
    free(eng->rope_cs);
    free(eng->scratch);
    free(eng->owned_weights);
    free(eng->owned_bf16);
    rt_exact_free(eng);
    free(eng->ops);
    kn_pool_free(eng->pool);
    memset(eng, 0, sizeof *eng);
}

static double now_ns(void);

int rt_engine_batchable(const rt_engine *eng) {
    int ok = 1;
    /* ggml-mode matmuls (op->wb) run token by token through rt_cpu_exec */
    for (int i = 0; ok && i < eng->n_ops; i++) ok = eng->ops[i].backend == eng->cpu_backend && !eng->ops[i].wb;
    return ok;
}

/* Ops that prefill runs as one GEMM over the tokens (rt_cpu_matmul). */
static int batched_op(const rt_op *op) { return op->type == OP_MATMUL || op->type == OP_BITLINEAR; }

static const float *prefill_stepwise(rt_engine *eng, const int *tokens, int n, float *logits, rt_err *e) {
    const float *lg = NULL;
    eng->ggml_batch = n;
    for (int t = 0; t < n; t++) {
        if (!(lg = rt_engine_step(eng, tokens[t], e))) break; /* NULL: the error */
        if (logits) memcpy(logits + (size_t)t * (size_t)eng->m->cfg.vocab, lg, sizeof(float) * (size_t)eng->m->cfg.vocab);
    }
    eng->ggml_batch = 1;
    return lg;
}

const float *rt_engine_prefill(rt_engine *eng, const int *tokens, int n, float *logits, rt_err *e) {
    const rt_config *c = &eng->m->cfg;
    if (!tokens || n < 1) {
        rt_fail(e, LPCS_EINVAL, "prefill: no tokens");
        return NULL;
    }
    int batch = rt_engine_batchable(eng) && n > 1 && (!eng->max_pos || eng->pos + n <= eng->max_pos);
    for (int t = 0; batch && t < n; t++) batch = tokens[t] >= 0 && tokens[t] < c->vocab;
    if (!batch) return prefill_stepwise(eng, tokens, n, logits, e);
    size_t sizes[B_COUNT], N = (size_t)n, kv = (size_t)c->dim * (size_t)c->n_kv_heads / (size_t)c->n_heads;
    buf_sizes(c, sizes);
    float *bb[B_COUNT] = {0}, *one[B_COUNT];
    memcpy(one, eng->buf, sizeof one);
    int rc = LPCS_OK, pos0 = eng->pos;
    for (int b = 0; b < B_COUNT && !rc; b++)
        if (sizes[b] && !(bb[b] = malloc(N * sizes[b] * sizeof(float)))) rc = LPCS_ENOMEM;
    for (int i = 0, j; i < eng->n_ops && !rc; i = j) {
        rt_op *op = &eng->ops[i];
        if (batched_op(op)) { /* one GEMM over the n tokens */
            double t0 = eng->timing ? now_ns() : 0;
            eng->pos = pos0;
            int cache_out = op->out == B_KCUR || op->out == B_VCUR;
            float *Y = cache_out ? rt_engine_buf(eng, op->out, op->layer) : bb[op->out];
            rc = rt_cpu_matmul(eng, op, bb[op->in], sizes[op->in], Y, cache_out ? kv : sizes[op->out], N);
            if (eng->timing) op->st.ns += now_ns() - t0;
            j = i + 1;
        } else { /* the one-token ops up to the next GEMM, token after token (a
                  * recurrent state, hgrn's MLGRU, is read by later ops of the
                  * same token), on row t of every buffer */
            for (j = i + 1; j < eng->n_ops && !batched_op(&eng->ops[j]);) j++;
            for (int t = 0; t < n && !rc; t++) {
                for (int b = 0; b < B_COUNT; b++)
                    if (bb[b]) eng->buf[b] = bb[b] + (size_t)t * sizes[b];
                eng->pos = pos0 + t;
                eng->token = tokens[t];
                for (int k = i; k < j && !rc; k++) {
                    rt_backend_inst *be = &eng->backends[eng->ops[k].backend];
                    double t0 = eng->timing ? now_ns() : 0;
                    if ((rc = be->iface->exec(be, eng, &eng->ops[k], 1))) op = &eng->ops[k];
                    if (eng->timing) eng->ops[k].st.ns += now_ns() - t0;
                }
            }
            memcpy(eng->buf, one, sizeof one);
        }
        if (rc) {
            rt_fail(e, rc, "op %s (prefill) failed: %s", op->name, lpcs_status_str(rc));
            break;
        }
        for (int k = i; k < j; k++)
            for (int t = 0; t < n; t++) {
                double macs, bytes;
                eng->pos = pos0 + t;
                rt_op_work(eng, &eng->ops[k], &macs, &bytes);
                eng->ops[k].st.macs += macs;
                eng->ops[k].st.bytes += bytes;
                eng->ops[k].st.calls++;
            }
    }
    if (!rc) {
        if (logits) memcpy(logits, bb[B_LOGITS], N * sizes[B_LOGITS] * sizeof(float));
        for (int b = 0; b < B_COUNT; b++) /* leave the last token's activations, as a step would */
            if (bb[b]) memcpy(eng->buf[b], bb[b] + (N - 1) * sizes[b], sizes[b] * sizeof(float));
        eng->pos = pos0 + n;
        eng->token = tokens[n - 1];
        eng->steps += N;
    } else {
        eng->pos = pos0;
    }
    if (rc == LPCS_ENOMEM) rt_fail(e, rc, "prefill: out of memory for %d tokens", n);
    for (int b = 0; b < B_COUNT; b++) free(bb[b]);
    return rc ? NULL : eng->buf[B_LOGITS];
}

int rt_engine_set_threads(rt_engine *eng, int threads, rt_err *e) {
    if (threads < 1 || threads > 256) return rt_fail(e, LPCS_EINVAL, "threads must be 1..256, not %d", threads);
    kn_pool_free(eng->pool);
    eng->pool = NULL;
    eng->par_min_macs = RT_PAR_MIN_MACS;
    if (threads == 1) return LPCS_OK;
    eng->pool = kn_pool_new(threads);
    return eng->pool ? LPCS_OK : rt_fail(e, LPCS_ENOMEM, "cannot start %d threads", threads);
}

void rt_engine_reset(rt_engine *eng) {
    eng->pos = 0;
    if (eng->state) memset(eng->state, 0, (size_t)eng->m->cfg.n_layers * (size_t)eng->m->cfg.dim * sizeof(float));
}

void rt_engine_clear_stats(rt_engine *eng) {
    for (int i = 0; i < eng->n_ops; i++) memset(&eng->ops[i].st, 0, sizeof eng->ops[i].st);
    eng->steps = 0;
}

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

const float *rt_engine_step(rt_engine *eng, int token, rt_err *e) {
    const rt_config *c = &eng->m->cfg;
    if (token < 0 || token >= c->vocab) {
        rt_fail(e, LPCS_EINVAL, "token %d outside the vocabulary (0..%d)", token, c->vocab - 1);
        return NULL;
    }
    if (eng->max_pos && eng->pos >= eng->max_pos) {
        rt_fail(e, LPCS_ERANGE, "context full: position %d reaches the model's seq_len %d", eng->pos, eng->max_pos);
        return NULL;
    }
    eng->token = token;
    for (int i = 0; i < eng->n_ops; i++) {
        rt_op *op = &eng->ops[i];
        double t0 = eng->timing ? now_ns() : 0;
        rt_backend_inst *be = &eng->backends[op->backend];
        if (eng->check && op->backend != eng->cpu_backend) {
            if (rt_shadow_exec(eng, op, e)) return NULL;
            eng->checked_ops++;
        } else {
            int rc = be->iface->exec(be, eng, op, 1);
            if (rc) {
                rt_fail(e, rc, "op %s on backend %s failed: %s", op->name, be->iface->name, lpcs_status_str(rc));
                return NULL;
            }
        }
        if (eng->timing) op->st.ns += now_ns() - t0;
        double macs, bytes;
        rt_op_work(eng, op, &macs, &bytes);
        op->st.macs += macs;
        op->st.bytes += bytes;
        op->st.calls++;
    }
    eng->pos++;
    eng->steps++;
    return eng->buf[B_LOGITS];
}
