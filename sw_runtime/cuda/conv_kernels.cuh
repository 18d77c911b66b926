/* Device-level launchers of the conversion, block-quantization, RMMEC and
 * BitLinear kernels (pointers are device pointers, calls are asynchronous on
 * `stream`). The element functions they apply live in formats.cuh and
 * rmmec_device.cuh; the contracts are the golden ones named beside each. */
#ifndef LPCS_CONV_KERNELS_CUH
#define LPCS_CONV_KERNELS_CUH

#include <cuda_runtime.h>
#include <stddef.h>
#include <stdint.h>

/* Element-wise, codes one per uint32 (mf_from_f32 / mf_to_f32 /
 * posit_from_float / posit_to_float). */
cudaError_t conv_mf_from_f32(int fmt, int sat, const float *x, size_t n, uint32_t *codes, cudaStream_t s);
cudaError_t conv_mf_to_f32(int fmt, const uint32_t *codes, size_t n, float *y, cudaStream_t s);
cudaError_t conv_posit_from_f32(int nb, int es, const float *x, size_t n, uint32_t *codes, cudaStream_t s);
cudaError_t conv_posit_to_f32(int nb, int es, const uint32_t *codes, size_t n, float *y, cudaStream_t s);

/* Sweeps for exhaustive tests: out[i] = convert(fp32 with bits base + i),
 * i < count, as 16-bit codes (every minifloat, posits with n <= 16).
 * kind 0: mf_from_f32(a = fmt, b = sat); kind 1: posit_from_f32(a = n, b = es). */
cudaError_t conv_sweep_f32(int kind, int a, int b, uint32_t base, size_t count, uint16_t *out,
                           cudaStream_t s);

/* OCP MX (golden mx_quantize / mx_dequantize): elem = mx_elem, rnd = mx_round;
 * scales[ceil(n/32)], codes[n] one per byte. */
cudaError_t conv_mx_quantize(int elem, int rnd, const float *x, size_t n, uint8_t *scales,
                             uint8_t *codes, cudaStream_t s);
cudaError_t conv_mx_dequantize(int elem, const uint8_t *scales, const uint8_t *codes, size_t n,
                               float *y, cudaStream_t s);
/* NVFP4 (golden nvfp4_quantize): the tensor scale is computed on the device
 * into *tensor_scale (device float); block_scales[ceil(n/16)], codes[n]. */
cudaError_t conv_nvfp4_quantize(const float *x, size_t n, float *tensor_scale, uint8_t *block_scales,
                                uint8_t *codes, cudaStream_t s);
cudaError_t conv_nvfp4_dequantize(const float *tensor_scale, const uint8_t *block_scales,
                                  const uint8_t *codes, size_t n, float *y, cudaStream_t s);

/* RMMEC GEMV (golden rmmec_gemv): w in the column-major device layout
 * w_cm[k * rows + r] (coalesced: one thread per row walks k in golden order),
 * x[cols] words, y[rows] readout codes. */
cudaError_t rmmec_gemv_launch(int mode, const uint16_t *w_cm, int rows, int cols, const uint16_t *x,
                              int out_fmt, uint32_t *y, cudaStream_t s);

/* BitLinear steps 5-9 per token (golden bitlinear.h order): x[batch][n] ->
 * xq (int8, row stride xq_stride >= n) and s[batch]; *bad (device int) is set to 1 if a
 * normalized value is not finite (golden then fails with LPCS_ERANGE).
 * Step 11 follows the ternary GEMM. */
cudaError_t bitlinear_quant_launch(const float *x, const float *norm_w, int n, int batch, int8_t *xq,
                                   int xq_stride, float *s, int *bad, cudaStream_t st);
cudaError_t bitlinear_dequant_launch(const int32_t *acc, int out, int batch, const float *s,
                                     float inv_beta, float *y, cudaStream_t st);

#endif
