/* GGUF tokenizers (sw_runtime/tokenizer_vocab.h, tokenizer_pretok.h) on
 * small hand-built vocabularies, expectations derived by hand from the
 * SentencePiece / BPE rules and the pre-tokenizer regexes. No llama.cpp
 * needed; the comparison with llama.cpp itself is test-tokenizer-llama. */
#include "test_util.h"

#include "tokenizer_pretok.h"
#include "tokenizer_vocab.h"

/* ---- pre-tokenizers ---- */
static void expect_words(rt_pretok kind, const char *text, const char *const *want, size_t n_want)
{
    size_t len = strlen(text);
    uint32_t cp[256];
    size_t wl[256];
    size_t n = rt_utf8_decode((const unsigned char *)text, len, cp);
    size_t nw = rt_pretok_split(kind, cp, n, wl), at = 0;
    assert_int_equal(nw, n_want);
    for (size_t w = 0; w < nw; w++) {
        unsigned char buf[256];
        size_t bl = 0;
        for (size_t k = at; k < at + wl[w]; k++)
            bl += (size_t)rt_utf8_encode(cp[k], buf + bl);
        buf[bl] = 0;
        assert_string_equal((const char *)buf, want[w]);
        at += wl[w];
    }
    assert_int_equal(at, n);
}
#define WORDS(kind, text, ...) \
    do { \
        static const char *const W[] = {__VA_ARGS__}; \
        expect_words(kind, text, W, sizeof W / sizeof W[0]); \
    } while (0)

static void test_pretok_gpt2(void **state)
{
    (void)state;
    WORDS(RT_PRETOK_GPT2, "Hello world's  123 !!x\n\n", "Hello", " world", "'s", " ", " 123", " !!", "x", "\n\n");
    WORDS(RT_PRETOK_GPT2, "IT'S", "IT", "'", "S");
    WORDS(RT_PRETOK_GPT2, "a\xC2\xA0" "b", "a", "\xC2\xA0", "b");
    WORDS(RT_PRETOK_GPT2, "\xC3\xA9\xE6\xBC\xA2\xE5\xAD\x97\xD9\xA3", "\xC3\xA9\xE6\xBC\xA2\xE5\xAD\x97", "\xD9\xA3");
}

static void test_pretok_llama3_qwen2(void **state)
{
    (void)state;
    WORDS(RT_PRETOK_LLAMA3, "Hello world's  123 !!x\n\n", "Hello", " world", "'s", " ", " ", "123", " !!", "x", "\n\n");
    WORDS(RT_PRETOK_LLAMA3, "IT'S", "IT", "'S");
    WORDS(RT_PRETOK_LLAMA3, "a\xC2\xA0" "b", "a", "\xC2\xA0" "b");
    WORDS(RT_PRETOK_LLAMA3, "\r\n  x", "\r\n", " ", " x");
    WORDS(RT_PRETOK_LLAMA3, "12345", "123", "45");
    WORDS(RT_PRETOK_QWEN2, "12345", "1", "2", "3", "4", "5");
    /* starcoder/refact/command-r: numbers alone first, then gpt2 in each piece */
    WORDS(RT_PRETOK_DIGITS_GPT2, "ab12 c  d", "ab", "1", "2", " c", " ", " d");
}

static void test_utf8_invalid(void **state)
{
    (void)state;
    uint32_t cp[8];
    /* stray continuation, truncated 3-byte sequence, then 'a' */
    size_t n = rt_utf8_decode((const unsigned char *)"\x80\xE2\x82" "a", 4, cp);
    assert_int_equal(n, 4);
    assert_int_equal(cp[0], 0xFFFD);
    assert_int_equal(cp[1], 0xFFFD);
    assert_int_equal(cp[2], 0xFFFD);
    assert_int_equal(cp[3], 'a');
    n = rt_utf8_decode((const unsigned char *)"\xE2\x82" "a", 3, cp);
    assert_int_equal(n, 3);
    assert_int_equal(cp[2], 'a');
    /* GPT-2's byte map: printable bytes map to themselves, space to U+0120 */
    assert_int_equal(rt_byte_to_cpt('A'), 'A');
    assert_int_equal(rt_byte_to_cpt(' '), 0x120);
    assert_int_equal(rt_byte_to_cpt('\n'), 0x10A);
    for (int b = 0; b < 256; b++)
        assert_int_equal(rt_cpt_to_byte(rt_byte_to_cpt((unsigned char)b)), b);
}

