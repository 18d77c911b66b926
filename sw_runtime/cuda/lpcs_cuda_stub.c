/* The CUDA backend for builds without CUDA: nothing is available, every call
 * says so. Linked into liblpcsrt.a; a CUDA build links build/cuda/liblpcs_cuda.a
 * ahead of it instead (see README.md here). */
#include <stdio.h>

#include "cuda/lpcs_cuda.h"
#include "status.h"

int lpcs_cuda_available(void) { return 0; }
const char *lpcs_cuda_describe(char *buf, size_t len) {
    snprintf(buf, len, "%s", "cuda backend not built (stub): rebuild lpcs with `make lpcs-cuda`");
    return buf;
}

int lpcs_cuda_ternary_upload(const uint8_t *packed, size_t rows, size_t cols,
                             lpcs_cuda_ternary **out) {
    (void)packed; (void)rows; (void)cols;
    if (out) *out = NULL;
    return LPCS_EUNSUPPORTED;
}
void lpcs_cuda_ternary_free(lpcs_cuda_ternary *w) { (void)w; }
int lpcs_cuda_ternary_gemm_i32(const lpcs_cuda_ternary *w, const int8_t *x,
                               size_t batch, int32_t *y) {
    (void)w; (void)x; (void)batch; (void)y;
    return LPCS_EUNSUPPORTED;
}
int lpcs_cuda_bitlinear_forward(const lpcs_cuda_ternary *w, float beta,
                                const float *norm_weight, const float *x,
                                size_t batch, float *y) {
    (void)w; (void)beta; (void)norm_weight; (void)x; (void)batch; (void)y;
    return LPCS_EUNSUPPORTED;
}
int lpcs_cuda_lut_upload(const int8_t *w, size_t rows, size_t cols, int bits,
                         int is_signed, lpcs_cuda_lut **out) {
    (void)w; (void)rows; (void)cols; (void)bits; (void)is_signed;
    if (out) *out = NULL;
    return LPCS_EUNSUPPORTED;
}
void lpcs_cuda_lut_free(lpcs_cuda_lut *w) { (void)w; }
int lpcs_cuda_lut_gemm_i32(const lpcs_cuda_lut *w, const int8_t *x,
                           size_t batch, int32_t *y) {
    (void)w; (void)x; (void)batch; (void)y;
    return LPCS_EUNSUPPORTED;
}
int lpcs_cuda_mf_from_f32(int format, int sat, const float *x, size_t n, uint32_t *codes) {
    (void)format; (void)sat; (void)x; (void)n; (void)codes;
    return LPCS_EUNSUPPORTED;
}
int lpcs_cuda_mf_to_f32(int format, const uint32_t *codes, size_t n, float *y) {
    (void)format; (void)codes; (void)n; (void)y;
    return LPCS_EUNSUPPORTED;
}
int lpcs_cuda_posit_from_f32(int nbits, int es, const float *x, size_t n, uint32_t *codes) {
    (void)nbits; (void)es; (void)x; (void)n; (void)codes;
    return LPCS_EUNSUPPORTED;
}
int lpcs_cuda_posit_to_f32(int nbits, int es, const uint32_t *codes, size_t n, float *y) {
    (void)nbits; (void)es; (void)codes; (void)n; (void)y;
    return LPCS_EUNSUPPORTED;
}
int lpcs_cuda_mx_quantize(int elem, int round, const float *x, size_t n, uint8_t *scales,
                          uint8_t *codes) {
    (void)elem; (void)round; (void)x; (void)n; (void)scales; (void)codes;
    return LPCS_EUNSUPPORTED;
}
int lpcs_cuda_mx_dequantize(int elem, const uint8_t *scales, const uint8_t *codes, size_t n,
                            float *y) {
    (void)elem; (void)scales; (void)codes; (void)n; (void)y;
    return LPCS_EUNSUPPORTED;
}
int lpcs_cuda_nvfp4_quantize(const float *x, size_t n, float *tensor_scale,
                             uint8_t *block_scales, uint8_t *codes) {
    (void)x; (void)n; (void)tensor_scale; (void)block_scales; (void)codes;
    return LPCS_EUNSUPPORTED;
}
int lpcs_cuda_nvfp4_dequantize(float tensor_scale, const uint8_t *block_scales,
                               const uint8_t *codes, size_t n, float *y) {
    (void)tensor_scale; (void)block_scales; (void)codes; (void)n; (void)y;
    return LPCS_EUNSUPPORTED;
}
int lpcs_cuda_rmmec_gemv(int mode, const uint16_t *w, size_t rows, size_t cols,
                         const uint16_t *x, int out_fmt, uint32_t *y) {
    (void)mode; (void)w; (void)rows; (void)cols; (void)x; (void)out_fmt; (void)y;
    return LPCS_EUNSUPPORTED;
}
int lpcs_cuda_int4_upload(const int8_t *w, size_t rows, size_t cols, lpcs_cuda_int4 **out) {
    (void)w; (void)rows; (void)cols;
    if (out) *out = NULL;
    return LPCS_EUNSUPPORTED;
}
void lpcs_cuda_int4_free(lpcs_cuda_int4 *w) { (void)w; }
int lpcs_cuda_int4_gemm_i32(const lpcs_cuda_int4 *w, const int8_t *x, size_t batch, int32_t *y) {
    (void)w; (void)x; (void)batch; (void)y;
    return LPCS_EUNSUPPORTED;
}
