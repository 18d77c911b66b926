/* lpcs sweep GRID: design-space exploration. Evaluates every design point of
 * a grid (cartesian product and/or explicit list, models/README.md) on one
 * model: accuracy = NLL of the runtime with the point's --plan on a text
 * slice (cached per distinct plan, in memory and in OUT.nll), speed / energy /
 * area from the analytical models (--mode analytical) or the SystemC
 * platform (--mode platform). One CSV row per point, appended and fsync'ed;
 * a restart keeps the rows of OUT whose point_key (point fields, model, text
 * slice, mode, token position, lpcs version) is current, redoes the others
 * and nll=nan rows whose NLL is now known, and repairs a truncated last line.
 * --shard k/n keeps the points i with i % n == k. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/sweep_plot.h"
#include "cli/version.h"
#include "cli/workload_sweep.h"
#include "design_point.h"
#include "eval.h"
#include "backend_platform.h"
#include "rt_arch.h"
#include "unit.h"
#include "rt_file.h"
#include "session.h"

#define VAL_SPLIT_OFFSET 1003854 /* tinyshakespeare: as lpcs ppl --split val */


typedef struct {
    char model[1024], config[1024], text[1024], split[16];
    long long offset, max_bytes;
    int context;
    dp_config *pts;
    int n;
} sweep_grid;

typedef struct {
    char key[1400];
    double nll, ci95;
    long long bytes;
} nll_entry;

typedef struct {
    nll_entry *e;
    int n, cap;
    FILE *f; /* append-only cache file */
} nll_cache;

static void help(FILE *out) {
    fprintf(out,
            "usage: lpcs sweep GRID.json -o OUT.csv [--mode analytical|platform] [--shard k/n]\n"
            "                  [--jsonl OUT.jsonl] [--threads T] [--no-nll] [--list] [--explain] [--columns] [--plot] [--quiet]\n"
            "                  [--model M] [--text FILE] [--max-bytes N] [--nll-cache FILE]\n"
            "Evaluates the design points of GRID (see models/README.md): NLL of the point's\n"
            "--plan on a text slice (cached per plan in OUT.nll), cycles/token, energy/token and\n"
            "area from the analytical models (default) or the SystemC platform. One CSV row per\n"
            "point, fsync'ed, ending with its provenance (model, text slice, token position,\n"
            "lpcs version, git hash, point_key). Re-running resumes: rows whose point_key still\n"
            "matches (same point fields, model, text slice, mode and lpcs build) are kept,\n"
            "others are redone, as are nll=nan rows once the NLL is known (a truncated last\n"
            "row is rewritten). --no-nll still uses NLLs already cached. --shard k/n (0 <= k < n) evaluates\n"
            "the points i with i %% n == k. --list prints the point ids of the shard and exits;\n"
            "--explain prints every point's per-op cost table on stdout; --columns prints\n"
            "every output column with its unit and which columns partition a total. --plot writes\n"
            "OUT.pareto.{png,svg} (NLL vs tokens/s per mm^2, front labelled), OUT.front.csv (front of\n"
            "NLL, energy, active area, tokens/s) and OUT.roofline.{png,svg} (per-op roofline of the\n"
            "front point with the most tokens/s per mm^2; gnuplot). --nll-cache FILE\n"
            "replaces OUT.nll (shards of one sweep may share it).\n"
            "A grid with a \"workload\" (a models/workloads/ shape, no weights: e.g.\n"
            "models/grids/dse_7b.json) sweeps shape-only workloads instead: prefill and batched\n"
            "decode of each point by the analytical model or (--mode platform) the SystemC\n"
            "platform, accuracy as a proxy (nll_proxy_shipped: the shipped models' NLL for the\n"
            "weight format, --nll-proxy FILE, default models/nll_proxy.csv); --shard and --list as above\n"
            "(--list prints index,id), --plot writes OUT_{decode,prefill}.{png,svg} and _front.csv\n"
            "(tokens/s per mm^2 vs energy per token, colour = NLL proxy); same as lpcs workload --sweep.\n");
}

static int fail(const char *m, const char *a) { return cli_fail("lpcs sweep", m, a); }

/* ---------------- grid file ------------------------------------------------ */

static int set_json_field(dp_config *d, const char *key, json_t *v, char *err, size_t len) {
    if (json_is_string(v)) return dp_set_field(d, key, json_string_value(v), 1, err, len);
    char *s = json_dumps(v, JSON_ENCODE_ANY);
    if (!s) return -1;
    int rc = dp_set_field(d, key, s, 0, err, len);
    free(s);
    return rc;
}

static int add_point(sweep_grid *g, const dp_config *d) {
    dp_config *p = realloc(g->pts, (size_t)(g->n + 1) * sizeof *p);
    if (!p) return -1;
    g->pts = p;
    g->pts[g->n++] = *d;
    return 0;
}

static int str_field(json_t *root, const char *key, char *dst, size_t len) {
    json_t *v = json_object_get(root, key);
    if (!v) return 0;
    if (!json_is_string(v) || strlen(json_string_value(v)) >= len) return -1;
    strcpy(dst, json_string_value(v));
    return 0;
}

static int exists(const char *p) { return access(p, R_OK) == 0; }

/* A relative path in a grid names a file relative to the grid file's folder;
 * failing that, a path through a "shared/" folder is looked up under
 * $LPCS_SHARED (the tests' copy of ../shared). The error lists what was tried. */
static int resolve_path(const char *grid, const char *what, char *p, size_t cap, char *err, size_t len) {
    if (!p[0] || p[0] == '/') return 0;
    char dir[1024], cand[2][1100];
    snprintf(dir, sizeof dir, "%s", grid);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = 0;
    else snprintf(dir, sizeof dir, ".");
    snprintf(cand[0], sizeof cand[0], "%s/%s", dir, p);
    int n = 1;
    const char *sh = getenv("LPCS_SHARED"), *q = strstr(p, "shared/");
    if (sh && *sh && q) snprintf(cand[n++], sizeof cand[1], "%s/%s", sh, q + 7);
    for (int i = 0; i < n; i++)
        if (exists(cand[i]) && strlen(cand[i]) < cap) {
            strcpy(p, cand[i]);
            return 0;
        }
    snprintf(err, len, "%.300s: %s \"%.300s\" not found (relative to the grid's folder); tried %.300s%s%.300s", grid,
             what, p, cand[0],
             n > 1 ? " and $LPCS_SHARED: " : "", n > 1 ? cand[1] : "");
    return -1;
}

