/* llama_oracle — llama.cpp itself as an independent oracle for lpcs tests.
 *
 * Built at test time (make llama-oracle) against the llama.h of the llama.cpp
 * source that `make deps` clones into .deps/llama/src and linked with the
 * prebuilt libllama / libggml of the same release (node-llama-cpp's binary
 * package). Nothing of llama.cpp is in the repository.
 *
 * Every subcommand prints machine-readable lines on stdout; diagnostics and
 * llama.cpp's log (only with --verbose) go to stderr. Exit 0 on success,
 * 1 on a usage or runtime error.
 *
 *   tokenize   VOCAB.gguf FILE [--bos] [--special]
 *              token ids of FILE's bytes, one line, space separated. Default
 *              as llama.cpp's test-tokenizer-0: add_special = parse_special = false;
 *              --bos sets add_special (BOS/EOS as the vocabulary says),
 *              --special parses special-token text.
 *   detokenize VOCAB.gguf IDS_FILE [--special]
 *              the bytes of the ids (whitespace or comma separated), raw.
 *   pieces     VOCAB.gguf IDS_FILE [--special]
 *              llama_token_to_piece of each id (lstrip 0), concatenated, raw —
 *              what a streaming generator prints.
 *   nll        MODEL.gguf (TOKENS_FILE | --text FILE) --ctx N [--per-token]
 *              lpcs's evaluation protocol (../shared/models/README.md):
 *              non-overlapping windows of N tokens, the last one shorter;
 *              input = BOS + the first N-1 tokens of the window, targets = all
 *              N tokens; NLL in nats (log-softmax in double). Prints
 *              "pos token nll" lines with --per-token, then
 *              "mean_nll M tokens T windows W".
 *   greedy     MODEL.gguf (--prompt-ids IDS | --prompt TEXT) -n N [--bos]
 *              argmax decoding of N tokens after the prompt (no stop at
 *              end-of-generation tokens); prints the generated ids on one line.
 *              --prompt is tokenized without BOS unless --bos.
 *   logits     MODEL.gguf (--prompt-ids IDS | --prompt TEXT) [--bos] [--all]
 *              logits of the last position (every position with --all), one
 *              line per position, %.9g (round-trips float32).
 *   quantize   IN.gguf OUT.gguf TYPE [--pure] [--allow-requantize]
 *              [--output-type GGMLTYPE] [--embd-type GGMLTYPE]
 *              llama_model_quantize; TYPE is a llama ftype name (F32 F16 BF16
 *              Q8_0 Q4_0 Q4_1 Q5_0 Q5_1 Q2_K Q3_K_S Q3_K_M Q3_K_L Q4_K_S Q4_K_M
 *              Q5_K_S Q5_K_M Q6_K TQ1_0 TQ2_0; Q4_K = Q4_K_M, Q5_K = Q5_K_M).
 *   dump       MODEL.gguf (--prompt-ids IDS | --prompt TEXT) --pos P --out DIR
 *              decodes the prompt as one batch and writes, for every F32 graph
 *              tensor with one row per token, row P as raw float32 to
 *              DIR/NAME.f32 (NAME as llama.cpp's graph names it, e.g.
 *              attn_norm-3, kqv_out-3, l_out-3; ggml's eval callback) —
 *              for locating the first op where lpcs and llama.cpp diverge.
 *   info       MODEL.gguf   vocabulary size, special ids, vocab type.
 *   dequant    MODEL.gguf   per tensor "name type n fnv1a64": ggml's own
 *              to_float of the tensor, hashed over the fp32 bit patterns
 *              (checks a GGUF reader's dequantization bit for bit).
 *
 * Common options: --threads N (default 1), --kv-type f32|f16 (KV cache,
 * default f32), --flash-attn (default off), --no-repack (no CPU_REPACK
 * weight buffers: Q4_0/Q4_K take the plain vec_dot kernels), --verbose. The defaults keep every
 * activation in fp32 (llama.cpp's own defaults round K/V to F16): with them,
 * the F32 GGUF of shakespeare-llama gives NLL 1.3365745163 on the first 4096
 * validation bytes, as issue 15 records.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llama.h"
#include "gguf.h"

struct options {
    const char *cmd;
    const char *pos[3];
    int n_pos;
    int threads;
    int ctx;
    int n_gen;
    bool bos, special, per_token, all, pure, allow_requantize, verbose, flash_attn, no_repack;
    const char *text_file;
    const char *prompt_ids;
    const char *prompt;
    const char *output_type;
    const char *embd_type;
    const char *out_dir;
    int dump_pos;
    ggml_backend_sched_eval_callback cb_eval;
    void *cb_eval_user_data;
    enum ggml_type kv_type;
};

static void die(const char *fmt, const char *arg)
{
    fprintf(stderr, "llama_oracle: ");
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    exit(1);
}

static void quiet_log(enum ggml_log_level level, const char *text, void *user)
{
    (void)user;
    if (level == GGML_LOG_LEVEL_ERROR)
        fputs(text, stderr);
}

/* Whole file into memory (binary); *len gets the byte count. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("cannot open %s", path);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
        }
    }
    if (!buf || ferror(f))
        die("cannot read %s", path);
    fclose(f);
    buf[n] = 0;
    *len = n;
    return buf;
}

/* Integers separated by whitespace or commas. */
static llama_token *parse_ids(const char *s, int *n_out)
{
    size_t cap = 256;
    int n = 0;
    llama_token *ids = malloc(cap * sizeof *ids);
    while (*s) {
        if (isspace((unsigned char)*s) || *s == ',') {
            s++;
            continue;
        }
        char *end;
        errno = 0;
        long v = strtol(s, &end, 10);
        if (end == s || errno || v < 0 || v > INT32_MAX)
            die("bad token id near \"%.20s\"", s);
        if ((size_t)n == cap)
            ids = realloc(ids, (cap *= 2) * sizeof *ids);
        ids[n++] = (llama_token)v;
        s = end;
    }
    *n_out = n;
    return ids;
}

