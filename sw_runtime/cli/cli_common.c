#include "cli/cli_common.h"
#include "backend_platform.h"
#include "cli/version.h"
#include "rt_arch.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 1 if the design-point file sets "plan" itself (not the default). */
static int file_sets_plan(const char *path) {
    json_t *root = json_load_file(path, 0, NULL);
    int has = root && json_is_object(root) && json_object_get(root, "plan");
    json_decref(root);
    return has;
}

/* The canonical text of a plan spec, or NULL (message printed). */
static int plan_text(const char *spec, char *out, size_t len) {
    rt_plan p;
    rt_err e = {0, ""};
    if (rt_plan_parse(&p, spec, &e)) return -1;
    snprintf(out, len, "%s", p.text);
    return 0;
}

int cli_design_point(rt_common_opts *o, cli_backend_cfg *bcfg, const char *cmd) {
    if (!o->vcd_path) {
        const char *vcd = getenv("LPCS_RTL_VCD");
        if (vcd && *vcd) {
            fprintf(stderr, "lpcs %s: note: $LPCS_RTL_VCD is deprecated, use --vcd %s (and --vcd-window A:B)\n", cmd,
                    vcd);
            o->vcd_path = vcd;
        }
    }
    if (o->vcd_window[1] && !o->vcd_path) {
        fprintf(stderr, "lpcs %s: --vcd-window needs --vcd FILE\n", cmd);
        return 2;
    }
    bcfg->rtl.vcd_path = o->vcd_path;
    bcfg->rtl.vcd_from = o->vcd_window[0], bcfg->rtl.vcd_to = o->vcd_window[1];
    dp_config *d = &bcfg->point;
    dp_default(d);
    const char *path = o->design_point_path;
    if (!path) {
        const char *env = getenv("LPCS_DESIGN_POINT");
        if (env && *env) {
            fprintf(stderr, "lpcs %s: note: $LPCS_DESIGN_POINT is deprecated, use --design-point %s\n", cmd, env);
            path = o->design_point_path = env;
        }
    }
    int has_plan = 0;
    if (path) {
        char err[1024];
        if (dp_load_file(path, d, err, sizeof err)) {
            fprintf(stderr, "lpcs %s: --design-point %s: %s\n", cmd, path, err);
            return 2;
        }
        has_plan = file_sets_plan(path);
    }
    if (has_plan && o->plan_spec) {
        char a[512], b[512];
        if (plan_text(o->plan_spec, a, sizeof a) || plan_text(d->plan, b, sizeof b) || strcmp(a, b)) {
            fprintf(stderr,
                    "lpcs %s: --plan %s conflicts with the plan \"%s\" of the design point %s: drop --plan or the "
                    "point's \"plan\" field\n",
                    cmd, o->plan_spec, d->plan, path);
            return 2;
        }
    } else if (has_plan) {
        o->plan_spec = d->plan;
    } else if (o->plan_spec) {
        if (strlen(o->plan_spec) >= sizeof d->plan) {
            fprintf(stderr, "lpcs %s: --plan is longer than a design point's plan field (%zu)\n", cmd,
                    sizeof d->plan - 1);
            return 2;
        }
        snprintf(d->plan, sizeof d->plan, "%s", o->plan_spec);
    }
    if (o->print_design_point) {
        char js[2048];
        json_t *j = dp_to_json(d, js, sizeof js) ? NULL : json_loads(js, 0, NULL);
        char *s = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
        if (s) printf("%s\n", s);
        free(s);
        json_decref(j);
        return s ? 0 : 1;
    }
    return -1;
}

void cli_report_stamp(json_t *report, const rt_common_opts *o, const cli_backend_cfg *bcfg) {
    char dp[2048];
    json_t *dpj = dp_to_json(&bcfg->point, dp, sizeof dp) ? NULL : json_loads(dp, 0, NULL);
    json_object_set_new(report, "design_point", dpj ? dpj : json_null());
    json_object_set_new(report, "design_point_file", o->design_point_path ? json_string(o->design_point_path) : json_null());
    json_object_set_new(report, "lpcs_version", json_string(lpcs_version()));
    json_object_set_new(report, "git_hash", json_string(lpcs_git_hash()));
}

