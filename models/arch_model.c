/* Analytical per-op model; formulas in arch_model.h, constants in arch_consts.h. */
#include "arch_model.h"

#include <math.h>
#include <string.h>

#include "arch_consts.h"
#include "tech_scale.h"
#include "unit.h"

const char *arch_unit_name(arch_unit u) {
    const arch_unit_desc *ud = arch_unit_get((int)u);
    return ud ? ud->name : "?";
}

const char *arch_op_kind_name(arch_op_kind k) {
    static const char *n[ARCH_OP_KIND_COUNT] = {"gemv", "bitlinear", "attention", "vector"};
    return (unsigned)k < ARCH_OP_KIND_COUNT ? n[k] : "?";
}

int arch_rmmec_lanes(double w_bits) { return w_bits <= 4.5 ? 4 : w_bits <= 8.5 ? 2 : 1; }

static double cdiv(double a, double b) { return ceil(a / b); }

double arch_kv_values(const arch_op *op) { return op->kv_n ? (double)op->kv_n : (double)op->n; }

double arch_kv_dram_bytes(const arch_op *op) {
    return 2.0 * arch_kv_values(op) * op->w_bits / 8.0 / (op->kv_reuse > 1 ? op->kv_reuse : 1);
}

double arch_prefill_kv_rows(double P, double kv_row_bytes, double q_row_bytes, double stage_bytes) {
    if (P <= 1) return P > 0 ? P : 0;
    if (P * kv_row_bytes <= stage_bytes) return P;
    double qb = q_row_bytes > 0 ? floor(stage_bytes / q_row_bytes) : P;
    qb = qb < 1 ? 1 : qb > P ? P : qb;
    double nb = cdiv(P, qb);
    return qb * nb * (nb - 1) / 2 + P;
}

arch_unit arch_pick_unit(const dp_config *d, const arch_op *op) {
    int best = -1, best_rank = 0;
    for (int u = 0; u < arch_n_units(); u++) {
        int r = arch_unit_get(u)->rank(d, op);
        if (r > best_rank) best = u, best_rank = r;
    }
    return best >= 0 ? (arch_unit)best : ARCH_U_VECTOR;
}

double arch_rmmec_cycles(size_t rows, size_t cols, int lanes, int units) {
    if (!rows || !cols || lanes < 1 || units < 1) return 0;
    return cdiv((double)rows, units) * (cdiv((double)cols, lanes) + 1.0) + RMMEC_PIPE_FILL;
}

double arch_ternary_cycles(size_t rows, size_t cols, int lanes, int ktile) {
    if (!rows || !cols || lanes < 1 || ktile < 1) return 0;
    return cdiv((double)rows, lanes) * cdiv((double)cols, ktile) + TERNARY_PIPE_FILL;
}

double arch_ternary_op_cycles(size_t rows, size_t cols, int lanes, int ktile, int overlap_load) {
    if (!rows || !cols || lanes < 1 || ktile < 1) return 0;
    double words = cdiv((double)rows, lanes) * cdiv((double)cols, ktile);
    return cdiv((double)cols, ktile) + words * (overlap_load ? 1 : 2) + TERNARY_START_CYCLES + TERNARY_PIPE_FILL;
}

double arch_dram_bytes_per_cycle(const dp_config *d) { return d->dram_gbps / d->clock_ghz; }
double arch_dram_latency_cycles(const dp_config *d) { return d->dram_latency_ns * d->clock_ghz; }

double arch_sram_pj_per_byte(double kib) {
    /* log-log through Horowitz's 8 KB, 32 KB, 1 MB points; clamped outside. */
    static const double kx[3] = {8, 32, 1024}, ky[3] = {HZ_SRAM_8K_PJ_PER_B, HZ_SRAM_32K_PJ_PER_B, HZ_SRAM_1M_PJ_PER_B};
    if (kib <= kx[0]) return ky[0];
    if (kib >= kx[2]) {
        double s = log(ky[2] / ky[1]) / log(kx[2] / kx[1]);
        return ky[2] * pow(kib / kx[2], s);
    }
    int i = kib < kx[1] ? 0 : 1;
    double t = log(kib / kx[i]) / log(kx[i + 1] / kx[i]);
    return ky[i] * pow(ky[i + 1] / ky[i], t);
}

