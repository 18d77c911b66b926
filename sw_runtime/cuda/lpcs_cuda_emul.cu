/* CPU emulation of the lpcs CUDA backend (lpcs_cuda.h), for machines without
 * a GPU: every call runs the kernels' own __host__ __device__ element/block
 * code (formats.cuh, block_device.cuh, rmmec_device.cuh) and re-traces the
 * GEMV kernels' arithmetic over their device weight layouts (tiled ternary
 * words with the permuted-activation dp4a; LUT bit planes with per-group
 * activation tables), sequentially. Linked only into build/cuda/test_cuda_emul,
 * which runs the device test's harness in CI: it proves the harness, the
 * layouts and the shared code, not the kernels' thread mapping -- that needs
 * the GPU run (bench/cuda/run_on_device.sh). */
#include "cuda/lpcs_cuda.h"
#include "block_device.cuh"
#include "lpcs_cuda_internal.h"
#include "int4_kernels.cuh"
#include "lut_kernels.cuh"
#include "rmmec_device.cuh"
#include "status.h"
#include "ternary_kernels.cuh"

#include <stdlib.h>
#include <string.h>

#include <vector>

struct lpcs_cuda_ternary {
    size_t rows, cols, nchunks, tiles;
    std::vector<uint8_t> tiled;
};
struct lpcs_cuda_int4 {
    size_t rows, cols, nchunks;
    std::vector<uint8_t> tiled;
};
struct lpcs_cuda_lut {
    size_t rows, cols, nchunks, tiles;
    int bits, is_signed;
    std::vector<uint8_t> planes;
};

extern "C" int lpcs_cuda_available(void) { return 1; }
extern "C" const char *lpcs_cuda_describe(void) { return "CPU emulation of the CUDA backend (no GPU)"; }

extern "C" int lpcs_cuda_ternary_upload(const uint8_t *packed, size_t rows, size_t cols, lpcs_cuda_ternary **out) {
    if (out) *out = NULL;
    if (!packed || !out || rows < 1 || cols < 1) return LPCS_EINVAL;
    lpcs_cuda_ternary *w = new lpcs_cuda_ternary;
    w->rows = rows;
    w->cols = cols;
    w->nchunks = (cols + 63) / 64;
    w->tiles = (rows + 31) / 32;
    w->tiled.resize(ternary_tiled_bytes(rows, cols));
    ternary_tile_host(packed, rows, cols, w->tiled.data());
    *out = w;
    return LPCS_OK;
}
extern "C" void lpcs_cuda_ternary_free(lpcs_cuda_ternary *w) { delete w; }

static int dp4a_emul(int a, int b, int c) {
    for (int i = 0; i < 4; i++) c += (int8_t)(a >> (8 * i)) * (int8_t)(b >> (8 * i));
    return c;
}

/* The ternary kernel's arithmetic: padded activation rows read as int8
 * words, field j of each weight word decoded and dp4a'd with word j. */
extern "C" int lpcs_cuda_ternary_gemm_i32(const lpcs_cuda_ternary *w, const int8_t *x, size_t batch, int32_t *y) {
    if (!w || !x || !y || batch < 1) return LPCS_EINVAL;
    std::vector<uint8_t> xpad(w->nchunks * 64);
    for (size_t b = 0; b < batch; b++) {
        memset(xpad.data(), 0, xpad.size());
        memcpy(xpad.data(), x + b * w->cols, w->cols);
        for (size_t r = 0; r < w->rows; r++) {
            const size_t t = r / 32, l = r % 32;
            int acc = 0;
            for (size_t c = 0; c < w->nchunks; c++) {
                uint32_t wq[4];
                memcpy(wq, w->tiled.data() + ((t * w->nchunks + c) * 32 + l) * 16, 16);
                for (int q = 0; q < 4; q++)
                    for (int j = 0; j < 4; j++) {
                        const uint32_t v = (wq[q] >> (2 * j)) & 0x03030303u;
                        int xw;
                        memcpy(&xw, xpad.data() + 64 * c + 16 * q + 4 * j, 4);
                        acc = dp4a_emul((int)(v | ((v & 0x02020202u) * 0x7Eu)), xw, acc);
                    }
            }
            y[b * w->rows + r] = acc;
        }
    }
    return LPCS_OK;
}

