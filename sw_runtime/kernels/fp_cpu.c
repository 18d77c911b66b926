/* fp32-accumulating kernels in golden's dot order (fp_cpu.h). Each variant
 * keeps 16 partial sums per (row, token) in registers, adds the tail
 * elements with scalar fmaf into the same lanes, and ends with golden's
 * tree (lpcs_dot_tree16), so all variants give lpcs_dot_f32's bits. */
#include "fp_cpu.h"

#include <math.h>
#include <string.h>

#include "fmath.h"

#if defined(__x86_64__) || defined(__i386__)
#define KN_X86 1
#include <cpuid.h>
#include <immintrin.h>
#endif

/* ---- weight element widening (exact) ---- */

static inline LPCS_HD float bf16_to_f32(uint16_t h) { return lpcs_u2f((uint32_t)h << 16); }

static inline float f16_to_f32(uint16_t h) {
    uint32_t s = (uint32_t)(h & 0x8000u) << 16, e = (h >> 10) & 0x1fu, m = h & 0x3ffu;
    if (e == 0x1f) return lpcs_u2f(s | 0x7f800000u | (m << 13));
    if (e == 0) {
        float f = (float)m * 0x1p-24f; /* subnormal or zero: exact */
        return s ? -f : f;
    }
    return lpcs_u2f(s | ((e + 112) << 23) | (m << 13));
}

static inline float wget(kn_wtype t, const void *W, size_t i) {
    if (t == KN_W_F32) return ((const float *)W)[i];
    uint16_t h = ((const uint16_t *)W)[i];
    return t == KN_W_BF16 ? bf16_to_f32(h) : f16_to_f32(h);
}

/* ---- portable ---- */

static void gemm_portable(kn_wtype wt, float *Y, size_t ldy, const void *W, size_t ldw, const float *X, size_t ldx, size_t T,
                          size_t r0, size_t r1, size_t cols) {
    for (size_t r = r0; r < r1; r++)
        for (size_t t = 0; t < T; t++) {
            const float *x = X + t * ldx;
            float p[16] = {0};
            size_t j = 0;
            for (; j + 16 <= cols; j += 16)
                for (int l = 0; l < 16; l++) p[l] = fmaf(wget(wt, W, r * ldw + j + (size_t)l), x[j + (size_t)l], p[l]);
            for (int l = 0; j < cols; j++, l++) p[l] = fmaf(wget(wt, W, r * ldw + j), x[j], p[l]);
            Y[t * ldy + r] = lpcs_dot_tree16(p);
        }
}

#ifdef KN_X86
/* The blocked GEMM is written once (KN_GEMM below) over a "16-lane fp32
 * accumulator" and six operations on it, given per ISA: AVX-512F keeps the
 * 16 lanes in one zmm, AVX2 in two ymm (lanes 0-7, 8-15). Everything is
 * always_inline, so each instance compiles to plain register code. */
#define KN_AI inline __attribute__((always_inline))

/* golden's tree steps h = 2, 1 on 4 partial sums: (c0+c2) + (c1+c3). */
__attribute__((target("avx2"))) static KN_AI float tree128(__m128 c) {
    __m128 d = _mm_add_ps(c, _mm_movehl_ps(c, c));
    return _mm_cvtss_f32(_mm_add_ss(d, _mm_shuffle_ps(d, d, 1)));
}

/* ---- AVX-512F: one zmm = 16 lanes ---- */

#define T512 __attribute__((target("avx512f,fma,f16c,avx2")))
typedef __m512 v16_avx512;

T512 static KN_AI v16_avx512 zero_avx512(void) { return _mm512_setzero_ps(); }
T512 static KN_AI v16_avx512 ldx_avx512(const float *p) { return _mm512_loadu_ps(p); }
T512 static KN_AI v16_avx512 ldw_avx512(kn_wtype wt, const void *W, size_t i) {
    if (wt == KN_W_F32) return _mm512_loadu_ps((const float *)W + i);
    __m256i h = _mm256_loadu_si256((const __m256i *)((const uint16_t *)W + i));
    if (wt == KN_W_BF16) return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
    return _mm512_cvtph_ps(h);
}
T512 static KN_AI v16_avx512 fma_avx512(v16_avx512 w, v16_avx512 x, v16_avx512 acc) { return _mm512_fmadd_ps(w, x, acc); }
/* golden's tree on 16 lanes: h = 8 (the two 256-bit halves), h = 4, 2, 1. */
T512 static KN_AI float tree_avx512(v16_avx512 v) {
    __m256 a = _mm256_add_ps(_mm512_castps512_ps256(v), _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
    return tree128(_mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1)));
}
T512 static KN_AI void store_avx512(float *p, v16_avx512 v) { _mm512_storeu_ps(p, v); }

