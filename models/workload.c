/* Phase costs of a shape-only workload; the model is described in workload.h. */
#include "workload.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch_consts.h"

static const char *const arch_names[] = {"llama", "bitnet", "mmfree"};
const char *wl_arch_name(wl_arch a) { return (unsigned)a <= WL_MMFREE ? arch_names[a] : "?"; }

int wl_shape_parse(const char *text, wl_shape *s, char *err, size_t errlen) {
    json_error_t je;
    memset(s, 0, sizeof *s);
    json_t *j = json_loads(text, 0, &je);
    if (!j || !json_is_object(j)) {
        snprintf(err, errlen, "workload: not a JSON object (%s)", j ? "" : je.text);
        json_decref(j);
        return -1;
    }
    struct { const char *k; long *v; long lo, hi; } nums[] = {
        {"dim", &s->dim, 1, 1L << 20}, {"layers", &s->layers, 1, 4096}, {"heads", &s->heads, 1, 4096},
        {"kv_heads", &s->kv_heads, 1, 4096}, {"hidden", &s->hidden, 1, 1L << 22}, {"vocab", &s->vocab, 1, 1L << 24}};
    const size_t nn = sizeof nums / sizeof nums[0];
    int rc = -1;
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v) {
        size_t i;
        for (i = 0; i < nn && strcmp(key, nums[i].k); i++) {}
        if (i < nn) {
            if (!json_is_integer(v) || json_integer_value(v) < nums[i].lo || json_integer_value(v) > nums[i].hi) {
                snprintf(err, errlen, "workload: %s must be an integer in [%ld, %ld]", key, nums[i].lo, nums[i].hi);
                goto out;
            }
            *nums[i].v = (long)json_integer_value(v);
        } else if (!strcmp(key, "name")) {
            if (!json_is_string(v) || !json_string_length(v) || json_string_length(v) >= sizeof s->name) {
                snprintf(err, errlen, "workload: name must be a non-empty string < %zu chars", sizeof s->name);
                goto out;
            }
            strcpy(s->name, json_string_value(v));
        } else if (!strcmp(key, "arch")) {
            int a;
            for (a = 0; a <= WL_MMFREE && !(json_is_string(v) && !strcmp(json_string_value(v), arch_names[a])); a++) {}
            if (a > WL_MMFREE) {
                snprintf(err, errlen, "workload: arch must be llama, bitnet or mmfree");
                goto out;
            }
            s->arch = (wl_arch)a;
        } else if (!strcmp(key, "tied")) {
            if (!json_is_boolean(v)) {
                snprintf(err, errlen, "workload: tied must be true or false");
                goto out;
            }
            s->tied = json_is_true(v);
        } else if (!strcmp(key, "params_published")) {
            if (!json_is_number(v) || json_number_value(v) <= 0) {
                snprintf(err, errlen, "workload: params_published must be a positive number");
                goto out;
            }
            s->params_published = json_number_value(v);
        } else if (strcmp(key, "source") && strcmp(key, "_comment")) {
            snprintf(err, errlen, "workload: unknown key '%s'", key);
            goto out;
        }
    }
    for (size_t i = 0; i < nn; i++)
        if (!*nums[i].v) {
            snprintf(err, errlen, "workload: missing %s", nums[i].k);
            goto out;
        }
    if (!s->name[0] || !json_object_get(j, "arch")) {
        snprintf(err, errlen, "workload: missing name or arch");
        goto out;
    }
    if (s->dim % s->heads || s->heads % s->kv_heads) {
        snprintf(err, errlen, "workload: dim must divide by heads and heads by kv_heads");
        goto out;
    }
    rc = 0;
out:
    json_decref(j);
    return rc;
}

int wl_shape_load(const char *path, wl_shape *s, char *err, size_t errlen) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "workload: cannot open %s", path);
        return -1;
    }
    char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    int big = !feof(f);
    fclose(f);
    if (big) {
        snprintf(err, errlen, "workload: %s is larger than %zu bytes", path, sizeof buf - 1);
        return -1;
    }
    buf[n] = 0;
    return wl_shape_parse(buf, s, err, errlen);
}

void wl_params_default(const wl_shape *s, wl_params *p) {
    memset(p, 0, sizeof *p);
    p->prompt = 512, p->gen = 128, p->batch = 1;
    p->a_bits = 8, p->kv_bits = 16;
    int tern = s && s->arch != WL_LLAMA;
    p->w_bits = tern ? 2 : 4;
    p->w_fmt = tern ? ARCH_FMT_TERNARY : ARCH_FMT_INT;
}

