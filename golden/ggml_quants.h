/* ggml's (llama.cpp's) tensor block formats: sizes of every type a GGUF file
 * may hold, and exact dequantization / reference quantization for
 * F32 F16 BF16 Q8_0 Q4_0 Q4_1 Q5_0 Q5_1 Q4_K Q5_K Q6_K TQ1_0 TQ2_0 (+ Q8_K,
 * the activation format of the K-quant dot products).
 *
 * Independent implementation written from the block layouts (ggml-common.h)
 * and the reference quantizers' definitions (ggml-quants.c); see
 * golden/README.md for each layout. All scales are IEEE fp16 little-endian
 * (RNE from fp32) unless noted. Blocks are serialized exactly as ggml's
 * packed C structs.
 *
 * Dequantization is exact: every value is computed with the same float
 * operations in the same order as ggml's reference dequantizers (a product
 * or a difference of at most two rounded terms), so results are bit-equal. */
#ifndef LPCS_GOLDEN_GGML_QUANTS_H
#define LPCS_GOLDEN_GGML_QUANTS_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
    GGML_F32 = 0, GGML_F16 = 1, GGML_Q4_0 = 2, GGML_Q4_1 = 3, GGML_Q5_0 = 6, GGML_Q5_1 = 7,
    GGML_Q8_0 = 8, GGML_Q8_1 = 9, GGML_Q2_K = 10, GGML_Q3_K = 11, GGML_Q4_K = 12, GGML_Q5_K = 13,
    GGML_Q6_K = 14, GGML_Q8_K = 15, GGML_IQ2_XXS = 16, GGML_IQ2_XS = 17, GGML_IQ3_XXS = 18,
    GGML_IQ1_S = 19, GGML_IQ4_NL = 20, GGML_IQ3_S = 21, GGML_IQ2_S = 22, GGML_IQ4_XS = 23,
    GGML_I8 = 24, GGML_I16 = 25, GGML_I32 = 26, GGML_I64 = 27, GGML_F64 = 28, GGML_IQ1_M = 29,
    GGML_BF16 = 30, GGML_TQ1_0 = 34, GGML_TQ2_0 = 35, GGML_MXFP4 = 39
};

typedef struct {
    const char *name;  /* "Q4_K" (llama.cpp's spelling) */
    int block;         /* values per block */
    int bytes;         /* bytes per block */
    int codec;         /* 1 if ggml_dequantize / ggml_quantize handle it */
} ggml_type_traits;

/* Traits of ggml type t, or NULL for an unknown / removed type. */
const ggml_type_traits *ggml_type_info(uint32_t t);
/* Type id by case-insensitive name ("q4_0", "Q4_K", "f32"); -1 if unknown. */
int ggml_type_by_name(const char *name);
/* Bytes of n values of type t (n a multiple of the block); 0 if invalid. */
size_t ggml_row_bytes(uint32_t t, size_t n);

/* n values of type t at src -> fp32. n % block == 0. LPCS_EUNSUPPORTED for
 * types without a codec. */
int ggml_dequantize(uint32_t t, const void *src, float *dst, size_t n);
/* n fp32 values -> blocks of type t, as llama.cpp's reference quantizer
 * (quantize_row_*_ref, no importance matrix). LPCS_ERANGE on non-finite
 * input for block formats. */
int ggml_quantize(uint32_t t, const float *src, void *dst, size_t n);

/* ---- llama.cpp's CPU arithmetic for quantized matrix-vector products ----
 * ggml multiplies a weight row of type t with an activation row converted
 * to t's "vec_dot type": Q8_0 for Q4_0 Q5_0 Q8_0; Q8_1 for Q4_1 Q5_1; Q8_K
 * for Q4_K Q5_K Q6_K TQ1_0 TQ2_0; F16 for F16; BF16 for BF16; F32 for F32.
 * Activations are quantized as ggml's x86 (AVX2) CPU backend does it:
 *   Q8_0/Q8_1: amax over 32 values, d = amax/127 (stored fp16),
 *     q = round-half-even(x * (127/amax)); Q8_1 also s = fp16(d * sum q);
 *   Q8_K: ggml's reference (d = 1/(-127/max) in fp32 with max the signed
 *     largest-magnitude value, q = min(127, nearest(x * -127/max)), bsums);
 *   F16/BF16: element-wise RNE conversion.
 * The dot product sums exact integer products per block and combines blocks
 * with float scales: 32-blocks dw*da*isum (+ mw*sa for Q4_1/Q5_1); K-quants
 * dw*da*sum_j(scale_j*isum_j) - dminw*da*sum_j(min_j*bsum_j); Q6_K and
 * TQ*: (dw*da)*isum. Block terms are added in fp32 in block order (ggml's
 * SIMD kernels add the same terms in another order: results agree to fp32
 * rounding, not bit for bit). */
uint32_t ggml_vec_dot_type(uint32_t t);
/* Converts n activations to ggml_vec_dot_type(t) blocks (dst holds
 * ggml_row_bytes(vec_dot_type, n) bytes). */
int ggml_quantize_act(uint32_t t, const float *x, void *dst, size_t n);
/* One weight row (type t, n values) . one converted activation row, as
 * ggml-cpu's x86 vec_dot kernels (AVX2/AVX-512) order the float work:
 * Q8_0/Q4_0/Q5_0 (and tinyBLAS, the same): 8 lanes of 4 neighbouring
 * products, lane += (dw*da) * lane_isum fused per block, then ggml_hsum8;
 * Q6_K: 8 lanes (value k in lane (k%32)/4, offset -32 by 32-blocks), fused
 * per super-block, ggml_hsum8; other types: block terms in block order. */
float ggml_vec_dot(uint32_t t, const void *w, const void *act, size_t n);
/* 1 if llama.cpp's x86 CPU backend repacks a matrix of type t with `rows`
 * rows (CPU_REPACK buffer: Q4_0 -> q4_0x8, Q4_K -> q4_Kx8, rows % 8 == 0)
 * and so multiplies it with ggml_vec_dot_repacked's arithmetic. */
int ggml_x86_repacked(uint32_t t, size_t rows);
/* The repacked kernels' order (gemm/gemv_q4_*_8x8): Q4_0: acc =
 * fma(isum_block, dw*da, acc) block after block; Q4_K: per pair of
 * sub-blocks acc = fma(s0*isum0 + s1*isum1, d*da, acc) and acc_min =
 * fma(m0*bsum0 + m1*bsum1, dmin*da, acc_min); result acc - acc_min. */
float ggml_vec_dot_repacked(uint32_t t, const void *w, const void *act, size_t n);
/* Row of a matrix of `rows` rows as llama.cpp's x86 backend multiplies it in
 * a batch (prompt / perplexity): ggml_vec_dot_repacked for repacked
 * matrices; F32/F16/BF16 with rows % 4 != 0 (tinyBLAS refuses them) by
 * ggml_vec_dot_f16/bf16's AVX-512 order; otherwise ggml_vec_dot (for float
 * types tinyBLAS's order: 16 lanes, fused, reduce). */
float ggml_vec_dot_rows(uint32_t t, const void *w, const void *act, size_t n, size_t rows);

/* IEEE fp16 / bf16 conversions as ggml does them (fp16: RNE; bf16: RNE with
 * NaN kept quiet, as ggml_compute_fp32_to_bf16). */
uint16_t ggml_fp32_to_fp16(float x);
float ggml_fp16_to_fp32(uint16_t h);
uint16_t ggml_fp32_to_bf16(float x);
float ggml_bf16_to_fp32(uint16_t h);

#ifdef __cplusplus
}
#endif
#endif
