/* The per-thread bodies of the integer GEMV kernels (ternary, int4, LUT) and
 * their launch plans, as __host__ __device__ code: the kernels call them with
 * their thread/block indices, and the CPU emulation (lpcs_cuda_emul.cu) calls
 * the same functions for every block, warp and lane in turn, so CI exercises
 * the kernels' own index arithmetic. Only the scheduling differs (and the
 * reductions, which are integer sums: any order gives the same bits). */
#ifndef LPCS_GEMV_DEVICE_CUH
#define LPCS_GEMV_DEVICE_CUH

#include <cuda_runtime.h> /* uint4, make_uint4 (host and device) */
#include <stdint.h>
#include <string.h>

#include "formats.cuh" /* LPCS_HD */

#if defined(__CUDA_ARCH__)
#define LPCS_UNROLL _Pragma("unroll")
#define LPCS_LD_STREAM(p) __ldcs(p)
#define LPCS_LD_CACHED(p) __ldg(p)
#define LPCS_DP4A(a, b, c) __dp4a((a), (b), (c))
#else
#define LPCS_UNROLL
#define LPCS_LD_STREAM(p) (*(p))
#define LPCS_LD_CACHED(p) (*(p))
#define LPCS_DP4A(a, b, c) lpcs_dp4a_host((a), (b), (c))
static inline int lpcs_dp4a_host(int a, int b, int c) {
    for (int i = 0; i < 4; i++) c += (int)(int8_t)(a >> (8 * i)) * (int)(int8_t)(b >> (8 * i));
    return c;
}
#endif

#define LPCS_GEMV_WARPS 8 /* warps per block in all three kernels */

/* 512-byte weight loads in flight per warp: fewer for large batches, which
 * are compute-bound and need the registers for accumulators. */
template <int B> struct lpcs_unroll_for {
    static const int value = B <= 2 ? 8 : B <= 4 ? 4 : B <= 8 ? 2 : 1;
};

/* Launch plan of the ternary / int4 kernels: one block per 32-row tile, the
 * columns split in ksplit ranges of cps chunks only when the tiles give less
 * than half a block per SM (a split needs a y memset and atomics), unless a
 * split_hint asks for ~split_hint blocks per SM. */
LPCS_HD void lpcs_rowtile_plan(int tiles, int nchunks, int sms, int split_hint, int *ksplit_out, int *cps_out) {
    /* split_hint > 0 (benchmark variants): split for ~split_hint blocks per SM */
    int ksplit = split_hint > 0 ? (split_hint * sms + tiles - 1) / tiles
               : 2 * tiles >= sms ? 1 : (4 * sms + tiles - 1) / tiles;
    const int max_split = (nchunks + 2 * LPCS_GEMV_WARPS - 1) / (2 * LPCS_GEMV_WARPS);
    if (ksplit > max_split) ksplit = max_split;
    if (ksplit < 1) ksplit = 1;
    const int cps = (nchunks + ksplit - 1) / ksplit;
    *cps_out = cps;
    *ksplit_out = (nchunks + cps - 1) / cps;
}

/* ---- ternary ---- */

/* Field j of each byte of w, sign-extended to 4 int8 lanes: 00->0, 01->1,
 * 11->-1 (10 -> -2, the invalid code, as a 2-bit two's complement). */
LPCS_HD int lpcs_ternary_field(uint32_t w, int j) {
    const uint32_t v = (w >> (2 * j)) & 0x03030303u;
    return (int)(v | ((v & 0x02020202u) * 0x7Eu));
}

/* One lane's partial sums over chunks c0+warp, c0+warp+8, ... < c1 of its
 * row (tile*32 + lane). xp: activations as uint4, xstride uint4 per token. */
