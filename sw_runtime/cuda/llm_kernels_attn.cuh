/* RoPE, the KV cache store and the attention kernels of the device-resident
 * engine (decode and many rows). Same bits as the cpu backend's attention. */
#ifndef LPCS_LLM_KERNELS_ATTN_CUH
#define LPCS_LLM_KERNELS_ATTN_CUH

#include <stddef.h>

#include "llm_kernels_rows.cuh"

/* Adjacent-pair RoPE with the host's table, as the cpu backend. One block
 * per row and 128 columns (at decode a 4096-wide row would otherwise be 32
 * dependent steps of one block); kvstore_k likewise. */
/* One RoPE pair rotated by (cos, sin) = (fcr, fci), golden's two products and sum per element (no FMA: -fmad=false). */
__device__ __forceinline__ float2 rope_rot(float v0, float v1, float fcr, float fci) {
    return make_float2(v0 * fcr - v1 * fci, v0 * fci + v1 * fcr);
}
/* The table's (cos, sin) for position pos and row column i (the pair i, i + 1 of a head of hs columns). */
__device__ __forceinline__ float2 rope_cs(const float *cs, int pos, int hs, int i) {
    return make_float2(cs[(size_t)pos * hs + i % hs], cs[(size_t)pos * hs + i % hs + 1]);
}
/* v[i], v[i + 1] rotated in place by f; returns the rotated pair. */
__device__ __forceinline__ float2 rope_pair(float *v, int i, float2 f) {
    const float2 r = rope_rot(v[i], v[i + 1], f.x, f.y);
    v[i] = r.x, v[i + 1] = r.y;
    return r;
}

__global__ void rope_k(float *q, int ldq, float *k, int ldk, const float *cs, int rows, int ntok, const int *pos0p, int D,
                       int KVD, int hs) {
    int r = blockIdx.x;
    if (r >= rows) return;
    int pos = *pos0p + r % ntok;
    for (int i = 2 * (blockIdx.y * blockDim.x + threadIdx.x); i < D; i += 2 * blockDim.x * gridDim.y) {
        const float2 f = rope_cs(cs, pos, hs, i);
        rope_pair(q + (size_t)r * ldq, i, f);
        if (i < KVD) rope_pair(k + (size_t)r * ldk, i, f);
    }
}

__device__ __forceinline__ size_t cache_at(int layer, int slot, int pos, int max_slots, int max_pos, int kv) {
    return (((size_t)layer * max_slots + slot) * max_pos + pos) * kv;
}

__global__ void kvstore_k(float *kc, float *vc, const float *k, int ldk, const float *v, int ldv, int rows, int ntok,
                          const int *pos0p, int slot0, int layer, int max_slots, int max_pos, int kv) {
    int r = blockIdx.x;
    if (r >= rows) return;
    size_t o = cache_at(layer, slot0 + r / ntok, *pos0p + r % ntok, max_slots, max_pos, kv);
    for (int i = blockIdx.y * blockDim.x + threadIdx.x; i < kv; i += blockDim.x * gridDim.y) {
        kc[o + i] = k[(size_t)r * ldk + i];
        vc[o + i] = v[(size_t)r * ldv + i];
    }
}

/* One warp per (row, head): scores by 16-lane dots (two positions at a
 * time), max, lpcs_expf, ascending sum by one lane, divide, then the output
 * as an ascending fmaf chain per element. */
/* rope_k followed by kvstore_k in one launch (the ROPE op right before an
 * ATTENTION op): the rotated k pair goes to the k buffer and the cache, v is
 * copied; the same values as the two kernels. */
__global__ void rope_kv_k(float *q, int ldq, float *k, int ldk, const float *v, int ldv, float *kc, float *vc,
                          const float *cs, int rows, int ntok, const int *pos0p, int D, int KVD, int hs, int slot0,
                          int layer, int max_slots, int max_pos, int kv) {
    const int r = blockIdx.x;
    if (r >= rows) return;
    const int pos = *pos0p + r % ntok;
    const size_t o = cache_at(layer, slot0 + r / ntok, pos, max_slots, max_pos, kv);
    for (int i = 2 * (blockIdx.y * blockDim.x + threadIdx.x); i < D || i < kv; i += 2 * blockDim.x * gridDim.y) {
        if (i < D) {
            const float2 f = rope_cs(cs, pos, hs, i);
            rope_pair(q + (size_t)r * ldq, i, f);
            if (i < KVD) {
                const float2 kr = rope_pair(k + (size_t)r * ldk, i, f);
                if (i < kv) kc[o + i] = kr.x;
                if (i + 1 < kv) kc[o + i + 1] = kr.y;
            }
        }
        for (int e = i; e < i + 2 && e < kv; e++) {
            if (e >= KVD) kc[o + e] = k[(size_t)r * ldk + e]; /* (KVD = kv in llama: never taken) */
            vc[o + e] = v[(size_t)r * ldv + e];
        }
    }
}

