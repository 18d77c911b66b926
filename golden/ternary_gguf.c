/* TQ1_0 / TQ2_0 block formats (see ternary_gguf.h). */
#include "ternary_gguf.h"

#include <math.h>
#include <string.h>

uint16_t tq_fp16_from_f32(float x) {
    uint32_t u;
    memcpy(&u, &x, 4);
    uint16_t sign = (uint16_t)((u >> 16) & 0x8000u);
    uint32_t exp = (u >> 23) & 0xffu, man = u & 0x7fffffu;
    if (exp == 0xff) return (uint16_t)(sign | 0x7c00u | (man ? 0x200u | (man >> 13) : 0u));
    int e = (int)exp - 127 + 15;
    if (e >= 31) return (uint16_t)(sign | 0x7c00u);
    if (e <= 0) { /* binary16 subnormal (or zero): units of 2^-24 */
        if (exp == 0) return sign; /* fp32 subnormals are far below 2^-25 */
        uint32_t m24 = man | 0x800000u;
        int shift = 14 - e;
        if (shift > 24) return sign;
        uint32_t q = m24 >> shift, rem = m24 & ((1u << shift) - 1u), half = 1u << (shift - 1);
        if (rem > half || (rem == half && (q & 1u))) q++;
        return (uint16_t)(sign | q);
    }
    uint32_t h = ((uint32_t)e << 10) | (man >> 13), rem = man & 0x1fffu;
    if (rem > 0x1000u || (rem == 0x1000u && (h & 1u))) h++; /* a carry into the exponent is still right */
    return (uint16_t)(sign | h);
}