static int load_grid(const char *path, sweep_grid *g, int no_nll, char *err, size_t len) {
    memset(g, 0, sizeof *g);
    snprintf(g->split, sizeof g->split, "val");
    g->max_bytes = 4096;
    g->context = 256;
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root) {
        snprintf(err, len, "%s:%d: %s", path, je.line, je.text);
        return -1;
    }
    int rc = -1;
    dp_config base;
    dp_default(&base);
    if (!json_is_object(root)) {
        snprintf(err, len, "%s: not a JSON object", path);
        goto out;
    }
    if (str_field(root, "model", g->model, sizeof g->model) || str_field(root, "config", g->config, sizeof g->config) ||
        str_field(root, "text", g->text, sizeof g->text) || str_field(root, "split", g->split, sizeof g->split)) {
        snprintf(err, len, "%s: model/config/text/split must be strings", path);
        goto out;
    }
    char *paths[3] = {g->model, g->config, g->text};
    const char *names[3] = {"model", "config", "text"};
    for (int i = 0; i < 3; i++)
        if (resolve_path(path, names[i], paths[i], 1024, err, len)) {
            if (i == 2 && no_nll) { /* the text is only needed for the NLL */
                g->text[0] = 0;
                continue;
            }
            goto out;
        }
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v) {
        if (!strcmp(key, "offset") || !strcmp(key, "max_bytes") || !strcmp(key, "context")) {
            if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > (1LL << 40)) {
                snprintf(err, len, "%s: %s must be a non-negative integer", path, key);
                goto out;
            }
            long long x = json_integer_value(v);
            if (!strcmp(key, "offset")) g->offset = x;
            else if (!strcmp(key, "max_bytes")) g->max_bytes = x;
            else if (x < 1 || x > RT_MAX_SEQ) {
                snprintf(err, len, "%s: context must be 1..%d", path, RT_MAX_SEQ);
                goto out;
            } else g->context = (int)x;
        } else if (strcmp(key, "model") && strcmp(key, "config") && strcmp(key, "text") && strcmp(key, "split") &&
                   strcmp(key, "base") && strcmp(key, "grid") && strcmp(key, "points") && key[0] != '_') {
            snprintf(err, len, "%s: unknown key '%s'", path, key);
            goto out;
        }
    }
    json_t *b = json_object_get(root, "base");
    if (b) {
        if (!json_is_object(b)) {
            snprintf(err, len, "%s: base must be an object", path);
            goto out;
        }
        json_object_foreach(b, key, v) if (set_json_field(&base, key, v, err, len)) goto out;
    }
    json_t *grid = json_object_get(root, "grid");
    if (grid) {
        size_t nk = json_object_size(grid), total = 1;
        if (!json_is_object(grid) || nk == 0 || nk > 32) {
            snprintf(err, len, "%s: grid must be an object of 1..32 fields", path);
            goto out;
        }
        const char *keys[32];
        json_t *vals[32];
        size_t k = 0;
        json_object_foreach(grid, key, v) {
            if (!json_is_array(v) || json_array_size(v) == 0) {
                snprintf(err, len, "%s: grid.%s must be a non-empty array", path, key);
                goto out;
            }
            keys[k] = key, vals[k] = v, k++;
            total *= json_array_size(v);
            if (total > 1000000) {
                snprintf(err, len, "%s: grid has more than 1000000 points", path);
                goto out;
            }
        }
        for (size_t i = 0; i < total; i++) {
            dp_config d = base;
            size_t r = i;
            for (size_t j = nk; j-- > 0;) { /* last key varies fastest */
                size_t m = json_array_size(vals[j]);
                if (set_json_field(&d, keys[j], json_array_get(vals[j], r % m), err, len)) goto out;
                r /= m;
            }
            snprintf(d.id, sizeof d.id, "p%05zu", (size_t)g->n);
            if (dp_check(&d, err, len) || add_point(g, &d)) goto out;
        }
    }
    json_t *pts = json_object_get(root, "points");
    if (pts) {
        if (!json_is_array(pts)) {
            snprintf(err, len, "%s: points must be an array", path);
            goto out;
        }
        size_t i;
        json_array_foreach(pts, i, v) {
            dp_config d = base;
            snprintf(d.id, sizeof d.id, "p%05zu", (size_t)g->n);
            if (!json_is_object(v)) {
                snprintf(err, len, "%s: points[%zu] is not an object", path, i);
                goto out;
            }
            json_object_foreach(v, key, b) if (set_json_field(&d, key, b, err, len)) goto out;
            if (dp_check(&d, err, len) || add_point(g, &d)) goto out;
        }
    }
    if (g->n == 0) {
        snprintf(err, len, "%s: no design points (give grid and/or points)", path);
        goto out;
    }
    for (int i = 0; i < g->n; i++)
        for (int j = i + 1; j < g->n; j++)
            if (!strcmp(g->pts[i].id, g->pts[j].id)) {
                snprintf(err, len, "%s: duplicate point id %s", path, g->pts[i].id);
                goto out;
            }
    rc = 0;
out:
    json_decref(root);
    if (rc) { /* a refused grid leaves no points behind (found by tests/fuzz/fuzz_grid) */
        free(g->pts);
        g->pts = NULL;
        g->n = 0;
    }
    return rc;
}

/* ---------------- resumable CSV ------------------------------------------- */

/* Result columns: name (unit in the name), meaning. The head columns, then
 * energy_unit_<unit>_uJ and area_<unit>_mm2 for every unit of models/units.c,
 * then the tail. The energy_kind_* columns partition energy_per_token_uJ by
 * kind, the energy_unit_* columns partition it by unit: sum one group, never
 * both. area_<block>_mm2 (units and sram) partition area_mm2;
 * area_active_mm2 + area_idle_mm2 = area_mm2. */
