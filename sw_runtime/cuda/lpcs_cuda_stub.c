/* The CUDA backend for builds without CUDA: nothing is available, every call
 * says so. Linked into liblpcsrt.a; a CUDA build links build/cuda/liblpcs_cuda.a
 * ahead of it instead (see README.md here). */
#include <stdio.h>

#include "cuda/lpcs_cuda.h"
#include "status.h"

#include <stdio.h>

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

/* The device-resident engine (llm_engine.h): not available either. */
#include "cuda/llm_engine.h"
size_t lpcs_cuda_llm_bytes(const lpcs_cuda_llm_cfg *c, const lpcs_cuda_op *ops, int n_ops) {
    (void)c; (void)ops; (void)n_ops;
    return 0;
}
int lpcs_cuda_llm_create(const lpcs_cuda_llm_cfg *c, const lpcs_cuda_op *ops, int n_ops, lpcs_cuda_llm **out,
                         char *err, size_t errlen) {
    (void)c; (void)ops; (void)n_ops;
    if (out) *out = NULL;
    if (err && errlen) lpcs_cuda_describe(err, errlen);
    return LPCS_EUNSUPPORTED;
}
void lpcs_cuda_llm_free(lpcs_cuda_llm *m) { (void)m; }
int lpcs_cuda_llm_forward(lpcs_cuda_llm *m, const int *tokens, int nseq, int ntok, int pos0, int slot0) {
    (void)m; (void)tokens; (void)nseq; (void)ntok; (void)pos0; (void)slot0;
    return LPCS_EUNSUPPORTED;
}
int lpcs_cuda_llm_nll(lpcs_cuda_llm *m, const int *targets, double *nll) {
    (void)m; (void)targets; (void)nll;
    return LPCS_EUNSUPPORTED;
}
int lpcs_cuda_llm_logits(lpcs_cuda_llm *m, int row0, int nrows, float *out) {
    (void)m; (void)row0; (void)nrows; (void)out;
    return LPCS_EUNSUPPORTED;
}
int lpcs_cuda_llm_argmax(lpcs_cuda_llm *m, int *out) {
    (void)m; (void)out;
    return LPCS_EUNSUPPORTED;
}
int lpcs_cuda_llm_fault(lpcs_cuda_llm *m) {
    (void)m;
    return LPCS_EUNSUPPORTED;
}
double lpcs_cuda_llm_last_ms(lpcs_cuda_llm *m) {
    (void)m;
    return 0;
}
void lpcs_cuda_llm_set_matmul(lpcs_cuda_llm *m, int mode) { (void)m; (void)mode; }
void lpcs_cuda_llm_set_profile(lpcs_cuda_llm *m, int on) { (void)m; (void)on; }
void lpcs_cuda_llm_profile(lpcs_cuda_llm *m, double *ms) {
    (void)m;
    for (int i = 0; i < LPCS_CUDA_OP_COUNT; i++) ms[i] = 0;
}
int lpcs_cuda_llm_device(char *name, size_t len, size_t *free_b, size_t *total_b) {
    (void)name; (void)len; (void)free_b; (void)total_b;
    return LPCS_EUNSUPPORTED;
}
