#include "ternary_fast.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bitlinear.h"
#include "status.h"
#include "ternary.h"

#if defined(__x86_64__)
#define TF_X86 1
#include <immintrin.h>
#endif

int rt_tern_mat_init(rt_tern_mat *m, const uint8_t *packed, size_t rows, size_t cols) {
    return rt_tern_mat_init_kernel(m, packed, rows, cols, RT_TERN_AUTO);
}

int rt_tern_mat_init_kernel(rt_tern_mat *m, const uint8_t *packed, size_t rows, size_t cols, rt_tern_kernel kern) {
    memset(m, 0, sizeof *m);
    if (!packed || !rows || !cols || cols > TERNARY_MAX_COLS) return LPCS_EINVAL;
    size_t rb = ternary_row_bytes(cols);
    int8_t *w = malloc(rows * cols);
    if (!w) return LPCS_ENOMEM;
    int st = LPCS_OK;
    for (size_t r = 0; r < rows && !st; r++) st = ternary_unpack(packed + r * rb, cols, w + r * cols);
    if (!st) st = ki_matrix_init(&m->k, 2, w, NULL, rows, cols);
    if (kern == RT_TERN_AUTO) kern = !ki_supported(KI_AVX512VNNI) && lut_gemv_has_avx2() ? RT_TERN_LUT : RT_TERN_INT;
    if (!st && kern == RT_TERN_LUT) st = lut_gemv_pack(w, rows, cols, LUTK_TERNARY, &m->l), m->lut = !st;
    free(w);
    if (st) {
        rt_tern_mat_free(m);
        return st;
    }
    m->rows = rows, m->cols = cols, m->v = ki_for_isa(kn_isa_best());
    return LPCS_OK;
}

void rt_tern_mat_free(rt_tern_mat *m) {
    ki_matrix_free(&m->k);
    lut_gemv_free(&m->l);
    m->lut = 0;
}

size_t rt_tern_scratch_bytes(const rt_tern_mat *m) {
    size_t t = m->lut ? lut_gemv_scratch_bytes(&m->l) : 0;
    return t > m->k.kpad ? t : m->k.kpad;
}

void rt_tern_gemv(const rt_tern_mat *m, const int8_t *x, int8_t *scratch, int32_t *y) {
    if (m->lut) {
        lut_gemv_run(&m->l, x, y, LUTK_IMPL_AUTO, scratch);
        return;
    }
    int32_t qsum;
    ki_pad_act(x, m->cols, m->k.kpad, scratch, &qsum);
    ki_gemm_i32(m->v, &m->k, y, m->rows, scratch, &qsum, 1, 0, m->rows);
}

typedef struct {
    const rt_tern_mat *m;
    const int8_t *A;
    const int32_t *qsum;
    int32_t *y;
    size_t T;
} tern_task;

static void tern_part(void *arg, int idx, int n) {
    const tern_task *k = arg;
    unsigned long lo, hi;
    kn_split(k->m->rows, idx, n, 16, &lo, &hi);
    if (lo < hi) ki_gemm_i32(k->m->v, &k->m->k, k->y, k->m->rows, k->A, k->qsum, k->T, lo, hi);
}

/* Below this many MACs a second thread costs more than it saves. */
#define TERN_PAR_MIN_MACS (1u << 18) /* as intdot's */

int rt_tern_gemm(const rt_tern_mat *m, const int8_t *x, size_t T, int32_t *y, kn_pool *pool) {
    int par = pool && (double)m->rows * (double)m->cols * (double)T >= TERN_PAR_MIN_MACS;
    if (m->lut && T == 1) {
        void *tab = malloc(lut_gemv_scratch_bytes(&m->l));
        if (!tab) return LPCS_ENOMEM;
        int rc = lut_gemv_gemm_pool(&m->l, x, m->cols, 1, y, m->rows, LUTK_IMPL_AUTO, tab, par ? pool : NULL);
        free(tab);
        return rc;
    }
    size_t kp = m->k.kpad;
    int8_t *A = malloc(T * kp);
    int32_t *qsum = malloc(T * sizeof *qsum);
    if (!A || !qsum) {
        free(A), free(qsum);
        return LPCS_ENOMEM;
    }
    for (size_t t = 0; t < T; t++) ki_pad_act(x + t * m->cols, m->cols, kp, A + t * kp, &qsum[t]);
    tern_task k = {m, A, qsum, y, T};
    if (par)
        kn_pool_run(pool, tern_part, &k);
    else
        tern_part(&k, 0, 1);
    free(A), free(qsum);
    return LPCS_OK;
}

#ifdef TF_X86
#define TF512 __attribute__((target("avx512f")))

/* golden's RMSNorm (sum of squares in 32 double lanes, lane k % 32, combined
 * in lane order; (x * r) * w) and absmax quantization (round half to even,
 * clamp to [-128, 127]), 16 floats at a time with golden's operation order.
 * 0 if a value is not finite (the caller then runs golden). */
