/* Pre-tokenizers of GPT-2-style BPE vocabularies: UTF-8 text -> "words"
 * (the pieces BPE merges never cross), then GPT-2's byte-to-unicode encoding
 * of each word. Written to give the same words as llama.cpp's hand-coded
 * versions of the regexes of the `gpt-2`, `llama-bpe` (llama3) and `qwen2`
 * pre-tokenizers:
 *   gpt2    's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
 *   llama3  (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}
 *           | ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
 *   qwen2   as llama3 with \p{N} (one digit per word)
 *   starcoder, refact, command-r, ...: first \p{N} (each number alone), then gpt2
 * Unicode categories come from ICU (Debian's libicu, Unicode 15.0, the
 * version of llama.cpp's tables) through a range table generated at
 * development time (tokenizer_unicode.inc; `make check-unicode-table`), so
 * the library needs no ICU; \s is Unicode's White_Space property.
 * Invalid UTF-8 decodes, as in llama.cpp, to U+FFFD one byte at a time. */
#ifndef LPCS_RT_TOKENIZER_PRETOK_H
#define LPCS_RT_TOKENIZER_PRETOK_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    RT_PRETOK_GPT2,    /* gpt-2, mpt, phi-2, ... */
    RT_PRETOK_LLAMA3,  /* llama-bpe, llama3, ... */
    RT_PRETOK_QWEN2,   /* qwen2, deepseek-r1-qwen, ... */
    RT_PRETOK_DIGITS_GPT2, /* starcoder, refact, command-r, ...: \p{N} isolated, then gpt2 */
} rt_pretok;

/* Decodes UTF-8 into code points. cpts must hold len entries; returns the
 * count. Lead bytes give the length (as llama.cpp: overlong forms accepted);
 * a bad or truncated sequence gives U+FFFD and skips one byte. */
size_t rt_utf8_decode(const unsigned char *s, size_t len, uint32_t *cpts);
/* UTF-8 of one code point into out[4] (code points up to 0x1FFFFF, as decoded); returns its length. */
int rt_utf8_encode(uint32_t cpt, unsigned char *out);

/* Splits cpts[0..n) into words: writes each word's length (in code points)
 * to word_len (room for n entries) and returns the number of words. */
size_t rt_pretok_split(rt_pretok kind, const uint32_t *cpts, size_t n, size_t *word_len);

/* GPT-2's reversible byte -> printable code point map (and its inverse:
 * returns -1 for a code point that is no byte's image). */
uint32_t rt_byte_to_cpt(unsigned char b);
int rt_cpt_to_byte(uint32_t cpt);

#endif
