#include "tokenizer_vocab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tokenizer_pretok.h"

enum { KIND_SPM, KIND_BPE };

/* Token attributes as llama.cpp derives them from token types (bits). */
enum {
    A_UNKNOWN = 1 << 0,
    A_UNUSED = 1 << 1,
    A_NORMAL = 1 << 2,
    A_CONTROL = 1 << 3,
    A_USER_DEFINED = 1 << 4,
    A_BYTE = 1 << 5,
    A_LSTRIP = 1 << 6, /* strip white space left of the token */
    A_RSTRIP = 1 << 7, /* ... and right of it */
};

static unsigned attr_of_type(int32_t type)
{
    switch (type) {
    case RT_TOKTYPE_NORMAL: return A_NORMAL;
    case RT_TOKTYPE_UNKNOWN: return A_UNKNOWN;
    case RT_TOKTYPE_CONTROL: return A_CONTROL;
    case RT_TOKTYPE_USER_DEFINED: return A_USER_DEFINED;
    case RT_TOKTYPE_UNUSED: return A_UNUSED;
    case RT_TOKTYPE_BYTE: return A_BYTE;
    default: return 0; /* undefined */
    }
}

/* End-of-generation texts llama.cpp marks as control tokens whatever their
 * type says (which changes how text containing them is split). */
static const char *const EOG_TEXTS[] = {
    "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>",
    "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]",
    "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>",
    "<\xef\xbd\x9c" "end\xe2\x96\x81" "of\xe2\x96\x81" "sentence\xef\xbd\x9c>", "[e~[",
};

/* String -> int map with open addressing (FNV-1a). Keys point into storage
 * owned by the tokenizer. */
typedef struct {
    const unsigned char *key;
    uint32_t len;
    int32_t val;
} slot;

typedef struct {
    slot *s;
    size_t mask;
} strmap;

struct rt_tok {
    int kind;
    rt_pretok pre;
    int n;
    unsigned char **text; /* token texts (copies) */
    uint32_t *len;
    float *score;
    uint8_t *attr;
    strmap by_text;
    /* merges: key "left" 0xFF "right" (0xFF never occurs in UTF-8) */
    unsigned char **merge_key;
    int n_merges;
    strmap merge_rank;
    int bos, eos, unk, add_bos, add_eos, add_space_prefix, ignore_merges;
    int *special;         /* ids cut out of the text first, longest first */
    int n_special;
    int byte_tok[256];    /* SPM byte fallback */
};

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

static int strmap_init(strmap *m, size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n + 16)
        cap *= 2;
    m->s = malloc(cap * sizeof *m->s);
    if (!m->s)
        return -1;
    for (size_t i = 0; i < cap; i++)
        m->s[i].val = -1;
    m->mask = cap - 1;
    return 0;
}

static slot *strmap_slot(const strmap *m, const unsigned char *k, size_t n)
{
    size_t i = (size_t)fnv1a(k, n) & m->mask;
    while (m->s[i].val >= 0 && !(m->s[i].len == n && memcmp(m->s[i].key, k, n) == 0))
        i = (i + 1) & m->mask;
    return &m->s[i];
}

static int strmap_get(const strmap *m, const unsigned char *k, size_t n)
{
    return strmap_slot(m, k, n)->val;
}

/* overwrite: later keys replace earlier ones (llama.cpp's token_to_id);
 * otherwise the first one stays (its bpe_ranks.emplace). */
static void strmap_put(strmap *m, const unsigned char *k, size_t n, int v, int overwrite)
{
    slot *s = strmap_slot(m, k, n);
    if (s->val >= 0 && !overwrite)
        return;
    s->key = k;
    s->len = (uint32_t)n;
    s->val = v;
}

void rt_tok_free(rt_tok *t)
{
    if (!t)
        return;
    if (t->text)
        for (int i = 0; i < t->n; i++)
            free(t->text[i]);
    if (t->merge_key)
        for (int i = 0; i < t->n_merges; i++)
            free(t->merge_key[i]);
    free(t->text);
    free(t->len);
    free(t->score);
    free(t->attr);
    free(t->by_text.s);
    free(t->merge_key);
    free(t->merge_rank.s);
    free(t->special);
    free(t);
}

