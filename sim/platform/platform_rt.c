/* The SystemC platform as the runtime's `sim` backend and as the timing
 * source of `lpcs sweep --mode platform`. Linked into build/lpcs only (its
 * constructor installs both hooks), so liblpcsrt.a and the unit tests do
 * not depend on SystemC.
 *
 * sim backend: every op placed on sim runs through the platform
 *   (platform_run_op): timing from the platform, results from golden where
 *   a unit has a golden model (BitLinear: golden bitlinear_forward, whose
 *   GEMV is the ternary engine's exact ternary_gemv_i32) and otherwise from
 *   the cpu backend's kernels (fp32 GEMV, norms, attention: the runtime's
 *   reference). op->st.cycles / energy_pj accumulate the platform's numbers.
 *   The design point is the engine's (eng->point: the CLI's --design-point
 *   or the defaults); the platform is reconfigured when an op comes from an
 *   engine with another point. SystemC is single-threaded: calls are serialized. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch_consts.h"
#include "bitlinear.h"
#include "design_point.h"
#include "platform_api.h"
#include "rt_arch.h"
#include "shadow.h"
#include "sim_provider.h"

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static dp_config g_point;      /* the point the platform is configured with */
static int g_point_ok = -1;    /* -1 none yet, 0 ok, 1 bad */

/* Residency of one engine's op list (computed once per engine). */
typedef struct {
    const rt_engine *eng;
    int n;
    arch_op *ops;
    double *dram, *sram; /* per op: bytes moved so far on the platform */
    int *unit;
} eng_cache;
static eng_cache g_cache[16];

static void drop_cache(void);

/* Configures the platform with d unless it already is; 0 or 1 (bad point). */
static int use_point(const dp_config *d) {
    if (g_point_ok >= 0 && !memcmp(&g_point, d, sizeof *d)) return g_point_ok;
    drop_cache(); /* residency depends on the point */
    g_point = *d;
    g_point_ok = platform_configure(&g_point) ? 1 : 0;
    return g_point_ok;
}

