/* The llama.cpp anchor of bench/cpu/run_bench.sh, written against llama.h
 * (llama.cpp itself is never in this repository: build with -I to its
 * include dirs and link its prebuilt libraries).
 *
 *   llamacpp_bench quantize IN.gguf OUT.gguf q8_0|f32|bf16|q4_0|tq1_0|tq2_0
 *   llamacpp_bench decode MODEL.gguf N THREADS   greedy, token by token from BOS
 *   llamacpp_bench prompt MODEL.gguf N THREADS   one batch of N tokens (prompt processing)
 *
 * Prints "tok/s: X", "tok/cpu-s: Y" (process CPU time, steadier on a shared
 * machine) and, for decode, the first generated token ids (a cross-check
 * against lpcs's greedy tokens). KV cache f32, flash attention off.
 * LLAMA_LIB_DIR: the folder of llama.cpp's CPU backend libraries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "llama.h"

static double wall(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double cpu(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void quiet_log(enum ggml_log_level level, const char *text, void *user) {
    (void)user;
    if (level >= GGML_LOG_LEVEL_ERROR) fputs(text, stderr);
}

static int quantize(const char *in, const char *out, const char *type) {
    struct llama_model_quantize_params p = llama_model_quantize_default_params();
    if (!strcmp(type, "q8_0")) p.ftype = LLAMA_FTYPE_MOSTLY_Q8_0;
    else if (!strcmp(type, "q4_0")) p.ftype = LLAMA_FTYPE_MOSTLY_Q4_0;
    else if (!strcmp(type, "tq1_0")) p.ftype = LLAMA_FTYPE_MOSTLY_TQ1_0; /* ternary, 1.69 bits/weight */
    else if (!strcmp(type, "tq2_0")) p.ftype = LLAMA_FTYPE_MOSTLY_TQ2_0; /* ternary, 2.06 bits/weight */
    else if (!strcmp(type, "bf16")) p.ftype = LLAMA_FTYPE_MOSTLY_BF16;
    else if (!strcmp(type, "f32")) p.ftype = LLAMA_FTYPE_ALL_F32;
    else {
        fprintf(stderr, "unknown type %s\n", type);
        return 2;
    }
    p.nthread = 1;
    return llama_model_quantize(in, out, &p) ? 1 : 0;
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: %s quantize IN OUT TYPE | decode MODEL N THREADS | prompt MODEL N THREADS\n", argv[0]);
        return 2;
    }
    llama_log_set(quiet_log, NULL);
    const char *libdir = getenv("LLAMA_LIB_DIR"); /* where libggml-cpu-*.so live */
    if (libdir && *libdir)
        ggml_backend_load_all_from_path(libdir);
    else
        ggml_backend_load_all();
    llama_backend_init();
    if (!strcmp(argv[1], "quantize")) return quantize(argv[2], argv[3], argv[4]);
    int n = atoi(argv[3]), threads = atoi(argv[4]), prompt = !strcmp(argv[1], "prompt");
    if (n < 1 || threads < 1) return 2;
    struct llama_model_params mp = llama_model_default_params();
    mp.n_gpu_layers = 0;
    struct llama_model *model = llama_model_load_from_file(argv[2], mp);
    if (!model) {
        fprintf(stderr, "cannot load %s\n", argv[2]);
        return 1;
    }
    struct llama_context_params cp = llama_context_default_params();
    cp.n_ctx = (uint32_t)n + 8;
    cp.n_batch = cp.n_ubatch = prompt ? (uint32_t)n : 1;
    cp.n_threads = cp.n_threads_batch = threads;
    cp.type_k = cp.type_v = GGML_TYPE_F32;
    cp.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_DISABLED;
    struct llama_context *ctx = llama_init_from_model(model, cp);
    if (!ctx) return 1;
    const struct llama_vocab *vocab = llama_model_get_vocab(model);
    int nv = llama_vocab_n_tokens(vocab);
    llama_token *toks = malloc(sizeof *toks * (size_t)(n + 1));
    toks[0] = llama_vocab_bos(vocab);
    for (int i = 1; i <= n; i++) toks[i] = 3 + (i * 37) % (nv - 3); /* prompt: arbitrary valid ids */
    double w0 = wall(), c0 = cpu();
    if (prompt) {
        if (llama_decode(ctx, llama_batch_get_one(toks, n))) return 1;
    } else {
        llama_token t = toks[0];
        for (int i = 0; i < n; i++) {
            if (llama_decode(ctx, llama_batch_get_one(&t, 1))) return 1;
            const float *lg = llama_get_logits_ith(ctx, -1);
            int best = 0;
            for (int v = 1; v < nv; v++)
                if (lg[v] > lg[best]) best = v;
            toks[i + 1] = t = best;
        }
    }
    double w = wall() - w0, c = cpu() - c0;
    printf("tok/s: %.2f\ntok/cpu-s: %.2f\n", n / w, n / c);
    if (!prompt) {
        printf("tokens:");
        for (int i = 1; i <= n && i <= 24; i++) printf(" %d", toks[i]);
        printf("\n");
    }
    free(toks);
    llama_free(ctx);
    llama_model_free(model);
    return 0;
}