static const char *const RESULT_COLS[][2] = {
    {"nll", "mean NLL of the point's plan on the text slice, nats/byte (nan: not computed)"},
    {"nll_ci95", "half-width of the 95% confidence interval of nll across 256-byte windows, nats/byte"},
    {"nll_slice_B", "bytes of text the nll was measured on"},
    {"cycles_per_token", "accelerator clock cycles of one token at token_pos"},
    {"tokens_per_s", "clock_ghz * 1e9 / cycles_per_token"},
    {"tokens_per_s_per_mm2", "tokens_per_s / area_active_mm2"},
    {"energy_per_token_uJ", "energy of one token, uJ"},
    {"area_mm2", "area of every block of the design point, mm^2"},
    {"area_active_mm2", "area of the units this token used plus SRAM, mm^2"},
    {"area_idle_mm2", "area of units no op of this token used, mm^2 (in area_mm2, not in area_active_mm2)"},
    {"dram_per_token_B", "DRAM bytes read per token, B"},
    {"energy_kind_compute_uJ", "partition by kind (1/3): unit datapaths, uJ/token"},
    {"energy_kind_sram_uJ", "partition by kind (2/3): on-chip SRAM accesses, uJ/token"},
    {"energy_kind_dram_uJ", "partition by kind (3/3): DRAM transfers, uJ/token"},
};
#define N_HEAD_RES (sizeof RESULT_COLS / sizeof RESULT_COLS[0])
static const char *const TAIL_COLS[][2] = {
    {"area_sram_mm2", "weight/activation SRAM area (part of area_mm2)"},
    {"resident_weight_frac", "fraction of weight bytes held on chip (0..1)"},
};
#define N_RESULT (N_HEAD_RES + 2 * ARCH_MAX_UNITS + 2) /* capacity */

/* Name (desc = 0) or meaning (desc = 1) of result column i, in the order of
 * eval_point's res[]; NULL past the end. */
static const char *result_col_x(size_t i, int desc, char *buf, size_t len) {
    size_t nu = (size_t)arch_n_units();
    if (i < N_HEAD_RES) return RESULT_COLS[i][desc];
    i -= N_HEAD_RES;
    if (i < 2 * nu) {
        const char *u = arch_unit_name((arch_unit)(i % nu));
        if (!desc) snprintf(buf, len, i < nu ? "energy_unit_%s_uJ" : "area_%s_mm2", u);
        else if (i < nu) snprintf(buf, len, "partition by unit: ops on the %s unit incl. their memory, uJ/token", u);
        else snprintf(buf, len, "%s unit area (part of area_mm2)", u);
        return buf;
    }
    i -= 2 * nu;
    return i < 2 ? TAIL_COLS[i][desc] : NULL;
}
static const char *result_col(size_t i, char *buf, size_t len) { return result_col_x(i, 0, buf, len); }

static const char *const MODELLED_COL[2] = {
    "modelled_only", "unit:format pairs this point costs that no RTL implements (e.g. rmmec:fp8e4m3: the RMMEC RTL "
                     "has FP4 E2M1 and posit 4/8/16 modes only); empty = every GEMV/attention unit mode has RTL; the "
                     "vector unit is always modelled only"};

/* Where a row comes from: a resume redoes rows whose point_key (a hash of the
 * point's every field, model, text slice, mode, token position and lpcs
 * version + git hash) differs from the current one. */
static const char *PROV_COLS[] = {"model", "text_begin", "text_end", "token_pos", "lpcs_version", "git_hash",
                                  "point_key"};
#define N_PROV (sizeof PROV_COLS / sizeof PROV_COLS[0])

static void header_line(char *out, size_t len) {
    char b[64];
    size_t o = (size_t)snprintf(out, len, "id,index,mode");
    for (size_t i = 1; dp_field_name(i); i++) o += (size_t)snprintf(out + o, len - o, ",%s", dp_field_name(i));
    for (size_t i = 0; result_col(i, b, sizeof b); i++) o += (size_t)snprintf(out + o, len - o, ",%s", result_col(i, b, sizeof b));
    o += (size_t)snprintf(out + o, len - o, ",%s", MODELLED_COL[0]);
    for (size_t i = 0; i < N_PROV; i++) o += (size_t)snprintf(out + o, len - o, ",%s", PROV_COLS[i]);
    snprintf(out + o, len - o, "\n");
}

/* FNV-1a 64: the resume key of a row (not cryptographic: it tells stale rows
 * from current ones, nothing more). */
