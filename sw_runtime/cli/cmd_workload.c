/* lpcs workload: shape-only workloads of real models (models/workload.h) on
 * one design point (analytical model, the SystemC platform, or both side by
 * side with their relative error per op), or a resumable cartesian sweep of
 * design points x workloads x run parameters (cli/workload_sweep.h). */
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
#include "cli/workload_sweep.h"
#include "design_point.h"
#include "workload.h"

static void help(FILE *out) {
    fprintf(out,
            "usage: lpcs workload SHAPE.json [--point DP.json] [--prompt N] [--gen N] [--batch N]\n"
            "                     [--w-bits B] [--w-fmt int|float|ternary] [--kv-bits B] [--json]\n"
            "                     [--mode analytical|platform|compare]\n"
            "       lpcs workload --sweep GRID.json -o OUT.csv [--mode analytical|platform] [--shard k/n]\n"
            "                     [--list] [--plot] [--nll-proxy FILE] [--quiet]   (= lpcs sweep GRID.json ...)\n"
            "Costs a model shape (models/workloads/) on a design point with the analytical\n"
            "model: prefill (GEMM) and batched decode, time to first token, time per output\n"
            "token, tokens/s, energy per token, area and the bound of each op.\n"
            "--sweep: the cartesian product of GRID's \"grid\" (design-point fields, and the\n"
            "run parameters workload, prompt, gen, batch, w_bits, w_fmt, kv_bits) on top of \"base\";\n"
            "one CSV row per point; re-running resumes after the last complete row (same as\n"
            "lpcs sweep GRID.json -o OUT.csv).\n"
            "--mode platform: every op timed by the SystemC platform (sim/platform) instead of\n"
            "the analytical model; compare: both, as a markdown table of each op's cycles,\n"
            "energy and DRAM bytes with the platform's relative difference (docs/dse/model-vs-platform.md).\n");
}

static int fail(const char *m, const char *a) { return cli_fail("lpcs workload", m, a); }

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
               wl_bound_name(o->bound));
    }
}

static double rel(double plat, double model) { return model != 0 ? (plat - model) / model : plat != 0 ? INFINITY : 0; }

/* One markdown row: a name, then cycles, energy, DRAM bytes of model and platform with the relative difference. */
static void compare_row(const char *phase, const char *name, const char *kind, double n, const double m[3],
                        const double pl[3]) {
    printf("| %s | %s | %s | %g |", phase, name, kind, n);
    for (int k = 0; k < 3; k++) printf(" %.4g | %.4g | %+.2f%% |", m[k], pl[k], 100 * rel(pl[k], m[k]));
    printf("\n");
}

