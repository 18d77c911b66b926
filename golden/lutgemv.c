/* LUT-GEMV golden model; definitions in lutgemv.h. */
#include "lutgemv.h"

#include <string.h>

int lutgemv_cfg_check(const lutgemv_cfg *c) {
    if (!c) return LPCS_EINVAL;
    if (c->g < LUTGEMV_G_MIN || c->g > LUTGEMV_G_MAX) return LPCS_EINVAL;
    if (c->a_bits < 2 || c->a_bits > 8) return LPCS_EINVAL;
    if (c->w_bits < 1 || c->w_bits > 8) return LPCS_EINVAL;
    switch (c->w_kind) {
    case LUTGEMV_W_SIGNED: break;
    case LUTGEMV_W_TERNARY: if (c->w_bits != 2) return LPCS_EINVAL; break;
    case LUTGEMV_W_UNSIGNED_ZP: break;
    default: return LPCS_EINVAL;
    }
    if (c->rows == 0 || c->cols == 0 || c->batch == 0) return LPCS_ERANGE;
    if (c->rows > LUTGEMV_DIM_MAX || c->cols > LUTGEMV_DIM_MAX || c->batch > LUTGEMV_DIM_MAX)
        return LPCS_ERANGE;
    /* Keep the table (M*G*2^g entries) and the work (N*M*K) below 2^48.
     * Each dimension is <= 2^24, so M*G*2^g <= 2^55 and M*N <= 2^48 cannot
     * wrap in uint64_t; the triple product is compared by division. */
    const uint64_t lim = (uint64_t)1 << 48;
    uint64_t g_cnt = (c->cols + (size_t)c->g - 1) / (size_t)c->g;
    if ((uint64_t)c->rows * g_cnt * ((uint64_t)1 << c->g) > lim) return LPCS_ERANGE;
    if ((uint64_t)c->rows * c->batch > lim / c->cols) return LPCS_ERANGE;
    if (c->qgroup != 0 && c->qgroup % (size_t)c->g != 0) return LPCS_EINVAL;
    return LPCS_OK;
}

size_t lutgemv_groups(const lutgemv_cfg *c) {
    return (c->cols + (size_t)c->g - 1) / (size_t)c->g;
}

/* Weights per scale group (the whole row when qgroup is 0 or >= K). */
static size_t qgroup_len(const lutgemv_cfg *c) {
    return (c->qgroup == 0 || c->qgroup >= c->cols) ? c->cols : c->qgroup;
}

size_t lutgemv_qgroups(const lutgemv_cfg *c) {
    size_t ql = qgroup_len(c);
    return (c->cols + ql - 1) / ql;
}

size_t lutgemv_table_len(const lutgemv_cfg *c) {
    return c->rows * lutgemv_groups(c) * ((size_t)1 << c->g);
}

size_t lutgemv_acc_len(const lutgemv_cfg *c) {
    return c->batch * c->rows * lutgemv_qgroups(c);
}

int lutgemv_weight_range(const lutgemv_cfg *c, int *wmin, int *wmax) {
    int st = lutgemv_cfg_check(c);
    if (st != LPCS_OK) return st;
    if (!wmin || !wmax) return LPCS_EINVAL;
    switch (c->w_kind) {
    case LUTGEMV_W_SIGNED:
        *wmin = -(1 << (c->w_bits - 1));
        *wmax = (1 << (c->w_bits - 1)) - 1;
        break;
    case LUTGEMV_W_TERNARY:
        *wmin = -1;
        *wmax = 1;
        break;
    default: /* code - zp, both in [0, 2^b - 1] */
        *wmin = -((1 << c->w_bits) - 1);
        *wmax = (1 << c->w_bits) - 1;
        break;
    }
    return LPCS_OK;
}

int lutgemv_signed_bits(int64_t lo, int64_t hi) {
    int b = 1;
    while (b < 64 && (lo < -((int64_t)1 << (b - 1)) || hi > ((int64_t)1 << (b - 1)) - 1)) b++;
    return b;
}

int lutgemv_entry_bits(const lutgemv_cfg *c) {
    int wmin, wmax;
    if (lutgemv_weight_range(c, &wmin, &wmax) != LPCS_OK) return 0;
    int64_t lo = (int64_t)c->g * (wmin < 0 ? wmin : 0);
    int64_t hi = (int64_t)c->g * (wmax > 0 ? wmax : 0);
    return lutgemv_signed_bits(lo, hi);
}

int lutgemv_acc_bits(const lutgemv_cfg *c) {
    int wmin, wmax;
    if (lutgemv_weight_range(c, &wmin, &wmax) != LPCS_OK) return 0;
    int64_t xmin = -((int64_t)1 << (c->a_bits - 1)), xmax = ((int64_t)1 << (c->a_bits - 1)) - 1;
    int64_t p[4] = {wmin * xmin, wmin * xmax, wmax * xmin, wmax * xmax};
    int64_t pmin = p[0], pmax = p[0];
    for (int i = 1; i < 4; i++) {
        if (p[i] < pmin) pmin = p[i];
        if (p[i] > pmax) pmax = p[i];
    }
    int64_t len = (int64_t)qgroup_len(c);
    return lutgemv_signed_bits(len * pmin, len * pmax);
}

