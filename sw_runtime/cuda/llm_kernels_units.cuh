/* Exact-unit and HGRN-Bit kernels of the device-resident engine: RMMEC words,
 * LUT-GEMV and shift-MAC integer GEMMs, BitLinear's quantizers, MLGRU, GLU,
 * gated norms, and the activation quantizer of the numeric plans. */
#ifndef LPCS_LLM_KERNELS_UNITS_CUH
#define LPCS_LLM_KERNELS_UNITS_CUH

#include "rmmec_device.cuh"
#include "block_device.cuh"
#include "llm_kernels_rows.cuh"

/* Exact RMMEC matmul (golden exact.c + rmmec_gemv): the activation row is
 * encoded in the weight's format (posit RNE saturating / FP4 RNE
 * saturating) into the unit's words, then each output = one thread that
 * accumulates the words in golden's order and reads out fp32 once. */
__device__ __forceinline__ uint32_t rmmec_encode(int mode, float v) {
    switch (mode) {
    case LPCS_RMMEC_FP4: return lpcs_mf_from_f32(LPCS_MF_FP4_E2M1, v, 1); /* saturating */
    case LPCS_RMMEC_P4: return lpcs_posit_from_f32(4, 1, v);
    case LPCS_RMMEC_P8: return lpcs_posit_from_f32(8, 0, v);
    default: return lpcs_posit_from_f32(16, 1, v);
    }
}
__global__ void rmmec_pack_k(uint16_t *xw, int words, const float *X, int ldx, int rows, int K, int mode) {
    const int lanes = mode == LPCS_RMMEC_P16 ? 1 : mode == LPCS_RMMEC_P8 ? 2 : 4, bits = 16 / lanes;
    const size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (size_t)rows * words) return;
    const int m = (int)(i / words), k = (int)(i % words);
    uint32_t w = 0;
    for (int l = 0; l < lanes && k * lanes + l < K; l++)
        w |= rmmec_encode(mode, X[(size_t)m * ldx + k * lanes + l]) << (bits * l);
    xw[i] = (uint16_t)w;
}
__global__ void rmmec_mm_k(float *Y, int ldy, const uint16_t *__restrict__ xw, int words, const uint16_t *__restrict__ w_cm,
                           int N, int mode) {
    const int n = blockIdx.y * blockDim.x + threadIdx.x, m = blockIdx.x; /* rows on x: more than 65535 */
    if (n >= N) return;
    lpcs_rmmec_acc s;
    s.acc = 0;
    s.nar = 0;
    const uint16_t *x = xw + (size_t)m * words;
    for (int k = 0; k < words; k++) lpcs_rmmec_step(mode, &s, w_cm[(size_t)k * N + n], __ldg(x + k));
    uint32_t out = 0;
    lpcs_rmmec_readout(mode, &s, LPCS_RMMEC_OUT_FP32, &out);
    Y[(size_t)m * ldy + n] = __uint_as_float(out);
}


/* golden hgrn.c: hgrn_exp_f32 = lpcs_expf, sigmoid and silu in its forms. */
__device__ __forceinline__ float hgrn_exp(float v) { return lpcs_expf(v); }
__device__ __forceinline__ float hgrn_sigmoid(float z) { return 1.0f / (1.0f + hgrn_exp(-z)); }
__device__ __forceinline__ float hgrn_silu(float z) { return z / (1.0f + hgrn_exp(-z)); }

/* bitlinear_rmsnorm_f32's 1 / rms for the row x, one warp: golden's 32-lane
 * double sum (lane j: terms j, j+32, ... in order; lanes added 0..31). */
__device__ __forceinline__ float bl_r(const float *x, int n, float eps, int lane) {
    double acc = 0.0;
    for (int k = lane; k < n; k += 32) {
        double v = (double)x[k];
        acc = acc + v * v;
    }
    double S = 0.0;
    for (int j = 0; j < 32; j++) S = S + __shfl_sync(FULL, acc, j);
    float ms = (float)(S / (double)n);
    return 1.0f / sqrtf(ms + eps);
}

__global__ void bl_rmsnorm_k(float *out, int ldo, const float *in, int ldi, const float *w, int rows, int n,
                             float eps) {
    int r = (int)((blockIdx.x * blockDim.x + threadIdx.x) >> 5), lane = threadIdx.x & 31;
    if (r >= rows) return;
    const float *x = in + (size_t)r * ldi;
    float rr = bl_r(x, n, eps, lane);
    for (int k = lane; k < n; k += 32) {
        float t = x[k] * rr;
        out[(size_t)r * ldo + k] = t * w[k];
    }
}