int rt_tok_n_tokens(const rt_tok *t) { return t->n; }
int rt_tok_bos(const rt_tok *t) { return t->bos; }
int rt_tok_eos(const rt_tok *t) { return t->eos; }
int rt_tok_add_bos(const rt_tok *t) { return t->add_bos; }

static int pre_by_name(const char *pre, rt_pretok *out)
{
    static const struct { const char *name; rt_pretok kind; } PRE[] = {
        {"gpt-2", RT_PRETOK_GPT2},      {"phi-2", RT_PRETOK_GPT2},     {"mpt", RT_PRETOK_GPT2},
        {"olmo", RT_PRETOK_GPT2},       {"jais", RT_PRETOK_GPT2},      {"trillion", RT_PRETOK_GPT2},
        {"jina-es", RT_PRETOK_GPT2},    {"jina-de", RT_PRETOK_GPT2},   {"gigachat", RT_PRETOK_GPT2},
        {"jina-v2-es", RT_PRETOK_GPT2}, {"jina-v2-de", RT_PRETOK_GPT2}, {"a.x-4.0", RT_PRETOK_GPT2},
        {"mellum", RT_PRETOK_GPT2},     {"modern-bert", RT_PRETOK_GPT2},
        {"llama3", RT_PRETOK_LLAMA3},   {"llama-v3", RT_PRETOK_LLAMA3}, {"llama-bpe", RT_PRETOK_LLAMA3},
        {"falcon3", RT_PRETOK_LLAMA3},  {"falcon-h1", RT_PRETOK_LLAMA3}, {"pixtral", RT_PRETOK_LLAMA3},
        {"midm-2.0", RT_PRETOK_LLAMA3}, {"lfm2", RT_PRETOK_LLAMA3},    {"dbrx", RT_PRETOK_LLAMA3},
        {"smaug-bpe", RT_PRETOK_LLAMA3},
        {"qwen2", RT_PRETOK_QWEN2},     {"deepseek-r1-qwen", RT_PRETOK_QWEN2}, {"stablelm2", RT_PRETOK_QWEN2},
        {"hunyuan", RT_PRETOK_QWEN2},
        {"starcoder", RT_PRETOK_DIGITS_GPT2}, {"refact", RT_PRETOK_DIGITS_GPT2},
        {"command-r", RT_PRETOK_DIGITS_GPT2}, {"smollm", RT_PRETOK_DIGITS_GPT2},
        {"codeshell", RT_PRETOK_DIGITS_GPT2}, {"exaone", RT_PRETOK_DIGITS_GPT2},
        {"minerva-7b", RT_PRETOK_DIGITS_GPT2}, {"mellum2", RT_PRETOK_DIGITS_GPT2},
        {"exaone4", RT_PRETOK_GPT2}, {"megrez", RT_PRETOK_QWEN2},
    };
    for (size_t i = 0; i < sizeof PRE / sizeof PRE[0]; i++)
        if (strcmp(pre, PRE[i].name) == 0) {
            *out = PRE[i].kind;
            return 0;
        }
    return -1;
}

static unsigned char *copy_bytes(const char *s, size_t n)
{
    unsigned char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = 0;
    }
    return p;
}

/* Longest first; ties by id (llama.cpp's sort leaves ties unspecified). */
static void sort_special(rt_tok *t)
{
    for (int i = 1; i < t->n_special; i++) { /* insertion sort: few ids */
        int id = t->special[i], j = i;
        while (j > 0 && t->len[t->special[j - 1]] < t->len[id]) {
            t->special[j] = t->special[j - 1];
            j--;
        }
        t->special[j] = id;
    }
}

static int contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; hay && *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] && (hay[i] | 0x20) == (needle[i] | 0x20))
            i++;
        if (i == n)
            return 1;
    }
    return 0;
}

static void set_attr(rt_tok *t, const char *text, unsigned bit, int on)
{
    int id = strmap_get(&t->by_text, (const unsigned char *)text, strlen(text));
    if (id >= 0)
        t->attr[id] = (uint8_t)(on ? t->attr[id] | bit : t->attr[id] & ~bit);
}