/* Effective weight of (r, k), or 0 for a padded position. */
static int weff(const lutgemv_cfg *c, const int16_t *w, const int16_t *zp, size_t r, size_t k) {
    if (k >= c->cols) return 0;
    int v = w[r * c->cols + k];
    if (c->w_kind == LUTGEMV_W_UNSIGNED_ZP) v -= zp[r * lutgemv_qgroups(c) + k / qgroup_len(c)];
    return v;
}

static int weights_valid(const lutgemv_cfg *c, const int16_t *w, const int16_t *zp) {
    int lo, hi;
    if (c->w_kind == LUTGEMV_W_UNSIGNED_ZP) {
        lo = 0;
        hi = (1 << c->w_bits) - 1;
        for (size_t i = 0; i < c->rows * lutgemv_qgroups(c); i++)
            if (zp[i] < lo || zp[i] > hi) return 0;
    } else {
        lutgemv_weight_range(c, &lo, &hi);
    }
    for (size_t i = 0; i < c->rows * c->cols; i++)
        if (w[i] < lo || w[i] > hi) return 0;
    return 1;
}

int lutgemv_build_tables(const lutgemv_cfg *c, const int16_t *w, const int16_t *zp,
                         int entry_bits, int16_t *tables) {
    int st = lutgemv_cfg_check(c);
    if (st != LPCS_OK) return st;
    if (!w || !tables || (c->w_kind == LUTGEMV_W_UNSIGNED_ZP && !zp)) return LPCS_EINVAL;
    int need = lutgemv_entry_bits(c);
    if (entry_bits < 0 || entry_bits > 16) return LPCS_ERANGE;
    if (entry_bits == 0) entry_bits = need;
    if (entry_bits < need) return LPCS_ERANGE;
    if (!weights_valid(c, w, zp)) return LPCS_EINVAL;
    const size_t G = lutgemv_groups(c), E = (size_t)1 << c->g;
    const int32_t emin = -(1 << (entry_bits - 1)), emax = (1 << (entry_bits - 1)) - 1;
    for (size_t r = 0; r < c->rows; r++)
        for (size_t grp = 0; grp < G; grp++) {
            int wv[LUTGEMV_G_MAX];
            for (int j = 0; j < c->g; j++) wv[j] = weff(c, w, zp, r, grp * (size_t)c->g + (size_t)j);
            int16_t *t = tables + (r * G + grp) * E;
            for (size_t idx = 0; idx < E; idx++) {
                int32_t s = 0;
                for (int j = 0; j < c->g; j++)
                    if (idx >> j & 1) s += wv[j];
                if (s < emin || s > emax) return LPCS_ERANGE; /* cannot happen: width derived */
                t[idx] = (int16_t)s;
            }
        }
    return LPCS_OK;
}

static int acts_valid(const lutgemv_cfg *c, const int8_t *x) {
    const int lo = -(1 << (c->a_bits - 1)), hi = (1 << (c->a_bits - 1)) - 1;
    for (size_t i = 0; i < c->batch * c->cols; i++)
        if (x[i] < lo || x[i] > hi) return 0;
    return 1;
}

/* Index of token n, group grp, bit plane p (padded positions give bit 0). */
static unsigned plane_index(const lutgemv_cfg *c, const int8_t *x, size_t n, size_t grp, int p) {
    unsigned idx = 0;
    for (int j = 0; j < c->g; j++) {
        size_t k = grp * (size_t)c->g + (size_t)j;
        if (k < c->cols && ((uint8_t)x[n * c->cols + k] >> p & 1)) idx |= 1u << j;
    }
    return idx;
}

/* Walks every (grp, p): for each token, whether it starts a new distinct
 * index (first token of the batch holding it). Calls visit() per token. */
typedef void (*visit_fn)(void *ctx, size_t grp, int p, size_t n, unsigned idx, int first);

static void walk_indices(const lutgemv_cfg *c, const int8_t *x, int pattern_aware,
                         visit_fn visit, void *ctx) {
    const size_t G = lutgemv_groups(c);
    uint32_t seen[(1u << LUTGEMV_G_MAX) / 32];
    for (size_t grp = 0; grp < G; grp++)
        for (int p = 0; p < c->a_bits; p++) {
            memset(seen, 0, sizeof seen);
            for (size_t n = 0; n < c->batch; n++) {
                unsigned idx = plane_index(c, x, n, grp, p);
                int first = 1;
                if (pattern_aware) {
                    first = !(seen[idx / 32] >> (idx % 32) & 1);
                    seen[idx / 32] |= 1u << (idx % 32);
                }
                visit(ctx, grp, p, n, idx, first);
            }
        }
}

