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

/* Every packed block is one 64-byte cache line: 64 columns of bytes, 128 of
 * nibbles or 256 of 2-bit crumbs (column i of a block: byte i % 64, field
 * i / 64), so one aligned load feeds 1, 2 or 4 multiply-adds with no
 * cross-lane step. The packed sub-byte codes are unsigned, code + zp. */
#define KI_BLOCK_BYTES 64
/* Rows interleaved by groups of KI_ROW_GROUP: block j of rows 4g..4g+3 are 4
 * adjacent lines, so a 4-row kernel reads one sequential stream. */
#define KI_KSTRIDE (KI_ROW_GROUP * KI_BLOCK_BYTES)
static inline uint8_t *row_ptr(const ki_matrix *m, size_t r) {
    return m->w + r / KI_ROW_GROUP * KI_ROW_GROUP * m->row_bytes + r % KI_ROW_GROUP * KI_BLOCK_BYTES;
}
static size_t blk_cols(int bits) { return bits <= 2 ? 256 : bits <= 4 ? 128 : 64; }
/* Software prefetch distance in the weight stream (each row group step
 * prefetches its KI_KSTRIDE bytes this far ahead). */
#define KI_PREFETCH 4096
static int zero_point(int bits) { return bits <= 2 ? 1 : bits <= 4 ? 8 : 0; }
static unsigned field_bits(int bits) { return bits <= 2 ? 2 : bits <= 4 ? 4 : 8; }

int ki_layout(int bits, size_t cols, size_t *kpad, size_t *row_bytes) {
    if (!intq_qmax(bits)) return LPCS_EINVAL;
    size_t bc = blk_cols(bits), kp = (cols + bc - 1) / bc * bc;
    *kpad = kp ? kp : bc;
    *row_bytes = *kpad / bc * KI_BLOCK_BYTES;
    return LPCS_OK;
}

int ki_matrix_init(ki_matrix *m, int bits, const int8_t *codes, const float *scales, size_t rows, size_t cols) {
    memset(m, 0, sizeof *m);
    int qmax = intq_qmax(bits);
    /* every partial sum, with activations down to -128, must fit int32 */
    if (!qmax || cols > (size_t)INT32_MAX / (128u * (unsigned)qmax) || (rows && !codes)) return LPCS_EINVAL;
    m->bits = bits, m->rows = rows, m->cols = cols;
    ki_layout(bits, cols, &m->kpad, &m->row_bytes);
    size_t grows = (rows + KI_ROW_GROUP - 1) / KI_ROW_GROUP * KI_ROW_GROUP; /* whole row groups */
    m->w = aligned_alloc(64, grows * m->row_bytes + 64);
    m->scale = malloc((rows + 1) * sizeof *m->scale);
    m->wsum = malloc((rows + 1) * sizeof *m->wsum);
    if (!m->w || !m->scale || !m->wsum) {
        ki_matrix_free(m);
        return LPCS_ENOMEM;
    }
    unsigned sh = field_bits(bits);
    int zp = zero_point(bits);
    memset(m->w, sh == 2 ? 0x55 : sh == 4 ? 0x88 : 0, grows * m->row_bytes); /* zero codes: crumbs 1, nibbles 8, bytes 0 */
    size_t bc = blk_cols(bits);
    for (size_t r = 0; r < rows; r++) {
        uint8_t *dst = row_ptr(m, r);
        int32_t s = 0;
        for (size_t k = 0; k < cols; k++) {
            int c = codes[r * cols + k];
            if (c > qmax || c < -qmax) {
                ki_matrix_free(m);
                return LPCS_EINVAL;
            }
            s += c;
            size_t i = k % bc;
            uint8_t *b = &dst[k / bc * KI_KSTRIDE + i % KI_BLOCK_BYTES];
            if (sh == 8) {
                *b = (uint8_t)(int8_t)c;
                continue;
            }
            unsigned shift = (unsigned)(i / KI_BLOCK_BYTES) * sh, mask = (1u << sh) - 1;
            *b = (uint8_t)((*b & ~(mask << shift)) | ((unsigned)(c + zp) << shift));
        }
        m->scale[r] = scales ? scales[r] : 0.0f, m->wsum[r] = s;
    }
    return LPCS_OK;
}

