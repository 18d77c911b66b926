/* The forward pass as a list of named ops, the backends that run them and
 * the engine that steps a model one token at a time.
 *
 * build: rt_engine_init() turns a model + plan into an op list
 *        ("embed", "L0.attn_norm", "L0.wq", ..., "lm_head"), registers the
 *        backends listed in the scheduling options (each with its own
 *        configuration; rt_sched_default lists the library's built-ins in
 *        priority order cuda, rtl, sim, cpu), then the scheduler places
 *        every op on the first enabled backend that supports it (cpu runs
 *        everything: it is the golden reference). The engine knows backends
 *        only through rt_backend_iface; nothing is global.
 * run:   rt_engine_step(token) runs the list once at the current position and
 *        returns the logits; rt_engine_reset() starts a new sequence. */
#ifndef LPCS_RT_ENGINE_H
#define LPCS_RT_ENGINE_H

#include <stddef.h>
#include <stdint.h>

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

typedef struct {
    double ns;       /* wall time */
    uint64_t calls;
    double bytes;    /* weight + activation bytes moved (plan formats) */
    double macs;
    double cycles;   /* backends with a timing model (sim) */
    double energy_pj;
} rt_op_stats;

typedef struct rt_op {
    char name[40];
    rt_op_type type;
    int layer;       /* -1 outside the layers */
    rt_wclass wclass;
    rt_buf in, in2, out;
    const float *w;  /* matrix [rows][cols] or norm weight [n] */
    const float *w_src; /* matmul: the model's weights before the plan's rounding (exact units quantize them themselves) */
    size_t rows, cols, n;
    float eps;
    int variant;     /* OP_RMSNORM: 0 llama2.c order, 1 golden bitlinear_rmsnorm_f32 */
    void *aux;       /* op-type specific: BitLinear object; matmul: bf16 copy of w (plan w=bf16) */
    const rt_qf *qf; /* OP_QUANT: the format; matmul: weight format (for bytes) */
    const rt_wblocks *wb; /* matmul under plan "ggml": the GGUF blocks of w */
    double w_bits;   /* storage bits per weight value */
    int backend;     /* placed backend: index in eng->backends */
    int requested;   /* backend asked for by --place/--backend (index), -1 none */
    char fallback_why[96]; /* when requested >= 0 and backend != requested: why (for stderr and reports) */
    const char *unit;/* accelerator unit the op is mapped to (exact.h): "rmmec", "ternary", "vector", ... */
    char mode[24];   /* its mode on that unit: "p8", "exact", "fp32", "fake:<fmt>" */
    void *exact;     /* exact ops: the unit's operands (exact.c), NULL otherwise */
    void *intdot;    /* matmul under plan keyword intdot: packed integer weights (matmul_int.h) */
    rt_op_stats st;
} rt_op;

struct rt_engine;
struct rt_backend_inst;

/* A backend, as the scheduler sees it (one const table per kind of backend;
 * in the spirit of ggml's backend interface). Every call gets the backend's
 * instance on this engine: its configuration (given at registration) and its
 * per-engine state (created by the backend on first use, freed by release).
 * A backend never reads the environment or any global: what it needs comes
 * in through its configuration. */
typedef struct rt_backend_iface {
    const char *name;
    /* 1 if this backend, so configured, can run op (type, shapes, formats). */
    int (*supports)(const struct rt_backend_inst *be, const struct rt_engine *eng, const rt_op *op);
    /* Estimated cost of one call of op at the engine's position, in seconds
     * of the modelled device (< 0: no estimate). May be NULL. */
    double (*cost)(const struct rt_backend_inst *be, const struct rt_engine *eng, const rt_op *op);
    /* Runs op for n_tokens consecutive tokens at positions eng->pos ..
     * eng->pos + n_tokens - 1, rows of its buffers one per token. The engine
     * steps one token at a time today (n_tokens = 1, buffers of one row); a
     * backend that cannot batch returns LPCS_EUNSUPPORTED for n_tokens > 1.
     * Results must equal the cpu backend's bit for bit (sw_runtime/unit_matmul.h
     * says which steps a unit may take over). Adds its cycles / energy to op->st. */
    int (*exec)(struct rt_backend_inst *be, struct rt_engine *eng, rt_op *op, int n_tokens);
    /* Frees be->state; may be NULL. */
    void (*release)(struct rt_backend_inst *be);
    /* One line for reports (the timing model behind it, ...); may be NULL. */
    const char *(*describe)(const struct rt_backend_inst *be);
} rt_backend_iface;

