/* LUT-based ternary / int2 / int4 x int8 GEMV; method in lut_gemv_cpu.h. */
#include "kernels/lut_gemv_cpu.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define LUTK_X86 1
#endif

#define BLOCK_ROWS LUT_GEMV_BLOCK_ROWS
#define COL_ALIGN 128          /* columns per int16 -> int32 widening step */
#define GROUPS_PER_FLUSH (COL_ALIGN / 8)
#ifndef LUTK_PREFETCH
#define LUTK_PREFETCH 2048     /* bytes ahead in the weight stream (software prefetch) */
#endif

int lut_gemv_has_avx2(void);

static void *aligned_alloc32(size_t n) {
    void *p = NULL;
    if (posix_memalign(&p, 32, n ? n : 32) != 0) return NULL;
    return p;
}

/* Coefficient of bit plane p of a b-plane two's complement weight. */
static int plane_coef(int p, int planes) {
    return p == planes - 1 ? -(1 << p) : (1 << p);
}

int lut_gemv_pack(const int8_t *w, size_t rows, size_t cols, lutk_wtype type, lut_gemv_weights *out) {
    if (!w || !out) return LPCS_EINVAL;
    memset(out, 0, sizeof *out);
    int lo, hi, planes;
    switch (type) {
    case LUTK_TERNARY: lo = -1, hi = 1, planes = 2; break;
    case LUTK_INT2: lo = -2, hi = 1, planes = 2; break;
    case LUTK_INT3: lo = -4, hi = 3, planes = 4; break;
    case LUTK_INT4: lo = -8, hi = 7, planes = 4; break;
    default: return LPCS_EINVAL;
    }
    /* |y| <= 128 * max|w| * cols must fit int32 */
    size_t wmax = (size_t)(-lo > hi ? -lo : hi);
    if (rows == 0 || cols == 0 || rows > ((size_t)1 << 24) || cols > (size_t)INT32_MAX / (128 * wmax)) return LPCS_ERANGE;
    for (size_t i = 0; i < rows * cols; i++)
        if (w[i] < lo || w[i] > hi) return LPCS_EINVAL;
    out->rows = rows, out->cols = cols, out->planes = planes;
    out->rows_pad = (rows + BLOCK_ROWS - 1) / BLOCK_ROWS * BLOCK_ROWS;
    out->cols_pad = (cols + COL_ALIGN - 1) / COL_ALIGN * COL_ALIGN;
    size_t bytes = lut_gemv_weight_bytes(out);
    out->packed = aligned_alloc32(bytes);
    out->row_sum = calloc(out->rows_pad, sizeof *out->row_sum);
    if (!out->packed || !out->row_sum) {
        lut_gemv_free(out);
        return LPCS_ENOMEM;
    }
    memset(out->packed, 0, bytes);
    const size_t gpairs = out->cols_pad / 8, ppairs = (size_t)planes / 2;
    for (size_t r = 0; r < rows; r++) {
        uint8_t *blk = out->packed + (r / BLOCK_ROWS) * gpairs * ppairs * 32;
        size_t i = r % BLOCK_ROWS;
        int32_t s = 0;
        for (size_t k = 0; k < cols; k++) {
            int v = w[r * cols + k];
            s += v;
            unsigned code = (unsigned)v & ((1u << planes) - 1); /* two's complement bits */
            size_t grp = k / 4, j = k % 4;
            for (int p = 0; p < planes; p++) {
                if (!(code >> p & 1)) continue;
                uint8_t *b = blk + ((grp / 2) * ppairs + (size_t)p / 2) * 32 + 2 * i + (size_t)(p % 2);
                *b |= (uint8_t)(1u << (j + 4 * (grp % 2)));
            }
        }
        out->row_sum[r] = s;
    }
    return LPCS_OK;
}

void lut_gemv_free(lut_gemv_weights *p) {
    if (!p) return;
    free(p->packed);
    free(p->row_sum);
    p->packed = NULL;
    p->row_sum = NULL;
}

size_t lut_gemv_weight_bytes(const lut_gemv_weights *p) {
    return p->rows_pad * p->cols_pad * (size_t)p->planes / 8;
}

size_t lut_gemv_scratch_bytes(const lut_gemv_weights *p) {
    return p ? p->cols_pad / 4 * 32 : 0; /* per group: 16 low-nibble + 16 high-nibble sums */
}