void ki_matrix_free(ki_matrix *m) {
    free(m->w);
    free(m->scale);
    free(m->wsum);
    memset(m, 0, sizeof *m);
}

static void quantize_portable(const float *x, size_t cols, int8_t *q, float *sa) {
    intq_quantize_tensor(8, x, cols, q, sa); /* bits 8 is valid: cannot fail */
}

/* golden intq's scale from a vector loop's absmax and the tail x[c..cols);
 * 0 (and every code 0, as golden) when it is not positive. */
static float act_scale(const float *x, size_t c, size_t cols, float absmax, int8_t *q, float *sa) {
    float tail = intq_absmax(x + c, cols - c);
    float s = *sa = intq_scale_for_absmax(8, tail > absmax ? tail : absmax);
    if (s > 0.0f) return s;
    memset(q, 0, cols);
    return 0.0f;
}

/* Where the results go: Y with the activation scales sa, or raw sums Yi. */
typedef struct {
    float *Y;
    int32_t *Yi;
    size_t ldy;
    const float *sa;
} ki_out;

/* ---- portable ---- */

static inline int wcode(const ki_matrix *m, const uint8_t *row, size_t k) {
    unsigned sh = field_bits(m->bits);
    size_t bc = blk_cols(m->bits), i = k % bc;
    unsigned b = row[k / bc * KI_KSTRIDE + i % KI_BLOCK_BYTES];
    if (sh == 8) return (int8_t)b;
    return (int)((b >> (i / KI_BLOCK_BYTES * sh)) & ((1u << sh) - 1)) - zero_point(m->bits);
}

/* The output of one (row, token): scaled (Y) or the raw sum (Yi). */
static inline void put(const ki_out *o, const ki_matrix *m, size_t t, size_t r, int32_t acc) {
    if (o->Yi)
        o->Yi[t * o->ldy + r] = acc;
    else
        o->Y[t * o->ldy + r] = intdot_scale(acc, o->sa[t], m->scale[r]);
}

static void gemm_portable(const ki_matrix *m, const ki_out *o, const int8_t *A, size_t T, size_t r0, size_t r1) {
    for (size_t r = r0; r < r1; r++) {
        const uint8_t *row = row_ptr(m, r);
        for (size_t t = 0; t < T; t++) {
            const int8_t *a = A + t * m->kpad;
            int32_t acc = 0;
            for (size_t k = 0; k < m->cols; k++) acc += wcode(m, row, k) * a[k];
            put(o, m, t, r, acc);
        }
    }
}

#ifdef KI_X86
/* ---- AVX2: vpmaddubsw (u8 x s8 -> s16 pairs) + vpmaddwd -> s32 ---- */

#define TI256 __attribute__((target("avx2")))

/* fn_sh(field width, m, ...) with the width as a constant: one specialised
 * clone per width (the shifts and the field loop unrolled). */
#define CALL_PER_WIDTH(fn_sh, m, ...)                                                                                     \
    switch (field_bits((m)->bits)) {                                                                                      \
    case 2: fn_sh(2, m, __VA_ARGS__); return;                                                                            \
    case 4: fn_sh(4, m, __VA_ARGS__); return;                                                                            \
    default: fn_sh(8, m, __VA_ARGS__); return;                                                                           \
    }

/* The KI_KSTRIDE bytes (one block of a row group) at p, into L1 ahead of use. */
static inline __attribute__((always_inline)) void prefetch_step(const uint8_t *p) {
    for (int i = 0; i < KI_KSTRIDE; i += 64) _mm_prefetch((const char *)(p + i), _MM_HINT_T0);
}

/* acc[i] + the int32 sums of one 64-byte block of row i (nr rows, block at
 * p[i] + kw) with one token. The activation side is loaded once per block for
 * every row: bytes: au = |a| (the unsigned side), as = a (whose signs move onto
 * the weights); nibbles / crumbs: as[f] = columns 64f + 0..63 of a. */