/* ---- AVX2+FMA: two ymm = lanes 0-7 and 8-15 ---- */

#define T256 __attribute__((target("avx2,fma,f16c")))
typedef struct {
    __m256 lo, hi;
} v16_avx2;

T256 static KN_AI __m256 ld8(kn_wtype wt, const void *W, size_t i) {
    if (wt == KN_W_F32) return _mm256_loadu_ps((const float *)W + i);
    __m128i h = _mm_loadu_si128((const __m128i *)((const uint16_t *)W + i));
    if (wt == KN_W_BF16) return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
    return _mm256_cvtph_ps(h);
}
T256 static KN_AI v16_avx2 zero_avx2(void) { return (v16_avx2){_mm256_setzero_ps(), _mm256_setzero_ps()}; }
T256 static KN_AI v16_avx2 ldx_avx2(const float *p) { return (v16_avx2){_mm256_loadu_ps(p), _mm256_loadu_ps(p + 8)}; }
T256 static KN_AI v16_avx2 ldw_avx2(kn_wtype wt, const void *W, size_t i) { return (v16_avx2){ld8(wt, W, i), ld8(wt, W, i + 8)}; }
T256 static KN_AI v16_avx2 fma_avx2(v16_avx2 w, v16_avx2 x, v16_avx2 acc) {
    return (v16_avx2){_mm256_fmadd_ps(w.lo, x.lo, acc.lo), _mm256_fmadd_ps(w.hi, x.hi, acc.hi)};
}
T256 static KN_AI float tree_avx2(v16_avx2 v) {
    __m256 a = _mm256_add_ps(v.lo, v.hi); /* h = 8 */
    return tree128(_mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1)));
}
T256 static KN_AI void store_avx2(float *p, v16_avx2 v) {
    _mm256_storeu_ps(p, v.lo);
    _mm256_storeu_ps(p + 8, v.hi);
}

/* The GEMM of one ISA: RB rows x TB tokens per block, each (row, token) with
 * one 16-lane accumulator; decode blocks DEC_RB rows x 1 token, prefill
 * PRE_RB rows x PRE_TB tokens (what fits the ISA's registers). Tail columns
 * (cols % 16) go into the same lanes with scalar fmaf, then golden's tree. */