/* Tables per 4-column group: tab[grp*32 + i] = sum_j bit_j(i)*l_j and
 * tab[grp*32 + 16 + i] = sum_j bit_j(i)*h_j, with x + 128 = 16h + l. */
static void build_tables_portable(const lut_gemv_weights *p, const int8_t *x, uint8_t *tab) {
    for (size_t grp = 0; grp < p->cols_pad / 4; grp++) {
        unsigned l[4], h[4];
        for (size_t j = 0; j < 4; j++) {
            size_t k = grp * 4 + j;
            unsigned u = k < p->cols ? (unsigned)(x[k] + 128) : 128u; /* padded x = 0 */
            l[j] = u & 15, h[j] = u >> 4;
        }
        uint8_t *t = tab + grp * 32;
        /* Entry i = entry (i without its lowest set bit) + value of that bit. */
        t[0] = 0, t[16] = 0;
        for (unsigned i = 1; i < 16; i++) {
            unsigned low = (unsigned)__builtin_ctz(i), rest = i & (i - 1);
            t[i] = (uint8_t)(t[rest] + l[low]);
            t[16 + i] = (uint8_t)(t[16 + rest] + h[low]);
        }
    }
}

#ifdef LUTK_X86
/* The same tables, 16 activations (4 groups) per step: the nibbles l (low
 * 128-bit lane) and h (high lane) of x + 128, then entry i of group g =
 * sum over the set bits j of i of byte 4g + j, one vpshufb per j (a selector
 * byte 0x80 gives 0). Scalar table building was ~a third of a GEMV's time
 * with the weights in cache. */
__attribute__((target("avx2"))) static void build_tables_avx2(const lut_gemv_weights *p, const int8_t *x, uint8_t *tab) {
    __m256i sel[4][4];
    for (int g = 0; g < 4; g++)
        for (int j = 0; j < 4; j++) {
            uint8_t b[16];
            for (int i = 0; i < 16; i++) b[i] = (uint8_t)(i >> j & 1 ? 4 * g + j : 0x80);
            sel[g][j] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)b));
        }
    const __m128i nib = _mm_set1_epi8(0x0f), bias = _mm_set1_epi8(-128);
    for (size_t k0 = 0; k0 < p->cols_pad; k0 += 16) {
        __m128i xv;
        if (k0 + 16 <= p->cols)
            xv = _mm_loadu_si128((const __m128i *)(x + k0));
        else { /* the ragged end: padded x = 0 */
            int8_t tail[16] = {0};
            if (k0 < p->cols) memcpy(tail, x + k0, p->cols - k0);
            xv = _mm_loadu_si128((const __m128i *)tail);
        }
        __m128i u = _mm_xor_si128(xv, bias); /* x + 128 as unsigned */
        __m256i lh = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_and_si128(u, nib)),
                                             _mm_and_si128(_mm_srli_epi16(u, 4), nib), 1);
        for (int g = 0; g < 4; g++) {
            __m256i t = _mm256_add_epi8(_mm256_add_epi8(_mm256_shuffle_epi8(lh, sel[g][0]), _mm256_shuffle_epi8(lh, sel[g][1])),
                                        _mm256_add_epi8(_mm256_shuffle_epi8(lh, sel[g][2]), _mm256_shuffle_epi8(lh, sel[g][3])));
            _mm256_storeu_si256((__m256i *)(tab + (k0 / 4 + (size_t)g) * 32), t);
        }
    }
}
#endif

static void build_tables(const lut_gemv_weights *p, const int8_t *x, uint8_t *tab, lutk_impl impl) {
#ifdef LUTK_X86
    if (impl != LUTK_IMPL_PORTABLE && lut_gemv_has_avx2()) {
        build_tables_avx2(p, x, tab);
        return;
    }
#endif
    (void)impl;
    build_tables_portable(p, x, tab);
}

/* Row blocks [rb0, rb1) for T tokens: token t's tables at tab0 + t *
 * tab_stride, its outputs at y0 + t * ldy; each block serves every token
 * while it is in cache (one pass over the weights). */