TI256 static inline __attribute__((always_inline)) void blk_avx2(unsigned sh, const uint8_t *const *p, size_t kw, size_t nr,
                                                                 const __m256i *au, const __m256i *as, __m256i *acc) {
    const __m256i ones = _mm256_set1_epi16(1), mask = _mm256_set1_epi8(sh == 4 ? 15 : 3);
#pragma GCC unroll 4
    for (size_t i = 0; i < nr; i++) {
        __m256i v0 = _mm256_load_si256((const __m256i *)(p[i] + kw)), v1 = _mm256_load_si256((const __m256i *)(p[i] + kw + 32));
        if (sh == 8) { /* |a| x (w with a's sign): |pair| <= 2 * 128 * 127 (|-128| is 128 unsigned) */
            __m256i p0 = _mm256_maddubs_epi16(au[0], _mm256_sign_epi8(v0, as[0]));
            __m256i p1 = _mm256_maddubs_epi16(au[1], _mm256_sign_epi8(v1, as[1]));
            /* widen each half to int32 before adding: two int8 pairs could exceed int16 */
            acc[i] = _mm256_add_epi32(acc[i], _mm256_add_epi32(_mm256_madd_epi16(p0, ones), _mm256_madd_epi16(p1, ones)));
            continue;
        }
        /* unsigned fields (code + zp <= 15) x signed activations: |pair| <= 2 * 15 * 128, and
         * the 4 (nibbles, <= 4 * 3840) or 8 (crumbs, <= 8 * 512) pair sums added in int16 fit */
        __m256i s = _mm256_setzero_si256();
        for (unsigned f = 0; f < 8 / sh; f++) { /* field f: columns 64f + 0..63 (sh constant: unrolled) */
            __m256i w0 = _mm256_and_si256(f ? _mm256_srli_epi16(v0, (int)(f * sh)) : v0, mask);
            __m256i w1 = _mm256_and_si256(f ? _mm256_srli_epi16(v1, (int)(f * sh)) : v1, mask);
            s = _mm256_add_epi16(s, _mm256_add_epi16(_mm256_maddubs_epi16(w0, as[2 * f]), _mm256_maddubs_epi16(w1, as[2 * f + 1])));
        }
        acc[i] = _mm256_add_epi32(acc[i], _mm256_madd_epi16(s, ones));
    }
}

TI256 static inline __attribute__((always_inline)) int32_t hsum256(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
    return _mm_cvtsi128_si32(s);
}

/* golden intq's rule, 8 floats at a time (as quantize_avx512 below): absmax
 * of the finite values, x / scale (IEEE division), round half to even, clamp
 * to +-127, NaN -> 0; the tail (cols % 32) through golden's scalar function. */
