/* Conversion, MX/NVFP4 block quantization, RMMEC GEMV and BitLinear
 * quantize/dequantize kernels (launchers declared in conv_kernels.cuh).
 * Built with -fmad=false and IEEE division/sqrt (nvcc defaults), so every
 * fp32 step rounds exactly as golden's C code does. */
#include "conv_kernels.cuh"
#include "cuda_util.cuh"
#include "formats.cuh"
#include "rmmec_device.cuh"

namespace {

unsigned grid_for(size_t n, unsigned threads) {
    size_t g = (n + threads - 1) / threads;
    if (g > 65535u * 8u) g = 65535u * 8u;
    return g ? (unsigned)g : 1u;
}

__global__ void mf_from_f32_k(int fmt, int sat, const float *x, size_t n, uint32_t *c) {
    for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x)
        c[i] = lpcs_mf_from_f32(fmt, x[i], sat);
}
__global__ void mf_to_f32_k(int fmt, const uint32_t *c, size_t n, float *y) {
    for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x)
        y[i] = lpcs_mf_to_f32(fmt, c[i]);
}
__global__ void posit_from_f32_k(int nb, int es, const float *x, size_t n, uint32_t *c) {
    for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x)
        c[i] = lpcs_posit_from_f32(nb, es, x[i]);
}
__global__ void posit_to_f32_k(int nb, int es, const uint32_t *c, size_t n, float *y) {
    for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x)
        y[i] = lpcs_posit_to_f32(nb, es, c[i]);
}
__global__ void sweep_k(int kind, int a, int b, uint32_t base, size_t count, uint16_t *out) {
    for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < count; i += (size_t)gridDim.x * blockDim.x) {
        const float x = lpcs_bits_f32(base + (uint32_t)i);
        out[i] = (uint16_t)(kind == 0 ? lpcs_mf_from_f32(a, x, b) : lpcs_posit_from_f32(a, b, x));
    }
}

/* ---- MX ---------------------------------------------------------------------- */

/* mx_elem -> mf format id, and emax_elem (golden mx.c); INT8 has no mf id. */
__device__ int mx_fmt(int e) {
    const int f[6] = {LPCS_MF_FP8_E4M3, LPCS_MF_FP8_E5M2, LPCS_MF_FP6_E2M3, LPCS_MF_FP6_E3M2,
                      LPCS_MF_FP4_E2M1, -1};
    return f[e];
}
__device__ int mx_emax(int e) {
    const int m[6] = {8, 15, 2, 4, 2, 0};
    return m[e];
}
__device__ double pow2d(int e) { /* 2^e as a double, |e| <= 1000 */
    return __longlong_as_double((long long)(e + 1023) << 52);
}

/* floor(log2(a)) of a positive finite float, from its bits. */
__device__ int floor_log2f_dev(float a) {
    const uint32_t u = __float_as_uint(a);
    const int ef = (int)(u >> 23);
    if (ef) return ef - 127;
    return 31 - __clz(u & 0x7FFFFFu) - 149;
}

/* One element: x / 2^se exactly, then the element's rounding (golden mx_elem_from_f64). */
__device__ uint8_t mx_elem_code(int e, int rnd, float x, int se) {
    const double v = (double)x * pow2d(-se); /* exact */
    if (e == 5) {                            /* MXINT8: int8 * 2^-6, clamp +-127 */
        const double t = v * 64.0;
        double q = rnd ? round(t) : rint(t);
        if (q > 127) q = 127;
        if (q < -127) q = -127;
        return (uint8_t)(int8_t)q;
    }
    /* |v| < 2^-100 rounds to a signed zero in every element format; above it
     * the value is exact in fp32 (24-bit significand, |v| <= 2^(emax+1)). */
    const float vf = fabs(v) < 7.888609052210118e-31 ? (v < 0 ? -0.0f : 0.0f) : (float)v;
    return (uint8_t)lpcs_mf_from_f32_rm(mx_fmt(e), vf, 1, rnd);
}

