/* Tokenizers described by GGUF metadata (tokenizer.ggml.*), producing
 * llama.cpp's token ids:
 *   model "llama" — SentencePiece-style: pieces merged by score, spaces
 *                   written as U+2581, optional space prefix, <0xXX> byte
 *                   fallback;
 *   model "gpt2"  — byte-level BPE: a pre-tokenizer splits the text into words
 *                   (tokenizer_pretok.h: gpt-2, llama-bpe, qwen2, starcoder/
 *                   refact/command-r and aliases),
 *                   GPT-2 byte encoding, merges applied by rank.
 * Tokens whose type is user-defined are always cut out of the text first;
 * control and unknown tokens too when parse_special is set (as llama_tokenize).
 *
 * The description is a plain struct so the tokenizer does not depend on the
 * GGUF reader; rt_tok_create copies what it needs. */
#ifndef LPCS_RT_TOKENIZER_VOCAB_H
#define LPCS_RT_TOKENIZER_VOCAB_H

#include <stddef.h>
#include <stdint.h>

#include "rt_err.h"

/* tokenizer.ggml.token_type values */
enum {
    RT_TOKTYPE_NORMAL = 1,
    RT_TOKTYPE_UNKNOWN = 2,
    RT_TOKTYPE_CONTROL = 3,
    RT_TOKTYPE_USER_DEFINED = 4,
    RT_TOKTYPE_UNUSED = 5,
    RT_TOKTYPE_BYTE = 6,
};

/* "absent from the metadata": the model's default applies */
#define RT_VOCAB_UNSET INT32_MIN

typedef struct {
    const char *model;             /* tokenizer.ggml.model */
    const char *pre;               /* tokenizer.ggml.pre; NULL = none */
    const char *name;              /* general.name (llama.cpp keys a few rules on it); may be NULL */
    int32_t n_tokens;
    const char *const *tokens;     /* tokenizer.ggml.tokens */
    const uint32_t *token_len;     /* byte lengths; NULL = NUL-terminated */
    const float *scores;           /* NULL = all 0 */
    const int32_t *types;          /* NULL = all normal */
    int32_t n_merges;
    const char *const *merges;     /* "left right" */
    const uint32_t *merge_len;     /* NULL = NUL-terminated */
    int32_t bos, eos, unk;         /* ids or RT_VOCAB_UNSET; -1 = none */
    int32_t add_bos, add_eos;      /* 0/1 or RT_VOCAB_UNSET */
    int32_t add_space_prefix;      /* 0/1 or RT_VOCAB_UNSET (llama model) */
} rt_vocab;

typedef struct rt_tok rt_tok;

/* Builds a tokenizer; NULL and e filled for an unsupported model or
 * pre-tokenizer or a malformed description. */
rt_tok *rt_tok_create(const rt_vocab *v, rt_err *e);
void rt_tok_free(rt_tok *t);

int rt_tok_n_tokens(const rt_tok *t);
int rt_tok_bos(const rt_tok *t); /* -1 when none */
int rt_tok_eos(const rt_tok *t);
int rt_tok_add_bos(const rt_tok *t);

/* Encodes len bytes of text. add_special adds BOS/EOS as the vocabulary says;
 * parse_special turns control-token text into those tokens. On success
 * returns the count and sets *ids (malloc'd, caller frees); < 0 on error. */
int rt_tok_encode(const rt_tok *t, const unsigned char *text, size_t len, int add_special,
                  int parse_special, int **ids, rt_err *e);

/* The token whose text is the single byte b (SentencePiece: a space is
 * U+2581; byte-level BPE: the byte's GPT-2 code point; else a <0xXX> token),
 * -1 when the vocabulary has none. */
int rt_tok_byte_token(const rt_tok *t, unsigned char b);

/* The bytes token id stands for, as llama_token_to_piece with lstrip 0:
 * control/unknown tokens are empty unless special. Returns the length
 * (which may exceed cap; then only cap bytes are written) or -1 for a bad id. */
int rt_tok_piece(const rt_tok *t, int id, int special, unsigned char *out, int cap);

#endif
