/* lpcs workload: shape-only workloads of real models (models/workload.h) on
 * one design point, or a resumable cartesian sweep of design points x
 * workloads x run parameters (analytical model only, no NLL). */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "design_point.h"
#include "workload.h"

static void help(FILE *out) {
    fprintf(out,
            "usage: lpcs workload SHAPE.json [--point DP.json] [--prompt N] [--gen N] [--batch N]\n"
            "                     [--w-bits B] [--w-fmt int|float|ternary] [--kv-bits B] [--json]\n"
            "       lpcs workload --sweep GRID.json -o OUT.csv [--quiet]\n"
            "Costs a model shape (models/workloads/) on a design point with the analytical\n"
            "model: prefill (GEMM) and batched decode, time to first token, time per output\n"
            "token, tokens/s, energy per token, area and the bound of each op.\n"
            "--sweep: the cartesian product of GRID's \"grid\" (design-point fields, and the\n"
            "run parameters workload, prompt, gen, batch, w_bits, kv_bits) on top of \"base\";\n"
            "one CSV row per point; re-running resumes after the last complete row.\n");
}

static int fail(const char *m, const char *a) {
    fprintf(stderr, "lpcs workload: %s%s\n", m, a ? a : "");
    return 1;
}

static int parse_long(const char *s, long lo, long hi, long *v) {
    char *e;
    long x = strtol(s, &e, 10);
    if (!*s || *e || x < lo || x > hi) return -1;
    *v = x;
    return 0;
}

static int parse_pos(const char *s, double *v) {
    char *e;
    double x = strtod(s, &e);
    if (!*s || *e || !(x > 0) || x > 64) return -1;
    *v = x;
    return 0;
}

static void print_phase(const char *title, const wl_phase *ph, double clock_ghz) {
    printf("%s: %.6g cycles (%.6g s), %.6g J, %.6g DRAM bytes\n", title, ph->cycles, ph->cycles / (clock_ghz * 1e9),
           ph->energy_pj * 1e-12, ph->dram_bytes);
    printf("  %-12s %-10s %-8s %14s %14s %14s %14s  %s\n", "op", "kind", "unit", "cycles", "compute", "dram_cycles",
           "energy_pj", "bound");
    for (int i = 0; i < ph->n_ops; i++) {
        const wl_op_cost *o = &ph->ops[i];
        printf("  %-12s %-10s %-8s %14.6g %14.6g %14.6g %14.6g  %s\n", o->name, arch_op_kind_name(o->kind),
               arch_unit_name(o->unit), o->cycles, o->compute_cycles, o->mem_cycles, o->energy_pj,
               o->dram_bound ? "dram" : "compute");
    }
}

static const char *CSV_HEAD =
    "index,workload,batch,prompt,gen,w_bits,kv_bits,point,weights_on_chip,kv_on_chip,ttft_s,tpot_s,tokens_per_s,"
    "energy_per_token_j,prefill_energy_per_token_j,area_mm2,tokens_per_s_per_mm2,decode_dram_bound_frac,"
    "prefill_dram_bound_frac,point_json\n";

static double dram_bound_frac(const wl_phase *ph) {
    double b = 0;
    for (int i = 0; i < ph->n_ops; i++)
        if (ph->ops[i].dram_bound) b += ph->ops[i].cycles;
    return ph->cycles > 0 ? b / ph->cycles : 0;
}

static int csv_row(FILE *f, long idx, const wl_shape *s, const wl_params *p, const dp_config *d, const wl_result *r) {
    char js[4096];
    if (dp_to_json(d, js, sizeof js)) return -1;
    fprintf(f, "%ld,%s,%ld,%ld,%ld,%g,%g,%s,%d,%d,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.4f,%.4f,\"", idx, s->name,
            p->batch, p->prompt, p->gen, p->w_bits, p->kv_bits, d->id, r->weights_on_chip, r->kv_on_chip, r->ttft_s,
            r->tpot_s, r->tokens_per_s, r->energy_per_token_j, r->prefill_energy_per_token_j, r->area_mm2,
            r->tokens_per_s / r->area_mm2, dram_bound_frac(&r->decode_step), dram_bound_frac(&r->prefill));
    for (const char *c = js; *c; c++) fputs(*c == '"' ? "\"\"" : (char[2]){*c, 0}, f);
    fputs("\"\n", f);
    return 0;
}

