/* Integer matmul kernels (int_cpu.h): exact int32 block sums, then golden
 * intdot's fp32 rescale. */
#include "int_cpu.h"

#include <stdlib.h>
#include <string.h>

#include "intdot.h"
#include "intq.h"
#include "status.h"

#if defined(__x86_64__) || defined(__i386__)
#define KI_X86 1
#include <immintrin.h>
#endif

/* ---- packing ---- */

static int packed_nibbles(int bits) { return bits <= 4; }

int ki_matrix_init(ki_matrix *m, int bits, const int8_t *codes, const float *scales, size_t rows, size_t cols) {
    memset(m, 0, sizeof *m);
    int qmax = intq_qmax(bits);
    if (!qmax || cols > INTDOT_MAX_COLS || (rows && (!codes || !scales))) return LPCS_EINVAL;
    size_t kpad = (cols + KI_COLS_BLOCK - 1) / KI_COLS_BLOCK * KI_COLS_BLOCK;
    if (kpad == 0) kpad = KI_COLS_BLOCK;
    m->bits = bits, m->rows = rows, m->cols = cols, m->kpad = kpad;
    m->row_bytes = packed_nibbles(bits) ? kpad / 2 : kpad;
    m->w = aligned_alloc(64, (rows * m->row_bytes + 127) / 64 * 64); /* size: a multiple of the alignment */
    m->scale = malloc((rows + 1) * sizeof *m->scale);
    m->wsum = malloc((rows + 1) * sizeof *m->wsum);
    if (!m->w || !m->scale || !m->wsum) {
        ki_matrix_free(m);
        return LPCS_ENOMEM;
    }
    memset(m->w, packed_nibbles(bits) ? 0x88 : 0, rows * m->row_bytes);
    for (size_t r = 0; r < rows; r++) {
        uint8_t *dst = m->w + r * m->row_bytes;
        int32_t s = 0;
        for (size_t k = 0; k < cols; k++) {
            int c = codes[r * cols + k];
            if (c > qmax || c < -qmax) {
                ki_matrix_free(m);
                return LPCS_EINVAL;
            }
            s += c;
            if (!packed_nibbles(bits)) {
                dst[k] = (uint8_t)(int8_t)c;
                continue;
            }
            size_t blk = k / KI_COLS_BLOCK * (KI_COLS_BLOCK / 2), i = k % KI_COLS_BLOCK;
            uint8_t *b = &dst[blk + i % 32];
            *b = i < 32 ? (uint8_t)((*b & 0xf0) | (c + 8)) : (uint8_t)((*b & 0x0f) | ((c + 8) << 4));
        }
        m->scale[r] = scales[r], m->wsum[r] = s;
    }
    return LPCS_OK;
}

void ki_matrix_free(ki_matrix *m) {
    free(m->w);
    free(m->scale);
    free(m->wsum);
    memset(m, 0, sizeof *m);
}

void ki_quantize_act(const float *x, size_t cols, size_t kpad, int8_t *q, float *sa, int32_t *qsum) {
    intq_quantize_tensor(8, x, cols, q, sa); /* bits 8 is valid: cannot fail */
    int32_t s = 0;
    for (size_t k = 0; k < cols; k++) s += q[k];
    memset(q + cols, 0, kpad - cols);
    *qsum = s;
}

/* ---- portable ---- */

static inline int wcode(const ki_matrix *m, const uint8_t *row, size_t k) {
    if (!packed_nibbles(m->bits)) return (int8_t)row[k];
    uint8_t b = row[k / KI_COLS_BLOCK * (KI_COLS_BLOCK / 2) + k % 32];
    return (k % KI_COLS_BLOCK < 32 ? (b & 15) : (b >> 4)) - 8;
}

static void gemm_portable(const ki_matrix *m, float *Y, size_t ldy, const int8_t *A, const float *sa, size_t T, size_t r0,
                          size_t r1) {
    for (size_t r = r0; r < r1; r++) {
        const uint8_t *row = m->w + r * m->row_bytes;
        for (size_t t = 0; t < T; t++) {
            const int8_t *a = A + t * m->kpad;
            int32_t acc = 0;
            for (size_t k = 0; k < m->cols; k++) acc += wcode(m, row, k) * a[k];
            Y[t * ldy + r] = intdot_scale(acc, sa[t], m->scale[r]);
        }
    }
}