TI256 static void quantize_avx2(const float *x, size_t cols, int8_t *q, float *sa) {
    size_t c8 = cols & ~(size_t)7, c32 = cols & ~(size_t)31;
    const __m256 inf = _mm256_set1_ps(__builtin_inff()), sign = _mm256_set1_ps(-0.0f);
    __m256 m = _mm256_setzero_ps();
    for (size_t k = 0; k < c8; k += 8) {
        __m256 a = _mm256_andnot_ps(sign, _mm256_loadu_ps(x + k));
        m = _mm256_max_ps(m, _mm256_and_ps(a, _mm256_cmp_ps(a, inf, _CMP_LT_OQ))); /* NaN, inf -> 0 */
    }
    __m128 h = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
    h = _mm_max_ps(h, _mm_movehl_ps(h, h));
    h = _mm_max_ss(h, _mm_shuffle_ps(h, h, 1));
    float s = act_scale(x, c8, cols, _mm_cvtss_f32(h), q, sa);
    if (s == 0.0f) return;
    const __m256 sv = _mm256_set1_ps(s), hi = _mm256_set1_ps(127.0f), lo = _mm256_set1_ps(-127.0f);
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    for (size_t k = 0; k < c32; k += 32) {
        __m256i c[4];
        for (int i = 0; i < 4; i++) {
            __m256 v = _mm256_loadu_ps(x + k + 8 * (size_t)i);
            __m256 t = _mm256_round_ps(_mm256_div_ps(v, sv), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
            t = _mm256_min_ps(_mm256_max_ps(t, lo), hi);
            c[i] = _mm256_cvtps_epi32(_mm256_and_ps(t, _mm256_cmp_ps(v, v, _CMP_ORD_Q))); /* NaN -> 0 */
        }
        __m256i b = _mm256_packs_epi16(_mm256_packs_epi32(c[0], c[1]), _mm256_packs_epi32(c[2], c[3]));
        _mm256_storeu_si256((__m256i *)(q + k), _mm256_permutevar8x32_epi32(b, order));
    }
    for (size_t k = c32; k < cols; k++) q[k] = intq_quantize_one(8, x[k], s);
}

/* The four rows' sums of acc[0..3] (lane sums), in one vector. */
TI256 static inline __attribute__((always_inline)) __m128i hsum4_256(const __m256i *a) {
    __m256i h = _mm256_hadd_epi32(_mm256_hadd_epi32(a[0], a[1]), _mm256_hadd_epi32(a[2], a[3]));
    return _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
}

/* RB rows at a time (one accumulator each), every token per row block so the
 * rows stay in L1 across the tokens of a prefill; sh a constant per clone. */
TI256 static inline __attribute__((always_inline)) void gemm_avx2_sh(unsigned sh, const ki_matrix *m, const ki_out *o,
                                                                     const int8_t *A, const int32_t *qsum, size_t T,
                                                                     size_t r0, size_t r1) {
    enum { RB = 4 };
    const size_t bc = 64 * (8 / sh), nv = 2 * (8 / sh);
    const int zp = zero_point(m->bits);
    for (size_t r = r0; r < r1; r += RB) {
        size_t nr = r1 - r < RB ? r1 - r : RB;
        for (size_t t = 0; t < T; t++) {
            const int8_t *a = A + t * m->kpad;
            __m256i acc[RB] = {_mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256()};
            const uint8_t *p[RB];
            for (size_t i = 0; i < nr; i++) p[i] = row_ptr(m, r + i);
            for (size_t k = 0, kw = 0; k < m->kpad; k += bc, kw += KI_KSTRIDE) {
                if (t == 0) prefetch_step(p[0] + kw + KI_PREFETCH);
                __m256i as[8], au[2];
                for (size_t f = 0; f < nv; f++) as[f] = _mm256_loadu_si256((const __m256i *)(a + k + 32 * f));
                if (sh == 8) au[0] = _mm256_abs_epi8(as[0]), au[1] = _mm256_abs_epi8(as[1]);
                if (nr == RB)
                    blk_avx2(sh, p, kw, RB, au, as, acc);
                else
                    blk_avx2(sh, p, kw, nr, au, as, acc);
            }
            int32_t s[RB];
            if (nr == RB)
                _mm_storeu_si128((__m128i *)s, hsum4_256(acc));
            else
                for (size_t i = 0; i < nr; i++) s[i] = hsum256(acc[i]);
            for (size_t i = 0; i < nr; i++) put(o, m, t, r + i, s[i] - zp * qsum[t]);
        }
    }
}

TI256 static void gemm_avx2(const ki_matrix *m, const ki_out *o, const int8_t *A, const int32_t *qsum, size_t T, size_t r0,
                            size_t r1) {
    CALL_PER_WIDTH(gemm_avx2_sh, m, o, A, qsum, T, r0, r1);
}

/* ---- AVX-512 VNNI: vpdpbusd (u8 x s8, four products per int32 lane) ---- */

#define TI512 __attribute__((target("avx512f,avx512bw,avx512vnni,avx2")))

/* golden intq's rule for 16 floats at once: absmax of the finite values,
 * x / scale (IEEE division), round half to even (vrndscaleps), clamp to
 * +-127, NaN -> 0; the tail (cols % 16) through golden's scalar function. */
TI512 static void quantize_avx512(const float *x, size_t cols, int8_t *q, float *sa) {
    size_t c16 = cols & ~(size_t)15;
    const __m512 inf = _mm512_set1_ps(__builtin_inff());
    __m512 m = _mm512_setzero_ps();
    for (size_t k = 0; k < c16; k += 16) {
        __m512 a = _mm512_abs_ps(_mm512_loadu_ps(x + k));
        m = _mm512_mask_max_ps(m, _mm512_cmp_ps_mask(a, inf, _CMP_LT_OQ), m, a); /* finite lanes only */
    }
    float s = act_scale(x, c16, cols, _mm512_reduce_max_ps(m), q, sa);
    if (s == 0.0f) return;
    const __m512 sv = _mm512_set1_ps(s), hi = _mm512_set1_ps(127.0f), lo = _mm512_set1_ps(-127.0f);
    for (size_t k = 0; k < c16; k += 16) {
        __m512 v = _mm512_loadu_ps(x + k);
        __m512 t = _mm512_roundscale_ps(_mm512_div_ps(v, sv), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        t = _mm512_min_ps(_mm512_max_ps(t, lo), hi);
        __m512i c = _mm512_maskz_cvtps_epi32(_mm512_cmp_ps_mask(v, v, _CMP_ORD_Q), t); /* NaN -> 0 */
        _mm_storeu_si128((__m128i *)(q + k), _mm512_cvtepi32_epi8(c));
    }
    for (size_t k = c16; k < cols; k++) q[k] = intq_quantize_one(8, x[k], s);
}

/* The four rows' sums of acc[0..3] (lane sums), in one vector. */
TI512 static inline __attribute__((always_inline)) __m128i hsum4_512(const __m512i *a) {
    __m512i t0 = _mm512_add_epi32(_mm512_unpacklo_epi32(a[0], a[1]), _mm512_unpackhi_epi32(a[0], a[1]));
    __m512i t1 = _mm512_add_epi32(_mm512_unpacklo_epi32(a[2], a[3]), _mm512_unpackhi_epi32(a[2], a[3]));
    __m512i u = _mm512_add_epi32(_mm512_unpacklo_epi64(t0, t1), _mm512_unpackhi_epi64(t0, t1));
    __m256i v = _mm256_add_epi32(_mm512_castsi512_si256(u), _mm512_extracti64x4_epi64(u, 1));
    return _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
}

/* acc[i] + the sums of one 64-byte block of row i (nr rows, block at
 * p[i] + kw) with activations av[f] (field f: columns 64f + 0..63). Bytes:
 * av is a + 128 (the unsigned side); nibbles / crumbs: the unsigned fields
 * code + zp, shifted down and masked. */
TI512 static inline __attribute__((always_inline)) void blk_vnni(unsigned sh, const uint8_t *const *p, size_t kw, size_t nr,
                                                                 const __m512i *av, __m512i *acc) {
    const __m512i mask = _mm512_set1_epi8(sh == 4 ? 15 : 3);
#pragma GCC unroll 4
    for (size_t i = 0; i < nr; i++) {
        __m512i v = _mm512_load_si512((const void *)(p[i] + kw));
        if (sh == 8) {
            acc[i] = _mm512_dpbusd_epi32(acc[i], av[0], v);
            continue;
        }
        for (unsigned f = 0; f < 8 / sh; f++) { /* 2 or 4 fields: unrolled by -O2 (sh is a constant) */
            __m512i wf = _mm512_and_si512(f ? _mm512_srli_epi16(v, f * sh) : v, mask);
            acc[i] = _mm512_dpbusd_epi32(acc[i], wf, av[f]);
        }
    }
}

TI512 static inline __attribute__((always_inline)) void gemm_vnni_sh(unsigned sh, const ki_matrix *m, const ki_out *o,
                                                                     const int8_t *A, const int32_t *qsum, size_t T,
                                                                     size_t r0, size_t r1) {
    enum { RB = 4 };
    const size_t bc = 64 * (8 / sh), nf = 8 / sh;
    const int bytes = sh == 8, zp = zero_point(m->bits);
    const __m512i bias = _mm512_set1_epi8(bytes ? (char)0x80 : 0); /* int8 weights: a + 128 is the unsigned side */
    for (size_t r = r0; r < r1; r += RB) {
        size_t nr = r1 - r < RB ? r1 - r : RB;
        for (size_t t = 0; t < T; t++) {
            const int8_t *a = A + t * m->kpad;
            __m512i acc[RB] = {_mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512()};
            const uint8_t *p[RB];
            for (size_t i = 0; i < nr; i++) p[i] = row_ptr(m, r + i);
            for (size_t k = 0, kw = 0; k < m->kpad; k += bc, kw += KI_KSTRIDE) {
                if (t == 0) prefetch_step(p[0] + kw + KI_PREFETCH);
                __m512i av[4];
                for (size_t f = 0; f < nf; f++) av[f] = _mm512_xor_si512(_mm512_loadu_si512((const void *)(a + k + 64 * f)), bias);
                if (nr == RB)
                    blk_vnni(sh, p, kw, RB, av, acc);
                else
                    blk_vnni(sh, p, kw, nr, av, acc);
            }
            int32_t s[RB];
            if (nr == RB)
                _mm_storeu_si128((__m128i *)s, hsum4_512(acc));
            else
                for (size_t i = 0; i < nr; i++) s[i] = _mm512_reduce_add_epi32(acc[i]);
            for (size_t i = 0; i < nr; i++) put(o, m, t, r + i, s[i] - (bytes ? 128 * m->wsum[r + i] : zp * qsum[t]));
        }
    }
}

TI512 static void gemm_vnni(const ki_matrix *m, const ki_out *o, const int8_t *A, const int32_t *qsum, size_t T, size_t r0,
                            size_t r1) {
    CALL_PER_WIDTH(gemm_vnni_sh, m, o, A, qsum, T, r0, r1);
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

static void gemm(ki_variant v, const ki_matrix *m, const ki_out *o, const int8_t *A, const int32_t *qsum, size_t T, size_t r0,
                 size_t r1) {
#ifdef KI_X86
    if (v == KI_AVX512VNNI) return gemm_vnni(m, o, A, qsum, T, r0, r1);
    if (v == KI_AVX2) return gemm_avx2(m, o, A, qsum, T, r0, r1);
#endif
    (void)v, (void)qsum;
    gemm_portable(m, o, A, T, r0, r1);
}

void ki_gemm(ki_variant v, const ki_matrix *m, float *Y, size_t ldy, const int8_t *A, const float *sa, const int32_t *qsum,
             size_t T, size_t r0, size_t r1) {
    ki_out o = {Y, NULL, ldy, sa};
    gemm(v, m, &o, A, qsum, T, r0, r1);
}

void ki_gemm_i32(ki_variant v, const ki_matrix *m, int32_t *Y, size_t ldy, const int8_t *A, const int32_t *qsum, size_t T,
                 size_t r0, size_t r1) {
    ki_out o = {NULL, Y, ldy, NULL};
    gemm(v, m, &o, A, qsum, T, r0, r1);
}

void ki_quantize_act(ki_variant v, const float *x, size_t cols, size_t kpad, int8_t *q, float *sa, int32_t *qsum) {
#ifdef KI_X86
    if (v == KI_AVX512VNNI)
        quantize_avx512(x, cols, q, sa);
    else if (v == KI_AVX2)
        quantize_avx2(x, cols, q, sa);
    else
#endif
        quantize_portable(x, cols, q, sa);
    (void)v;
    int32_t s = 0;
    for (size_t k = 0; k < cols; k++) s += q[k];
    memset(q + cols, 0, kpad - cols);
    *qsum = s;
}

void ki_pad_act(const int8_t *x, size_t cols, size_t kpad, int8_t *q, int32_t *qsum) {
    int32_t s = 0;
    for (size_t k = 0; k < cols; k++) s += q[k] = x[k];
    memset(q + cols, 0, kpad - cols);
    *qsum = s;
}