static llama_token *tokenize(const struct llama_vocab *vocab, const char *text, size_t len,
                             bool add_special, bool parse_special, int *n_out)
{
    if (len > INT32_MAX)
        die("%s", "text too long");
    int cap = (int)len + 8;
    llama_token *ids = malloc((size_t)cap * sizeof *ids);
    int n = llama_tokenize(vocab, text, (int32_t)len, ids, cap, add_special, parse_special);
    if (n < 0) { /* buffer too small: -n is the size needed */
        cap = -n;
        ids = realloc(ids, (size_t)cap * sizeof *ids);
        n = llama_tokenize(vocab, text, (int32_t)len, ids, cap, add_special, parse_special);
    }
    if (n < 0)
        die("%s", "llama_tokenize failed");
    *n_out = n;
    return ids;
}

static void print_ids(const llama_token *ids, int n)
{
    for (int i = 0; i < n; i++)
        printf(i ? " %d" : "%d", ids[i]);
    putchar('\n');
}

/* The CPU backend is a separate library (one per CPU family); load the ones
 * that sit beside libllama. */
static void load_backends(void)
{
    Dl_info info;
    if (!dladdr((void *)&llama_backend_init, &info) || !info.dli_fname)
        die("%s", "cannot locate libllama");
    char *path = strdup(info.dli_fname);
    ggml_backend_load_all_from_path(dirname(path));
    free(path);
    if (ggml_backend_dev_count() == 0)
        die("%s", "no ggml backend found beside libllama");
}

static struct llama_model *load_model(const struct options *o, const char *path, bool vocab_only)
{
    struct llama_model_params mp = llama_model_default_params();
    mp.vocab_only = vocab_only;
    mp.n_gpu_layers = 0;
    mp.use_extra_bufts = !o->no_repack;
    struct llama_model *m = llama_model_load_from_file(path, mp);
    if (!m)
        die("cannot load model %s", path);
    return m;
}

static struct llama_context *new_context(const struct options *o, struct llama_model *m, int n_ctx)
{
    struct llama_context_params cp = llama_context_default_params();
    cp.n_ctx = (uint32_t)n_ctx;
    cp.n_batch = (uint32_t)n_ctx;
    cp.n_ubatch = (uint32_t)n_ctx;
    cp.n_seq_max = 1;
    cp.n_threads = o->threads;
    cp.n_threads_batch = o->threads;
    cp.no_perf = true;
    /* F32 KV cache (llama.cpp's default is F16): the oracle must not round
     * keys and values that lpcs keeps in fp32. --kv-type f16 restores it. */
    cp.type_k = o->kv_type;
    cp.type_v = o->kv_type;
    /* Flash attention off unless asked: its CPU path rounds Q/K/V to F16. */
    cp.flash_attn_type = o->flash_attn ? LLAMA_FLASH_ATTN_TYPE_ENABLED : LLAMA_FLASH_ATTN_TYPE_DISABLED;
    cp.cb_eval = o->cb_eval;
    cp.cb_eval_user_data = o->cb_eval_user_data;
    struct llama_context *ctx = llama_init_from_model(m, cp);
    if (!ctx)
        die("%s", "cannot create a llama context");
    return ctx;
}

