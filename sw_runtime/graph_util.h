/* Helpers shared by the op-list builders (internal to sw_runtime). */
#ifndef LPCS_RT_GRAPH_UTIL_H
#define LPCS_RT_GRAPH_UTIL_H

#include <stdint.h>

#include "engine.h"

typedef struct {
    rt_engine *eng;
    rt_err *e;
    int cap;
    int status;      /* first error, reported by rt_gb_end */
    float *next_w;   /* next free slot in eng->owned_weights */
    float *end_w;
    uint16_t *next_h, *end_h; /* bf16 weight storage */
    rt_op dummy;     /* target for writes after an error */
    const float *qsrc[64];
    const float *qdst[64];
    const rt_qf *qfmt[64];
    int nq;
} rt_gb;

/* Starts the op list with its first op, the embedding lookup. */
int rt_gb_begin(rt_gb *g, rt_engine *eng, rt_err *e);
int rt_gb_end(rt_gb *g);
/* Appends an op named "L<layer>.<name>" (or "<name>"); never NULL (a
 * dummy is returned after an error, which rt_gb_end reports). */
rt_op *rt_gb_add(rt_gb *g, rt_op_type t, const char *name, int layer, rt_wclass c);
/* The plan-quantized version of a weight matrix (the original if fp32). */
const float *rt_gb_weight(rt_gb *g, const float *w, size_t rows, size_t cols, rt_wclass c, int layer);
void rt_gb_norm(rt_gb *g, const char *name, int layer, rt_buf in, rt_buf out, const float *w, size_t n, float eps);
void rt_gb_aquant(rt_gb *g, const char *name, int layer, rt_wclass c, rt_buf b, size_t n);
void rt_gb_matmul(rt_gb *g, const char *name, int layer, rt_wclass c, rt_buf in, rt_buf out, const float *w,
                  size_t rows, size_t cols);
void rt_gb_add_res(rt_gb *g, const char *name, int layer, rt_buf in, size_t n);

#endif