double arch_sram_pj_per_byte_at(const dp_config *d) {
    return arch_sram_pj_per_byte(d->sram_kib) * tech_energy_factor(d->tech_nm);
}

double arch_dma_tiles(const dp_config *d, const arch_op *op, arch_unit u) {
    const arch_unit_desc *ud = arch_unit_get((int)u);
    return ud ? ud->dma_tiles(d, op) : 1;
}

int arch_op_cost(const dp_config *d, const arch_op *op, arch_cost *o) {
    if (!d || !op || !o) return -1;
    memset(o, 0, sizeof *o);
    o->unit = arch_pick_unit(d, op);
    double R = (double)op->rows, K = (double)op->cols, ab = op->a_bits > 0 ? op->a_bits : 32;
    double wbytes = 0, abytes = 0;
    switch (op->kind) {
    case ARCH_OP_GEMV:
    case ARCH_OP_BITLINEAR:
        wbytes = R * K * op->w_bits / 8.0;
        abytes = K * ab / 8.0 + R * 4.0;
        break;
    case ARCH_OP_ATTENTION:
        wbytes = 2.0 * arch_kv_values(op) * op->w_bits / 8.0; /* K and V rows read (once per KV head) */
        abytes = 8.0 * R;
        break;
    default:
        abytes = 8.0 * (double)op->n * (op->passes > 0 ? op->passes : 1);
        break;
    }
    const arch_unit_desc *ud = arch_unit_get((int)o->unit);
    if (!ud || ud->compute(d, op, o, &wbytes)) return -1;
    double T = op->tokens > 1 ? op->tokens : 1; /* the unit re-reads its operands per token */
    o->compute_cycles *= T, o->unit_events *= T, o->e_compute_pj *= T;
    /* streamed K/V: one DRAM read serves kv_reuse queries (staged in SRAM) */
    o->dram_bytes = op->weights_resident ? 0 : op->kind == ARCH_OP_ATTENTION ? arch_kv_dram_bytes(op) : wbytes;
    o->sram_bytes = T * (wbytes + abytes) + o->dram_bytes; /* + DMA staging writes of streamed data */
    o->mem_cycles = o->dram_bytes / arch_dram_bytes_per_cycle(d);
    /* streaming of n DMA tiles through DMA_TILE_BUFFERS buffers: per tile
     * the period is the slower of compute and transfer, or the buffer round
     * trip (transfer + latency + compute) shared by the buffers; plus the
     * first tile's transfer and latency, the last one's compute, and the
     * host command protocol */
    if (o->dram_bytes > 0) {
        double n = arch_dma_tiles(d, op, o->unit), ct = o->compute_cycles / n, mt = o->mem_cycles / n;
        double L = arch_dram_latency_cycles(d), P = ct > mt ? ct : mt;
        if ((ct + mt + L) / DMA_TILE_BUFFERS > P) P = (ct + mt + L) / DMA_TILE_BUFFERS;
        o->cycles = (n - 1) * P + mt + L + ct + HOST_CMD_CYCLES;
    } else {
        o->cycles = o->compute_cycles + HOST_CMD_CYCLES;
    }
    /* on-chip energy scales with the node (tech_scale.h); DRAM's does not */
    o->e_compute_pj *= tech_energy_factor(d->tech_nm);
    o->e_sram_pj = o->sram_bytes * arch_sram_pj_per_byte_at(d);
    o->e_dram_pj = o->dram_bytes * HZ_DRAM_PJ_PER_B;
    o->energy_pj = o->e_compute_pj + o->e_sram_pj + o->e_dram_pj;
    return 0;
}

int arch_area_of(const dp_config *d, arch_area *a) {
    if (!d || !a) return -1;
    memset(a, 0, sizeof *a);
    double sram_bit = SRAM_BITCELL_UM2 / SRAM_ARRAY_EFF;
    for (int u = 0; u < arch_n_units(); u++) a->total += a->unit[u] = arch_unit_get(u)->area_mm2(d);
    a->sram = d->sram_kib * 8192.0 * sram_bit / 1e6;
    a->total += a->sram;
    double s = tech_area_factor(d->tech_nm); /* 45 nm anchors -> d's node */
    for (int u = 0; u < arch_n_units(); u++) a->unit[u] *= s;
    a->sram *= s, a->total *= s;
    return 0;
}
