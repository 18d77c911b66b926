/* Backend "sim" on the SystemC platform (sim/platform/), and the timing
 * source of `lpcs sweep --mode platform`. An ordinary backend: the CLI
 * registers it in place of the analytical sim backend (rt_sched_register),
 * with its design point as configuration (const dp_config *, NULL =
 * dp_default). Binaries that do not register it do not link it, so
 * liblpcsrt.a and the unit tests do not need SystemC.
 *
 * Every op placed on it runs through the platform (platform_run_op):
 * timing from the platform, results from golden where a unit has a golden
 * model (BitLinear: golden bitlinear_forward, whose GEMV is the ternary
 * engine's exact ternary_gemv_i32) and otherwise from the cpu backend's
 * kernels (fp32 GEMV, norms, attention: the runtime's reference).
 * op->st.cycles / energy_pj accumulate the platform's numbers. All state is
 * per engine (be->state); the platform serializes calls itself. */
#include "backend_platform.h"

#include <stdlib.h>
#include <string.h>

#include "arch_consts.h"
#include "bitlinear.h"
#include "platform_api.h"
#include "shadow.h"

/* Per engine: the design point and the residency of its op list (decided
 * once), and the bytes each op moved on the platform so far. */
typedef struct {
    dp_config dp;
    int n;
    arch_op *ops;
    double *dram, *sram;
    int *unit;
} plat_state;

static void plat_release(rt_backend_inst *be) {
    plat_state *s = be->state;
    if (!s) return;
    free(s->ops), free(s->dram), free(s->sram), free(s->unit);
    free(s);
    be->state = NULL;
}

static plat_state *plat_get(rt_backend_inst *be, const rt_engine *eng) {
    if (be->state) return be->state;
    plat_state *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    be->state = s;
    if (be->cfg)
        s->dp = *(const dp_config *)be->cfg;
    else
        dp_default(&s->dp);
    s->n = eng->n_ops;
    s->ops = calloc((size_t)s->n, sizeof(arch_op));
    s->dram = calloc((size_t)s->n, sizeof(double));
    s->sram = calloc((size_t)s->n, sizeof(double));
    s->unit = calloc((size_t)s->n, sizeof(int));
    if (!s->ops || !s->dram || !s->sram || !s->unit) {
        plat_release(be);
        return NULL;
    }
    /* residency depends on sizes only: any position will do */
    for (int i = 0; i < s->n; i++) rt_arch_from_op(eng, &eng->ops[i], 0, &s->ops[i]);
    rt_arch_residency(eng, &s->dp, s->ops, s->n);
    return s;
}

typedef struct {
    rt_engine *eng;
    rt_op *op;
} exec_ctx;

/* Functional part, run by the platform's unit when the op completes. */
static int functional(void *p) {
    exec_ctx *c = p;
    rt_op *op = c->op;
    if (op->type != OP_BITLINEAR) {
        int rc = rt_cpu_exec(c->eng, op);
        if (!rc) rt_inject_fault(c->eng, op); /* testing --check: a corrupted output element */
        return rc;
    }
    const bitlinear *B = op->aux;
    bitlinear faulty;
    uint8_t *bad = NULL;
    if (rt_is_fault_op(c->eng, op)) { /* testing --check: a corrupted weight tile in the unit's copy */
        bad = rt_fault_tile_copy(B->packed, B->out, B->in);
        if (!bad) return LPCS_ENOMEM;
        faulty = *B;
        faulty.packed = bad;
        B = &faulty;
    }
    float *in = rt_engine_buf(c->eng, op->in, op->layer), *out = rt_engine_buf(c->eng, op->out, op->layer);
    size_t need = bitlinear_scratch_bytes(B) + B->in * sizeof(float);
    void *scratch = malloc(need);
    if (!scratch) {
        free(bad);
        return LPCS_ENOMEM;
    }
    float *x = (float *)((char *)scratch + bitlinear_scratch_bytes(B));
    memcpy(x, in, B->in * sizeof(float)); /* bitlinear_forward wants x and y apart */
    int st = bitlinear_forward(B, x, out, scratch);
    free(scratch);
    free(bad);
    return st;
}

