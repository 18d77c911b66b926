/* Many-row matmul kernels of the device-resident engine: the lane-grouped
 * weight layout, gemm_k (the default), gemm_wl_k and gemm_st_k (matmul modes
 * 3 / 4 and 5 / 9 / 10). Every output is lpcs_dot_f32's chain. */
#ifndef LPCS_LLM_KERNELS_GEMM_CUH
#define LPCS_LLM_KERNELS_GEMM_CUH

#include "llm_kernels_rows.cuh"


/* Matrix layout on the device ("lane-grouped"): chain step i of lane j of
 * the contract is column k = 16 i + j; the steps are taken in groups of 8,
 * Wl[row][i / 8][j][i % 8] for i < kc (kc = ceil(cols / 16) rounded up to
 * 8, zero padded). A thread that owns lane j of a row reads 8 steps of its
 * chain with one or two 16-byte loads, and the 16 lanes of a row read one
 * contiguous piece (coalesced). */
__host__ __device__ __forceinline__ int lane_kc(int K) { return ((K + 15) / 16 + 7) / 8 * 8; }
/* Index of chain step i of lane j of row n (kc steps per lane). */
__host__ __device__ __forceinline__ size_t lane_at(size_t n, int j, int i, int kc) {
    return ((n * (size_t)(kc / 8) + (size_t)(i / 8)) * 16 + (size_t)j) * 8 + (size_t)(i % 8);
}

__device__ __forceinline__ void wload4(const float *W, float *v) { /* 4 consecutive weights */
    float4 q = __ldg((const float4 *)W);
    v[0] = q.x, v[1] = q.y, v[2] = q.z, v[3] = q.w;
}
__device__ __forceinline__ void wload4(const uint16_t *W, float *v) {
    uint2 q = __ldg((const uint2 *)W);
    v[0] = __uint_as_float(q.x << 16), v[1] = __uint_as_float(q.x & 0xffff0000u);
    v[2] = __uint_as_float(q.y << 16), v[3] = __uint_as_float(q.y & 0xffff0000u);
}
/* Raw 8-step groups, loaded before they are converted (loads in flight). */
template <typename WT> struct wraw;
template <> struct wraw<float> { float4 a, b; };
template <> struct wraw<uint16_t> { uint4 a; };
__device__ __forceinline__ void rawload(wraw<float> &r, const float *p) {
    r.a = __ldg((const float4 *)p), r.b = __ldg((const float4 *)(p + 4));
}
__device__ __forceinline__ void rawload(wraw<uint16_t> &r, const uint16_t *p) { r.a = __ldg((const uint4 *)p); }
__device__ __forceinline__ void rawcvt(const wraw<float> &r, float *v) {
    v[0] = r.a.x, v[1] = r.a.y, v[2] = r.a.z, v[3] = r.a.w, v[4] = r.b.x, v[5] = r.b.y, v[6] = r.b.z, v[7] = r.b.w;
}
__device__ __forceinline__ void rawcvt(const wraw<uint16_t> &r, float *v) {
    const uint32_t u[4] = {r.a.x, r.a.y, r.a.z, r.a.w};
#pragma unroll
    for (int e = 0; e < 4; e++) v[2 * e] = __uint_as_float(u[e] << 16), v[2 * e + 1] = __uint_as_float(u[e] & 0xffff0000u);
}
__device__ __forceinline__ float wload1(const float *W) { return __ldg(W); }
__device__ __forceinline__ float wload1(const uint16_t *W) { return __uint_as_float((uint32_t)__ldg(W) << 16); }

/* Reduction of 64 per-lane accumulators over the 16 lanes of a half-warp,
 * transposed: at each level a lane keeps half of the outputs, so lane j
 * ends with outputs 4j .. 4j+3, each the contract's tree over the lanes. */
template <int C, int H>
__device__ __forceinline__ void tr_step(float *acc, int j) {
    bool up = (j & H) != 0;
#pragma unroll
    for (int i = 0; i < C / 2; i++) {
        float send = up ? acc[i] : acc[i + C / 2];
        float keep = up ? acc[i + C / 2] : acc[i];
        acc[i] = keep + __shfl_xor_sync(FULL, send, H);
    }
}