static unsigned long long fnv1a64(const char *s) {
    unsigned long long h = 1469598103934665603ULL;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

typedef struct {
    char **ids;
    int n, cap;
} id_set;

static int id_has(const id_set *s, const char *id) {
    for (int i = 0; i < s->n; i++)
        if (!strcmp(s->ids[i], id)) return 1;
    return 0;
}

static int id_add(id_set *s, const char *id, size_t len) {
    if (s->n == s->cap) {
        int cap = s->cap ? 2 * s->cap : 256;
        char **p = realloc(s->ids, (size_t)cap * sizeof *p);
        if (!p) return -1;
        s->ids = p, s->cap = cap;
    }
    char *c = malloc(len + 1);
    if (!c) return -1;
    memcpy(c, id, len);
    c[len] = 0;
    s->ids[s->n++] = c;
    return 0;
}

static void id_free(id_set *s) {
    for (int i = 0; i < s->n; i++) free(s->ids[i]);
    free(s->ids);
}

/* Reads path (may not exist), truncates a partial last line, returns the
 * complete lines' text via *data (caller frees) and its size. */
static int read_repair(const char *path, char **data, size_t *size, const char *what, int quiet) {
    *data = NULL, *size = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return errno == ENOENT ? 0 : -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (!buf || (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n)) {
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    buf[n] = 0;
    size_t keep = (size_t)n;
    while (keep > 0 && buf[keep - 1] != '\n') keep--;
    if (keep != (size_t)n) {
        if (!quiet) fprintf(stderr, "lpcs sweep: %s: dropping a truncated last line (%ld bytes)\n", what, n - (long)keep);
        if (truncate(path, (off_t)keep)) {
            free(buf);
            return -1;
        }
        buf[keep] = 0;
    }
    *data = buf, *size = keep;
    return 0;
}

static int write_line(FILE *f, const char *line) {
    if (fputs(line, f) < 0 || fflush(f)) return -1;
    return fsync(fileno(f));
}

/* ---------------- NLL cache ------------------------------------------------ */

static nll_entry *cache_find(nll_cache *c, const char *key) {
    for (int i = 0; i < c->n; i++)
        if (!strcmp(c->e[i].key, key)) return &c->e[i];
    return NULL;
}

static int cache_put(nll_cache *c, const char *key, double nll, long long bytes, double ci95) {
    if (c->n == c->cap) {
        int cap = c->cap ? 2 * c->cap : 32;
        nll_entry *p = realloc(c->e, (size_t)cap * sizeof *p);
        if (!p) return -1;
        c->e = p, c->cap = cap;
    }
    nll_entry *e = &c->e[c->n++];
    snprintf(e->key, sizeof e->key, "%s", key);
    e->nll = nll, e->bytes = bytes, e->ci95 = ci95;
    return 0;
}

static int cache_open(nll_cache *c, const char *path, int quiet) {
    memset(c, 0, sizeof *c);
    char *data;
    size_t size;
    if (read_repair(path, &data, &size, path, quiet)) return -1;
    for (char *line = data; line && *line;) {
        char *nl = strchr(line, '\n');
        *nl = 0;
        /* key \t nll \t bytes \t ci95 (older caches: no ci95) */
        char *t[3] = {NULL, NULL, NULL};
        int k = 0;
        for (char *p = line; *p; p++)
            if (*p == '\t' && k < 3) t[k++] = p;
        for (int j = 0; j < k; j++) *t[j] = 0;
        if (k >= 2) cache_put(c, line, strtod(t[0] + 1, NULL), atoll(t[1] + 1), k == 3 ? strtod(t[2] + 1, NULL) : NAN);
        line = nl + 1;
    }
    free(data);
    c->f = fopen(path, "ab");
    /* one write(2) per line (O_APPEND): shards may share one cache file */
    if (c->f) setvbuf(c->f, NULL, _IOFBF, 8192);
    return c->f ? 0 : -1;
}

static void cache_close(nll_cache *c) {
    if (c->f) fclose(c->f);
    free(c->e);
}

/* ---------------- evaluation ----------------------------------------------- */

typedef struct {
    rt_model model;
    rt_tokenizer tok;
    rt_file text;
    size_t begin, end;
    rt_engine eng; /* the op list of the current plan */
    int have_eng;
    char eng_plan[DP_PLAN_LEN];
    rt_plan plan;
    rt_sched_opts so;
    int threads, quiet, no_nll;
    int explain;     /* print the per-op cost table of every point */
    int platform;    /* --mode platform */
    int have_text;   /* the text slice is mapped (begin, end valid) */
    FILE *plat_log;  /* --mode platform: per-op model vs platform lines ($LPCS_PLATFORM_EXPLAIN) */
    int ctx_context; /* attention length the per-token cost is taken at (x2) */
} sweep_ctx;

static int ctx_plan(sweep_ctx *x, const char *spec, rt_err *e) {
    if (x->have_eng && !strcmp(x->eng_plan, spec)) return 0;
    if (x->have_eng) rt_engine_free(&x->eng);
    x->have_eng = 0;
    if (rt_plan_parse(&x->plan, spec, e)) return 1;
    if (rt_engine_init(&x->eng, &x->model, &x->plan, &x->so, e)) return 1;
    x->eng.timing = 0;
    x->have_eng = 1;
    snprintf(x->eng_plan, sizeof x->eng_plan, "%s", spec);
    return 0;
}

static void nll_key(const sweep_ctx *x, const char *spec, char *key, size_t len) {
    snprintf(key, len, "%s|%zu|%zu|%s", x->model.path, x->begin, x->end, spec);
}

/* 1 if the NLL of plan spec is known or will be computed by this run. */
static int nll_known(const sweep_ctx *x, nll_cache *c, const char *spec) {
    char key[1400];
    nll_key(x, spec, key, sizeof key);
    return x->have_text && (!x->no_nll || cache_find(c, key));
}

static int eval_nll(sweep_ctx *x, nll_cache *c, const char *spec, double *nll, long long *bytes, double *ci95,
                    rt_err *e) {
    char key[1400];
    nll_key(x, spec, key, sizeof key);
    nll_entry *hit = x->have_text ? cache_find(c, key) : NULL;
    if (hit) { /* also with --no-nll: a known NLL is never dropped */
        *nll = hit->nll, *bytes = hit->bytes, *ci95 = hit->ci95;
        return 0;
    }
    if (x->no_nll) {
        *nll = NAN, *bytes = 0, *ci95 = NAN;
        return 0;
    }
    rt_ppl_result r;
    if (ctx_plan(x, spec, e)) return 1;
    if (rt_eval_ppl(&x->model, &x->plan, &x->so, &x->tok, x->text.data + x->begin, x->end - x->begin, x->threads, NULL,
                    NULL, &r, NULL, e))
        return 1;
    *nll = r.nll_sum / (double)r.bytes, *bytes = (long long)r.bytes, *ci95 = r.nll_ci95;
    char line[1600];
    snprintf(line, sizeof line, "%s\t%.12g\t%lld\t%.6g\n", key, *nll, *bytes, *ci95);
    if (write_line(c->f, line)) return rt_fail(e, LPCS_EIO, "cannot append to the NLL cache");
    return cache_put(c, key, *nll, *bytes, *ci95) ? rt_fail(e, LPCS_ENOMEM, "out of memory") : 0;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void csv_str(char *out, size_t len, size_t *o, const char *s) {
    *o += (size_t)snprintf(out + *o, len - *o, ",\"");
    for (; *s && *o + 3 < len; s++) {
        if (*s == '"') out[(*o)++] = '"';
        out[(*o)++] = *s;
    }
    *o += (size_t)snprintf(out + *o, len - *o, "\"");
}

/* Position of the token a row is costed at: half the grid's context (or of
 * the model's, if shorter). */
static int token_pos(const sweep_ctx *x) {
    int max = x->model.cfg.arch == RT_ARCH_LLAMA ? x->model.cfg.seq_len : 0;
    return max && max < x->ctx_context ? max / 2 : x->ctx_context / 2;
}

static void point_key(const sweep_ctx *x, const dp_config *d, char *out, size_t len) {
    char js[2048], all[4096];
    if (dp_to_json(d, js, sizeof js)) js[0] = 0;
    snprintf(all, sizeof all, "%s|%s|%zu|%zu|%d|%s|%s|%s", js, x->model.path, x->begin, x->end, token_pos(x),
             x->platform ? "platform" : "analytical", lpcs_version(), lpcs_git_hash());
    snprintf(out, len, "%016llx", fnv1a64(all));
}

/* 1 if the RMMEC RTL has a mode for format name (rtl/rmmec.v: FP4 E2M1
 * elements, posit(4,1), posit(8,0), posit(16,1)). */
static int rmmec_rtl_has(const char *fmt) {
    static const char *const have[] = {"fp4e2m1", "mxfp4", "nvfp4", "p4e1", "p8e0", "p16e1"};
    for (size_t i = 0; i < sizeof have / sizeof have[0]; i++)
        if (!strcmp(fmt, have[i])) return 1;
    return 0;
}

/* "rmmec:fp32;rmmec:fp8e4m3": the RMMEC modes point d costs that the RTL lacks. */
static void modelled_only(const sweep_ctx *x, const dp_config *d, char *out, size_t len) {
    size_t o = 0;
    out[0] = 0;
    for (int i = 0; i < x->eng.n_ops; i++) {
        const rt_op *op = &x->eng.ops[i];
        arch_op ao;
        if (rt_arch_from_op(&x->eng, op, 0, &ao) || (ao.kind != ARCH_OP_GEMV && ao.kind != ARCH_OP_ATTENTION) ||
            arch_pick_unit(d, &ao) != ARCH_U_RMMEC)
            continue;
        const rt_qf *kf = op->type == OP_ATTENTION ? rt_plan_kv(&x->eng.plan, op->layer) : NULL;
        const char *fmt = op->type == OP_ATTENTION ? (kf ? kf->name : "fp32") : op->qf ? op->qf->name : "fp32";
        char item[64];
        snprintf(item, sizeof item, "rmmec:%s", fmt);
        if (rmmec_rtl_has(fmt) || strstr(out, item)) continue;
        o += (size_t)snprintf(out + o, o < len ? len - o : 0, "%s%s", o ? ";" : "", item);
    }
}

static int eval_point(sweep_ctx *x, nll_cache *c, const dp_config *d, int index, int platform, char *row, size_t len,
                      json_t **jrow, rt_err *e) {
    double nll, ci95;
    long long nb;
    if (eval_nll(x, c, d->plan, &nll, &nb, &ci95, e)) return 1;
    if (ctx_plan(x, d->plan, e)) return 1;
    rt_arch_token t;
    int pos = token_pos(x);
    int rc = platform ? rt_platform_token_cost(&x->eng, d, pos, &t, x->plat_log)
                      : rt_arch_token_cost(&x->eng, d, pos, NULL, &t);
    if (rc) return rt_fail(e, LPCS_EINVAL, "cost model failed on point %s", d->id);
    if (x->explain) {
        /* the per-op table is the analytical model's; its own total must not
         * replace the row's (platform) numbers */
        arch_cost *pc = calloc((size_t)x->eng.n_ops, sizeof *pc);
        rt_arch_token t_model;
        if (pc && !rt_arch_token_cost(&x->eng, d, pos, pc, &t_model)) {
            printf("# point %s (plan %s), token at position %d (analytical)\n%-20s %-8s %12s %12s %12s %10s\n", d->id,
                   d->plan, pos, "op", "unit", "cycles", "compute", "dram_bytes", "energy_nJ");
            for (int i = 0; i < x->eng.n_ops; i++)
                printf("%-20s %-8s %12.0f %12.0f %12.0f %10.2f\n", x->eng.ops[i].name, arch_unit_name(pc[i].unit),
                       pc[i].cycles, pc[i].compute_cycles, pc[i].dram_bytes, pc[i].energy_pj * 1e-3);
        }
        free(pc);
    }
    arch_area a;
    arch_area_of(d, &a);
    /* units no op of this token used: their area is reported apart */
    double idle = 0;
    for (int u = 0; u < arch_n_units(); u++)
        if (t.unit_cycles[u] <= 0) idle += a.unit[u];
    double cyc = t.cycles, tps = cyc > 0 ? d->clock_ghz * 1e9 / cyc : 0, res[N_RESULT] = {
        nll, ci95, (double)nb, cyc, tps, a.total - idle > 0 ? tps / (a.total - idle) : 0, t.energy_pj * 1e-6,
        a.total, a.total - idle, idle, t.dram_bytes,
        t.e_compute_pj * 1e-6, t.e_sram_pj * 1e-6, t.e_dram_pj * 1e-6};
    size_t n_res = N_HEAD_RES;
    for (int u = 0; u < arch_n_units(); u++) res[n_res++] = t.unit_energy_pj[u] * 1e-6;
    for (int u = 0; u < arch_n_units(); u++) res[n_res++] = a.unit[u];
    res[n_res++] = a.sram;
    res[n_res++] = t.weight_bytes > 0 ? t.resident_weight_bytes / t.weight_bytes : 1;
    char modelled[256];
    modelled_only(x, d, modelled, sizeof modelled);
    size_t o = (size_t)snprintf(row, len, "%s,%d,%s", d->id, index, platform ? "platform" : "analytical");
    /* the point's fields, in the header's order (from its JSON form) */
    char js[2048];
    dp_to_json(d, js, sizeof js);
    json_t *pj = json_loads(js, 0, NULL);
    for (size_t i = 1; dp_field_name(i); i++) {
        json_t *v = json_object_get(pj, dp_field_name(i));
        if (json_is_string(v)) csv_str(row, len, &o, json_string_value(v));
        else if (json_is_integer(v)) o += (size_t)snprintf(row + o, len - o, ",%lld", (long long)json_integer_value(v));
        else o += (size_t)snprintf(row + o, len - o, ",%.10g", json_number_value(v));
    }
    for (size_t i = 0; i < n_res; i++) {
        o += (size_t)snprintf(row + o, len - o, ",%.10g", res[i]);
        char b[64];
        json_object_set_new(pj, result_col(i, b, sizeof b), isnan(res[i]) ? json_null() : json_real(res[i]));
    }
    csv_str(row, len, &o, modelled);
    json_object_set_new(pj, "modelled_only", json_string(modelled));
    char key[32];
    point_key(x, d, key, sizeof key);
    csv_str(row, len, &o, x->model.path);
    o += (size_t)snprintf(row + o, len - o, ",%zu,%zu,%d,%s,%s,%s\n", x->begin, x->end, pos, lpcs_version(),
                          lpcs_git_hash(), key);
    json_object_set_new(pj, "model", json_string(x->model.path));
    json_object_set_new(pj, "text_begin", json_integer((json_int_t)x->begin));
    json_object_set_new(pj, "text_end", json_integer((json_int_t)x->end));
    json_object_set_new(pj, "token_pos", json_integer(pos));
    json_object_set_new(pj, "lpcs_version", json_string(lpcs_version()));
    json_object_set_new(pj, "git_hash", json_string(lpcs_git_hash()));
    json_object_set_new(pj, "point_key", json_string(key));
    json_object_set_new(pj, "index", json_integer(index));
    json_object_set_new(pj, "mode", json_string(platform ? "platform" : "analytical"));
    *jrow = pj;
    return 0;
}

/* --plot: OUT.pareto.{png,svg} + OUT.front.csv from every row of OUT, and
 * OUT.roofline.{png,svg} of the front point with the most tokens/s per mm^2. */
static int write_plots(sweep_ctx *x, const sweep_grid *g, const char *out_path, rt_err *e) {
    char prefix[1100], best[DP_ID_LEN], err[1600];
    snprintf(prefix, sizeof prefix, "%s", out_path);
    size_t pl = strlen(prefix);
    if (pl > 4 && !strcmp(prefix + pl - 4, ".csv")) prefix[pl - 4] = 0;
    if (sweep_plot_front(out_path, prefix, best, sizeof best, err, sizeof err))
        return rt_fail(e, LPCS_EINVAL, "%s", err);
    const dp_config *d = NULL;
    for (int i = 0; i < g->n && !d; i++)
        if (!strcmp(g->pts[i].id, best)) d = &g->pts[i];
    if (!d) return rt_fail(e, LPCS_EINVAL, "--plot: front point %s is not in the grid", best);
    if (ctx_plan(x, d->plan, e)) return 1;
    int n = x->eng.n_ops, pos = token_pos(x);
    arch_cost *pc = calloc((size_t)n, sizeof *pc);
    roof_op *ro = calloc((size_t)n, sizeof *ro);
    rt_arch_token t;
    int rc = !pc || !ro || rt_arch_token_cost(&x->eng, d, pos, pc, &t);
    for (int i = 0; i < n && !rc; i++) {
        arch_op ao;
        rt_arch_from_op(&x->eng, &x->eng.ops[i], pos, &ao);
        snprintf(ro[i].name, sizeof ro[i].name, "%s", x->eng.ops[i].name);
        snprintf(ro[i].unit, sizeof ro[i].unit, "%s", arch_unit_name(pc[i].unit));
        ro[i].macs = ao.kind == ARCH_OP_ATTENTION ? 2.0 * (double)ao.n
                     : ao.kind == ARCH_OP_VECTOR  ? (double)ao.n
                                                  : (double)ao.rows * (double)ao.cols;
        ro[i].dram_bytes = pc[i].dram_bytes, ro[i].cycles = pc[i].cycles, ro[i].compute_cycles = pc[i].compute_cycles;
    }
    char title[512];
    snprintf(title, sizeof title, "point %.95s (plan %.255s), position %d, analytical model", d->id, d->plan, pos);
    if (!rc && sweep_plot_roofline(prefix, title, ro, n, arch_dram_bytes_per_cycle(d), err, sizeof err))
        rc = rt_fail(e, LPCS_EINVAL, "%s", err);
    else if (rc == 1)
        rc = rt_fail(e, LPCS_ENOMEM, "--plot: cost model failed on point %s", d->id);
    free(pc), free(ro);
    if (!rc && !x->quiet)
        fprintf(stderr, "lpcs sweep: plots: %s.pareto.{png,svg}, %s.front.csv, %s.roofline.{png,svg} (point %s)\n",
                prefix, prefix, prefix, d->id);
    return rc;
}

int cmd_sweep(int argc, char **argv) {
    const char *grid_path = NULL, *out_path = NULL, *jsonl_path = NULL, *model_o = NULL, *text_o = NULL,
               *cache_o = NULL, *proxy_o = NULL;
    int platform = 0, shard_k = 0, shard_n = 1, list = 0, plot = 0;
    long long max_bytes_o = -1;
    sweep_ctx x;
    memset(&x, 0, sizeof x);
    x.threads = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int need = !strcmp(a, "-o") || !strcmp(a, "--mode") || !strcmp(a, "--shard") || !strcmp(a, "--jsonl") ||
                   !strcmp(a, "--threads") || !strcmp(a, "--model") || !strcmp(a, "--text") ||
                   !strcmp(a, "--max-bytes") || !strcmp(a, "--nll-cache") || !strcmp(a, "--nll-proxy");
        if (need && i + 1 >= argc) {
            fprintf(stderr, "lpcs sweep: %s needs a value\n", a);
            return 2;
        }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            help(stdout);
            return 0;
        } else if (!strcmp(a, "-o")) out_path = argv[++i];
        else if (!strcmp(a, "--jsonl")) jsonl_path = argv[++i];
        else if (!strcmp(a, "--model")) model_o = argv[++i];
        else if (!strcmp(a, "--text")) text_o = argv[++i];
        else if (!strcmp(a, "--nll-cache")) cache_o = argv[++i];
        else if (!strcmp(a, "--nll-proxy")) proxy_o = argv[++i];
        else if (!strcmp(a, "--mode")) {
            const char *m = argv[++i];
            if (!strcmp(m, "platform")) platform = 1;
            else if (strcmp(m, "analytical")) {
                fprintf(stderr, "lpcs sweep: --mode wants analytical or platform\n");
                return 2;
            }
        } else if (!strcmp(a, "--shard")) {
            char tail;
            if (sscanf(argv[++i], "%d/%d%c", &shard_k, &shard_n, &tail) != 2 || shard_n < 1 || shard_n > 100000 ||
                shard_k < 0 || shard_k >= shard_n) {
                fprintf(stderr, "lpcs sweep: --shard wants k/n with 0 <= k < n\n");
                return 2;
            }
        } else if (!strcmp(a, "--threads") || !strcmp(a, "--max-bytes")) {
            char *end;
            long long v = strtoll(argv[++i], &end, 10);
            if (*end || v < 1 || (a[2] == 't' && v > 64)) {
                fprintf(stderr, "lpcs sweep: bad value for %s\n", a);
                return 2;
            }
            if (a[2] == 't') x.threads = (int)v;
            else max_bytes_o = v;
        } else if (!strcmp(a, "--columns")) {
            printf("column,meaning\n");
            printf("id,the point's id\nindex,the point's index in the grid\nmode,analytical or platform\n");
            for (size_t k = 1; dp_field_name(k); k++)
                printf("%s,design point field (models/README.md)\n", dp_field_name(k));
            char nb[96], db[160];
            for (size_t k = 0; result_col_x(k, 0, nb, sizeof nb); k++)
                printf("%s,\"%s\"\n", result_col_x(k, 0, nb, sizeof nb), result_col_x(k, 1, db, sizeof db));
            printf("%s,\"%s\"\n", MODELLED_COL[0], MODELLED_COL[1]);
            for (size_t k = 0; k < N_PROV; k++) printf("%s,provenance (resume key: point_key)\n", PROV_COLS[k]);
            return 0;
        } else if (!strcmp(a, "--no-nll")) x.no_nll = 1;
        else if (!strcmp(a, "--list")) list = 1;
        else if (!strcmp(a, "--plot")) plot = 1;
        else if (!strcmp(a, "--explain")) x.explain = 1;
        else if (!strcmp(a, "--quiet")) x.quiet = 1;
        else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "lpcs sweep: unknown option %s (try --help)\n", a);
            return 2;
        } else if (!grid_path) grid_path = a;
        else {
            fprintf(stderr, "lpcs sweep: unexpected argument %s\n", a);
            return 2;
        }
    }
    if (!grid_path || (!out_path && !list)) {
        fprintf(stderr, "lpcs sweep: need GRID.json and -o OUT.csv (try --help)\n");
        return 2;
    }
    if (wl_grid_has_workload(grid_path) == 1) { /* shape-only workloads (cli/workload_sweep.h) */
        if (jsonl_path || model_o || text_o || x.explain || cache_o)
            return fail("a workload grid takes -o, --mode, --shard, --list, --plot, --nll-proxy and --quiet only", NULL);
        wl_sweep_opts wo = {.platform = platform, .quiet = x.quiet, .nll_proxy = proxy_o, .prog = "lpcs sweep",
                            .shard_k = shard_k, .shard_n = shard_n, .list = list, .plot = plot};
        return wl_sweep_run(grid_path, out_path, &wo);
    }
    x.plat_log = getenv("LPCS_PLATFORM_EXPLAIN") ? stderr : NULL; /* per-op model vs platform */
    sweep_grid g;
    char err[1600];
    if (load_grid(grid_path, &g, x.no_nll || list, err, sizeof err)) return fail(err, NULL);
    if (model_o) snprintf(g.model, sizeof g.model, "%s", model_o);
    if (text_o) snprintf(g.text, sizeof g.text, "%s", text_o);
    if (max_bytes_o > 0) g.max_bytes = max_bytes_o;
    if (list) {
        for (int i = 0; i < g.n; i++)
            if (i % shard_n == shard_k) printf("%s\n", g.pts[i].id);
        free(g.pts);
        return 0;
    }
    if (!g.model[0] || (!g.text[0] && !x.no_nll)) {
        free(g.pts);
        return fail("the grid names no model/text (or give --model / --text)", NULL);
    }
    x.ctx_context = g.context;
    rt_sched_default(&x.so);
    rt_err e = {0, ""};
    rt_sched_backend(&x.so, "cpu", &e);
    int rc = 1;
    id_set done = {0};
    nll_cache cache = {0};
    FILE *out = NULL, *jl = NULL;
    char tok_path[1024];
    if (rt_model_load(&x.model, g.model, g.config[0] ? g.config : NULL, &e)) goto rt_fail_;
    if (!rt_find_beside(g.model, ".tok.bin", "tok-bytes.bin", tok_path, sizeof tok_path) &&
        !rt_find_beside(g.model, NULL, "tokenizer.bin", tok_path, sizeof tok_path)) {
        rt_fail(&e, LPCS_EINVAL, "%s: no tokenizer beside the model", g.model);
        goto rt_fail_model;
    }
    if (rt_tokenizer_load(&x.tok, tok_path, x.model.cfg.vocab, &e)) goto rt_fail_model;
    if (g.text[0]) { /* also with --no-nll: the slice is part of the rows' keys and of cached NLLs */
        if (rt_file_map(&x.text, g.text, &e)) goto rt_fail_tok;
        size_t begin = !strcmp(g.split, "val") ? VAL_SPLIT_OFFSET : 0, end = x.text.size;
        begin += (size_t)g.offset;
        if (begin > x.text.size) begin = x.text.size;
        if (g.max_bytes > 0 && end - begin > (size_t)g.max_bytes) end = begin + (size_t)g.max_bytes;
        if (begin >= end) {
            rt_fail(&e, LPCS_EINVAL, "%s: empty text slice", g.text);
            goto rt_fail_text;
        }
        x.begin = begin, x.end = end;
        x.have_text = 1;
    }
    x.platform = platform;
    char cpath[1100];
    snprintf(cpath, sizeof cpath, "%s%s", cache_o ? cache_o : out_path, cache_o ? "" : ".nll");
    if (cache_open(&cache, cpath, x.quiet)) {
        rt_fail(&e, LPCS_EIO, "cannot open the NLL cache %s", cpath);
        goto rt_fail_text;
    }
    /* resume: rows already in OUT whose key is current */
    char *data;
    size_t size;
    char hdr[4096];
    header_line(hdr, sizeof hdr);
    if (read_repair(out_path, &data, &size, out_path, x.quiet)) {
        rt_fail(&e, LPCS_EIO, "cannot read %s", out_path);
        goto rt_fail_text;
    }
    if (data && size && strncmp(data, hdr, strlen(hdr))) {
        free(data);
        rt_fail(&e, LPCS_EFORMAT, "%s exists with a different header (another sweep's output?)", out_path);
        goto rt_fail_text;
    }
    int n_fields = 0, stale = 0, nan_redo = 0, gone = 0;
    while (dp_field_name((size_t)n_fields)) n_fields++;
    char *kept = data ? malloc(size + 1) : NULL;
    size_t kept_n = 0;
    if (data && !kept) {
        free(data);
        rt_fail(&e, LPCS_ENOMEM, "out of memory");
        goto rt_fail_text;
    }
    for (char *line = data && size ? strchr(data, '\n') + 1 : NULL; line && *line;) {
        char *nl = strchr(line, '\n');
        char id[DP_ID_LEN], nll[64], key[32];
        const char *last = nl;
        while (last > line && last[-1] != ',') last--;
        snprintf(key, sizeof key, "%.*s", (int)(nl - last), last);
        int keep = !sweep_csv_field(line, 0, id, sizeof id) && !sweep_csv_field(line, 3 + n_fields - 1, nll, sizeof nll);
        const dp_config *pt = NULL;
        for (int i = 0; keep && i < g.n && !pt; i++)
            if (!strcmp(g.pts[i].id, id)) pt = &g.pts[i];
        char want[32] = "";
        if (pt) point_key(&x, pt, want, sizeof want);
        if (!pt) keep = 0, gone++;
        else if (strcmp(key, want)) keep = 0, stale++;
        else if (!strcmp(nll, "nan") && nll_known(&x, &cache, pt->plan)) keep = 0, nan_redo++;
        if (keep) {
            id_add(&done, id, strlen(id));
            memcpy(kept + kept_n, line, (size_t)(nl + 1 - line));
            kept_n += (size_t)(nl + 1 - line);
        }
        line = nl + 1;
    }
    free(data);
    if (stale + nan_redo + gone) {
        if (!x.quiet || stale)
            fprintf(stderr,
                    "lpcs sweep: %s: redoing %d rows: %d whose point, model, text slice, mode or lpcs version changed, "
                    "%d with nll=nan whose NLL is now known, %d no longer in the grid (dropped)\n",
                    out_path, stale + nan_redo + gone, stale, nan_redo, gone);
        /* rewrite OUT without them: temp file, fsync, rename */
        char tmp[1100];
        snprintf(tmp, sizeof tmp, "%s.tmp", out_path);
        FILE *t = fopen(tmp, "wb");
        int bad = !t || fputs(hdr, t) < 0 || (kept_n && fwrite(kept, 1, kept_n, t) != kept_n) || fflush(t) ||
                  fsync(fileno(t));
        if (t && fclose(t)) bad = 1;
        if (bad || rename(tmp, out_path)) {
            free(kept);
            rt_fail(&e, LPCS_EIO, "cannot rewrite %s (via %s)", out_path, tmp);
            goto rt_fail_text;
        }
    }
    free(kept);
    out = fopen(out_path, "ab");
    if (!out) {
        rt_fail(&e, LPCS_EIO, "cannot open %s for appending", out_path);
        goto rt_fail_text;
    }
    if (!size && write_line(out, hdr)) {
        rt_fail(&e, LPCS_EIO, "cannot write %s", out_path);
        goto rt_fail_out;
    }
    if (jsonl_path && !(jl = fopen(jsonl_path, "ab"))) {
        rt_fail(&e, LPCS_EIO, "cannot open %s", jsonl_path);
        goto rt_fail_out;
    }
    int mine = 0, todo = 0, did = 0;
    for (int i = 0; i < g.n; i++)
        if (i % shard_n == shard_k) {
            mine++;
            todo += !id_has(&done, g.pts[i].id);
        }
    if (!x.quiet)
        fprintf(stderr, "lpcs sweep: %d points, shard %d/%d: %d, %d already in %s, %d to go (%s mode)\n", g.n, shard_k,
                shard_n, mine, mine - todo, out_path, todo, platform ? "platform" : "analytical");
    double t0 = now_s();
    for (int i = 0; i < g.n; i++) {
        if (i % shard_n != shard_k || id_has(&done, g.pts[i].id)) continue;
        char row[8192];
        json_t *jr = NULL;
        if (eval_point(&x, &cache, &g.pts[i], i, platform, row, sizeof row, &jr, &e)) goto rt_fail_out;
        if (write_line(out, row)) {
            json_decref(jr);
            rt_fail(&e, LPCS_EIO, "cannot append to %s", out_path);
            goto rt_fail_out;
        }
        if (jl) {
            char *s = json_dumps(jr, JSON_COMPACT | JSON_PRESERVE_ORDER);
            int bad = !s || fprintf(jl, "%s\n", s) < 0 || fflush(jl);
            free(s);
            if (bad) {
                json_decref(jr);
                rt_fail(&e, LPCS_EIO, "cannot append to %s", jsonl_path);
                goto rt_fail_out;
            }
        }
        json_decref(jr);
        did++;
        if (!x.quiet) {
            double dt = now_s() - t0;
            fprintf(stderr, "lpcs sweep: %d/%d %s plan=%s  %.1f points/s, ETA %.0f s\n", did, todo, g.pts[i].id,
                    g.pts[i].plan, did / (dt > 0 ? dt : 1e-9), (todo - did) * dt / did);
        }
    }
    if (!x.quiet) fprintf(stderr, "lpcs sweep: done, %d points in %.1f s\n", did, now_s() - t0);
    if (plot) {
        fflush(out);
        if (write_plots(&x, &g, out_path, &e)) goto rt_fail_out;
    }
    rc = 0;
    goto cleanup;
rt_fail_out:
rt_fail_text:
rt_fail_tok:
rt_fail_model:
rt_fail_:
    fprintf(stderr, "lpcs sweep: %s\n", e.msg);
cleanup:
    if (out) fclose(out);
    if (jl) fclose(jl);
    cache_close(&cache);
    id_free(&done);
    if (x.have_eng) rt_engine_free(&x.eng);
    if (x.text.data) rt_file_unmap(&x.text);
    if (x.tok.vocab) rt_tokenizer_free(&x.tok);
    if (x.model.arena) rt_model_free(&x.model);
    free(g.pts);
    return rc;
}
