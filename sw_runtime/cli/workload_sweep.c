/* Shape-only workload sweeps; what they do is described in workload_sweep.h. */
#include "cli/workload_sweep.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/sweep_plot.h"
#include "design_point.h"
#include "platform_api.h"

/* ---- the platform as an op timer ---------------------------------------- */

struct wl_plat_memo_e {
    arch_op op;
    double dram;
    wl_inst_cost c;
};

static int same_op(const arch_op *a, const arch_op *b) {
    return a->kind == b->kind && a->rows == b->rows && a->cols == b->cols && a->n == b->n && a->kv_n == b->kv_n &&
           a->passes == b->passes && a->w_bits == b->w_bits && a->a_bits == b->a_bits && a->w_fmt == b->w_fmt &&
           a->weights_resident == b->weights_resident && a->tables_resident == b->tables_resident &&
           a->tokens == b->tokens && a->kv_reuse == b->kv_reuse;
}

void wl_platform_memo_free(wl_platform_memo *m) {
    free(m->e);
    memset(m, 0, sizeof *m);
}

int wl_platform_timer(void *ctx, const dp_config *d, const arch_op *op, double dram, wl_inst_cost *out) {
    wl_platform_memo *m = ctx;
    for (int i = 0; i < m->n; i++)
        if (m->e[i].dram == dram && same_op(&m->e[i].op, op)) return *out = m->e[i].c, 0;
    arch_op one = *op;
    one.weights_resident = dram <= 0;
    double reps = 1; /* attention: each sequence reads its own KV cache */
    if (op->kind == ARCH_OP_ATTENTION && op->tokens > 1) reps = op->tokens, one.tokens = 1;
    plat_result r;
    if (platform_time_op(d, &one, &r)) return -1;
    memset(out, 0, sizeof *out);
    out->cycles = reps * r.cycles, out->compute_cycles = reps * r.compute_cycles;
    out->dram_bytes = reps * r.dram_bytes, out->energy_pj = reps * r.energy_pj;
    out->mem_cycles = out->dram_bytes / arch_dram_bytes_per_cycle(d);
    out->sram_cycles = d->sram_bytes_per_cycle > 0 ? reps * r.sram_bytes / d->sram_bytes_per_cycle : 0;
    if (m->n == m->cap) {
        int cap = m->cap ? 2 * m->cap : 64;
        struct wl_plat_memo_e *e = realloc(m->e, (size_t)cap * sizeof *e);
        if (!e) return 0; /* no memo: still a result */
        m->e = e, m->cap = cap;
    }
    m->e[m->n++] = (struct wl_plat_memo_e){*op, dram, *out};
    return 0;
}

/* ---- accuracy proxy ------------------------------------------------------ */

typedef struct {
    char arch[16], fmt[16], model[64];
    double bits, nll;
} proxy_row;

typedef struct {
    proxy_row *r;
    int n;
} proxy_table;

/* models/nll_proxy.csv (models/nll_proxy.sh, nll_proxy_fullsplit.py):
 * arch_class,w_fmt,w_bits,model,plan,nll,bytes,source */
static int proxy_load(const char *path, proxy_table *t) {
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[512], a[16], fm[16], mo[64];
    while (fgets(line, sizeof line, f)) {
        char bits[32], nll[32];
        if (sweep_csv_field(line, 0, a, sizeof a) || sweep_csv_field(line, 1, fm, sizeof fm) ||
            sweep_csv_field(line, 2, bits, sizeof bits) || sweep_csv_field(line, 3, mo, sizeof mo) ||
            sweep_csv_field(line, 5, nll, sizeof nll) || !strcmp(a, "arch_class"))
            continue;
        proxy_row *r = realloc(t->r, (size_t)(t->n + 1) * sizeof *r);
        if (!r) break;
        t->r = r;
        proxy_row *x = &t->r[t->n++];
        snprintf(x->arch, sizeof x->arch, "%s", a), snprintf(x->fmt, sizeof x->fmt, "%s", fm);
        snprintf(x->model, sizeof x->model, "%s", mo);
        x->bits = atof(bits), x->nll = atof(nll);
    }
    fclose(f);
    return 0;
}

