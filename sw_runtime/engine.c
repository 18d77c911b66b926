/* Engine: buffers, op-list construction, scheduling and the per-token loop. */
#include "engine.h"
#include "shadow.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *type_names[OP_TYPE_COUNT] = {"embedding", "rmsnorm", "quant", "matmul", "rope", "attention",
                                                "swiglu", "add", "bitlinear", "mlgru", "glu", "gated_norm"};

const char *rt_op_type_name(rt_op_type t) { return t < OP_TYPE_COUNT ? type_names[t] : "?"; }

int rt_op_type_parse(const char *name) {
    for (int i = 0; i < OP_TYPE_COUNT; i++)
        if (!strcmp(name, type_names[i])) return i;
    return -1;
}

/* ---- scheduling ---- */

void rt_sched_default(rt_sched_opts *o) {
    memset(o, 0, sizeof *o);
    for (int i = 0; i < RT_BACKEND_COUNT; i++) o->enabled[i] = 1;
    o->wanted = -1;
    dp_default(&o->point);
}

int rt_backend_parse(const char *name) {
    for (int i = 0; i < RT_BACKEND_COUNT; i++)
        if (!strcmp(name, rt_backend_get(i)->name)) return i;
    return -1;
}

int rt_sched_backend(rt_sched_opts *o, const char *name, rt_err *e) {
    if (!strcmp(name, "auto")) { /* every backend; --place and the design point stay */
        for (int i = 0; i < RT_BACKEND_COUNT; i++) o->enabled[i] = 1;
        o->wanted = -1;
        return LPCS_OK;
    }
    int b = rt_backend_parse(name);
    if (b < 0) return rt_fail(e, LPCS_EINVAL, "unknown backend '%s' (auto, cuda, rtl, sim, cpu)", name);
    for (int i = 0; i < RT_BACKEND_COUNT; i++) o->enabled[i] = i == b || i == RT_BACKEND_CPU;
    o->wanted = b == RT_BACKEND_CPU ? -1 : b; /* cpu runs everything: nothing can fall back */
    return LPCS_OK;
}

int rt_sched_place(rt_sched_opts *o, const char *spec, rt_err *e) {
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec || (size_t)(eq - spec) >= sizeof o->place[0].pattern)
        return rt_fail(e, LPCS_EINVAL, "--place wants PATTERN=BACKEND (PATTERN: op type, op name or prefix*), got '%s'",
                       spec);
    int b = rt_backend_parse(eq + 1);
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

/* Why backend b does not run op: not built at all, or not this op. */
static void fallback_reason(const rt_engine *eng, const rt_op *op, int b, char *out, size_t len) {
    const rt_backend *be = rt_backend_get(b);
    int any = 0, same_type = 0;
    for (int i = 0; i < eng->n_ops; i++)
        if (be->supports(eng, &eng->ops[i])) any = 1, same_type |= eng->ops[i].type == op->type;
    if (!any) {
        const char *hint = b == RT_BACKEND_RTL    ? " (build with `make LPCS_RTL=1`)"
                           : b == RT_BACKEND_CUDA ? " (no CUDA library or GPU in this build)"
                                                  : "";
        snprintf(out, len, "%s runs no op of this model in this build%s", be->name, hint);
    } else {
        snprintf(out, len, "%s does not implement %s ops%s", be->name, rt_op_type_name(op->type),
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
        op->requested = so->wanted >= 0 && so->wanted < RT_BACKEND_COUNT ? so->wanted : -1;
        op->fallback_why[0] = 0;
        for (int p = 0; p < so->n_place; p++)
            if (pattern_match(so->place[p].pattern, op)) op->requested = so->place[p].backend;
        op->backend = RT_BACKEND_CPU;
        if (op->requested >= 0 && rt_backend_get(op->requested)->supports(eng, op)) {
            op->backend = op->requested;
            continue;
        }
        if (op->requested >= 0) fallback_reason(eng, op, op->requested, op->fallback_why, sizeof op->fallback_why);
        for (int b = 0; b < RT_BACKEND_COUNT; b++)
            if (so->enabled[b] && rt_backend_get(b)->supports(eng, op)) {
                op->backend = b;
                break;
            }
    }
}

/* ---- engine ---- */

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
    if (plan)
        eng->plan = *plan;
    else
        rt_plan_default(&eng->plan);
    const rt_config *c = &m->cfg;
    size_t D = (size_t)c->dim, H = (size_t)c->hidden, V = (size_t)c->vocab;
    size_t big = D > 2 * H ? D : 2 * H;
    size_t sizes[B_COUNT] = {D, big, D, D, 0, 0, 2 * H, big, D, D, D, 0, V};
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
    eng->point = so->point;
    eng->check = so->check;
    memcpy(eng->fault_op, so->fault_op, sizeof eng->fault_op);
    eng->vcd_path = so->vcd_path;
    eng->vcd_window[0] = so->vcd_window[0], eng->vcd_window[1] = so->vcd_window[1];
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
    for (int b = 0; b < RT_BACKEND_COUNT; b++)
        if (rt_backend_get(b)->release) rt_backend_get(b)->release(eng);
    rt_hgrn_free_aux(eng);
    for (int b = 0; b < B_COUNT; b++) free(eng->buf[b]);
    free(eng->key_cache);
    free(eng->value_cache);
    free(eng->state);
    free(eng->lb);
    free(eng->rope_cs);
    free(eng->scratch);
    free(eng->owned_weights);
    free(eng->owned_bf16);
    free(eng->ops);
    memset(eng, 0, sizeof *eng);
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
        if (eng->check && op->backend != RT_BACKEND_CPU) {
            if (rt_shadow_exec(eng, op, e)) return NULL;
            eng->checked_ops++;
            goto done;
        }
        int rc = rt_backend_get(op->backend)->exec(eng, op);
        if (rc) {
            rt_fail(e, rc, "op %s on backend %s failed: %s", op->name, rt_backend_get(op->backend)->name,
                    lpcs_status_str(rc));
            return NULL;
        }
    done:
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
