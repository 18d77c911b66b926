/* Backend "sim" (analytical): functional results from the cpu/golden
 * kernels, plus cycle and energy estimates per op from the architecture
 * model of models/ (through sw_runtime/rt_arch.h: unit choice, SRAM/DRAM
 * residency, calibrated energies) at the design point it is registered with
 * (cfg: const dp_config *, NULL = dp_default). Ops that model cannot cost
 * fall back to the placeholder roofline below. The CLI registers the
 * SystemC platform (backend_platform.c) under the same name instead.
 *
 * PLACEHOLDER MODEL (fallback only): round illustrative constants, not
 * calibrated. cycles = max(MACs / macs_per_cycle, bytes / bytes_per_cycle);
 * energy = MACs * pJ/MAC(weight bits) + bytes * pJ/byte. */
#include <stdlib.h>

#include "engine.h"
#include "shadow.h"
#include "rt_arch.h"

typedef struct {
    double macs_per_cycle;  /* MAC array width */
    double bytes_per_cycle; /* on-chip SRAM bandwidth */
    double pj_per_mac_32b;  /* fp32 MAC; scaled by (bits/32)^2 for narrower weights, floor 0.02 pJ */
    double pj_per_byte;     /* SRAM access */
    double clock_ghz;
} sim_params;

static const sim_params SIM_PLACEHOLDER = {
    .macs_per_cycle = 256.0,  /* PLACEHOLDER */
    .bytes_per_cycle = 64.0,  /* PLACEHOLDER */
    .pj_per_mac_32b = 3.7,    /* PLACEHOLDER (order of a 45 nm fp32 multiply-add) */
    .pj_per_byte = 1.25,      /* PLACEHOLDER (order of a large-SRAM access per byte) */
    .clock_ghz = 1.0,         /* PLACEHOLDER */
};

static int sim_supports(const rt_backend_inst *be, const rt_engine *eng, const rt_op *op) {
    (void)be, (void)eng;
    return op->type == OP_MATMUL || op->type == OP_BITLINEAR;
}

/* Per-engine state: the design point and each op's residency flags. */
typedef struct {
    dp_config dp;
    arch_op *ops; /* eng->n_ops entries, residency decided once */
} sim_state;

static void sim_release(rt_backend_inst *be) {
    sim_state *s = be->state;
    if (!s) return;
    free(s->ops);
    free(s);
    be->state = NULL;
}

static sim_state *sim_get(rt_backend_inst *be, const rt_engine *eng) {
    sim_state *s = be->state;
    if (s) return s;
    s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->ops = calloc((size_t)eng->n_ops, sizeof *s->ops);
    if (!s->ops) {
        free(s);
        return NULL;
    }
    rt_arch_point(be->cfg, &s->dp);
    for (int i = 0; i < eng->n_ops; i++) rt_arch_from_op(eng, &eng->ops[i], 0, &s->ops[i]);
    rt_arch_residency(eng, &s->dp, s->ops, eng->n_ops);
    be->state = s;
    return s;
}

static int sim_exec(rt_backend_inst *be, rt_engine *eng, rt_op *op, int n_tokens) {
    if (n_tokens != 1) return LPCS_EUNSUPPORTED;
    int rc = rt_cpu_exec(eng, op);
    if (rc) return rc;
    rt_inject_fault(eng, op); /* testing --check (shadow.h) */
    sim_state *s = sim_get(be, eng);
    if (!s) return LPCS_ENOMEM;
    arch_op ao;
    arch_cost cost;
    int idx = (int)(op - eng->ops);
    if (idx >= 0 && idx < eng->n_ops && rt_arch_from_op(eng, op, eng->pos, &ao) == 0) {
        ao.weights_resident = s->ops[idx].weights_resident;
        ao.tables_resident = s->ops[idx].tables_resident;
        if (arch_op_cost(&s->dp, &ao, &cost) == 0) {
            op->st.cycles += cost.cycles;
            op->st.energy_pj += cost.energy_pj;
            return LPCS_OK;
        }
    }
    const sim_params *p = &SIM_PLACEHOLDER;
    double macs, bytes;
    rt_op_work(eng, op, &macs, &bytes);
    double cyc_c = macs / p->macs_per_cycle, cyc_m = bytes / p->bytes_per_cycle;
    double wb = op->type == OP_BITLINEAR ? 2.0 : op->w_bits, scale = (wb / 32.0) * (wb / 32.0);
    if (scale < 0.02 / p->pj_per_mac_32b) scale = 0.02 / p->pj_per_mac_32b;
    op->st.cycles += cyc_c > cyc_m ? cyc_c : cyc_m;
    op->st.energy_pj += macs * p->pj_per_mac_32b * scale + bytes * p->pj_per_byte;
    return LPCS_OK;
}

/* Seconds of the modelled accelerator for one call of op (its design point's clock). */
static double sim_cost(const rt_backend_inst *be, const rt_engine *eng, const rt_op *op) {
    dp_config d;
    arch_op ao;
    arch_cost c;
    rt_arch_point(be->cfg, &d);
    if (rt_arch_from_op(eng, op, eng->pos, &ao) || arch_op_cost(&d, &ao, &c)) return -1;
    return c.cycles / (d.clock_ghz * 1e9);
}

static const char *sim_describe(const rt_backend_inst *be) {
    (void)be;
    return "analytical model (models/arch_model.h) at the registered design point; placeholder roofline "
           "(sw_runtime/backend_sim.c) for ops it cannot cost";
}

const rt_backend_iface rt_backend_sim = {.name = "sim",
                                         .supports = sim_supports,
                                         .cost = sim_cost,
                                         .exec = sim_exec,
                                         .release = sim_release,
                                         .describe = sim_describe};
