/* The whole model on the GPU (sw_runtime/cuda/llm_engine.h) driven from the
 * runtime: the engine's op list (with the plan's quantized weights) is
 * handed to the device once; ppl then evaluates many windows per forward.
 * Used by `--backend cuda` (and auto) when every op of the model has a
 * device kernel and no --place rule asks otherwise; else the per-op path. */
#ifndef LPCS_RT_CUDA_RESIDENT_H
#define LPCS_RT_CUDA_RESIDENT_H

#include "eval.h"

/* 1 if the device engine should run eng's op list (a CUDA device is present,
 * every op has a device kernel, cuda is enabled and no --place rule is
 * given). why (may be NULL) gets the reason when 0. The engine (built by the
 * caller, any schedule) supplies the op list and the plan's weights. */
int rt_cuda_resident_usable(const rt_engine *eng, const rt_sched_opts *so, char *why, size_t whylen);
/* Matmuls the device would hold as packed low-bit codes (plans w=int2..int4,
 * w=ternary: every weight checked to decode to the cpu backend's value). */
int rt_cuda_resident_packed(const rt_engine *eng);
/* Whole-model commands (ppl, run, bench) call this when they will take the
 * resident engine: every op is then placed on the cuda backend (what the
 * report and the fallback warning say), none falls back. */
void rt_cuda_resident_claim(rt_engine *eng);

/* rt_eval_ppl on the device: windows_per_batch windows per forward (0: all). */
int rt_cuda_resident_ppl(const rt_engine *eng, const rt_tokenizer *tok, const uint8_t *text, size_t len,
                         int windows_per_batch, rt_ppl_result *res, rt_err *e);

/* Logits of nseq sequences of ntok tokens (tokens[s * ntok + t], positions
 * 0..ntok-1) in one device forward; mode: 0 auto kernels, 1 GEMV, 2 GEMM,
 * plus RT_CUDA_FAULT: the device's copy of the first exact-unit matmul's
 * weights is corrupted before the forward (lpcs_cuda_llm_fault: a fault in
 * the design under test, which a cuda = cpu check must detect).
 * For tests: compare with the cpu backend token by token. */
#define RT_CUDA_FAULT 8
int rt_cuda_resident_logits(const rt_engine *eng, const int *tokens, int nseq, int ntok, int mode, float *logits,
                            rt_err *e);
/* Token-at-a-time use (run, bench): nseq sequences, one KV-cache / state slot
 * each. rt_cuda_stepper_run feeds ntok tokens of every sequence at
 * positions pos .. pos + ntok - 1 (prefill: the whole prompt as one batch;
 * decode: ntok = 1) and returns the logits of each sequence's last token
 * ([nseq][vocab], valid until the next call). */
typedef struct rt_cuda_stepper rt_cuda_stepper;
int rt_cuda_stepper_open(const rt_engine *eng, int nseq, int max_tokens, rt_cuda_stepper **out, rt_err *e);
const float *rt_cuda_stepper_run(rt_cuda_stepper *st, const int *tokens, int nseq, int ntok, int pos, rt_err *e);
/* Device time of the last run (ms) and the weight bytes one step reads. */
double rt_cuda_stepper_last_ms(rt_cuda_stepper *st);
void rt_cuda_stepper_close(rt_cuda_stepper *st);

#endif