static void run_portable(const lut_gemv_weights *p, const uint8_t *tab0, size_t tab_stride, size_t T, int32_t *y0,
                         size_t ldy, size_t rb0, size_t rb1) {
    const size_t gpairs = p->cols_pad / 8, ppairs = (size_t)p->planes / 2;
    for (size_t rb = rb0; rb < rb1; rb++)
    for (size_t tok = 0; tok < T; tok++) {
        const uint8_t *blk = p->packed + rb * gpairs * ppairs * 32, *tab = tab0 + tok * tab_stride;
        int32_t *y = y0 + tok * ldy;
        for (size_t i = 0; i < BLOCK_ROWS; i++) {
            size_t r = rb * BLOCK_ROWS + i;
            if (r >= p->rows) break;
            int32_t s = 0;
            for (size_t gp = 0; gp < gpairs; gp++)
                for (size_t pp = 0; pp < ppairs; pp++)
                    for (size_t q = 0; q < 2; q++) {
                        uint8_t b = blk[(gp * ppairs + pp) * 32 + 2 * i + q];
                        const uint8_t *t0 = tab + (2 * gp) * 32, *t1 = t0 + 32;
                        int32_t v = 16 * (t0[16 + (b & 15)] + t1[16 + (b >> 4)]) + t0[b & 15] + t1[b >> 4];
                        s += plane_coef((int)(2 * pp + q), p->planes) * v;
                    }
            y[r] = s - 128 * p->row_sum[r];
        }
    }
}

