/* Analytical per-op model; formulas in arch_model.h, constants in arch_consts.h. */
#include "arch_model.h"

#include <math.h>
#include <string.h>

#include "arch_consts.h"
#include "lutgemv_model.h"

const char *arch_unit_name(arch_unit u) {
    static const char *n[ARCH_U_COUNT] = {"rmmec", "ternary", "pim", "vector"};
    return (unsigned)u < ARCH_U_COUNT ? n[u] : "?";
}

const char *arch_op_kind_name(arch_op_kind k) {
    static const char *n[ARCH_OP_KIND_COUNT] = {"gemv", "bitlinear", "attention", "vector"};
    return (unsigned)k < ARCH_OP_KIND_COUNT ? n[k] : "?";
}

int arch_rmmec_lanes(double w_bits) { return w_bits <= 4.5 ? 4 : w_bits <= 8.5 ? 2 : 1; }

static double cdiv(double a, double b) { return ceil(a / b); }

double arch_kv_values(const arch_op *op) { return op->kv_n ? (double)op->kv_n : (double)op->n; }


arch_unit arch_pick_unit(const dp_config *d, const arch_op *op) {
    switch (op->kind) {
    case ARCH_OP_BITLINEAR:
        if (d->ternary_lanes > 0) return ARCH_U_TERNARY;
        if (d->pim_banks > 0) return ARCH_U_PIM;
        return d->rmmec_units > 0 ? ARCH_U_RMMEC : ARCH_U_VECTOR;
    case ARCH_OP_GEMV:
        if ((op->w_fmt == ARCH_FMT_INT || op->w_fmt == ARCH_FMT_TERNARY) && d->pim_banks > 0) return ARCH_U_PIM;
        return d->rmmec_units > 0 ? ARCH_U_RMMEC : ARCH_U_VECTOR;
    case ARCH_OP_ATTENTION:
        return d->rmmec_units > 0 ? ARCH_U_RMMEC : ARCH_U_VECTOR;
    default:
        return ARCH_U_VECTOR;
    }
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

static void pim_counts(const lutgemv_cfg *c, lutgemv_counts *k) {
    uint64_t M = c->rows, G = lutgemv_groups(c);
    k->table_entries = M * G * ((uint64_t)1 << c->g);
    k->lookups_naive = k->lookups_done = M * G * (uint64_t)c->a_bits * c->batch;
    k->lookups_saved = 0;
    k->accumulates = k->lookups_naive;
    k->conversions = (uint64_t)c->batch * M * lutgemv_qgroups(c);
}

/* One pass covers up to banks*rows_per_bank rows; passes run one after another. */
static int pim_pass_cfg(const dp_config *d, size_t rows, size_t cols, int w_bits, int a_bits, lutgemv_cfg *c,
                        double *passes) {
    double cap = (double)d->pim_banks * d->pim_rows_per_bank;
    *passes = cdiv((double)rows, cap);
    memset(c, 0, sizeof *c);
    c->rows = (size_t)cdiv((double)rows, *passes);
    c->cols = cols;
    c->batch = 1;
    c->g = d->pim_g;
    c->w_bits = w_bits < 1 ? 1 : w_bits > 8 ? 8 : w_bits;
    c->w_kind = w_bits <= 2 ? LUTGEMV_W_TERNARY : LUTGEMV_W_SIGNED;
    if (c->w_kind == LUTGEMV_W_TERNARY) c->w_bits = 2;
    c->a_bits = a_bits < 2 ? 2 : a_bits > 8 ? 8 : a_bits;
    c->qgroup = 0;
    return lutgemv_cfg_check(c) == LPCS_OK ? 0 : -1;
}

double arch_pim_cycles(const dp_config *d, size_t rows, size_t cols, int w_bits, int a_bits, int tables_resident) {
    lutgemv_cfg c;
    double passes;
    if (d->pim_banks < 1 || pim_pass_cfg(d, rows, cols, w_bits, a_bits, &c, &passes)) return 0;
    lutgemv_counts k;
    pim_counts(&c, &k);
    lutgemv_model_params p = lutgemv_model_defaults();
    p.banks = (size_t)d->pim_banks;
    p.pattern_aware = 0;
    lutgemv_cycles cy;
    if (lutgemv_model_cycles(&c, &k, &p, &cy)) return 0;
    double per = (double)(cy.total - (tables_resident ? cy.build : 0));
    return passes * per;
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

/* Rows per DMA tile: whole groups of par rows, about one burst. */
static double rows_per_tile(const dp_config *d, double row_bytes, double par) {
    double r = floor(d->dma_burst_bytes / (row_bytes > 1e-9 ? row_bytes : 1e-9) / par) * par;
    return r > par ? r : par;
}

double arch_dma_tiles(const dp_config *d, const arch_op *op, arch_unit u) {
    double R = (double)op->rows, K = (double)op->cols, wb = op->w_bits;
    switch (u) {
    case ARCH_U_RMMEC:
        if (op->kind == ARCH_OP_ATTENTION) {
            double dots = R > 0 ? R : 1, len = cdiv((double)op->n, dots), share = arch_kv_values(op) / (double)op->n;
            return 2 * cdiv(dots, rows_per_tile(d, len * wb / 8.0 * share, d->rmmec_units));
        }
        return cdiv(R, rows_per_tile(d, K * wb / 8.0, d->rmmec_units));
    case ARCH_U_TERNARY: return cdiv(R, rows_per_tile(d, K * wb / 8.0, d->ternary_lanes));
    case ARCH_U_PIM: {
        double passes = cdiv(R, (double)d->pim_banks * d->pim_rows_per_bank), pb = R * K * wb / 8.0 / passes;
        double per = cdiv(pb, d->dma_burst_bytes);
        return passes * (per > 1 ? per : 1);
    }
    default:
        if ((op->kind == ARCH_OP_GEMV || op->kind == ARCH_OP_BITLINEAR) && R > 0)
            return cdiv(R, rows_per_tile(d, K * wb / 8.0, 1));
        return 1;
    }
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
    double lanes_pj = 0;
    switch (o->unit) {
    case ARCH_U_RMMEC: {
        int lanes = arch_rmmec_lanes(op->w_bits);
        if (op->kind == ARCH_OP_ATTENTION) {
            /* q.K (n MACs) and p.V (n MACs), rows = positions x heads dot products */
            size_t dots = op->rows ? op->rows : 1;
            size_t len = (size_t)cdiv((double)op->n, (double)dots);
            o->compute_cycles = 2.0 * arch_rmmec_cycles(dots, len, lanes, d->rmmec_units);
            o->unit_events = 2.0 * (double)dots * (cdiv((double)len, lanes) + 1);
        } else {
            o->compute_cycles = arch_rmmec_cycles(op->rows, op->cols, lanes, d->rmmec_units);
            o->unit_events = R * (cdiv(K, lanes) + 1);
        }
        lanes_pj = YS_RMMEC_T * PJ_PER_T;
        o->e_compute_pj = o->unit_events * lanes_pj;
        break;
    }
    case ARCH_U_TERNARY:
        o->compute_cycles =
            arch_ternary_op_cycles(op->rows, op->cols, d->ternary_lanes, d->ternary_ktile, d->ternary_overlap_load);
        o->unit_events = cdiv(R, d->ternary_lanes) * cdiv(K, d->ternary_ktile);
        o->e_compute_pj = o->unit_events * d->ternary_lanes *
                          (YS_TERNARY_TILE16_T * d->ternary_ktile / 16.0 + YS_TERNARY_LANE_ACC_T) * PJ_PER_T;
        break;
    case ARCH_U_PIM: {
        int wb = op->w_fmt == ARCH_FMT_TERNARY ? 2 : (int)lround(op->w_bits);
        int a = (int)(ab > 8 ? 8 : ab);
        o->compute_cycles = arch_pim_cycles(d, op->rows, op->cols, wb, a, op->tables_resident);
        lutgemv_cfg c;
        double passes;
        if (pim_pass_cfg(d, op->rows, op->cols, wb, a, &c, &passes)) return -1;
        lutgemv_counts k;
        pim_counts(&c, &k);
        lutgemv_model_params p = lutgemv_model_defaults();
        p.banks = (size_t)d->pim_banks;
        p.pattern_aware = 0;
        lutgemv_energy_params ep = lutgemv_energy_defaults();
        ep.e_sram_read_bit = ep.e_sram_write_bit = arch_sram_pj_per_byte(d->pim_kib) / 8.0;
        lutgemv_energy e;
        if (lutgemv_model_energy(&c, &k, &p, &ep, d->pim_entry_bits, 0, &e)) return -1;
        o->e_compute_pj = passes * (e.total - (op->tables_resident ? e.table_build : 0));
        o->unit_events = passes * (double)k.lookups_done;
        /* resident tables replace the weights: nothing to fetch */
        if (op->tables_resident) wbytes = 0;
        break;
    }
    default: {
        double elems = (op->kind == ARCH_OP_GEMV || op->kind == ARCH_OP_BITLINEAR) ? R * K
                       : op->kind == ARCH_OP_ATTENTION                           ? 2.0 * (double)op->n
                                                          : (double)op->n * (op->passes > 0 ? op->passes : 1);
        o->compute_cycles = cdiv(elems, d->vector_lanes) + 2;
        o->unit_events = elems;
        o->e_compute_pj = elems * VEC_PJ_PER_ELEM;
        break;
    }
    }
    o->dram_bytes = op->weights_resident ? 0 : wbytes;
    o->sram_bytes = wbytes + abytes + o->dram_bytes; /* + DMA staging writes of streamed data */
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
    o->e_sram_pj = o->sram_bytes * arch_sram_pj_per_byte(d->sram_kib);
    o->e_dram_pj = o->dram_bytes * HZ_DRAM_PJ_PER_B;
    o->energy_pj = o->e_compute_pj + o->e_sram_pj + o->e_dram_pj;
    return 0;
}

int arch_area_of(const dp_config *d, arch_area *a) {
    if (!d || !a) return -1;
    const double um2_per_mm2 = 1e6;
    double sram_bit = SRAM_BITCELL_UM2 / SRAM_ARRAY_EFF;
    a->rmmec = d->rmmec_units * YS_RMMEC_T * UM2_PER_T / um2_per_mm2;
    a->ternary = d->ternary_lanes * (YS_TERNARY_TILE16_T * d->ternary_ktile / 16.0 + YS_TERNARY_LANE_ACC_T) *
                 UM2_PER_T / um2_per_mm2;
    a->pim = d->pim_banks * (d->pim_kib * 8192.0 * sram_bit + YS_PIM_BANK_LOGIC_T * UM2_PER_T) / um2_per_mm2;
    a->vector = d->vector_lanes * VEC_UM2_PER_LANE / um2_per_mm2;
    a->sram = d->sram_kib * 8192.0 * sram_bit / um2_per_mm2;
    a->total = a->rmmec + a->ternary + a->pim + a->vector + a->sram;
    return 0;
}
