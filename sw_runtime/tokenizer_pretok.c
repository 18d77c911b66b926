#include "tokenizer_pretok.h"

/* Code point classes, generated from ICU (tests/tokenizer/gen_unicode_table.c). */
typedef struct {
    uint32_t first;
    uint8_t cls;
} cpt_range;
static const cpt_range CPT_RANGES[] = {
#include "tokenizer_unicode.inc"
};

size_t rt_utf8_decode(const unsigned char *s, size_t len, uint32_t *cpts)
{
    size_t n = 0, i = 0;
    while (i < len) {
        unsigned c = s[i];
        size_t k; /* continuation bytes */
        uint32_t v;
        if (c < 0x80) { cpts[n++] = c; i++; continue; }
        else if ((c & 0xE0) == 0xC0) { k = 1; v = c & 0x1F; }
        else if ((c & 0xF0) == 0xE0) { k = 2; v = c & 0x0F; }
        else if ((c & 0xF8) == 0xF0) { k = 3; v = c & 0x07; }
        else { cpts[n++] = 0xFFFD; i++; continue; } /* stray continuation or 0xF8.. */
        size_t j = 1;
        while (j <= k && i + j < len && (s[i + j] & 0xC0) == 0x80) {
            v = (v << 6) | (s[i + j] & 0x3F);
            j++;
        }
        if (j <= k) { cpts[n++] = 0xFFFD; i++; continue; }
        cpts[n++] = v;
        i += k + 1;
    }
    return n;
}