static arch_op *ops_of(const rt_engine *eng) {
    for (int i = 0; i < 16; i++)
        if (g_cache[i].eng == eng && g_cache[i].n == eng->n_ops) return g_cache[i].ops;
    int slot = 0;
    for (int i = 0; i < 16; i++)
        if (!g_cache[i].eng) {
            slot = i;
            break;
        }
    eng_cache *c = &g_cache[slot];
    free(c->ops), free(c->dram), free(c->sram), free(c->unit);
    c->ops = calloc((size_t)eng->n_ops, sizeof(arch_op));
    c->dram = calloc((size_t)eng->n_ops, sizeof(double));
    c->sram = calloc((size_t)eng->n_ops, sizeof(double));
    c->unit = calloc((size_t)eng->n_ops, sizeof(int));
    if (!c->ops || !c->dram || !c->sram || !c->unit) {
        free(c->ops), free(c->dram), free(c->sram), free(c->unit);
        memset(c, 0, sizeof *c);
        return NULL;
    }
    g_cache[slot].eng = eng, g_cache[slot].n = eng->n_ops;
    /* residency depends on sizes only: any position will do */
    for (int i = 0; i < eng->n_ops; i++) rt_arch_from_op(eng, &eng->ops[i], 0, &g_cache[slot].ops[i]);
    rt_arch_residency(eng, &g_point, g_cache[slot].ops, eng->n_ops);
    return g_cache[slot].ops;
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

static int plat_supports(const rt_engine *eng, const rt_op *op) {
    (void)eng;
    return op->type < OP_TYPE_COUNT;
}

static int plat_exec(rt_engine *eng, rt_op *op) {
    pthread_mutex_lock(&g_lock);
    int rc = use_point(&eng->point) ? LPCS_EINVAL : LPCS_OK;
    arch_op *ops = rc ? NULL : ops_of(eng);
    if (!rc && !ops) rc = LPCS_ENOMEM;
    if (!rc) {
        arch_op a;
        rt_arch_from_op(eng, op, eng->pos, &a);
        a.weights_resident = ops[op - eng->ops].weights_resident;
        a.tables_resident = ops[op - eng->ops].tables_resident;
        exec_ctx c = {eng, op};
        plat_result r;
        rc = platform_run_op(&a, functional, &c, &r);
        op->st.cycles += r.cycles;
        op->st.energy_pj += r.energy_pj;
        for (int i = 0; i < 16; i++)
            if (g_cache[i].ops == ops) {
                g_cache[i].dram[op - eng->ops] += r.dram_bytes;
                g_cache[i].sram[op - eng->ops] += r.sram_bytes;
                g_cache[i].unit[op - eng->ops] = r.unit;
            }
    }
    pthread_mutex_unlock(&g_lock);
    return rc;
}

static const rt_sim_provider PLATFORM_PROVIDER = {"SystemC TLM-2.0 platform (sim/platform) on the report's design_point",
                                                  plat_supports, plat_exec};

static void drop_cache(void) {
    for (int i = 0; i < 16; i++) free(g_cache[i].ops), free(g_cache[i].dram), free(g_cache[i].sram), free(g_cache[i].unit);
    memset(g_cache, 0, sizeof g_cache);
}

/* lpcs sweep --mode platform: one token's op list through the platform. */
static int token_cost(const rt_engine *eng, const dp_config *d, int pos, rt_arch_token *tot) {
    if (!eng || !d || !tot || eng->n_ops <= 0) return -1;
    memset(tot, 0, sizeof *tot);
    arch_op *ops = calloc((size_t)eng->n_ops, sizeof *ops);
    if (!ops) return -1;
    int rc = 0;
    for (int i = 0; i < eng->n_ops && !rc; i++) rc = rt_arch_from_op(eng, &eng->ops[i], pos, &ops[i]);
    if (!rc) rt_arch_residency(eng, d, ops, eng->n_ops);
    pthread_mutex_lock(&g_lock);
    if (!rc) rc = use_point(d);
    for (int i = 0; i < eng->n_ops && !rc; i++) {
        plat_result r;
        arch_cost ac;
        rc = platform_run_op(&ops[i], NULL, NULL, &r) || arch_op_cost(d, &ops[i], &ac);
        if (rc) break;
        if (getenv("LPCS_PLATFORM_EXPLAIN")) /* per-op model vs platform, for debugging the models */
            fprintf(stderr, "%-20s %-8s model %10.0f platform %10.0f (%+.2f%%) tiles %d\n", eng->ops[i].name,
                    arch_unit_name(r.unit), ac.cycles, r.cycles, 100.0 * (ac.cycles - r.cycles) / r.cycles, r.tiles);
        tot->cycles += r.cycles;
        tot->energy_pj += r.energy_pj;
        tot->dram_bytes += r.dram_bytes;
        tot->sram_bytes += r.sram_bytes;
        tot->e_compute_pj += ac.e_compute_pj;
        tot->e_dram_pj += r.dram_bytes * HZ_DRAM_PJ_PER_B;
        tot->unit_cycles[r.unit] += r.cycles;
        tot->unit_energy_pj[r.unit] += r.energy_pj;
        if (ops[i].kind == ARCH_OP_GEMV || ops[i].kind == ARCH_OP_BITLINEAR) {
            double wb = (double)ops[i].rows * (double)ops[i].cols * ops[i].w_bits / 8.0;
            tot->weight_bytes += wb;
            if (ops[i].weights_resident) tot->resident_weight_bytes += wb;
        }
    }
    pthread_mutex_unlock(&g_lock);
    /* e_sram: what is neither compute nor DRAM */
    tot->e_sram_pj = tot->energy_pj - tot->e_compute_pj - tot->e_dram_pj;
    free(ops);
    return rc;
}

int platform_rt_op_bytes(const rt_engine *eng, int i, double *dram, double *sram, int *unit) {
    int rc = -1;
    pthread_mutex_lock(&g_lock);
    for (int k = 0; k < 16; k++)
        if (g_cache[k].eng == eng && g_cache[k].n == eng->n_ops && i >= 0 && i < eng->n_ops) {
            *dram = g_cache[k].dram[i], *sram = g_cache[k].sram[i], *unit = g_cache[k].unit[i];
            rc = 0;
        }
    pthread_mutex_unlock(&g_lock);
    return rc;
}

__attribute__((constructor)) static void platform_rt_install(void) {
    rt_sim_provider_active = &PLATFORM_PROVIDER;
    rt_arch_platform_token_cost = token_cost;
}
