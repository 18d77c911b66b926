/* Conversion, MX/NVFP4 block quantization, RMMEC GEMV and BitLinear
 * quantize/dequantize kernels (launchers declared in conv_kernels.cuh).
 * Built with -fmad=false and IEEE division/sqrt (nvcc defaults), so every
 * fp32 step rounds exactly as golden's C code does. */
#include "conv_kernels.cuh"
#include "cuda_util.cuh"
#include "block_device.cuh"
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

/* ---- MX (block steps in block_device.cuh) ---------------------------------------- */

__global__ void mx_quantize_k(int e, int rnd, const float *x, size_t n, uint8_t *scales, uint8_t *codes) {
    const size_t nb = (n + 31) / 32;
    for (size_t b = blockIdx.x * (size_t)blockDim.x + threadIdx.x; b < nb; b += (size_t)gridDim.x * blockDim.x) {
        const size_t start = b * 32, len = n - start < 32 ? n - start : 32;
        lpcs_mx_quantize_block(e, rnd, x + start, len, scales + b, codes + start);
    }
}

__global__ void mx_dequantize_k(int e, const uint8_t *scales, const uint8_t *codes, size_t n, float *y) {
    for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x)
        y[i] = lpcs_mx_dequant_elem(e, scales[i / 32], codes[i]);
}

/* ---- NVFP4 ------------------------------------------------------------------- */

__global__ void amax_k(const float *x, size_t n, unsigned *amax_bits) {
    unsigned m = 0;
    for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x) {
        const float v = x[i];
        if (lpcs_isfinite_f32(v)) m = max(m, lpcs_f32_bits(v) & 0x7FFFFFFFu); /* |v| orders as an int */
    }
    for (int o = 16; o; o >>= 1) m = max(m, __shfl_xor_sync(0xFFFFFFFFu, m, o));
    if ((threadIdx.x & 31) == 0) atomicMax(amax_bits, m);
}
__global__ void nvfp4_scale_k(const unsigned *amax_bits, float *ts) {
    *ts = lpcs_nvfp4_tensor_scale(lpcs_bits_f32(*amax_bits));
}
__global__ void nvfp4_quantize_k(const float *x, size_t n, const float *tsp, uint8_t *bs, uint8_t *codes) {
    const float ts = *tsp;
    const size_t nb = (n + 15) / 16;
    for (size_t b = blockIdx.x * (size_t)blockDim.x + threadIdx.x; b < nb; b += (size_t)gridDim.x * blockDim.x) {
        const size_t start = b * 16, len = n - start < 16 ? n - start : 16;
        lpcs_nvfp4_quantize_block(x + start, len, ts, bs + b, codes + start);
    }
}
__global__ void nvfp4_dequantize_k(const float *tsp, const uint8_t *bs, const uint8_t *codes, size_t n, float *y) {
    const float ts = *tsp;
    for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x)
        y[i] = lpcs_nvfp4_dequant_elem(ts, bs[i / 16], codes[i]);
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

/* ---- BitLinear (steps in block_device.cuh) ------------------------------------------ */

constexpr int kBlThreads = 256;

/* One block per token: warp 0's lane j forms lane sum j (golden's 32-lane
 * order), thread 0 adds the lanes in order; amax is a max (exact in any
 * order); xh is recomputed for step 9 with the same ops, hence the same bits. */
__global__ void __launch_bounds__(kBlThreads)
bitlinear_quant_k(const float *x, const float *g, int n, int8_t *xq, int xq_stride, float *s_out, int *bad) {
    __shared__ double lane_sum[32];
    __shared__ float red[kBlThreads / 32];
    __shared__ float sh_r, sh_s;
    const int t = blockIdx.x, tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
    const float *xt = x + (size_t)t * n;
    if (warp == 0) lane_sum[lane] = lpcs_bl_lane_sum(xt, n, lane);
    __syncthreads();
    if (tid == 0) sh_r = lpcs_bl_rms_r(lane_sum, n);
    __syncthreads();
    const float r = sh_r;
    float amax = 0.0f;
    int nonfinite = 0;
    for (int k = tid; k < n; k += kBlThreads) {
        const float xh = lpcs_bl_xh(xt[k], r, g[k]);
        if (!lpcs_isfinite_f32(xh)) nonfinite = 1;
        amax = fmaxf(amax, lpcs_fabs_f32(xh));
    }
    if (nonfinite) atomicExch(bad, 1);
    for (int o = 16; o; o >>= 1) amax = fmaxf(amax, __shfl_xor_sync(0xFFFFFFFFu, amax, o));
    if (lane == 0) red[warp] = amax;
    __syncthreads();
    if (tid == 0) {
        float m = 0.0f;
        for (int w = 0; w < kBlThreads / 32; w++) m = fmaxf(m, red[w]);
        sh_s = lpcs_bl_scale(m);
        s_out[t] = sh_s;
    }
    __syncthreads();
    const float s = sh_s;
    for (int k = tid; k < n; k += kBlThreads)
        xq[(size_t)t * xq_stride + k] = lpcs_bl_quant(lpcs_bl_xh(xt[k], r, g[k]), s);
}

__global__ void bitlinear_dequant_k(const int32_t *acc, int out, int batch, const float *s, float inv_beta,
                                    float *y) {
    const size_t total = (size_t)out * batch;
    for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < total; i += (size_t)gridDim.x * blockDim.x)
        y[i] = lpcs_bl_dequant(acc[i], s[i / out], inv_beta);
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
    cudaError_t e = cudaMalloc((void **)&amax, sizeof(unsigned));
    if (e != cudaSuccess) return e;
    cudaMemsetAsync(amax, 0, sizeof(unsigned), s);
    amax_k<<<grid_for(n, 256) < 1024 ? grid_for(n, 256) : 1024, 256, 0, s>>>(x, n, amax);
    nvfp4_scale_k<<<1, 1, 0, s>>>(amax, ts);
    nvfp4_quantize_k<<<grid_for((n + 15) / 16, 128), 128, 0, s>>>(x, n, ts, bs, codes);
    e = cudaGetLastError();
    cudaStreamSynchronize(s); /* before freeing the amax word */
    cudaFree(amax);
    return e;
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
cudaError_t bitlinear_quant_launch(const float *x, const float *g, int n, int batch, int8_t *xq, int xq_stride,
                                   float *s, int *bad, cudaStream_t st) {
    bitlinear_quant_k<<<batch, kBlThreads, 0, st>>>(x, g, n, xq, xq_stride, s, bad);
    return cudaGetLastError();
}
cudaError_t bitlinear_dequant_launch(const int32_t *acc, int out, int batch, const float *s, float inv_beta,
                                     float *y, cudaStream_t st) {
    bitlinear_dequant_k<<<grid_for((size_t)out * batch, 256), 256, 0, st>>>(acc, out, batch, s, inv_beta, y);
    return cudaGetLastError();
}