/* A backend registered on one engine. cfg is owned by whoever registered it
 * and must outlive the engine; state belongs to the backend. */
typedef struct rt_backend_inst {
    const rt_backend_iface *iface;
    const void *cfg;
    void *state;
} rt_backend_inst;

/* The library's backends (sw_runtime/backend_*.c). Their cfg:
 *   cpu   none (NULL)
 *   sim   const dp_config * (models/design_point.h; NULL = dp_default)
 *   rtl   const rt_rtl_config * (NULL = no waveform); supports nothing unless
 *         linked with the Verilated engine (sw_runtime/rtl/)
 *   cuda  none; supports nothing with the stub library
 *   platform (backend_platform.c, name "sim"): const rt_platform_config *;
 *         needs build/platform/libplatform.a and SystemC at link time. */
extern const rt_backend_iface rt_backend_cpu, rt_backend_sim, rt_backend_rtl, rt_backend_cuda, rt_backend_platform;

/* Scheduling options: the backends to register (priority order, each with
 * its configuration and whether it may be used), and per op type or op name
 * pattern which one is wanted first. */
#define RT_MAX_BACKENDS 8
#define RT_MAX_PLACE 16
typedef struct {
    int n_backends;
    struct {
        const rt_backend_iface *iface;
        const void *cfg;
        int enabled;
    } backends[RT_MAX_BACKENDS];
    int wanted;       /* --backend NAME (other than auto/cpu): every op is requested there (index); -1 none */
    int check;        /* --check: ops not on cpu also run on cpu and must match bit for bit (shadow.h) */
    char fault_op[40];/* tests of --check: the sim/rtl backend corrupts this op ("" none; shadow.h) */
    int n_place;
    struct {
        char pattern[40]; /* op type name, op name, or prefix ending in '*' */
        int backend;      /* index in backends[] */
    } place[RT_MAX_PLACE];
    int exec_fake;      /* 1: every matmul quantize-dequantize in fp32 (--exec fake); 0: exact on its unit (exact.h) */
    int cpu_isa_forced; /* 0: the cpu kernels use the best ISA of this CPU; else kn_isa + 1 (--isa) */
} rt_sched_opts;

/* The built-in backends cuda, rtl, sim, cpu (priority order), all enabled, default configurations. */
void rt_sched_default(rt_sched_opts *o);
/* Registers iface with cfg: replaces the backend of the same name in place
 * (keeping its priority and enabled flag), else inserts it before cpu. */
int rt_sched_register(rt_sched_opts *o, const rt_backend_iface *iface, const void *cfg, rt_err *e);
/* Index of the backend called name in o, -1 if none. */
int rt_sched_find(const rt_sched_opts *o, const char *name);
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
    int ggml_batch;                 /* plan ggml: tokens llama.cpp would evaluate in one batch (prefill n, decode 1):
                                     * its float kernels differ between the two */
    int isa;                        /* cpu kernels' variant (kn_isa of kernels/fp_cpu.h; all give the same bits) */
    void *pool;                     /* cpu backend's row threads (kn_pool of kernels/pool.h), NULL = 1 thread */
    double par_min_macs;            /* a matmul below this many multiply-adds runs on the calling thread: waking
                                     * workers costs more than it saves (RT_PAR_MIN_MACS; tests set 0 to split
                                     * every op). Bits never depend on it. */
    rt_backend_inst backends[RT_MAX_BACKENDS]; /* registered at init, priority order */
    int n_backends;
    int cpu_backend;                /* index of the cpu backend (the fallback) */
    int check;                      /* shadow mode (rt_sched_opts.check) */
    char fault_op[40];              /* rt_sched_opts.fault_op */
    size_t buf_len[B_COUNT];        /* floats in buf[b] */
    uint64_t checked_ops;           /* op calls compared with golden by --check */
} rt_engine;