/* Model vs platform, per op and per op class (gemv/bitlinear, attention, vector), both phases. */
static void print_compare(const wl_shape *s, const wl_params *p, const dp_config *d, const wl_result *a,
                          const wl_result *pl) {
    printf("%s, batch %ld, prompt %ld, gen %ld, w %g bits, kv %g bits, point %s (sram %g KiB, dram %g GB/s, %g nm): "
           "weights %s, KV %s",
           s->name, p->batch, p->prompt, p->gen, p->w_bits, p->kv_bits, d->id, d->sram_kib, d->dram_gbps, d->tech_nm,
           a->weights_on_chip ? "on chip" : "DRAM", a->kv_on_chip ? "on chip" : "DRAM");
    if (!a->kv_on_chip && s->arch != WL_MMFREE) /* the prefill K/V schedule both sides follow (arch_prefill_kv_rows) */
        printf(" (prefill reads %.4g K/V rows per sequence and layer: %s)", a->prefill_kv_rows,
               a->prefill_kv_rows <= (double)p->prompt ? "staged once" : "re-read per query block");
    printf("\n\n");
    printf("| phase | op | kind | instances | model cycles | platform cycles | err | model energy pJ | platform energy pJ "
           "| err | model DRAM B | platform DRAM B | err |\n|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    const wl_phase *ph[2][2] = {{&a->prefill, &pl->prefill}, {&a->decode_step, &pl->decode_step}};
    const char *pn[2] = {"prefill", "decode step"};
    for (int k = 0; k < 2; k++) {
        double cm[ARCH_OP_KIND_COUNT][3] = {{0}}, cp[ARCH_OP_KIND_COUNT][3] = {{0}}, cnt[ARCH_OP_KIND_COUNT] = {0};
        for (int i = 0; i < ph[k][0]->n_ops; i++) {
            const wl_op_cost *m = &ph[k][0]->ops[i], *q = &ph[k][1]->ops[i];
            double mv[3] = {m->cycles, m->energy_pj, m->dram_bytes}, pv[3] = {q->cycles, q->energy_pj, q->dram_bytes};
            compare_row(pn[k], m->name, arch_op_kind_name(m->kind), m->count, mv, pv);
            int c = m->kind == ARCH_OP_BITLINEAR ? ARCH_OP_GEMV : m->kind;
            for (int j = 0; j < 3; j++) cm[c][j] += mv[j], cp[c][j] += pv[j];
            cnt[c] += m->count;
        }
        static const char *cls[ARCH_OP_KIND_COUNT] = {"**matrix ops**", "", "**attention**", "**vector ops**"};
        for (int c = 0; c < ARCH_OP_KIND_COUNT; c++)
            if (cnt[c] > 0) compare_row(pn[k], cls[c], "class", cnt[c], cm[c], cp[c]);
        double tm[3] = {ph[k][0]->cycles, ph[k][0]->energy_pj, ph[k][0]->dram_bytes};
        double tp[3] = {ph[k][1]->cycles, ph[k][1]->energy_pj, ph[k][1]->dram_bytes};
        compare_row(pn[k], "**total**", "phase", 1, tm, tp);
    }
}

/* --sweep GRID [options]: `lpcs sweep GRID [options]` (one option parser and
 * one sweep, cmd_sweep.c -> cli/workload_sweep.h), for workload grids only. */
static int sweep(int argc, char **argv) {
    char **v = calloc((size_t)argc + 1, sizeof *v);
    const char *grid = NULL;
    int n = 0;
    if (!v) return fail("out of memory", NULL);
    v[n++] = "sweep";
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--sweep") && !grid && i + 1 < argc) v[n++] = argv[++i], grid = v[n - 1];
        else v[n++] = argv[i];
    int rc = !grid ? fail("--sweep needs GRID.json", NULL)
             : wl_grid_has_workload(grid) != 1 ? fail("--sweep wants a grid with a \"workload\" (others: lpcs sweep): ", grid)
                                                : cmd_sweep(n, v);
    free(v);
    return rc;
}

int cmd_workload(int argc, char **argv) {
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--sweep")) return sweep(argc, argv);
    const char *shape_path = NULL, *point = NULL;
    int as_json = 0, mode = 0;
    long prompt = -1, gen = -1, batch = -1;
    double w_bits = 0, kv_bits = 0;
    const char *w_fmt = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *nx = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) return help(stdout), 0;
        else if (!strcmp(a, "--json")) as_json = 1;
        else if (a[0] == '-' && a[1] && !nx) return fail("missing value after ", a);
        else if (!strcmp(a, "--point")) point = argv[++i];
        else if (!strcmp(a, "--w-fmt")) w_fmt = argv[++i];
        else if (!strcmp(a, "--mode")) {
            const char *m = argv[++i];
            mode = !strcmp(m, "analytical") ? 0 : !strcmp(m, "platform") ? 1 : !strcmp(m, "compare") ? 2 : -1;
            if (mode < 0) return fail("--mode must be analytical, platform or compare", NULL);
        }
        else if (!strcmp(a, "--prompt") || !strcmp(a, "--gen") || !strcmp(a, "--batch")) {
            long *t = a[2] == 'p' ? &prompt : a[2] == 'g' ? &gen : &batch;
            if (parse_long(argv[++i], 1, 1L << 24, t)) return fail("bad value for ", a);
        } else if (!strcmp(a, "--w-bits") || !strcmp(a, "--kv-bits")) {
            if (parse_pos(argv[++i], a[2] == 'w' ? &w_bits : &kv_bits)) return fail("bad value for ", a);
        } else if (a[0] == '-') return fail("unknown option ", a);
        else if (!shape_path) shape_path = a;
        else return fail("more than one workload: ", a);
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
    wl_platform_memo memo = {0};
    int erc = mode ? wl_evaluate_with(&s, &p, &d, wl_platform_timer, &memo, &r, err, sizeof err)
                   : wl_evaluate(&s, &p, &d, &r, err, sizeof err);
    wl_platform_memo_free(&memo);
    if (erc) return fail(err, NULL);
    if (mode == 2) {
        wl_result a;
        if (wl_evaluate(&s, &p, &d, &a, err, sizeof err)) return fail(err, NULL);
        print_compare(&s, &p, &d, &a, &r);
        return 0;
    }
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
