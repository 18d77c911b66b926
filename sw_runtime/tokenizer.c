#include "tokenizer.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_file.h"
#include "tokenizer_gguf.h"

void rt_tokenizer_free(rt_tokenizer *t) {
    if (!t) return;
    if (t->piece)
        for (int i = 0; i < t->vocab; i++) free(t->piece[i]);
    free(t->piece);
    free(t->piece_len);
    free(t->score);
    free(t->sorted);
    rt_tok_free(t->gguf);
    memset(t, 0, sizeof *t);
}

static int raw_byte(const char *p, int len) {
    unsigned v;
    char tail;
    if (len == 6 && sscanf(p, "<0x%2X%c", &v, &tail) == 2 && tail == '>') return (int)v;
    return -1;
}

static int cmp_piece(const void *a, const void *b, void *ctx) {
    const rt_tokenizer *t = ctx;
    return strcmp(t->piece[*(const int *)a], t->piece[*(const int *)b]);
}

/* qsort_r is a GNU extension; a small merge sort keeps this portable. */
static void sort_ids(int *ids, int *tmp, int n, const rt_tokenizer *t) {
    if (n < 2) return;
    int h = n / 2;
    sort_ids(ids, tmp, h, t);
    sort_ids(ids + h, tmp, n - h, t);
    int i = 0, j = h, k = 0;
    while (i < h || j < n) {
        if (j >= n || (i < h && cmp_piece(&ids[i], &ids[j], (void *)t) <= 0))
            tmp[k++] = ids[i++];
        else
            tmp[k++] = ids[j++];
    }
    memcpy(ids, tmp, (size_t)n * sizeof *ids);
}

static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int load_gguf(rt_tokenizer *t, const char *path, int vocab, rt_err *e) {
    rt_err ge = {0, ""};
    t->gguf = rt_tok_from_gguf_path(path, &ge);
    if (!t->gguf) return rt_fail(e, ge.status ? ge.status : LPCS_EFORMAT, "%s: %s", path, ge.msg);
    if (rt_tok_n_tokens(t->gguf) > vocab) {
        int n = rt_tok_n_tokens(t->gguf);
        rt_tok_free(t->gguf);
        t->gguf = NULL;
        return rt_fail(e, LPCS_EFORMAT, "%s: tokenizer has %d tokens, the model's vocabulary %d", path, n, vocab);
    }
    t->vocab = rt_tok_n_tokens(t->gguf);
    for (int b = 0; b < 256; b++) t->byte_token[b] = rt_tok_byte_token(t->gguf, (unsigned char)b);
    return LPCS_OK;
}

int rt_tokenizer_load(rt_tokenizer *t, const char *path, int vocab, rt_err *e) {
    memset(t, 0, sizeof *t);
    if (vocab <= 0 || vocab > (1 << 20)) return rt_fail(e, LPCS_EINVAL, "%s: invalid vocabulary size %d", path, vocab);
    if (ends_with(path, ".gguf")) return load_gguf(t, path, vocab, e);
    rt_file f;
    int rc = rt_file_map(&f, path, e);
    if (rc) return rc;
    if (f.size < 4) {
        rc = rt_fail(e, LPCS_EFORMAT, "%s: truncated tokenizer (no header)", path);
        goto out;
    }
    int32_t maxlen;
    memcpy(&maxlen, f.data, 4);
    if (maxlen <= 0 || maxlen > 4096) {
        rc = rt_fail(e, LPCS_EFORMAT, "%s: implausible max_token_length %d", path, maxlen);
        goto out;
    }
    /* Each token takes at least 8 bytes: bound the vocabulary by the file. */
    if ((uint64_t)vocab * 8 > f.size - 4) {
        rc = rt_fail(e, LPCS_EFORMAT, "%s: file (%zu bytes) is too short for %d tokens", path, f.size, vocab);
        goto out;
    }
    t->vocab = vocab;
    t->max_len = maxlen;
    t->piece = calloc((size_t)vocab, sizeof *t->piece);
    t->piece_len = calloc((size_t)vocab, sizeof *t->piece_len);
    t->score = calloc((size_t)vocab, sizeof *t->score);
    t->sorted = calloc((size_t)vocab, sizeof *t->sorted);
    if (!t->piece || !t->piece_len || !t->score || !t->sorted) {
        rc = rt_fail(e, LPCS_ENOMEM, "%s: out of memory", path);
        goto out;
    }
    size_t off = 4;
    for (int i = 0; i < vocab; i++) {
        int32_t len;
        if (f.size - off < 8) {
            rc = rt_fail(e, LPCS_EFORMAT, "%s: truncated at token %d of %d", path, i, vocab);
            goto out;
        }
        memcpy(&t->score[i], f.data + off, 4);
        memcpy(&len, f.data + off + 4, 4);
        off += 8;
        if (len < 0 || len > maxlen || (size_t)len > f.size - off) {
            rc = rt_fail(e, LPCS_EFORMAT, "%s: token %d has invalid length %d (max %d, %zu bytes left)", path, i,
                         len, maxlen, f.size - off);
            goto out;
        }
        t->piece[i] = malloc((size_t)len + 1);
        if (!t->piece[i]) {
            rc = rt_fail(e, LPCS_ENOMEM, "%s: out of memory", path);
            goto out;
        }
        memcpy(t->piece[i], f.data + off, (size_t)len);
        t->piece[i][len] = 0;
        t->piece_len[i] = len;
        off += (size_t)len;
    }
    for (int b = 0; b < 256; b++) t->byte_token[b] = -1;
    for (int i = 0; i < vocab; i++) {
        int rb = raw_byte(t->piece[i], t->piece_len[i]);
        if (t->piece_len[i] == 1 && t->byte_token[(unsigned char)t->piece[i][0]] < 0)
            t->byte_token[(unsigned char)t->piece[i][0]] = i;
        else if (rb >= 0 && t->byte_token[rb] < 0)
            t->byte_token[rb] = i;
    }
    int *tmp = malloc((size_t)vocab * sizeof *tmp);
    if (!tmp) {
        rc = rt_fail(e, LPCS_ENOMEM, "%s: out of memory", path);
        goto out;
    }
    for (int i = 0; i < vocab; i++) t->sorted[i] = i;
    sort_ids(t->sorted, tmp, vocab, t);
    free(tmp);
    rc = LPCS_OK;
out:
    rt_file_unmap(&f);
    if (rc) rt_tokenizer_free(t);
    return rc;
}