static void count_visit(void *ctx, size_t grp, int p, size_t n, unsigned idx, int first) {
    (void)grp, (void)p, (void)n, (void)idx;
    if (first) ++*(uint64_t *)ctx;
}

static void fill_counts(const lutgemv_cfg *c, uint64_t distinct_per_row, lutgemv_counts *k) {
    const uint64_t M = c->rows, G = lutgemv_groups(c);
    k->table_entries = M * G * ((uint64_t)1 << c->g);
    k->lookups_naive = M * G * (uint64_t)c->a_bits * c->batch;
    k->lookups_done = M * distinct_per_row;
    k->lookups_saved = k->lookups_naive - k->lookups_done;
    k->accumulates = k->lookups_naive;
    k->conversions = (uint64_t)lutgemv_acc_len(c);
}

int lutgemv_count_lookups(const lutgemv_cfg *c, const int8_t *x, int pattern_aware,
                          lutgemv_counts *counts) {
    int st = lutgemv_cfg_check(c);
    if (st != LPCS_OK) return st;
    if (!x || !counts) return LPCS_EINVAL;
    if (!acts_valid(c, x)) return LPCS_EINVAL;
    uint64_t distinct = 0;
    walk_indices(c, x, pattern_aware, count_visit, &distinct);
    fill_counts(c, distinct, counts);
    return LPCS_OK;
}

int lutgemv_gemv(const lutgemv_cfg *c, const int16_t *tables, const int8_t *x,
                 int pattern_aware, int64_t *acc, lutgemv_counts *counts) {
    int st = lutgemv_cfg_check(c);
    if (st != LPCS_OK) return st;
    if (!tables || !x || !acc) return LPCS_EINVAL;
    if (!acts_valid(c, x)) return LPCS_EINVAL;
    const size_t M = c->rows, N = c->batch, G = lutgemv_groups(c), Q = lutgemv_qgroups(c);
    const size_t E = (size_t)1 << c->g, gpq = qgroup_len(c) / (size_t)c->g; /* groups per q */
    memset(acc, 0, lutgemv_acc_len(c) * sizeof *acc);
    uint64_t distinct = 0;
    /* Per (grp, p): the distinct indices of the batch in first-seen order and
     * which one each token uses; each distinct index is read once per row and
     * the value broadcast (shift-accumulated) to its tokens. */
    unsigned uniq[1u << LUTGEMV_G_MAX];
    int slot_of[1u << LUTGEMV_G_MAX];
    for (size_t grp = 0; grp < G; grp++) {
        const size_t q = (c->qgroup == 0 || c->qgroup >= c->cols) ? 0 : grp / gpq;
        for (int p = 0; p < c->a_bits; p++) {
            const int64_t cp = (p == c->a_bits - 1) ? -((int64_t)1 << p) : ((int64_t)1 << p);
            size_t nu = 0;
            for (size_t i = 0; i < E; i++) slot_of[i] = -1;
            if (pattern_aware) {
                for (size_t n = 0; n < N; n++) {
                    unsigned idx = plane_index(c, x, n, grp, p);
                    if (slot_of[idx] < 0) {
                        slot_of[idx] = (int)nu;
                        uniq[nu++] = idx;
                    }
                }
                distinct += nu;
            } else {
                distinct += N;
            }
            for (size_t r = 0; r < M; r++) {
                const int16_t *t = tables + (r * G + grp) * E;
                int64_t val[1u << LUTGEMV_G_MAX];
                if (pattern_aware)
                    for (size_t u = 0; u < nu; u++) val[u] = t[uniq[u]]; /* the lookups done */
                for (size_t n = 0; n < N; n++) {
                    unsigned idx = plane_index(c, x, n, grp, p);
                    int64_t v = pattern_aware ? val[slot_of[idx]] : t[idx];
                    acc[(n * M + r) * Q + q] += cp * v;
                }
            }
        }
    }
    if (counts) fill_counts(c, distinct, counts);
    return LPCS_OK;
}

int lutgemv_convert(const lutgemv_cfg *c, const int64_t *acc, const float *w_scale,
                    const float *x_scale, float *y) {
    int st = lutgemv_cfg_check(c);
    if (st != LPCS_OK) return st;
    if (!acc || !w_scale || !y) return LPCS_EINVAL;
    const size_t M = c->rows, N = c->batch, Q = lutgemv_qgroups(c);
    for (size_t n = 0; n < N; n++)
        for (size_t r = 0; r < M; r++) {
            volatile float s = 0.0f; /* volatile: keep each op a separately rounded fp32 op */
            for (size_t q = 0; q < Q; q++) {
                volatile float t = (float)acc[(n * M + r) * Q + q];
                t = t * w_scale[r * Q + q];
                s = s + t;
            }
            y[n * M + r] = x_scale ? s * x_scale[n] : s;
        }
    return LPCS_OK;
}
