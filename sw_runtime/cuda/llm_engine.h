/* A whole model resident on the GPU: the runtime's op list (llama
 * architecture) replayed with device kernels, weights uploaded once, the KV
 * cache and every activation on the device; only tokens go in and logits,
 * NLLs or argmax tokens come out.
 *
 * Numerics: the contract of docs/numerics.md (v2): every dot product (matmul
 * rows, RMSNorm sum of squares, attention scores) is lpcs_dot_f32's order
 * (16 fmaf lanes, element i in lane i % 16, tree 8,4,2,1), exp is lpcs_expf,
 * softmax sums in ascending t, attention output by fmaf in ascending t. Each
 * output element is computed by a fixed chain of operations that does not
 * depend on the batch, the other rows, or the launch configuration, so the
 * logits are the same bits for any batch size and any kernel choice (GEMV
 * for few rows, tiled GEMM for many).
 *
 * Rows: one forward runs nseq sequences of ntok tokens each (row = s * ntok
 * + t); sequence s uses KV-cache slot slot0 + s and positions pos0 ..
 * pos0 + ntok - 1. ppl: all windows at once (pos0 = 0); decode: ntok = 1. */
#ifndef LPCS_CUDA_LLM_ENGINE_H
#define LPCS_CUDA_LLM_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "qformat.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Op types (the subset of the runtime's rt_op_type the engine runs). */
enum {
    LPCS_CUDA_OP_EMBED,
    LPCS_CUDA_OP_RMSNORM,
    LPCS_CUDA_OP_MATMUL,
    LPCS_CUDA_OP_ROPE,
    LPCS_CUDA_OP_ATTENTION,
    LPCS_CUDA_OP_SWIGLU,
    LPCS_CUDA_OP_ADD,
    /* hgrn_bit (golden/bitlinear.h, golden/hgrn.h orders) */
    LPCS_CUDA_OP_BL_RMSNORM, /* bitlinear_rmsnorm_f32: 32-lane double sum of squares */
    LPCS_CUDA_OP_BITLINEAR,  /* RMSNorm -> int8 absmax -> exact int32 ternary GEMM -> dequantize */
    LPCS_CUDA_OP_MLGRU,      /* recurrence over the positions of each sequence, state per slot */
    LPCS_CUDA_OP_GATED_NORM, /* RMSNorm(in, w) * silu(state in2) */
    LPCS_CUDA_OP_GLU,        /* silu(in[0..n)) * in[n..2n) */
    LPCS_CUDA_OP_QUANT,      /* qformat_roundtrip of in (and in2) in place: n values per token, rows of cols */
    LPCS_CUDA_OP_COUNT
};

#define LPCS_CUDA_LLM_NBUF 16 /* activation buffer ids 0..15 (the runtime's rt_buf) */

typedef struct {
    int type;
    int layer;            /* -1 outside the layers */
    int in, in2, out;     /* buffer ids, -1 none */
    size_t rows, cols, n;
    float eps;
    const float *w;       /* fp32 weights (matrix [rows][cols], norm [n], embedding [rows][cols]) */
    const uint16_t *w_bf16; /* matmul: bf16 storage instead of w (exact widening) */
    const int8_t *w_tern;   /* bitlinear: ternary weights [rows][cols] in -1..1 */
    float inv_beta;         /* bitlinear: 1 / absmean scale */
    qformat q;              /* quant: the format (golden/qformat.h) */
    /* matmul in the RMMEC's exact arithmetic (golden rmmec_gemv, readout
     * fp32): 0 none, else rmmec_mode + 1; w_words = the weights as the
     * unit's packed words [rows][words] (exact.h), the activations are
     * encoded in the same format on the device */
    int exact_rmmec;
    const uint16_t *w_words;
    size_t words;
    /* matmul on the LUT-GEMV unit (exact.h: integer weight codes, one
     * scale per row, activations as a_bits-bit codes with a per-token
     * absmax scale): 0 none, else a_bits. The unit's bit-serial lookups
     * sum to the integer dot product of the codes, so the device computes
     * that sum in integers and converts it as golden lutgemv_convert. */
    int exact_lut_abits;
    const int8_t *w_codes;  /* [rows][cols] */
    const float *w_scale;   /* [rows] (LUT-GEMV scales, or shift-MAC wscale = alpha * 2^-7) */
    /* matmul on the shift-MAC unit (golden/shiftmac.h, shiftmac_linear_forward):
     * w_shift = the unit's packed 4-bit codes [rows][ceil(cols / 2)] (golden
     * packing), scales in w_scale; the device quantizes each row as
     * act_quant_absmax_i8, sums the shifted terms exactly in int32 and reads
     * out as shiftmac_dequant (a row with a non-finite input gives NaN) */
    const uint8_t *w_shift;
    /* matmul with packed low-bit weights (fake-quant plans w=int2..int4,
     * w=ternary): the fp32 weight the cpu backend holds is exactly
     * (float)code * w_qscale[row] (golden qformat's dequantizer; the runtime
     * checks every element before it hands codes over). 4: codes -8..7 kept
     * as code + 8 in 4 bits; 2: ternary codes -1..1 kept as code + 1 in 2
     * bits; 0: none (w / w_bf16). The device keeps only the codes and the
     * scales; kernels decode a weight in registers with the same fp32
     * multiply, so every chain sees the cpu backend's weight values. */
    int w_qbits;
    const int8_t *w_q;       /* codes [rows][cols] */
    const float *w_qscale;   /* [rows] */
} lpcs_cuda_op;

