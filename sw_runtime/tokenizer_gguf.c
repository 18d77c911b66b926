#include "tokenizer_gguf.h"

#include <stdlib.h>
#include <string.h>

/* Optional scalar: RT_VOCAB_UNSET when the key is absent. */
static int opt_id(const gguf_file *g, const char *key, int32_t *out, rt_err *e)
{
    *out = RT_VOCAB_UNSET;
    if (!gguf_find(g, key))
        return 0;
    int64_t v;
    if (gguf_get_i64(g, key, &v, e))
        return -1;
    *out = v < 0 || v > INT32_MAX ? -1 : (int32_t)v;
    return 0;
}

static int opt_bool(const gguf_file *g, const char *key, int32_t *out, rt_err *e)
{
    *out = RT_VOCAB_UNSET;
    if (!gguf_find(g, key))
        return 0;
    int v;
    if (gguf_get_bool(g, key, &v, e))
        return -1;
    *out = v != 0;
    return 0;
}

/* A string array as pointer/length arrays (views into the mapping). */
static int str_array(const gguf_file *g, const char *key, const char ***ptr, uint32_t **len, int32_t *n,
                     rt_err *e)
{
    gguf_vtype et;
    uint64_t cnt;
    if (gguf_get_arr(g, key, &et, &cnt, e))
        return -1;
    if (et != GGUF_T_STRING || cnt > INT32_MAX)
        return rt_fail(e, LPCS_EFORMAT, "tokenizer: %s is not an array of strings", key);
    gguf_str *s = malloc((cnt ? cnt : 1) * sizeof *s);
    *ptr = malloc((cnt ? cnt : 1) * sizeof **ptr);
    *len = malloc((cnt ? cnt : 1) * sizeof **len);
    if (!s || !*ptr || !*len) {
        free(s);
        return rt_fail(e, LPCS_ENOMEM, "tokenizer: out of memory for %s", key);
    }
    if (gguf_arr_strs(g, key, s, cnt, e)) {
        free(s);
        return -1;
    }
    for (uint64_t i = 0; i < cnt; i++) {
        if (s[i].len > UINT32_MAX) {
            free(s);
            return rt_fail(e, LPCS_EFORMAT, "tokenizer: %s[%llu] is too long", key, (unsigned long long)i);
        }
        (*ptr)[i] = s[i].ptr;
        (*len)[i] = (uint32_t)s[i].len;
    }
    free(s);
    *n = (int32_t)cnt;
    return 0;
}

rt_tok *rt_tok_from_gguf(const gguf_file *g, rt_err *e)
{
    rt_vocab v = {0};
    char model[64], pre[64], name[256];
    const char **tok = NULL, **mrg = NULL;
    uint32_t *tok_len = NULL, *mrg_len = NULL;
    float *scores = NULL;
    int32_t *types = NULL;
    rt_tok *t = NULL;
    uint64_t n;
    gguf_vtype et;

    if (!gguf_find(g, "tokenizer.ggml.model")) {
        rt_fail(e, LPCS_EFORMAT, "tokenizer: the GGUF has no tokenizer.ggml.model (use --tokenizer FILE)");
        return NULL;
    }
    if (gguf_get_cstr(g, "tokenizer.ggml.model", model, sizeof model, e))
        return NULL;
    v.model = model;
    if (gguf_find(g, "tokenizer.ggml.pre")) {
        if (gguf_get_cstr(g, "tokenizer.ggml.pre", pre, sizeof pre, e))
            return NULL;
        v.pre = pre;
    }
    if (gguf_find(g, "general.name") && gguf_get_cstr(g, "general.name", name, sizeof name, NULL) == 0)
        v.name = name; /* optional: a long or odd name only loses name-keyed rules */
    if (str_array(g, "tokenizer.ggml.tokens", &tok, &tok_len, &v.n_tokens, e))
        goto done;
    v.tokens = tok;
    v.token_len = tok_len;
    if (gguf_find(g, "tokenizer.ggml.scores")) {
        if (gguf_get_arr(g, "tokenizer.ggml.scores", &et, &n, e))
            goto done;
        if (n < (uint64_t)v.n_tokens) {
            rt_fail(e, LPCS_EFORMAT, "tokenizer: %llu scores for %d tokens", (unsigned long long)n, v.n_tokens);
            goto done;
        }
        scores = malloc(n * sizeof *scores);
        if (!scores || gguf_arr_f32(g, "tokenizer.ggml.scores", scores, n, e))
            goto done;
        v.scores = scores;
    }
    if (gguf_find(g, "tokenizer.ggml.token_type")) {
        if (gguf_get_arr(g, "tokenizer.ggml.token_type", &et, &n, e))
            goto done;
        if (n < (uint64_t)v.n_tokens) {
            rt_fail(e, LPCS_EFORMAT, "tokenizer: %llu token types for %d tokens", (unsigned long long)n,
                    v.n_tokens);
            goto done;
        }
        types = malloc(n * sizeof *types);
        if (!types || gguf_arr_i32(g, "tokenizer.ggml.token_type", types, n, e))
            goto done;
        v.types = types;
    }
    if (gguf_find(g, "tokenizer.ggml.merges")) {
        if (str_array(g, "tokenizer.ggml.merges", &mrg, &mrg_len, &v.n_merges, e))
            goto done;
        v.merges = mrg;
        v.merge_len = mrg_len;
    }
    if (opt_id(g, "tokenizer.ggml.bos_token_id", &v.bos, e) ||
        opt_id(g, "tokenizer.ggml.eos_token_id", &v.eos, e) ||
        opt_id(g, "tokenizer.ggml.unknown_token_id", &v.unk, e) ||
        opt_bool(g, "tokenizer.ggml.add_bos_token", &v.add_bos, e) ||
        opt_bool(g, "tokenizer.ggml.add_eos_token", &v.add_eos, e) ||
        opt_bool(g, "tokenizer.ggml.add_space_prefix", &v.add_space_prefix, e))
        goto done;
    t = rt_tok_create(&v, e);
done:
    free(tok);
    free(tok_len);
    free(mrg);
    free(mrg_len);
    free(scores);
    free(types);
    return t;
}

rt_tok *rt_tok_from_gguf_path(const char *path, rt_err *e)
{
    gguf_file g;
    if (gguf_open(&g, path, e))
        return NULL;
    rt_tok *t = rt_tok_from_gguf(&g, e);
    gguf_close(&g);
    return t;
}