/* Decodes ids[0..n) at positions pos0.. in sequence 0; logits for every
 * position when all_logits, else only the last. */
static void decode(struct llama_context *ctx, const llama_token *ids, int n, int pos0, bool all_logits)
{
    struct llama_batch b = llama_batch_init(n, 0, 1);
    for (int i = 0; i < n; i++) {
        b.token[i] = ids[i];
        b.pos[i] = pos0 + i;
        b.n_seq_id[i] = 1;
        b.seq_id[i][0] = 0;
        b.logits[i] = all_logits || i == n - 1;
    }
    b.n_tokens = n;
    if (llama_decode(ctx, b) != 0)
        die("%s", "llama_decode failed");
    llama_batch_free(b);
}

/* -log softmax(logits)[target], in double. */
static double token_nll(const float *logits, int n_vocab, int target)
{
    double mx = logits[0];
    for (int i = 1; i < n_vocab; i++)
        if (logits[i] > mx)
            mx = logits[i];
    double sum = 0;
    for (int i = 0; i < n_vocab; i++)
        sum += exp((double)logits[i] - mx);
    return log(sum) - ((double)logits[target] - mx);
}

static int argmax(const float *logits, int n_vocab)
{
    int best = 0;
    for (int i = 1; i < n_vocab; i++)
        if (logits[i] > logits[best])
            best = i;
    return best;
}

static void check_ids(const llama_token *ids, int n, const struct llama_vocab *vocab, const char *what)
{
    int n_vocab = llama_vocab_n_tokens(vocab);
    for (int i = 0; i < n; i++)
        if (ids[i] < 0 || ids[i] >= n_vocab)
            die("%s", what);
}

static llama_token *prompt_tokens(const struct options *o, const struct llama_vocab *vocab, int *n)
{
    llama_token *ids;
    if (o->prompt_ids) {
        ids = parse_ids(o->prompt_ids, n);
        if (o->bos) {
            ids = realloc(ids, ((size_t)*n + 1) * sizeof *ids);
            memmove(ids + 1, ids, (size_t)*n * sizeof *ids);
            ids[0] = llama_vocab_bos(vocab);
            (*n)++;
        }
    } else if (o->prompt) {
        ids = tokenize(vocab, o->prompt, strlen(o->prompt), o->bos, o->special, n);
    } else {
        die("%s", "need --prompt-ids or --prompt");
        return NULL;
    }
    check_ids(ids, *n, vocab, "prompt token id out of the vocabulary");
    if (*n == 0)
        die("%s", "empty prompt");
    return ids;
}

/* A token-id file, every id checked against the vocabulary (die otherwise). */
static llama_token *read_ids_checked(const char *path, const struct llama_vocab *vocab, int *n)
{
    size_t len;
    char *s = read_file(path, &len);
    llama_token *ids = parse_ids(s, n);
    free(s);
    check_ids(ids, *n, vocab, "token id out of the vocabulary");
    return ids;
}

static int cmd_tokenize(const struct options *o)
{
    struct llama_model *m = load_model(o, o->pos[0], true);
    size_t len;
    char *text = read_file(o->pos[1], &len);
    int n;
    llama_token *ids = tokenize(llama_model_get_vocab(m), text, len, o->bos, o->special, &n);
    print_ids(ids, n);
    free(ids);
    free(text);
    llama_model_free(m);
    return 0;
}

