/* ggml block formats: written from the block layouts and the definitions of
 * llama.cpp's reference quantizers (see ggml_quants.h). Float expressions
 * keep ggml's operation order; this file must be built without FMA
 * contraction (the project builds with -std=c11, i.e. -ffp-contract=off). */
#include "ggml_quants.h"

#include <ctype.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include "ggml_x86.h"
#include "ternary_gguf.h"

static const ggml_type_traits k_types[] = {
    [GGML_F32] = {"F32", 1, 4, 1},         [GGML_F16] = {"F16", 1, 2, 1},
    [GGML_Q4_0] = {"Q4_0", 32, 18, 1},     [GGML_Q4_1] = {"Q4_1", 32, 20, 1},
    [GGML_Q5_0] = {"Q5_0", 32, 22, 1},     [GGML_Q5_1] = {"Q5_1", 32, 24, 1},
    [GGML_Q8_0] = {"Q8_0", 32, 34, 1},     [GGML_Q8_1] = {"Q8_1", 32, 36, 0},
    [GGML_Q2_K] = {"Q2_K", 256, 84, 0},    [GGML_Q3_K] = {"Q3_K", 256, 110, 0},
    [GGML_Q4_K] = {"Q4_K", 256, 144, 1},   [GGML_Q5_K] = {"Q5_K", 256, 176, 1},
    [GGML_Q6_K] = {"Q6_K", 256, 210, 1},   [GGML_Q8_K] = {"Q8_K", 256, 292, 1},
    [GGML_IQ2_XXS] = {"IQ2_XXS", 256, 66, 0}, [GGML_IQ2_XS] = {"IQ2_XS", 256, 74, 0},
    [GGML_IQ3_XXS] = {"IQ3_XXS", 256, 98, 0}, [GGML_IQ1_S] = {"IQ1_S", 256, 50, 0},
    [GGML_IQ4_NL] = {"IQ4_NL", 32, 18, 0}, [GGML_IQ3_S] = {"IQ3_S", 256, 110, 0},
    [GGML_IQ2_S] = {"IQ2_S", 256, 82, 0},  [GGML_IQ4_XS] = {"IQ4_XS", 256, 136, 0},
    [GGML_I8] = {"I8", 1, 1, 0},           [GGML_I16] = {"I16", 1, 2, 0},
    [GGML_I32] = {"I32", 1, 4, 0},         [GGML_I64] = {"I64", 1, 8, 0},
    [GGML_F64] = {"F64", 1, 8, 0},         [GGML_IQ1_M] = {"IQ1_M", 256, 56, 0},
    [GGML_BF16] = {"BF16", 1, 2, 1},       [GGML_TQ1_0] = {"TQ1_0", 256, 54, 1},
    [GGML_TQ2_0] = {"TQ2_0", 256, 66, 1},  [GGML_MXFP4] = {"MXFP4", 32, 17, 0},
};

const ggml_type_traits *ggml_type_info(uint32_t t) {
    if (t >= sizeof k_types / sizeof k_types[0] || !k_types[t].name) return NULL;
    return &k_types[t];
}

int ggml_type_by_name(const char *name) {
    if (!name) return -1;
    for (uint32_t t = 0; t < sizeof k_types / sizeof k_types[0]; t++) {
        const char *n = k_types[t].name;
        if (!n) continue;
        size_t i = 0;
        while (n[i] && name[i] && toupper((unsigned char)name[i]) == n[i]) i++;
        if (!n[i] && !name[i]) return (int)t;
    }
    return -1;
}

size_t ggml_row_bytes(uint32_t t, size_t n) {
    const ggml_type_traits *tr = ggml_type_info(t);
    if (!tr || n % (size_t)tr->block) return 0;
    return n / (size_t)tr->block * (size_t)tr->bytes;
}

uint16_t ggml_fp32_to_fp16(float x) { return tq_fp16_from_f32(x); }
float ggml_fp16_to_fp32(uint16_t h) { return tq_f32_from_fp16(h); }

uint16_t ggml_fp32_to_bf16(float x) {
    uint32_t u;
    memcpy(&u, &x, 4);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 64); /* NaN stays quiet */
    return (uint16_t)((u + (0x7fffu + ((u >> 16) & 1u))) >> 16);
}

