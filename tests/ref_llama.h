/* Oracle helpers of the tests. The llama forward of the numerics contract (llama2.c run.c's structure,
 * docs/numerics.md: lpcs_dot_f32 for norms and attention scores, lpcs_expf,
 * the fmaf order of the value sum), written for tests, independent of
 * sw_runtime's op list and kernels. The matmuls go through a callback, so a
 * test plugs in the oracle of the unit under test (fp32 dots, golden
 * rmmec_dot per row, golden LUT-GEMV per row, ...). */
#ifndef LPCS_TESTS_REF_LLAMA_H
#define LPCS_TESTS_REF_LLAMA_H

#include <stddef.h>

#include "model.h"
#include "qformat.h"
#include "rmmec.h"

/* y[r] = row r of W (rows x cols, row-major) times x, in the oracle's arithmetic. */
typedef void (*ref_matvec_fn)(void *ctx, float *y, const float *W, const float *x, int rows, int cols);

/* logits[t * vocab ..] after toks[0..t], t < ntok. embed_fmt: the embedding
 * rows are quantize-dequantized with it (NULL: fp32 as stored). */
void ref_llama_forward(const rt_model *m, const int *toks, size_t ntok, const qformat *embed_fmt, ref_matvec_fn mv,
                       void *ctx, float *logits);

/* One element in an RMMEC mode's code, by golden's encoders (posit RNE
 * saturating; FP4 RNE saturating): the tests' own operand encoding. */
unsigned ref_rmmec_code(rmmec_mode mode, float v);

/* Number of floats of a and b (n each) whose bits differ. */
size_t ref_count_diff(const float *a, const float *b, size_t n);

#endif