static const char *fmt_name(arch_fmt f) {
    return f == ARCH_FMT_INT ? "int" : f == ARCH_FMT_FLOAT ? "float" : f == ARCH_FMT_TERNARY ? "ternary" : "shiftmac";
}

static const proxy_row *proxy_find(const proxy_table *t, const wl_shape *s, const wl_params *p) {
    const char *arch = s->arch == WL_LLAMA ? "llama" : "ternary";
    for (int i = 0; i < t->n; i++)
        if (!strcmp(t->r[i].arch, arch) && !strcmp(t->r[i].fmt, fmt_name(p->w_fmt)) && t->r[i].bits == p->w_bits)
            return &t->r[i];
    return NULL;
}

/* ---- the sweep ----------------------------------------------------------- */

static const char *CSV_HEAD =
    "index,workload,mode,batch,prompt,gen,w_bits,w_fmt,kv_bits,point,tech_nm,weights_on_chip,kv_on_chip,ttft_s,tpot_s,"
    "tokens_per_s,energy_per_token_j,prefill_energy_per_token_j,area_mm2,tokens_per_s_per_mm2,"
    "prefill_tokens_per_s_per_mm2,decode_dram_bound_frac,decode_sram_bound_frac,prefill_dram_bound_frac,"
    "prefill_sram_bound_frac,nll_proxy_shipped,nll_proxy_model,point_json\n";

static double bound_frac(const wl_phase *ph, wl_bound b) {
    double c = 0;
    for (int i = 0; i < ph->n_ops; i++)
        if (ph->ops[i].bound == b) c += ph->ops[i].cycles;
    return ph->cycles > 0 ? c / ph->cycles : 0;
}

static int csv_row(FILE *f, long idx, const char *mode, const wl_shape *s, const wl_params *p, const dp_config *d,
                   const wl_result *r, const proxy_row *px) {
    char js[4096];
    if (dp_to_json(d, js, sizeof js)) return -1;
    double pre_tps = (double)p->batch * (double)p->prompt / r->ttft_s;
    fprintf(f,
            "%ld,%s,%s,%ld,%ld,%ld,%g,%s,%g,%s,%g,%d,%d,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.4f,%.4f,%.4f,%.4f,"
            "%.6g,%s,\"",
            idx, s->name, mode, p->batch, p->prompt, p->gen, p->w_bits, fmt_name(p->w_fmt), p->kv_bits, d->id,
            d->tech_nm, r->weights_on_chip, r->kv_on_chip, r->ttft_s, r->tpot_s, r->tokens_per_s,
            r->energy_per_token_j, r->prefill_energy_per_token_j, r->area_mm2, r->tokens_per_s / r->area_mm2,
            pre_tps / r->area_mm2, bound_frac(&r->decode_step, WL_BOUND_DRAM), bound_frac(&r->decode_step, WL_BOUND_SRAM),
            bound_frac(&r->prefill, WL_BOUND_DRAM), bound_frac(&r->prefill, WL_BOUND_SRAM), px ? px->nll : NAN,
            px ? px->model : "none");
    for (const char *c = js; *c; c++) fputs(*c == '"' ? "\"\"" : (char[2]){*c, 0}, f);
    fputs("\"\n", f);
    return 0;
}

/* Complete rows of an existing CSV (header excluded), a truncated last row
 * cut off; -1: no file, -2: cannot repair, -3: another header or mode, or a
 * first row that is not the shard's first point. */