/* Y[m][n] = dot(W[n], X[m]) for many rows m: 32 x 4TN output tile per block
 * of 256 threads = 16 groups of 16 lanes; group (gm, gn) owns an 8 x TN
 * sub-tile (TN = 8, the default; TN = 16, matmul mode 8: 1.5 operand bytes
 * read from shared memory per 2 fmaf instead of 2, twice the registers), lane j of the group the partial sum of lane j of the contract
 * (columns k = j mod 16, in ascending k, fmaf). Stages of 64 columns,
 * loaded into registers one stage ahead (global latency under compute). */
/* What a many-row GEMM also does with its outputs (the op after it, folded):
 * EPI 1: R[m][n] += Y[m][n] (add_k's residual add); EPI 2: a second matrix
 * W3 of the same shape, its outputs in H3, and S = silu(Y) * H3 (swiglu_k's
 * operation). Every op's own output is still stored. */
struct gemm_epi {
    float *R;
    int ldr;
    const void *W3;
    float *H3;
    int ldh3;
    float *S;
    int lds;
};
/* VS (the default since session 11; matmul mode 11 keeps the scalar form): the epilogue stores a lane's adjacent
 * outputs as one float4 (float2 for EPI 2's pairs) where aligned: a quarter of the store instructions and L1
 * requests of the scalar form (H100, full split: 50.3 -> 49.9 ms; with it the residual fold gains 0.25 ms, where
 * it lost 0.35 ms with scalar stores) */
/* INSIDE (launch_gemm8): every tile of the launch lies inside the matrices (all rows and columns real, K a multiple
 * of 64, X rows 16-byte aligned), so the staging loads and the chain steps drop their bounds checks (the SASS of
 * session 11 spent about 100 instructions a stage on the checked loads); the same operations in the same order.
 * Without checks the compiler keeps more addresses live (145-171 registers): minBlocks 2 holds it at 128 (2 blocks
 * an SM; the folded epilogues spill 44-88 bytes). minBlocks 0 leaves the checked forms as before (an explicit 1
 * raised their registers to 131-135, one block an SM, 20% slower: H100, session 11 call 4). */
/* CS (the default since session 12; matmul mode 17 keeps session 11's staging): a warp stages X as 4 rows x 8 float4 (not 2 rows x 16) and W
 * as 4 tile columns x 8 lanes (not 2 x 16), so its transposing shared-memory stores meet 32 different banks: half
 * the store wavefronts of the default (a bank model of one block-stage: 128 instead of 256; the global loads touch
 * the same 128-byte lines). The operand reads are unchanged. */