#define KN_GEMM(ISA, TGT, DEC_RB, PRE_RB, PRE_TB)                                                                          \
    TGT static KN_AI void blk_##ISA(kn_wtype wt, float *Y, size_t ldy, const void *W, size_t ldw, const float *X, size_t ldx, \
                                    size_t r, size_t t, size_t cols, const int RB, const int TB) {                          \
        v16_##ISA acc[DEC_RB][PRE_TB];                                                                                      \
        _Pragma("GCC unroll 8") for (int a = 0; a < RB; a++)                                                                \
            _Pragma("GCC unroll 4") for (int b = 0; b < TB; b++) acc[a][b] = zero_##ISA();                                   \
        size_t c16 = cols & ~(size_t)15, j = 0;                                                                             \
        for (; j < c16; j += 16) {                                                                                          \
            v16_##ISA xv[PRE_TB];                                                                                           \
            _Pragma("GCC unroll 4") for (int b = 0; b < TB; b++) xv[b] = ldx_##ISA(X + (t + (size_t)b) * ldx + j);         \
            _Pragma("GCC unroll 8") for (int a = 0; a < RB; a++) {                                                          \
                v16_##ISA w = ldw_##ISA(wt, W, (r + (size_t)a) * ldw + j);                                                   \
                _Pragma("GCC unroll 4") for (int b = 0; b < TB; b++) acc[a][b] = fma_##ISA(w, xv[b], acc[a][b]);           \
            }                                                                                                               \
        }                                                                                                                   \
        if (c16 == cols) { /* no tail: golden's tree in registers */                                                        \
            _Pragma("GCC unroll 8") for (int a = 0; a < RB; a++)                                                            \
                _Pragma("GCC unroll 4") for (int b = 0; b < TB; b++)                                                        \
                    Y[(t + (size_t)b) * ldy + r + (size_t)a] = tree_##ISA(acc[a][b]);                                       \
            return;                                                                                                         \
        }                                                                                                                   \
        for (int a = 0; a < RB; a++)                                                                                        \
            for (int b = 0; b < TB; b++) {                                                                                  \
                float p[16];                                                                                                \
                store_##ISA(p, acc[a][b]);                                                                                  \
                const float *x = X + (t + (size_t)b) * ldx;                                                                 \
                for (size_t k = c16; k < cols; k++)                                                                         \
                    p[k - c16] = fmaf(wget(wt, W, (r + (size_t)a) * ldw + k), x[k], p[k - c16]);                            \
                Y[(t + (size_t)b) * ldy + r + (size_t)a] = lpcs_dot_tree16(p);                                              \
            }                                                                                                               \
    }                                                                                                                       \
    TGT static KN_AI void gemm_wt_##ISA(kn_wtype wt, float *Y, size_t ldy, const void *W, size_t ldw, const float *X,       \
                                        size_t ldx, size_t T, size_t r0, size_t r1, size_t cols) {                          \
        size_t t = 0;                                                                                                       \
        for (; t + PRE_TB <= T; t += PRE_TB) {                                                                              \
            size_t r = r0;                                                                                                  \
            for (; r + PRE_RB <= r1; r += PRE_RB) blk_##ISA(wt, Y, ldy, W, ldw, X, ldx, r, t, cols, PRE_RB, PRE_TB);        \
            for (; r < r1; r++) blk_##ISA(wt, Y, ldy, W, ldw, X, ldx, r, t, cols, 1, PRE_TB);                               \
        }                                                                                                                   \
        for (; t < T; t++) {                                                                                                \
            size_t r = r0;                                                                                                  \
            for (; r + DEC_RB <= r1; r += DEC_RB) blk_##ISA(wt, Y, ldy, W, ldw, X, ldx, r, t, cols, DEC_RB, 1);             \
            for (; r < r1; r++) blk_##ISA(wt, Y, ldy, W, ldw, X, ldx, r, t, cols, 1, 1);                                    \
        }                                                                                                                   \
    }                                                                                                                       \
    /* one copy per weight type, so the widening is decided outside the loops */                                          \
    TGT static void gemm_##ISA(kn_wtype wt, float *Y, size_t ldy, const void *W, size_t ldw, const float *X, size_t ldx,    \
                               size_t T, size_t r0, size_t r1, size_t cols) {                                               \
        if (wt == KN_W_F32)                                                                                                 \
            gemm_wt_##ISA(KN_W_F32, Y, ldy, W, ldw, X, ldx, T, r0, r1, cols);                                               \
        else if (wt == KN_W_BF16)                                                                                           \
            gemm_wt_##ISA(KN_W_BF16, Y, ldy, W, ldw, X, ldx, T, r0, r1, cols);                                              \
        else                                                                                                                \
            gemm_wt_##ISA(KN_W_F16, Y, ldy, W, ldw, X, ldx, T, r0, r1, cols);                                               \
    }

KN_GEMM(avx512, T512, 8, 2, 4)
KN_GEMM(avx2, T256, 4, 2, 2)

/* out[i] = sum over ascending t of fmaf(att[t], V[t][i], .) from +0: 16
 * (or 8) outputs per register, the time loop inside. */
