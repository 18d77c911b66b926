/* The real lpcs CUDA backend (API: lpcs_cuda.h): device selection, weight
 * upload and host<->device staging around the kernels. */
#include "cuda/lpcs_cuda.h"
#include "conv_kernels.cuh"
#include "cuda_util.cuh"
#include "lpcs_cuda_internal.h"
#include "int4_kernels.cuh"
#include "lut_kernels.cuh"
#include "ternary_kernels.cuh"
#include "status.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LPCS_MF_COUNT_API 7 /* mf_format values 0..6 */

struct lpcs_cuda_ternary {
    ternary_dev dev;
    void *d_w;
};
struct lpcs_cuda_int4 {
    int4_dev dev;
    void *d_w;
};
struct lpcs_cuda_lut {
    lut_dev dev;
    void *d_w;
};

extern "C" int lpcs_cuda_available(void) {
    int n = 0;
    if (cudaGetDeviceCount(&n) != cudaSuccess || n < 1) {
        cudaGetLastError(); /* clear the sticky "no device" error */
        return 0;
    }
    return 1;
}

extern "C" const char *lpcs_cuda_describe(char *buf, size_t len) {
    int n = 0;
    cudaError_t e = cudaGetDeviceCount(&n);
    if (e != cudaSuccess || n < 1) {
        snprintf(buf, len, "no CUDA device (%s)",
                 e != cudaSuccess ? cudaGetErrorString(e) : "device count 0");
        cudaGetLastError();
        return buf;
    }
    int dev = 0;
    cudaDeviceProp p;
    if (cudaGetDevice(&dev) != cudaSuccess || cudaGetDeviceProperties(&p, dev) != cudaSuccess) {
        snprintf(buf, len, "CUDA device present but not readable");
        return buf;
    }
    snprintf(buf, len, "%s, sm_%d%d, %d SMs, %.1f GiB", p.name, p.major,
             p.minor, p.multiProcessorCount, p.totalGlobalMem / 1073741824.0);
    return buf;
}

/* ---- weight upload and GEMM staging shared by the ternary, int4 and LUT paths ---- */

/* Lays out `bytes` of weights on the host with fill(buf), then copies them to a
 * new device buffer *d. */
template <class Fill> static int upload_layout(size_t bytes, Fill fill, void **d) {
    uint8_t *host = (uint8_t *)malloc(bytes);
    if (!host) return LPCS_ENOMEM;
    fill(host);
    int rc = LPCS_OK;
    if (cudaMalloc(d, bytes) != cudaSuccess || cudaMemcpy(*d, host, bytes, cudaMemcpyHostToDevice) != cudaSuccess) {
        cudaFree(*d);
        *d = NULL;
        rc = LPCS_ENOMEM;
    }
    free(host);
    return rc;
}

/* y[batch][rows] (host) from x[batch][cols] (host): x is staged on the device with
 * row stride xs (zero padding meets zero weights), then launch(d_x, nb, d_y) runs
 * on chunks of at most max_batch tokens. */
template <class Launch>
static int gemm_staged(const int8_t *x, size_t cols, size_t xs, size_t batch, size_t rows, size_t max_batch,
                       int32_t *y, Launch launch) {
    const size_t yb = batch * rows * sizeof(int32_t);
    int8_t *d_x = NULL;
    int32_t *d_y = NULL;
    int rc = LPCS_EIO;
    if (cudaMalloc(&d_x, batch * xs) == cudaSuccess && cudaMalloc(&d_y, yb) == cudaSuccess &&
        cudaMemset(d_x, 0, batch * xs) == cudaSuccess &&
        cudaMemcpy2D(d_x, xs, x, cols, cols, batch, cudaMemcpyHostToDevice) == cudaSuccess) {
        rc = LPCS_OK;
        for (size_t b0 = 0; b0 < batch && rc == LPCS_OK; b0 += max_batch) {
            const int nb = (int)(batch - b0 < max_batch ? batch - b0 : max_batch);
            if (launch(d_x + b0 * xs, nb, d_y + b0 * rows) != cudaSuccess) rc = LPCS_EIO;
        }
        if (rc == LPCS_OK && cudaMemcpy(y, d_y, yb, cudaMemcpyDeviceToHost) != cudaSuccess) rc = LPCS_EIO;
    }
    cudaFree(d_x);
    cudaFree(d_y);
    return rc;
}

/* ---- ternary ------------------------------------------------------------------ */