static long resume_rows(const char *path, const char *mode, size_t first_index) {
    FILE *f = fopen(path, "r+b");
    if (!f) return -1;
    long rows = -1, good = 0, pos = 0;
    int c, bad = 0;
    char line[8192];
    size_t ll = 0;
    while ((c = fgetc(f)) != EOF) {
        pos++;
        if (ll + 1 < sizeof line) line[ll++] = (char)c;
        if (c != '\n') continue;
        line[ll] = 0, ll = 0;
        rows++, good = pos;
        char m[32];
        if (rows == 0) bad |= strcmp(line, CSV_HEAD) != 0;
        else if (rows == 1) { /* the mode, and the shard's first point */
            char ix[32];
            bad |= sweep_csv_field(line, 2, m, sizeof m) || strcmp(m, mode) || sweep_csv_field(line, 0, ix, sizeof ix) ||
                   strtoull(ix, NULL, 10) != first_index;
        }
    }
    fclose(f);
    if (bad) return -3;
    if (good != pos && truncate(path, good)) return -2;
    return rows < 0 ? -1 : rows;
}

static int set_param(wl_params *p, wl_shape *s, const char *key, json_t *v, const char *grid_dir, int *is_param,
                     char *err, size_t len) {
    *is_param = 1;
    if (!strcmp(key, "workload")) {
        if (!json_is_string(v)) return snprintf(err, len, "workload must be a path string"), -1;
        char path[2048];
        const char *w = json_string_value(v);
        snprintf(path, sizeof path, "%s%s%s", w[0] == '/' ? "" : grid_dir, w[0] == '/' ? "" : "/", w);
        return wl_shape_load(path, s, err, len);
    }
    if (!strcmp(key, "w_fmt")) {
        const char *f = json_is_string(v) ? json_string_value(v) : "";
        if (strcmp(f, "int") && strcmp(f, "float")) return snprintf(err, len, "w_fmt must be \"int\" or \"float\""), -1;
        p->w_fmt = f[0] == 'i' ? ARCH_FMT_INT : ARCH_FMT_FLOAT;
        return 0;
    }
    long *lp = !strcmp(key, "prompt") ? &p->prompt : !strcmp(key, "gen") ? &p->gen : !strcmp(key, "batch") ? &p->batch : NULL;
    double *dpp = !strcmp(key, "w_bits") ? &p->w_bits : !strcmp(key, "kv_bits") ? &p->kv_bits : NULL;
    if (lp) {
        if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > (1L << 24))
            return snprintf(err, len, "%s must be an integer in [1, 2^24]", key), -1;
        *lp = (long)json_integer_value(v);
        return 0;
    }
    if (dpp) {
        if (!json_is_number(v) || !(json_number_value(v) > 0) || json_number_value(v) > 64)
            return snprintf(err, len, "%s must be a number in (0, 64]", key), -1;
        *dpp = json_number_value(v);
        return 0;
    }
    *is_param = 0;
    return 0;
}

static int set_dp(dp_config *d, const char *key, json_t *v, char *err, size_t len) {
    if (json_is_string(v)) return dp_set_field(d, key, json_string_value(v), 1, err, len);
    char *txt = json_dumps(v, JSON_ENCODE_ANY);
    int rc = txt ? dp_set_field(d, key, txt, 0, err, len) : -1;
    free(txt);
    return rc;
}

int wl_grid_has_workload(const char *grid_path) {
    json_t *root = json_load_file(grid_path, 0, NULL);
    if (!root) return -1;
    json_t *b = json_object_get(root, "base"), *g = json_object_get(root, "grid");
    int has = (json_is_object(b) && json_object_get(b, "workload")) || (json_is_object(g) && json_object_get(g, "workload"));
    json_decref(root);
    return has;
}