template <typename WT, int TN, int EPI = 0, bool VS = false, bool INSIDE = false, bool CS = false>
__global__ void __launch_bounds__(256, INSIDE ? 2 : 0) gemm_k(float *__restrict__ Y, int ldy, const float *__restrict__ X, int ldx,
                                              const WT *__restrict__ Wl, int M, int N, int K, gemm_epi E = {}) {
    static_assert(!CS || TN == 8, "the CS staging maps 32 tile columns");
    __shared__ __align__(16) float Xs[64][36];
    __shared__ __align__(16) float Ws[64][4 * TN + 4];
    const int tid = threadIdx.x, j = tid & 15, g = tid >> 4, gm = g >> 2, gn = g & 3;
    const int m0 = blockIdx.y * 32, n0 = blockIdx.x * 4 * TN, kc = lane_kc(K);
    const bool xvec = (ldx & 3) == 0;
    /* XC: the X tile read 2 rows of 256 bytes a warp request (4 L1 lines; a warp over 32 rows needs 32), row r of
     * stage column k stored at r ^ xsw(k) (bits 2..4 only, so an aligned float4 of rows stays one): the stores
     * meet at most 2 to a bank, the operand reads stay conflict-free (H100, session 9: the full split's matmuls
     * 41.5 -> 36.8 ms in the fp32 8 x 8 form). X is fp32 in every form, so the bf16 and 8 x 16 forms stage it
     * the same way (session 10; bit-exact on an H100 in session 11) */
    constexpr bool XC = true;
    auto xsw = [](int k) { return XC ? 4 * ((k >> 3) & 7) : 0; };
    float acc[8 * TN];
#pragma unroll
    for (int i = 0; i < 8 * TN; i++) acc[i] = 0.0f;
    /* this thread's outputs after the tree: row mo, columns nb .. nb + TN / 2 - 1 */
    const int mo = m0 + gm * 8 + (j >> 1), nb = n0 + gn * TN + (j & 1) * (TN / 2);
    float rres[EPI == 1 ? TN / 2 : 1]; /* EPI 1: the residual, requested now (its latency under the main loop) */
    if constexpr (EPI == 1) {
#pragma unroll
        for (int i = 0; i < TN / 2; i++) rres[i] = INSIDE || (mo < M && nb + i < N) ? E.R[(size_t)mo * E.ldr + nb + i] : 0.0f;
    }
    float xr[8], wr[TN]; /* this thread's share of the next stage */
    auto load = [&](int k0) {
#pragma unroll
        for (int h = 0; h < 2; h++) { /* X: 32 rows x 64 cols, 2 x 4 per thread; a warp = 2 rows of 256 bytes (XC)
                                      * or 32 rows */
            int e = tid + 256 * h, r = CS ? 4 * ((tid >> 5) & 7) + ((tid >> 3) & 3) : XC ? e >> 4 : e & 31,
                c = CS ? 4 * ((tid & 7) + 8 * h) : XC ? (e & 15) * 4 : (e >> 5) * 4, m = m0 + r, k = k0 + c;
            if (INSIDE || (m < M && xvec && k + 3 < K)) {
                float4 q = __ldg((const float4 *)(X + (size_t)m * ldx + k));
                xr[4 * h] = q.x, xr[4 * h + 1] = q.y, xr[4 * h + 2] = q.z, xr[4 * h + 3] = q.w;
            } else {
#pragma unroll
                for (int q = 0; q < 4; q++) xr[4 * h + q] = (m < M && k + q < K) ? X[(size_t)m * ldx + k + q] : 0.0f;
            }
        }
#pragma unroll
        for (int h = 0; h < TN / 4; h++) { /* W: 4TN rows x 16 lanes x 4 chain steps */
            int e = tid + 256 * h, rr = CS ? 4 * ((tid >> 5) & 7) + (tid & 3) : e >> 4,
                kk = CS ? ((tid >> 2) & 7) + 8 * h : e & 15, n = n0 + rr;
            /* EPI 2: tile rows alternate W (even) and W3 (odd) of output column n / 2 */
            const WT *src = EPI == 2 && (n & 1) ? (const WT *)E.W3 : Wl;
            if (EPI == 2) n >>= 1;
            if (INSIDE || n < N) wload4(src + lane_at((size_t)n, kk, k0 >> 4, kc), &wr[4 * h]);
            else wr[4 * h] = wr[4 * h + 1] = wr[4 * h + 2] = wr[4 * h + 3] = 0.0f;
        }
    };
    auto store = [&]() {
#pragma unroll
        for (int h = 0; h < 2; h++) {
            int e = tid + 256 * h, r = CS ? 4 * ((tid >> 5) & 7) + ((tid >> 3) & 3) : XC ? e >> 4 : e & 31,
                c = CS ? 4 * ((tid & 7) + 8 * h) : XC ? (e & 15) * 4 : (e >> 5) * 4;
#pragma unroll
            for (int q = 0; q < 4; q++) Xs[c + q][r ^ xsw(c + q)] = xr[4 * h + q];
        }
#pragma unroll
        for (int h = 0; h < TN / 4; h++) {
            int e = tid + 256 * h, rr = CS ? 4 * ((tid >> 5) & 7) + (tid & 3) : e >> 4,
                kk = CS ? ((tid >> 2) & 7) + 8 * h : e & 15;
#pragma unroll
            for (int q = 0; q < 4; q++) Ws[q * 16 + kk][rr] = wr[4 * h + q];
        }
    };
    load(0);
    store();
    __syncthreads();
    for (int k0 = 0; k0 < K; k0 += 64) {
        const bool more = k0 + 64 < K;
        if (more) load(k0 + 64);
        const int kmax = K - k0;
#pragma unroll
        for (int cc = 0; cc < 4; cc++) {
            int kk = cc * 16 + j;
            if (INSIDE || kk < kmax) { /* only real columns enter a lane's chain */
                float a[8], b[TN];
                float4 t;
                t = *(const float4 *)&Xs[kk][(gm * 8) ^ xsw(kk)], a[0] = t.x, a[1] = t.y, a[2] = t.z, a[3] = t.w;
                t = *(const float4 *)&Xs[kk][(gm * 8 + 4) ^ xsw(kk)], a[4] = t.x, a[5] = t.y, a[6] = t.z, a[7] = t.w;
#pragma unroll
                for (int v = 0; v < TN; v += 4)
                    t = *(const float4 *)&Ws[kk][gn * TN + v], b[v] = t.x, b[v + 1] = t.y, b[v + 2] = t.z, b[v + 3] = t.w;
#pragma unroll
                for (int m = 0; m < 8; m++)
#pragma unroll
                    for (int n = 0; n < TN; n++) acc[m * TN + n] = fmaf(b[n], a[m], acc[m * TN + n]);
            }
        }
        __syncthreads();
        if (more) {
            store();
            __syncthreads();
        }
    }
    /* the contract's tree (8, 4, 2, 1): each step halves the sums a lane keeps (row bits 2..0 of the sub-tile,
     * then the column half), so lane j ends with row j >> 1, columns (j & 1) * TN / 2 + i */
    tr_step<8 * TN, 8>(acc, j);
    tr_step<4 * TN, 4>(acc, j);
    tr_step<2 * TN, 2>(acc, j);
    tr_step<TN, 1>(acc, j);
    const int m = mo;
    if (m >= M) return;
    if constexpr (EPI == 2) { /* acc[i], acc[i + 1]: W's and W3's output at column (nb + i) / 2 (nb is even) */
        const bool sy = E.S == Y; /* the SwiGLU in place over W's output (Y is __restrict__: one store only) */
        if constexpr (VS) { /* nb is a multiple of 4: columns c, c + 1 (c even) as one float2 per array */
            const bool al = ((ldy | E.ldh3 | E.lds) & 1) == 0 && (((uintptr_t)Y | (uintptr_t)E.H3 | (uintptr_t)E.S) & 7) == 0;
            if (al && (nb + TN / 2) / 2 <= N) {
#pragma unroll
                for (int i = 0; i < TN / 2; i += 4) {
                    const int c = (nb + i) >> 1;
                    if (!sy) *(float2 *)&Y[(size_t)m * ldy + c] = make_float2(acc[i], acc[i + 2]);
                    *(float2 *)&E.H3[(size_t)m * E.ldh3 + c] = make_float2(acc[i + 1], acc[i + 3]);
                    *(float2 *)&E.S[(size_t)m * E.lds + c] =
                        make_float2(silu_f(acc[i]) * acc[i + 1], silu_f(acc[i + 2]) * acc[i + 3]);
                }
                return;
            }
        }
#pragma unroll
        for (int i = 0; i < TN / 2; i += 2) {
            const int c = (nb + i) >> 1;
            if (c < N) {
                if (!sy) Y[(size_t)m * ldy + c] = acc[i];
                E.H3[(size_t)m * E.ldh3 + c] = acc[i + 1];
                E.S[(size_t)m * E.lds + c] = silu_f(acc[i]) * acc[i + 1];
            }
        }
    } else {
        if constexpr (VS) { /* nb is a multiple of 4 */
            const bool al = (ldy & 3) == 0 && ((uintptr_t)Y & 15) == 0 &&
                            (EPI != 1 || ((E.ldr & 3) == 0 && ((uintptr_t)E.R & 15) == 0));
            if (al && nb + TN / 2 <= N) {
#pragma unroll
                for (int i = 0; i < TN / 2; i += 4) {
                    *(float4 *)&Y[(size_t)m * ldy + nb + i] = make_float4(acc[i], acc[i + 1], acc[i + 2], acc[i + 3]);
                    if constexpr (EPI == 1)
                        *(float4 *)&E.R[(size_t)m * E.ldr + nb + i] = make_float4(
                            rres[i] + acc[i], rres[i + 1] + acc[i + 1], rres[i + 2] + acc[i + 2], rres[i + 3] + acc[i + 3]);
                }
                return;
            }
        }
#pragma unroll
        for (int i = 0; i < TN / 2; i++)
            if (nb + i < N) {
                Y[(size_t)m * ldy + nb + i] = acc[i];
                if constexpr (EPI == 1) E.R[(size_t)m * E.ldr + nb + i] = rres[i] + acc[i]; /* add_k's out += in */
            }
    }
}

