/* Figures of docs/seed-claims.md that need the analytical model beyond one
 * `lpcs workload` call (issue 16): SAIL's CPU baseline, tokens per dollar and
 * hardware overhead, MatMul-free LM's FPGA power, FlexQ's W6A6. Prints one
 * "key value" line per figure; models/seed_claims.sh reads them.
 * Usage: seed_figures WORKLOADS_DIR */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "arch_consts.h"
#include "cost_model.h"
#include "cpu_baseline.h"
#include "design_point.h"
#include "workload.h"

/* --- cost inputs (docs/seed-claims.md repeats them) ------------------------
 * AWS EC2 on-demand price of Graviton2 instances, us-east-1, Linux: $0.034
 * per vCPU-hour (c6g.medium, 1 vCPU, $0.034; c6g.16xlarge, 64 vCPUs = the
 * CPU of cpu_neoverse_n1(), $2.176; one vCPU = one Neoverse-N1 core).
 * Foundry sale price per 300 mm wafer at 7 nm: $9,346 (Khan & Mann, "AI
 * Chips: What They Are and Why They Matter", CSET 2020, table of wafer prices).
 * Defect density 0.1 per cm^2 (a mature 7 nm process; an assumption),
 * 3 years of continuous use, electricity $0.10 per kWh (assumptions). */
#define C6G_USD_PER_VCPU_H 0.034
/* AWS EC2 on-demand p3.2xlarge (one V100 SXM2), us-east-1, Linux: $3.06 per hour. */
#define P3_2XL_USD_PER_H 3.06
#define WAFER_7NM_USD 9346.0
#define WAFER_MM 300.0
#define D0_PER_CM2 0.1
#define AMORT_YEARS 3.0
#define USD_PER_KWH 0.10