#ifdef LUTK_X86
__attribute__((target("avx2"))) static void run_avx2(const lut_gemv_weights *p, const uint8_t *tab0, size_t tab_stride,
                                                     size_t T, int32_t *y0, size_t ldy, size_t rb0, size_t rb1) {
    const size_t gpairs = p->cols_pad / 8, ppairs = (size_t)p->planes / 2;
    const __m256i nib = _mm256_set1_epi8(0x0f);
    /* maddubs coefficients per plane pair: (c_{2pp}, c_{2pp+1}) repeated. */
    __m256i coef[2];
    for (size_t pp = 0; pp < ppairs; pp++) {
        int c0 = plane_coef((int)(2 * pp), p->planes), c1 = plane_coef((int)(2 * pp + 1), p->planes);
        coef[pp] = _mm256_set1_epi16((short)((c1 & 0xff) << 8 | (c0 & 0xff)));
    }
    for (size_t rb = rb0; rb < rb1; rb++)
    for (size_t tok = 0; tok < T; tok++) {
        const uint8_t *blk = p->packed + rb * gpairs * ppairs * 32, *tab = tab0 + tok * tab_stride;
        int32_t *y = y0 + tok * ldy;
        __m256i sum_lo = _mm256_setzero_si256(), sum_hi = _mm256_setzero_si256(); /* int32, rows 0-7 / 8-15 */
        for (size_t gp0 = 0; gp0 < gpairs; gp0 += GROUPS_PER_FLUSH) {
            __m256i accl = _mm256_setzero_si256(), acch = _mm256_setzero_si256(); /* int16 per row */
            /* Four groups per step: their lookups (each <= 60) add up to <= 240
             * in u8 before one vpmaddubsw folds the two planes of each row. */
            for (size_t gp = gp0; gp < gp0 + GROUPS_PER_FLUSH; gp += 2) {
                const uint8_t *t = tab + 2 * gp * 32;
                const __m256i tl0 = _mm256_broadcastsi128_si256(_mm_load_si128((const __m128i *)t));
                const __m256i th0 = _mm256_broadcastsi128_si256(_mm_load_si128((const __m128i *)(t + 16)));
                const __m256i tl1 = _mm256_broadcastsi128_si256(_mm_load_si128((const __m128i *)(t + 32)));
                const __m256i th1 = _mm256_broadcastsi128_si256(_mm_load_si128((const __m128i *)(t + 48)));
                const __m256i tl2 = _mm256_broadcastsi128_si256(_mm_load_si128((const __m128i *)(t + 64)));
                const __m256i th2 = _mm256_broadcastsi128_si256(_mm_load_si128((const __m128i *)(t + 80)));
                const __m256i tl3 = _mm256_broadcastsi128_si256(_mm_load_si128((const __m128i *)(t + 96)));
                const __m256i th3 = _mm256_broadcastsi128_si256(_mm_load_si128((const __m128i *)(t + 112)));
                _mm_prefetch((const char *)(blk + gp * ppairs * 32 + LUTK_PREFETCH), _MM_HINT_T0);
                _mm_prefetch((const char *)(blk + gp * ppairs * 32 + LUTK_PREFETCH + 64), _MM_HINT_T0);
                for (size_t pp = 0; pp < ppairs; pp++) {
                    __m256i va = _mm256_load_si256((const __m256i *)(blk + (gp * ppairs + pp) * 32));
                    __m256i vb = _mm256_load_si256((const __m256i *)(blk + ((gp + 1) * ppairs + pp) * 32));
                    __m256i ia0 = _mm256_and_si256(va, nib), ia1 = _mm256_and_si256(_mm256_srli_epi16(va, 4), nib);
                    __m256i ib0 = _mm256_and_si256(vb, nib), ib1 = _mm256_and_si256(_mm256_srli_epi16(vb, 4), nib);
                    __m256i l = _mm256_add_epi8(_mm256_add_epi8(_mm256_shuffle_epi8(tl0, ia0), _mm256_shuffle_epi8(tl1, ia1)),
                                                _mm256_add_epi8(_mm256_shuffle_epi8(tl2, ib0), _mm256_shuffle_epi8(tl3, ib1)));
                    __m256i h = _mm256_add_epi8(_mm256_add_epi8(_mm256_shuffle_epi8(th0, ia0), _mm256_shuffle_epi8(th1, ia1)),
                                                _mm256_add_epi8(_mm256_shuffle_epi8(th2, ib0), _mm256_shuffle_epi8(th3, ib1)));
                    accl = _mm256_add_epi16(accl, _mm256_maddubs_epi16(l, coef[pp]));
                    acch = _mm256_add_epi16(acch, _mm256_maddubs_epi16(h, coef[pp]));
                }
            }
            /* Widen: sum += 16*acch + accl (int16 bounded: 8 steps x [-1920, 1680]). */
            __m256i l0 = _mm256_cvtepi16_epi32(_mm256_castsi256_si128(accl));
            __m256i l1 = _mm256_cvtepi16_epi32(_mm256_extracti128_si256(accl, 1));
            __m256i h0 = _mm256_cvtepi16_epi32(_mm256_castsi256_si128(acch));
            __m256i h1 = _mm256_cvtepi16_epi32(_mm256_extracti128_si256(acch, 1));
            sum_lo = _mm256_add_epi32(sum_lo, _mm256_add_epi32(_mm256_slli_epi32(h0, 4), l0));
            sum_hi = _mm256_add_epi32(sum_hi, _mm256_add_epi32(_mm256_slli_epi32(h1, 4), l1));
        }
        const __m256i c128 = _mm256_set1_epi32(128);
        const int32_t *rs = p->row_sum + rb * BLOCK_ROWS;
        sum_lo = _mm256_sub_epi32(sum_lo, _mm256_mullo_epi32(c128, _mm256_loadu_si256((const __m256i *)rs)));
        sum_hi = _mm256_sub_epi32(sum_hi, _mm256_mullo_epi32(c128, _mm256_loadu_si256((const __m256i *)(rs + 8))));
        size_t r0 = rb * BLOCK_ROWS;
        if (r0 + BLOCK_ROWS <= p->rows) {
            _mm256_storeu_si256((__m256i *)(y + r0), sum_lo);
            _mm256_storeu_si256((__m256i *)(y + r0 + 8), sum_hi);
        } else {
            int32_t tmp[BLOCK_ROWS];
            _mm256_storeu_si256((__m256i *)tmp, sum_lo);
            _mm256_storeu_si256((__m256i *)(tmp + 8), sum_hi);
            for (size_t i = 0; r0 + i < p->rows; i++) y[r0 + i] = tmp[i];
        }
    }
}
#endif

int lut_gemv_has_avx2(void) {
#ifdef LUTK_X86
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") ? 1 : 0;
#else
    return 0;
#endif
}

static int impl_check(const lut_gemv_weights *p, lutk_impl impl) {
    if (!p || !p->packed || !p->row_sum) return LPCS_EINVAL;
    if (impl != LUTK_IMPL_AUTO && impl != LUTK_IMPL_PORTABLE && impl != LUTK_IMPL_AVX2) return LPCS_EINVAL;
    if (impl == LUTK_IMPL_AVX2 && !lut_gemv_has_avx2()) return LPCS_EUNSUPPORTED;
    return LPCS_OK;
}