extern "C" int lpcs_cuda_ternary_upload(const uint8_t *packed, size_t rows, size_t cols,
                                        lpcs_cuda_ternary **out) {
    if (out) *out = NULL;
    if (!packed || !out || rows < 1 || cols < 1) return LPCS_EINVAL;
    if (!ternary_packed_valid(packed, rows, cols)) return LPCS_EFORMAT; /* code 0b10, as golden */
    if (rows > (1u << 30) || cols > (1u << 24)) return LPCS_ERANGE; /* int32 sums stay exact */
    if (!lpcs_cuda_available()) return LPCS_EUNSUPPORTED;
    lpcs_cuda_ternary *w = (lpcs_cuda_ternary *)calloc(1, sizeof *w);
    if (!w) return LPCS_ENOMEM;
    int rc = upload_layout(ternary_tiled_bytes(rows, cols),
                           [&](uint8_t *buf) { ternary_tile_host(packed, rows, cols, buf); }, &w->d_w);
    if (rc) {
        free(w);
        return rc;
    }
    w->dev.w = w->d_w;
    w->dev.rows = (int)rows;
    w->dev.cols = (int)cols;
    w->dev.tiles = (int)lpcs_ceil_div(rows, 16);
    w->dev.nchunks = (int)lpcs_ceil_div(cols, 128);
    *out = w;
    return LPCS_OK;
}

extern "C" void lpcs_cuda_ternary_free(lpcs_cuda_ternary *w) {
    if (!w) return;
    cudaFree(w->d_w);
    free(w);
}

/* y (device) for device x (row stride ternary_x_stride), any batch (chunks of 16 tokens). */
static int ternary_gemm_dev(const lpcs_cuda_ternary *w, const int8_t *d_x, size_t batch, int32_t *d_y) {
    const size_t xs = ternary_x_stride(&w->dev);
    for (size_t b0 = 0; b0 < batch; b0 += LPCS_TERNARY_MAX_BATCH) {
        const int nb = (int)(batch - b0 < LPCS_TERNARY_MAX_BATCH ? batch - b0 : LPCS_TERNARY_MAX_BATCH);
        LPCS_CU_TRY(ternary_gemm_launch(&w->dev, d_x + b0 * xs, nb, d_y + b0 * w->dev.rows, 0), LPCS_EIO);
    }
    return LPCS_OK;
}

extern "C" int lpcs_cuda_ternary_gemm_i32(const lpcs_cuda_ternary *w, const int8_t *x,
                                          size_t batch, int32_t *y) {
    if (!w || !x || !y || batch < 1) return LPCS_EINVAL;
    if (batch > (1u << 20)) return LPCS_ERANGE;
    const ternary_dev *dev = &w->dev;
    return gemm_staged(x, dev->cols, ternary_x_stride(dev), batch, dev->rows, LPCS_TERNARY_MAX_BATCH, y,
                       [dev](const int8_t *dx, int nb, int32_t *dy) { return ternary_gemm_launch(dev, dx, nb, dy, 0); });
}

/* ---- direct int4 ------------------------------------------------------------- */

extern "C" int lpcs_cuda_int4_upload(const int8_t *wv, size_t rows, size_t cols, lpcs_cuda_int4 **out) {
    if (out) *out = NULL;
    if (!wv || !out || rows < 1 || cols < 1) return LPCS_EINVAL;
    if (rows > (1u << 30) || cols > (1u << 24)) return LPCS_ERANGE;
    for (size_t i = 0; i < rows * cols; i++)
        if (wv[i] < -8 || wv[i] > 7) return LPCS_ERANGE;
    if (!lpcs_cuda_available()) return LPCS_EUNSUPPORTED;
    lpcs_cuda_int4 *w = (lpcs_cuda_int4 *)calloc(1, sizeof *w);
    if (!w) return LPCS_ENOMEM;
    int rc = upload_layout(int4_tiled_bytes(rows, cols), [&](uint8_t *buf) { int4_tile_host(wv, rows, cols, buf); },
                           &w->d_w);
    if (rc) {
        free(w);
        return rc;
    }
    w->dev.w = w->d_w;
    w->dev.rows = (int)rows;
    w->dev.cols = (int)cols;
    w->dev.tiles = (int)lpcs_ceil_div(rows, 16);
    w->dev.nchunks = (int)lpcs_ceil_div(cols, 64);
    *out = w;
    return LPCS_OK;
}