/* BitLinear steps 5-9 per row (one warp): RMSNorm, absmax scale, int8. */
__global__ void bl_quant_k(int8_t *xq, int kp, float *xs, const float *in, int ldi, const float *g, int rows, int n,
                           float eps) {
    int r = (int)((blockIdx.x * blockDim.x + threadIdx.x) >> 5), lane = threadIdx.x & 31;
    if (r >= rows) return;
    const float *x = in + (size_t)r * ldi;
    float rr = bl_r(x, n, eps, lane), amax = 0.0f;
    for (int k = lane; k < n; k += 32) {
        float t = x[k] * rr;
        amax = fmaxf(amax, fabsf(t * g[k]));
    }
    for (int o = 16; o >= 1; o >>= 1) amax = fmaxf(amax, __shfl_xor_sync(FULL, amax, o));
    float s = 127.0f / (amax > 1e-5f ? amax : 1e-5f);
    int8_t *q = xq + (size_t)r * kp;
    for (int k = lane; k < kp; k += 32) {
        if (k < n) {
            float t = x[k] * rr;
            float v = rintf((t * g[k]) * s);
            q[k] = (int8_t)(v > 127.0f ? 127 : (v < -128.0f ? -128 : (int)v));
        } else {
            q[k] = 0;
        }
    }
    if (lane == 0) xs[r] = s;
}

/* Exact int32 Y[m][n] = sum_k X[m][k] W[n][k] (int8, dp4a; integer sums do
 * not depend on order). 64 x 64 tile, 4 x 4 per thread. */
__global__ void __launch_bounds__(256) igemm_k(int32_t *Y, int ldy, const int8_t *X, const int8_t *W, int M, int N,
                                               int kp) {
    __shared__ int Xs[64][17], Ws[64][17];
    const int tid = threadIdx.x, tx = tid & 15, ty = tid >> 4, m0 = blockIdx.y * 64, n0 = blockIdx.x * 64;
    const int kw = kp / 4;
    const int *X4 = (const int *)X, *W4 = (const int *)W;
    int acc[4][4] = {{0}};
    for (int k0 = 0; k0 < kw; k0 += 16) {
        for (int e = tid; e < 1024; e += 256) {
            int r = e >> 4, c = e & 15, m = m0 + r, n = n0 + r;
            Xs[r][c] = m < M ? X4[(size_t)m * kw + k0 + c] : 0;
            Ws[r][c] = n < N ? W4[(size_t)n * kw + k0 + c] : 0;
        }
        __syncthreads();
#pragma unroll
        for (int c = 0; c < 16; c++) {
            int a[4], b[4];
#pragma unroll
            for (int i = 0; i < 4; i++) a[i] = Xs[ty * 4 + i][c], b[i] = Ws[tx * 4 + i][c];
#pragma unroll
            for (int i = 0; i < 4; i++)
#pragma unroll
                for (int j = 0; j < 4; j++) acc[i][j] = __dp4a(a[i], b[j], acc[i][j]);
        }
        __syncthreads();
    }
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            int m = m0 + ty * 4 + i, n = n0 + tx * 4 + j;
            if (m < M && n < N) Y[(size_t)m * ldy + n] = acc[i][j];
        }
}

/* Step 11: y = ((float)acc / s) / inv_beta. */
__global__ void bl_dequant_k(float *out, int ldo, const int32_t *acc, int lda, const float *xs, float inv_beta,
                             int rows, int n) {
    size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (size_t)rows * n) return;
    size_t r, c;
    row_col(i, n, r, c);
    float a = (float)acc[r * lda + c] / xs[r];
    out[r * ldo + c] = a / inv_beta;
}

/* LUT-GEMV unit input (exact.c load_token = golden intq): per row, scale =
 * absmax over the finite entries / qmax, code = x / scale rounded to
 * nearest even and clamped to +-qmax (NaN or scale <= 0: 0); zero padded
 * to kp. One block per row; a maximum does not depend on the order. */
__global__ void lut_quant_k(int8_t *xq, int kp, float *xs, const float *in, int ldi, int n, int qmax) {
    __shared__ float red[8];
    const size_t r = blockIdx.x;
    const float *x = in + r * ldi;
    float m = 0.0f;
    for (int k = threadIdx.x; k < n; k += blockDim.x)
        if (isfinite(x[k])) m = fmaxf(m, fabsf(x[k]));
    for (int o = 16; o; o >>= 1) m = fmaxf(m, __shfl_xor_sync(FULL, m, o));
    if ((threadIdx.x & 31) == 0) red[threadIdx.x >> 5] = m;
    __syncthreads();
    m = 0.0f;
    for (int i = 0; i < (int)(blockDim.x >> 5); i++) m = fmaxf(m, red[i]);
    const float sc = __fdiv_rn(m, (float)qmax);
    if (threadIdx.x == 0) xs[r] = sc;
    for (int k = threadIdx.x; k < kp; k += blockDim.x) {
        int8_t q = 0;
        if (k < n && !isnan(x[k]) && sc > 0.0f) {
            const float t = rintf(__fdiv_rn(x[k], sc)); /* round half to even */
            q = (int8_t)(t > (float)qmax ? qmax : t < -(float)qmax ? -qmax : (int)t);
        }
        xq[r * kp + k] = q;
    }
}