/* One matrix of a layer (or of the head): rows x cols. */
typedef struct { const char *name; double rows, cols; } wl_mat;

static int layer_mats(const wl_shape *s, wl_mat *m) {
    double d = (double)s->dim, kv = (double)s->dim / (double)s->heads * (double)s->kv_heads, h = (double)s->hidden;
    if (s->arch == WL_MMFREE) {
        m[0] = (wl_mat){"i_proj", d, d}, m[1] = (wl_mat){"f_proj", d, d}, m[2] = (wl_mat){"g_proj", d, d};
        m[3] = (wl_mat){"o_proj", d, d}, m[4] = (wl_mat){"gate_proj", 2 * h, d}, m[5] = (wl_mat){"down_proj", d, h};
        return 6;
    }
    m[0] = (wl_mat){"wq", d, d}, m[1] = (wl_mat){"wk", kv, d}, m[2] = (wl_mat){"wv", kv, d}, m[3] = (wl_mat){"wo", d, d};
    m[4] = (wl_mat){"w1", h, d}, m[5] = (wl_mat){"w3", h, d}, m[6] = (wl_mat){"w2", d, h};
    return 7;
}

double wl_param_count(const wl_shape *s) {
    wl_mat m[8];
    int n = layer_mats(s, m);
    double p = 0;
    for (int i = 0; i < n; i++) p += m[i].rows * m[i].cols;
    p *= (double)s->layers;
    return p + (double)s->vocab * (double)s->dim * (s->tied ? 1 : 2);
}

static wl_op_cost *phase_op(wl_phase *ph, const char *name, arch_op_kind k) {
    for (int i = 0; i < ph->n_ops; i++)
        if (!strcmp(ph->ops[i].name, name)) return &ph->ops[i];
    if (ph->n_ops >= WL_MAX_OPS) return NULL;
    wl_op_cost *o = &ph->ops[ph->n_ops++];
    memset(o, 0, sizeof *o);
    o->name = name, o->kind = k;
    return o;
}

const char *wl_bound_name(wl_bound b) {
    static const char *const n[] = {"compute", "sram", "dram"};
    return (unsigned)b <= WL_BOUND_DRAM ? n[b] : "?";
}

int wl_analytical_timer(void *ctx, const dp_config *d, const arch_op *op, double dram, wl_inst_cost *o) {
    (void)ctx;
    arch_cost c;
    arch_op one = *op;
    /* the op as the platform runs it: streamed weights pass through the DMA's tile buffers
     * (arch_op_cost's tile pipeline, each tile paying the DRAM latency once); attention of
     * several sequences runs once per sequence, each streaming its own K/V */
    double reps = 1;
    if (op->kind == ARCH_OP_ATTENTION && op->tokens > 1) reps = op->tokens, one.tokens = 1;
    one.weights_resident = dram <= 0;
    if (arch_op_cost(d, &one, &c)) return -1;
    double comp = reps * c.compute_cycles, mem = dram / arch_dram_bytes_per_cycle(d);
    double sram = d->sram_bytes_per_cycle > 0 ? reps * c.sram_bytes / d->sram_bytes_per_cycle : 0;
    double sram_bound = sram + (dram > 0 ? arch_dram_latency_cycles(d) : 0) + reps * HOST_CMD_CYCLES;
    o->cycles = reps * c.cycles > sram_bound ? reps * c.cycles : sram_bound;
    o->compute_cycles = comp, o->mem_cycles = mem, o->sram_cycles = sram, o->dram_bytes = dram;
    /* on-chip events and SRAM (incl. the DMA's staging writes) from the op; DRAM from the workload */
    o->energy_pj = reps * (c.e_compute_pj + c.e_sram_pj) + dram * HZ_DRAM_PJ_PER_B;
    return 0;
}

typedef struct {
    const dp_config *d;
    wl_op_timer timer;
    void *ctx;
} wl_costing;

/* Adds one op instance run for `tokens` tokens with `dram` bytes streamed
 * once for all of them. */