__global__ void mx_quantize_k(int e, int rnd, const float *x, size_t n, uint8_t *scales, uint8_t *codes) {
    const size_t nb = (n + 31) / 32;
    for (size_t b = blockIdx.x * (size_t)blockDim.x + threadIdx.x; b < nb; b += (size_t)gridDim.x * blockDim.x) {
        const size_t start = b * 32, len = n - start < 32 ? n - start : 32;
        float amax = 0.0f;
        int nonfinite = 0;
        for (size_t i = 0; i < len; i++) {
            const float v = x[start + i];
            if (!isfinite(v)) nonfinite = 1;
            else if (fabsf(v) > amax) amax = fabsf(v);
        }
        if (nonfinite) {
            scales[b] = 0xFF;
            for (size_t i = 0; i < len; i++) codes[start + i] = 0;
            continue;
        }
        int se = (amax == 0.0f ? -126 : floor_log2f_dev(amax)) - mx_emax(e);
        se = se < -127 ? -127 : se > 127 ? 127 : se;
        scales[b] = (uint8_t)(se + 127);
        for (size_t i = 0; i < len; i++) codes[start + i] = mx_elem_code(e, rnd, x[start + i], se);
    }
}

__global__ void mx_dequantize_k(int e, const uint8_t *scales, const uint8_t *codes, size_t n, float *y) {
    for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x) {
        const uint8_t sc = scales[i / 32];
        if (sc == 0xFF) {
            y[i] = __uint_as_float(0x7FC00000u);
            continue;
        }
        const double el = e == 5 ? (double)(int8_t)codes[i] / 64.0 : (double)lpcs_mf_to_f32(mx_fmt(e), codes[i]);
        y[i] = __double2float_rn(el * pow2d((int)sc - 127));
    }
}

/* ---- NVFP4 ------------------------------------------------------------------- */

__global__ void amax_k(const float *x, size_t n, unsigned *amax_bits) {
    unsigned m = 0;
    for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x) {
        const float v = x[i];
        if (isfinite(v)) m = max(m, __float_as_uint(fabsf(v))); /* positive floats order as ints */
    }
    for (int o = 16; o; o >>= 1) m = max(m, __shfl_xor_sync(0xFFFFFFFFu, m, o));
    if ((threadIdx.x & 31) == 0) atomicMax(amax_bits, m);
}
__global__ void nvfp4_scale_k(const unsigned *amax_bits, float *ts) {
    const float amax = __uint_as_float(*amax_bits);
    *ts = amax > 0.0f ? amax / (6.0f * 448.0f) : 1.0f;
}
__global__ void nvfp4_quantize_k(const float *x, size_t n, const float *tsp, uint8_t *bs, uint8_t *codes) {
    const float ts = *tsp;
    const size_t nb = (n + 15) / 16;
    for (size_t b = blockIdx.x * (size_t)blockDim.x + threadIdx.x; b < nb; b += (size_t)gridDim.x * blockDim.x) {
        const size_t start = b * 16, len = n - start < 16 ? n - start : 16;
        float bamax = 0.0f;
        int nonfinite = 0;
        for (size_t i = 0; i < len; i++) {
            const float v = x[start + i];
            if (!isfinite(v)) nonfinite = 1;
            else if (fabsf(v) > bamax) bamax = fabsf(v);
        }
        if (nonfinite) {
            bs[b] = 0x7F;
            for (size_t i = 0; i < len; i++) codes[start + i] = 0;
            continue;
        }
        const uint8_t s = (uint8_t)lpcs_mf_from_f32(LPCS_MF_FP8_E4M3, (bamax / 6.0f) / ts, 1);
        bs[b] = s;
        const float d = lpcs_mf_to_f32(LPCS_MF_FP8_E4M3, s) * ts;
        for (size_t i = 0; i < len; i++)
            codes[start + i] = d == 0.0f ? 0 : (uint8_t)lpcs_mf_from_f32(LPCS_MF_FP4_E2M1, x[start + i] / d, 1);
    }
}
__global__ void nvfp4_dequantize_k(const float *tsp, const uint8_t *bs, const uint8_t *codes, size_t n, float *y) {
    const float ts = *tsp;
    for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x) {
        const float d = lpcs_mf_to_f32(LPCS_MF_FP8_E4M3, bs[i / 16]) * ts;
        y[i] = lpcs_mf_to_f32(LPCS_MF_FP4_E2M1, codes[i]) * d;
    }
}

