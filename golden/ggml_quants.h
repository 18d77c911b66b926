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