/* ---- SentencePiece ---- */
typedef struct {
    const char *tok[300];
    char store[300][12];
    float score[300];
    int32_t type[300];
    int n;
} vocab_builder;

static int add(vocab_builder *b, const char *s, float score, int type)
{
    snprintf(b->store[b->n], sizeof b->store[b->n], "%s", s);
    b->tok[b->n] = b->store[b->n];
    b->score[b->n] = score;
    b->type[b->n] = type;
    return b->n++;
}

static rt_vocab vocab_of(vocab_builder *b, const char *model)
{
    rt_vocab v = {0};
    v.model = model;
    v.n_tokens = b->n;
    v.tokens = b->tok;
    v.scores = b->score;
    v.types = b->type;
    v.bos = v.eos = v.unk = v.add_bos = v.add_eos = v.add_space_prefix = RT_VOCAB_UNSET;
    return v;
}

static void expect_ids(const rt_tok *t, const char *text, int add_special, int parse_special, const int *want,
                       int n_want)
{
    int *ids;
    rt_err e = {0, ""};
    int n = rt_tok_encode(t, (const unsigned char *)text, strlen(text), add_special, parse_special, &ids, &e);
    assert_int_equal(n, n_want);
    for (int i = 0; i < n; i++)
        assert_int_equal(ids[i], want[i]);
    free(ids);
}
#define IDS(t, text, as, ps, ...) \
    do { \
        const int W[] = {__VA_ARGS__}; \
        expect_ids(t, text, as, ps, W, (int)(sizeof W / sizeof W[0])); \
    } while (0)

static void test_spm(void **state)
{
    (void)state;
    vocab_builder *b = calloc(1, sizeof *b);
    add(b, "<unk>", 0, RT_TOKTYPE_UNKNOWN);
    add(b, "<s>", 0, RT_TOKTYPE_CONTROL);
    add(b, "</s>", 0, RT_TOKTYPE_CONTROL);
    for (int i = 0; i < 256; i++) {
        char s[8];
        snprintf(s, sizeof s, "<0x%02X>", i);
        add(b, s, 0, RT_TOKTYPE_BYTE);
    }
    int sp = add(b, "\xE2\x96\x81", -4, RT_TOKTYPE_NORMAL);
    add(b, "\xE2\x96\x81t", -2, RT_TOKTYPE_NORMAL);
    add(b, "h", -5, RT_TOKTYPE_NORMAL);
    add(b, "e", -5, RT_TOKTYPE_NORMAL);
    int he = add(b, "he", -1, RT_TOKTYPE_NORMAL);
    int the = add(b, "\xE2\x96\x81the", -3, RT_TOKTYPE_NORMAL);
    int t_ = add(b, "t", -5, RT_TOKTYPE_NORMAL);
    rt_vocab v = vocab_of(b, "llama");
    rt_err e = {0, ""};
    rt_tok *t = rt_tok_create(&v, &e);
    assert_non_null(t);
    /* "▁the": he (-1) first, then ▁t (-2), then ▁t+he = ▁the (-3) */
    IDS(t, "the", 0, 0, the);
    IDS(t, "the", 1, 0, 1, the);
    /* byte fallback: x = <0x78>, é = <0xC3> <0xA9> */
    IDS(t, "x\xC3\xA9", 0, 0, sp, 3 + 0x78, 3 + 0xC3, 3 + 0xA9);
    IDS(t, " x", 0, 0, sp, sp, 3 + 0x78);
    /* control text stays text unless parse_special */
    IDS(t, "</s>", 0, 1, 2); /* the space prefix goes only before text */
    unsigned char piece[16];
    assert_int_equal(rt_tok_piece(t, the, 0, piece, sizeof piece), 4);
    assert_memory_equal(piece, " the", 4);
    assert_int_equal(rt_tok_piece(t, 3 + 0x41, 0, piece, sizeof piece), 1);
    assert_int_equal(piece[0], 'A');
    assert_int_equal(rt_tok_piece(t, 2, 0, piece, sizeof piece), 0);
    assert_int_equal(rt_tok_piece(t, 2, 1, piece, sizeof piece), 4);
    assert_int_equal(rt_tok_byte_token(t, ' '), sp);
    assert_int_equal(rt_tok_byte_token(t, 'h'), he - 2);
    assert_int_equal(rt_tok_byte_token(t, 'Z'), 3 + 'Z');
    rt_tok_free(t);
    /* no space prefix: t, he */
    v.add_space_prefix = 0;
    t = rt_tok_create(&v, &e);
    assert_non_null(t);
    IDS(t, "the", 0, 0, t_, he);
    rt_tok_free(t);
    free(b);
}