typedef struct {
    int arch;               /* 0 llama, 1 hgrn_bit */
    int dim, hidden, n_layers, n_heads, n_kv_heads, vocab;
    int max_pos;            /* KV cache positions per slot */
    int max_slots;          /* KV cache slots (sequences held at once) */
    int max_rows;           /* rows (tokens) per forward */
    const float *rope_cs;   /* [max_pos][head_size]: cos, sin per pair (the host's table) */
    int buf_size[LPCS_CUDA_LLM_NBUF]; /* floats per row of each buffer (0 = unused) */
    int buf_kcur, buf_vcur; /* the ids the k / v matmuls write (copied into the cache by attention) */
    int buf_logits;
} lpcs_cuda_llm_cfg;

typedef struct lpcs_cuda_llm lpcs_cuda_llm;

/* Bytes of device memory create() would allocate (weights + cache + buffers). */
size_t lpcs_cuda_llm_bytes(const lpcs_cuda_llm_cfg *c, const lpcs_cuda_op *ops, int n_ops);
/* Uploads weights; err gets a sentence on failure (e.g. does not fit). */
int lpcs_cuda_llm_create(const lpcs_cuda_llm_cfg *c, const lpcs_cuda_op *ops, int n_ops, lpcs_cuda_llm **out,
                         char *err, size_t errlen);
void lpcs_cuda_llm_free(lpcs_cuda_llm *m);
/* One forward over nseq x ntok tokens (tokens[s * ntok + t]). */
int lpcs_cuda_llm_forward(lpcs_cuda_llm *m, const int *tokens, int nseq, int ntok, int pos0, int slot0);
/* After forward: -log softmax(logits)[target] per row, in double (targets < 0: 0). */
int lpcs_cuda_llm_nll(lpcs_cuda_llm *m, const int *targets, double *nll);
/* After forward: logits of rows [row0, row0 + nrows) into out[nrows][vocab]. */
int lpcs_cuda_llm_logits(lpcs_cuda_llm *m, int row0, int nrows, float *out);
/* After forward: argmax (first maximum) per row. */
int lpcs_cuda_llm_argmax(lpcs_cuda_llm *m, int *out);
/* Wait for the device; seconds of the last forward measured with events. */
double lpcs_cuda_llm_last_ms(lpcs_cuda_llm *m);
/* Forces a kernel choice for tests: 0 auto (the kernels last run bit-exact
 * on a GPU: GEMV up to 8 rows, the GEMM with 16 lanes per half-warp above,
 * attention keeping its scores in shared memory where they fit, one block
 * per GEMV row group), 1 always
 * GEMV, 2 always the 16-lanes-per-half-warp GEMM, 3 / 4 always the
 * lane-per-warp GEMM with 32 x 64 / 32 x 32 tiles, 5 auto with the session-4
 * fast paths (lane-after-lane GEMM for many rows with K <= 768, attention
 * score buffer, persistent one-row GEMV grid; opt-in until a device run has
 * checked their bits), 6 auto with the attention recomputing its scores
 * (three score passes, no score storage), 7 GEMV
 * with the one-row kernel's grid cut to 2 blocks (each walks many row
 * groups), 8 auto with the half-warp GEMM on 8 x 16 sub-tiles (32 x 64 per
 * block) instead of 8 x 8, 9 the lane-after-lane GEMM for every matmul
 * with K <= 768 (any number of rows) with each block walking all column
 * tiles of its 64 rows (mode 5 splits the columns where the row tiles
 * alone would leave SMs idle), 10 mode 0 with the lane-after-lane GEMM
 * at 8 rows a thread (128 x 64 a block) where its X tile fits (K <= 384),
 * else as mode 5, 11 mode 0 with gemm_k's session-10 epilogue (one float
 * a store; the default stores a lane's adjacent outputs as one float4 /
 * float2 where aligned), 12 mode 0 without gemm_k's unchecked form for
 * the tiles inside the matrices, 13 that form for the GEMMs without a
 * folded epilogue only, 14 to 16 the same as 0 (since session 12 the
 * default splits M % 32 != 0 into the unchecked interior rows and a
 * checked tail, and stages with gemm_k's conflict-free stores), 17 mode 0
 * with session 11's staging stores, 18 mode 0 with M % 32 != 0 checked
 * in one launch (session 11's default). All must give the same bits. */