T512 static void attn_av_avx512(float *out, const float *att, const float *V, size_t ldv, size_t T, size_t n) {
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();
        for (size_t t = 0; t < T; t++) {
            __m512 s = _mm512_set1_ps(att[t]);
            a0 = _mm512_fmadd_ps(s, _mm512_loadu_ps(V + t * ldv + i), a0);
            a1 = _mm512_fmadd_ps(s, _mm512_loadu_ps(V + t * ldv + i + 16), a1);
        }
        _mm512_storeu_ps(out + i, a0);
        _mm512_storeu_ps(out + i + 16, a1);
    }
    for (; i + 16 <= n; i += 16) {
        __m512 a0 = _mm512_setzero_ps();
        for (size_t t = 0; t < T; t++) a0 = _mm512_fmadd_ps(_mm512_set1_ps(att[t]), _mm512_loadu_ps(V + t * ldv + i), a0);
        _mm512_storeu_ps(out + i, a0);
    }
    for (; i < n; i++) {
        float a = 0.0f;
        for (size_t t = 0; t < T; t++) a = fmaf(att[t], V[t * ldv + i], a);
        out[i] = a;
    }
}

T256 static void attn_av_avx2(float *out, const float *att, const float *V, size_t ldv, size_t T, size_t n) {
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
        for (size_t t = 0; t < T; t++) {
            __m256 s = _mm256_set1_ps(att[t]);
            a0 = _mm256_fmadd_ps(s, _mm256_loadu_ps(V + t * ldv + i), a0);
            a1 = _mm256_fmadd_ps(s, _mm256_loadu_ps(V + t * ldv + i + 8), a1);
        }
        _mm256_storeu_ps(out + i, a0);
        _mm256_storeu_ps(out + i + 8, a1);
    }
    for (; i < n; i++) {
        float a = 0.0f;
        for (size_t t = 0; t < T; t++) a = fmaf(att[t], V[t * ldv + i], a);
        out[i] = a;
    }
}

/* golden's lpcs_expf on a vector of lanes: the same operations lane by lane
 * (fma steps, the exact 2^k scaling in the three ranges of k), then the
 * special inputs (overflow, underflow, NaN) blended in; lanes of a range
 * that does not apply compute garbage that is discarded. Written once over a
 * few per-ISA operations (VX_* below), like KN_GEMM. */
#define KN_EXPF(ISA, TGT, VF, VI, SET1, SET1I, FMA, FNMA, ADD, SUB, MUL, SUBI, ADDI, SHL, I2F, F2I, BLEND_IGT, BLEND_ILT,     \
                BLEND_FGT, BLEND_FLT, BLEND_NAN)                                                                            \
    TGT static KN_AI VF expf_##ISA(VF x) {                                                                                  \
        const VF shifter = SET1(12582912.0f);                                                                               \
        VF t = FMA(x, SET1(1.44269502162933349609375f), shifter);                                                           \
        VF kf = SUB(t, shifter);                                                                                            \
        VI k = SUBI(F2I(t), SET1I(0x4b400000)); /* lpcs_f2u(shifter) */                                                     \
        VF r = FNMA(kf, SET1(0.693147182464599609375f), x);                                                                 \
        r = FNMA(kf, SET1(-1.90465421212593e-09f), r);                                                                      \
        VF q = SET1(1.98412701e-4f);                                                                                        \
        q = FMA(q, r, SET1(1.38888892e-3f));                                                                                \
        q = FMA(q, r, SET1(8.33333377e-3f));                                                                                \
        q = FMA(q, r, SET1(4.16666679e-2f));                                                                                \
        q = FMA(q, r, SET1(1.66666672e-1f));                                                                                \
        q = FMA(q, r, SET1(0.5f));                                                                                          \
        VF er = ADD(SET1(1.0f), FMA(MUL(r, r), q, r));                                                                      \
        VF mid = MUL(er, I2F(SHL(ADDI(k, SET1I(127)))));                                                                    \
        VF hi = MUL(MUL(er, SET1(2.0f)), I2F(SHL(ADDI(k, SET1I(126)))));                                                    \
        VF lo = MUL(MUL(er, I2F(SHL(ADDI(k, SET1I(64 + 127))))), SET1(0x1p-64f));                                           \
        VF y = BLEND_IGT(k, 127, mid, hi);                                                                                  \
        y = BLEND_ILT(k, -126, y, lo);                                                                                      \
        y = BLEND_FGT(x, 88.72283172607421875f, y, SET1(INFINITY));                                                         \
        y = BLEND_FLT(x, -103.972076416015625f, y, SET1(0.0f));                                                             \
        return BLEND_NAN(x, y, ADD(x, x));                                                                                  \
    }