static int cmd_detokenize(const struct options *o)
{
    struct llama_model *m = load_model(o, o->pos[0], true);
    const struct llama_vocab *vocab = llama_model_get_vocab(m);
    int n;
    llama_token *ids = read_ids_checked(o->pos[1], vocab, &n);
    int cap = n * 16 + 16;
    char *out = malloc((size_t)cap);
    int k = llama_detokenize(vocab, ids, n, out, cap, false, o->special);
    if (k < 0) {
        cap = -k;
        out = realloc(out, (size_t)cap);
        k = llama_detokenize(vocab, ids, n, out, cap, false, o->special);
    }
    if (k < 0)
        die("%s", "llama_detokenize failed");
    fwrite(out, 1, (size_t)k, stdout);
    free(out);
    free(ids);
    llama_model_free(m);
    return 0;
}

static int cmd_pieces(const struct options *o)
{
    struct llama_model *m = load_model(o, o->pos[0], true);
    const struct llama_vocab *vocab = llama_model_get_vocab(m);
    int n;
    llama_token *ids = read_ids_checked(o->pos[1], vocab, &n);
    char small[256];
    for (int i = 0; i < n; i++) {
        int k = llama_token_to_piece(vocab, ids[i], small, sizeof small, 0, o->special);
        if (k < 0) {
            char *big = malloc((size_t)-k);
            k = llama_token_to_piece(vocab, ids[i], big, -k, 0, o->special);
            fwrite(big, 1, (size_t)k, stdout);
            free(big);
        } else {
            fwrite(small, 1, (size_t)k, stdout);
        }
    }
    free(ids);
    llama_model_free(m);
    return 0;
}

static int cmd_nll(const struct options *o)
{
    if (o->ctx < 2)
        die("%s", "nll needs --ctx N (N >= 2)");
    struct llama_model *m = load_model(o, o->pos[0], false);
    const struct llama_vocab *vocab = llama_model_get_vocab(m);
    int n_vocab = llama_vocab_n_tokens(vocab);
    size_t len;
    int n;
    llama_token *ids;
    if (o->text_file) {
        char *text = read_file(o->text_file, &len);
        ids = tokenize(vocab, text, len, false, false, &n);
        free(text);
    } else {
        if (o->n_pos < 2)
            die("%s", "nll needs TOKENS_FILE or --text FILE");
        ids = read_ids_checked(o->pos[1], vocab, &n);
    }
    if (n == 0)
        die("%s", "no tokens to evaluate");
    struct llama_context *ctx = new_context(o, m, o->ctx);
    llama_token *input = malloc((size_t)o->ctx * sizeof *input);
    double total = 0;
    int windows = 0;
    for (int w0 = 0; w0 < n; w0 += o->ctx) {
        int wn = n - w0 < o->ctx ? n - w0 : o->ctx;
        input[0] = llama_vocab_bos(vocab);
        memcpy(input + 1, ids + w0, (size_t)(wn - 1) * sizeof *input);
        llama_memory_clear(llama_get_memory(ctx), true);
        decode(ctx, input, wn, 0, true);
        for (int i = 0; i < wn; i++) {
            double nll = token_nll(llama_get_logits_ith(ctx, i), n_vocab, ids[w0 + i]);
            total += nll;
            if (o->per_token)
                printf("%d %d %.10f\n", w0 + i, ids[w0 + i], nll);
        }
        windows++;
        if (o->verbose)
            fprintf(stderr, "\rnll: %d/%d tokens", w0 + wn, n);
    }
    if (o->verbose)
        fputc('\n', stderr);
    printf("mean_nll %.10f tokens %d windows %d\n", total / n, n, windows);
    free(input);
    free(ids);
    llama_free(ctx);
    llama_model_free(m);
    return 0;
}

struct dump_ctx {
    const char *dir;
    int n_tokens, pos, written;
};

/* ggml's eval callback: asked first whether to observe a tensor (yes for
 * contiguous F32), then given it computed; row pos of a [.., n_tokens]
 * tensor goes to DIR/NAME.f32. */