void cli_check_summary(const rt_engine *eng, const char *cmd) {
    if (!eng->check) return;
    if (eng->checked_ops)
        fprintf(stderr, "lpcs %s: --check: %llu op calls on sim/rtl/cuda matched golden (cpu) bit for bit\n", cmd,
                (unsigned long long)eng->checked_ops);
    else
        fprintf(stderr, "lpcs %s: --check: SKIPPED: no op ran outside cpu, nothing was compared\n", cmd);
}

json_t *cli_summary(FILE *out, const rt_engine *eng, const dp_config *d, double host_s, const char *cmd) {
    double toks = eng->steps ? (double)eng->steps : 0, cyc = 0, pj = 0, dram = 0;
    int n_sim = 0;
    fprintf(out, "lpcs %s: host: %.0f tokens in %.3f s = %.2f tokens/s\n", cmd, toks, host_s,
            host_s > 0 ? toks / host_s : 0.0);
    for (int i = 0; i < eng->n_ops; i++) {
        const rt_op *op = &eng->ops[i];
        if (op->st.cycles <= 0) continue;
        n_sim++;
        cyc += op->st.cycles, pj += op->st.energy_pj;
    }
    if (!n_sim || toks <= 0) return NULL;
    /* bound per op from the analytical model at the last position: compute
     * (the unit) or DRAM (streamed weights / KV); SRAM bandwidth is not a
     * separate limit in the model. Weighted by the op's simulated cycles. */
    arch_cost *pc = calloc((size_t)eng->n_ops, sizeof *pc);
    rt_arch_token t;
    double bound_dram = 0, bound_compute = 0, dram_model = 0;
    int pos = eng->pos > 0 ? eng->pos - 1 : 0;
    if (pc && !rt_arch_token_cost(eng, d, pos, pc, &t)) {
        for (int i = 0; i < eng->n_ops; i++) {
            const rt_op *op = &eng->ops[i];
            if (op->st.cycles <= 0) continue;
            dram_model += pc[i].dram_bytes;
            if (pc[i].mem_cycles > pc[i].compute_cycles) bound_dram += op->st.cycles;
            else bound_compute += op->st.cycles;
        }
    }
    free(pc);
    /* DRAM bytes: what the platform moved when it ran, else the model's */
    double pd = 0, ps;
    int unit, have_plat = 1;
    for (int i = 0; i < eng->n_ops && have_plat; i++) {
        double x;
        if (rt_platform_op_bytes(eng, i, &x, &ps, &unit)) have_plat = 0;
        else pd += x;
    }
    dram = have_plat ? pd / toks : dram_model;
    double cpt = cyc / toks, sim_tps = cpt > 0 ? d->clock_ghz * 1e9 / cpt : 0;
    double gbps = dram * sim_tps / 1e9, share = cyc > 0 ? 100.0 * (bound_dram > bound_compute ? bound_dram : bound_compute) / cyc : 0;
    const char *bound = bound_dram > bound_compute ? "DRAM" : "compute";
    fprintf(out,
            "lpcs %s: simulated (%d of %d ops, design point '%s' at %.2f GHz): %.0f cycles/token = %.1f tokens/s, "
            "%.3f uJ/token, DRAM %.0f B/token = %.3f GB/s, bound by %s (%.0f%% of cycles)\n",
            cmd, n_sim, eng->n_ops, d->id, d->clock_ghz, cpt, sim_tps, pj / toks * 1e-6, dram, gbps, bound, share);
    json_t *j = json_object();
    json_object_set_new(j, "ops_simulated", json_integer(n_sim));
    json_object_set_new(j, "cycles_per_token", json_real(cpt));
    json_object_set_new(j, "tokens_per_s", json_real(sim_tps));
    json_object_set_new(j, "energy_per_token_uJ", json_real(pj / toks * 1e-6));
    json_object_set_new(j, "dram_per_token_B", json_real(dram));
    json_object_set_new(j, "dram_GBps", json_real(gbps));
    json_object_set_new(j, "dram_source", json_string(have_plat ? "platform" : "analytical model"));
    json_object_set_new(j, "bound_by", json_string(bound));
    json_object_set_new(j, "bound_share_of_cycles", json_real(share / 100.0));
    return j;
}