/* Many rows, one contract lane per warp: 512 threads = 16 warps; warp j
 * owns lane j (columns k = j mod 16, ascending, fmaf) of every output of a
 * 32 x TN tile, its 32 threads 8 x (TN / 8) sub-tiles (4 x 8 threads; rows
 * tm*4+a and 16+tm*4+a, columns tn*4+b and, for TN = 64, 32+tn*4+b). All
 * threads of a warp read the same shared row, so an operand read is a
 * broadcast of at most 128 bytes (one wavefront) where gemm_k's 16 lanes
 * per half-warp read 16 rows. The lane sums meet in shared memory in the
 * contract's tree (lane j + lane j+8, then +4, +2, +1), so every output gets
 * the same bits as gemm_k / gemv_k. TN = 32 keeps 32 sums per thread (two
 * blocks per SM, one block's prologue / tree overlaps the other's loop);
 * TN = 64 keeps 64 (one block per SM). */
template <typename WT, int TN>
__global__ void __launch_bounds__(512, TN == 32 ? 2 : 1)
    gemm_wl_k(float *__restrict__ Y, int ldy, const float *__restrict__ X, int ldx, const WT *__restrict__ Wl, int M,
              int N, int K) {
    constexpr int TM = 32, KS = 64, NV = TN / 8, NA = 8 * NV, RB = 8192; /* RB: 8 warps x 32 x 32 floats */
    __shared__ __align__(16) float sm[RB];                               /* stage (Xs, Ws) or reduction buffer */
    float(*Xs)[TM] = (float(*)[TM])sm;                                   /* [KS][TM] */
    float(*Ws)[TN] = (float(*)[TN])(sm + KS * TM);                       /* [KS][TN] */
    const int tid = threadIdx.x, j = tid >> 5, t = tid & 31, tm = t >> 3, tn = t & 7;
    const int m0 = blockIdx.y * TM, n0 = blockIdx.x * TN, kc = lane_kc(K);
    const bool xvec = (ldx & 3) == 0;
    float acc[NA];
#pragma unroll
    for (int i = 0; i < NA; i++) acc[i] = 0.0f;
    float xr[4], wr[NV]; /* this thread's share of the next stage */
    auto load = [&](int k0) {
        { /* X: 32 rows x 64 columns, 4 per thread; a warp = 32 rows of one column quad */
            int r = tid & 31, c = (tid >> 5) * 4, m = m0 + r, k = k0 + c;
            if (m < M && xvec && k + 3 < K) {
                float4 q = __ldg((const float4 *)(X + (size_t)m * ldx + k));
                xr[0] = q.x, xr[1] = q.y, xr[2] = q.z, xr[3] = q.w;
            } else {
#pragma unroll
                for (int q = 0; q < 4; q++) xr[q] = (m < M && k + q < K) ? X[(size_t)m * ldx + k + q] : 0.0f;
            }
        }
#pragma unroll
        for (int h = 0; h < NV / 4; h++) { /* W: TN rows x 16 lanes x 4 chain steps; a warp = 32 rows of one lane */
            int rr = tid % TN, kk = tid / TN + (512 / TN) * h, n = n0 + rr;
            if (n < N) wload4(Wl + lane_at((size_t)n, kk, k0 >> 4, kc), &wr[4 * h]);
            else wr[4 * h] = wr[4 * h + 1] = wr[4 * h + 2] = wr[4 * h + 3] = 0.0f;
        }
    };
    auto store = [&]() {
        int r = tid & 31, c = (tid >> 5) * 4;
#pragma unroll
        for (int q = 0; q < 4; q++) Xs[c + q][r] = xr[q];
#pragma unroll
        for (int h = 0; h < NV / 4; h++) {
            int rr = tid % TN, kk = tid / TN + (512 / TN) * h;
#pragma unroll
            for (int q = 0; q < 4; q++) Ws[q * 16 + kk][rr] = wr[4 * h + q];
        }
    };
    load(0);
    store();
    __syncthreads();
    for (int k0 = 0; k0 < K; k0 += KS) {
        const bool more = k0 + KS < K;
        if (more) load(k0 + KS);
        const int kmax = K - k0;
#pragma unroll
        for (int cc = 0; cc < 4; cc++) {
            const int kk = cc * 16 + j;
            if (kk < kmax) { /* only real columns enter a lane's chain (warp-uniform) */
                const float4 a0 = *(const float4 *)&Xs[kk][tm * 4], a1 = *(const float4 *)&Xs[kk][16 + tm * 4];
                float b[NV];
#pragma unroll
                for (int v = 0; v < NV; v += 4) {
                    const float4 b4 = *(const float4 *)&Ws[kk][8 * v + tn * 4];
                    b[v] = b4.x, b[v + 1] = b4.y, b[v + 2] = b4.z, b[v + 3] = b4.w;
                }
                const float a[8] = {a0.x, a0.y, a0.z, a0.w, a1.x, a1.y, a1.z, a1.w};
#pragma unroll
                for (int u = 0; u < 8; u++)
#pragma unroll
                    for (int v = 0; v < NV; v++) acc[u * NV + v] = fmaf(b[v], a[u], acc[u * NV + v]);
            }
        }
        __syncthreads();
        if (more) {
            store();
            __syncthreads();
        }
    }
    /* the contract's tree over the 16 lane sums: at level h, warp j < h adds warp j + h's sums */
#pragma unroll
    for (int h = 8; h >= 1; h >>= 1) {
#pragma unroll
        for (int part = 0; part < NA / 32; part++) {
            if (j >= h && j < 2 * h)
#pragma unroll
                for (int i = 0; i < 32; i++) sm[((j - h) * 32 + i) * 32 + t] = acc[part * 32 + i];
            __syncthreads();
            if (j < h)
#pragma unroll
                for (int i = 0; i < 32; i++) acc[part * 32 + i] = acc[part * 32 + i] + sm[(j * 32 + i) * 32 + t];
            __syncthreads();
        }
    }
    if (j == 0)
#pragma unroll
        for (int u = 0; u < 8; u++) {
            const int m = m0 + (u < 4 ? tm * 4 + u : 16 + tm * 4 + u - 4);
            if (m < M)
#pragma unroll
                for (int v = 0; v < NV; v++) {
                    const int n = n0 + 8 * (v & ~3) + tn * 4 + (v & 3);
                    if (n < N) Y[(size_t)m * ldy + n] = acc[u * NV + v];
                }
        }
}

