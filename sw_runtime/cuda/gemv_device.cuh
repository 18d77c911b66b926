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

#include "formats.cuh" /* LPCS_CUDA_HD */

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


/* (chunks in flight per warp: the U parameter of mma_gemv.cuh) */

/* Launch plan of the ternary / int4 kernels: one block per row tile, the
 * columns split in ksplit ranges of cps chunks only when the tiles give less
 * than one block per SM (a split needs a y memset and atomics), unless a
 * split_hint asks for ~split_hint blocks per SM. */
LPCS_CUDA_HD void lpcs_rowtile_plan(int tiles, int nchunks, int sms, int split_hint, int *ksplit_out, int *cps_out) {
    /* split_hint > 0 (benchmark variants): split for ~split_hint blocks per SM */
    int ksplit = split_hint > 0 ? (split_hint * sms + tiles - 1) / tiles
               : tiles >= sms ? 1 : (2 * sms + tiles - 1) / tiles;
    const int max_split = (nchunks + 2 * LPCS_GEMV_WARPS - 1) / (2 * LPCS_GEMV_WARPS);
    if (ksplit > max_split) ksplit = max_split;
    if (ksplit < 1) ksplit = 1;
    const int cps = (nchunks + ksplit - 1) / ksplit;
    *cps_out = cps;
    *ksplit_out = (nchunks + cps - 1) / cps;
}

/* ---- integer tensor-core fragments (mma.m16n8k32.s8.s8.s32) ----
 * Lane l = 4g + t (g = l/4, t = l%4) holds, for one mma: A registers a0..a3
 * with the int8 weights of (row g, k 4t..4t+3), (row g+8, k 4t..), (row g,
 * k 16+4t..), (row g+8, k 16+4t..); B registers b0, b1 with the activations
 * of (k 4t.., token g) and (k 16+4t.., token g); C registers c0..c3 the sums
 * of (row g, tokens 2t, 2t+1) and (row g+8, tokens 2t, 2t+1) (PTX ISA,
 * "Matrix Fragments for mma.m16n8k32"). Which column a k slot stands for is
 * free as long as A and B agree: the layouts below pick it so that each
 * lane's weights are one 16-byte load and its activations are contiguous.
 * Integer products and sums are exact, so the result is the golden one. */