int rt_utf8_encode(uint32_t c, unsigned char *o)
{
    if (c < 0x80) { o[0] = (unsigned char)c; return 1; }
    if (c < 0x800) { o[0] = (unsigned char)(0xC0 | (c >> 6)); o[1] = (unsigned char)(0x80 | (c & 0x3F)); return 2; }
    if (c < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (c >> 12));
        o[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (c & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | ((c >> 18) & 0x07));
    o[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (c & 0x3F));
    return 4;
}

/* Character classes the regexes use; 0 = past the end of the text. */
enum { C_IN = 1, C_LETTER = 2, C_NUMBER = 4, C_SPACE = 8 };

typedef struct {
    const uint32_t *cpts;
    size_t n;
} text_view;

/* Letter / number / white-space bits of a code point (0 beyond Unicode). */
static unsigned cpt_class(uint32_t c)
{
    if (c > 0x10FFFF)
        return 0;
    size_t lo = 0, hi = sizeof CPT_RANGES / sizeof CPT_RANGES[0];
    while (hi - lo > 1) { /* last range starting at or before c */
        size_t mid = (lo + hi) / 2;
        if (CPT_RANGES[mid].first <= c)
            lo = mid;
        else
            hi = mid;
    }
    return CPT_RANGES[lo].cls;
}

static unsigned cls(const text_view *t, size_t pos)
{
    if (pos >= t->n)
        return 0;
    return C_IN | cpt_class(t->cpts[pos]);
}

static uint32_t cpt_at(const text_view *t, size_t pos)
{
    return pos < t->n ? t->cpts[pos] : UINT32_MAX;
}

static int is_rn(uint32_t c) { return c == '\r' || c == '\n'; }

/* Only ASCII matters: no other code point lowercases to s t r e v m l d
 * (Unicode 15.0: only U+0130 -> i and U+212A -> k reach ASCII). */
static uint32_t lower(uint32_t c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Length (2 or 3) of a contraction 's 't 're 've 'm 'll 'd at pos, else 0. */
static size_t contraction(const text_view *t, size_t pos, int fold_case)
{
    if (cpt_at(t, pos) != '\'' || pos + 1 >= t->n)
        return 0;
    uint32_t a = cpt_at(t, pos + 1);
    if (fold_case) a = lower(a);
    if (a == 's' || a == 't' || a == 'm' || a == 'd')
        return 2;
    if (pos + 2 >= t->n)
        return 0;
    uint32_t b = cpt_at(t, pos + 2);
    if (fold_case) b = lower(b);
    if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l'))
        return 3;
    return 0;
}

/* The trailing whitespace alternatives common to all three regexes:
 * [\s*[\r\n]+ (llama3/qwen2 only)] | \s+(?!\S) | \s+ ; else one code point. */
static size_t whitespace_word(const text_view *t, size_t pos, int newline_rule)
{
    size_t k = 0, last_rn = 0;
    while (cls(t, pos + k) & C_SPACE) {
        if (newline_rule && is_rn(cpt_at(t, pos + k)))
            last_rn = pos + k + 1;
        k++;
    }
    if (last_rn)
        return last_rn - pos;
    if (k > 1 && pos + k < t->n) /* leave the last space to prefix the next word */
        return k - 1;
    return k ? k : 1;
}

static size_t gpt2_word(const text_view *t, size_t pos)
{
    size_t len = contraction(t, pos, 0);
    if (len)
        return len;
    size_t p = pos + (cpt_at(t, pos) == ' ');
    unsigned f = cls(t, p);
    if (f & C_LETTER) {
        while (cls(t, p) & C_LETTER) p++;
        return p - pos;
    }
    if (f & C_NUMBER) {
        while (cls(t, p) & C_NUMBER) p++;
        return p - pos;
    }
    if ((f & C_IN) && !(f & (C_SPACE | C_LETTER | C_NUMBER))) {
        while ((cls(t, p) & C_IN) && !(cls(t, p) & (C_SPACE | C_LETTER | C_NUMBER))) p++;
        return p - pos;
    }
    return whitespace_word(t, pos, 0);
}

/* llama3 (max_digits 3) and qwen2 (max_digits 1). Number runs longer than
 * max_digits become several words, written to the caller through *extra. */
static size_t llama3_word(const text_view *t, size_t pos, size_t max_digits)
{
    size_t len = contraction(t, pos, 1);
    if (len)
        return len;
    uint32_t c = cpt_at(t, pos);
    unsigned f = cls(t, pos);
    /* [^\r\n\p{L}\p{N}]?\p{L}+ */
    if (!is_rn(c) && !(f & C_NUMBER) && ((f & C_LETTER) || (cls(t, pos + 1) & C_LETTER))) {
        size_t p = pos + 1;
        while (cls(t, p) & C_LETTER) p++;
        return p - pos;
    }
    /* \p{N}{1,max_digits} */
    if (f & C_NUMBER) {
        size_t p = pos;
        while (p - pos < max_digits && (cls(t, p) & C_NUMBER)) p++;
        return p - pos;
    }
    /* ' ?[^\s\p{L}\p{N}]+[\r\n]*' */
    size_t p = pos + (c == ' ');
    unsigned f2 = cls(t, p);
    if ((f & C_IN) && !(f2 & (C_SPACE | C_LETTER | C_NUMBER))) {
        while ((cls(t, p) & C_IN) && !(cls(t, p) & (C_SPACE | C_LETTER | C_NUMBER))) p++;
        while (is_rn(cpt_at(t, p))) p++;
        return p - pos;
    }
    return whitespace_word(t, pos, 1);
}

size_t rt_pretok_split(rt_pretok kind, const uint32_t *cpts, size_t n, size_t *word_len)
{
    text_view t = {cpts, n};
    size_t words = 0;
    if (kind == RT_PRETOK_DIGITS_GPT2) {
        /* first regex \p{N}: each number its own piece, the gaps between
         * them pieces too; then the gpt2 regex inside each piece */
        for (size_t pos = 0; pos < n;) {
            size_t end = pos + 1;
            if (!(cls(&t, pos) & C_NUMBER))
                while (end < n && !(cls(&t, end) & C_NUMBER))
                    end++;
            text_view seg = {cpts + pos, end - pos};
            for (size_t p = 0; p < seg.n;) {
                size_t len = gpt2_word(&seg, p);
                word_len[words++] = len;
                p += len;
            }
            pos = end;
        }
        return words;
    }
    for (size_t pos = 0; pos < n;) {
        size_t len = kind == RT_PRETOK_GPT2   ? gpt2_word(&t, pos)
                     : kind == RT_PRETOK_QWEN2 ? llama3_word(&t, pos, 1)
                                               : llama3_word(&t, pos, 3);
        word_len[words++] = len;
        pos += len;
    }
    return words;
}

static int byte_is_printable(unsigned b)
{
    return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
}

/* The bytes that are not printable, in order, take 256, 257, ...: 0x00-0x20
 * (33), 0x7F-0xA0 (34) and 0xAD. Closed form: the encoder maps all 256
 * bytes on every call, and counting costs 2^15 tests per call. */
uint32_t rt_byte_to_cpt(unsigned char b)
{
    if (byte_is_printable(b))
        return b;
    return b <= 0x20 ? 256u + b : b <= 0xA0 ? 256u + 33 + (b - 0x7Fu) : 256u + 67;
}

int rt_cpt_to_byte(uint32_t cpt)
{
    if (cpt < 256)
        return byte_is_printable(cpt) ? (int)cpt : -1;
    if (cpt < 256 + 33)
        return (int)(cpt - 256);
    if (cpt < 256 + 67)
        return (int)(cpt - 256 - 33 + 0x7F);
    return cpt == 256 + 67 ? 0xAD : -1;
}