static bool dump_tensor(struct ggml_tensor *t, bool ask, void *user)
{
    struct dump_ctx *d = user;
    int nd = ggml_n_dims(t);
    bool per_head = nd == 3 && t->ne[1] == d->n_tokens; /* kq, kq_soft_max: [n_kv, n_tokens, n_head] */
    bool wanted = t->type == GGML_TYPE_F32 && ggml_is_contiguous(t) && t->name[0] && d->n_tokens > 1 &&
                  (t->ne[nd - 1] == d->n_tokens || per_head);
    if (ask || !wanted)
        return ask ? wanted : true;
    size_t row = (size_t)(ggml_nelements(t) / d->n_tokens);
    float *buf = malloc(row * sizeof *buf);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.f32", d->dir, t->name);
    if (per_head && t->ne[nd - 1] != d->n_tokens) /* row pos of every head, heads one after another */
        for (int64_t h = 0; h < t->ne[2]; h++)
            ggml_backend_tensor_get(t, buf + h * t->ne[0], (size_t)h * t->nb[2] + (size_t)d->pos * t->nb[1],
                                    (size_t)t->ne[0] * sizeof *buf);
    else
        ggml_backend_tensor_get(t, buf, (size_t)d->pos * row * sizeof *buf, row * sizeof *buf);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(buf, sizeof *buf, row, f) != row)
        die("cannot write %s", path);
    fclose(f);
    free(buf);
    d->written++;
    return true;
}

static int cmd_dump(const struct options *o)
{
    if (!o->out_dir)
        die("%s", "dump needs --out DIR");
    struct llama_model *m = load_model(o, o->pos[0], false);
    int n;
    llama_token *ids = prompt_tokens(o, llama_model_get_vocab(m), &n);
    if (n < 2 || o->dump_pos < 0 || o->dump_pos >= n)
        die("%s", "dump needs at least 2 prompt tokens and 0 <= --pos < their count");
    struct dump_ctx d = {.dir = o->out_dir, .n_tokens = n, .pos = o->dump_pos};
    struct options oc = *o;
    oc.cb_eval = dump_tensor;
    oc.cb_eval_user_data = &d;
    struct llama_context *ctx = new_context(&oc, m, n);
    decode(ctx, ids, n, 0, true);
    printf("dumped %d tensors at position %d\n", d.written, o->dump_pos);
    free(ids);
    llama_free(ctx);
    llama_model_free(m);
    return 0;
}

static int cmd_greedy(const struct options *o)
{
    struct llama_model *m = load_model(o, o->pos[0], false);
    const struct llama_vocab *vocab = llama_model_get_vocab(m);
    int n_vocab = llama_vocab_n_tokens(vocab);
    int n;
    llama_token *ids = prompt_tokens(o, vocab, &n);
    int n_ctx = n + (o->n_gen > 0 ? o->n_gen : 0);
    struct llama_context *ctx = new_context(o, m, n_ctx);
    decode(ctx, ids, n, 0, false);
    for (int i = 0; i < o->n_gen; i++) {
        llama_token next = argmax(llama_get_logits_ith(ctx, -1), n_vocab);
        printf(i ? " %d" : "%d", next);
        if (i + 1 < o->n_gen)
            decode(ctx, &next, 1, n + i, false);
    }
    putchar('\n');
    free(ids);
    llama_free(ctx);
    llama_model_free(m);
    return 0;
}

static int cmd_logits(const struct options *o)
{
    struct llama_model *m = load_model(o, o->pos[0], false);
    const struct llama_vocab *vocab = llama_model_get_vocab(m);
    int n_vocab = llama_vocab_n_tokens(vocab);
    int n;
    llama_token *ids = prompt_tokens(o, vocab, &n);
    struct llama_context *ctx = new_context(o, m, n);
    decode(ctx, ids, n, 0, o->all);
    for (int p = o->all ? 0 : n - 1; p < n; p++) {
        const float *l = llama_get_logits_ith(ctx, o->all ? p : -1);
        for (int i = 0; i < n_vocab; i++)
            printf(i ? " %.9g" : "%.9g", (double)l[i]);
        putchar('\n');
    }
    free(ids);
    llama_free(ctx);
    llama_model_free(m);
    return 0;
}

