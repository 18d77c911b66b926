/* What the CLI does with an engine: perplexity over text (the protocol of
 * shared/models/README.md), generation (greedy or seeded sampling). */
#ifndef LPCS_RT_EVAL_H
#define LPCS_RT_EVAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "engine.h"
#include "tokenizer.h"

#define RT_PPL_WINDOW 256

/* Tokens for the protocol's byte-level text: tok[i] = the byte's token. */
typedef struct {
    double nll_sum; /* nats, summed over every target byte */
    size_t bytes;   /* targets scored: bytes, or tokens with a GGUF tokenizer */
    size_t windows;
    double seconds;
    const char *engine; /* "ops" (op list, per-op backends) or "cuda-resident" (whole model on the GPU) */
    double device_seconds; /* cuda-resident: device time of the forwards and NLLs (events) */
    double nll_ci95; /* half-width of the 95% confidence interval of the mean NLL/byte across windows
                      * (1.96 x standard error of the per-window means); NaN with fewer than 2 windows */
} rt_ppl_result;

typedef void (*rt_progress_fn)(void *ctx, size_t done, size_t total);

/* Mean NLL over non-overlapping RT_PPL_WINDOW-byte windows of text: input
 * BOS + first window-1 bytes, targets every byte of the window. With a GGUF
 * tokenizer (tok->gguf) the windows are of the text's tokens instead. threads > 1
 * evaluates windows in parallel (one engine per thread; the same result to
 * the bit, since per-window sums are added in window order). */
int rt_eval_ppl(const rt_model *m, const rt_plan *plan, const rt_sched_opts *so, const rt_tokenizer *tok,
                const uint8_t *text, size_t len, int threads, rt_progress_fn progress, void *pctx,
                rt_ppl_result *res, rt_engine *stats_engine, rt_err *e);

/* The per-window NLL sums of windows [first, first + count) out of total. */
typedef struct {
    size_t total, first, count;
    double *nll;     /* nats summed over the window's targets, [count] */
    size_t *targets; /* targets scored in the window, [count] */
} rt_ppl_windows;

/* rt_eval_ppl restricted to windows [first, first + count) (count 0: to the
 * end); fills w (free with rt_ppl_windows_free) and res with the summary of
 * those windows. Sharding (a range other than all windows) runs on the op
 * engine; a run the cuda-resident engine would take is refused. */
int rt_eval_ppl_windows(const rt_model *m, const rt_plan *plan, const rt_sched_opts *so, const rt_tokenizer *tok,
                        const uint8_t *text, size_t len, int threads, rt_progress_fn progress, void *pctx,
                        size_t first, size_t count, rt_ppl_windows *w, rt_ppl_result *res,
                        rt_engine *stats_engine, rt_err *e);
void rt_ppl_windows_free(rt_ppl_windows *w);
/* nll_sum (added in window order, from 0), bytes, windows and nll_ci95 of
 * res from n windows' sums; the one summary of sharded and unsharded runs. */
void rt_ppl_summarize(const double *nll, const size_t *targets, size_t n, rt_ppl_result *res);

/* -log softmax(logits)[target], in double. */
double rt_nll(const float *logits, int vocab, int target);

typedef struct {
    uint64_t state;
} rt_rng;
void rt_rng_seed(rt_rng *r, uint64_t seed);
/* temp 0: argmax (first maximum); otherwise softmax(logits / temp) with
 * nucleus (top-p) truncation when 0 < topp < 1. */
int rt_sample(const float *logits, int vocab, float temp, float topp, rt_rng *rng, float *scratch, int *idx_scratch);

#endif
