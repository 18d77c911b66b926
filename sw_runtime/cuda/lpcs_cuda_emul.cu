/* CPU emulation of the lpcs CUDA backend (lpcs_cuda.h), for machines without
 * a GPU: every call runs the kernels' own __host__ __device__ element/block
 * code (formats.cuh, block_device.cuh, rmmec_device.cuh) and, for the
 * integer GEMVs, the kernels' own per-lane bodies and launch plans
 * (gemv_device.cuh) for every block, warp and lane in turn, with an H100's
 * 132 SMs assumed for the plan. Linked only into build/cuda/test_cuda_emul,
 * which runs the device test's harness in CI: it proves the harness, the
 * layouts, the index arithmetic and the shared code; what it cannot show
 * (true parallel execution, shared-memory races, the hardware) needs the GPU
 * run (bench/cuda/run_on_device.sh). */
#include <cstdio>

#include "cuda/lpcs_cuda.h"
#include "block_device.cuh"
#include "gemv_device.cuh"
#include "lpcs_cuda_internal.h"
#include "int4_kernels.cuh"
#include "lut_kernels.cuh"
#include "rmmec_device.cuh"
#include "status.h"
#include "ternary_kernels.cuh"

#include <stdlib.h>
#include <string.h>

#include <algorithm>
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
extern "C" const char *lpcs_cuda_describe(char *buf, size_t len) {
    snprintf(buf, len, "CPU emulation of the CUDA backend (no GPU)");
    return buf;
}

extern "C" int lpcs_cuda_ternary_upload(const uint8_t *packed, size_t rows, size_t cols, lpcs_cuda_ternary **out) {
    if (out) *out = NULL;
    if (!packed || !out || rows < 1 || cols < 1) return LPCS_EINVAL;
    if (!ternary_packed_valid(packed, rows, cols)) return LPCS_EFORMAT; /* code 0b10, as golden */
    lpcs_cuda_ternary *w = new lpcs_cuda_ternary;
    w->rows = rows;
    w->cols = cols;
    w->nchunks = (cols + 127) / 128;
    w->tiles = (rows + 15) / 16;
    w->tiled.resize(ternary_tiled_bytes(rows, cols));
    ternary_tile_host(packed, rows, cols, w->tiled.data());
    *out = w;
    return LPCS_OK;
}
extern "C" void lpcs_cuda_ternary_free(lpcs_cuda_ternary *w) { delete w; }

static const int kEmulSms = 132; /* H100 SXM */