/* rope_kv_k a float4 a thread (2 pairs) over all rows at once, where every piece is whole float4 (D, kv, hs, the
 * strides, the pointers) and k has no columns past KVD to copy (KVD == kv, as in llama): the same operations.
 * rope_kv_k's grid of one 64-thread block per row and half row took 1.05 ms of the full split for about 0.8 GB. */
__global__ void __launch_bounds__(256) rope_kv4_k(float *q, int ldq, float *k, int ldk, const float *v, int ldv, float *kc,
                                                  float *vc, const float *cs, int rows, int ntok, const int *pos0p, int D,
                                                  int hs, int slot0, int layer, int max_slots, int max_pos, int kv) {
    const int n4 = (D > kv ? D : kv) >> 2;
    const size_t e = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (e >= (size_t)rows * n4) return;
    const int r = (int)(e / (size_t)n4), i = 4 * (int)(e - (size_t)r * n4);
    const int pos = *pos0p + r % ntok;
    const size_t o = cache_at(layer, slot0 + r / ntok, pos, max_slots, max_pos, kv);
    const float4 c4 = *(const float4 *)(cs + (size_t)pos * hs + i % hs); /* pairs i, i + 2 (hs % 4 == 0) */
    if (i < D) {
        float4 *qq = (float4 *)(q + (size_t)r * ldq + i);
        const float4 x = *qq;
        const float2 a = rope_rot(x.x, x.y, c4.x, c4.y), b = rope_rot(x.z, x.w, c4.z, c4.w);
        *qq = make_float4(a.x, a.y, b.x, b.y);
    }
    if (i < kv) {
        float4 *kk = (float4 *)(k + (size_t)r * ldk + i);
        const float4 x = *kk;
        const float2 a = rope_rot(x.x, x.y, c4.x, c4.y), b = rope_rot(x.z, x.w, c4.z, c4.w);
        const float4 kr = make_float4(a.x, a.y, b.x, b.y);
        *kk = kr;
        *(float4 *)(kc + o + i) = kr;
        *(float4 *)(vc + o + i) = *(const float4 *)(v + (size_t)r * ldv + i);
    }
}

/* One warp: query row r, head h, its scores in sc (max_pos floats). */
__device__ __forceinline__ void attend_warp(float *out, int ldo, const float *q, int ldq, const float *kc, const float *vc,
                                            int r, int h, int pos, int slot, int layer, int max_slots, int max_pos, int kv,
                                            int kv_mul, int hs, float *sc) {
    const int lane = threadIdx.x & 31, j = lane & 15, half = lane >> 4;
    const int T = pos + 1;
    const float *qh = q + (size_t)r * ldq + (size_t)h * hs;
    const size_t base = cache_at(layer, slot, 0, max_slots, max_pos, kv) + (size_t)(h / kv_mul) * hs;
    float qr[16];
#pragma unroll
    for (int i = 0; i < 16; i++) qr[i] = (j + 16 * i < hs) ? qh[j + 16 * i] : 0.0f;
    const float scale = sqrtf((float)hs);
    for (int tb = 0; tb < T; tb += 4) { /* 4 positions a trip (2 per half-warp): their k loads in flight together */
        float kr[2][16];
#pragma unroll
        for (int a = 0; a < 2; a++) {
            const int t = tb + 2 * a + half;
            const float *kt = kc + base + (size_t)t * kv;
#pragma unroll
            for (int i = 0; i < 16; i++) kr[a][i] = t < T && j + 16 * i < hs ? kt[j + 16 * i] : 0.0f;
        }
#pragma unroll
        for (int a = 0; a < 2; a++) {
            const int t = tb + 2 * a + half;
            float p = 0.0f;
            if (t < T) {
#pragma unroll
                for (int i = 0; i < 16; i++)
                    if (j + 16 * i < hs) p = fmaf(qr[i], kr[a][i], p);
            }
            p = tree16(p);
            if (t < T && j == 0) sc[t] = p / scale;
        }
    }
    __syncwarp();
    float mx = -INFINITY;
    for (int t = lane; t < T; t += 32) mx = fmaxf(mx, sc[t]);
    for (int o = 16; o >= 1; o >>= 1) mx = fmaxf(mx, __shfl_xor_sync(FULL, mx, o));
    for (int t = lane; t < T; t += 32) sc[t] = lpcs_expf(sc[t] - mx);
    __syncwarp();
    float sum = 0.0f;
    if (lane == 0)
        for (int t = 0; t < T; t++) sum += sc[t];
    sum = __shfl_sync(FULL, sum, 0);
    for (int t = lane; t < T; t += 32) sc[t] /= sum;
    __syncwarp();
    /* every output of the lane (i = lane + 32 o, hs <= 256) at once: its own chain in ascending t, the v loads of
     * all of them in flight together */
    float *oh = out + (size_t)r * ldo + (size_t)h * hs;
    float acc[8];
#pragma unroll
    for (int o = 0; o < 8; o++) acc[o] = 0.0f;
    const float *vt = vc + base + lane;
    for (int t = 0; t < T; t++) {
        const float pr = sc[t];
#pragma unroll
        for (int o = 0; o < 8; o++)
            if (lane + 32 * o < hs) acc[o] = fmaf(pr, vt[(size_t)t * kv + 32 * o], acc[o]);
    }
#pragma unroll
    for (int o = 0; o < 8; o++)
        if (lane + 32 * o < hs) oh[lane + 32 * o] = acc[o];
}