/* One point i of the grid into d, s, p; 0 or -1 with err. */
static int grid_point(json_t *base, const char **keys, json_t **vals, size_t nk, size_t i, const char *dir, dp_config *d,
                      wl_shape *s, wl_params *p, char *err, size_t len) {
    const char *key;
    json_t *v;
    int have_shape = 0, isp, fmt_set = 0;
    dp_default(d);
    memset(s, 0, sizeof *s);
    wl_params_default(NULL, p);
    if (base) json_object_foreach(base, key, v) {
        if (set_param(p, s, key, v, dir, &isp, err, len)) return -1;
        have_shape |= !strcmp(key, "workload"), fmt_set |= !strcmp(key, "w_fmt");
        if (!isp && set_dp(d, key, v, err, len)) return -1;
    }
    size_t r = i;
    char id[DP_ID_LEN] = "p";
    for (size_t k = 0; k < nk; k++) {
        size_t n = json_array_size(vals[k]), j = r % n;
        r /= n;
        json_t *x = json_array_get(vals[k], j);
        if (set_param(p, s, keys[k], x, dir, &isp, err, len)) return -1;
        have_shape |= !strcmp(keys[k], "workload"), fmt_set |= !strcmp(keys[k], "w_fmt");
        if (!isp && set_dp(d, keys[k], x, err, len)) return -1;
        size_t l = strlen(id);
        snprintf(id + l, sizeof id - l, "-%zu", j);
    }
    snprintf(d->id, sizeof d->id, "%s", id);
    if (!have_shape) return snprintf(err, len, "no \"workload\" in base or grid"), -1;
    if (s->arch != WL_LLAMA) p->w_bits = 2, p->w_fmt = ARCH_FMT_TERNARY;
    else if (!fmt_set) p->w_fmt = p->w_bits >= 16 ? ARCH_FMT_FLOAT : ARCH_FMT_INT;
    return dp_check(d, err, len);
}

