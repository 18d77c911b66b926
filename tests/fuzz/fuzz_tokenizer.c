/* libFuzzer harness: the GGUF tokenizers (sw_runtime/tokenizer_vocab.h) on
 * arbitrary text and arbitrary vocabularies. The first input byte picks:
 *   0  SentencePiece vocabulary (built in), encode the rest
 *   1  byte-level BPE, gpt-2 pre-tokenizer   (built in vocabulary)
 *   2  byte-level BPE, llama-bpe pre-tokenizer
 *   3  byte-level BPE, qwen2 pre-tokenizer
 *   4  a vocabulary from the input: lines up to the first NUL are tokens
 *      (a line starting with '#' is a merge, '!' a control token), the rest
 *      is the text; model llama or gpt2 by the second byte
 * Then encode with every add_special/parse_special combination and
 * decode every id. The built-in vocabularies are built once
 * (LLVMFuzzerInitialize); an input vocabulary is built per input. Oracle-free checks: no crash, ids in range, and for the
 * BPE vocabularies (all 256 byte tokens present, no special text inside)
 * the pieces give back exactly the UTF-8 the pre-tokenizer saw. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tokenizer_pretok.h"
#include "tokenizer_vocab.h"

#define MAXTOK 600

typedef struct {
    const char *tok[MAXTOK];
    char store[MAXTOK][16];
    float score[MAXTOK];
    int32_t type[MAXTOK];
    const char *merge[32];
    int n, nm;
} builtin;

static void add(builtin *b, const char *s, float score, int type)
{
    snprintf(b->store[b->n], sizeof b->store[b->n], "%s", s);
    b->tok[b->n] = b->store[b->n];
    b->score[b->n] = score;
    b->type[b->n] = type;
    b->n++;
}

static void build_spm(builtin *b)
{
    memset(b, 0, sizeof *b);
    add(b, "<unk>", 0, RT_TOKTYPE_UNKNOWN);
    add(b, "<s>", 0, RT_TOKTYPE_CONTROL);
    add(b, "</s>", 0, RT_TOKTYPE_CONTROL);
    for (int i = 0; i < 256; i++) {
        char s[8];
        snprintf(s, sizeof s, "<0x%02X>", i);
        add(b, s, 0, RT_TOKTYPE_BYTE);
    }
    static const char *const P[] = {"\xE2\x96\x81", "\xE2\x96\x81t", "h", "e", "he", "\xE2\x96\x81the", "t", "a",
                                    "\xE2\x96\x81" "a", "n", "an", "\xC3\xA9", "\xF0\x9F\xA6\x99", "<tool>"};
    for (size_t i = 0; i < sizeof P / sizeof P[0]; i++)
        add(b, P[i], -(float)i, i + 1 == sizeof P / sizeof P[0] ? RT_TOKTYPE_USER_DEFINED : RT_TOKTYPE_NORMAL);
}

static void build_bpe(builtin *b)
{
    memset(b, 0, sizeof *b);
    for (int i = 0; i < 256; i++) {
        unsigned char u[4];
        int n = rt_utf8_encode(rt_byte_to_cpt((unsigned char)i), u);
        char s[8] = {0};
        memcpy(s, u, (size_t)n);
        add(b, s, 0, RT_TOKTYPE_NORMAL);
    }
    static const char *const M[] = {"\xC4\xA0 t", "h e", "\xC4\xA0t he", "i n", "\xC4\xA0 a", "a n", "1 2", "12 3"};
    static const char *const T[] = {"\xC4\xA0t", "he", "\xC4\xA0the", "in", "\xC4\xA0" "a", "an", "12", "123"};
    for (size_t i = 0; i < sizeof M / sizeof M[0]; i++) {
        b->merge[b->nm++] = M[i];
        add(b, T[i], 0, RT_TOKTYPE_NORMAL);
    }
    add(b, "<|endoftext|>", 0, RT_TOKTYPE_CONTROL);
}

static void exercise(const rt_tok *t, const uint8_t *text, size_t len, int check_roundtrip)
{
    for (int mode = 0; mode < 4; mode++) {
        int *ids = NULL;
        rt_err e = {0, ""};
        int n = rt_tok_encode(t, text, len, mode & 1, mode >> 1, &ids, &e);
        if (n < 0) {
            if (!e.msg[0])
                abort(); /* a failure must say why */
            continue;
        }
        size_t cap = 8 * len + 64, k = 0;
        unsigned char *out = malloc(cap);
        if (!out)
            abort();
        for (int i = 0; i < n; i++) {
            if (ids[i] < 0 || ids[i] >= rt_tok_n_tokens(t))
                abort();
            unsigned char piece[64];
            int m = rt_tok_piece(t, ids[i], 0, piece, sizeof piece);
            if (m < 0)
                abort();
            for (int j = 0; j < m && j < (int)sizeof piece && k < cap; j++)
                out[k++] = piece[j];
        }
        if (check_roundtrip && mode == 0) {
            /* the pieces spell the text as decoded and re-encoded as UTF-8 */
            uint32_t *cp = malloc((len + 1) * sizeof *cp);
            unsigned char *re = malloc(4 * len + 4);
            size_t nc = rt_utf8_decode(text, len, cp), rl = 0;
            for (size_t i = 0; i < nc; i++)
                rl += (size_t)rt_utf8_encode(cp[i], re + rl);
            if (rl != k || memcmp(re, out, k) != 0)
                abort();
            free(cp);
            free(re);
        }
        free(out);
        free(ids);
    }
}