static int add_op(wl_phase *ph, const char *name, const wl_costing *k, arch_op *op, double tokens, double dram) {
    wl_inst_cost c;
    op->tokens = tokens;
    if (k->timer(k->ctx, k->d, op, dram, &c)) return -1;
    wl_op_cost *o = phase_op(ph, name, op->kind);
    if (!o) return -1;
    o->unit = arch_pick_unit(k->d, op);
    o->count += 1;
    o->cycles += c.cycles, o->compute_cycles += c.compute_cycles, o->mem_cycles += c.mem_cycles;
    o->sram_cycles += c.sram_cycles, o->dram_bytes += c.dram_bytes, o->energy_pj += c.energy_pj;
    o->bound = o->mem_cycles > o->compute_cycles && o->mem_cycles >= o->sram_cycles ? WL_BOUND_DRAM
               : o->sram_cycles > o->compute_cycles                                 ? WL_BOUND_SRAM
                                                                                    : WL_BOUND_COMPUTE;
    o->dram_bound = o->bound == WL_BOUND_DRAM;
    ph->cycles += c.cycles, ph->energy_pj += c.energy_pj, ph->dram_bytes += c.dram_bytes;
    return 0;
}

static void mat_op(const wl_shape *s, const wl_params *p, const wl_mat *m, arch_op *op) {
    memset(op, 0, sizeof *op);
    int tern = s->arch != WL_LLAMA;
    op->kind = tern ? ARCH_OP_BITLINEAR : ARCH_OP_GEMV;
    op->rows = (size_t)m->rows, op->cols = (size_t)m->cols;
    op->w_bits = p->w_bits, op->w_fmt = p->w_fmt, op->a_bits = p->a_bits;
}

static void vec_op(arch_op *op, double n, double passes) {
    memset(op, 0, sizeof *op);
    op->kind = ARCH_OP_VECTOR, op->n = (size_t)n, op->passes = passes, op->a_bits = 32;
}

/* One phase: `tokens` tokens through every layer; attention over `positions`
 * (sum of attended lengths per sequence) for `seqs` sequences, KV DRAM bytes
 * kv_dram per layer, each K/V row read from DRAM once per kv_reuse queries.
 * Weight residency in `res` (per layer and matrix, then head). */
static int run_phase(const wl_shape *s, const wl_params *p, const wl_costing *d, const unsigned char *res,
                     double tokens, double seqs, double positions, double ctx_mean, double kv_dram, double kv_reuse,
                     wl_phase *ph) {
    wl_mat m[8];
    int nm = layer_mats(s, m);
    arch_op op;
    double dim = (double)s->dim;
    memset(ph, 0, sizeof *ph);
    for (long l = 0; l < s->layers; l++) {
        vec_op(&op, dim, 2);
        if (add_op(ph, "norm", d, &op, tokens, 0)) return -1;
        for (int i = 0; i < nm; i++) {
            mat_op(s, p, &m[i], &op);
            double wb = m[i].rows * m[i].cols * p->w_bits / 8.0;
            if (add_op(ph, m[i].name, d, &op, tokens, res[l * nm + i] ? 0 : wb)) return -1;
        }
        if (s->arch == WL_MMFREE) {
            vec_op(&op, dim, 3); /* recurrence: f, i, state */
            if (add_op(ph, "recurrence", d, &op, tokens, 0)) return -1;
            vec_op(&op, (double)s->hidden, 1);
            if (add_op(ph, "activation", d, &op, tokens, 0)) return -1;
            continue;
        }
        memset(&op, 0, sizeof op);
        op.kind = ARCH_OP_ATTENTION;
        op.rows = (size_t)(positions * (double)s->heads); /* dot products per matrix */
        op.n = (size_t)(positions * dim);                 /* MACs per matrix (q.K, p.V) */
        op.kv_n = (size_t)(positions * dim / (double)s->heads * (double)s->kv_heads); /* GQA: K/V values read */
        op.w_bits = p->kv_bits, op.a_bits = p->a_bits;
        op.w_fmt = p->kv_bits <= 8 ? ARCH_FMT_INT : ARCH_FMT_FLOAT;
        op.kv_reuse = kv_reuse;
        if (add_op(ph, "attention", d, &op, seqs, kv_dram)) return -1;
        vec_op(&op, (double)s->heads * ctx_mean, 3);
        if (add_op(ph, "softmax", d, &op, tokens, 0)) return -1;
        vec_op(&op, dim + dim / (double)s->heads * (double)s->kv_heads, 1);
        if (add_op(ph, "rope", d, &op, tokens, 0)) return -1;
        vec_op(&op, (double)s->hidden, 1);
        if (add_op(ph, "activation", d, &op, tokens, 0)) return -1;
    }
    vec_op(&op, dim, 2);
    if (add_op(ph, "norm", d, &op, tokens, 0)) return -1;
    wl_mat head = {"classifier", (double)s->vocab, dim};
    mat_op(s, p, &head, &op);
    return add_op(ph, "classifier", d, &op, tokens, res[s->layers * nm] ? 0 : head.rows * head.cols * p->w_bits / 8.0);
}