template <int B>
LPCS_HD void lpcs_ternary_lane(const uint4 *W, const uint4 *xp, size_t xstride, int nchunks, int tile,
                               int lane, int warp, int c0, int c1, int acc[B]) {
    constexpr int U = lpcs_unroll_for<B>::value;
    const uint4 *wp = W + (size_t)tile * nchunks * 32 + lane;
    for (int b = 0; b < B; b++) acc[b] = 0;
    for (int c = c0 + warp; c < c1; c += LPCS_GEMV_WARPS * U) {
        uint4 wv[U];
LPCS_UNROLL
        for (int u = 0; u < U; u++) {
            const int cc = c + u * LPCS_GEMV_WARPS;
            wv[u] = cc < c1 ? LPCS_LD_STREAM(wp + (size_t)cc * 32) : make_uint4(0, 0, 0, 0);
        }
LPCS_UNROLL
        for (int u = 0; u < U; u++) {
            const int cc = c + u * LPCS_GEMV_WARPS;
            if (cc >= c1) continue;
            const uint32_t words[4] = {wv[u].x, wv[u].y, wv[u].z, wv[u].w};
LPCS_UNROLL
            for (int q = 0; q < 4; q++) {
                const int d0 = lpcs_ternary_field(words[q], 0), d1 = lpcs_ternary_field(words[q], 1);
                const int d2 = lpcs_ternary_field(words[q], 2), d3 = lpcs_ternary_field(words[q], 3);
                const uint4 *xq = xp + (size_t)cc * 4 + q;
LPCS_UNROLL
                for (int b = 0; b < B; b++) {
                    const uint4 xv = LPCS_LD_CACHED(xq + b * xstride);
                    int a = acc[b];
                    a = LPCS_DP4A(d0, (int)xv.x, a);
                    a = LPCS_DP4A(d1, (int)xv.y, a);
                    a = LPCS_DP4A(d2, (int)xv.z, a);
                    a = LPCS_DP4A(d3, (int)xv.w, a);
                    acc[b] = a;
                }
            }
        }
    }
}

/* ---- int4 ---- */

/* Nibbles (high ones when hi = 1) of the 4 bytes of w, sign-extended to int8 lanes. */
LPCS_HD int lpcs_int4_field(uint32_t w, int hi) {
    const uint32_t v = (w >> (4 * hi)) & 0x0F0F0F0Fu;
    return (int)(v | ((v & 0x08080808u) * 0x1Eu));
}

/* As lpcs_ternary_lane for the int4 layout (xp: uint2 words, xstride uint2 per token). */
template <int B>
LPCS_HD void lpcs_int4_lane(const uint4 *W, const uint2 *xp, size_t xstride, int nchunks, int tile, int lane,
                            int warp, int c0, int c1, int acc[B]) {
    constexpr int U = lpcs_unroll_for<B>::value;
    const uint4 *wp = W + (size_t)tile * nchunks * 32 + lane;
    for (int b = 0; b < B; b++) acc[b] = 0;
    for (int c = c0 + warp; c < c1; c += LPCS_GEMV_WARPS * U) {
        uint4 wv[U];
LPCS_UNROLL
        for (int u = 0; u < U; u++) {
            const int cc = c + u * LPCS_GEMV_WARPS;
            wv[u] = cc < c1 ? LPCS_LD_STREAM(wp + (size_t)cc * 32) : make_uint4(0, 0, 0, 0);
        }
LPCS_UNROLL
        for (int u = 0; u < U; u++) {
            const int cc = c + u * LPCS_GEMV_WARPS;
            if (cc >= c1) continue;
            const uint32_t words[4] = {wv[u].x, wv[u].y, wv[u].z, wv[u].w};
LPCS_UNROLL
            for (int q = 0; q < 4; q++) {
                const int lo = lpcs_int4_field(words[q], 0), hi = lpcs_int4_field(words[q], 1);
                const uint2 *xq = xp + (size_t)cc * 4 + q;
LPCS_UNROLL
                for (int b = 0; b < B; b++) {
                    const uint2 xv = LPCS_LD_CACHED(xq + b * xstride);
                    acc[b] = LPCS_DP4A(hi, (int)xv.y, LPCS_DP4A(lo, (int)xv.x, acc[b]));
                }
            }
        }
    }
}

/* ---- LUT-GEMV ---- */

#define LPCS_LUT_PMAX 4

/* Launch plan: blocks of 8 row tiles; columns split so that there are ~4
 * blocks per SM while each block keeps >= 2 chunks. */
LPCS_HD void lpcs_lut_plan(int tiles, int nchunks, int sms, int *groups_out, int *ksplit_out, int *cps_out) {
    const int groups = (tiles + LPCS_GEMV_WARPS - 1) / LPCS_GEMV_WARPS;
    int ksplit = (4 * sms + groups - 1) / groups;
    const int max_split = (nchunks + 1) / 2;
    if (ksplit > max_split) ksplit = max_split;
    if (ksplit < 1) ksplit = 1;
    const int cps = (nchunks + ksplit - 1) / ksplit;
    *groups_out = groups;
    *cps_out = cps;
    *ksplit_out = (nchunks + cps - 1) / cps;
}