static uint32_t emul_le32(const int8_t *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* The tensor-core kernel (mma_gemv.cuh) block by block and warp by warp:
 * the same launch plan, pieces, A fragments and activation offsets, the mma
 * emulated from the PTX fragment layout; warps reduce per block, splits add
 * (the kernel's atomics). x: padded rows of stride xs, batch <= 16. */
template <class F>
static void emul_mma(const uint4 *W, int tiles, int nchunks, int rows, const int8_t *x, size_t xs, int batch,
                     int32_t *y) {
    int ksplit, cps;
    lpcs_rowtile_plan(tiles, nchunks, kEmulSms, 0, &ksplit, &cps);
    const int NT = batch <= 8 ? 1 : 2;
    if (ksplit > 1) memset(y, 0, sizeof(int32_t) * (size_t)batch * rows);
    for (int tile = 0; tile < tiles; tile++)
        for (int sp = 0; sp < ksplit; sp++) {
            const int c0 = sp * cps, c1 = c0 + cps < nchunks ? c0 + cps : nchunks;
            int red[LPCS_GEMV_WARPS][2][32][4];
            int xred[LPCS_GEMV_WARPS][2][8]; /* activation sums (undo the weight offset) */
            memset(red, 0, sizeof red);
            memset(xred, 0, sizeof xred);
            for (int warp = 0; warp < LPCS_GEMV_WARPS; warp++)
                for (int c = c0 + warp; c < c1; c += LPCS_GEMV_WARPS)
                    for (int m = 0; m < F::kSteps; m++) {
                        int a[32][4], b[2][32][2];
                        for (int lane = 0; lane < 32; lane++) {
                            F::afrag(W[((size_t)tile * nchunks + c) * 32 + lane], m, a[lane]);
                            for (int nt = 0; nt < NT; nt++) {
                                const int tok = nt * 8 + (lane >> 2);
                                const int8_t *xp = x + (size_t)tok * xs + F::xoff(c, lane) + 8 * m;
                                b[nt][lane][0] = tok < batch ? (int)emul_le32(xp) : 0;
                                b[nt][lane][1] = tok < batch ? (int)emul_le32(xp + 4) : 0;
                                if (tok < batch)
                                    for (int q = 0; q < 8; q++) xred[warp][nt][lane >> 2] += xp[q];
                            }
                        }
                        for (int nt = 0; nt < NT; nt++) lpcs_mma_s8_warp(red[warp][nt], a, b[nt]);
                    }
            for (int nt = 0; nt < NT; nt++)
                for (int l = 0; l < 32; l++)
                    for (int r = 0; r < 4; r++) {
                        int s = 0;
                        for (int w = 0; w < LPCS_GEMV_WARPS; w++)
                            s += red[w][nt][l][r] - F::kOffset * xred[w][nt][lpcs_mma_c_tok(l, r)];
                        const int row = tile * F::kRows + lpcs_mma_c_row(l, r), tok = nt * 8 + lpcs_mma_c_tok(l, r);
                        if (row >= rows || tok >= batch) continue;
                        if (ksplit > 1) y[(size_t)tok * rows + row] += s;
                        else y[(size_t)tok * rows + row] = s;
                    }
        }
}

/* The ternary kernel, lane by lane, over padded activation rows. */
extern "C" int lpcs_cuda_ternary_gemm_i32(const lpcs_cuda_ternary *w, const int8_t *x, size_t batch, int32_t *y) {
    if (!w || !x || !y || batch < 1) return LPCS_EINVAL;
    const size_t xs = w->nchunks * 128;
    std::vector<int8_t> xpad(LPCS_TERNARY_MAX_BATCH * xs);
    for (size_t b0 = 0; b0 < batch; b0 += LPCS_TERNARY_MAX_BATCH) {
        const int nb = (int)(batch - b0 < LPCS_TERNARY_MAX_BATCH ? batch - b0 : LPCS_TERNARY_MAX_BATCH);
        memset(xpad.data(), 0, xpad.size());
        for (int b = 0; b < nb; b++) memcpy(xpad.data() + b * xs, x + (b0 + b) * w->cols, w->cols);
        emul_mma<lpcs_ternary_fmt>((const uint4 *)w->tiled.data(), (int)w->tiles, (int)w->nchunks, (int)w->rows,
                                   xpad.data(), xs, nb, y + b0 * w->rows);
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
    w->nchunks = (cols + 63) / 64;
    w->tiled.resize(int4_tiled_bytes(rows, cols));
    int4_tile_host(wv, rows, cols, w->tiled.data());
    *out = w;
    return LPCS_OK;
}
extern "C" void lpcs_cuda_int4_free(lpcs_cuda_int4 *w) { delete w; }

/* The int4 kernel, warp by warp, over padded activation rows. */
extern "C" int lpcs_cuda_int4_gemm_i32(const lpcs_cuda_int4 *w, const int8_t *x, size_t batch, int32_t *y) {
    if (!w || !x || !y || batch < 1) return LPCS_EINVAL;
    const size_t xs = w->nchunks * 64;
    std::vector<int8_t> xpad(LPCS_INT4_MAX_BATCH * xs);
    for (size_t b0 = 0; b0 < batch; b0 += LPCS_INT4_MAX_BATCH) {
        const int nb = (int)(batch - b0 < LPCS_INT4_MAX_BATCH ? batch - b0 : LPCS_INT4_MAX_BATCH);
        memset(xpad.data(), 0, xpad.size());
        for (int b = 0; b < nb; b++) memcpy(xpad.data() + b * xs, x + (b0 + b) * w->cols, w->cols);
        emul_mma<lpcs_int4_fmt>((const uint4 *)w->tiled.data(), (int)((w->rows + 15) / 16), (int)w->nchunks,
                                (int)w->rows, xpad.data(), xs, nb, y + b0 * w->rows);
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

/* The LUT kernel, block by block: its plan, table build and per-lane chunk
 * body; the prefetch of the next chunk is a plain load here. */
template <int BMAX>
static void lut_emul_b(const lpcs_cuda_lut *w, const int8_t *x, int batch, int32_t *y) {
    const uint4 *W = (const uint4 *)w->planes.data();
    const int tiles = (int)w->tiles, nchunks = (int)w->nchunks, P = w->bits, rows = (int)w->rows;
    int groups, ksplit, cps;
    lpcs_lut_plan(tiles, nchunks, kEmulSms, &groups, &ksplit, &cps);
    if (ksplit > 1) memset(y, 0, sizeof(int32_t) * (size_t)batch * rows);
    constexpr int NP = lpcs_lut_np<BMAX>::value;
    std::vector<uint4> T2v(512 * NP / 4 + 1); /* 16-byte aligned words */
    uint32_t *T2 = (uint32_t *)T2v.data();
    std::vector<int> acc((size_t)LPCS_GEMV_WARPS * 32 * BMAX);
    for (int blk = 0; blk < groups; blk++)
        for (int sp = 0; sp < ksplit; sp++) {
            const int c0 = sp * cps, c1 = c0 + cps < nchunks ? c0 + cps : nchunks;
            std::fill(acc.begin(), acc.end(), 0);
            for (int c = c0; c < c1; c++) {
                for (int e = 0; e < 512 * NP; e++) T2[e] = lpcs_lut_entry2<BMAX>(x, (int)w->cols, c, batch, e);
                for (int warp = 0; warp < LPCS_GEMV_WARPS; warp++) {
                    const int tile = blk * LPCS_GEMV_WARPS + warp;
                    if (tile >= tiles) continue;
                    for (int lane = 0; lane < 32; lane++) {
                        uint4 cur[LPCS_LUT_PMAX];
                        for (int p = 0; p < LPCS_LUT_PMAX; p++)
                            cur[p] = p < P ? *lpcs_lut_word(W, nchunks, P, tile, c, p, lane) : make_uint4(0, 0, 0, 0);
                        lpcs_lut_lane_chunk<BMAX>(T2, cur, P, w->is_signed,
                                                  &acc[((size_t)warp * 32 + lane) * BMAX]);
                    }
                }
            }
            for (int warp = 0; warp < LPCS_GEMV_WARPS; warp++) {
                const int tile = blk * LPCS_GEMV_WARPS + warp;
                for (int lane = 0; lane < 32 && tile < tiles; lane++) {
                    const int row = tile * 32 + lane;
                    if (row >= rows) continue;
                    for (int b = 0; b < batch; b++) {
                        const int v = acc[((size_t)warp * 32 + lane) * BMAX + b];
                        if (ksplit > 1) y[(size_t)b * rows + row] += v;
                        else y[(size_t)b * rows + row] = v;
                    }
                }
            }
        }
}

/* The LUT mma path, warp by warp: each lane's fragments from lpcs_lut_frag /
 * lpcs_lut_xword with the plane words the kernel shuffles in read directly
 * (row 16 mt + g and + 8 of the tile), multiplied by the host model of the
 * mma (lpcs_mma_s8_warp, from the PTX fragment tables). */
static void lut_emul_mma(const lpcs_cuda_lut *w, const int8_t *x, int batch, int32_t *y) {
    const uint4 *W = (const uint4 *)w->planes.data();
    const int tiles = (int)w->tiles, nchunks = (int)w->nchunks, P = w->bits, rows = (int)w->rows;
    const int cols = (int)w->cols, NT = batch > 8 ? 2 : 1;
    for (int tile = 0; tile < tiles; tile++) {
        int acc[2][2][32][4];
        memset(acc, 0, sizeof acc);
        for (int c = 0; c < nchunks; c++)
            for (int q = 0; q < 4; q++)
                for (int mt = 0; mt < 2; mt++)
                    for (int nt = 0; nt < NT; nt++) {
                        int a[32][4], b[32][2];
                        for (int lane = 0; lane < 32; lane++) {
                            const int g = lane >> 2, t = lane & 3, k = c * 128 + 32 * q + 4 * t;
                            uint32_t lo[LPCS_LUT_PMAX], hi[LPCS_LUT_PMAX];
                            for (int p = 0; p < P; p++) {
                                const uint4 vl = *lpcs_lut_word(W, nchunks, P, tile, c, p, 16 * mt + g);
                                const uint4 vh = *lpcs_lut_word(W, nchunks, P, tile, c, p, 16 * mt + g + 8);
                                const uint32_t wl[4] = {vl.x, vl.y, vl.z, vl.w}, wh[4] = {vh.x, vh.y, vh.z, vh.w};
                                lo[p] = wl[q], hi[p] = wh[q];
                            }
                            a[lane][0] = lpcs_lut_frag(lo, P, w->is_signed, 4 * t);
                            a[lane][1] = lpcs_lut_frag(hi, P, w->is_signed, 4 * t);
                            a[lane][2] = lpcs_lut_frag(lo, P, w->is_signed, 4 * t + 16);
                            a[lane][3] = lpcs_lut_frag(hi, P, w->is_signed, 4 * t + 16);
                            b[lane][0] = lpcs_lut_xword(x, cols, batch, nt * 8 + g, k);
                            b[lane][1] = lpcs_lut_xword(x, cols, batch, nt * 8 + g, k + 16);
                        }
                        lpcs_mma_s8_warp(acc[mt][nt], a, b);
                    }
        for (int mt = 0; mt < 2; mt++)
            for (int nt = 0; nt < NT; nt++)
                for (int lane = 0; lane < 32; lane++)
                    for (int r = 0; r < 4; r++) {
                        const int row = tile * 32 + 16 * mt + lpcs_mma_c_row(lane, r), tok = nt * 8 + lpcs_mma_c_tok(lane, r);
                        if (row < rows && tok < batch) y[(size_t)tok * rows + row] = acc[mt][nt][lane][r];
                    }
    }
}

extern "C" int lpcs_cuda_lut_gemm_i32(const lpcs_cuda_lut *w, const int8_t *x, size_t batch, int32_t *y) {
    if (!w || !x || !y || batch < 1) return LPCS_EINVAL;
    for (size_t b0 = 0; b0 < batch; b0 += LPCS_LUT_MAX_BATCH) {
        const int nb = (int)(batch - b0 < LPCS_LUT_MAX_BATCH ? batch - b0 : LPCS_LUT_MAX_BATCH);
        const int8_t *xb = x + b0 * w->cols;
        int32_t *yb = y + b0 * w->rows;
        if (nb > LPCS_LUT_TABLE_MAX_BATCH) lut_emul_mma(w, xb, nb, yb); /* the device's automatic choice */
        else if (nb == 1) lut_emul_b<1>(w, xb, nb, yb);
        else if (nb == 2) lut_emul_b<2>(w, xb, nb, yb);
        else if (nb <= 4) lut_emul_b<4>(w, xb, nb, yb);
        else if (nb <= 8) lut_emul_b<8>(w, xb, nb, yb);
        else lut_emul_b<16>(w, xb, nb, yb);
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