/* C += A B for one warp (device: every lane passes its fragments). */
__device__ __forceinline__ void lpcs_mma_s8(int c[4], const int a[4], int b0, int b1) {
#if defined(__CUDA_ARCH__)
    asm volatile("mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
                 "{%0,%1,%2,%3};\n"
                 : "+r"(c[0]), "+r"(c[1]), "+r"(c[2]), "+r"(c[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
#else
    (void)c, (void)a, (void)b0, (void)b1;
#endif
}

/* The same on the host, for all 32 lanes' fragments at once, from the PTX
 * fragment layout (written from the ISA text, not from the kernel). */
static inline int lpcs_frag_byte(int reg, int i) { return (int)(int8_t)((uint32_t)reg >> (8 * i)); }
static inline void lpcs_mma_s8_warp(int c[32][4], const int a[32][4], const int b[32][2]) {
    int A[16][32], B[32][8];
    for (int l = 0; l < 32; l++) {
        const int g = l >> 2, t = l & 3;
        for (int i = 0; i < 4; i++) {
            A[g][4 * t + i] = lpcs_frag_byte(a[l][0], i);
            A[g + 8][4 * t + i] = lpcs_frag_byte(a[l][1], i);
            A[g][16 + 4 * t + i] = lpcs_frag_byte(a[l][2], i);
            A[g + 8][16 + 4 * t + i] = lpcs_frag_byte(a[l][3], i);
            B[4 * t + i][g] = lpcs_frag_byte(b[l][0], i);
            B[16 + 4 * t + i][g] = lpcs_frag_byte(b[l][1], i);
        }
    }
    for (int l = 0; l < 32; l++) {
        const int g = l >> 2, t = l & 3;
        for (int r = 0; r < 4; r++) {
            const int row = g + 8 * (r >> 1), n = 2 * t + (r & 1);
            int s = 0;
            for (int k = 0; k < 32; k++) s += A[row][k] * B[k][n];
            c[l][r] += s;
        }
    }
}

/* Output element of C register r of lane l: row in the 16-row tile, token in the 8-token tile. */
LPCS_CUDA_HD int lpcs_mma_c_row(int lane, int r) { return (lane >> 2) + 8 * (r >> 1); }
LPCS_CUDA_HD int lpcs_mma_c_tok(int lane, int r) { return 2 * (lane & 3) + (r & 1); }

/* ---- ternary ---- */

/* Ternary piece of lane l (16 bytes, 4 mma steps of a 128-column chunk):
 * word m, field j, byte i = weight + 1 (0, 1, 2: offset binary, so that a
 * field unpacks with a shift and a mask) of row g + 8(j&1), column
 * 32t + 8m + 4(j>>1) + i of the chunk: A register j of step m is field j of
 * word m, and the B registers of step m are activation words 2m, 2m+1 of the
 * lane's 32 contiguous bytes (columns 32t..32t+31). The kernel subtracts
 * 1 x (sum of the activations) to undo the offset: exact integer algebra. */
LPCS_CUDA_HD void lpcs_ternary_afrag(const uint4 &wv, int m, int a[4]) {
    const uint32_t w = m == 0 ? wv.x : m == 1 ? wv.y : m == 2 ? wv.z : wv.w;
LPCS_UNROLL
    for (int j = 0; j < 4; j++) a[j] = (int)((w >> (2 * j)) & 0x03030303u);
}
/* Row (in the tile) and chunk column of piece word m, field j, byte i of lane l. */
LPCS_CUDA_HD void lpcs_ternary_piece_pos(int lane, int m, int j, int i, int *row, int *col) {
    *row = (lane >> 2) + 8 * (j & 1);
    *col = 32 * (lane & 3) + 8 * m + 4 * (j >> 1) + i;
}
/* Address of the piece of (tile, chunk, lane): one warp reads 512 contiguous bytes. */
LPCS_CUDA_HD const uint4 *lpcs_ternary_piece(const uint4 *W, int nchunks, int tile, int c, int lane) {
    return W + ((size_t)tile * nchunks + c) * 32 + lane;
}
/* Byte offset of the lane's activations (32 bytes) in chunk c of a token row. */
LPCS_CUDA_HD size_t lpcs_ternary_xoff(int c, int lane) { return (size_t)c * 128 + 32 * (lane & 3); }

/* ---- int4 ---- */

/* Int4 piece of lane l (16 bytes, 2 mma steps of a 64-column chunk): word
 * 2m + h, nibble n (0 low, 1 high) of byte i = weight + 8 (0..15, offset
 * binary: unpacking is a shift and a mask) of row g + 8n, column
 * 16t + 8m + 4h + i of the chunk: A register j of step m is nibble j&1 of the
 * bytes of word 2m + (j>>1); the B registers of step m are activation words
 * 2m, 2m+1 of the lane's 16 bytes (columns 16t..16t+15). The kernel
 * subtracts 8 x (sum of the activations). */
LPCS_CUDA_HD void lpcs_int4_afrag(const uint4 &wv, int m, int a[4]) {
    const uint32_t w0 = m == 0 ? wv.x : wv.z, w1 = m == 0 ? wv.y : wv.w;
    a[0] = (int)(w0 & 0x0F0F0F0Fu);
    a[1] = (int)((w0 >> 4) & 0x0F0F0F0Fu);
    a[2] = (int)(w1 & 0x0F0F0F0Fu);
    a[3] = (int)((w1 >> 4) & 0x0F0F0F0Fu);
}
LPCS_CUDA_HD void lpcs_int4_piece_pos(int lane, int m, int j, int i, int *row, int *col) {
    *row = (lane >> 2) + 8 * (j & 1);
    *col = 16 * (lane & 3) + 8 * m + 4 * (j >> 1) + i;
}
LPCS_CUDA_HD size_t lpcs_int4_xoff(int c, int lane) { return (size_t)c * 64 + 16 * (lane & 3); }

/* What the shared tensor-core kernel (mma_gemv.cuh) and its CPU emulation
 * need of a weight format: row tile, chunk width, mma steps per 16-byte
 * piece, activation uint4s per lane and chunk, the weights' storage offset,
 * A fragments, activation offset. */
#if defined(__CUDA_ARCH__)
#define LPCS_HD_MEMBER __host__ __device__ __forceinline__ static
#else
#define LPCS_HD_MEMBER static inline
#endif
struct lpcs_ternary_fmt {
    static const int kRows = 16, kCols = 128, kSteps = 4, kXVecs = 2, kOffset = 1;
    LPCS_HD_MEMBER void afrag(const uint4 &wv, int m, int a[4]) { lpcs_ternary_afrag(wv, m, a); }
    LPCS_HD_MEMBER size_t xoff(int c, int lane) { return lpcs_ternary_xoff(c, lane); }
};
struct lpcs_int4_fmt {
    static const int kRows = 16, kCols = 64, kSteps = 2, kXVecs = 1, kOffset = 8;
    LPCS_HD_MEMBER void afrag(const uint4 &wv, int m, int a[4]) { lpcs_int4_afrag(wv, m, a); }
    LPCS_HD_MEMBER size_t xoff(int c, int lane) { return lpcs_int4_xoff(c, lane); }
};

/* ---- LUT-GEMV ---- */

#define LPCS_LUT_PMAX 4

/* Launch plan: blocks of 8 row tiles; columns split so that there are ~4
 * blocks per SM while each block keeps >= 2 chunks. */
LPCS_CUDA_HD void lpcs_lut_plan(int tiles, int nchunks, int sms, int *groups_out, int *ksplit_out, int *cps_out) {
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
LPCS_CUDA_HD uint32_t lpcs_lut_entry2(const int8_t *x, int cols, int c, int batch, int e) {
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
LPCS_CUDA_HD void lpcs_lut_lane_chunk(const uint32_t *T2, const uint4 *cur, int P, int is_signed, int acc[BMAX]) {
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
LPCS_CUDA_HD const uint4 *lpcs_lut_word(const uint4 *W, int nchunks, int P, int tile, int c, int p, int lane) {
    return W + (((size_t)tile * nchunks + c) * P + p) * 32 + lane;
}

#endif
