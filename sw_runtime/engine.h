/* The forward pass as a list of named ops, the backends that run them and
 * the engine that steps a model one token at a time.
 *
 * build: rt_engine_init() turns a model + plan into an op list
 *        ("embed", "L0.attn_norm", "L0.wq", ..., "lm_head"), then the
 *        scheduler places every op on the first backend, in priority order
 *        cuda, rtl, sim, cpu, that is enabled and supports it (cpu runs
 *        everything: it is the golden reference).
 * run:   rt_engine_step(token) runs the list once at the current position and
 *        returns the logits; rt_engine_reset() starts a new sequence. */
#ifndef LPCS_RT_ENGINE_H
#define LPCS_RT_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "design_point.h"
#include "model.h"
#include "plan.h"
#include "rt_err.h"

typedef enum {
    OP_EMBED,     /* x = embedding[token] */
    OP_RMSNORM,   /* out = rmsnorm(in) * w */
    OP_QUANT,     /* fake-quantize a buffer in place (plan a= / kv=) */
    OP_MATMUL,    /* out[rows] = W[rows][cols] @ in[cols] (fp32 GEMV) */
    OP_ROPE,      /* rotate q and the current k, adjacent pairs per head */
    OP_ATTENTION, /* causal GQA attention over the KV cache */
    OP_SWIGLU,    /* out = silu(in) * in2 */
    OP_ADD,       /* out += in (residual) */
    OP_BITLINEAR, /* RMSNorm -> int8 absmax -> ternary GEMV -> dequantize */
    OP_MLGRU,     /* HGRN-Bit token mixer recurrence (f, i, g -> o) */
    OP_GLU,       /* out = silu(gate) * y, gate and y halves of in */
    OP_GATED_NORM,/* hgrn: out = RMSNorm(in, w) * silu(state in2) */
    OP_TYPE_COUNT
} rt_op_type;

const char *rt_op_type_name(rt_op_type t);
int rt_op_type_parse(const char *name); /* -1 if unknown */

/* Activation buffers an op reads and writes. */
typedef enum {
    B_NONE = -1,
    B_X,      /* residual stream [dim] */
    B_XB,     /* normed / attention output [max(dim, hidden)] */
    B_XB2,    /* matmul output [dim] */
    B_Q,      /* [dim] */
    B_KCUR,   /* this layer's KV cache row at the current position */
    B_VCUR,
    B_HB,     /* [2 * hidden] */
    B_HB2,    /* [hidden] */
    B_I, B_F, B_G, /* hgrn gates [dim] */
    B_STATE,  /* hgrn: this layer's recurrent state [dim] */
    B_LOGITS, /* [vocab] */
    B_COUNT
} rt_buf;

enum { RT_BACKEND_CUDA, RT_BACKEND_RTL, RT_BACKEND_SIM, RT_BACKEND_CPU, RT_BACKEND_COUNT };

typedef struct {
    double ns;       /* wall time */
    uint64_t calls;
    double bytes;    /* weight + activation bytes moved (plan formats) */
    double macs;
    double cycles;   /* sim backend only */
    double energy_pj;
} rt_op_stats;

typedef struct rt_op {
    char name[40];
    rt_op_type type;
    int layer;       /* -1 outside the layers */
    rt_wclass wclass;
    rt_buf in, in2, out;
    const float *w;  /* matrix [rows][cols] or norm weight [n] */
    size_t rows, cols, n;
    float eps;
    int variant;     /* OP_RMSNORM: 0 llama2.c order, 1 golden bitlinear_rmsnorm_f32 */
    void *aux;       /* op-type specific: BitLinear object; matmul: bf16 copy of w (plan w=bf16) */
    const rt_qf *qf; /* OP_QUANT: the format; matmul: weight format (for bytes) */
    double w_bits;   /* storage bits per weight value */
    int backend;     /* placed backend */
    int requested;   /* backend asked for by --place/--backend, -1 none */
    char fallback_why[96]; /* when requested >= 0 and backend != requested: why (for stderr and reports) */
    rt_op_stats st;
} rt_op;

struct rt_engine;

typedef struct {
    const char *name;
    /* 1 if this build of the backend can run op (type, shapes, formats). */
    int (*supports)(const struct rt_engine *eng, const rt_op *op);
    int (*exec)(struct rt_engine *eng, rt_op *op);
    /* Frees the backend's per-engine state (eng->backend_state[id]); may be NULL. */
    void (*release)(struct rt_engine *eng);
} rt_backend;

