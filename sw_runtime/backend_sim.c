/* Backend "sim": functional results from the cpu/golden kernels, plus cycle
 * and energy estimates from a simple per-op roofline model.
 *
 * PLACEHOLDER MODEL: the constants below are round illustrative numbers,
 * not calibrated. The calibrated unit models belong to models/ (owned by
 * the architecture-model work); replace sim_params with theirs when they
 * land. cycles = max(MACs / macs_per_cycle, bytes / bytes_per_cycle);
 * energy = MACs * pJ/MAC(weight bits) + bytes * pJ/byte. */
#include "engine.h"
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

static int sim_exec(rt_engine *eng, rt_op *op) {
    if (rt_sim_provider_active) return rt_sim_provider_active->exec(eng, op);
    int rc = rt_cpu_exec(eng, op);
    if (rc) return rc;
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

const rt_backend rt_backend_sim = {"sim", sim_supports, sim_exec, NULL};
double rt_sim_clock_ghz(void) { return SIM_PLACEHOLDER.clock_ghz; }