/* golden lutgemv_convert with one scale group: y = (0 + (float)acc * w_scale[c]) * x_scale[r]. */
__global__ void lut_convert_k(float *out, int ldo, const int32_t *acc, int lda, const float *ws, const float *xs,
                              int rows, int n) {
    size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (size_t)rows * n) return;
    size_t r = i / n, c = i % n;
    float t = __int2float_rn(acc[r * lda + c]) * ws[c];
    float s = 0.0f + t;
    out[r * ldo + c] = s * xs[r];
}

/* Shift-MAC unit input (golden act_quant_absmax_i8), one warp per row:
 * s = 127 / max(absmax, 1e-5), q = rne(x * s) clamped to [-128, 127],
 * zero padded to kp. A non-finite input (golden: LPCS_ERANGE, the runtime
 * gives NaN outputs) sets the row's scale to NaN and its codes to 0. */
__global__ void sm_quant_k(int8_t *xq, int kp, float *xs, const float *in, int ldi, int rows, int n) {
    int r = (int)((blockIdx.x * blockDim.x + threadIdx.x) >> 5), lane = threadIdx.x & 31;
    if (r >= rows) return;
    const float *x = in + (size_t)r * ldi;
    float amax = 0.0f;
    int bad = 0;
    for (int k = lane; k < n; k += 32) {
        bad |= !isfinite(x[k]);
        amax = fmaxf(amax, fabsf(x[k]));
    }
    for (int o = 16; o >= 1; o >>= 1) {
        amax = fmaxf(amax, __shfl_xor_sync(FULL, amax, o));
        bad |= __shfl_xor_sync(FULL, bad, o);
    }
    const float s = __fdiv_rn(127.0f, amax > 1e-5f ? amax : 1e-5f);
    int8_t *q = xq + (size_t)r * kp;
    for (int k = lane; k < kp; k += 32) {
        int8_t c = 0;
        if (k < n && !bad) {
            const float v = rintf(__fmul_rn(x[k], s));
            c = (int8_t)(v > 127.0f ? 127 : (v < -128.0f ? -128 : (int)v));
        }
        q[k] = c;
    }
    if (lane == 0) xs[r] = bad ? __int_as_float(0x7fc00000) : s;
}

/* The shift-MAC unit's exact GEMM: Y[m][n] = sum_k X[m][k] * W(code[n][k]),
 * each term the activation shifted left by 7 - e and negated for a sign
 * bit (golden shiftmac.h: |term| <= 2^14, int32 exact; integer sums do not
 * depend on order). Codes packed two per byte, column k in nibble k % 2 of
 * byte k / 2 (golden packing), rows kp / 2 bytes. 64 x 64 tile, 4 x 4 per
 * thread, 64 columns per step. */