/* ---- RMMEC ------------------------------------------------------------------- */

__global__ void rmmec_gemv_k(int mode, const uint16_t *__restrict__ w_cm, int rows, int cols,
                             const uint16_t *__restrict__ x, int f, uint32_t *y) {
    const int r = blockIdx.x * blockDim.x + threadIdx.x;
    if (r >= rows) return;
    lpcs_rmmec_acc s;
    s.acc = 0;
    s.nar = 0;
    for (int k = 0; k < cols; k++) /* golden order; coalesced over rows */
        lpcs_rmmec_step(mode, &s, w_cm[(size_t)k * rows + r], __ldg(x + k));
    uint32_t out = 0;
    lpcs_rmmec_readout(mode, &s, f, &out);
    y[r] = out;
}

/* ---- BitLinear ----------------------------------------------------------------- */

constexpr int kBlThreads = 256;

__global__ void __launch_bounds__(kBlThreads)
bitlinear_quant_k(const float *x, const float *g, int n, int8_t *xq, float *s_out, int *bad) {
    __shared__ double lane_sum[32];
    __shared__ float red[kBlThreads / 32];
    __shared__ float sh_r, sh_s;
    const int t = blockIdx.x, tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
    const float *xt = x + (size_t)t * n;
    /* step 5: lane j sums x_k^2, k = j, j+32, ... (double), lanes in order */
    if (warp == 0) {
        double acc = 0.0;
        for (int k = lane; k < n; k += 32) {
            const double v = (double)xt[k];
            acc = acc + v * v;
        }
        lane_sum[lane] = acc;
    }
    __syncthreads();
    if (tid == 0) {
        double S = 0.0;
        for (int j = 0; j < 32; j++) S = S + lane_sum[j];
        const float ms = __double2float_rn(S / (double)n);
        sh_r = 1.0f / sqrtf(ms + 1e-6f); /* step 6 */
    }
    __syncthreads();
    const float r = sh_r;
    /* steps 7-8: xh = (x*r)*g; amax (max is exact in any order) */
    float amax = 0.0f;
    int nonfinite = 0;
    for (int k = tid; k < n; k += kBlThreads) {
        const float xh = (xt[k] * r) * g[k];
        if (!isfinite(xh)) nonfinite = 1;
        amax = fmaxf(amax, fabsf(xh));
    }
    if (nonfinite) atomicExch(bad, 1);
    for (int o = 16; o; o >>= 1) amax = fmaxf(amax, __shfl_xor_sync(0xFFFFFFFFu, amax, o));
    if (lane == 0) red[warp] = amax;
    __syncthreads();
    if (tid == 0) {
        float m = 0.0f;
        for (int w = 0; w < kBlThreads / 32; w++) m = fmaxf(m, red[w]);
        sh_s = 127.0f / (m > 1e-5f ? m : 1e-5f);
        s_out[t] = sh_s;
    }
    __syncthreads();
    const float s = sh_s;
    /* step 9: the same xh again (same ops, same bits), RNE, clamp */
    for (int k = tid; k < n; k += kBlThreads) {
        const float xh = (xt[k] * r) * g[k];
        const float q = rintf(xh * s);
        xq[(size_t)t * n + k] = (int8_t)(q > 127.0f ? 127 : (q < -128.0f ? -128 : (int)q));
    }
}

__global__ void bitlinear_dequant_k(const int32_t *acc, int out, int batch, const float *s, float inv_beta,
                                    float *y) {
    const size_t total = (size_t)out * batch;
    for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < total; i += (size_t)gridDim.x * blockDim.x) {
        const float a = (float)acc[i] / s[i / out]; /* step 11 */
        y[i] = a / inv_beta;
    }
}

} // namespace