float ggml_bf16_to_fp32(uint16_t h) {
    uint32_t u = (uint32_t)h << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static void wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static float h2f(const uint8_t *p) { return ggml_fp16_to_fp32(rd16(p)); }
static void f2h(uint8_t *p, float x) { wr16(p, ggml_fp32_to_fp16(x)); }

/* Rounds to nearest, ties to even, via the 1.5*2^23 trick (|x| < 2^22). */
/* float -> int32 truncation as x86's cvttss2si (what llama.cpp's C casts
 * compile to): NaN and values outside int32 give INT32_MIN. A plain C cast
 * of such a value is undefined behaviour (found by fuzz_qformat: a block
 * whose range overflows to inf gives inf * 0 = NaN). */
static int32_t trunc_i32(float v) {
    return v > -2147483904.0f && v < 2147483648.0f ? (int32_t)v : INT32_MIN;
}

static int nearest_int(float v) {
    float t = v + 12582912.f;
    int32_t i;
    memcpy(&i, &t, 4);
    return (i & 0x007fffff) - 0x00400000;
}

/* The 6-bit scale j and 6-bit min j of a K-quant 12-byte scale field. */
static void scale_min_k4(int j, const uint8_t *q, uint8_t *d, uint8_t *m) {
    if (j < 4) {
        *d = q[j] & 63;
        *m = q[j + 4] & 63;
    } else {
        *d = (uint8_t)((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4));
        *m = (uint8_t)((q[j + 4] >> 4) | ((q[j] >> 6) << 4));
    }
}

/* ---- dequantization (one block each) ---- */

/* Q4_0 (18 B): d, qs[16]; value j (<16) low nibble of qs[j], j+16 high. */
static void dq_q4_0(const uint8_t *b, float *y) {
    float d = h2f(b);
    for (int j = 0; j < 16; j++) {
        y[j] = (float)((b[2 + j] & 0xF) - 8) * d;
        y[j + 16] = (float)((b[2 + j] >> 4) - 8) * d;
    }
}
/* Q4_1 (20 B): d, m, qs[16]; y = q*d + m. */
static void dq_q4_1(const uint8_t *b, float *y) {
    float d = h2f(b), m = h2f(b + 2);
    for (int j = 0; j < 16; j++) {
        y[j] = (float)(b[4 + j] & 0xF) * d + m;
        y[j + 16] = (float)(b[4 + j] >> 4) * d + m;
    }
}
static uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
/* Q5_0 (22 B): d, qh (u32: bit j = 5th bit of value j), qs[16]. */
static void dq_q5_0(const uint8_t *b, float *y) {
    float d = h2f(b);
    uint32_t qh = rd32(b + 2);
    for (int j = 0; j < 16; j++) {
        int x0 = (int)((b[6 + j] & 0xF) | (((qh >> j) & 1) << 4)) - 16;
        int x1 = (int)((b[6 + j] >> 4) | (((qh >> (j + 16)) & 1) << 4)) - 16;
        y[j] = (float)x0 * d;
        y[j + 16] = (float)x1 * d;
    }
}
/* Q5_1 (24 B): d, m, qh, qs[16]. */
static void dq_q5_1(const uint8_t *b, float *y) {
    float d = h2f(b), m = h2f(b + 2);
    uint32_t qh = rd32(b + 4);
    for (int j = 0; j < 16; j++) {
        int x0 = (int)((b[8 + j] & 0xF) | (((qh >> j) & 1) << 4));
        int x1 = (int)((b[8 + j] >> 4) | (((qh >> (j + 16)) & 1) << 4));
        y[j] = (float)x0 * d + m;
        y[j + 16] = (float)x1 * d + m;
    }
}
/* Q8_0 (34 B): d, qs[32] int8. */
static void dq_q8_0(const uint8_t *b, float *y) {
    float d = h2f(b);
    for (int j = 0; j < 32; j++) y[j] = (float)(int8_t)b[2 + j] * d;
}
/* Q4_K (144 B): d, dmin, scales[12] (8 x 6-bit scale + 8 x 6-bit min),
 * qs[128]: 4 chunks of 64 values, low nibbles then high nibbles of 32 bytes. */
static void dq_q4_k(const uint8_t *b, float *y) {
    float d = h2f(b), mn = h2f(b + 2);
    const uint8_t *sc = b + 4, *q = b + 16;
    for (int c = 0; c < 4; c++, q += 32) {
        uint8_t s, m;
        scale_min_k4(2 * c, sc, &s, &m);
        float d1 = d * (float)s, m1 = mn * (float)m;
        scale_min_k4(2 * c + 1, sc, &s, &m);
        float d2 = d * (float)s, m2 = mn * (float)m;
        for (int l = 0; l < 32; l++) *y++ = d1 * (float)(q[l] & 0xF) - m1;
        for (int l = 0; l < 32; l++) *y++ = d2 * (float)(q[l] >> 4) - m2;
    }
}
/* Q5_K (176 B): d, dmin, scales[12], qh[32] (bit 2c / 2c+1 = 5th bit of
 * value l in chunk c's low / high half), qs[128] as Q4_K. */
static void dq_q5_k(const uint8_t *b, float *y) {
    float d = h2f(b), mn = h2f(b + 2);
    const uint8_t *sc = b + 4, *qh = b + 16, *q = b + 48;
    for (int c = 0; c < 4; c++, q += 32) {
        uint8_t s, m;
        scale_min_k4(2 * c, sc, &s, &m);
        float d1 = d * (float)s, m1 = mn * (float)m;
        scale_min_k4(2 * c + 1, sc, &s, &m);
        float d2 = d * (float)s, m2 = mn * (float)m;
        uint8_t u1 = (uint8_t)(1u << (2 * c)), u2 = (uint8_t)(2u << (2 * c));
        for (int l = 0; l < 32; l++) *y++ = d1 * (float)((q[l] & 0xF) + (qh[l] & u1 ? 16 : 0)) - m1;
        for (int l = 0; l < 32; l++) *y++ = d2 * (float)((q[l] >> 4) + (qh[l] & u2 ? 16 : 0)) - m2;
    }
}
/* Q6_K (210 B): ql[128], qh[64], scales[16] int8, d. Two halves of 128:
 * value l+32k (k = 0..3) = 4 low bits from ql (l or l+32, low/high nibble)
 * and 2 high bits from qh[l] bits 2k..2k+1, minus 32; scale index l/16 + 2k. */
static void dq_q6_k(const uint8_t *b, float *y) {
    const uint8_t *ql = b, *qh = b + 128;
    const int8_t *sc = (const int8_t *)(b + 192);
    float d = h2f(b + 208);
    for (int h = 0; h < 2; h++, y += 128, ql += 64, qh += 32, sc += 8) {
        for (int l = 0; l < 32; l++) {
            int is = l / 16;
            int q1 = (int)((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
            int q2 = (int)((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
            int q3 = (int)((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
            int q4 = (int)((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
            y[l] = d * (float)sc[is] * (float)q1;
            y[l + 32] = d * (float)sc[is + 2] * (float)q2;
            y[l + 64] = d * (float)sc[is + 4] * (float)q3;
            y[l + 96] = d * (float)sc[is + 6] * (float)q4;
        }
    }
}
/* TQ2_0 (66 B) as ggml reads it: field - 1 for every 2-bit field, so the
 * field value 3 (never written by the quantizer) reads as +2. */
static void tq2_ints(const uint8_t *b, int8_t *q) {
    for (int i = 0; i < 256; i++)
        q[i] = (int8_t)(((b[32 * (i / 128) + i % 32] >> (2 * ((i % 128) / 32))) & 3) - 1);
}
static void dq_tq2_0(const uint8_t *b, float *y) {
    int8_t q[256];
    tq2_ints(b, q);
    float d = h2f(b + 64);
    for (int i = 0; i < 256; i++) y[i] = (float)q[i] * d;
}

/* Q8_K (292 B): fp32 d, qs[256] int8, bsums[16] int16. */
static void dq_q8_k(const uint8_t *b, float *y) {
    float d;
    memcpy(&d, b, 4);
    for (int j = 0; j < 256; j++) y[j] = d * (float)(int8_t)b[4 + j];
}

int ggml_dequantize(uint32_t t, const void *src, float *dst, size_t n) {
    const ggml_type_traits *tr = ggml_type_info(t);
    if (!src || !dst) return n ? LPCS_EINVAL : LPCS_OK;
    if (!tr || !tr->codec) return LPCS_EUNSUPPORTED;
    if (n % (size_t)tr->block) return LPCS_EINVAL;
    const uint8_t *b = src;
    size_t nb = n / (size_t)tr->block;
    switch (t) {
    case GGML_F32: memcpy(dst, src, n * 4); return LPCS_OK;
    case GGML_F16: for (size_t i = 0; i < n; i++) dst[i] = h2f(b + 2 * i); return LPCS_OK;
    case GGML_BF16: for (size_t i = 0; i < n; i++) dst[i] = ggml_bf16_to_fp32(rd16(b + 2 * i)); return LPCS_OK;
    case GGML_TQ1_0: return tq1_0_dequantize(b, n, dst);
    default: break;
    }
    void (*f)(const uint8_t *, float *) = NULL;
    switch (t) {
    case GGML_Q4_0: f = dq_q4_0; break;
    case GGML_Q4_1: f = dq_q4_1; break;
    case GGML_Q5_0: f = dq_q5_0; break;
    case GGML_Q5_1: f = dq_q5_1; break;
    case GGML_Q8_0: f = dq_q8_0; break;
    case GGML_Q4_K: f = dq_q4_k; break;
    case GGML_Q5_K: f = dq_q5_k; break;
    case GGML_Q6_K: f = dq_q6_k; break;
    case GGML_Q8_K: f = dq_q8_k; break;
    case GGML_TQ2_0: f = dq_tq2_0; break;
    default: return LPCS_EUNSUPPORTED;
    }
    for (size_t i = 0; i < nb; i++) f(b + i * (size_t)tr->bytes, dst + i * (size_t)tr->block);
    return LPCS_OK;
}

/* ---- reference quantizers (one block each) ---- */

/* Signed max-magnitude value (first one on ties) of n values. */
static float signed_absmax(const float *x, int n) {
    float amax = 0, max = 0;
    for (int j = 0; j < n; j++)
        if (amax < fabsf(x[j])) {
            amax = fabsf(x[j]);
            max = x[j];
        }
    return max;
}

static void q_q4_0(const float *x, uint8_t *b) {
    float d = signed_absmax(x, 32) / -8;
    float id = d != 0 ? 1.0f / d : 0.0f;
    f2h(b, d);
    for (int j = 0; j < 16; j++) {
        int a = (int8_t)trunc_i32(x[j] * id + 8.5f), c = (int8_t)trunc_i32(x[j + 16] * id + 8.5f);
        b[2 + j] = (uint8_t)((a < 15 ? a : 15) | (c < 15 ? c : 15) << 4);
    }
}
static void minmax(const float *x, int n, float *mn, float *mx) {
    *mn = FLT_MAX;
    *mx = -FLT_MAX;
    for (int j = 0; j < n; j++) {
        if (x[j] < *mn) *mn = x[j];
        if (x[j] > *mx) *mx = x[j];
    }
}
static void q_q4_1(const float *x, uint8_t *b) {
    float mn, mx;
    minmax(x, 32, &mn, &mx);
    float d = (mx - mn) / 15, id = d != 0 ? 1.0f / d : 0.0f;
    f2h(b, d);
    f2h(b + 2, mn);
    for (int j = 0; j < 16; j++) {
        int a = (int8_t)trunc_i32((x[j] - mn) * id + 0.5f), c = (int8_t)trunc_i32((x[j + 16] - mn) * id + 0.5f);
        b[4 + j] = (uint8_t)((a < 15 ? a : 15) | (c < 15 ? c : 15) << 4);
    }
}
static void wr32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i)); }
static void q_q5_0(const float *x, uint8_t *b) {
    float d = signed_absmax(x, 32) / -16;
    float id = d != 0 ? 1.0f / d : 0.0f;
    f2h(b, d);
    uint32_t qh = 0;
    for (int j = 0; j < 16; j++) {
        int a = (int8_t)trunc_i32(x[j] * id + 16.5f), c = (int8_t)trunc_i32(x[j + 16] * id + 16.5f);
        a = a < 31 ? a : 31;
        c = c < 31 ? c : 31;
        b[6 + j] = (uint8_t)((a & 0xF) | (c & 0xF) << 4);
        qh |= (uint32_t)((a >> 4) & 1) << j | (uint32_t)((c >> 4) & 1) << (j + 16);
    }
    wr32(b + 2, qh);
}
static void q_q5_1(const float *x, uint8_t *b) {
    float mn, mx;
    minmax(x, 32, &mn, &mx);
    float d = (mx - mn) / 31, id = d != 0 ? 1.0f / d : 0.0f;
    f2h(b, d);
    f2h(b + 2, mn);
    uint32_t qh = 0;
    for (int j = 0; j < 16; j++) {
        unsigned a = (uint8_t)trunc_i32((x[j] - mn) * id + 0.5f), c = (uint8_t)trunc_i32((x[j + 16] - mn) * id + 0.5f);
        b[8 + j] = (uint8_t)((a & 0xF) | (c & 0xF) << 4);
        qh |= ((a >> 4) & 1u) << j | ((c >> 4) & 1u) << (j + 16);
    }
    wr32(b + 4, qh);
}
static void q_q8_0(const float *x, uint8_t *b) {
    float amax = 0;
    for (int j = 0; j < 32; j++) amax = amax > fabsf(x[j]) ? amax : fabsf(x[j]);
    float d = amax / 127, id = d != 0 ? 1.0f / d : 0.0f;
    f2h(b, d);
    for (int j = 0; j < 32; j++) b[2 + j] = (uint8_t)(int8_t)trunc_i32(roundf(x[j] * id));
}

/* Least-squares scale+min search over nmax levels for one sub-block (ggml's
 * make_qkx2_quants): start from (max-min)/nmax, try nstep+1 rescalings
 * iscale = (rmin + rdelta*is + nmax)/(max-min), keep the weighted-squared-
 * error minimum. Returns the scale, *neg_min = -min. */
static float qkx2(int n, int nmax, const float *x, const float *w, uint8_t *L, float *neg_min, float rmin,
                  float rdelta, int nstep) {
    uint8_t Laux[32];
    float mn = x[0], mx = x[0], sum_w = w[0], sum_x = sum_w * x[0];
    for (int i = 1; i < n; i++) {
        if (x[i] < mn) mn = x[i];
        if (x[i] > mx) mx = x[i];
        sum_w += w[i];
        sum_x += w[i] * x[i];
    }
    if (mn > 0) mn = 0;
    if (mx == mn) {
        for (int i = 0; i < n; i++) L[i] = 0;
        *neg_min = -mn;
        return 0.f;
    }
    float iscale = nmax / (mx - mn), scale = 1 / iscale, best = 0;
    for (int i = 0; i < n; i++) {
        int l = nearest_int(iscale * (x[i] - mn));
        L[i] = (uint8_t)(l < 0 ? 0 : l > nmax ? nmax : l);
        float diff = scale * L[i] + mn - x[i];
        best += w[i] * (diff * diff);
    }
    for (int is = 0; is <= nstep; is++) {
        iscale = (rmin + rdelta * is + nmax) / (mx - mn);
        float sl = 0, sl2 = 0, sxl = 0;
        for (int i = 0; i < n; i++) {
            int l = nearest_int(iscale * (x[i] - mn));
            l = l < 0 ? 0 : l > nmax ? nmax : l;
            Laux[i] = (uint8_t)l;
            sl += w[i] * l;
            sl2 += w[i] * l * l;
            sxl += w[i] * l * x[i];
        }
        float D = sum_w * sl2 - sl * sl;
        if (D > 0) {
            float ts = (sum_w * sxl - sum_x * sl) / D, tm = (sl2 * sum_x - sl * sxl) / D;
            if (tm > 0) {
                tm = 0;
                ts = sxl / sl2;
            }
            float err = 0;
            for (int i = 0; i < n; i++) {
                float diff = ts * Laux[i] + tm - x[i];
                err += w[i] * (diff * diff);
            }
            if (err < best) {
                memcpy(L, Laux, (size_t)n);
                best = err;
                scale = ts;
                mn = tm;
            }
        }
    }
    *neg_min = -mn;
    return scale;
}

/* Q4_K / Q5_K share the scale search: 8 sub-blocks of 32, each a qkx2
 * fit, then 6-bit scales and mins relative to the block maxima. Fills
 * b[0..16) (d, dmin, scales) and L (levels 0..nmax). */
static void kquant_scales(const float *x, uint8_t *b, uint8_t *L, int nmax, float rmin, int nstep) {
    float scales[8], mins[8], w[32], max_scale = 0, max_min = 0;
    for (int j = 0; j < 8; j++) {
        float sum_x2 = 0;
        for (int l = 0; l < 32; l++) sum_x2 += x[32 * j + l] * x[32 * j + l];
        float av_x = sqrtf(sum_x2 / 32);
        for (int l = 0; l < 32; l++) w[l] = av_x + fabsf(x[32 * j + l]);
        scales[j] = qkx2(32, nmax, x + 32 * j, w, L + 32 * j, &mins[j], rmin, 0.1f, nstep);
        if (scales[j] > max_scale) max_scale = scales[j];
        if (mins[j] > max_min) max_min = mins[j];
    }
    float inv_scale = max_scale > 0 ? 63.f / max_scale : 0.f;
    float inv_min = max_min > 0 ? 63.f / max_min : 0.f;
    uint8_t *sc = b + 4;
    for (int j = 0; j < 8; j++) {
        uint8_t ls = (uint8_t)nearest_int(inv_scale * scales[j]);
        uint8_t lm = (uint8_t)nearest_int(inv_min * mins[j]);
        ls = ls < 63 ? ls : 63;
        lm = lm < 63 ? lm : 63;
        if (j < 4) {
            sc[j] = ls;
            sc[j + 4] = lm;
        } else {
            sc[j + 4] = (uint8_t)((ls & 0xF) | (lm & 0xF) << 4);
            sc[j - 4] |= (uint8_t)((ls >> 4) << 6);
            sc[j] |= (uint8_t)((lm >> 4) << 6);
        }
    }
    f2h(b, max_scale / 63.f);
    f2h(b + 2, max_min / 63.f);
    for (int j = 0; j < 8; j++) {
        uint8_t s, m;
        scale_min_k4(j, sc, &s, &m);
        float d = h2f(b) * s;
        if (d == 0) continue;
        float dm = h2f(b + 2) * m;
        for (int i = 0; i < 32; i++) {
            int l = nearest_int((x[32 * j + i] + dm) / d);
            L[32 * j + i] = (uint8_t)(l < 0 ? 0 : l > nmax ? nmax : l);
        }
    }
}

static void q_q4_k(const float *x, uint8_t *b) {
    uint8_t L[256];
    kquant_scales(x, b, L, 15, -1.f, 20);
    uint8_t *q = b + 16;
    for (int j = 0; j < 256; j += 64, q += 32)
        for (int l = 0; l < 32; l++) q[l] = (uint8_t)(L[j + l] | L[j + l + 32] << 4);
}
static void q_q5_k(const float *x, uint8_t *b) {
    uint8_t L[256];
    kquant_scales(x, b, L, 31, -0.5f, 15);
    uint8_t *qh = b + 16, *ql = b + 48;
    memset(qh, 0, 32);
    uint8_t m1 = 1, m2 = 2;
    for (int n = 0; n < 256; n += 64, ql += 32, m1 = (uint8_t)(m1 << 2), m2 = (uint8_t)(m2 << 2))
        for (int j = 0; j < 32; j++) {
            int l1 = L[n + j], l2 = L[n + j + 32];
            if (l1 > 15) { l1 -= 16; qh[j] |= m1; }
            if (l2 > 15) { l2 -= 16; qh[j] |= m2; }
            ql[j] = (uint8_t)(l1 | l2 << 4);
        }
}

/* ggml's make_qx_quants with rmse_type 1 (weights x^2, no imatrix): signed
 * levels -nmax..nmax-1 (stored + nmax), scale refined over 18 trial iscales. */
static float qx_rmse1(int n, int nmax, const float *x, int8_t *L) {
    float max = signed_absmax(x, n), amax = fabsf(max);
    if (amax < 1e-15f) {
        for (int i = 0; i < n; i++) L[i] = 0;
        return 0.f;
    }
    float iscale = -nmax / max, sumlx = 0, suml2 = 0;
    for (int i = 0; i < n; i++) {
        int l = nearest_int(iscale * x[i]);
        l = l < -nmax ? -nmax : l > nmax - 1 ? nmax - 1 : l;
        L[i] = (int8_t)(l + nmax);
        float w = x[i] * x[i];
        sumlx += w * x[i] * l;
        suml2 += w * l * l;
    }
    float scale = suml2 != 0 ? sumlx / suml2 : 0.0f, best = scale * sumlx;
    for (int is = -9; is <= 9; is++) {
        if (is == 0) continue;
        iscale = -(nmax + 0.1f * is) / max;
        sumlx = suml2 = 0;
        for (int i = 0; i < n; i++) {
            int l = nearest_int(iscale * x[i]);
            l = l < -nmax ? -nmax : l > nmax - 1 ? nmax - 1 : l;
            float w = x[i] * x[i];
            sumlx += w * x[i] * l;
            suml2 += w * l * l;
        }
        if (suml2 > 0 && sumlx * sumlx > best * suml2) {
            for (int i = 0; i < n; i++) {
                int l = nearest_int(iscale * x[i]);
                L[i] = (int8_t)(nmax + (l < -nmax ? -nmax : l > nmax - 1 ? nmax - 1 : l));
            }
            scale = sumlx / suml2;
            best = scale * sumlx;
        }
    }
    return scale;
}

static void q_q6_k(const float *x, uint8_t *b) {
    int8_t L[256];
    float scales[16], max_scale = 0, max_abs = 0;
    for (int ib = 0; ib < 16; ib++) {
        scales[ib] = qx_rmse1(16, 32, x + 16 * ib, L + 16 * ib);
        if (fabsf(scales[ib]) > max_abs) {
            max_abs = fabsf(scales[ib]);
            max_scale = scales[ib];
        }
    }
    memset(b, 0, 210);
    if (max_abs < 1e-15f) return; /* all-zero block, d = +0 */
    float iscale = -128.f / max_scale;
    f2h(b + 208, 1 / iscale);
    int8_t *sc = (int8_t *)(b + 192);
    for (int ib = 0; ib < 16; ib++) {
        int v = nearest_int(iscale * scales[ib]);
        sc[ib] = (int8_t)(v < 127 ? v : 127);
    }
    for (int j = 0; j < 16; j++) {
        float d = h2f(b + 208) * sc[j];
        if (d == 0) continue;
        for (int i = 0; i < 16; i++) {
            int l = nearest_int(x[16 * j + i] / d);
            l = l < -32 ? -32 : l > 31 ? 31 : l;
            L[16 * j + i] = (int8_t)(l + 32);
        }
    }
    uint8_t *ql = b, *qh = b + 128;
    for (int j = 0; j < 256; j += 128, ql += 64, qh += 32)
        for (int l = 0; l < 32; l++) {
            uint8_t a = (uint8_t)L[j + l], c = (uint8_t)L[j + l + 32], e = (uint8_t)L[j + l + 64],
                    f = (uint8_t)L[j + l + 96];
            ql[l] = (uint8_t)((a & 0xF) | (e & 0xF) << 4);
            ql[l + 32] = (uint8_t)((c & 0xF) | (f & 0xF) << 4);
            qh[l] = (uint8_t)((a >> 4) | (c >> 4) << 2 | (e >> 4) << 4 | (f >> 4) << 6);
        }
}

/* Q8_K: d = 1/(-127/max) in fp32, q = min(127, nearest(x*iscale)), bsums. */
static void q_q8_k(const float *x, uint8_t *b) {
    float max = signed_absmax(x, 256);
    memset(b, 0, 292);
    if (max == 0) return;
    float iscale = -127.f / max;
    int8_t *qs = (int8_t *)(b + 4);
    for (int j = 0; j < 256; j++) {
        int v = nearest_int(iscale * x[j]);
        qs[j] = (int8_t)(v < 127 ? v : 127);
    }
    for (int j = 0; j < 16; j++) {
        int s = 0;
        for (int i = 0; i < 16; i++) s += qs[16 * j + i];
        wr16(b + 260 + 2 * j, (uint16_t)(int16_t)s);
    }
    float d = 1 / iscale;
    memcpy(b, &d, 4);
}

int ggml_quantize(uint32_t t, const float *src, void *dst, size_t n) {
    const ggml_type_traits *tr = ggml_type_info(t);
    if (!src || !dst) return n ? LPCS_EINVAL : LPCS_OK;
    if (!tr || !tr->codec) return LPCS_EUNSUPPORTED;
    if (n % (size_t)tr->block) return LPCS_EINVAL;
    uint8_t *b = dst;
    switch (t) {
    case GGML_F32: memcpy(dst, src, n * 4); return LPCS_OK;
    case GGML_F16: for (size_t i = 0; i < n; i++) f2h(b + 2 * i, src[i]); return LPCS_OK;
    case GGML_BF16: for (size_t i = 0; i < n; i++) wr16(b + 2 * i, ggml_fp32_to_bf16(src[i])); return LPCS_OK;
    default: break;
    }
    for (size_t i = 0; i < n; i++)
        if (!isfinite(src[i])) return LPCS_ERANGE;
    if (t == GGML_TQ1_0) return tq1_0_quantize(src, n, b);
    if (t == GGML_TQ2_0) return tq2_0_quantize(src, n, b);
    void (*f)(const float *, uint8_t *) = NULL;
    switch (t) {
    case GGML_Q4_0: f = q_q4_0; break;
    case GGML_Q4_1: f = q_q4_1; break;
    case GGML_Q5_0: f = q_q5_0; break;
    case GGML_Q5_1: f = q_q5_1; break;
    case GGML_Q8_0: f = q_q8_0; break;
    case GGML_Q4_K: f = q_q4_k; break;
    case GGML_Q5_K: f = q_q5_k; break;
    case GGML_Q6_K: f = q_q6_k; break;
    case GGML_Q8_K: f = q_q8_k; break;
    default: return LPCS_EUNSUPPORTED;
    }
    size_t nb = n / (size_t)tr->block;
    for (size_t i = 0; i < nb; i++) f(src + i * (size_t)tr->block, b + i * (size_t)tr->bytes);
    return LPCS_OK;
}

/* ---- llama.cpp CPU arithmetic: activation conversion and dot products ---- */

uint32_t ggml_vec_dot_type(uint32_t t) {
    switch (t) {
    case GGML_Q4_0: case GGML_Q5_0: case GGML_Q8_0: return GGML_Q8_0;
    case GGML_Q4_1: case GGML_Q5_1: return GGML_Q8_1;
    case GGML_Q4_K: case GGML_Q5_K: case GGML_Q6_K: case GGML_TQ1_0: case GGML_TQ2_0: return GGML_Q8_K;
    case GGML_F16: return GGML_F16;
    case GGML_BF16: return GGML_BF16;
    default: return GGML_F32;
    }
}

/* Q8_0 / Q8_1 as ggml's AVX2 quantize_row_q8_0 / q8_1: the scale's inverse is
 * 127/amax (not 1/d) and rounding is to nearest even. */
static void act_q8(const float *x, uint8_t *b, int with_sum) {
    float amax = 0;
    for (int j = 0; j < 32; j++) amax = fabsf(x[j]) > amax ? fabsf(x[j]) : amax;
    float d = amax / 127.f, id = amax != 0.0f ? 127.f / amax : 0.0f;
    int off = with_sum ? 4 : 2, sum = 0;
    f2h(b, d);
    for (int j = 0; j < 32; j++) {
        int q = nearest_int(x[j] * id); /* to nearest even, as _mm256_round_ps */
        q = q < -128 ? -128 : q > 127 ? 127 : q;
        b[off + j] = (uint8_t)(int8_t)q;
        sum += q;
    }
    if (with_sum) f2h(b + 2, d * (float)sum);
}

int ggml_quantize_act(uint32_t t, const float *x, void *dst, size_t n) {
    uint32_t vt = ggml_vec_dot_type(t);
    const ggml_type_traits *tr = ggml_type_info(vt);
    if (!x || !dst || n % (size_t)tr->block) return LPCS_EINVAL;
    uint8_t *b = dst;
    switch (vt) {
    case GGML_Q8_0: for (size_t i = 0; i < n / 32; i++) act_q8(x + 32 * i, b + 34 * i, 0); return LPCS_OK;
    case GGML_Q8_1: for (size_t i = 0; i < n / 32; i++) act_q8(x + 32 * i, b + 36 * i, 1); return LPCS_OK;
    case GGML_Q8_K: for (size_t i = 0; i < n / 256; i++) q_q8_k(x + 256 * i, b + 292 * i); return LPCS_OK;
    default: return ggml_quantize(vt, x, dst, n);
    }
}

/* Integer quants of one weight block, by value index. */
static void block_ints(uint32_t t, const uint8_t *b, int8_t *q) {
    switch (t) {
    case GGML_Q4_0:
        for (int j = 0; j < 16; j++) { q[j] = (int8_t)((b[2 + j] & 0xF) - 8); q[j + 16] = (int8_t)((b[2 + j] >> 4) - 8); }
        break;
    case GGML_Q4_1:
        for (int j = 0; j < 16; j++) { q[j] = (int8_t)(b[4 + j] & 0xF); q[j + 16] = (int8_t)(b[4 + j] >> 4); }
        break;
    case GGML_Q5_0: case GGML_Q5_1: {
        int o = t == GGML_Q5_0 ? 2 : 4, bias = t == GGML_Q5_0 ? 16 : 0;
        uint32_t qh = rd32(b + o);
        for (int j = 0; j < 16; j++) {
            q[j] = (int8_t)((int)((b[o + 4 + j] & 0xF) | ((qh >> j) & 1) << 4) - bias);
            q[j + 16] = (int8_t)((int)((b[o + 4 + j] >> 4) | ((qh >> (j + 16)) & 1) << 4) - bias);
        }
        break;
    }
    case GGML_Q8_0: memcpy(q, b + 2, 32); break;
    case GGML_Q4_K: case GGML_Q5_K: {
        const uint8_t *qh = b + 16, *ql = t == GGML_Q4_K ? b + 16 : b + 48;
        for (int c = 0; c < 4; c++, ql += 32)
            for (int l = 0; l < 32; l++) {
                int h0 = t == GGML_Q5_K && (qh[l] >> (2 * c) & 1), h1 = t == GGML_Q5_K && (qh[l] >> (2 * c + 1) & 1);
                q[64 * c + l] = (int8_t)((ql[l] & 0xF) + 16 * h0);
                q[64 * c + 32 + l] = (int8_t)((ql[l] >> 4) + 16 * h1);
            }
        break;
    }
    case GGML_Q6_K: {
        const uint8_t *ql = b, *qh = b + 128;
        for (int h = 0; h < 2; h++, ql += 64, qh += 32)
            for (int l = 0; l < 32; l++) {
                int8_t *y = q + 128 * h;
                y[l] = (int8_t)(((ql[l] & 0xF) | ((qh[l] >> 0) & 3) << 4) - 32);
                y[l + 32] = (int8_t)(((ql[l + 32] & 0xF) | ((qh[l] >> 2) & 3) << 4) - 32);
                y[l + 64] = (int8_t)(((ql[l] >> 4) | ((qh[l] >> 4) & 3) << 4) - 32);
                y[l + 96] = (int8_t)(((ql[l + 32] >> 4) | ((qh[l] >> 6) & 3) << 4) - 32);
            }
        break;
    }
    case GGML_TQ1_0: { uint16_t d; tq1_0_unpack(b, 256, q, &d); break; }
    case GGML_TQ2_0: tq2_ints(b, q); break;
    default: break;
    }
}

int ggml_x86_repacked(uint32_t t, size_t rows) {
    return (t == GGML_Q4_0 || t == GGML_Q4_K) && rows % 8 == 0;
}

float ggml_vec_dot_repacked(uint32_t t, const void *wv, const void *av, size_t n) {
    const uint8_t *w = wv, *a = av;
    int8_t q[256];
    float acc = 0, acc_min = 0;
    if (t == GGML_Q4_0) { /* one fused add per block: fma(isum, dw * da, acc) */
        for (size_t i = 0; i < n / 32; i++) {
            const uint8_t *b = w + 18 * i, *y = a + 34 * i;
            block_ints(t, b, q);
            int isum = 0;
            for (int j = 0; j < 32; j++) isum += q[j] * (int8_t)y[2 + j];
            acc = fmaf((float)isum, h2f(b) * h2f(y), acc);
        }
        return acc;
    }
    if (t != GGML_Q4_K) return ggml_vec_dot(t, wv, av, n);
    for (size_t i = 0; i < n / 256; i++) { /* per pair of 32-sub-blocks: scales, then mins */
        const uint8_t *b = w + 144 * i, *y = a + 292 * i;
        const int8_t *aq = (const int8_t *)(y + 4);
        float da;
        memcpy(&da, y, 4);
        block_ints(t, b, q);
        for (int sb = 0; sb < 4; sb++) {
            int isum = 0, msum = 0;
            for (int j = 2 * sb; j < 2 * sb + 2; j++) {
                uint8_t s, m;
                scale_min_k4(j, b + 4, &s, &m);
                int sub = 0;
                for (int k = 0; k < 32; k++) sub += q[32 * j + k] * aq[32 * j + k];
                isum += s * sub;
                msum += m * ((int16_t)rd16(y + 260 + 4 * j) + (int16_t)rd16(y + 262 + 4 * j));
            }
            acc = fmaf((float)isum, h2f(b) * da, acc);
            acc_min = fmaf((float)msum, h2f(b + 2) * da, acc_min);
        }
    }
    return acc - acc_min;
}

float ggml_vec_dot(uint32_t t, const void *wv, const void *av, size_t n) {
    const uint8_t *w = wv, *a = av;
    const ggml_type_traits *tr = ggml_type_info(t);
    float sumf = 0;
    if (t == GGML_F32 || t == GGML_F16 || t == GGML_BF16) {
        for (size_t i = 0; i < n; i++) {
            float x, y;
            if (t == GGML_F32) { memcpy(&x, w + 4 * i, 4); memcpy(&y, a + 4 * i, 4); }
            else if (t == GGML_F16) { x = h2f(w + 2 * i); y = h2f(a + 2 * i); }
            else { x = ggml_bf16_to_fp32(rd16(w + 2 * i)); y = ggml_bf16_to_fp32(rd16(a + 2 * i)); }
            sumf += x * y;
        }
        return sumf;
    }
    int8_t q[256];
    float lane[8] = {0}, mlane[4] = {0};
    size_t nb = n / (size_t)tr->block;
    uint32_t vt = ggml_vec_dot_type(t);
    size_t abytes = (size_t)ggml_type_info(vt)->bytes;
    for (size_t i = 0; i < nb; i++) {
        const uint8_t *b = w + i * (size_t)tr->bytes, *y = a + i * abytes;
        block_ints(t, b, q);
        if (vt == GGML_Q8_0) { /* ggml's x86 lanes: 8 sums of 4 neighbours, fma per block */
            const int8_t *aq = (const int8_t *)(y + 2);
            float d = h2f(b) * h2f(y);
            for (int l = 0; l < 8; l++) {
                int isum = 0;
                for (int j = 4 * l; j < 4 * l + 4; j++) isum += q[j] * aq[j];
                lane[l] = fmaf(d, (float)isum, lane[l]);
            }
            continue;
        }
        if (vt == GGML_Q8_1) { /* the Q8_0 lanes, plus the mins fused into a scalar added last */
            const int8_t *aq = (const int8_t *)(y + 4);
            float d = h2f(b) * h2f(y);
            for (int l = 0; l < 8; l++) {
                int isum = 0;
                for (int j = 4 * l; j < 4 * l + 4; j++) isum += q[j] * aq[j];
                lane[l] = fmaf(d, (float)isum, lane[l]);
            }
            sumf = fmaf(h2f(b + 2), h2f(y + 2), sumf);
            continue;
        }
        float da;
        memcpy(&da, y, 4);
        const int8_t *aq = (const int8_t *)(y + 4);
        if (t == GGML_Q4_K || t == GGML_Q5_K) { /* AVX2: lanes as Q6_K with scale s_j of 32-block j;
                                                 * mins: Q4_K 4 lanes (pairs of 32-blocks), Q5_K one
                                                 * scalar, both fused with dmin = -da * dminw */
            int lsum[8] = {0}, msum[4] = {0};
            for (int j = 0; j < 8; j++) {
                uint8_t s, m;
                scale_min_k4(j, b + 4, &s, &m);
                for (int k = 32 * j; k < 32 * j + 32; k++) lsum[(k % 32) / 4] += s * q[k] * aq[k];
                msum[j / 2] += m * ((int16_t)rd16(y + 260 + 4 * j) + (int16_t)rd16(y + 262 + 4 * j));
            }
            float d = da * h2f(b), dmin = -da * h2f(b + 2);
            for (int l = 0; l < 8; l++) lane[l] = fmaf(d, (float)lsum[l], lane[l]);
            if (t == GGML_Q4_K)
                for (int l = 0; l < 4; l++) mlane[l] = fmaf(dmin, (float)msum[l], mlane[l]);
            else
                sumf = fmaf(dmin, (float)(msum[0] + msum[1] + msum[2] + msum[3]), sumf);
        } else if (t == GGML_Q6_K) { /* AVX2: lane l = values with (k % 32) / 4 == l; the -32 offset
                                      * comes off lane l as 32 * sum of scale * q8 over values 32l..32l+31 */
            const int8_t *sc = (const int8_t *)(b + 192);
            int lsum[8] = {0};
            for (int k = 0; k < 256; k++) {
                lsum[(k % 32) / 4] += sc[k / 16] * (q[k] + 32) * aq[k];
                lsum[k / 32] -= 32 * sc[k / 16] * aq[k];
            }
            float d = da * h2f(b + 208);
            for (int l = 0; l < 8; l++) lane[l] = fmaf(d, (float)lsum[l], lane[l]);
        } else if (t == GGML_TQ2_0) { /* AVX2: lane l = values with (k % 32) / 4 == l, minus the
                                       * activation sums of values 32l..32l+31; fused (GCC contracts
                                       * the intrinsics' mul + add: vfmadd231ps in the zen4 build) */
            int lsum[8] = {0};
            for (int k = 0; k < 256; k++) {
                lsum[(k % 32) / 4] += (q[k] + 1) * aq[k];
                lsum[k / 32] -= aq[k];
            }
            float d = da * h2f(b + (size_t)tr->bytes - 2);
            for (int l = 0; l < 8; l++) lane[l] = fmaf((float)lsum[l], d, lane[l]);
        } else { /* TQ1_0: d last */
            int isum = 0;
            for (int k = 0; k < 256; k++) isum += q[k] * aq[k];
            sumf += (float)isum * (da * h2f(b + (size_t)tr->bytes - 2));
        }
    }
    if (vt == GGML_Q8_0 || t == GGML_Q6_K || t == GGML_TQ2_0) return ggml_hsum8(lane);
    if (vt == GGML_Q8_1 || t == GGML_Q5_K) return ggml_hsum8(lane) + sumf;
    if (t == GGML_Q4_K) return ggml_hsum8(lane) + ((mlane[0] + mlane[2]) + (mlane[1] + mlane[3]));
    return sumf;
}