float tq_f32_from_fp16(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16, exp = (h >> 10) & 0x1fu, man = h & 0x3ffu, u;
    if (exp == 0x1f) u = sign | 0x7f800000u | (man << 13);
    else if (exp) u = sign | ((exp - 15 + 127) << 23) | (man << 13);
    else if (!man) u = sign;
    else { /* subnormal: normalize */
        int e = -1;
        do {
            man <<= 1;
            e++;
        } while (!(man & 0x400u));
        u = sign | ((uint32_t)(127 - 15 - e) << 23) | ((man & 0x3ffu) << 13);
    }
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static int bad_args(const void *a, const void *b, size_t n) { return !a || !b || n % TQ_BLOCK != 0; }

/* ---- TQ2_0 ---------------------------------------------------------------- */

int tq2_0_pack(const int8_t *w, const uint16_t *d, size_t n, uint8_t *blocks) {
    if (bad_args(w, blocks, n) || !d) return LPCS_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (w[i] < -1 || w[i] > 1) return LPCS_ERANGE;
    for (size_t b = 0; b < n / TQ_BLOCK; b++) {
        const int8_t *x = w + b * TQ_BLOCK;
        uint8_t *blk = blocks + b * TQ2_0_BLOCK_BYTES;
        for (size_t j = 0; j < 64; j += 32) /* two halves of 128 weights */
            for (size_t m = 0; m < 32; m++) {
                uint8_t q = 0;
                for (size_t f = 0; f < 4; f++) q |= (uint8_t)((x[4 * j + 32 * f + m] + 1) << (2 * f));
                blk[j + m] = q;
            }
        blk[64] = (uint8_t)(d[b] & 0xff);
        blk[65] = (uint8_t)(d[b] >> 8);
    }
    return LPCS_OK;
}

int tq2_0_unpack(const uint8_t *blocks, size_t n, int8_t *w, uint16_t *d) {
    if (bad_args(w, blocks, n) || !d) return LPCS_EINVAL;
    for (size_t b = 0; b < n / TQ_BLOCK; b++) {
        const uint8_t *blk = blocks + b * TQ2_0_BLOCK_BYTES;
        int8_t *x = w + b * TQ_BLOCK;
        for (size_t j = 0; j < 64; j += 32)
            for (size_t f = 0; f < 4; f++)
                for (size_t m = 0; m < 32; m++) {
                    int v = (blk[j + m] >> (2 * f)) & 3;
                    if (v == 3) return LPCS_EFORMAT;
                    x[4 * j + 32 * f + m] = (int8_t)(v - 1);
                }
        d[b] = (uint16_t)(blk[64] | blk[65] << 8);
    }
    return LPCS_OK;
}

/* ---- TQ1_0 ---------------------------------------------------------------- */

static const uint8_t pow3[5] = {1, 3, 9, 27, 81};

/* Five digits (t0 most significant) -> the pre-scaled byte. */
static uint8_t enc5(const int *t) {
    unsigned c = 0;
    for (int k = 0; k < 5; k++) c = c * 3 + (unsigned)t[k];
    return (uint8_t)((c * 256 + 242) / 243);
}
static int dec_digit(uint8_t b, int n) { return ((uint8_t)(b * pow3[n]) * 3) >> 8; }

int tq1_0_pack(const int8_t *w, const uint16_t *d, size_t n, uint8_t *blocks) {
    if (bad_args(w, blocks, n) || !d) return LPCS_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (w[i] < -1 || w[i] > 1) return LPCS_ERANGE;
    for (size_t b = 0; b < n / TQ_BLOCK; b++) {
        const int8_t *x = w + b * TQ_BLOCK;
        uint8_t *blk = blocks + b * TQ1_0_BLOCK_BYTES;
        int t[5];
        for (size_t m = 0; m < 32; m++) { /* weights 0..159: stride 32 */
            for (int k = 0; k < 5; k++) t[k] = x[m + 32 * k] + 1;
            blk[m] = enc5(t);
        }
        for (size_t m = 0; m < 16; m++) { /* weights 160..239: stride 16 */
            for (int k = 0; k < 5; k++) t[k] = x[160 + m + 16 * k] + 1;
            blk[32 + m] = enc5(t);
        }
        for (size_t m = 0; m < 4; m++) { /* weights 240..255: stride 4, digit 4 = 0 */
            for (int k = 0; k < 4; k++) t[k] = x[240 + m + 4 * k] + 1;
            t[4] = 0;
            blk[48 + m] = enc5(t);
        }
        blk[52] = (uint8_t)(d[b] & 0xff);
        blk[53] = (uint8_t)(d[b] >> 8);
    }
    return LPCS_OK;
}

int tq1_0_unpack(const uint8_t *blocks, size_t n, int8_t *w, uint16_t *d) {
    if (bad_args(w, blocks, n) || !d) return LPCS_EINVAL;
    for (size_t b = 0; b < n / TQ_BLOCK; b++) {
        const uint8_t *blk = blocks + b * TQ1_0_BLOCK_BYTES;
        int8_t *x = w + b * TQ_BLOCK;
        for (int k = 0; k < 5; k++) {
            for (size_t m = 0; m < 32; m++) x[m + 32 * k] = (int8_t)(dec_digit(blk[m], k) - 1);
            for (size_t m = 0; m < 16; m++) x[160 + m + 16 * k] = (int8_t)(dec_digit(blk[32 + m], k) - 1);
        }
        for (int k = 0; k < 4; k++)
            for (size_t m = 0; m < 4; m++) x[240 + m + 4 * k] = (int8_t)(dec_digit(blk[48 + m], k) - 1);
        d[b] = (uint16_t)(blk[52] | blk[53] << 8);
    }
    return LPCS_OK;
}

/* ---- store / load through fp32 ------------------------------------------- */

/* llama.cpp's reference ternarization of one block into trits + fp16 d. */
static int block_trits(const float *x, int8_t *t, uint16_t *d) {
    float amax = 0.0f;
    for (int j = 0; j < TQ_BLOCK; j++) {
        if (!isfinite(x[j])) return LPCS_ERANGE;
        if (fabsf(x[j]) > amax) amax = fabsf(x[j]);
    }
    float id = amax != 0.0f ? 1.0f / amax : 0.0f;
    for (int j = 0; j < TQ_BLOCK; j++) t[j] = (int8_t)lroundf(x[j] * id); /* |x*id| <= 1 (+1 ulp) */
    *d = tq_fp16_from_f32(amax);
    return LPCS_OK;
}

static int quantize_with(int (*pack)(const int8_t *, const uint16_t *, size_t, uint8_t *), size_t bytes,
                         const float *x, size_t n, uint8_t *blocks) {
    if (bad_args(x, blocks, n)) return LPCS_EINVAL;
    for (size_t b = 0; b < n / TQ_BLOCK; b++) {
        int8_t t[TQ_BLOCK];
        uint16_t d;
        int st = block_trits(x + b * TQ_BLOCK, t, &d);
        if (!st) st = pack(t, &d, TQ_BLOCK, blocks + b * bytes);
        if (st) return st;
    }
    return LPCS_OK;
}

static int dequantize_with(int (*unpack)(const uint8_t *, size_t, int8_t *, uint16_t *), size_t bytes,
                           const uint8_t *blocks, size_t n, float *y) {
    if (bad_args(blocks, y, n)) return LPCS_EINVAL;
    for (size_t b = 0; b < n / TQ_BLOCK; b++) {
        int8_t t[TQ_BLOCK];
        uint16_t d;
        int st = unpack(blocks + b * bytes, TQ_BLOCK, t, &d);
        if (st) return st;
        float df = tq_f32_from_fp16(d);
        for (int j = 0; j < TQ_BLOCK; j++) y[b * TQ_BLOCK + j] = (float)t[j] * df;
    }
    return LPCS_OK;
}

int tq1_0_quantize(const float *x, size_t n, uint8_t *blocks) {
    return quantize_with(tq1_0_pack, TQ1_0_BLOCK_BYTES, x, n, blocks);
}
int tq2_0_quantize(const float *x, size_t n, uint8_t *blocks) {
    return quantize_with(tq2_0_pack, TQ2_0_BLOCK_BYTES, x, n, blocks);
}
int tq1_0_dequantize(const uint8_t *blocks, size_t n, float *y) {
    return dequantize_with(tq1_0_unpack, TQ1_0_BLOCK_BYTES, blocks, n, y);
}
int tq2_0_dequantize(const uint8_t *blocks, size_t n, float *y) {
    return dequantize_with(tq2_0_unpack, TQ2_0_BLOCK_BYTES, blocks, n, y);
}
