/* A loaded model: architecture hyper-parameters and fp32 weights.
 * All weights live in one owned fp32 arena (converted from the file's dtype
 * at load time), so a quantization plan can fake-quantize them in place. */
#ifndef LPCS_RT_MODEL_H
#define LPCS_RT_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "rt_err.h"

typedef enum { RT_ARCH_LLAMA = 0, RT_ARCH_HGRN = 1 } rt_arch;

/* Sanity limits: anything larger is rejected before any allocation. */
#define RT_MAX_DIM (1 << 16)
#define RT_MAX_LAYERS 1024
#define RT_MAX_VOCAB (1 << 20)
#define RT_MAX_SEQ (1 << 17)

typedef struct {
    rt_arch arch;
    int dim, hidden, n_layers, n_heads, n_kv_heads, vocab, seq_len;
    float norm_eps;      /* model RMSNorms: 1e-5 llama, 1e-6 hgrn_bit */
    float bitlinear_eps; /* hgrn_bit BitLinear RMSNorm */
    int shared_classifier;
    int use_lower_bound; /* hgrn_bit */
    int bos, eos;
} rt_config;

typedef struct {
    float *attn_norm, *wq, *wk, *wv, *wo, *ffn_norm, *w1, *w2, *w3;
} rt_llama_layer;

/* One BitLinear's latent weight [out][in] and its own RMSNorm weight [in]. */
typedef struct {
    float *w, *norm;
    int in, out;
} rt_bitlin_w;

enum { HG_I, HG_F, HG_G, HG_O, HG_GATE, HG_DOWN, HG_NPROJ };

typedef struct {
    float *attn_norm, *g_norm, *mlp_norm;
    rt_bitlin_w proj[HG_NPROJ];
} rt_hgrn_layer;

/* A weight matrix as stored in a GGUF file: ggml block type and the raw
 * blocks (rows of row_bytes), kept so the ggml execution mode can run the
 * file's own quantized values (engine.h). w is the fp32 copy in the arena. */
typedef struct {
    const float *w;
    uint32_t type;
    const uint8_t *blocks;
    size_t rows, cols, row_bytes;
} rt_wblocks;

typedef struct {
    rt_config cfg;
    char path[1024];
    const char *format; /* "llama2c-v0", "llama2c-v1", "llama2c-v2-q80", "safetensors", "gguf" */
    float *embed;       /* [vocab][dim] */
    float *final_norm;  /* [dim] */
    float *cls;         /* classifier [vocab][dim]; == embed when shared */
    float *cls_norm;    /* hgrn: lm_head BitLinear norm [dim] */
    float *lower_bounds;/* hgrn: [layers][dim] raw parameter */
    rt_llama_layer *ll;
    rt_hgrn_layer *hl;
    float *arena;
    size_t arena_floats;
    size_t n_params;    /* parameters as stored in the file */
    rt_wblocks *wblocks;/* gguf: block-format matrices (NULL otherwise) */
    int n_wblocks;
    uint8_t *blocks_arena;
} rt_model;

/* Loads MODEL (.bin = llama2.c, .safetensors + config.json). config_path may be
 * NULL: then "<stem>.config.json" or "config.json" beside the model is used. */
int rt_model_load(rt_model *m, const char *path, const char *config_path, rt_err *e);
int rt_model_load_llama2c(rt_model *m, const char *path, rt_err *e);
int rt_model_load_safetensors(rt_model *m, const char *path, const char *config_path, rt_err *e);
/* llama-architecture GGUF (load_gguf.c): weights dequantized into the arena,
 * quantized matrices also kept as blocks in m->wblocks. */
int rt_model_load_gguf(rt_model *m, const char *path, rt_err *e);
/* The stored blocks of matrix w, or NULL. */
const rt_wblocks *rt_model_wblocks(const rt_model *m, const float *w);
void rt_model_free(rt_model *m);

/* Finds a sibling file: first "<dir>/<stem><suffix>" then "<dir>/<plain>".
 * Returns 1 and fills out when one exists. */
int rt_find_beside(const char *model_path, const char *suffix, const char *plain, char *out,
                   size_t out_len);

/* Validates hyper-parameters (positive, within limits, divisibility); 0 if ok. */
int rt_config_check(const rt_config *c, const char *path, rt_err *e);

#endif