/* Many rows, K up to GEMM_ST_KMAX: the contract's 16 lane chains taken one
 * lane after the other, so that a whole block works on one lane at a time
 * and every shared-memory operand read is a broadcast (a standard SGEMM
 * micro-tile of 4 x 4 outputs per thread, 64 x 64 per block of 256). The
 * lanes go in the post-order of the tree (0, 8, 4, 12, 2, 10, ...), so each
 * finished chain is added to its tree partner at once and at most four
 * partial results per output wait on a stack in registers: the adds are
 * the contract's (p[j] + p[j+8], then + 4, + 2, + 1), the bits those of
 * gemm_k. The block's 64 rows of X (all K columns, lane-major) sit in shared
 * memory for the 16 passes of every column tile the block walks; the
 * current lane's W slice is double buffered and the next lane's is in flight
 * during the chain. */
#define GEMM_ST_KMAX 768
__host__ __device__ __forceinline__ int gemm_st_steps(int K) { return (K + 15) / 16; }       /* chain steps S */
__host__ __device__ __forceinline__ int gemm_st_s4(int K) { return (gemm_st_steps(K) + 3) / 4 * 4; } /* S in quads */
__host__ __device__ __forceinline__ size_t gemm_st_smem(int K, int BM = 64) { /* X tile of BM rows, 2 W slices */
    return (size_t)4 * (16 * (size_t)BM + 2 * 64) * (size_t)gemm_st_s4(K);
}
/* WPF: W items per thread and lane, ceil(S4 / 16); past 1 the X tile leaves room for one block an SM. TM: rows per
 * thread, 4 (64 x 64 per block) or 8 (128 x 64: 0.375 operand floats per FMA instead of 0.5, one block an SM) */