/* White-space stripping around special tokens that llama.cpp sets by
 * model or pre-tokenizer name (no GGUF key carries it). */
static void set_strip_rules(rt_tok *t, const rt_vocab *v)
{
    const char *pre = v->pre ? v->pre : "";
    if (contains_ci(pre, "jina-v2-de") || contains_ci(pre, "jina-v2-es") || contains_ci(pre, "jina-v2-code")) {
        set_attr(t, "<mask>", A_LSTRIP, 1);
    } else if (contains_ci(v->name, "phi-3") || contains_ci(v->name, "phi3")) {
        for (int k = 0; k < t->n_special; k++)
            t->attr[t->special[k]] |= A_RSTRIP;
        set_attr(t, "</s>", A_RSTRIP, 1);
        set_attr(t, "<unk>", A_RSTRIP, 0);
        set_attr(t, "<s>", A_RSTRIP, 0);
        set_attr(t, "<|endoftext|>", A_RSTRIP, 0);
    } else if (contains_ci(v->name, "modern-bert")) {
        set_attr(t, "[MASK]", A_LSTRIP, 1);
    }
}

static int is_c_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

rt_tok *rt_tok_create(const rt_vocab *v, rt_err *e)
{
    if (!v || !v->model || v->n_tokens <= 0 || !v->tokens) {
        rt_fail(e, LPCS_EFORMAT, "tokenizer: no vocabulary (tokenizer.ggml.model / tokens missing)");
        return NULL;
    }
    rt_tok *t = calloc(1, sizeof *t);
    if (!t) {
        rt_fail(e, LPCS_ENOMEM, "tokenizer: out of memory");
        return NULL;
    }
    if (strcmp(v->model, "llama") == 0) {
        t->kind = KIND_SPM;
        t->bos = 1, t->eos = 2, t->unk = 0;
        t->add_bos = 1, t->add_eos = 0, t->add_space_prefix = 1;
    } else if (strcmp(v->model, "gpt2") == 0) {
        t->kind = KIND_BPE;
        t->bos = 11, t->eos = 11, t->unk = -1;
        t->add_bos = 0, t->add_eos = 0, t->add_space_prefix = 0;
        const char *pre = v->pre ? v->pre : "default";
        if (pre_by_name(pre, &t->pre) != 0) {
            rt_fail(e, LPCS_EUNSUPPORTED,
                    "tokenizer: pre-tokenizer \"%s\" is not supported (supported: gpt-2, llama-bpe, qwen2, starcoder/refact/command-r and their aliases)",
                    pre);
            rt_tok_free(t);
            return NULL;
        }
        if (t->pre == RT_PRETOK_LLAMA3) {
            t->ignore_merges = 1;
            t->add_bos = 1;
        }
    } else {
        rt_fail(e, LPCS_EUNSUPPORTED, "tokenizer: model \"%s\" is not supported (llama, gpt2)", v->model);
        rt_tok_free(t);
        return NULL;
    }
    if (v->bos != RT_VOCAB_UNSET) t->bos = v->bos;
    if (v->eos != RT_VOCAB_UNSET) t->eos = v->eos;
    if (v->unk != RT_VOCAB_UNSET) t->unk = v->unk;
    if (v->add_bos != RT_VOCAB_UNSET) t->add_bos = v->add_bos != 0;
    if (v->add_eos != RT_VOCAB_UNSET) t->add_eos = v->add_eos != 0;
    if (t->kind == KIND_SPM && v->add_space_prefix != RT_VOCAB_UNSET)
        t->add_space_prefix = v->add_space_prefix != 0;

    int n = t->n = v->n_tokens;
    t->text = calloc((size_t)n, sizeof *t->text);
    t->len = calloc((size_t)n, sizeof *t->len);
    t->score = calloc((size_t)n, sizeof *t->score);
    t->attr = calloc((size_t)n, sizeof *t->attr);
    t->special = calloc((size_t)n, sizeof *t->special);
    if (!t->text || !t->len || !t->score || !t->attr || !t->special || strmap_init(&t->by_text, (size_t)n)) {
        rt_fail(e, LPCS_ENOMEM, "tokenizer: out of memory for %d tokens", n);
        rt_tok_free(t);
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        const char *s = v->tokens[i];
        if (!s) {
            rt_fail(e, LPCS_EFORMAT, "tokenizer: token %d has no text", i);
            rt_tok_free(t);
            return NULL;
        }
        size_t len = v->token_len ? v->token_len[i] : strlen(s);
        char empty[32];
        if (len == 0) { /* as llama.cpp: an empty token gets a placeholder text */
            len = (size_t)snprintf(empty, sizeof empty, "[EMPTY_%d]", i);
            s = empty;
        }
        t->text[i] = copy_bytes(s, len);
        if (!t->text[i]) {
            rt_fail(e, LPCS_ENOMEM, "tokenizer: out of memory");
            rt_tok_free(t);
            return NULL;
        }
        t->len[i] = (uint32_t)len;
        t->score[i] = v->scores ? v->scores[i] : 0.0f;
        t->attr[i] = (uint8_t)attr_of_type(v->types ? v->types[i] : RT_TOKTYPE_NORMAL);
        strmap_put(&t->by_text, t->text[i], len, i, 1);
    }
    for (size_t k = 0; k < sizeof EOG_TEXTS / sizeof EOG_TEXTS[0]; k++) {
        int id = strmap_get(&t->by_text, (const unsigned char *)EOG_TEXTS[k], strlen(EOG_TEXTS[k]));
        if (id >= 0)
            t->attr[id] |= A_CONTROL;
    }
    for (int i = 0; i < n; i++)
        if (t->attr[i] & (A_CONTROL | A_USER_DEFINED | A_UNKNOWN))
            t->special[t->n_special++] = i;
    set_strip_rules(t, v);
    sort_special(t);
    if (t->bos >= n || t->bos < -1) t->bos = -1;
    if (t->eos >= n || t->eos < -1) t->eos = -1;
    if (t->unk >= n || t->unk < -1) t->unk = -1;

    if (t->kind == KIND_BPE) {
        if (v->n_merges < 0 || (v->n_merges > 0 && !v->merges)) {
            rt_fail(e, LPCS_EFORMAT, "tokenizer: gpt2 vocabulary without merges");
            rt_tok_free(t);
            return NULL;
        }
        t->merge_key = calloc((size_t)v->n_merges + 1, sizeof *t->merge_key);
        if (!t->merge_key || strmap_init(&t->merge_rank, (size_t)v->n_merges)) {
            rt_fail(e, LPCS_ENOMEM, "tokenizer: out of memory for %d merges", v->n_merges);
            rt_tok_free(t);
            return NULL;
        }
        for (int i = 0; i < v->n_merges; i++) {
            const char *m = v->merges[i] ? v->merges[i] : "";
            size_t len = v->merge_len ? v->merge_len[i] : strlen(m);
            /* split at the first space after the first byte (llama.cpp);
             * no space: an empty pair, as there */
            const char *sp = len > 1 ? memchr(m + 1, ' ', len - 1) : NULL;
            size_t keylen = sp ? len : 0;
            unsigned char *key = malloc(keylen + 1);
            if (!key) {
                rt_fail(e, LPCS_ENOMEM, "tokenizer: out of memory");
                rt_tok_free(t);
                return NULL;
            }
            if (sp) {
                memcpy(key, m, len);
                key[sp - m] = 0xFF;
            }
            t->merge_key[t->n_merges++] = key;
            strmap_put(&t->merge_rank, key, keylen, i, 0);
        }
    }
    for (int b = 0; b < 256; b++) {
        char hex[8];
        snprintf(hex, sizeof hex, "<0x%02X>", b);
        int id = strmap_get(&t->by_text, (const unsigned char *)hex, 6);
        if (id < 0) {
            unsigned char c = (unsigned char)b;
            id = strmap_get(&t->by_text, &c, 1);
        }
        t->byte_tok[b] = id;
    }
    return t;
}