int rt_engine_init(rt_engine *eng, const rt_model *m, const rt_plan *plan, const rt_sched_opts *so, rt_err *e);
void rt_engine_free(rt_engine *eng);
void rt_engine_reset(rt_engine *eng);
/* Prefill: runs tokens[0..n) at positions pos..pos+n-1 like n calls of
 * rt_engine_step, with the same bits, but every matmul (llama) or BitLinear
 * (hgrn) is one GEMM over the n tokens (each weight row read once); the ops
 * between two GEMMs run token after token (hgrn's recurrence stays
 * sequential). logits: n * vocab floats (row t = the logits after tokens[t])
 * or NULL. Batches when every op runs on the cpu backend (not ggml mode);
 * otherwise it steps token by token. Returns the last token's logits or NULL. */
const float *rt_engine_prefill(rt_engine *eng, const int *tokens, int n, float *logits, rt_err *e);
/* 1 if rt_engine_prefill batches on this engine (every op on cpu, no ggml). */
int rt_engine_batchable(const rt_engine *eng);
/* Threads the cpu backend splits matmul rows and attention heads over (1 =
 * none; the bits never depend on it). */
int rt_engine_set_threads(rt_engine *eng, int threads, rt_err *e);
/* Default par_min_macs: ~1 M multiply-adds is ~50 us of one core's fp32 work;
 * below it a hand-off between cores cost more than it saved (2-vCPU VM, session
 * 5: shakespeare at --threads 2 ran at 0.48x of one thread with 128 K). */
#define RT_PAR_MIN_MACS (1024.0 * 1024.0)
/* Runs one token at the current position; returns the logits or NULL
 * (error in e, e.g. context full or a backend failure). */
const float *rt_engine_step(rt_engine *eng, int token, rt_err *e);
void rt_engine_clear_stats(rt_engine *eng);
/* Name of backend index b on this engine ("?" if out of range). */
const char *rt_engine_backend_name(const rt_engine *eng, int b);

/* Op list builders (one per architecture). */
int rt_graph_llama(rt_engine *eng, rt_err *e);
int rt_graph_hgrn(rt_engine *eng, rt_err *e);

/* CPU kernels exposed for other backends and tests. */
int rt_cpu_exec(struct rt_engine *eng, rt_op *op);
void rt_matvec(float *y, const float *W, const float *x, size_t rows, size_t cols);
void rt_matvec_bf16(float *y, const uint16_t *W, const float *x, size_t rows, size_t cols);
/* y = W x with W in ggml blocks, as llama.cpp's CPU backend computes it
 * (golden/ggml_quants.h: x converted to the vec_dot type, integer block sums). */
int rt_matvec_ggml(float *y, const rt_wblocks *W, const float *x);
void rt_rmsnorm(float *o, const float *x, const float *w, size_t n, float eps);
/* The cpu backend's matmul op over T tokens: Y[t] = op's W X[t] (rows ldx / ldy apart);
 * an exact op (op->exact) in its unit's arithmetic by golden (exact.h). */
int rt_cpu_matmul(rt_engine *eng, const rt_op *op, const float *X, size_t ldx, float *Y, size_t ldy, size_t T);
float *rt_engine_buf(rt_engine *eng, rt_buf b, int layer);
/* MACs and bytes moved by one call of op at the current position. */
void rt_op_work(const rt_engine *eng, const rt_op *op, double *macs, double *bytes);

#endif