__global__ void attention_k(float *out, int ldo, const float *q, int ldq, const float *kc, const float *vc, int rows,
                            int ntok, const int *pos0p, int slot0, int layer, int max_slots, int max_pos, int kv, int n_heads,
                            int kv_mul, int hs) {
    extern __shared__ float sm[];
    const int warp = threadIdx.x >> 5;
    const int wid = blockIdx.x * (blockDim.x >> 5) + warp;
    if (wid >= rows * n_heads) return; /* whole warp leaves together */
    const int r = wid / n_heads, h = wid % n_heads;
    attend_warp(out, ldo, q, ldq, kc, vc, r, h, *pos0p + r % ntok, slot0 + r / ntok, layer, max_slots, max_pos, kv, kv_mul,
                hs, sm + (size_t)warp * max_pos);
}

/* Decode (one new row per sequence): RoPE of the row's q heads and its kv
 * head's k, the k / v store into the cache (rope_kv_k's operations) and the
 * attention of those q heads (attention_k's), in one launch: a block per
 * (row, kv head), a warp per q head of the group; the block barrier makes
 * the stored k / v visible to every warp. The same bits as rope_kv_k +
 * attention_k. */
__global__ void rope_attn_k(float *out, int ldo, float *q, int ldq, float *k, int ldk, const float *v, int ldv, float *kc,
                            float *vc, const float *cs, const int *pos0p, int slot0, int layer, int max_slots, int max_pos,
                            int kv, int n_kv, int kv_mul, int hs) {
    extern __shared__ float sm[];
    const int r = blockIdx.x / n_kv, g = blockIdx.x % n_kv, warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
    const int h = g * kv_mul + warp, pos = *pos0p, slot = slot0 + r;
    const size_t o = cache_at(layer, slot, pos, max_slots, max_pos, kv);
    float *qq = q + (size_t)r * ldq;
    for (int i = h * hs + 2 * lane; i < (h + 1) * hs; i += 64) {
        rope_pair(qq, i, rope_cs(cs, pos, hs, i));
    }
    if (warp == 0) {
        float *kk = k + (size_t)r * ldk;
        const float *vv = v + (size_t)r * ldv;
        for (int i = g * hs + 2 * lane; i < (g + 1) * hs; i += 64) {
            const float2 kr = rope_pair(kk, i, rope_cs(cs, pos, hs, i));
            kc[o + i] = kr.x, kc[o + i + 1] = kr.y;
            vc[o + i] = vv[i], vc[o + i + 1] = vv[i + 1];
        }
    }
    __syncthreads();
    attend_warp(out, ldo, q, ldq, kc, vc, r, h, pos, slot, layer, max_slots, max_pos, kv, kv_mul, hs,
                sm + (size_t)warp * max_pos);
}

/* The pieces of the many-row attention kernels (one thread per query row
 * and head): q of the row into registers, a score (the contract's 16-lane
 * dot, then / sqrtf(hs)), and one step of the output chains. */