/* ---- growable id output ---- */
typedef struct {
    int *ids;
    size_t n, cap;
    int failed;
} idvec;

static void push(idvec *o, int id)
{
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 256;
        int *p = realloc(o->ids, cap * sizeof *p);
        if (!p) {
            o->failed = 1;
            return;
        }
        o->ids = p;
        o->cap = cap;
    }
    o->ids[o->n++] = id;
}

/* ---- symbols and the merge queue shared by SPM and BPE ---- */
typedef struct {
    const unsigned char *text;
    size_t n;
    int prev, next;
} symbol;

typedef struct {
    double prio; /* lower first: -score (SPM) or rank (BPE) */
    int left, right;
    size_t size;
} bigram;

typedef struct {
    bigram *h;
    size_t n, cap;
    int failed;
} heap;

static int before(const bigram *a, const bigram *b)
{
    return a->prio < b->prio || (a->prio == b->prio && a->left < b->left);
}

static void heap_push(heap *q, bigram b)
{
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 64;
        bigram *p = realloc(q->h, cap * sizeof *p);
        if (!p) {
            q->failed = 1;
            return;
        }
        q->h = p;
        q->cap = cap;
    }
    size_t i = q->n++;
    while (i > 0 && before(&b, &q->h[(i - 1) / 2])) {
        q->h[i] = q->h[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    q->h[i] = b;
}

static bigram heap_pop(heap *q)
{
    bigram top = q->h[0], last = q->h[--q->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= q->n)
            break;
        if (c + 1 < q->n && before(&q->h[c + 1], &q->h[c]))
            c++;
        if (!before(&q->h[c], &last))
            break;
        q->h[i] = q->h[c];
        i = c;
    }
    if (q->n)
        q->h[i] = last;
    return top;
}