TF512 static int act_quant_avx512(const float *x, const float *w, size_t n, float eps, float *y, int8_t *q, float *scale) {
    __m512d lane[4] = {_mm512_setzero_pd(), _mm512_setzero_pd(), _mm512_setzero_pd(), _mm512_setzero_pd()};
    size_t n32 = n & ~(size_t)31;
    for (size_t k = 0; k < n32; k += 32)
        for (int j = 0; j < 4; j++) {
            __m512d v = _mm512_cvtps_pd(_mm256_loadu_ps(x + k + 8 * (size_t)j));
            lane[j] = _mm512_add_pd(lane[j], _mm512_mul_pd(v, v));
        }
    double l[32], sum = 0.0;
    for (int j = 0; j < 4; j++) _mm512_storeu_pd(l + 8 * j, lane[j]);
    for (size_t k = n32; k < n; k++) l[k % 32] += (double)x[k] * (double)x[k];
    for (int j = 0; j < 32; j++) sum += l[j];
    float ms = (float)(sum / (double)n), r = 1.0f / sqrtf(ms + eps);
    const __m512 rv = _mm512_set1_ps(r), inf = _mm512_set1_ps(__builtin_inff());
    __m512 amax = _mm512_setzero_ps();
    __mmask16 bad = 0;
    size_t n16 = n & ~(size_t)15;
    for (size_t k = 0; k < n16; k += 16) {
        __m512 t = _mm512_mul_ps(_mm512_mul_ps(_mm512_loadu_ps(x + k), rv), _mm512_loadu_ps(w + k)), a = _mm512_abs_ps(t);
        _mm512_storeu_ps(y + k, t);
        bad |= _mm512_cmp_ps_mask(a, inf, _CMP_NLT_UQ); /* inf or NaN */
        amax = _mm512_max_ps(amax, a);
    }
    float am = _mm512_reduce_max_ps(amax);
    for (size_t k = n16; k < n; k++) {
        float t = x[k] * r;
        y[k] = t * w[k];
        if (!isfinite(y[k])) bad = 1;
        if (fabsf(y[k]) > am) am = fabsf(y[k]);
    }
    if (bad) return 0;
    float sc = 127.0f / (am > 1e-5f ? am : 1e-5f);
    const __m512 sv = _mm512_set1_ps(sc), hi = _mm512_set1_ps(127.0f), lo = _mm512_set1_ps(-128.0f);
    for (size_t k = 0; k < n16; k += 16) {
        __m512 t = _mm512_roundscale_ps(_mm512_mul_ps(_mm512_loadu_ps(y + k), sv), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        t = _mm512_min_ps(_mm512_max_ps(t, lo), hi);
        _mm_storeu_si128((__m128i *)(q + k), _mm512_cvtepi32_epi8(_mm512_cvtps_epi32(t)));
    }
    for (size_t k = n16; k < n; k++) {
        float v = ternary_round_half_even(y[k] * sc);
        q[k] = (int8_t)(v > 127.0f ? 127 : (v < -128.0f ? -128 : (int)v));
    }
    *scale = sc;
    return 1;
}

TF512 static void dequant_avx512(const int32_t *acc, size_t n, float s, float inv_beta, float *y) {
    const __m512 sv = _mm512_set1_ps(s), bv = _mm512_set1_ps(inv_beta);
    size_t n16 = n & ~(size_t)15;
    for (size_t j = 0; j < n16; j += 16) {
        __m512 a = _mm512_div_ps(_mm512_cvtepi32_ps(_mm512_loadu_si512((const void *)(acc + j))), sv);
        _mm512_storeu_ps(y + j, _mm512_div_ps(a, bv));
    }
    if (n > n16) bitlinear_dequant(acc + n16, n - n16, s, inv_beta, y + n16);
}
#endif

int rt_tern_act_quant(kn_isa isa, const float *x, const float *w, size_t n, float eps, float *y, int8_t *q, float *scale) {
    if (!x || !w || !y || !q || !scale || n == 0) return LPCS_EINVAL;
#ifdef TF_X86
    if (isa == KN_ISA_AVX512 && act_quant_avx512(x, w, n, eps, y, q, scale)) return LPCS_OK;
#endif
    (void)isa;
    int st = bitlinear_rmsnorm_f32(x, w, n, eps, y);
    return st ? st : act_quant_absmax_i8(y, n, q, scale);
}

int rt_tern_dequant(kn_isa isa, const int32_t *acc, size_t n, float s, float inv_beta, float *y) {
    if (!acc || !y) return LPCS_EINVAL;
#ifdef TF_X86
    if (isa == KN_ISA_AVX512) {
        dequant_avx512(acc, n, s, inv_beta, y);
        return LPCS_OK;
    }
#endif
    (void)isa;
    return bitlinear_dequant(acc, n, s, inv_beta, y);
}