template <int HS>
__device__ __forceinline__ void attn_q_regs(float *qr, float *o, const float *q, bool on) {
#pragma unroll
    for (int i = 0; i < HS; i++) qr[i] = on ? q[i] : 0.0f, o[i] = 0.0f;
}
template <int HS> __device__ __forceinline__ float attn_score(const float *qr, const float *kt, float scale) {
    float p[16];
#pragma unroll
    for (int l = 0; l < 16; l++) p[l] = 0.0f;
#pragma unroll
    for (int i = 0; i < HS; i += 4) {
        const float4 k4 = *(const float4 *)&kt[i];
        p[i % 16] = fmaf(qr[i], k4.x, p[i % 16]);
        p[(i + 1) % 16] = fmaf(qr[i + 1], k4.y, p[(i + 1) % 16]);
        p[(i + 2) % 16] = fmaf(qr[i + 2], k4.z, p[(i + 2) % 16]);
        p[(i + 3) % 16] = fmaf(qr[i + 3], k4.w, p[(i + 3) % 16]);
    }
    return lpcs_dot_tree16(p) / scale;
}
template <int HS> __device__ __forceinline__ void attn_pv(float pr, const float *vt, float *o) {
#pragma unroll
    for (int i = 0; i < HS; i += 4) {
        const float4 v4 = *(const float4 *)&vt[i];
        o[i] = fmaf(pr, v4.x, o[i]);
        o[i + 1] = fmaf(pr, v4.y, o[i + 1]);
        o[i + 2] = fmaf(pr, v4.z, o[i + 2]);
        o[i + 3] = fmaf(pr, v4.w, o[i + 3]);
    }
}

/* Many query rows per sequence (ppl windows, prefill): one thread per
 * (query row, head), K / V of the sequence streamed through shared memory
 * in tiles of 64 positions that every thread of the block reads in the
 * same order (broadcast). Three passes (max, ascending sum of exp,
 * output); the scores go to a scratch buffer in pass 0 when the engine has
 * one (else they are recomputed in every pass): either way the same bits,
 * the operation chain of attention_k exactly
 * (score = lpcs_dot_f32 order / sqrtf(hs), fmaxf, lpcs_expf, ascending sum,
 * divide, ascending fmaf chain per output element). */