/* Length of a UTF-8 sequence from its lead byte (llama.cpp: high nibble). */
static size_t lead_len(unsigned char c)
{
    static const unsigned char L[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};
    return L[c >> 4];
}

static size_t split_chars(const unsigned char *s, size_t len, symbol *sym)
{
    size_t n = 0;
    for (size_t off = 0; off < len;) {
        size_t k = lead_len(s[off]);
        if (k > len - off)
            k = len - off;
        sym[n].text = s + off;
        sym[n].n = k;
        sym[n].prev = (int)n - 1;
        off += k;
        sym[n].next = off == len ? -1 : (int)n + 1;
        n++;
    }
    return n;
}

static void merge_pair(symbol *sym, int left)
{
    symbol *l = &sym[left], *r = &sym[l->next];
    l->n += r->n;
    r->n = 0;
    l->next = r->next;
    if (r->next >= 0)
        sym[r->next].prev = left;
}

/* ---- SentencePiece-style ---- */
static void spm_try_bigram(const rt_tok *t, symbol *sym, heap *q, int left, int right)
{
    if (left < 0 || right < 0)
        return;
    size_t n = sym[left].n + sym[right].n;
    int id = strmap_get(&t->by_text, sym[left].text, n);
    if (id < 0)
        return;
    heap_push(q, (bigram){-(double)t->score[id], left, right, n});
}

static int spm_encode(const rt_tok *t, const unsigned char *s, size_t len, idvec *out)
{
    if (len == 0)
        return 0;
    symbol *sym = malloc(len * sizeof *sym);
    heap q = {0};
    if (!sym)
        return -1;
    size_t ns = split_chars(s, len, sym);
    for (size_t i = 1; i < ns; i++)
        spm_try_bigram(t, sym, &q, (int)i - 1, (int)i);
    while (q.n && !q.failed) {
        bigram b = heap_pop(&q);
        if (sym[b.left].n == 0 || sym[b.right].n == 0 || sym[b.left].n + sym[b.right].n != b.size)
            continue;
        merge_pair(sym, b.left);
        spm_try_bigram(t, sym, &q, sym[b.left].prev, b.left);
        spm_try_bigram(t, sym, &q, b.left, sym[b.left].next);
    }
    /* every merged symbol is a token; a single character that is not one
     * falls back to its bytes */
    for (int i = 0; i != -1; i = sym[i].next) {
        int id = strmap_get(&t->by_text, sym[i].text, sym[i].n);
        if (id >= 0) {
            push(out, id);
            continue;
        }
        for (size_t j = 0; j < sym[i].n; j++) {
            int b = t->byte_tok[sym[i].text[j]];
            if (b < 0)
                b = t->unk; /* llama.cpp throws here; lpcs maps to <unk> */
            if (b >= 0)
                push(out, b);
        }
    }
    int failed = q.failed;
    free(q.h);
    free(sym);
    return failed ? -1 : 0;
}

