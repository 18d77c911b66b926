/* The real lpcs CUDA backend (API: lpcs_cuda.h): device selection, weight
 * upload and host<->device staging around the kernels. */
#include "cuda/lpcs_cuda.h"
#include "cuda_util.cuh"
#include "lut_kernels.cuh"
#include "ternary_kernels.cuh"
#include "status.h"

#include <stdlib.h>
#include <string.h>

struct lpcs_cuda_ternary {
    ternary_dev dev;
    void *d_w;
};
struct lpcs_cuda_lut {
    lut_dev dev;
    void *d_w;
};

static char g_describe[512];

extern "C" int lpcs_cuda_available(void) {
    int n = 0;
    if (cudaGetDeviceCount(&n) != cudaSuccess || n < 1) {
        cudaGetLastError(); /* clear the sticky "no device" error */
        return 0;
    }
    return 1;
}

extern "C" const char *lpcs_cuda_describe(void) {
    int n = 0;
    cudaError_t e = cudaGetDeviceCount(&n);
    if (e != cudaSuccess || n < 1) {
        snprintf(g_describe, sizeof g_describe, "no CUDA device (%s)",
                 e != cudaSuccess ? cudaGetErrorString(e) : "device count 0");
        cudaGetLastError();
        return g_describe;
    }
    int dev = 0;
    cudaDeviceProp p;
    if (cudaGetDevice(&dev) != cudaSuccess || cudaGetDeviceProperties(&p, dev) != cudaSuccess) {
        snprintf(g_describe, sizeof g_describe, "CUDA device present but not readable");
        return g_describe;
    }
    snprintf(g_describe, sizeof g_describe, "%s, sm_%d%d, %d SMs, %.1f GiB", p.name, p.major,
             p.minor, p.multiProcessorCount, p.totalGlobalMem / 1073741824.0);
    return g_describe;
}

/* ---- ternary ------------------------------------------------------------------ */

extern "C" int lpcs_cuda_ternary_upload(const uint8_t *packed, size_t rows, size_t cols,
                                        lpcs_cuda_ternary **out) {
    if (out) *out = NULL;
    if (!packed || !out || rows < 1 || cols < 1) return LPCS_EINVAL;
    if (rows > (1u << 30) || cols > (1u << 24)) return LPCS_ERANGE; /* int32 sums stay exact */
    if (!lpcs_cuda_available()) return LPCS_EUNSUPPORTED;
    const size_t bytes = ternary_tiled_bytes(rows, cols);
    uint8_t *tiled = (uint8_t *)malloc(bytes);
    lpcs_cuda_ternary *w = (lpcs_cuda_ternary *)calloc(1, sizeof *w);
    if (!tiled || !w) {
        free(tiled);
        free(w);
        return LPCS_ENOMEM;
    }
    ternary_tile_host(packed, rows, cols, tiled);
    if (cudaMalloc(&w->d_w, bytes) != cudaSuccess ||
        cudaMemcpy(w->d_w, tiled, bytes, cudaMemcpyHostToDevice) != cudaSuccess) {
        cudaFree(w->d_w);
        free(tiled);
        free(w);
        return LPCS_ENOMEM;
    }
    free(tiled);
    w->dev.w = w->d_w;
    w->dev.rows = (int)rows;
    w->dev.cols = (int)cols;
    w->dev.tiles = (int)lpcs_ceil_div(rows, 32);
    w->dev.nchunks = (int)lpcs_ceil_div(cols, 64);
    *out = w;
    return LPCS_OK;
}

extern "C" void lpcs_cuda_ternary_free(lpcs_cuda_ternary *w) {
    if (!w) return;
    cudaFree(w->d_w);
    free(w);
}