/* The four built-in tokenizers do not depend on the input: built once
 * (building them per input was most of the harness's time), checked once. */
static rt_tok *builtin_tok[4];

static void check_byte_tokens(const rt_tok *t)
{
    for (int b2 = 0; b2 < 256; b2++) {
        int id = rt_tok_byte_token(t, (unsigned char)b2);
        if (id < -1 || id >= rt_tok_n_tokens(t))
            abort();
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    builtin *b = malloc(sizeof *b);
    if (!b)
        abort();
    for (int sel = 0; sel < 4; sel++) {
        rt_vocab v;
        memset(&v, 0, sizeof v);
        v.bos = v.eos = v.unk = v.add_bos = v.add_eos = v.add_space_prefix = RT_VOCAB_UNSET;
        if (sel == 0) {
            build_spm(b);
            v.model = "llama";
        } else {
            build_bpe(b);
            v.model = "gpt2";
            v.pre = sel == 1 ? "gpt-2" : sel == 2 ? "llama-bpe" : "qwen2";
            v.merges = b->merge;
            v.n_merges = b->nm;
        }
        v.n_tokens = b->n;
        v.tokens = b->tok;
        v.scores = b->score;
        v.types = b->type;
        rt_err e = {0, ""};
        if (!(builtin_tok[sel] = rt_tok_create(&v, &e))) /* rt_tok_create copies the vocabulary */
            abort();
        check_byte_tokens(builtin_tok[sel]);
    }
    free(b);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1 << 16)
        return 0;
    int sel = data[0] % 5;
    data++, size--;
    if (sel <= 3) {
        /* control text is not cut out without parse_special: round trip for BPE */
        exercise(builtin_tok[sel], data, size, sel >= 1);
        return 0;
    }
    if (size < 1)
        return 0;
    rt_vocab v;
    memset(&v, 0, sizeof v);
    v.bos = v.eos = v.unk = v.add_bos = v.add_eos = v.add_space_prefix = RT_VOCAB_UNSET;
    v.model = data[0] & 1 ? "gpt2" : "llama";
    v.pre = data[0] & 2 ? "llama-bpe" : "gpt-2";
    const uint8_t *nul = memchr(data + 1, 0, size - 1);
    size_t vl = nul ? (size_t)(nul - data - 1) : size - 1;
    char *copy = malloc(vl + 1);
    const char **toks = calloc(vl + 2, sizeof *toks), **merges = calloc(vl + 2, sizeof *merges);
    int32_t *types = calloc(vl + 2, sizeof *types);
    if (!copy || !toks || !merges || !types)
        abort();
    memcpy(copy, data + 1, vl);
    copy[vl] = 0;
    for (char *save = NULL, *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#') {
            merges[v.n_merges++] = line + 1;
        } else {
            types[v.n_tokens] = line[0] == '!' ? RT_TOKTYPE_CONTROL : RT_TOKTYPE_NORMAL;
            toks[v.n_tokens++] = line;
        }
    }
    v.tokens = toks;
    v.types = types;
    v.merges = merges;
    const uint8_t *text = nul ? nul + 1 : data + size;
    size_t len = nul ? size - (size_t)(nul + 1 - data) : 0;
    rt_err e = {0, ""};
    rt_tok *t = rt_tok_create(&v, &e);
    if (!t) {
        if (!e.msg[0])
            abort();
    } else {
        exercise(t, text, len, 0);
        check_byte_tokens(t);
        rt_tok_free(t);
    }
    free(copy);
    free(toks);
    free(merges);
    free(types);
    return 0;
}