__global__ void __launch_bounds__(256) shiftmac_gemm_k(int32_t *Y, int ldy, const int8_t *X, const uint8_t *Wp,
                                                       int M, int N, int kp) {
    __shared__ int Xs[64][17], Ws[64][9];
    const int tid = threadIdx.x, tx = tid & 15, ty = tid >> 4, m0 = blockIdx.y * 64, n0 = blockIdx.x * 64;
    const int kw = kp / 4, kc = kp / 8;
    const int *X4 = (const int *)X, *W4 = (const int *)Wp;
    int acc[4][4] = {{0}};
    for (int k0 = 0; k0 < kw; k0 += 16) {
        for (int e = tid; e < 1024; e += 256) {
            int r = e >> 4, c = e & 15, m = m0 + r;
            Xs[r][c] = m < M ? X4[(size_t)m * kw + k0 + c] : 0;
        }
        for (int e = tid; e < 512; e += 256) {
            int r = e >> 3, c = e & 7, n = n0 + r;
            Ws[r][c] = n < N ? W4[(size_t)n * kc + k0 / 2 + c] : 0;
        }
        __syncthreads();
#pragma unroll 4
        for (int c = 0; c < 16; c++) {
            int xv[4][4], sh[4][4], ng[4][4];
#pragma unroll
            for (int i = 0; i < 4; i++) {
                const int a = Xs[ty * 4 + i][c];
#pragma unroll
                for (int q = 0; q < 4; q++) xv[i][q] = (int)(signed char)(a >> (8 * q));
            }
#pragma unroll
            for (int j = 0; j < 4; j++) {
                const unsigned b = (unsigned)Ws[tx * 4 + j][c >> 1] >> ((c & 1) * 16);
#pragma unroll
                for (int q = 0; q < 4; q++) {
                    const unsigned code = (b >> (4 * q)) & 15u;
                    sh[j][q] = 7 - (int)(code & 7u), ng[j][q] = (int)(code >> 3);
                }
            }
#pragma unroll
            for (int i = 0; i < 4; i++)
#pragma unroll
                for (int j = 0; j < 4; j++)
#pragma unroll
                    for (int q = 0; q < 4; q++) {
                        const int t = (int)((unsigned)xv[i][q] << sh[j][q]);
                        acc[i][j] += ng[j][q] ? -t : t;
                    }
        }
        __syncthreads();
    }
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            int m = m0 + ty * 4 + i, n = n0 + tx * 4 + j;
            if (m < M && n < N) Y[(size_t)m * ldy + n] = acc[i][j];
        }
}

/* golden shiftmac_dequant: y = ((float)acc / s) * wscale[c]; NaN scale (a
 * non-finite input row): NaN, the runtime's pattern. */
__global__ void sm_dequant_k(float *out, int ldo, const int32_t *acc, int lda, const float *ws, const float *xs,
                             int rows, int n) {
    size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (size_t)rows * n) return;
    size_t r = i / n, c = i % n;
    const float s = xs[r];
    const float q = __fdiv_rn(__int2float_rn(acc[r * lda + c]), s);
    out[r * ldo + c] = isnan(s) ? __int_as_float(0x7fc00000) : __fmul_rn(q, ws[c]);
}

/* hgrn_mlgru_recur over the positions of each sequence: one thread per
 * (sequence, channel) walks t in order; the state persists per slot. */
__global__ void mlgru_k(float *out, int ldo, const float *ip, int ldi, const float *fp, int ldf, const float *lb,
                        float *state, int nseq, int ntok, const int *pos0p, int slot0, int layer, int max_slots, int D) {
    size_t idx = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= (size_t)nseq * D) return;
    int s = (int)(idx / D), k = (int)(idx % D);
    float *sc = state + ((size_t)layer * max_slots + slot0 + s) * D + k;
    float st = *pos0p == 0 ? 0.0f : *sc;
    for (int t = 0; t < ntok; t++) {
        size_t row = (size_t)s * ntok + t;
        float f = hgrn_sigmoid(fp[row * ldf + k]);
        if (lb) {
            float tt = (1.0f - lb[k]) * f;
            f = lb[k] + tt;
        }
        float i = hgrn_silu(ip[row * ldi + k]) * (1.0f - f);
        float fs = f * st;
        st = fs + i;
        out[row * ldo + k] = st;
    }
    *sc = st;
}

/* hgrn_gate_out: RMSNorm(g, w) * silu(state), one warp per row. */
__global__ void gated_norm_k(float *out, int ldo, const float *g, int ldg, const float *st, int lds, const float *w,
                             int rows, int n, float eps) {
    int r = (int)((blockIdx.x * blockDim.x + threadIdx.x) >> 5), lane = threadIdx.x & 31;
    if (r >= rows) return;
    const float *x = g + (size_t)r * ldg;
    float rr = bl_r(x, n, eps, lane);
    for (int k = lane; k < n; k += 32) {
        float t = x[k] * rr;
        float o = t * w[k];
        out[(size_t)r * ldo + k] = o * hgrn_silu(st[(size_t)r * lds + k]);
    }
}

/* hgrn_glu: silu(gate) * y, gate = in[0..n), y = in[n..2n). */
__global__ void glu_k(float *out, int ldo, const float *in, int ldi, int rows, int n) {
    size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (size_t)rows * n) return;
    size_t r, c;
    row_col(i, n, r, c);
    out[r * ldo + c] = hgrn_silu(in[r * ldi + c]) * in[r * ldi + n + c];
}


/* ---------------------------------------------------------------- quantization plans */

/* qformat_roundtrip (golden/qformat.c) of one token's tensor x[0..n) in rows
 * of rl, in place, by one warp: element-wise formats lane by lane, MX and
 * NVFP4 one block per lane, intN and ternary one row at a time with the
 * warp reducing (max: order-free; ternary's mean: golden's 32-lane double
 * sum). */