/* y (device) for device x, any batch (chunks of 16 tokens). */
static int ternary_gemm_dev(const lpcs_cuda_ternary *w, const int8_t *d_x, size_t batch,
                            int32_t *d_y, void *d_xp) {
    for (size_t b0 = 0; b0 < batch; b0 += LPCS_TERNARY_MAX_BATCH) {
        const int nb = (int)(batch - b0 < LPCS_TERNARY_MAX_BATCH ? batch - b0 : LPCS_TERNARY_MAX_BATCH);
        LPCS_CU_TRY(ternary_gemm_launch(&w->dev, d_x + b0 * w->dev.cols, nb, d_xp,
                                        d_y + b0 * w->dev.rows, 0),
                    LPCS_EIO);
    }
    return LPCS_OK;
}

extern "C" int lpcs_cuda_ternary_gemm_i32(const lpcs_cuda_ternary *w, const int8_t *x,
                                          size_t batch, int32_t *y) {
    if (!w || !x || !y || batch < 1) return LPCS_EINVAL;
    if (batch > (1u << 20)) return LPCS_ERANGE;
    const size_t xb = batch * w->dev.cols, yb = batch * w->dev.rows * sizeof(int32_t);
    const size_t xpb = ternary_xperm_bytes(&w->dev, LPCS_TERNARY_MAX_BATCH);
    int8_t *d_x = NULL;
    int32_t *d_y = NULL;
    void *d_xp = NULL;
    int rc = LPCS_EIO;
    if (cudaMalloc(&d_x, xb) == cudaSuccess && cudaMalloc(&d_y, yb) == cudaSuccess &&
        cudaMalloc(&d_xp, xpb) == cudaSuccess &&
        cudaMemcpy(d_x, x, xb, cudaMemcpyHostToDevice) == cudaSuccess) {
        rc = ternary_gemm_dev(w, d_x, batch, d_y, d_xp);
        if (rc == LPCS_OK && cudaMemcpy(y, d_y, yb, cudaMemcpyDeviceToHost) != cudaSuccess)
            rc = LPCS_EIO;
    }
    cudaFree(d_x);
    cudaFree(d_y);
    cudaFree(d_xp);
    return rc;
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
    const size_t bytes = lut_planes_bytes(rows, cols, bits);
    uint8_t *planes = (uint8_t *)malloc(bytes);
    lpcs_cuda_lut *w = (lpcs_cuda_lut *)calloc(1, sizeof *w);
    if (!planes || !w) {
        free(planes);
        free(w);
        return LPCS_ENOMEM;
    }
    lut_planes_host(wv, rows, cols, bits, planes);
    if (cudaMalloc(&w->d_w, bytes) != cudaSuccess ||
        cudaMemcpy(w->d_w, planes, bytes, cudaMemcpyHostToDevice) != cudaSuccess) {
        cudaFree(w->d_w);
        free(planes);
        free(w);
        return LPCS_ENOMEM;
    }
    free(planes);
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
    const size_t xb = batch * w->dev.cols, yb = batch * w->dev.rows * sizeof(int32_t);
    int8_t *d_x = NULL;
    int32_t *d_y = NULL;
    int rc = LPCS_EIO;
    if (cudaMalloc(&d_x, xb) == cudaSuccess && cudaMalloc(&d_y, yb) == cudaSuccess &&
        cudaMemcpy(d_x, x, xb, cudaMemcpyHostToDevice) == cudaSuccess) {
        rc = LPCS_OK;
        for (size_t b0 = 0; b0 < batch && rc == LPCS_OK; b0 += LPCS_LUT_MAX_BATCH) {
            const int nb = (int)(batch - b0 < LPCS_LUT_MAX_BATCH ? batch - b0 : LPCS_LUT_MAX_BATCH);
            if (lut_gemm_launch(&w->dev, d_x + b0 * w->dev.cols, nb, d_y + b0 * w->dev.rows, 0) !=
                cudaSuccess)
                rc = LPCS_EIO;
        }
        if (rc == LPCS_OK && cudaMemcpy(y, d_y, yb, cudaMemcpyDeviceToHost) != cudaSuccess)
            rc = LPCS_EIO;
    }
    cudaFree(d_x);
    cudaFree(d_y);
    return rc;
}