/* ---- byte-level BPE ---- */
static int merge_rank(const rt_tok *t, const symbol *a, const symbol *b, unsigned char *buf)
{
    memcpy(buf, a->text, a->n);
    buf[a->n] = 0xFF;
    memcpy(buf + a->n + 1, b->text, b->n);
    return strmap_get(&t->merge_rank, buf, a->n + b->n + 1);
}

static void bpe_try_bigram(const rt_tok *t, symbol *sym, heap *q, int left, int right, unsigned char *buf)
{
    if (left < 0 || right < 0)
        return;
    int rank = merge_rank(t, &sym[left], &sym[right], buf);
    if (rank < 0)
        return;
    heap_push(q, (bigram){(double)rank, left, right, sym[left].n + sym[right].n});
}

/* One pre-tokenized, byte-encoded word. */
static int bpe_word(const rt_tok *t, const unsigned char *w, size_t len, symbol *sym, heap *q,
                    unsigned char *buf, idvec *out)
{
    int id;
    if (t->ignore_merges && (id = strmap_get(&t->by_text, w, len)) >= 0) {
        push(out, id);
        return 0;
    }
    size_t ns = split_chars(w, len, sym);
    q->n = 0;
    for (size_t i = 1; i < ns; i++)
        bpe_try_bigram(t, sym, q, (int)i - 1, (int)i, buf);
    while (q->n && !q->failed) {
        bigram b = heap_pop(q);
        if (sym[b.left].n == 0 || sym[b.right].n == 0 || sym[b.left].n + sym[b.right].n != b.size)
            continue;
        merge_pair(sym, b.left);
        bpe_try_bigram(t, sym, q, sym[b.left].prev, b.left, buf);
        bpe_try_bigram(t, sym, q, b.left, sym[b.left].next, buf);
    }
    for (int i = 0; ns && i != -1; i = sym[i].next) {
        id = strmap_get(&t->by_text, sym[i].text, sym[i].n);
        if (id >= 0) {
            push(out, id);
            continue;
        }
        /* as llama.cpp: each byte of the symbol as a one-byte token, if any */
        for (size_t j = 0; j < sym[i].n; j++)
            if ((id = strmap_get(&t->by_text, sym[i].text + j, 1)) >= 0)
                push(out, id);
    }
    return q->failed ? -1 : 0;
}

static int bpe_encode(const rt_tok *t, const unsigned char *s, size_t len, idvec *out)
{
    if (len == 0)
        return 0;
    int rc = -1;
    uint32_t *cpts = malloc(len * sizeof *cpts);
    size_t *wlen = malloc(len * sizeof *wlen);
    unsigned char *word = NULL, *buf = NULL;
    symbol *sym = NULL;
    heap q = {0};
    if (!cpts || !wlen)
        goto done;
    size_t n = rt_utf8_decode(s, len, cpts);
    size_t nw = rt_pretok_split(t->pre, cpts, n, wlen), maxw = 0;
    for (size_t w = 0; w < nw; w++)
        if (wlen[w] > maxw)
            maxw = wlen[w];
    /* per code point at most 4 UTF-8 bytes, each byte-encoded into at most 2 */
    word = malloc(8 * maxw + 8);
    sym = malloc((8 * maxw + 1) * sizeof *sym);
    buf = malloc(16 * maxw + 16);
    if (!word || !sym || !buf)
        goto done;
    unsigned char enc[256][2], enc_len[256];
    for (int b = 0; b < 256; b++)
        enc_len[b] = (unsigned char)rt_utf8_encode(rt_byte_to_cpt((unsigned char)b), enc[b]);
    size_t at = 0;
    for (size_t w = 0; w < nw; w++) {
        size_t wl = 0;
        for (size_t k = at; k < at + wlen[w]; k++) {
            unsigned char u[4];
            int ul = rt_utf8_encode(cpts[k], u);
            for (int j = 0; j < ul; j++) {
                memcpy(word + wl, enc[u[j]], enc_len[u[j]]);
                wl += enc_len[u[j]];
            }
        }
        at += wlen[w];
        if (bpe_word(t, word, wl, sym, &q, buf, out))
            goto done;
    }
    rc = 0;
done:
    free(q.h);
    free(buf);
    free(sym);
    free(word);
    free(wlen);
    free(cpts);
    return rc;
}