__device__ void quant_tensor(const qformat &q, float *x, int n, int rl, int lane) {
    switch (q.kind) {
    case QF_MINIFLOAT:
        for (int i = lane; i < n; i += 32) x[i] = lpcs_mf_to_f32(q.mf, lpcs_mf_from_f32(q.mf, x[i], q.sat));
        return;
    case QF_POSIT:
        for (int i = lane; i < n; i += 32)
            x[i] = lpcs_posit_to_f32(q.posit_n, q.posit_es, lpcs_posit_from_f32(q.posit_n, q.posit_es, x[i]));
        return;
    case QF_MX: {
        int bpr = (rl + 31) / 32, nb = n / rl * bpr;
        for (int b = lane; b < nb; b += 32) {
            int r = b / bpr, s0 = (b % bpr) * 32, len = rl - s0 < 32 ? rl - s0 : 32;
            float *v = x + (size_t)r * rl + s0;
            uint8_t sc, codes[32];
            lpcs_mx_quantize_block(q.mx_elem, q.mx_round, v, (size_t)len, &sc, codes);
            for (int i = 0; i < len; i++) v[i] = lpcs_mx_dequant_elem(q.mx_elem, sc, codes[i]);
        }
        return;
    }
    case QF_NVFP4: {
        float amax = 0.0f;
        for (int i = lane; i < n; i += 32)
            if (lpcs_isfinite_f32(x[i])) amax = fmaxf(amax, fabsf(x[i]));
        for (int o = 16; o >= 1; o >>= 1) amax = fmaxf(amax, __shfl_xor_sync(FULL, amax, o));
        __syncwarp();
        float ts = lpcs_nvfp4_tensor_scale(amax);
        int bpr = (rl + 15) / 16, nb = n / rl * bpr;
        for (int b = lane; b < nb; b += 32) {
            int r = b / bpr, s0 = (b % bpr) * 16, len = rl - s0 < 16 ? rl - s0 : 16;
            float *v = x + (size_t)r * rl + s0;
            uint8_t bs, codes[16];
            lpcs_nvfp4_quantize_block(v, (size_t)len, ts, &bs, codes);
            for (int i = 0; i < len; i++) v[i] = lpcs_nvfp4_dequant_elem(ts, bs, codes[i]);
        }
        return;
    }
    case QF_INT: {
        int qmax = (1 << (q.bits - 1)) - 1;
        for (int r0 = 0; r0 < n; r0 += rl) {
            float *v = x + r0, amax = 0.0f;
            for (int i = lane; i < rl; i += 32)
                if (lpcs_isfinite_f32(v[i])) amax = fmaxf(amax, fabsf(v[i]));
            for (int o = 16; o >= 1; o >>= 1) amax = fmaxf(amax, __shfl_xor_sync(FULL, amax, o));
            __syncwarp();
            float scale = amax / (float)qmax;
            for (int i = lane; i < rl; i += 32) {
                float t = v[i], qv;
                if (t != t || !(scale > 0.0f)) qv = 0.0f;
                else {
                    qv = rintf(t / scale);
                    qv = qv > (float)qmax ? (float)qmax : qv < -(float)qmax ? -(float)qmax : qv;
                }
                v[i] = (float)(int8_t)qv * scale;
            }
            __syncwarp();
        }
        return;
    }
    case QF_TERNARY: {
        for (int r0 = 0; r0 < n; r0 += rl) {
            float *v = x + r0;
            double acc = 0.0;
            for (int i = lane; i < rl; i += 32) acc = acc + fabs((double)v[i]);
            double S = 0.0;
            for (int j = 0; j < 32; j++) S = S + __shfl_sync(FULL, acc, j);
            __syncwarp();
            float mean = (float)(S / (double)rl), b = mean > 1e-5f ? mean : 1e-5f, inv = 1.0f / b;
            for (int i = lane; i < rl; i += 32) {
                float r = rintf(v[i] * inv);
                int qi = r > 1.0f ? 1 : (r < -1.0f ? -1 : (int)r);
                v[i] = (float)qi / (1.0f / b);
            }
            __syncwarp();
        }
        return;
    }
    default:
        return;
    }
}

__global__ void quant_k(float *buf, int ld, qformat q, int rows, int n, int rl) {
    int r = (int)((blockIdx.x * blockDim.x + threadIdx.x) >> 5), lane = threadIdx.x & 31;
    if (r >= rows) return;
    quant_tensor(q, buf + (size_t)r * ld, n, rl, lane);
}

/* ---------------------------------------------------------------- host */

#endif