int rt_tokenizer_decode(const rt_tokenizer *t, int token, unsigned char *out, int cap) {
    if (token < 0 || token >= t->vocab || cap <= 0) return 0;
    if (t->gguf) {
        int n = rt_tok_piece(t->gguf, token, 0, out, cap);
        return n < 0 ? 0 : n < cap ? n : cap;
    }
    int rb = raw_byte(t->piece[token], t->piece_len[token]);
    if (rb >= 0) {
        out[0] = (unsigned char)rb;
        return 1;
    }
    int n = t->piece_len[token] < cap ? t->piece_len[token] : cap;
    memcpy(out, t->piece[token], (size_t)n);
    return n;
}

static int lookup(const rt_tokenizer *t, const char *s) {
    int lo = 0, hi = t->vocab - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2, c = strcmp(s, t->piece[t->sorted[mid]]);
        if (!c) return t->sorted[mid];
        if (c < 0)
            hi = mid - 1;
        else
            lo = mid + 1;
    }
    return -1;
}

int rt_tokenizer_encode_alloc(const rt_tokenizer *t, const unsigned char *text, size_t len, int **tokens,
                              rt_err *e) {
    *tokens = NULL;
    if (t->gguf) return rt_tok_encode(t->gguf, text, len, 0, 0, tokens, e);
    *tokens = malloc((len ? len : 1) * sizeof **tokens);
    if (!*tokens) return rt_fail(e, LPCS_ENOMEM, "out of memory");
    int n = rt_tokenizer_encode(t, text, len, *tokens, e);
    if (n < 0) {
        free(*tokens);
        *tokens = NULL;
    }
    return n;
}

int rt_tokenizer_encode(const rt_tokenizer *t, const unsigned char *text, size_t len, int *tokens, rt_err *e) {
    if (len > (1u << 30)) return rt_fail(e, LPCS_ERANGE, "text too long to encode (%zu bytes)", len);
    if (t->gguf) {
        int *ids;
        int n = rt_tok_encode(t->gguf, text, len, 0, 0, &ids, e);
        if (n < 0) return n;
        if ((size_t)n > len) {
            free(ids);
            return rt_fail(e, LPCS_ERANGE, "text of %zu bytes encodes to %d tokens (more than bytes)", len, n);
        }
        memcpy(tokens, ids, (size_t)n * sizeof *ids);
        free(ids);
        return n;
    }
    int n = 0;
    for (size_t i = 0; i < len; i++) {
        int tok = t->byte_token[text[i]];
        if (tok < 0) return rt_fail(e, LPCS_EFORMAT, "byte 0x%02x at offset %zu has no token", text[i], i);
        tokens[n++] = tok;
    }
    /* llama2.c merges: repeatedly merge the adjacent pair with the best score. */
    char *buf = malloc(2 * (size_t)t->max_len + 1);
    if (!buf) return rt_fail(e, LPCS_ENOMEM, "out of memory");
    for (;;) {
        float best = -1e30f;
        int best_id = -1, best_i = -1;
        for (int i = 0; i + 1 < n; i++) {
            int la = t->piece_len[tokens[i]], lb = t->piece_len[tokens[i + 1]];
            if (la + lb > t->max_len) continue;
            memcpy(buf, t->piece[tokens[i]], (size_t)la);
            memcpy(buf + la, t->piece[tokens[i + 1]], (size_t)lb);
            buf[la + lb] = 0;
            int id = lookup(t, buf);
            if (id >= 0 && t->score[id] > best) {
                best = t->score[id];
                best_id = id;
                best_i = i;
            }
        }
        if (best_i < 0) break;
        tokens[best_i] = best_id;
        memmove(tokens + best_i + 1, tokens + best_i + 2, (size_t)(n - best_i - 2) * sizeof *tokens);
        n--;
    }
    free(buf);
    return n;
}