/* ---- special tokens and the whole pipeline ---- */
typedef struct {
    int id;        /* >= 0: a special token; -1: raw text */
    size_t off, len;
} fragment;

typedef struct {
    fragment *f;
    size_t n, cap;
} fragvec;

static int frag_push(fragvec *v, fragment f)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 16;
        fragment *p = realloc(v->f, cap * sizeof *p);
        if (!p)
            return -1;
        v->f = p;
        v->cap = cap;
    }
    v->f[v->n++] = f;
    return 0;
}

static const unsigned char *find_bytes(const unsigned char *h, size_t hn, const unsigned char *nd, size_t nn)
{
    if (nn == 0 || nn > hn)
        return NULL;
    for (const unsigned char *p = h; (p = memchr(p, nd[0], hn - (size_t)(p - h) - nn + 1)); p++)
        if (memcmp(p, nd, nn) == 0)
            return p;
    return NULL;
}

/* Cuts every occurrence of each special token (longest first) out of the raw fragments. */
static int partition(const rt_tok *t, const unsigned char *text, size_t len, int parse_special, fragvec *out)
{
    fragvec cur = {0}, next = {0};
    if (len && frag_push(&cur, (fragment){-1, 0, len}))
        return -1;
    for (int k = 0; k < t->n_special; k++) {
        int id = t->special[k];
        if (!parse_special && (t->attr[id] & (A_CONTROL | A_UNKNOWN)))
            continue;
        next.n = 0;
        for (size_t i = 0; i < cur.n; i++) {
            fragment f = cur.f[i];
            if (f.id >= 0) {
                if (frag_push(&next, f)) goto oom;
                continue;
            }
            size_t off = f.off, end = f.off + f.len;
            const unsigned char *m;
            while ((m = find_bytes(text + off, end - off, t->text[id], t->len[id]))) {
                size_t at = (size_t)(m - text), left_end = at;
                if (t->attr[id] & A_LSTRIP)
                    while (left_end > off && is_c_space(text[left_end - 1]))
                        left_end--;
                if (left_end > off && frag_push(&next, (fragment){-1, off, left_end - off})) goto oom;
                if (frag_push(&next, (fragment){id, 0, 0})) goto oom;
                off = at + t->len[id];
                if (t->attr[id] & A_RSTRIP)
                    while (off < end && is_c_space(text[off]))
                        off++;
            }
            if (off < end && frag_push(&next, (fragment){-1, off, end - off})) goto oom;
        }
        fragvec tmp = cur;
        cur = next;
        next = tmp;
    }
    free(next.f);
    *out = cur;
    return 0;
oom:
    free(cur.f);
    free(next.f);
    return -1;
}

int rt_tok_encode(const rt_tok *t, const unsigned char *text, size_t len, int add_special,
                  int parse_special, int **ids, rt_err *e)
{
    idvec out = {0};
    fragvec fr = {0};
    unsigned char *buf = NULL;
    *ids = NULL;
    if (partition(t, text, len, parse_special, &fr))
        goto oom;
    if (add_special && t->add_bos && t->bos >= 0)
        push(&out, t->bos);
    int prev_special = 1; /* SPM: a space prefix before the first text */
    for (size_t i = 0; i < fr.n; i++) {
        fragment f = fr.f[i];
        if (f.id >= 0) {
            push(&out, f.id);
            prev_special = 1;
            continue;
        }
        if (t->kind == KIND_BPE) {
            if (bpe_encode(t, text + f.off, f.len, &out))
                goto oom;
            continue;
        }
        /* SPM: optional leading space, every space written as U+2581 */
        free(buf);
        buf = malloc(3 * f.len + 3);
        if (!buf)
            goto oom;
        size_t n = 0;
        if (t->add_space_prefix && prev_special)
            memcpy(buf, "\xE2\x96\x81", 3), n = 3;
        for (size_t j = 0; j < f.len; j++) {
            unsigned char c = text[f.off + j];
            if (c == ' ')
                memcpy(buf + n, "\xE2\x96\x81", 3), n += 3;
            else
                buf[n++] = c;
        }
        if (spm_encode(t, buf, n, &out))
            goto oom;
        prev_special = 0;
    }
    if (add_special && t->add_eos && t->eos >= 0)
        push(&out, t->eos);
    if (out.failed)
        goto oom;
    free(buf);
    free(fr.f);
    *ids = out.ids;
    if (out.n > (size_t)INT32_MAX) {
        free(out.ids);
        *ids = NULL;
        return rt_fail(e, LPCS_ERANGE, "tokenizer: text too long");
    }
    return (int)out.n;
oom:
    free(buf);
    free(fr.f);
    free(out.ids);
    return rt_fail(e, LPCS_ENOMEM, "tokenizer: out of memory for %zu bytes of text", len);
}