template <int HS, int PH = 0> /* PH 0: the three passes; 1: passes 0 and 1; 2: pass 2 (both need scr) */
__global__ void __launch_bounds__(128) attn_rows_k(float *out, int ldo, const float *q, int ldq, const float *kc,
                                                   const float *vc, int ntok, const int *pos0p, int slot0, int layer,
                                                   int max_slots, int max_pos, int kv, int kv_mul, float *scr,
                                                   float *ssum) {
    constexpr int TT = 64;
    __shared__ __align__(16) float Ks[TT][HS];
    __shared__ __align__(16) float Vs[TT][HS];
    const int s = blockIdx.z, h = blockIdx.y, qi = blockIdx.x * blockDim.x + threadIdx.x;
    const bool on = qi < ntok;
    const int pos0 = *pos0p, r = s * ntok + qi, T = pos0 + qi + 1;
    const int qlast = min(ntok, (int)(blockIdx.x + 1) * (int)blockDim.x) - 1, Tmax = pos0 + qlast + 1;
    const size_t base = cache_at(layer, slot0 + s, 0, max_slots, max_pos, kv) + (size_t)(h / kv_mul) * HS;
    float qr[HS], o[HS];
    attn_q_regs<HS>(qr, o, q + (size_t)r * ldq + (size_t)h * HS, on && PH != 2);
    const float scale = sqrtf((float)HS);
    float mx = -INFINITY, sum = 0.0f;
    /* PH 1 / 2 (the score buffer in two launches): PH 1 keeps only q, PH 2 only the outputs in registers, so
     * each takes about half the registers of the three passes together and fits more warps an SM; the row's
     * sum of exps goes from one to the other through ssum[(sequence, head)][row] */
    const size_t si = (size_t)(s * gridDim.y + h) * ntok + (on ? qi : 0);
    if (PH == 2) sum = on ? ssum[si] : 1.0f;
    /* scr (when the engine has it): this (sequence, head)'s scores, [position][query row] (coalesced);
     * pass 0 stores the score, pass 1 replaces it by its exp, pass 2 reads that: the same values as
     * recomputing them, without two of the three score passes and one of the two exps */
    const bool use = scr != NULL; /* the same for the whole block (barriers below depend on it) */
    float *sr = use ? scr + (size_t)(s * gridDim.y + h) * max_pos * ntok + (on ? qi : 0) : NULL;
    auto score = [&](int tt) { return attn_score<HS>(qr, Ks[tt], scale); };
    for (int pass = PH == 2 ? 2 : 0; pass < (PH == 1 ? 2 : 3); pass++) {
        for (int t0 = 0; t0 < Tmax; t0 += TT) {
            const int nt = min(TT, Tmax - t0);
            if (use && pass == 1) { /* no tile needed: the stored scores */
                const int tn = on ? min(nt, T - t0) : 0;
                /* 8 scores requested at once (the stores below alias them for the compiler, so it would
                 * wait for each load in turn); the sum stays ascending */
                for (int tb = 0; tb < tn; tb += 8) {
                    float v[8];
#pragma unroll
                    for (int u = 0; u < 8; u++) v[u] = tb + u < tn ? sr[(size_t)(t0 + tb + u) * ntok] : 0.0f;
#pragma unroll
                    for (int u = 0; u < 8; u++)
                        if (tb + u < tn) {
                            const float e = lpcs_expf(v[u] - mx);
                            sum += e;
                            sr[(size_t)(t0 + tb + u) * ntok] = e;
                        }
                }
                continue;
            }
            __syncthreads(); /* the previous tile is consumed */
            for (int e = threadIdx.x; e < nt * (HS / 4); e += blockDim.x) {
                int tt = e / (HS / 4), c = (e % (HS / 4)) * 4;
                size_t at = base + (size_t)(t0 + tt) * kv + c;
                if (!use || pass == 0) *(float4 *)&Ks[tt][c] = *(const float4 *)(kc + at);
                if (pass == 2) *(float4 *)&Vs[tt][c] = *(const float4 *)(vc + at);
            }
            __syncthreads();
            const int tn = min(nt, T - t0); /* this row's positions in the tile */
            if (use && pass == 2) { /* the stored exps, 4 requested at once; the same chain as below */
                for (int tb = 0; tb < tn; tb += 4) {
                    float e4[4];
#pragma unroll
                    for (int u = 0; u < 4; u++) e4[u] = on && tb + u < tn ? sr[(size_t)(t0 + tb + u) * ntok] : 0.0f;
#pragma unroll
                    for (int u = 0; u < 4; u++)
                        if (tb + u < tn) attn_pv<HS>(e4[u] / sum, Vs[tb + u], o);
                }
                continue;
            }
            for (int tt = 0; tt < tn; tt++) {
                if (use && pass == 0) {
                    const float sc = score(tt);
                    if (on) sr[(size_t)(t0 + tt) * ntok] = sc;
                    mx = fmaxf(mx, sc);
                    continue;
                }
                float sc = use ? 0.0f : score(tt);
                if (pass == 0) {
                    mx = fmaxf(mx, sc);
                } else if (pass == 1) {
                    sum += lpcs_expf(sc - mx);
                } else {
                    attn_pv<HS>((use ? (on ? sr[(size_t)(t0 + tt) * ntok] : 0.0f) : lpcs_expf(sc - mx)) / sum, Vs[tt], o);
                }
            }
        }
    }
    if (PH == 1) {
        if (on) ssum[si] = sum;
        return;
    }
    if (on)
#pragma unroll
        for (int i = 0; i < HS; i++) out[(size_t)r * ldo + (size_t)h * HS + i] = o[i];
}

/* Many query rows, the scores kept in shared memory: attn_rows_k's
 * recomputing form spends three score passes and two exps per (row, head,
 * position), and its global score buffer (mode 5) waited on memory. Here a
 * block of R query rows keeps its rows' scores in shared memory (row-major,
 * a row stride of P mod 32 words: the P threads of a row and the rows of a
 * warp hit distinct banks), up to the launch's last position. P threads
 * share a (row, head), so that the scores' shared memory (T floats a row)
 * still leaves many warps per SM: thread u of a row takes positions
 * t = u mod P for the scores (pass 0, K tiles as in attn_rows_k), the exps
 * and the division, and outputs u HS / P .. of the output chains (pass 2,
 * V tiles); the sum of the exps runs in ascending t on thread 0 of the row.
 * The operation chain of attention_k exactly (attn_rows_k's score function,
 * fmaxf, lpcs_expf, ascending sum, divide, ascending fmaf chains), so the
 * same bits. Dynamic shared memory: attn_smem_bytes. Query blocks from qb0
 * (the engine launches each query block of a causal window on its own by
 * default, sized to the positions it needs: the early ones fit more blocks
 * per SM). */