int wl_evaluate(const wl_shape *s, const wl_params *p, const dp_config *d, wl_result *r, char *err, size_t errlen) {
    return wl_evaluate_with(s, p, d, wl_analytical_timer, NULL, r, err, errlen);
}

int wl_evaluate_with(const wl_shape *s, const wl_params *p, const dp_config *d, wl_op_timer timer, void *timer_ctx,
                     wl_result *r, char *err, size_t errlen) {
    if (!s || !p || !d || !r || !timer) return -1;
    const wl_costing k = {d, timer, timer_ctx};
    memset(r, 0, sizeof *r);
    if (p->prompt < 1 || p->gen < 1 || p->batch < 1 || p->w_bits <= 0 || p->kv_bits <= 0 || p->a_bits <= 0) {
        snprintf(err, errlen, "workload: prompt, gen, batch must be >= 1 and bit widths > 0");
        return -1;
    }
    wl_mat m[8];
    int nm = layer_mats(s, m);
    unsigned char *res = calloc((size_t)s->layers * (size_t)nm + 1, 1);
    if (!res) return -1;
    /* greedy weight residency in op order, then the KV caches as a whole */
    double sram = d->sram_kib * 1024.0, used = 0;
    for (long l = 0; l <= s->layers; l++)
        for (int i = 0; i < (l < s->layers ? nm : 1); i++) {
            double wb = (l < s->layers ? m[i].rows * m[i].cols : (double)s->vocab * (double)s->dim) * p->w_bits / 8.0;
            r->weight_bytes += wb;
            if (used + wb <= sram) used += wb, res[l * nm + i] = 1;
        }
    r->weights_on_chip = used >= r->weight_bytes;
    double kv_dim = (double)s->dim / (double)s->heads * (double)s->kv_heads;
    double kv_per_tok_layer = s->arch == WL_MMFREE ? 0 : 2.0 * kv_dim * p->kv_bits / 8.0;
    double ctx_final = (double)(p->prompt + p->gen);
    /* MMfree keeps a dim-wide recurrent state per layer and sequence instead */
    r->kv_bytes = s->arch == WL_MMFREE ? (double)p->batch * (double)s->layers * (double)s->dim * 4.0
                                       : (double)p->batch * (double)s->layers * ctx_final * kv_per_tok_layer;
    r->kv_on_chip = used + r->kv_bytes <= sram;
    r->params = wl_param_count(s);

    double B = (double)p->batch, P = (double)p->prompt, ctx = P + (double)p->gen / 2.0;
    /* prefill K/V off chip: staged once per sequence and layer if it fits the SRAM the resident
     * weights leave, else re-read per query block (arch_prefill_kv_rows); a query row on chip:
     * q (a_bits) + fp32 output accumulator + running max and sum per head */
    double positions = P * (P + 1) / 2;
    double q_row = (double)s->dim * (p->a_bits / 8.0 + 4.0) + 8.0 * (double)s->heads;
    double kv_rows = arch_prefill_kv_rows(P, kv_per_tok_layer, q_row, sram - used);
    r->prefill_kv_rows = kv_rows;
    int rc = run_phase(s, p, &k, res, B * P, B, positions, (P + 1) / 2,
                       r->kv_on_chip ? 0 : B * kv_rows * kv_per_tok_layer, positions / kv_rows, &r->prefill);
    if (!rc)
        rc = run_phase(s, p, &k, res, B, B, ctx, ctx, r->kv_on_chip ? 0 : B * ctx * kv_per_tok_layer, 1,
                       &r->decode_step);
    free(res);
    if (rc) {
        snprintf(err, errlen, "workload: op cost failed (design point has no unit for an op?)");
        return -1;
    }
    double hz = d->clock_ghz * 1e9;
    r->ttft_s = r->prefill.cycles / hz;
    r->tpot_s = r->decode_step.cycles / hz;
    r->tokens_per_s = B / r->tpot_s;
    r->energy_per_token_j = r->decode_step.energy_pj * 1e-12 / B;
    r->prefill_energy_per_token_j = r->prefill.energy_pj * 1e-12 / (B * P);
    arch_area a;
    arch_area_of(d, &a);
    r->area_mm2 = a.total;
    return 0;
}