int wl_sweep_run(const char *grid_path, const char *out, const wl_sweep_opts *o) {
    const char *prog = o->prog ? o->prog : "lpcs sweep", *mode = o->platform ? "platform" : "analytical";
    json_t *root = json_load_file(grid_path, 0, NULL);
    if (!root || !json_is_object(root)) {
        json_decref(root);
        return fprintf(stderr, "%s: cannot read grid %s\n", prog, grid_path), 1;
    }
    char dir[2048], err[512] = "", proxy_path[2300];
    snprintf(dir, sizeof dir, "%s", grid_path);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = 0;
    else strcpy(dir, ".");
    json_t *base = json_object_get(root, "base"), *grid = json_object_get(root, "grid");
    if (!json_is_object(grid) || (base && !json_is_object(base))) {
        json_decref(root);
        return fprintf(stderr, "%s: grid file needs an object \"grid\" (and optionally \"base\")\n", prog), 1;
    }
    const char *keys[64], *key;
    json_t *vals[64], *v;
    size_t nk = 0, total = 1;
    json_object_foreach(grid, key, v) {
        if (nk >= 64 || !json_is_array(v) || !json_array_size(v)) {
            /* key belongs to root: print it before freeing root */
            fprintf(stderr, "%s: grid values must be non-empty arrays (at most 64 keys): %s\n", prog, key);
            json_decref(root);
            return 1;
        }
        keys[nk] = key, vals[nk++] = v;
        total *= json_array_size(v);
        if (total > 1000000) { /* the cap of lpcs sweep's other grids; also keeps total from overflowing */
            json_decref(root);
            return fprintf(stderr, "%s: grid has more than 1000000 points\n", prog), 1;
        }
    }
    size_t sn = o->shard_n > 1 ? (size_t)o->shard_n : 1, sk = sn > 1 ? (size_t)o->shard_k : 0;
    if (sk >= sn) {
        json_decref(root);
        return fprintf(stderr, "%s: shard %zu/%zu: want 0 <= k < n\n", prog, sk, sn), 1;
    }
    if (o->list) { /* the shard's points, checked as the sweep would (a bad point fails here too) */
        int rc = 0;
        for (size_t i = sk; i < total && !rc; i += sn) {
            dp_config d;
            wl_shape s;
            wl_params p;
            rc = grid_point(base, keys, vals, nk, i, dir, &d, &s, &p, err, sizeof err);
            if (rc) fprintf(stderr, "%s: point %zu: %s\n", prog, i, err);
            else printf("%zu,%s\n", i, d.id);
        }
        json_decref(root);
        return rc ? 1 : 0;
    }
    snprintf(proxy_path, sizeof proxy_path, "%s", o->nll_proxy ? o->nll_proxy : "");
    if (!o->nll_proxy) snprintf(proxy_path, sizeof proxy_path, "%s/../nll_proxy.csv", dir);
    proxy_table px;
    if (proxy_load(proxy_path, &px) && !o->quiet)
        fprintf(stderr, "%s: no accuracy proxy table %s: nll_proxy_shipped = nan\n", prog, proxy_path);
    long done = resume_rows(out, mode, sk);
    FILE *f = NULL;
    if (done == -3)
        fprintf(stderr, "%s: %s has another header, mode (not %s) or shard: remove it or pick another -o\n", prog, out,
                mode);
    else if (done == -2)
        fprintf(stderr, "%s: cannot repair %s\n", prog, out);
    else if (!(f = fopen(out, done < 0 ? "wb" : "ab")))
        fprintf(stderr, "%s: cannot write %s\n", prog, out);
    if (!f) {
        free(px.r);
        json_decref(root);
        return 1;
    }
    if (done < 0) fputs(CSV_HEAD, f), done = 0;
    size_t mine = total > sk ? (total - sk + sn - 1) / sn : 0, first = sk + (size_t)done * sn;
    if ((size_t)done > mine) {
        fprintf(stderr, "%s: %s has %ld rows, more than shard %zu/%zu's %zu points: another grid or shard?\n", prog,
                out, done, sk, sn, mine);
        fclose(f), free(px.r), json_decref(root);
        return 1;
    }
    if (!o->quiet && sn > 1)
        fprintf(stderr, "%s: %zu points, shard %zu/%zu: %zu, %ld already in %s\n", prog, total, sk, sn, mine, done, out);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = 0;
    wl_platform_memo memo = {0};
    for (size_t i = first; i < total && !rc; i += sn) {
        dp_config d;
        wl_shape s;
        wl_params p;
        wl_result res;
        memo.n = 0; /* results are per design point */
        rc = grid_point(base, keys, vals, nk, i, dir, &d, &s, &p, err, sizeof err) ||
             (o->platform ? wl_evaluate_with(&s, &p, &d, wl_platform_timer, &memo, &res, err, sizeof err)
                          : wl_evaluate(&s, &p, &d, &res, err, sizeof err)) ||
             csv_row(f, (long)i, mode, &s, &p, &d, &res, proxy_find(&px, &s, &p));
        if (rc) {
            fprintf(stderr, "%s: point %zu: %s\n", prog, i, err);
            break;
        }
        fflush(f);
        if (!o->quiet && (i / sn + 1) % 1000 == 0) fprintf(stderr, "%s: %zu/%zu points\n", prog, i / sn + 1, mine);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    wl_platform_memo_free(&memo);
    double dt = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    if (fclose(f)) rc = -1;
    free(px.r);
    json_decref(root);
    if (!rc && !o->quiet)
        fprintf(stderr, "%s: %zu points (%zu new, %s) in %.3f s: %.0f points/s\n", prog, mine, mine - (size_t)done,
                mode, dt, dt > 0 ? (double)(mine - (size_t)done) / dt : 0);
    if (!rc && o->plot) {
        char prefix[2048];
        int fd = 0, fp = 0;
        snprintf(prefix, sizeof prefix, "%s", out);
        size_t l = strlen(prefix);
        if (l > 4 && !strcmp(prefix + l - 4, ".csv")) prefix[l - 4] = 0;
        rc = sweep_plot_workload(out, prefix, &fd, &fp, err, sizeof err);
        if (rc) fprintf(stderr, "%s: %s\n", prog, err);
        else if (!o->quiet)
            fprintf(stderr, "%s: plots %s_{decode,prefill}.{png,svg}; fronts %s_{decode,prefill}_front.csv (%d, %d points)\n",
                    prog, prefix, prefix, fd, fp);
    }
    return rc ? 1 : 0;
}
