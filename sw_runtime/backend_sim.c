/* Backend "sim": functional results from the cpu/golden kernels, plus cycle
 * and energy estimates per op from the architecture model of models/
 * (models/rt_arch.h: unit choice, SRAM/DRAM residency, calibrated energies)
 * at the engine's design point (eng->point: --design-point or dp_default). Ops that model cannot cost
 * fall back to the placeholder roofline below.
 *
 * PLACEHOLDER MODEL (fallback only): round illustrative constants, not
 * calibrated. cycles = max(MACs / macs_per_cycle, bytes / bytes_per_cycle);
 * energy = MACs * pJ/MAC(weight bits) + bytes * pJ/byte. */
#include <stdlib.h>

#include "engine.h"
#include "rt_arch.h"
#include "shadow.h"
#include "sim_provider.h"

/* Set by a provider linked into the binary (the SystemC platform). */
const rt_sim_provider *rt_sim_provider_active = NULL;

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

static int sim_supports(const rt_engine *eng, const rt_op *op) {
    if (rt_sim_provider_active) return rt_sim_provider_active->supports(eng, op);
    return op->type == OP_MATMUL || op->type == OP_BITLINEAR;
}

/* Per-engine state: the design point and each op's residency flags. */
typedef struct {
    dp_config dp;
    arch_op *ops; /* eng->n_ops entries, residency decided once */
} sim_state;

static void sim_release(rt_engine *eng) {
    sim_state *s = eng->backend_state[RT_BACKEND_SIM];
    if (!s) return;
    free(s->ops);
    free(s);
    eng->backend_state[RT_BACKEND_SIM] = NULL;
}

static sim_state *sim_get(rt_engine *eng) {
    sim_state *s = eng->backend_state[RT_BACKEND_SIM];
    if (s) return s;
    s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->ops = calloc((size_t)eng->n_ops, sizeof *s->ops);
    if (!s->ops) {
        free(s);
        return NULL;
    }
    s->dp = eng->point;
    for (int i = 0; i < eng->n_ops; i++) rt_arch_from_op(eng, &eng->ops[i], 0, &s->ops[i]);
    rt_arch_residency(eng, &s->dp, s->ops, eng->n_ops);
    eng->backend_state[RT_BACKEND_SIM] = s;
    return s;
}

static int sim_exec(rt_engine *eng, rt_op *op) {
    if (rt_sim_provider_active) return rt_sim_provider_active->exec(eng, op); /* injects its own faults */
    int rc = rt_cpu_exec(eng, op);
    if (rc) return rc;
    rt_inject_fault(eng, op);
    sim_state *s = sim_get(eng);
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

const rt_backend rt_backend_sim = {"sim", sim_supports, sim_exec, sim_release};
double rt_sim_clock_ghz(void) { return SIM_PLACEHOLDER.clock_ghz; }
