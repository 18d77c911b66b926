/* Window shards of a perplexity evaluation: `lpcs ppl --windows FIRST:COUNT
 * --shard-out FILE` scores a slice of the windows in one process and writes
 * each window's NLL sum losslessly (C99 hex doubles) to a JSON file;
 * `lpcs ppl --combine FILE...` checks that the shards belong to one
 * evaluation and cover every window once, and summarizes them with the same
 * function, in the same window order, as an unsharded run (so the printed
 * nll digits are the same bits). */
#ifndef LPCS_RT_PPL_SHARD_H
#define LPCS_RT_PPL_SHARD_H

#include <stddef.h>
#include <stdio.h>

#include "eval.h"
#include "rt_err.h"

#define RT_PPL_SHARD_FORMAT "lpcs-ppl-shard-1"

/* What makes shards parts of one evaluation (compared field by field). */
typedef struct {
    char model[1024], plan[512], exec[16], text[1024];
    unsigned long long begin, end; /* byte range of the text file evaluated */
    size_t windows_total;          /* windows of the whole evaluation */
} rt_ppl_shard_key;

typedef struct {
    rt_ppl_shard_key key;
    rt_ppl_windows w; /* the shard's windows [w.first, w.first + w.count) */
} rt_ppl_shard;

/* Writes sh as one JSON object (hex doubles for the sums). */
int rt_ppl_shard_write(FILE *out, const rt_ppl_shard *sh, rt_err *e);
/* Parses one shard file's text (len bytes, need not be NUL-terminated).
 * Every rejection says why; on success free with rt_ppl_shard_free. */
int rt_ppl_shard_parse(const char *text, size_t len, const char *name, rt_ppl_shard *sh, rt_err *e);
void rt_ppl_shard_free(rt_ppl_shard *sh);
/* Puts n shards (any order) together: the keys must be equal and the windows
 * must cover [0, windows_total) exactly once. Fills res with rt_ppl_summarize
 * over all windows in window order. */
int rt_ppl_shard_combine(const rt_ppl_shard *sh, int n, rt_ppl_result *res, rt_err *e);

#endif