extern "C" int lpcs_cuda_bitlinear_forward(const lpcs_cuda_ternary *w, float beta, const float *norm_weight,
                                           const float *x, size_t batch, float *y) {
    if (!w || !norm_weight || !x || !y || batch < 1) return LPCS_EINVAL;
    if (!(beta >= 1e-5f) || !lpcs_isfinite_f32(beta)) return LPCS_ERANGE;
    const size_t in = w->cols, out = w->rows;
    for (size_t i = 0; i < batch * in; i++)
        if (!lpcs_isfinite_f32(x[i])) return LPCS_ERANGE;
    const float inv_beta = 1.0f / beta;
    std::vector<int8_t> xq(batch * in);
    std::vector<float> s(batch);
    for (size_t t = 0; t < batch; t++) {
        const float *xt = x + t * in;
        double lanes[32];
        for (int j = 0; j < 32; j++) lanes[j] = lpcs_bl_lane_sum(xt, (int)in, j);
        const float r = lpcs_bl_rms_r(lanes, (int)in);
        float amax = 0.0f;
        for (size_t k = 0; k < in; k++) {
            const float xh = lpcs_bl_xh(xt[k], r, norm_weight[k]);
            if (!lpcs_isfinite_f32(xh)) return LPCS_ERANGE;
            if (lpcs_fabs_f32(xh) > amax) amax = lpcs_fabs_f32(xh);
        }
        s[t] = lpcs_bl_scale(amax);
        for (size_t k = 0; k < in; k++) xq[t * in + k] = lpcs_bl_quant(lpcs_bl_xh(xt[k], r, norm_weight[k]), s[t]);
    }
    std::vector<int32_t> acc(batch * out);
    lpcs_cuda_ternary_gemm_i32(w, xq.data(), batch, acc.data());
    for (size_t i = 0; i < batch * out; i++) y[i] = lpcs_bl_dequant(acc[i], s[i / out], inv_beta);
    return LPCS_OK;
}

extern "C" int lpcs_cuda_int4_upload(const int8_t *wv, size_t rows, size_t cols, lpcs_cuda_int4 **out) {
    if (out) *out = NULL;
    if (!wv || !out || rows < 1 || cols < 1) return LPCS_EINVAL;
    for (size_t i = 0; i < rows * cols; i++)
        if (wv[i] < -8 || wv[i] > 7) return LPCS_ERANGE;
    lpcs_cuda_int4 *w = new lpcs_cuda_int4;
    w->rows = rows;
    w->cols = cols;
    w->nchunks = (cols + 31) / 32;
    w->tiled.resize(int4_tiled_bytes(rows, cols));
    int4_tile_host(wv, rows, cols, w->tiled.data());
    *out = w;
    return LPCS_OK;
}
extern "C" void lpcs_cuda_int4_free(lpcs_cuda_int4 *w) { delete w; }

/* The int4 kernel's arithmetic: nibble fields sign-extended, dp4a with the
 * padded activation words 8q and 8q+4 of each chunk. */
extern "C" int lpcs_cuda_int4_gemm_i32(const lpcs_cuda_int4 *w, const int8_t *x, size_t batch, int32_t *y) {
    if (!w || !x || !y || batch < 1) return LPCS_EINVAL;
    std::vector<uint8_t> xpad(w->nchunks * 32);
    for (size_t b = 0; b < batch; b++) {
        memset(xpad.data(), 0, xpad.size());
        memcpy(xpad.data(), x + b * w->cols, w->cols);
        for (size_t r = 0; r < w->rows; r++) {
            const size_t t = r / 32, l = r % 32;
            int acc = 0;
            for (size_t c = 0; c < w->nchunks; c++) {
                uint32_t wq[4];
                memcpy(wq, w->tiled.data() + ((t * w->nchunks + c) * 32 + l) * 16, 16);
                for (int q = 0; q < 4; q++)
                    for (int h = 0; h < 2; h++) {
                        const uint32_t v = (wq[q] >> (4 * h)) & 0x0F0F0F0Fu;
                        int xw;
                        memcpy(&xw, xpad.data() + 32 * c + 8 * q + 4 * h, 4);
                        acc = dp4a_emul((int)(v | ((v & 0x08080808u) * 0x1Eu)), xw, acc);
                    }
            }
            y[b * w->rows + r] = acc;
        }
    }
    return LPCS_OK;
}