#ifdef KI_X86
/* ---- AVX2: vpmaddubsw (u8 x s8 -> s16 pairs) + vpmaddwd -> s32 ---- */

#define TI256 __attribute__((target("avx2")))

/* The int32 sum of a 64-column block of one row with one token. */
TI256 static inline __attribute__((always_inline)) __m256i blk_avx2(int nib, const uint8_t *w, const int8_t *a, __m256i acc) {
    const __m256i ones = _mm256_set1_epi16(1);
    __m256i a0 = _mm256_loadu_si256((const __m256i *)a), a1 = _mm256_loadu_si256((const __m256i *)(a + 32)), p0, p1;
    if (nib) { /* unsigned nibbles (code + 8) x signed activations: |pair| <= 2 * 15 * 127 */
        __m256i v = _mm256_loadu_si256((const __m256i *)w), m4 = _mm256_set1_epi8(15);
        p0 = _mm256_maddubs_epi16(_mm256_and_si256(v, m4), a0);
        p1 = _mm256_maddubs_epi16(_mm256_and_si256(_mm256_srli_epi16(v, 4), m4), a1);
    } else { /* |a| x (w with a's sign): |pair| <= 2 * 127 * 127 */
        __m256i w0 = _mm256_loadu_si256((const __m256i *)w), w1 = _mm256_loadu_si256((const __m256i *)(w + 32));
        p0 = _mm256_maddubs_epi16(_mm256_abs_epi8(a0), _mm256_sign_epi8(w0, a0));
        p1 = _mm256_maddubs_epi16(_mm256_abs_epi8(a1), _mm256_sign_epi8(w1, a1));
    }
    /* widen each half to int32 before adding: two int8 pairs could exceed int16 */
    return _mm256_add_epi32(acc, _mm256_add_epi32(_mm256_madd_epi16(p0, ones), _mm256_madd_epi16(p1, ones)));
}

TI256 static inline __attribute__((always_inline)) int32_t hsum256(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
    return _mm_cvtsi128_si32(s);
}

/* RB rows at a time (one accumulator each), every token per row block so the
 * rows stay in L1 across the tokens of a prefill. */
TI256 static void gemm_avx2(const ki_matrix *m, float *Y, size_t ldy, const int8_t *A, const float *sa, const int32_t *qsum,
                            size_t T, size_t r0, size_t r1) {
    enum { RB = 4 };
    int nib = packed_nibbles(m->bits);
    size_t wstep = nib ? KI_COLS_BLOCK / 2 : KI_COLS_BLOCK;
    for (size_t r = r0; r < r1; r += RB) {
        size_t nr = r1 - r < RB ? r1 - r : RB;
        for (size_t t = 0; t < T; t++) {
            const int8_t *a = A + t * m->kpad;
            __m256i acc[RB] = {_mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256()};
            for (size_t k = 0, kw = 0; k < m->kpad; k += KI_COLS_BLOCK, kw += wstep)
                for (size_t i = 0; i < nr; i++) acc[i] = blk_avx2(nib, m->w + (r + i) * m->row_bytes + kw, a + k, acc[i]);
            for (size_t i = 0; i < nr; i++) {
                int32_t s = hsum256(acc[i]) - (nib ? 8 * qsum[t] : 0);
                Y[t * ldy + r + i] = intdot_scale(s, sa[t], m->scale[r + i]);
            }
        }
    }
}

/* ---- AVX-512 VNNI: vpdpbusd (u8 x s8, four products per int32 lane) ---- */

#define TI512 __attribute__((target("avx512f,avx512bw,avx512vnni,avx2")))