static const struct { const char *name; enum llama_ftype ftype; } FTYPES[] = {
    {"F32", LLAMA_FTYPE_ALL_F32},       {"F16", LLAMA_FTYPE_MOSTLY_F16},
    {"BF16", LLAMA_FTYPE_MOSTLY_BF16},  {"Q8_0", LLAMA_FTYPE_MOSTLY_Q8_0},
    {"Q4_0", LLAMA_FTYPE_MOSTLY_Q4_0},  {"Q4_1", LLAMA_FTYPE_MOSTLY_Q4_1},
    {"Q5_0", LLAMA_FTYPE_MOSTLY_Q5_0},  {"Q5_1", LLAMA_FTYPE_MOSTLY_Q5_1},
    {"Q2_K", LLAMA_FTYPE_MOSTLY_Q2_K},  {"Q3_K_S", LLAMA_FTYPE_MOSTLY_Q3_K_S},
    {"Q3_K_M", LLAMA_FTYPE_MOSTLY_Q3_K_M}, {"Q3_K_L", LLAMA_FTYPE_MOSTLY_Q3_K_L},
    {"Q4_K_S", LLAMA_FTYPE_MOSTLY_Q4_K_S}, {"Q4_K_M", LLAMA_FTYPE_MOSTLY_Q4_K_M},
    {"Q4_K", LLAMA_FTYPE_MOSTLY_Q4_K_M},   {"Q5_K_S", LLAMA_FTYPE_MOSTLY_Q5_K_S},
    {"Q5_K_M", LLAMA_FTYPE_MOSTLY_Q5_K_M}, {"Q5_K", LLAMA_FTYPE_MOSTLY_Q5_K_M},
    {"Q6_K", LLAMA_FTYPE_MOSTLY_Q6_K},  {"TQ1_0", LLAMA_FTYPE_MOSTLY_TQ1_0},
    {"TQ2_0", LLAMA_FTYPE_MOSTLY_TQ2_0},
};

static enum ggml_type ggml_type_by_name(const char *name)
{
    for (int t = 0; t < GGML_TYPE_COUNT; t++) {
        const char *tn = ggml_type_name((enum ggml_type)t);
        if (tn && strcasecmp(tn, name) == 0)
            return (enum ggml_type)t;
    }
    die("unknown ggml type %s", name);
    return GGML_TYPE_COUNT;
}

static int cmd_quantize(const struct options *o)
{
    if (o->n_pos < 3)
        die("%s", "quantize needs IN.gguf OUT.gguf TYPE");
    struct llama_model_quantize_params qp = llama_model_quantize_default_params();
    size_t k, nft = sizeof FTYPES / sizeof FTYPES[0];
    for (k = 0; k < nft && strcasecmp(FTYPES[k].name, o->pos[2]) != 0; k++)
        ;
    if (k == nft)
        die("unknown quantization type %s", o->pos[2]);
    qp.ftype = FTYPES[k].ftype;
    qp.nthread = o->threads;
    qp.pure = o->pure;
    qp.allow_requantize = o->allow_requantize;
    if (o->output_type)
        qp.output_tensor_type = ggml_type_by_name(o->output_type);
    if (o->embd_type)
        qp.token_embedding_type = ggml_type_by_name(o->embd_type);
    if (llama_model_quantize(o->pos[0], o->pos[1], &qp) != 0)
        die("llama_model_quantize failed for %s", o->pos[0]);
    printf("quantized %s -> %s %s\n", o->pos[0], o->pos[1], FTYPES[k].name);
    return 0;
}

static int cmd_dequant(const struct options *o)
{
    struct ggml_context *gctx = NULL;
    struct gguf_init_params gp = {.no_alloc = false, .ctx = &gctx};
    struct gguf_context *g = gguf_init_from_file(o->pos[0], gp);
    if (!g)
        die("cannot read %s", o->pos[0]);
    for (int64_t i = 0; i < gguf_get_n_tensors(g); i++) {
        const char *name = gguf_get_tensor_name(g, i);
        struct ggml_tensor *t = ggml_get_tensor(gctx, name);
        int64_t n = ggml_nelements(t);
        float *f = malloc((size_t)n * sizeof *f);
        if (t->type == GGML_TYPE_F32)
            memcpy(f, t->data, (size_t)n * sizeof *f);
        else
            ggml_get_type_traits(t->type)->to_float(t->data, f, n);
        uint64_t h = 1469598103934665603ull;
        for (int64_t k = 0; k < n; k++) {
            uint32_t u;
            memcpy(&u, &f[k], 4);
            for (int b = 0; b < 4; b++) {
                h ^= (u >> (8 * b)) & 0xff;
                h *= 1099511628211ull;
            }
        }
        printf("%s %s %lld %016llx\n", name, ggml_type_name(t->type), (long long)n, (unsigned long long)h);
        free(f);
    }
    gguf_free(g);
    ggml_free(gctx);
    return 0;
}