static int plat_supports(const rt_backend_inst *be, const rt_engine *eng, const rt_op *op) {
    (void)be, (void)eng;
    return op->type < OP_TYPE_COUNT;
}

static int plat_exec(rt_backend_inst *be, rt_engine *eng, rt_op *op, int n_tokens) {
    if (n_tokens != 1) return LPCS_EUNSUPPORTED;
    plat_state *s = plat_get(be, eng);
    if (!s) return LPCS_ENOMEM;
    int i = (int)(op - eng->ops);
    if (i < 0 || i >= s->n) return LPCS_EINVAL;
    arch_op a;
    rt_arch_from_op(eng, op, eng->pos, &a);
    a.weights_resident = s->ops[i].weights_resident;
    a.tables_resident = s->ops[i].tables_resident;
    exec_ctx c = {eng, op};
    plat_result r;
    int rc = platform_run_op(&s->dp, &a, functional, &c, &r);
    if (rc) return rc < 0 ? LPCS_EINVAL : rc;
    op->st.cycles += r.cycles;
    op->st.energy_pj += r.energy_pj;
    s->dram[i] += r.dram_bytes;
    s->sram[i] += r.sram_bytes;
    s->unit[i] = r.unit;
    return LPCS_OK;
}

static const char *plat_describe(const rt_backend_inst *be) {
    (void)be;
    return "SystemC TLM-2.0 platform (sim/platform) at the registered design point";
}

const rt_backend_iface rt_backend_platform = {.name = "sim",
                                              .supports = plat_supports,
                                              .exec = plat_exec,
                                              .release = plat_release,
                                              .describe = plat_describe};

int rt_platform_token_cost(const rt_engine *eng, const dp_config *d, int pos, rt_arch_token *tot, FILE *explain) {
    if (!eng || !d || !tot || eng->n_ops <= 0) return -1;
    memset(tot, 0, sizeof *tot);
    arch_op *ops = calloc((size_t)eng->n_ops, sizeof *ops);
    if (!ops) return -1;
    int rc = platform_check_point(d);
    for (int i = 0; i < eng->n_ops && !rc; i++) rc = rt_arch_from_op(eng, &eng->ops[i], pos, &ops[i]);
    if (!rc) rt_arch_residency(eng, d, ops, eng->n_ops);
    for (int i = 0; i < eng->n_ops && !rc; i++) {
        plat_result r;
        arch_cost ac;
        rc = platform_run_op(d, &ops[i], NULL, NULL, &r) || arch_op_cost(d, &ops[i], &ac);
        if (rc) break;
        if (explain) /* per-op model vs platform, for debugging the models */
            fprintf(explain, "%-20s %-8s model %10.0f platform %10.0f (%+.2f%%) tiles %d\n", eng->ops[i].name,
                    arch_unit_name(r.unit), ac.cycles, r.cycles, 100.0 * (ac.cycles - r.cycles) / r.cycles, r.tiles);
        arch_cost pc = {.unit = r.unit, .cycles = r.cycles, .energy_pj = r.energy_pj, .dram_bytes = r.dram_bytes,
                        .sram_bytes = r.sram_bytes, .e_compute_pj = ac.e_compute_pj,
                        .e_dram_pj = r.dram_bytes * HZ_DRAM_PJ_PER_B}; /* e_sram: from the totals below */
        rt_arch_token_add(tot, &ops[i], &pc);
    }
    /* e_sram: what is neither compute nor DRAM */
    tot->e_sram_pj = tot->energy_pj - tot->e_compute_pj - tot->e_dram_pj;
    free(ops);
    return rc;
}

int rt_platform_op_bytes(const rt_engine *eng, int i, double *dram, double *sram, int *unit) {
    for (int b = 0; b < eng->n_backends; b++) {
        const plat_state *s = eng->backends[b].iface == &rt_backend_platform ? eng->backends[b].state : NULL;
        if (s && i >= 0 && i < s->n) {
            *dram = s->dram[i], *sram = s->sram[i], *unit = s->unit[i];
            return 0;
        }
    }
    return -1;
}