TI512 static inline __attribute__((always_inline)) __m512i blk_vnni(int nib, const uint8_t *w, __m512i a, __m512i acc) {
    if (nib) { /* columns 0-31 from the low nibbles, 32-63 from the high ones, unsigned (code + 8) */
        __m256i v = _mm256_loadu_si256((const __m256i *)w);
        __m512i wz = _mm512_inserti64x4(_mm512_castsi256_si512(v), _mm256_srli_epi16(v, 4), 1);
        return _mm512_dpbusd_epi32(acc, _mm512_and_si512(wz, _mm512_set1_epi8(15)), a);
    }
    return _mm512_dpbusd_epi32(acc, a, _mm512_loadu_si512((const void *)w)); /* a already + 128 */
}

TI512 static void gemm_vnni(const ki_matrix *m, float *Y, size_t ldy, const int8_t *A, const float *sa, const int32_t *qsum,
                            size_t T, size_t r0, size_t r1) {
    enum { RB = 4 };
    int nib = packed_nibbles(m->bits);
    size_t wstep = nib ? KI_COLS_BLOCK / 2 : KI_COLS_BLOCK;
    const __m512i bias = _mm512_set1_epi8(nib ? 0 : (char)0x80); /* int8 weights: a + 128 is the unsigned side */
    for (size_t r = r0; r < r1; r += RB) {
        size_t nr = r1 - r < RB ? r1 - r : RB;
        for (size_t t = 0; t < T; t++) {
            const int8_t *a = A + t * m->kpad;
            __m512i acc[RB] = {_mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512()};
            if (nr == RB)
                for (size_t k = 0, kw = 0; k < m->kpad; k += KI_COLS_BLOCK, kw += wstep) {
                    __m512i av = _mm512_xor_si512(_mm512_loadu_si512((const void *)(a + k)), bias);
#pragma GCC unroll 4
                    for (size_t i = 0; i < RB; i++) acc[i] = blk_vnni(nib, m->w + (r + i) * m->row_bytes + kw, av, acc[i]);
                }
            else
                for (size_t k = 0, kw = 0; k < m->kpad; k += KI_COLS_BLOCK, kw += wstep) {
                    __m512i av = _mm512_xor_si512(_mm512_loadu_si512((const void *)(a + k)), bias);
                    for (size_t i = 0; i < nr; i++) acc[i] = blk_vnni(nib, m->w + (r + i) * m->row_bytes + kw, av, acc[i]);
                }
            for (size_t i = 0; i < nr; i++) {
                int32_t s = _mm512_reduce_add_epi32(acc[i]) - (nib ? 8 * qsum[t] : 128 * m->wsum[r + i]);
                Y[t * ldy + r + i] = intdot_scale(s, sa[t], m->scale[r + i]);
            }
        }
    }
}
#endif

/* ---- dispatch ---- */

int ki_supported(ki_variant v) {
    switch (v) {
    case KI_PORTABLE: return 1;
#ifdef KI_X86
    case KI_AVX2: return __builtin_cpu_supports("avx2");
    case KI_AVX512VNNI:
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx2");
#endif
    default: return 0;
    }
}

const char *ki_name(ki_variant v) {
    static const char *const names[KI_COUNT] = {"portable", "avx2", "avx512vnni"};
    return v >= 0 && v < KI_COUNT ? names[v] : "?";
}

ki_variant ki_for_isa(kn_isa isa) {
    if (isa == KN_ISA_AVX512 && ki_supported(KI_AVX512VNNI)) return KI_AVX512VNNI;
    if (isa >= KN_ISA_AVX2 && ki_supported(KI_AVX2)) return KI_AVX2;
    return KI_PORTABLE;
}

void ki_gemm(ki_variant v, const ki_matrix *m, float *Y, size_t ldy, const int8_t *A, const float *sa, const int32_t *qsum,
             size_t T, size_t r0, size_t r1) {
#ifdef KI_X86
    if (v == KI_AVX512VNNI) return gemm_vnni(m, Y, ldy, A, sa, qsum, T, r0, r1);
    if (v == KI_AVX2) return gemm_avx2(m, Y, ldy, A, sa, qsum, T, r0, r1);
#endif
    (void)v, (void)qsum;
    gemm_portable(m, Y, ldy, A, sa, T, r0, r1);
}