static int cmd_info(const struct options *o)
{
    struct llama_model *m = load_model(o, o->pos[0], true);
    const struct llama_vocab *v = llama_model_get_vocab(m);
    printf("n_vocab %d\nvocab_type %d\nbos %d\neos %d\nadd_bos %d\nadd_eos %d\n",
           llama_vocab_n_tokens(v), (int)llama_vocab_type(v), llama_vocab_bos(v),
           llama_vocab_eos(v), llama_vocab_get_add_bos(v), llama_vocab_get_add_eos(v));
    llama_model_free(m);
    return 0;
}

static int parse_int(const char *s, const char *what)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < 0 || v > 1 << 24)
        die("bad value for %s", what);
    return (int)v;
}

static void usage(void)
{
    fputs("usage: llama_oracle tokenize|detokenize|pieces|nll|greedy|logits|quantize|info|dequant|dump ARGS [options]\n"
          "  (see the comment at the top of tests/llama_oracle/llama_oracle.c)\n",
          stderr);
    exit(1);
}

int main(int argc, char **argv)
{
    struct options o = {.threads = 1, .kv_type = GGML_TYPE_F32};
    if (argc < 2)
        usage();
    o.cmd = argv[1];
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
#define NEED_VALUE() do { if (!next) die("%s needs a value", a); i++; } while (0)
        if (!strcmp(a, "--threads")) { NEED_VALUE(); o.threads = parse_int(next, a); }
        else if (!strcmp(a, "--ctx")) { NEED_VALUE(); o.ctx = parse_int(next, a); }
        else if (!strcmp(a, "-n")) { NEED_VALUE(); o.n_gen = parse_int(next, a); }
        else if (!strcmp(a, "--text")) { NEED_VALUE(); o.text_file = next; }
        else if (!strcmp(a, "--prompt-ids")) { NEED_VALUE(); o.prompt_ids = next; }
        else if (!strcmp(a, "--prompt")) { NEED_VALUE(); o.prompt = next; }
        else if (!strcmp(a, "--output-type")) { NEED_VALUE(); o.output_type = next; }
        else if (!strcmp(a, "--embd-type")) { NEED_VALUE(); o.embd_type = next; }
        else if (!strcmp(a, "--out")) { NEED_VALUE(); o.out_dir = next; }
        else if (!strcmp(a, "--pos")) { NEED_VALUE(); o.dump_pos = parse_int(next, a); }
        else if (!strcmp(a, "--kv-type")) { NEED_VALUE(); o.kv_type = ggml_type_by_name(next); }
        else if (!strcmp(a, "--bos")) o.bos = true;
        else if (!strcmp(a, "--special")) o.special = true;
        else if (!strcmp(a, "--per-token")) o.per_token = true;
        else if (!strcmp(a, "--all")) o.all = true;
        else if (!strcmp(a, "--pure")) o.pure = true;
        else if (!strcmp(a, "--allow-requantize")) o.allow_requantize = true;
        else if (!strcmp(a, "--verbose")) o.verbose = true;
        else if (!strcmp(a, "--flash-attn")) o.flash_attn = true;
        else if (!strcmp(a, "--no-repack")) o.no_repack = true;
        else if (a[0] == '-' && a[1]) die("unknown option %s", a);
        else if (o.n_pos < 3) o.pos[o.n_pos++] = a;
        else die("too many arguments at %s", a);
#undef NEED_VALUE
    }
    if (o.threads < 1)
        o.threads = 1;
    if (!o.verbose)
        llama_log_set(quiet_log, NULL);
    load_backends();
    llama_backend_init();

    static const struct { const char *name; int (*fn)(const struct options *); int min_pos; } CMDS[] = {
        {"tokenize", cmd_tokenize, 2}, {"detokenize", cmd_detokenize, 2}, {"pieces", cmd_pieces, 2}, {"nll", cmd_nll, 1},
        {"greedy", cmd_greedy, 1},     {"logits", cmd_logits, 1},         {"quantize", cmd_quantize, 3},
        {"info", cmd_info, 1},         {"dequant", cmd_dequant, 1},       {"dump", cmd_dump, 1},
    };
    for (size_t k = 0; k < sizeof CMDS / sizeof CMDS[0]; k++) {
        if (strcmp(o.cmd, CMDS[k].name) != 0)
            continue;
        if (o.n_pos < CMDS[k].min_pos)
            usage();
        int rc = CMDS[k].fn(&o);
        llama_backend_free();
        return rc;
    }
    usage();
    return 1;
}