/* blends: where (a OP b) take the second value, else the first */
#define B512_IGT(k, c, a, b) _mm512_mask_blend_ps(_mm512_cmpgt_epi32_mask(k, _mm512_set1_epi32(c)), a, b)
#define B512_ILT(k, c, a, b) _mm512_mask_blend_ps(_mm512_cmplt_epi32_mask(k, _mm512_set1_epi32(c)), a, b)
#define B512_FGT(x, c, a, b) _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, _mm512_set1_ps(c), _CMP_GT_OQ), a, b)
#define B512_FLT(x, c, a, b) _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, _mm512_set1_ps(c), _CMP_LT_OQ), a, b)
#define B512_NAN(x, a, b) _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q), a, b)
#define SHL512(v) _mm512_slli_epi32(v, 23)
KN_EXPF(avx512, T512, __m512, __m512i, _mm512_set1_ps, _mm512_set1_epi32, _mm512_fmadd_ps, _mm512_fnmadd_ps, _mm512_add_ps,
        _mm512_sub_ps, _mm512_mul_ps, _mm512_sub_epi32, _mm512_add_epi32, SHL512, _mm512_castsi512_ps, _mm512_castps_si512,
        B512_IGT, B512_ILT, B512_FGT, B512_FLT, B512_NAN)

#define B256_IGT(k, c, a, b) _mm256_blendv_ps(a, b, _mm256_castsi256_ps(_mm256_cmpgt_epi32(k, _mm256_set1_epi32(c))))
#define B256_ILT(k, c, a, b) _mm256_blendv_ps(a, b, _mm256_castsi256_ps(_mm256_cmpgt_epi32(_mm256_set1_epi32(c), k)))
#define B256_FGT(x, c, a, b) _mm256_blendv_ps(a, b, _mm256_cmp_ps(x, _mm256_set1_ps(c), _CMP_GT_OQ))
#define B256_FLT(x, c, a, b) _mm256_blendv_ps(a, b, _mm256_cmp_ps(x, _mm256_set1_ps(c), _CMP_LT_OQ))
#define B256_NAN(x, a, b) _mm256_blendv_ps(a, b, _mm256_cmp_ps(x, x, _CMP_UNORD_Q))
#define SHL256(v) _mm256_slli_epi32(v, 23)
KN_EXPF(avx2, T256, __m256, __m256i, _mm256_set1_ps, _mm256_set1_epi32, _mm256_fmadd_ps, _mm256_fnmadd_ps, _mm256_add_ps,
        _mm256_sub_ps, _mm256_mul_ps, _mm256_sub_epi32, _mm256_add_epi32, SHL256, _mm256_castsi256_ps, _mm256_castps_si256,
        B256_IGT, B256_ILT, B256_FGT, B256_FLT, B256_NAN)

/* Softmax numerator and SwiGLU on W-lane vectors; the last partial vector
 * goes through a zero-padded copy (the padding lanes are discarded). The
 * softmax sum stays golden's plain ascending fp32 adds. */