static int load(const char *dir, const char *name, wl_shape *s) {
    char path[512], err[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (wl_shape_load(path, s, err, sizeof err)) {
        fprintf(stderr, "seed_figures: %s: %s\n", path, err);
        return -1;
    }
    return 0;
}

static int eval(const wl_shape *s, const wl_params *p, const dp_config *d, wl_result *r) {
    char err[256];
    if (wl_evaluate(s, p, d, r, err, sizeof err)) {
        fprintf(stderr, "seed_figures: %s: %s\n", s->name, err);
        return -1;
    }
    return 0;
}

/* The PIM design point set beside the CPU, SAIL's premise of turning the
 * CPU's SRAM into LUT-GEMV banks: Graviton2's 64 x 1 MiB L2 + 32 MiB
 * last-level cache = 96 MiB = 1536 banks of 64 KiB (int4/int8 GEMVs go to
 * them), the CPU's DRAM bandwidth, a 32 MiB SRAM (the 7B weights stay off
 * chip, as on the CPU), 7 nm; the rest is the default point. */
#define SAIL_PIM_BANKS 1536
static void pim_point(dp_config *d) {
    dp_default(d);
    snprintf(d->id, sizeof d->id, "sail-pim");
    d->pim_banks = SAIL_PIM_BANKS;
    d->sram_kib = 32768;
    cpu_config c;
    cpu_neoverse_n1(&c);
    d->dram_gbps = c.dram_gbps;
    d->tech_nm = 7;
}

/* MACs of one decode step of `batch` sequences at mean context ctx: every
 * matrix once per token (parameters less the embedding table, which is a
 * lookup) plus attention (q.K and p.V: 2 x ctx x dim per layer per token). */
static double decode_macs(const wl_shape *s, double batch, double ctx) {
    double emb = s->tied ? 0 : (double)s->vocab * (double)s->dim;
    return batch * (wl_param_count(s) - emb + 2.0 * (double)s->layers * ctx * (double)s->dim);
}

/* The CPU's decode step for the same workload: the design point's DRAM bytes
 * (weights off chip on both sides) and decode_macs at the mean context. */
static int cpu_decode(const cpu_config *c, const wl_shape *s, const wl_params *p, const wl_result *r, cpu_step *cs) {
    double macs = decode_macs(s, (double)p->batch, (double)p->prompt + (double)p->gen / 2);
    return cpu_step_time(c, macs, r->decode_step.dram_bytes, cs);
}

/* A shape of dir on the PIM point. */
static int load_on_pim(const char *dir, const char *name, wl_shape *s, dp_config *d) {
    pim_point(d);
    return load(dir, name, s);
}

static int sail(const char *dir) {
    wl_shape s;
    dp_config d;
    if (load_on_pim(dir, "llama2-7b.json", &s, &d)) return -1;
    static const long batches[] = {1, 16};
    static const int cores[] = {64, 1};
    double best = 0, best_tpd = 0;
    for (size_t j = 0; j < sizeof cores / sizeof cores[0]; j++)
        for (size_t i = 0; i < sizeof batches / sizeof batches[0]; i++) {
            cpu_config c;
            cpu_neoverse_n1(&c);
            c.cores = cores[j]; /* the socket's DRAM bandwidth kept: in the CPU's favour at 1 core */
            wl_params p;
            wl_params_default(&s, &p);
            p.batch = batches[i];
            wl_result r;
            if (eval(&s, &p, &d, &r)) return -1;
            cpu_step cs;
            if (cpu_decode(&c, &s, &p, &r, &cs)) return -1;
            double cpu_tps = (double)p.batch / cs.step_s, speedup = r.tokens_per_s / cpu_tps;
            double watts = r.energy_per_token_j * r.tokens_per_s;
            double die = cost_die_usd(r.area_mm2, WAFER_7NM_USD, WAFER_MM, D0_PER_CM2);
            double cpu_usd_h = C6G_USD_PER_VCPU_H * c.cores;
            double pim_usd_h = cpu_usd_h + cost_usd_per_hour(die, AMORT_YEARS, watts, USD_PER_KWH);
            double tpd_cpu = cost_tokens_per_usd(cpu_tps, cpu_usd_h), tpd_pim = cost_tokens_per_usd(r.tokens_per_s, pim_usd_h);
            cpu_config v; /* the V100 beside it: same workload and bytes */
            cpu_v100(&v);
            cpu_step vs;
            if (cpu_decode(&v, &s, &p, &r, &vs)) return -1;
            double v_tps = (double)p.batch / vs.step_s, tpd_v100 = cost_tokens_per_usd(v_tps, P3_2XL_USD_PER_H);
            printf("sail_c%d_b%ld cpu_tps %.4g pim_tps %.4g speedup %.3g cpu_bound %s pim_area_mm2 %.4g die_usd %.3g "
                   "pim_w %.3g cpu_usd_h %.4g pim_usd_h %.4g tpd_cpu %.4g tpd_pim %.4g tpd_ratio %.3g v100_tps %.4g tpd_vs_v100 %.3g\n",
                   c.cores, p.batch, cpu_tps, r.tokens_per_s, speedup, cs.dram_bound ? "dram" : "compute", r.area_mm2, die,
                   watts, cpu_usd_h, pim_usd_h, tpd_cpu, tpd_pim, tpd_pim / tpd_cpu, v_tps, tpd_pim / tpd_v100);
            if (speedup > best) best = speedup;
            if (tpd_pim / tpd_cpu > best_tpd) best_tpd = tpd_pim / tpd_cpu;
        }
    printf("sail_max speedup %.3g tpd_ratio %.3g\n", best, best_tpd);
    /* Hardware overhead: the default bank's logic (Gray-code table builder,
     * index, shift-accumulate, control; yosys estimate) relative to the SRAM
     * it computes in: its own 64 KiB table array, and a 1 MiB L2 slice (one
     * Neoverse-N1 core's L2, where SAIL-style banks would sit). */
    dp_config dd;
    dp_default(&dd);
    double bit_um2 = SRAM_BITCELL_UM2 / SRAM_ARRAY_EFF, logic = YS_PIM_BANK_LOGIC_T * UM2_PER_T;
    double table = dd.pim_kib * 8192.0 * bit_um2, l2 = 1024.0 * 8192.0 * bit_um2;
    printf("sail_overhead logic_t %.0f logic_um2 %.4g table_kib %g table_um2 %.4g pct_table %.3g pct_l2 %.3g\n", YS_PIM_BANK_LOGIC_T, logic, dd.pim_kib, table,
           100 * logic / table, 100 * logic / l2);
    return 0;
}

/* MatMul-free LM on the default design point (its ternary engine runs the
 * BitLinear layers): decode power = energy per token x tokens/s. */
static int mmfree(const char *dir) {
    static const char *names[] = {"mmfreelm-1.3b.json", "mmfreelm-2.7b.json"};
    static const double nodes[] = {45, 28};
    for (size_t i = 0; i < 2; i++) {
        wl_shape s;
        if (load(dir, names[i], &s)) return -1;
        for (size_t k = 0; k < 2; k++) {
            dp_config d;
            dp_default(&d);
            d.tech_nm = nodes[k];
            wl_params p;
            wl_params_default(&s, &p);
            wl_result r;
            if (eval(&s, &p, &d, &r)) return -1;
            printf("mmfree_%s_%gnm tps %.4g j_per_token %.4g watts %.4g area_mm2 %.4g\n", s.name, nodes[k], r.tokens_per_s,
                   r.energy_per_token_j, r.energy_per_token_j * r.tokens_per_s, r.area_mm2);
        }
    }
    return 0;
}

/* Time of the linear layers (GEMV ops: q/k/v/o, FFN, classifier) of one phase. */
static double linear_cycles(const wl_phase *ph) {
    double c = 0;
    for (int i = 0; i < ph->n_ops; i++)
        if (ph->ops[i].kind == ARCH_OP_GEMV) c += ph->ops[i].cycles;
    return c;
}

/* FlexQ: Llama-2-70B linear layers at W6A6 / W6A8 vs W8A8 on the PIM point
 * (bit-serial activations: LUT lookups scale with a_bits). */
static int flexq(const char *dir) {
    wl_shape s;
    dp_config d;
    if (load_on_pim(dir, "llama2-70b.json", &s, &d)) return -1;
    static const long batches[] = {1, 16};
    for (size_t i = 0; i < 2; i++) {
        double dec[3], pre[3], cpu[3];
        cpu_config c;
        cpu_neoverse_n1(&c);
        static const double wa[3][2] = {{8, 8}, {6, 6}, {6, 8}};
        for (int k = 0; k < 3; k++) {
            wl_params p;
            wl_params_default(&s, &p);
            p.batch = batches[i], p.w_bits = wa[k][0], p.a_bits = wa[k][1], p.w_fmt = ARCH_FMT_INT;
            wl_result r;
            if (eval(&s, &p, &d, &r)) return -1;
            dec[k] = linear_cycles(&r.decode_step), pre[k] = linear_cycles(&r.prefill);
            /* the CPU roofline of the whole decode step (same bytes; int6 and int8 at the SDOT rate) */
            cpu_step cs;
            if (cpu_decode(&c, &s, &p, &r, &cs)) return -1;
            cpu[k] = cs.step_s;
        }
        printf("flexq_b%ld decode_w6a6 %.3g decode_w6a8 %.3g prefill_w6a6 %.3g prefill_w6a8 %.3g cpu_w6 %.3g\n", batches[i],
               dec[0] / dec[1], dec[0] / dec[2], pre[0] / pre[1], pre[0] / pre[2], cpu[0] / cpu[1]);
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: seed_figures WORKLOADS_DIR\n");
        return 2;
    }
    return sail(argv[1]) || mmfree(argv[1]) || flexq(argv[1]) ? 1 : 0;
}