/* Tables of one 128-column chunk, two tokens per 32-bit word: for group g
 * (32 per chunk), index idx (16) and token pair pr, word (g*16 + idx)*NP + pr
 * holds T[2pr] + 512 in its low and T[2pr+1] + 512 in its high 16 bits, where
 * T[b] = sum_j bit_j(idx) * x[b][128c + 4g + j] (|T| <= 512, tokens past the
 * batch count as 0). Summing the words of the 32 groups of a chunk can then
 * not carry between the halves (32 * 1020 < 2^16), so one 32-bit add (and one
 * 128-bit shared load per 8 tokens) serves two tokens. */
template <int BMAX> struct lpcs_lut_np {
    static const int value = (BMAX + 1) / 2; /* words per (group, index) */
};

template <int BMAX>
LPCS_HD uint32_t lpcs_lut_entry2(const int8_t *x, int cols, int c, int batch, int e) {
    constexpr int NP = lpcs_lut_np<BMAX>::value;
    const int gidx = e / NP, pr = e % NP;
    const int g = gidx >> 4, idx = gidx & 15, k = c * 128 + g * 4;
    int t[2] = {0, 0};
    for (int h = 0; h < 2; h++) {
        const int b = 2 * pr + h;
        if (b >= batch) continue;
        const int8_t *xb = x + (size_t)b * cols;
        for (int j = 0; j < 4; j++)
            if (((idx >> j) & 1) && k + j < cols) t[h] += xb[k + j];
    }
    return (uint32_t)(t[0] + 512) | ((uint32_t)(t[1] + 512) << 16);
}

/* One lane's contribution of one chunk: planes cur[0..P) index the packed
 * tables T2 (lpcs_lut_entry2 layout); plane weights 2^p, the sign plane
 * negative. Adds into acc[0..BMAX). */
template <int BMAX>
LPCS_HD void lpcs_lut_lane_chunk(const uint32_t *T2, const uint4 *cur, int P, int is_signed, int acc[BMAX]) {
    constexpr int NP = lpcs_lut_np<BMAX>::value;
    const int bias = 32 * 512;
LPCS_UNROLL
    for (int p = 0; p < LPCS_LUT_PMAX; p++) {
        if (p >= P) break;
        uint32_t s[NP];
LPCS_UNROLL
        for (int i = 0; i < NP; i++) s[i] = 0;
        const uint32_t words[4] = {cur[p].x, cur[p].y, cur[p].z, cur[p].w};
LPCS_UNROLL
        for (int q = 0; q < 4; q++) {
LPCS_UNROLL
            for (int gi = 0; gi < 8; gi++) {
                const int idx = (words[q] >> (4 * gi)) & 15;
                const uint32_t *e = T2 + ((q * 8 + gi) * 16 + idx) * NP;
                if (NP % 4 == 0) {
LPCS_UNROLL
                    for (int v = 0; v < NP / 4; v++) {
                        const uint4 t = ((const uint4 *)e)[v];
                        s[4 * v] += t.x;
                        s[(4 * v + 1) % NP] += t.y;
                        s[(4 * v + 2) % NP] += t.z;
                        s[(4 * v + 3) % NP] += t.w;
                    }
                } else if (NP == 2) {
                    const uint2 t = *(const uint2 *)e;
                    s[0] += t.x;
                    s[1 % NP] += t.y;
                } else {
LPCS_UNROLL
                    for (int i = 0; i < NP; i++) s[i] += e[i];
                }
            }
        }
        const bool neg = is_signed && p == P - 1;
LPCS_UNROLL
        for (int i = 0; i < NP; i++) {
            const int lo = (int)(s[i] & 0xFFFFu) - bias, hi = (int)(s[i] >> 16) - bias;
            acc[2 * i] += neg ? -(lo * (1 << p)) : lo * (1 << p);
            if (2 * i + 1 < BMAX) acc[(2 * i + 1) % BMAX] += neg ? -(hi * (1 << p)) : hi * (1 << p);
        }
    }
}

/* Address of the plane-p word of (tile, chunk, lane). */
LPCS_HD const uint4 *lpcs_lut_word(const uint4 *W, int nchunks, int P, int tile, int c, int p, int lane) {
    return W + (((size_t)tile * nchunks + c) * P + p) * 32 + lane;
}

#endif