extern "C" int lpcs_cuda_lut_upload(const int8_t *wv, size_t rows, size_t cols, int bits, int is_signed,
                                    lpcs_cuda_lut **out) {
    if (out) *out = NULL;
    if (!wv || !out || rows < 1 || cols < 1) return LPCS_EINVAL;
    if (bits < 1 || bits > LPCS_LUT_MAX_BITS) return LPCS_ERANGE;
    lpcs_cuda_lut *w = new lpcs_cuda_lut;
    w->rows = rows;
    w->cols = cols;
    w->bits = bits;
    w->is_signed = is_signed ? 1 : 0;
    w->nchunks = (cols + 127) / 128;
    w->tiles = (rows + 31) / 32;
    w->planes.resize(lut_planes_bytes(rows, cols, bits));
    lut_planes_host(wv, rows, cols, bits, w->planes.data());
    *out = w;
    return LPCS_OK;
}
extern "C" void lpcs_cuda_lut_free(lpcs_cuda_lut *w) { delete w; }

/* The LUT kernel's arithmetic: per chunk and token the 32 group tables,
 * nibble lookups per bit plane, plane weights 2^p (sign plane negative). */
extern "C" int lpcs_cuda_lut_gemm_i32(const lpcs_cuda_lut *w, const int8_t *x, size_t batch, int32_t *y) {
    if (!w || !x || !y || batch < 1) return LPCS_EINVAL;
    const int P = w->bits;
    for (size_t b = 0; b < batch; b++) {
        const int8_t *xb = x + b * w->cols;
        for (size_t r = 0; r < w->rows; r++) y[b * w->rows + r] = 0;
        for (size_t c = 0; c < w->nchunks; c++) {
            int T[32][16];
            for (int g = 0; g < 32; g++)
                for (int idx = 0; idx < 16; idx++) {
                    int s = 0;
                    for (int j = 0; j < 4; j++) {
                        const size_t k = c * 128 + g * 4 + j;
                        if (((idx >> j) & 1) && k < w->cols) s += xb[k];
                    }
                    T[g][idx] = s;
                }
            for (size_t r = 0; r < w->rows; r++) {
                const size_t t = r / 32, l = r % 32;
                int acc = 0;
                for (int p = 0; p < P; p++) {
                    uint32_t words[4];
                    memcpy(words, w->planes.data() + (((t * w->nchunks + c) * P + p) * 32 + l) * 16, 16);
                    int s = 0;
                    for (int q = 0; q < 4; q++)
                        for (int gi = 0; gi < 8; gi++) s += T[q * 8 + gi][(words[q] >> (4 * gi)) & 15];
                    acc += (w->is_signed && p == P - 1) ? -(s * (1 << p)) : s * (1 << p);
                }
                y[b * w->rows + r] += acc;
            }
        }
    }
    return LPCS_OK;
}