/* Complete rows of an existing CSV (header excluded); a truncated last row is cut off. */
static long resume_rows(const char *path) {
    FILE *f = fopen(path, "r+b");
    if (!f) return -1;
    long rows = -1, good = 0, pos = 0;
    int c;
    while ((c = fgetc(f)) != EOF) {
        pos++;
        if (c == '\n') rows++, good = pos;
    }
    fclose(f);
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

static int sweep(const char *grid_path, const char *out, int quiet) {
    json_error_t je;
    json_t *root = json_load_file(grid_path, 0, &je);
    char err[512];
    if (!root || !json_is_object(root)) return fail("cannot read grid ", grid_path);
    char dir[2048];
    snprintf(dir, sizeof dir, "%s", grid_path);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = 0;
    else strcpy(dir, ".");
    json_t *base = json_object_get(root, "base"), *grid = json_object_get(root, "grid");
    if (!json_is_object(grid) || (base && !json_is_object(base))) {
        json_decref(root);
        return fail("grid file needs an object \"grid\" (and optionally \"base\")", NULL);
    }
    const char *keys[64];
    json_t *vals[64];
    size_t nk = 0, total = 1;
    const char *key;
    json_t *v;
    json_object_foreach(grid, key, v) {
        if (nk >= 64 || !json_is_array(v) || !json_array_size(v)) {
            json_decref(root);
            return fail("grid values must be non-empty arrays (at most 64 keys): ", key);
        }
        keys[nk] = key, vals[nk++] = v;
        total *= json_array_size(v);
    }
    long done = resume_rows(out);
    if (done == -2) return json_decref(root), fail("cannot repair ", out);
    FILE *f = fopen(out, done < 0 ? "wb" : "ab");
    if (!f) return json_decref(root), fail("cannot write ", out);
    if (done < 0) fputs(CSV_HEAD, f), done = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = 0;
    for (size_t i = (size_t)done; i < total && !rc; i++) {
        dp_config d;
        dp_default(&d);
        wl_shape s;
        memset(&s, 0, sizeof s);
        wl_params p;
        int have_shape = 0, isp;
        rc = -1;
        wl_params_default(NULL, &p);
        if (base) json_object_foreach(base, key, v) {
            if (set_param(&p, &s, key, v, dir, &isp, err, sizeof err)) goto bad;
            have_shape |= !strcmp(key, "workload");
            if (!isp && (json_is_string(v) ? dp_set_field(&d, key, json_string_value(v), 1, err, sizeof err)
                                           : dp_set_field(&d, key, json_dumps(v, JSON_ENCODE_ANY), 0, err, sizeof err)))
                goto bad;
        }
        size_t r = i;
        char id[DP_ID_LEN] = "p";
        for (size_t k = 0; k < nk; k++) {
            size_t n = json_array_size(vals[k]), j = r % n;
            r /= n;
            json_t *x = json_array_get(vals[k], j);
            if (set_param(&p, &s, keys[k], x, dir, &isp, err, sizeof err)) goto bad;
            have_shape |= !strcmp(keys[k], "workload");
            char *txt = json_is_string(x) ? NULL : json_dumps(x, JSON_ENCODE_ANY);
            if (!isp && (txt ? dp_set_field(&d, keys[k], txt, 0, err, sizeof err)
                             : dp_set_field(&d, keys[k], json_string_value(x), 1, err, sizeof err))) {
                free(txt);
                goto bad;
            }
            free(txt);
            size_t l = strlen(id);
            snprintf(id + l, sizeof id - l, "-%zu", j);
        }
        snprintf(d.id, sizeof d.id, "%s", id);
        if (!have_shape) {
            snprintf(err, sizeof err, "no \"workload\" in base or grid");
            goto bad;
        }
        if (s.arch != WL_LLAMA) p.w_bits = 2, p.w_fmt = ARCH_FMT_TERNARY;
        else p.w_fmt = p.w_bits >= 16 ? ARCH_FMT_FLOAT : ARCH_FMT_INT;
        if (dp_check(&d, err, sizeof err)) goto bad;
        wl_result res;
        if (wl_evaluate(&s, &p, &d, &res, err, sizeof err)) goto bad;
        if (csv_row(f, (long)i, &s, &p, &d, &res)) goto bad;
        fflush(f);
        rc = 0;
        if (!quiet && (i + 1) % 1000 == 0) fprintf(stderr, "lpcs workload: %zu/%zu points\n", i + 1, total);
        continue;
    bad:
        fprintf(stderr, "lpcs workload: point %zu: %s\n", i, err);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double dt = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    if (fclose(f)) rc = -1;
    json_decref(root);
    if (!rc && !quiet)
        fprintf(stderr, "lpcs workload: %zu points (%zu new) in %.3f s: %.0f points/s\n", total, total - (size_t)done,
                dt, dt > 0 ? (double)(total - (size_t)done) / dt : 0);
    return rc ? 1 : 0;
}

int cmd_workload(int argc, char **argv) {
    const char *shape_path = NULL, *point = NULL, *grid = NULL, *out = NULL;
    int as_json = 0, quiet = 0;
    long prompt = -1, gen = -1, batch = -1;
    double w_bits = 0, kv_bits = 0;
    const char *w_fmt = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *nx = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) return help(stdout), 0;
        else if (!strcmp(a, "--json")) as_json = 1;
        else if (!strcmp(a, "--quiet")) quiet = 1;
        else if (a[0] == '-' && a[1] && !nx) return fail("missing value after ", a);
        else if (!strcmp(a, "--point")) point = argv[++i];
        else if (!strcmp(a, "--sweep")) grid = argv[++i];
        else if (!strcmp(a, "-o")) out = argv[++i];
        else if (!strcmp(a, "--w-fmt")) w_fmt = argv[++i];
        else if (!strcmp(a, "--prompt") || !strcmp(a, "--gen") || !strcmp(a, "--batch")) {
            long *t = a[2] == 'p' ? &prompt : a[2] == 'g' ? &gen : &batch;
            if (parse_long(argv[++i], 1, 1L << 24, t)) return fail("bad value for ", a);
        } else if (!strcmp(a, "--w-bits") || !strcmp(a, "--kv-bits")) {
            if (parse_pos(argv[++i], a[2] == 'w' ? &w_bits : &kv_bits)) return fail("bad value for ", a);
        } else if (a[0] == '-') return fail("unknown option ", a);
        else if (!shape_path) shape_path = a;
        else return fail("more than one workload: ", a);
    }
    if (grid) {
        if (!out) return fail("--sweep needs -o OUT.csv", NULL);
        return sweep(grid, out, quiet);
    }
    if (!shape_path) return help(stderr), 2;
    char err[512];
    wl_shape s;
    if (wl_shape_load(shape_path, &s, err, sizeof err)) return fail(err, NULL);
    dp_config d;
    dp_default(&d);
    if (point && dp_load_file(point, &d, err, sizeof err)) return fail(err, NULL);
    wl_params p;
    wl_params_default(&s, &p);
    if (prompt > 0) p.prompt = prompt;
    if (gen > 0) p.gen = gen;
    if (batch > 0) p.batch = batch;
    if (w_bits > 0) p.w_bits = w_bits;
    if (kv_bits > 0) p.kv_bits = kv_bits;
    if (w_fmt) {
        if (!strcmp(w_fmt, "int")) p.w_fmt = ARCH_FMT_INT;
        else if (!strcmp(w_fmt, "float")) p.w_fmt = ARCH_FMT_FLOAT;
        else if (!strcmp(w_fmt, "ternary")) p.w_fmt = ARCH_FMT_TERNARY;
        else return fail("--w-fmt must be int, float or ternary", NULL);
    }
    wl_result r;
    if (wl_evaluate(&s, &p, &d, &r, err, sizeof err)) return fail(err, NULL);
    if (as_json) {
        printf("{\"workload\":\"%s\",\"arch\":\"%s\",\"params\":%.6g,\"params_published\":%.6g,\"weight_bytes\":%.6g,"
               "\"kv_bytes\":%.6g,\"weights_on_chip\":%d,\"kv_on_chip\":%d,\"batch\":%ld,\"prompt\":%ld,\"gen\":%ld,"
               "\"ttft_s\":%.6g,\"tpot_s\":%.6g,\"tokens_per_s\":%.6g,\"energy_per_token_j\":%.6g,"
               "\"prefill_energy_per_token_j\":%.6g,\"area_mm2\":%.6g,\"decode_dram_bytes\":%.6g,"
               "\"prefill_dram_bytes\":%.6g}\n",
               s.name, wl_arch_name(s.arch), r.params, s.params_published, r.weight_bytes, r.kv_bytes,
               r.weights_on_chip, r.kv_on_chip, p.batch, p.prompt, p.gen, r.ttft_s, r.tpot_s, r.tokens_per_s,
               r.energy_per_token_j, r.prefill_energy_per_token_j, r.area_mm2, r.decode_step.dram_bytes,
               r.prefill.dram_bytes);
        return 0;
    }
    printf("workload %s (%s): %.4g parameters from the shape (published %.4g), weights %.4g bytes (%s), "
           "KV/state %.4g bytes (%s)\n",
           s.name, wl_arch_name(s.arch), r.params, s.params_published, r.weight_bytes,
           r.weights_on_chip ? "on chip" : "DRAM", r.kv_bytes, r.kv_on_chip ? "on chip" : "DRAM");
    printf("batch %ld, prompt %ld, gen %ld, w %g bits, kv %g bits on point %s (%.3g mm^2)\n", p.batch, p.prompt, p.gen,
           p.w_bits, p.kv_bits, d.id, r.area_mm2);
    print_phase("prefill", &r.prefill, d.clock_ghz);
    print_phase("decode step", &r.decode_step, d.clock_ghz);
    printf("time to first token %.6g s, time per output token %.6g s, %.6g tokens/s, %.6g J/token (prefill %.6g "
           "J/token)\n",
           r.ttft_s, r.tpot_s, r.tokens_per_s, r.energy_per_token_j, r.prefill_energy_per_token_j);
    return 0;
}