/* ---- byte-level BPE ---- */
static void test_bpe(void **state)
{
    (void)state;
    vocab_builder *b = calloc(1, sizeof *b);
    for (int i = 0; i < 256; i++) { /* the token of byte i is id i */
        unsigned char u[4];
        char s[8] = {0};
        int n = rt_utf8_encode(rt_byte_to_cpt((unsigned char)i), u);
        memcpy(s, u, (size_t)n);
        add(b, s, 0, RT_TOKTYPE_NORMAL);
    }
    int he = add(b, "he", 0, RT_TOKTYPE_NORMAL);
    add(b, "\xC4\xA0t", 0, RT_TOKTYPE_NORMAL);
    int the = add(b, "\xC4\xA0the", 0, RT_TOKTYPE_NORMAL);
    int user = add(b, "<x>", 0, RT_TOKTYPE_USER_DEFINED);
    int ctl = add(b, "<|c|>", 0, RT_TOKTYPE_CONTROL);
    static const char *const merges[] = {"h e", "\xC4\xA0 t", "\xC4\xA0t he"};
    rt_vocab v = vocab_of(b, "gpt2");
    v.pre = "gpt-2";
    v.merges = merges;
    v.n_merges = 3;
    rt_err e = {0, ""};
    rt_tok *t = rt_tok_create(&v, &e);
    assert_non_null(t);
    IDS(t, " the", 0, 0, the);
    IDS(t, "the", 0, 0, 't', he);
    IDS(t, "a<x>b", 0, 0, 'a', user, 'b');         /* user-defined: always cut out */
    IDS(t, "a<|c|>", 0, 0, 'a', '<', '|', 'c', '|', '>');
    IDS(t, "a<|c|>", 0, 1, 'a', ctl);
    unsigned char piece[16];
    assert_int_equal(rt_tok_piece(t, the, 0, piece, sizeof piece), 4);
    assert_memory_equal(piece, " the", 4);
    assert_int_equal(rt_tok_piece(t, 0x0A, 0, piece, sizeof piece), 1);
    assert_int_equal(piece[0], '\n');
    assert_int_equal(rt_tok_piece(t, ctl, 0, piece, sizeof piece), 0);
    assert_int_equal(rt_tok_byte_token(t, ' '), ' ');
    rt_tok_free(t);

    /* unsupported model / pre-tokenizer: NULL and a message */
    v.pre = "deepseek-llm";
    assert_null(rt_tok_create(&v, &e));
    assert_non_null(strstr(e.msg, "deepseek-llm"));
    v.model = "t5";
    assert_null(rt_tok_create(&v, &e));
    assert_non_null(strstr(e.msg, "t5"));
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pretok_gpt2), cmocka_unit_test(test_pretok_llama3_qwen2),
        cmocka_unit_test(test_utf8_invalid), cmocka_unit_test(test_spm), cmocka_unit_test(test_bpe),
    };
    return cmocka_run_group_tests_name("tokenizer_vocab", tests, NULL, NULL);
}