/* The backends in priority order (index = RT_BACKEND_*). */
const rt_backend *rt_backend_get(int id);
int rt_backend_parse(const char *name); /* -1 if unknown */

/* Placement options: which backends may be used, and per op type or op name
 * pattern which one is wanted first. */
#define RT_MAX_PLACE 16
typedef struct {
    int enabled[RT_BACKEND_COUNT];
    int wanted;       /* --backend NAME (other than auto/cpu): every op is requested there; -1 none */
    dp_config point;  /* the simulated hardware (--design-point; dp_default otherwise): sim costs ops on it */
    int check;        /* --check: ops not on cpu also run on cpu and must match bit for bit (shadow.h) */
    char fault_op[40];/* tests of --check: the sim backend corrupts this op's output ("" none) */
    const char *vcd_path;          /* rtl: waveform file (NULL none) */
    unsigned long long vcd_window[2]; /* rtl: only cycles [from, to) go to the waveform ({0, 0} = all) */
    int n_place;
    struct {
        char pattern[40]; /* op type name, op name, or prefix ending in '*' */
        int backend;
    } place[RT_MAX_PLACE];
} rt_sched_opts;

void rt_sched_default(rt_sched_opts *o); /* all backends, priority order */
/* "--backend NAME": NAME first, then cpu (auto = all). */
int rt_sched_backend(rt_sched_opts *o, const char *name, rt_err *e);
/* "--place PATTERN=BACKEND". */
int rt_sched_place(rt_sched_opts *o, const char *spec, rt_err *e);
/* Ops that were requested on a backend (--backend / --place) but run
 * elsewhere; each has op->fallback_why. */
int rt_sched_fallbacks(const struct rt_engine *eng);

typedef struct rt_engine {
    const rt_model *m;
    rt_plan plan;
    dp_config point;                /* design point of the sim backend (from rt_sched_opts) */
    int check;                      /* shadow mode (rt_sched_opts.check) */
    char fault_op[40];              /* rt_sched_opts.fault_op */
    const char *vcd_path;           /* rt_sched_opts.vcd_path */
    unsigned long long vcd_window[2];
    size_t buf_len[B_COUNT];        /* floats in buf[b] */
    uint64_t checked_ops;           /* op calls compared with golden by --check */
    rt_op *ops;
    int n_ops;
    float *buf[B_COUNT];
    float *key_cache, *value_cache; /* [layers][seq][kv_dim] */
    float *state;                   /* hgrn recurrent state [layers][dim] */
    float *rope_cs;                 /* llama: cos/sin per [pos][pair of a head], run.c's formulas */
    float *lb;                      /* hgrn lower bounds after softmax/cumsum [layers][dim] */
    float *scratch;
    size_t scratch_floats;
    void *bitlin;                   /* hgrn: golden BitLinear objects */
    float *owned_weights;           /* plan-quantized copies of weights */
    uint16_t *owned_bf16;           /* bf16-stored matmul weights (plan w=bf16) */
    int pos, token;
    int max_pos;                    /* KV cache capacity (seq_len); hgrn: unbounded */
    uint64_t steps;
    int timing;                     /* measure per-op time (default on) */
    void *backend_state[RT_BACKEND_COUNT]; /* per-engine state of each backend (e.g. an RTL instance) */
} rt_engine;

int rt_engine_init(rt_engine *eng, const rt_model *m, const rt_plan *plan, const rt_sched_opts *so, rt_err *e);
void rt_engine_free(rt_engine *eng);
void rt_engine_reset(rt_engine *eng);
/* Runs one token at the current position; returns the logits or NULL
 * (error in e, e.g. context full or a backend failure). */
const float *rt_engine_step(rt_engine *eng, int token, rt_err *e);
void rt_engine_clear_stats(rt_engine *eng);

/* Op list builders (one per architecture). */
int rt_graph_llama(rt_engine *eng, rt_err *e);
int rt_graph_hgrn(rt_engine *eng, rt_err *e);

/* CPU kernels exposed for other backends and tests. */
int rt_cpu_exec(struct rt_engine *eng, rt_op *op);
void rt_matvec(float *y, const float *W, const float *x, size_t rows, size_t cols);
void rt_matvec_bf16(float *y, const uint16_t *W, const float *x, size_t rows, size_t cols);
void rt_rmsnorm(float *o, const float *x, const float *w, size_t n, float eps);
float *rt_engine_buf(rt_engine *eng, rt_buf b, int layer);
/* MACs and bytes moved by one call of op at the current position. */
void rt_op_work(const rt_engine *eng, const rt_op *op, double *macs, double *bytes);

#endif