#define ATTN_SMEM_R 32 /* query rows per block */
#define ATTN_SMEM_P 4  /* threads per (row, head) */
#define ATTN_SMEM_MAX (96 * 1024) /* above this the recomputing kernel (more blocks per SM) */
__host__ __device__ __forceinline__ int attn_smem_stride(int tcap) { return (tcap + 31) / 32 * 32 + ATTN_SMEM_P; }
static size_t attn_smem_bytes(int hs, int tcap) {
    return (size_t)4 * (64 * (size_t)hs + (size_t)attn_smem_stride(tcap) * ATTN_SMEM_R);
}
template <int HS, int R, int P>
__global__ void __launch_bounds__(R * P) attn_smem_k(float *out, int ldo, const float *q, int ldq, const float *kc,
                                                     const float *vc, int ntok, const int *pos0p, int slot0, int layer,
                                                     int max_slots, int max_pos, int kv, int kv_mul, int tcap, int qb0) {
    constexpr int TT = 64, HP = HS / P;
    extern __shared__ __align__(16) float asm_sm[];
    float(*Ts)[HS] = (float(*)[HS])asm_sm; /* the tile: K in pass 0, V in pass 2 */
    const int u = threadIdx.x % P, rr = threadIdx.x / P;
    float *scs = asm_sm + TT * HS + rr * attn_smem_stride(tcap); /* this row's scores / exps / weights */
    const int qb = blockIdx.x + qb0, s = blockIdx.z, h = blockIdx.y, qi = qb * R + rr;
    const bool on = qi < ntok;
    const int pos0 = *pos0p, r = s * ntok + qi, T = on ? pos0 + qi + 1 : 0;
    const int qlast = min(ntok, (qb + 1) * R) - 1, Tmax = min(pos0 + qlast + 1, tcap);
    const size_t base = cache_at(layer, slot0 + s, 0, max_slots, max_pos, kv) + (size_t)(h / kv_mul) * HS;
    float qr[HS], o[HS];
    attn_q_regs<HS>(qr, o, q + (size_t)r * ldq + (size_t)h * HS, on);
    const float scale = sqrtf((float)HS);
    float mx = -INFINITY, sum = 0.0f;
    for (int pass = 0; pass < 3; pass += 2) { /* the exps run between the two tile passes, on the stored scores */
        for (int t0 = 0; t0 < Tmax; t0 += TT) {
            const int nt = min(TT, Tmax - t0);
            __syncthreads(); /* the previous tile is consumed */
            const float *src = pass == 0 ? kc : vc;
            for (int e = threadIdx.x; e < nt * (HS / 4); e += R * P) {
                const int tt = e / (HS / 4), c = (e % (HS / 4)) * 4;
                *(float4 *)&Ts[tt][c] = *(const float4 *)(src + base + (size_t)(t0 + tt) * kv + c);
            }
            __syncthreads();
            const int tn = max(0, min(nt, T - t0)); /* this row's positions in the tile */
            if (pass == 0) {
                for (int tt = u; tt < tn; tt += P) {
                    const float sc = attn_score<HS>(qr, Ts[tt], scale);
                    scs[t0 + tt] = sc;
                    mx = fmaxf(mx, sc);
                }
            } else {
                for (int tt = 0; tt < tn; tt++) attn_pv<HP>(scs[t0 + tt], Ts[tt] + u * HP, o); /* outputs u HP.. */
            }
        }
        if (pass == 0) { /* the row's max (order-free), its exps, their ascending sum, the weights */
#pragma unroll
            for (int w = 1; w < P; w <<= 1) mx = fmaxf(mx, __shfl_xor_sync(FULL, mx, w));
            for (int t = u; t < T; t += P) scs[t] = lpcs_expf(scs[t] - mx);
            __syncwarp();
            if (u == 0)
                for (int t = 0; t < T; t++) sum += scs[t];
            sum = __shfl_sync(FULL, sum, (int)(threadIdx.x & 31) & ~(P - 1));
            for (int t = u; t < T; t += P) scs[t] = scs[t] / sum;
            __syncwarp();
        }
    }
    if (on)
#pragma unroll
        for (int i = 0; i < HP; i++) out[(size_t)r * ldo + (size_t)h * HS + u * HP + i] = o[i];
}

#endif