int rt_tok_byte_token(const rt_tok *t, unsigned char b)
{
    unsigned char u[4];
    int id, n;
    if (t->kind == KIND_SPM) {
        if (b == ' ')
            id = strmap_get(&t->by_text, (const unsigned char *)"\xE2\x96\x81", 3);
        else
            id = strmap_get(&t->by_text, &b, 1);
        return id >= 0 && (t->attr[id] & A_NORMAL) ? id : t->byte_tok[b];
    }
    n = rt_utf8_encode(rt_byte_to_cpt(b), u);
    id = strmap_get(&t->by_text, u, (size_t)n);
    return id >= 0 ? id : t->byte_tok[b];
}

static int put(unsigned char *out, int cap, int at, const unsigned char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (at + i < cap)
            out[at + i] = s[i];
    return at + n;
}

int rt_tok_piece(const rt_tok *t, int id, int special, unsigned char *out, int cap)
{
    if (id < 0 || id >= t->n)
        return -1;
    unsigned attr = t->attr[id];
    const unsigned char *s = t->text[id];
    int n = (int)t->len[id], k = 0;
    if (!special && (attr & (A_CONTROL | A_UNKNOWN)))
        return 0;
    if (attr & (A_CONTROL | A_UNKNOWN | A_USER_DEFINED))
        return put(out, cap, 0, s, n);
    if (attr & A_BYTE) {
        unsigned v = 0;
        for (int i = 3; i < 5 && i < n; i++) { /* "<0xXX>" */
            int c = s[i];
            v = v * 16 + (unsigned)(c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                    : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 0);
        }
        unsigned char b = (unsigned char)v;
        return put(out, cap, 0, &b, 1);
    }
    if (!(attr & A_NORMAL))
        return 0;
    if (t->kind == KIND_SPM) { /* U+2581 -> space */
        for (int i = 0; i < n;) {
            if (i + 3 <= n && memcmp(s + i, "\xE2\x96\x81", 3) == 0) {
                k = put(out, cap, k, (const unsigned char *)" ", 1);
                i += 3;
            } else {
                k = put(out, cap, k, s + i, 1);
                i++;
            }
        }
        return k;
    }
    /* byte-level BPE: each code point of the text is one byte */
    uint32_t *cp = malloc((size_t)n * sizeof *cp);
    if (!cp)
        return -1;
    size_t m = rt_utf8_decode(s, (size_t)n, cp);
    for (size_t j = 0; j < m; j++) {
        int b = rt_cpt_to_byte(cp[j]);
        if (b >= 0) {
            unsigned char c = (unsigned char)b;
            k = put(out, cap, k, &c, 1);
        } else { /* as llama.cpp: [UNK_BYTE_0x<utf8 hex><token text>] */
            unsigned char u[4];
            char hex[4];
            int ul = rt_utf8_encode(cp[j], u);
            k = put(out, cap, k, (const unsigned char *)"[UNK_BYTE_0x", 12);
            for (int x = 0; x < ul; x++) {
                snprintf(hex, sizeof hex, "%02x", u[x]);
                k = put(out, cap, k, (const unsigned char *)hex, 2);
            }
            k = put(out, cap, k, s, n);
            k = put(out, cap, k, (const unsigned char *)"]", 1);
        }
    }
    free(cp);
    return k;
}