extern "C" void lpcs_cuda_int4_free(lpcs_cuda_int4 *w) {
    if (!w) return;
    cudaFree(w->d_w);
    free(w);
}

extern "C" int lpcs_cuda_int4_gemm_i32(const lpcs_cuda_int4 *w, const int8_t *x, size_t batch, int32_t *y) {
    if (!w || !x || !y || batch < 1) return LPCS_EINVAL;
    if (batch > (1u << 20)) return LPCS_ERANGE;
    const int4_dev *dev = &w->dev;
    return gemm_staged(x, dev->cols, int4_x_stride(dev), batch, dev->rows, LPCS_INT4_MAX_BATCH, y,
                       [dev](const int8_t *dx, int nb, int32_t *dy) { return int4_gemm_launch(dev, dx, nb, dy, 0); });
}

/* ---- LUT-GEMV ----------------------------------------------------------------- */

extern "C" int lpcs_cuda_lut_upload(const int8_t *wv, size_t rows, size_t cols, int bits,
                                    int is_signed, lpcs_cuda_lut **out) {
    if (out) *out = NULL;
    if (!wv || !out || rows < 1 || cols < 1) return LPCS_EINVAL;
    if (bits < 1 || bits > LPCS_LUT_MAX_BITS || rows > (1u << 30) || cols > (1u << 20))
        return LPCS_ERANGE;
    const int lo = is_signed ? -(1 << (bits - 1)) : 0;
    const int hi = is_signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
    for (size_t i = 0; i < rows * cols; i++)
        if (wv[i] < lo || wv[i] > hi) return LPCS_ERANGE;
    if (!lpcs_cuda_available()) return LPCS_EUNSUPPORTED;
    lpcs_cuda_lut *w = (lpcs_cuda_lut *)calloc(1, sizeof *w);
    if (!w) return LPCS_ENOMEM;
    int rc = upload_layout(lut_planes_bytes(rows, cols, bits),
                           [&](uint8_t *buf) { lut_planes_host(wv, rows, cols, bits, buf); }, &w->d_w);
    if (rc) {
        free(w);
        return rc;
    }
    w->dev.w = w->d_w;
    w->dev.rows = (int)rows;
    w->dev.cols = (int)cols;
    w->dev.bits = bits;
    w->dev.is_signed = is_signed ? 1 : 0;
    w->dev.tiles = (int)lpcs_ceil_div(rows, 32);
    w->dev.nchunks = (int)lpcs_ceil_div(cols, 128);
    *out = w;
    return LPCS_OK;
}

extern "C" void lpcs_cuda_lut_free(lpcs_cuda_lut *w) {
    if (!w) return;
    cudaFree(w->d_w);
    free(w);
}

extern "C" int lpcs_cuda_lut_gemm_i32(const lpcs_cuda_lut *w, const int8_t *x, size_t batch,
                                      int32_t *y) {
    if (!w || !x || !y || batch < 1) return LPCS_EINVAL;
    if (batch > (1u << 20)) return LPCS_ERANGE;
    const lut_dev *dev = &w->dev;
    return gemm_staged(x, dev->cols, dev->cols, batch, dev->rows, LPCS_LUT_MAX_BATCH, y,
                       [dev](const int8_t *dx, int nb, int32_t *dy) { return lut_gemm_launch(dev, dx, nb, dy, 0); });
}

/* ---- staging helpers ------------------------------------------------------------ */

namespace {

/* Device buffer freed on scope exit. */
struct dev_mem {
    void *p = nullptr;
    dev_mem() = default;
    dev_mem(const dev_mem &) = delete;
    dev_mem &operator=(const dev_mem &) = delete;
    ~dev_mem() { cudaFree(p); }
    bool alloc(size_t bytes) { return cudaMalloc(&p, bytes ? bytes : 1) == cudaSuccess; }
    bool upload(const void *h, size_t bytes) {
        return alloc(bytes) && (bytes == 0 || cudaMemcpy(p, h, bytes, cudaMemcpyHostToDevice) == cudaSuccess);
    }
    bool download(void *h, size_t bytes) const {
        return bytes == 0 || cudaMemcpy(h, p, bytes, cudaMemcpyDeviceToHost) == cudaSuccess;
    }
    template <class T> T *as() const { return (T *)p; }
};

const size_t kMaxElems = (size_t)1 << 34; /* sanity bound on element counts */

bool finished(cudaError_t launch) {
    return launch == cudaSuccess && cudaDeviceSynchronize() == cudaSuccess;
}

} // namespace