template <typename WT, int WPF, int TM = 4>
__global__ void __launch_bounds__(256, WPF == 1 && TM == 4 ? 2 : 1) gemm_st_k(float *__restrict__ Y, int ldy, const float *__restrict__ X, int ldx,
                                                    const WT *__restrict__ Wl, int M, int N, int K, int tpb) {
    extern __shared__ __align__(16) float st_sm[];
    const int S4 = gemm_st_s4(K), kc = lane_kc(K);
    constexpr int BM = 16 * TM;      /* rows per block */
    float *Xl = st_sm;               /* [lane j][step i < S4][BM rows]: column 16 i + j */
    float *Ws = st_sm + 16 * S4 * BM; /* [2][S4][64 rows of W] */
    const int tid = threadIdx.x, m0 = blockIdx.x * BM;
    /* this block's column tiles of 64: X stays in shared memory for all of them (read from L2 once a matmul
     * where one block walks all of N) */
    const int nt0 = blockIdx.y * tpb, nt1 = min(nt0 + tpb, (N + 63) / 64);
    if (nt0 >= nt1) return;
    /* warp = 4 x 8 threads: an operand read touches 4 (X) / 8 (W) distinct 16-byte pieces, one wavefront each */
    const int tx = (tid & 7) + 8 * ((tid >> 5) & 1), ty = ((tid >> 3) & 3) + 4 * (tid >> 6);
    /* X tile: BM rows x K columns, 4 columns per item; a warp = 32 rows of one column quad (conflict-free
     * stores). 8 items a thread are requested before any is stored: their L2 trips overlap. */
    const bool xvec = (ldx & 3) == 0 && (K & 3) == 0;
    const int xitems = BM * 4 * S4; /* BM rows x 4 S4 quads */
    for (int e0 = tid; e0 < xitems; e0 += 256 * 8) {
        float v[8][4];
#pragma unroll
        for (int b = 0; b < 8; b++) {
            const int e = e0 + 256 * b, r = e % BM, k = e / BM * 4, m = m0 + r;
            if (e < xitems && m < M && xvec && k + 3 < K) {
                const float4 q = __ldg((const float4 *)(X + (size_t)m * ldx + k));
                v[b][0] = q.x, v[b][1] = q.y, v[b][2] = q.z, v[b][3] = q.w;
            } else {
#pragma unroll
                for (int q = 0; q < 4; q++) v[b][q] = (e < xitems && m < M && k + q < K) ? X[(size_t)m * ldx + k + q] : 0.0f;
            }
        }
#pragma unroll
        for (int b = 0; b < 8; b++) {
            const int e = e0 + 256 * b, r = e % BM, k = e / BM * 4;
            if (e < xitems)
#pragma unroll
                for (int q = 0; q < 4; q++) Xl[(((k + q) & 15) * S4 + ((k + q) >> 4)) * BM + r] = v[b][q];
        }
    }
    /* W slice of one lane: 64 rows x S4 steps, 4 steps per item (zero padded in the layout up to kc >= S4) */
    const int witems = 64 * (S4 / 4);
    float wr[WPF][4];
    auto wload = [&](int n0, int lane) {
#pragma unroll
        for (int h = 0; h < WPF; h++) {
            const int e = tid + 256 * h, rr = e & 63, i = (e >> 6) * 4, n = n0 + rr;
            if (e < witems && n < N) wload4(Wl + lane_at((size_t)n, lane, i, kc), wr[h]);
            else wr[h][0] = wr[h][1] = wr[h][2] = wr[h][3] = 0.0f;
        }
    };
    auto wstore = [&](int buf) {
#pragma unroll
        for (int h = 0; h < WPF; h++) {
            const int e = tid + 256 * h, rr = e & 63, i = (e >> 6) * 4;
            if (e < witems)
#pragma unroll
                for (int q = 0; q < 4; q++) Ws[((size_t)buf * S4 + i + q) * 64 + rr] = wr[h][q];
        }
    };
    auto bitrev4 = [](int t) { return ((t & 1) << 3) | ((t & 2) << 1) | ((t & 4) >> 1) | ((t & 8) >> 3); };
    wload(nt0 * 64, 0);
    wstore(0);
    __syncthreads();
    for (int nt = nt0; nt < nt1; nt++) {
        const int n0 = nt * 64;
        float cur[4 * TM], st0[4 * TM], st1[4 * TM], st2[4 * TM], st3[4 * TM];
#pragma unroll
        for (int t = 0; t < 16; t++) {
            const int lane = bitrev4(t); /* the tree's post-order */
            /* the next lane's W slice (after lane 15: lane 0 of the next column tile) is in flight during this chain */
            const bool pre = t < 15 || nt + 1 < nt1;
            if (pre) wload(t < 15 ? n0 : n0 + 64, bitrev4((t + 1) & 15));
#pragma unroll
            for (int i = 0; i < 4 * TM; i++) cur[i] = 0.0f;
            const int cnt = K > lane ? (K - lane + 15) / 16 : 0; /* columns lane, lane + 16, ... below K */
            const float *xa = Xl + (size_t)lane * S4 * BM + ty * TM, *wb = Ws + (size_t)(t & 1) * S4 * 64 + tx * 4;
#pragma unroll 4
            for (int i = 0; i < cnt; i++) {
                float av[TM];
#pragma unroll
                for (int u = 0; u < TM; u += 4) {
                    const float4 a = *(const float4 *)(xa + i * BM + u);
                    av[u] = a.x, av[u + 1] = a.y, av[u + 2] = a.z, av[u + 3] = a.w;
                }
                const float4 b = *(const float4 *)(wb + i * 64);
                const float bv[4] = {b.x, b.y, b.z, b.w};
#pragma unroll
                for (int u = 0; u < TM; u++)
#pragma unroll
                    for (int v = 0; v < 4; v++) cur[u * 4 + v] = fmaf(bv[v], av[u], cur[u * 4 + v]);
            }
            /* the tree: t even waits for its partner; t odd closes 1 + (trailing ones of t) levels */
#pragma unroll
            for (int o = 0; o < 4 * TM; o++) {
                if ((t & 1) == 0) st0[o] = cur[o];
                else {
                    float c = st0[o] + cur[o];
                    if ((t & 3) == 1) st1[o] = c;
                    else {
                        c = st1[o] + c;
                        if ((t & 7) == 3) st2[o] = c;
                        else {
                            c = st2[o] + c;
                            if (t == 7) st3[o] = c;
                            else cur[o] = st3[o] + c; /* t == 15: the dot product */
                        }
                    }
                }
            }
            if (pre) wstore((t + 1) & 1);
            __syncthreads();
        }
#pragma unroll
        for (int u = 0; u < TM; u++) {
            const int m = m0 + ty * TM + u;
            if (m < M)
#pragma unroll
                for (int v = 0; v < 4; v++)
                    if (n0 + tx * 4 + v < N) Y[(size_t)m * ldy + n0 + tx * 4 + v] = cur[u * 4 + v];
        }
    }
}

#endif