void lpcs_cuda_llm_set_matmul(lpcs_cuda_llm *m, int mode);
/* Attention of many query rows (ppl windows, prefill): 0 (the default) and
 * 5: the score buffer's three passes (where it was allocated at create;
 * else 3) in two launches (scores and exps, then the outputs: fewer
 * registers each); 2 the same passes in one launch; 3 three passes
 * recomputing the scores; 4 the scores in shared memory, one launch per
 * query block of 32 rows, each sized to the positions its rows see (where
 * they fit; else 0); 1 the same as one launch. Matmul mode 6 picks 3
 * itself. Same bits. */
void lpcs_cuda_llm_set_attn(lpcs_cuda_llm *m, int v);
/* Decode steps (ntok == 1, no profiling) replayed as one CUDA graph: 1 on
 * (the default), 0 launches every kernel from the host. Same bits. */
void lpcs_cuda_llm_set_graphs(lpcs_cuda_llm *m, int on);
/* Folds: one-row forwards (decode at batch 1): an RMSNorm whose next op is a
 * one-row GEMV of its output is not launched; the GEMV computes it while
 * staging x (same operations, block 0 writes the norm's output buffer), and
 * more (README). Many rows (gemm_k): the residual add and w3's matmul + the
 * SwiGLU in the GEMM's epilogue. 1 on (the default), 0 off; on with bit 1
 * (2) set: without the many-row residual fold, bit 2 (4): without the
 * many-row SwiGLU fold (measurements). Same bits. */
void lpcs_cuda_llm_set_fuse(lpcs_cuda_llm *m, int on);
/* The one-row packed GEMV's rows per thread: 0 automatic (2 when the grid
 * still has 2 blocks per SM), 1 or 2 forced (tests, benchmarks). Same bits. */
void lpcs_cuda_llm_set_qrows(lpcs_cuda_llm *m, int r);
/* The one-row GEMV (decode at batch 1): 0 (the default) the kernel that
 * streams each thread's weights through an asynchronous-copy ring in shared
 * memory on a grid that fits the device once (blocks walk the row groups of
 * all matrices of a launch); 1 the session-5 kernels (weights in flight in
 * registers, one block per row group). A forced q_rows (1 or 2) also takes
 * the session-5 packed kernel. Same bits (H100, session 6). */
void lpcs_cuda_llm_set_gemv1(lpcs_cuda_llm *m, int k);
/* The copy-ring one-row GEMV as a programmatic dependent launch: 1 lets it
 * start while the op before it finishes (its weight copies need nothing from
 * that op; it waits for it before reading x), 0 (the default) an ordinary
 * launch. Opt-in until a GPU run has timed and checked it. Same bits. */
void lpcs_cuda_llm_set_pdl(lpcs_cuda_llm *m, int on);
/* The copy-ring one-row GEMV's ring geometry: 0 (session 6) 2 chunks x 6
 * stages copied past L1 (cp.async.cg); 1 the same through L1 (.ca: whole
 * sectors per warp); 2 / 3: 1 x 4 (.cg / .ca, more blocks per SM); 4: 1 x 3
 * (.ca); -1 (the default) by kind: 3 for fp32 / bf16, 4 for packed codes
 * (the fastest on an H100 in sessions 7 and 8). Same bits; bench7b times
 * them. */
void lpcs_cuda_llm_set_ring(lpcs_cuda_llm *m, int g);
/* Decode of 2..8 sequences reads each matrix once per launch of the copy
 * ring for up to 8 rows of x (all rows' x stays in shared memory: 8 where
 * it fits, else 4 or 2). r = 2, 4 or 8 caps the rows a launch takes (more
 * launches, more blocks per SM); 0 (the default) takes what fits. Same bits. */
void lpcs_cuda_llm_set_pipe_rows(lpcs_cuda_llm *m, int r);
/* Per-op-type device time (events around every op; slows the forward a
 * little): on = 1 starts accumulating, ms[LPCS_CUDA_OP_COUNT] reads it. */
void lpcs_cuda_llm_set_profile(lpcs_cuda_llm *m, int on);
void lpcs_cuda_llm_profile(lpcs_cuda_llm *m, double *ms);
/* Test hook (fault injection into the design under test): corrupts the
 * device's copy of the first exact-unit matmul's weights (LUT-GEMV: row 0's
 * first 16 codes one step; shift-MAC: the sign of 16 of row 0's codes;
 * RMMEC: bit 2 of every byte of every word of rows 0..15 of every RMMEC
 * matmul: with (nearly) all-zero FP4 weights a corrupted wq alone changed
 * no logit), or, in a model
 * without one, of the first packed low-bit matmul (row 0: the low bit of
 * every code of the first 32 (4-bit) / 64 (ternary) chain steps of every
 * lane), so later forwards differ from the cpu backend.
 * LPCS_EINVAL when the model has neither. */
int lpcs_cuda_llm_fault(lpcs_cuda_llm *m);
/* Matmuls whose weights the device holds as packed codes (w_qbits). */
int lpcs_cuda_llm_packed(const lpcs_cuda_llm *m);
/* Device name and memory, for reports. */
int lpcs_cuda_llm_device(char *name, size_t len, size_t *free_b, size_t *total_b);

#ifdef __cplusplus
}
#endif
#endif