/* ---- element-wise conversions ------------------------------------------------------ */

extern "C" int lpcs_cuda_mf_from_f32(int format, int sat, const float *x, size_t n, uint32_t *codes) {
    if ((n && (!x || !codes)) || format < 0 || format >= LPCS_MF_COUNT_API || (sat != 0 && sat != 1))
        return LPCS_EINVAL;
    if (n > kMaxElems) return LPCS_ERANGE;
    if (!lpcs_cuda_available()) return LPCS_EUNSUPPORTED;
    if (!n) return LPCS_OK;
    dev_mem dx, dc;
    if (!dx.upload(x, n * 4) || !dc.alloc(n * 4)) return LPCS_ENOMEM;
    if (!finished(conv_mf_from_f32(format, sat, dx.as<float>(), n, dc.as<uint32_t>(), 0))) return LPCS_EIO;
    return dc.download(codes, n * 4) ? LPCS_OK : LPCS_EIO;
}

extern "C" int lpcs_cuda_mf_to_f32(int format, const uint32_t *codes, size_t n, float *y) {
    if ((n && (!codes || !y)) || format < 0 || format >= LPCS_MF_COUNT_API) return LPCS_EINVAL;
    if (n > kMaxElems) return LPCS_ERANGE;
    if (!lpcs_cuda_available()) return LPCS_EUNSUPPORTED;
    if (!n) return LPCS_OK;
    dev_mem dc, dy;
    if (!dc.upload(codes, n * 4) || !dy.alloc(n * 4)) return LPCS_ENOMEM;
    if (!finished(conv_mf_to_f32(format, dc.as<uint32_t>(), n, dy.as<float>(), 0))) return LPCS_EIO;
    return dy.download(y, n * 4) ? LPCS_OK : LPCS_EIO;
}

extern "C" int lpcs_cuda_posit_from_f32(int nbits, int es, const float *x, size_t n, uint32_t *codes) {
    if ((n && (!x || !codes))) return LPCS_EINVAL;
    if (nbits < 2 || nbits > 32 || es < 0 || es > 3 || n > kMaxElems) return LPCS_ERANGE;
    if (!lpcs_cuda_available()) return LPCS_EUNSUPPORTED;
    if (!n) return LPCS_OK;
    dev_mem dx, dc;
    if (!dx.upload(x, n * 4) || !dc.alloc(n * 4)) return LPCS_ENOMEM;
    if (!finished(conv_posit_from_f32(nbits, es, dx.as<float>(), n, dc.as<uint32_t>(), 0))) return LPCS_EIO;
    return dc.download(codes, n * 4) ? LPCS_OK : LPCS_EIO;
}

extern "C" int lpcs_cuda_posit_to_f32(int nbits, int es, const uint32_t *codes, size_t n, float *y) {
    if ((n && (!codes || !y))) return LPCS_EINVAL;
    if (nbits < 2 || nbits > 32 || es < 0 || es > 3 || n > kMaxElems) return LPCS_ERANGE;
    if (!lpcs_cuda_available()) return LPCS_EUNSUPPORTED;
    if (!n) return LPCS_OK;
    dev_mem dc, dy;
    if (!dc.upload(codes, n * 4) || !dy.alloc(n * 4)) return LPCS_ENOMEM;
    if (!finished(conv_posit_to_f32(nbits, es, dc.as<uint32_t>(), n, dy.as<float>(), 0))) return LPCS_EIO;
    return dy.download(y, n * 4) ? LPCS_OK : LPCS_EIO;
}

/* ---- block formats ------------------------------------------------------------------- */

extern "C" int lpcs_cuda_mx_quantize(int elem, int round, const float *x, size_t n, uint8_t *scales,
                                     uint8_t *codes) {
    if (elem < 0 || elem > 5 || (round != 0 && round != 1)) return LPCS_EINVAL;
    if (n && (!x || !scales || !codes)) return LPCS_EINVAL;
    if (n > kMaxElems) return LPCS_ERANGE;
    if (!lpcs_cuda_available()) return LPCS_EUNSUPPORTED;
    if (!n) return LPCS_OK;
    const size_t nb = (n + 31) / 32;
    dev_mem dx, ds, dc;
    if (!dx.upload(x, n * 4) || !ds.alloc(nb) || !dc.alloc(n)) return LPCS_ENOMEM;
    if (!finished(conv_mx_quantize(elem, round, dx.as<float>(), n, ds.as<uint8_t>(), dc.as<uint8_t>(), 0)))
        return LPCS_EIO;
    return ds.download(scales, nb) && dc.download(codes, n) ? LPCS_OK : LPCS_EIO;
}