int lut_gemv_tables(const lut_gemv_weights *p, const int8_t *x, void *tab, lutk_impl impl) {
    int rc = impl_check(p, impl);
    if (rc) return rc;
    if (!x || !tab) return LPCS_EINVAL;
    build_tables(p, x, tab, impl);
    return LPCS_OK;
}

int lut_gemv_rows_batch(const lut_gemv_weights *p, const void *tab, size_t tab_stride, size_t T, int32_t *y, size_t ldy,
                        lutk_impl impl, size_t r0, size_t r1) {
    int rc = impl_check(p, impl);
    if (rc) return rc;
    if (!tab || !y || r0 % BLOCK_ROWS || r1 < r0 || r1 > p->rows || (r1 % BLOCK_ROWS && r1 != p->rows)) return LPCS_EINVAL;
    if (T > 1 && (tab_stride < lut_gemv_scratch_bytes(p) || tab_stride % 16 || ldy < p->rows)) return LPCS_EINVAL;
    size_t rb0 = r0 / BLOCK_ROWS, rb1 = (r1 + BLOCK_ROWS - 1) / BLOCK_ROWS;
#ifdef LUTK_X86
    if (impl != LUTK_IMPL_PORTABLE && lut_gemv_has_avx2()) {
        run_avx2(p, tab, tab_stride, T, y, ldy, rb0, rb1);
        return LPCS_OK;
    }
#endif
    run_portable(p, tab, tab_stride, T, y, ldy, rb0, rb1);
    return LPCS_OK;
}

int lut_gemv_rows(const lut_gemv_weights *p, const void *tab, int32_t *y, lutk_impl impl, size_t r0, size_t r1) {
    return lut_gemv_rows_batch(p, tab, 0, 1, y, 0, impl, r0, r1);
}

typedef struct {
    const lut_gemv_weights *p;
    lutk_impl impl;
    const void *tab;
    size_t T, ldy;
    int32_t *y;
    int rc;
} rows_task;

static void rows_part(void *arg, int idx, int n) {
    rows_task *k = arg;
    unsigned long lo, hi;
    kn_split(k->p->rows, idx, n, BLOCK_ROWS, &lo, &hi);
    int rc = lo < hi ? lut_gemv_rows_batch(k->p, k->tab, lut_gemv_scratch_bytes(k->p), k->T, k->y, k->ldy, k->impl, lo, hi)
                     : LPCS_OK;
    if (rc) k->rc = rc; /* every part fails alike (same arguments but the range) */
}

int lut_gemv_gemm_pool(const lut_gemv_weights *p, const int8_t *x, size_t ldx, size_t T, int32_t *y, size_t ldy,
                       lutk_impl impl, void *tabs, kn_pool *pool) {
    int rc = impl_check(p, impl);
    if (rc) return rc;
    if (!x || !tabs || !y || (T > 1 && (ldx < p->cols || ldy < p->rows))) return LPCS_EINVAL;
    for (size_t t = 0; t < T && !rc; t++)
        rc = lut_gemv_tables(p, x + t * ldx, (uint8_t *)tabs + t * lut_gemv_scratch_bytes(p), impl);
    if (rc) return rc;
    rows_task k = {p, impl, tabs, T, ldy, y, LPCS_OK};
    if (pool)
        kn_pool_run(pool, rows_part, &k);
    else
        rows_part(&k, 0, 1);
    return k.rc;
}

int lut_gemv_run(const lut_gemv_weights *p, const int8_t *x, int32_t *y, lutk_impl impl, void *scratch) {
    int rc = impl_check(p, impl);
    if (rc) return rc;
    if (!x || !y) return LPCS_EINVAL;
    void *own = NULL;
    if (!scratch) {
        scratch = own = aligned_alloc32(lut_gemv_scratch_bytes(p));
        if (!scratch) return LPCS_ENOMEM;
    }
    build_tables(p, x, scratch, impl);
    rc = lut_gemv_rows(p, scratch, y, impl, 0, p->rows);
    free(own);
    return rc;
}