cudaError_t conv_mf_from_f32(int fmt, int sat, const float *x, size_t n, uint32_t *c, cudaStream_t s) {
    mf_from_f32_k<<<grid_for(n, 256), 256, 0, s>>>(fmt, sat, x, n, c);
    return cudaGetLastError();
}
cudaError_t conv_mf_to_f32(int fmt, const uint32_t *c, size_t n, float *y, cudaStream_t s) {
    mf_to_f32_k<<<grid_for(n, 256), 256, 0, s>>>(fmt, c, n, y);
    return cudaGetLastError();
}
cudaError_t conv_posit_from_f32(int nb, int es, const float *x, size_t n, uint32_t *c, cudaStream_t s) {
    posit_from_f32_k<<<grid_for(n, 256), 256, 0, s>>>(nb, es, x, n, c);
    return cudaGetLastError();
}
cudaError_t conv_posit_to_f32(int nb, int es, const uint32_t *c, size_t n, float *y, cudaStream_t s) {
    posit_to_f32_k<<<grid_for(n, 256), 256, 0, s>>>(nb, es, c, n, y);
    return cudaGetLastError();
}
cudaError_t conv_sweep_f32(int kind, int a, int b, uint32_t base, size_t count, uint16_t *out, cudaStream_t s) {
    sweep_k<<<grid_for(count, 256), 256, 0, s>>>(kind, a, b, base, count, out);
    return cudaGetLastError();
}
cudaError_t conv_mx_quantize(int e, int rnd, const float *x, size_t n, uint8_t *scales, uint8_t *codes,
                             cudaStream_t s) {
    if (e < 0 || e > 5) return cudaErrorInvalidValue;
    mx_quantize_k<<<grid_for((n + 31) / 32, 128), 128, 0, s>>>(e, rnd, x, n, scales, codes);
    return cudaGetLastError();
}
cudaError_t conv_mx_dequantize(int e, const uint8_t *scales, const uint8_t *codes, size_t n, float *y,
                               cudaStream_t s) {
    if (e < 0 || e > 5) return cudaErrorInvalidValue;
    mx_dequantize_k<<<grid_for(n, 256), 256, 0, s>>>(e, scales, codes, n, y);
    return cudaGetLastError();
}
cudaError_t conv_nvfp4_quantize(const float *x, size_t n, float *ts, uint8_t *bs, uint8_t *codes,
                                cudaStream_t s) {
    unsigned *amax = NULL;
    cudaError_t e = cudaMallocAsync((void **)&amax, sizeof(unsigned), s);
    if (e != cudaSuccess) return e;
    cudaMemsetAsync(amax, 0, sizeof(unsigned), s);
    amax_k<<<grid_for(n, 256) < 1024 ? grid_for(n, 256) : 1024, 256, 0, s>>>(x, n, amax);
    nvfp4_scale_k<<<1, 1, 0, s>>>(amax, ts);
    nvfp4_quantize_k<<<grid_for((n + 15) / 16, 128), 128, 0, s>>>(x, n, ts, bs, codes);
    cudaFreeAsync(amax, s);
    return cudaGetLastError();
}
cudaError_t conv_nvfp4_dequantize(const float *ts, const uint8_t *bs, const uint8_t *codes, size_t n, float *y,
                                  cudaStream_t s) {
    nvfp4_dequantize_k<<<grid_for(n, 256), 256, 0, s>>>(ts, bs, codes, n, y);
    return cudaGetLastError();
}
cudaError_t rmmec_gemv_launch(int mode, const uint16_t *w_cm, int rows, int cols, const uint16_t *x, int f,
                              uint32_t *y, cudaStream_t s) {
    if (mode < 0 || mode > 3 || f < 0 || f > 3 || rows < 1 || cols < 0) return cudaErrorInvalidValue;
    rmmec_gemv_k<<<(rows + 127) / 128, 128, 0, s>>>(mode, w_cm, rows, cols, x, f, y);
    return cudaGetLastError();
}
cudaError_t bitlinear_quant_launch(const float *x, const float *g, int n, int batch, int8_t *xq, float *s,
                                   int *bad, cudaStream_t st) {
    bitlinear_quant_k<<<batch, kBlThreads, 0, st>>>(x, g, n, xq, s, bad);
    return cudaGetLastError();
}
cudaError_t bitlinear_dequant_launch(const int32_t *acc, int out, int batch, const float *s, float inv_beta,
                                     float *y, cudaStream_t st) {
    bitlinear_dequant_k<<<grid_for((size_t)out * batch, 256), 256, 0, st>>>(acc, out, batch, s, inv_beta, y);
    return cudaGetLastError();
}