extern "C" int lpcs_cuda_mx_dequantize(int elem, const uint8_t *scales, const uint8_t *codes, size_t n,
                                       float *y) {
    if (elem < 0 || elem > 5) return LPCS_EINVAL;
    if (n && (!scales || !codes || !y)) return LPCS_EINVAL;
    if (n > kMaxElems) return LPCS_ERANGE;
    if (!lpcs_cuda_available()) return LPCS_EUNSUPPORTED;
    if (!n) return LPCS_OK;
    const size_t nb = (n + 31) / 32;
    dev_mem ds, dc, dy;
    if (!ds.upload(scales, nb) || !dc.upload(codes, n) || !dy.alloc(n * 4)) return LPCS_ENOMEM;
    if (!finished(conv_mx_dequantize(elem, ds.as<uint8_t>(), dc.as<uint8_t>(), n, dy.as<float>(), 0)))
        return LPCS_EIO;
    return dy.download(y, n * 4) ? LPCS_OK : LPCS_EIO;
}

extern "C" int lpcs_cuda_nvfp4_quantize(const float *x, size_t n, float *tensor_scale,
                                        uint8_t *block_scales, uint8_t *codes) {
    if (!tensor_scale || (n && (!x || !block_scales || !codes))) return LPCS_EINVAL;
    if (n > kMaxElems) return LPCS_ERANGE;
    if (!lpcs_cuda_available()) return LPCS_EUNSUPPORTED;
    if (!n) {
        *tensor_scale = 1.0f;
        return LPCS_OK;
    }
    const size_t nb = (n + 15) / 16;
    dev_mem dx, dts, dbs, dc;
    if (!dx.upload(x, n * 4) || !dts.alloc(4) || !dbs.alloc(nb) || !dc.alloc(n)) return LPCS_ENOMEM;
    if (!finished(conv_nvfp4_quantize(dx.as<float>(), n, dts.as<float>(), dbs.as<uint8_t>(),
                                      dc.as<uint8_t>(), 0)))
        return LPCS_EIO;
    return dts.download(tensor_scale, 4) && dbs.download(block_scales, nb) && dc.download(codes, n)
               ? LPCS_OK : LPCS_EIO;
}

extern "C" int lpcs_cuda_nvfp4_dequantize(float tensor_scale, const uint8_t *block_scales,
                                          const uint8_t *codes, size_t n, float *y) {
    if (n && (!block_scales || !codes || !y)) return LPCS_EINVAL;
    if (n > kMaxElems) return LPCS_ERANGE;
    if (!lpcs_cuda_available()) return LPCS_EUNSUPPORTED;
    if (!n) return LPCS_OK;
    const size_t nb = (n + 15) / 16;
    dev_mem dts, dbs, dc, dy;
    if (!dts.upload(&tensor_scale, 4) || !dbs.upload(block_scales, nb) || !dc.upload(codes, n) ||
        !dy.alloc(n * 4))
        return LPCS_ENOMEM;
    if (!finished(conv_nvfp4_dequantize(dts.as<float>(), dbs.as<uint8_t>(), dc.as<uint8_t>(), n,
                                        dy.as<float>(), 0)))
        return LPCS_EIO;
    return dy.download(y, n * 4) ? LPCS_OK : LPCS_EIO;
}

/* ---- RMMEC ------------------------------------------------------------------------- */