extern "C" int lpcs_cuda_mf_from_f32(int format, int sat, const float *x, size_t n, uint32_t *codes) {
    if ((n && (!x || !codes)) || format < 0 || format >= LPCS_MF_COUNT) return LPCS_EINVAL;
    for (size_t i = 0; i < n; i++) codes[i] = lpcs_mf_from_f32(format, x[i], sat);
    return LPCS_OK;
}
extern "C" int lpcs_cuda_mf_to_f32(int format, const uint32_t *codes, size_t n, float *y) {
    if ((n && (!codes || !y)) || format < 0 || format >= LPCS_MF_COUNT) return LPCS_EINVAL;
    for (size_t i = 0; i < n; i++) y[i] = lpcs_mf_to_f32(format, codes[i]);
    return LPCS_OK;
}
extern "C" int lpcs_cuda_posit_from_f32(int nbits, int es, const float *x, size_t n, uint32_t *codes) {
    if (n && (!x || !codes)) return LPCS_EINVAL;
    if (nbits < 2 || nbits > 32 || es < 0 || es > 3) return LPCS_ERANGE;
    for (size_t i = 0; i < n; i++) codes[i] = lpcs_posit_from_f32(nbits, es, x[i]);
    return LPCS_OK;
}
extern "C" int lpcs_cuda_posit_to_f32(int nbits, int es, const uint32_t *codes, size_t n, float *y) {
    if (n && (!codes || !y)) return LPCS_EINVAL;
    if (nbits < 2 || nbits > 32 || es < 0 || es > 3) return LPCS_ERANGE;
    for (size_t i = 0; i < n; i++) y[i] = lpcs_posit_to_f32(nbits, es, codes[i]);
    return LPCS_OK;
}
extern "C" int lpcs_cuda_mx_quantize(int elem, int round, const float *x, size_t n, uint8_t *scales, uint8_t *codes) {
    if (elem < 0 || elem > 5 || (round != 0 && round != 1)) return LPCS_EINVAL;
    if (n && (!x || !scales || !codes)) return LPCS_EINVAL;
    for (size_t b = 0; b * 32 < n; b++) {
        const size_t start = b * 32, len = n - start < 32 ? n - start : 32;
        lpcs_mx_quantize_block(elem, round, x + start, len, scales + b, codes + start);
    }
    return LPCS_OK;
}
extern "C" int lpcs_cuda_mx_dequantize(int elem, const uint8_t *scales, const uint8_t *codes, size_t n, float *y) {
    if (elem < 0 || elem > 5) return LPCS_EINVAL;
    if (n && (!scales || !codes || !y)) return LPCS_EINVAL;
    for (size_t i = 0; i < n; i++) y[i] = lpcs_mx_dequant_elem(elem, scales[i / 32], codes[i]);
    return LPCS_OK;
}
extern "C" int lpcs_cuda_nvfp4_quantize(const float *x, size_t n, float *tensor_scale, uint8_t *block_scales,
                                        uint8_t *codes) {
    if (!tensor_scale || (n && (!x || !block_scales || !codes))) return LPCS_EINVAL;
    uint32_t amax = 0;
    for (size_t i = 0; i < n; i++)
        if (lpcs_isfinite_f32(x[i]) && (lpcs_f32_bits(x[i]) & 0x7FFFFFFFu) > amax) amax = lpcs_f32_bits(x[i]) & 0x7FFFFFFFu;
    const float ts = lpcs_nvfp4_tensor_scale(lpcs_bits_f32(amax));
    *tensor_scale = n ? ts : 1.0f;
    for (size_t b = 0; b * 16 < n; b++) {
        const size_t start = b * 16, len = n - start < 16 ? n - start : 16;
        lpcs_nvfp4_quantize_block(x + start, len, ts, block_scales + b, codes + start);
    }
    return LPCS_OK;
}
extern "C" int lpcs_cuda_nvfp4_dequantize(float tensor_scale, const uint8_t *block_scales, const uint8_t *codes,
                                          size_t n, float *y) {
    if (n && (!block_scales || !codes || !y)) return LPCS_EINVAL;
    for (size_t i = 0; i < n; i++) y[i] = lpcs_nvfp4_dequant_elem(tensor_scale, block_scales[i / 16], codes[i]);
    return LPCS_OK;
}
extern "C" int lpcs_cuda_rmmec_gemv(int mode, const uint16_t *w, size_t rows, size_t cols, const uint16_t *x,
                                    int out_fmt, uint32_t *y) {
    if (mode < 0 || mode > 3 || out_fmt < 0 || out_fmt > 3) return LPCS_EINVAL;
    if (mode == 0 && out_fmt < 2) return LPCS_EUNSUPPORTED;
    if ((rows && !y) || (rows && cols && (!w || !x))) return LPCS_EINVAL;
    for (size_t r = 0; r < rows; r++) {
        lpcs_rmmec_acc s;
        s.acc = 0;
        s.nar = 0;
        for (size_t k = 0; k < cols; k++) lpcs_rmmec_step(mode, &s, w[r * cols + k], x[k]);
        lpcs_rmmec_readout(mode, &s, out_fmt, &y[r]);
    }
    return LPCS_OK;
}
extern "C" int lpcs_cuda_sweep_f32(int kind, int a, int b, uint32_t base, size_t count, uint16_t *out) {
    if (!out || kind < 0 || kind > 1) return LPCS_EINVAL;
    for (size_t i = 0; i < count; i++) {
        const float x = lpcs_bits_f32(base + (uint32_t)i);
        out[i] = (uint16_t)(kind == 0 ? lpcs_mf_from_f32(a, x, b) : lpcs_posit_from_f32(a, b, x));
    }
    return LPCS_OK;
}