#define KN_ELEMENTWISE(ISA, TGT, VF, W, LOAD, STORE, SET1, SUB, ADD, MUL, DIV, NEG)                                          \
    TGT static float exp_shift_sum_##ISA(float *x, size_t n, float m) {                                                     \
        float sum = 0.0f, buf[W];                                                                                           \
        for (size_t i = 0; i < n; i += W) {                                                                                 \
            size_t w = n - i < W ? n - i : W;                                                                               \
            float *p = x + i;                                                                                               \
            if (w < W) {                                                                                                    \
                memset(buf, 0, sizeof buf);                                                                                 \
                memcpy(buf, p, w * sizeof *buf);                                                                            \
                p = buf;                                                                                                    \
            }                                                                                                               \
            STORE(p, expf_##ISA(SUB(LOAD(p), SET1(m))));                                                                    \
            for (size_t l = 0; l < w; l++) sum += p[l];                                                                     \
            if (w < W) memcpy(x + i, buf, w * sizeof *buf);                                                                 \
        }                                                                                                                   \
        return sum;                                                                                                         \
    }                                                                                                                       \
    TGT static void swiglu_##ISA(float *out, const float *a, const float *b, size_t n) {                                    \
        float ba[W], bb[W];                                                                                                 \
        for (size_t i = 0; i < n; i += W) {                                                                                 \
            size_t w = n - i < W ? n - i : W;                                                                               \
            const float *pa = a + i, *pb = b + i;                                                                           \
            if (w < W) {                                                                                                    \
                memset(ba, 0, sizeof ba), memset(bb, 0, sizeof bb);                                                         \
                memcpy(ba, pa, w * sizeof *ba), memcpy(bb, pb, w * sizeof *bb);                                             \
                pa = ba, pb = bb;                                                                                           \
            }                                                                                                               \
            VF va = LOAD(pa);                                                                                               \
            VF s = DIV(SET1(1.0f), ADD(SET1(1.0f), expf_##ISA(NEG(va))));                                                   \
            VF y = MUL(MUL(va, s), LOAD(pb));                                                                               \
            if (w == W)                                                                                                     \
                STORE(out + i, y);                                                                                          \
            else {                                                                                                          \
                STORE(ba, y);                                                                                               \
                memcpy(out + i, ba, w * sizeof *ba);                                                                        \
            }                                                                                                               \
        }                                                                                                                   \
    }

/* -v flips the sign bit, as the scalar negation does (NaN included) */
#define NEG512(v) _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(v), _mm512_set1_epi32((int)0x80000000u)))
#define NEG256(v) _mm256_xor_ps(v, _mm256_set1_ps(-0.0f))
KN_ELEMENTWISE(avx512, T512, __m512, 16, _mm512_loadu_ps, _mm512_storeu_ps, _mm512_set1_ps, _mm512_sub_ps, _mm512_add_ps,
               _mm512_mul_ps, _mm512_div_ps, NEG512)
KN_ELEMENTWISE(avx2, T256, __m256, 8, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_set1_ps, _mm256_sub_ps, _mm256_add_ps,
               _mm256_mul_ps, _mm256_div_ps, NEG256)

/* x[i] = x[i] / d (IEEE division lane by lane: golden's bits) */
T512 static void div_scalar_avx512(float *x, size_t n, float d) {
    size_t i = 0;
    __m512 dv = _mm512_set1_ps(d);
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(x + i, _mm512_div_ps(_mm512_loadu_ps(x + i), dv));
    if (i < n) {
        __mmask16 k = (__mmask16)((1u << (n - i)) - 1);
        _mm512_mask_storeu_ps(x + i, k, _mm512_div_ps(_mm512_maskz_loadu_ps(k, x + i), dv));
    }
}
T256 static void div_scalar_avx2(float *x, size_t n, float d) {
    size_t i = 0;
    __m256 dv = _mm256_set1_ps(d);
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(x + i, _mm256_div_ps(_mm256_loadu_ps(x + i), dv));
    for (; i < n; i++) x[i] = x[i] / d;
}

T256 static void axpy_avx2(float *o, float a, const float *v, size_t n) {
    size_t i = 0;
    __m256 av = _mm256_set1_ps(a);
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(o + i, _mm256_fmadd_ps(av, _mm256_loadu_ps(v + i), _mm256_loadu_ps(o + i)));
    for (; i < n; i++) o[i] = fmaf(a, v[i], o[i]);
}
#endif

/* ---- dispatch ---- */

#ifdef KN_X86
/* F16C from CPUID leaf 1 (ECX bit 29): Debian's clang 14 rejects
 * __builtin_cpu_supports("f16c"), and the fuzz build uses clang. */
static int cpu_has_f16c(void) {
    unsigned a, b, c, d;
    return __get_cpuid(1, &a, &b, &c, &d) && (c & bit_F16C) != 0;
}
#endif

int kn_isa_supported(kn_isa isa) {
    switch (isa) {
    case KN_ISA_PORTABLE: return 1;
#ifdef KN_X86
    case KN_ISA_AVX2:
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && cpu_has_f16c();
    case KN_ISA_AVX512:
        return __builtin_cpu_supports("avx512f") && kn_isa_supported(KN_ISA_AVX2);
#endif
    default: return 0;
    }
}

kn_isa kn_isa_best(void) {
    if (kn_isa_supported(KN_ISA_AVX512)) return KN_ISA_AVX512;
    if (kn_isa_supported(KN_ISA_AVX2)) return KN_ISA_AVX2;
    return KN_ISA_PORTABLE;
}

const char *kn_isa_name(kn_isa isa) {
    static const char *const names[KN_ISA_COUNT] = {"portable", "avx2", "avx512"};
    return isa >= 0 && isa < KN_ISA_COUNT ? names[isa] : "?";
}

int kn_isa_parse(const char *name) {
    if (!name) return -1;
    if (!strcmp(name, "auto")) return (int)kn_isa_best();
    for (int i = 0; i < KN_ISA_COUNT; i++)
        if (!strcmp(name, kn_isa_name((kn_isa)i))) return i;
    return -1;
}

void kn_gemm(kn_isa isa, kn_wtype wtype, float *Y, size_t ldy, const void *W, size_t ldw, const float *X, size_t ldx, size_t T,
             size_t r0, size_t r1, size_t cols) {
#ifdef KN_X86
    if (isa == KN_ISA_AVX512) return gemm_avx512(wtype, Y, ldy, W, ldw, X, ldx, T, r0, r1, cols);
    if (isa == KN_ISA_AVX2) return gemm_avx2(wtype, Y, ldy, W, ldw, X, ldx, T, r0, r1, cols);
#endif
    (void)isa;
    gemm_portable(wtype, Y, ldy, W, ldw, X, ldx, T, r0, r1, cols);
}

float kn_dot_f32(kn_isa isa, const float *a, const float *b, size_t n) {
    float y;
    kn_gemm(isa, KN_W_F32, &y, 1, a, n, b, n, 1, 0, 1, n);
    return y;
}

void kn_attn_av(kn_isa isa, float *out, const float *att, const float *V, size_t ldv, size_t T, size_t n) {
#ifdef KN_X86
    if (isa == KN_ISA_AVX512) return attn_av_avx512(out, att, V, ldv, T, n);
    if (isa == KN_ISA_AVX2) return attn_av_avx2(out, att, V, ldv, T, n);
#endif
    (void)isa;
    for (size_t i = 0; i < n; i++) {
        float a = 0.0f;
        for (size_t t = 0; t < T; t++) a = fmaf(att[t], V[t * ldv + i], a);
        out[i] = a;
    }
}

float kn_exp_shift_sum(kn_isa isa, float *x, size_t n, float m) {
#ifdef KN_X86
    if (isa == KN_ISA_AVX512) return exp_shift_sum_avx512(x, n, m);
    if (isa == KN_ISA_AVX2) return exp_shift_sum_avx2(x, n, m);
#endif
    (void)isa;
    float sum = 0.0f;
    for (size_t i = 0; i < n; i++) {
        x[i] = lpcs_expf(x[i] - m);
        sum += x[i];
    }
    return sum;
}

void kn_swiglu(kn_isa isa, float *out, const float *a, const float *b, size_t n) {
#ifdef KN_X86
    if (isa == KN_ISA_AVX512) return swiglu_avx512(out, a, b, n);
    if (isa == KN_ISA_AVX2) return swiglu_avx2(out, a, b, n);
#endif
    (void)isa;
    for (size_t i = 0; i < n; i++) out[i] = a[i] * (1.0f / (1.0f + lpcs_expf(-a[i]))) * b[i];
}

void kn_div_scalar(kn_isa isa, float *x, size_t n, float d) {
#ifdef KN_X86
    if (isa == KN_ISA_AVX512) return div_scalar_avx512(x, n, d);
    if (isa == KN_ISA_AVX2) return div_scalar_avx2(x, n, d);
#endif
    (void)isa;
    for (size_t i = 0; i < n; i++) x[i] = x[i] / d;
}

void kn_axpy_fma(kn_isa isa, float *o, float a, const float *v, size_t n) {
#ifdef KN_X86
    if (isa != KN_ISA_PORTABLE) return axpy_avx2(o, a, v, n);
#endif
    (void)isa;
    for (size_t i = 0; i < n; i++) o[i] = fmaf(a, v[i], o[i]);
}