extern "C" int lpcs_cuda_rmmec_gemv(int mode, const uint16_t *w, size_t rows, size_t cols,
                                    const uint16_t *x, int out_fmt, uint32_t *y) {
    if (mode < 0 || mode > 3 || out_fmt < 0 || out_fmt > 3) return LPCS_EINVAL;
    if (mode == 0 && out_fmt < 2) return LPCS_EUNSUPPORTED; /* FP4 reads out fp32/bf16 only */
    if ((rows && !y) || (rows && cols && (!w || !x))) return LPCS_EINVAL;
    if (rows > (1u << 30) || cols > (1u << 30) || (cols && rows > kMaxElems / cols)) return LPCS_ERANGE;
    if (!lpcs_cuda_available()) return LPCS_EUNSUPPORTED;
    if (!rows) return LPCS_OK;
    /* column-major copy: thread r reads w_cm[k*rows + r], coalesced */
    uint16_t *wcm = (uint16_t *)malloc(rows * cols * 2 + 2);
    if (!wcm) return LPCS_ENOMEM;
    for (size_t r = 0; r < rows; r++)
        for (size_t k = 0; k < cols; k++) wcm[k * rows + r] = w[r * cols + k];
    dev_mem dw, dx, dy;
    const bool ok = dw.upload(wcm, rows * cols * 2) && dx.upload(x, cols * 2) && dy.alloc(rows * 4);
    free(wcm);
    if (!ok) return LPCS_ENOMEM;
    if (!finished(rmmec_gemv_launch(mode, dw.as<uint16_t>(), (int)rows, (int)cols, dx.as<uint16_t>(),
                                    out_fmt, dy.as<uint32_t>(), 0)))
        return LPCS_EIO;
    return dy.download(y, rows * 4) ? LPCS_OK : LPCS_EIO;
}

/* ---- BitLinear ----------------------------------------------------------------------- */

extern "C" int lpcs_cuda_bitlinear_forward(const lpcs_cuda_ternary *w, float beta, const float *norm_weight,
                                           const float *x, size_t batch, float *y) {
    if (!w || !norm_weight || !x || !y || batch < 1) return LPCS_EINVAL;
    if (!(beta >= 1e-5f) || !isfinite(beta) || batch > (1u << 20)) return LPCS_ERANGE;
    const size_t in = (size_t)w->dev.cols, out = (size_t)w->dev.rows;
    for (size_t i = 0; i < batch * in; i++)
        if (!isfinite(x[i])) return LPCS_ERANGE; /* as golden act_quant_absmax_i8 */
    const float inv_beta = 1.0f / beta;           /* step 3 */
    const size_t xs = ternary_x_stride(&w->dev);
    dev_mem dx, dg, dxq, ds, dacc, dy, dbad;
    if (!dx.upload(x, batch * in * 4) || !dg.upload(norm_weight, in * 4) || !dxq.alloc(batch * xs) ||
        !ds.alloc(batch * 4) || !dacc.alloc(batch * out * 4) || !dy.alloc(batch * out * 4) || !dbad.alloc(4))
        return LPCS_ENOMEM;
    if (cudaMemset(dbad.p, 0, 4) != cudaSuccess || cudaMemset(dxq.p, 0, batch * xs) != cudaSuccess)
        return LPCS_EIO;
    if (bitlinear_quant_launch(dx.as<float>(), dg.as<float>(), (int)in, (int)batch, dxq.as<int8_t>(), (int)xs,
                               ds.as<float>(), dbad.as<int>(), 0) != cudaSuccess)
        return LPCS_EIO;
    int rc = ternary_gemm_dev(w, dxq.as<int8_t>(), batch, dacc.as<int32_t>());
    if (rc != LPCS_OK) return rc;
    if (!finished(bitlinear_dequant_launch(dacc.as<int32_t>(), (int)out, (int)batch, ds.as<float>(), inv_beta,
                                           dy.as<float>(), 0)))
        return LPCS_EIO;
    int bad = 0;
    if (!dbad.download(&bad, 4)) return LPCS_EIO;
    if (bad) return LPCS_ERANGE;
    return dy.download(y, batch * out * 4) ? LPCS_OK : LPCS_EIO;
}

/* ---- test support ---------------------------------------------------------------------- */

extern "C" int lpcs_cuda_sweep_f32(int kind, int a, int b, uint32_t base, size_t count, uint16_t *out) {
    uint16_t *d_buf = NULL; /* per call: no state between calls (a chunk is 2^2x values, the malloc is noise) */
    if (!out || kind < 0 || kind > 1) return LPCS_EINVAL;
    if (!lpcs_cuda_available()) return LPCS_EUNSUPPORTED;
    if (cudaMalloc(&d_buf, count * 2) != cudaSuccess) return LPCS_ENOMEM;
    int st = finished(conv_sweep_f32(kind, a, b, base, count, d_buf, 0)) ? LPCS_OK : LPCS_EIO;
    if (!st && cudaMemcpy(out, d_buf, count * 2, cudaMemcpyDeviceToHost) != cudaSuccess) st = LPCS_EIO;
    cudaFree(d_buf);
    return st;
}
