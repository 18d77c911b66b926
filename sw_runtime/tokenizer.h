/* The tokenizer of a model: either the llama2.c tokenizer format or the
 * tokenizer a GGUF file describes.
 *
 * llama2.c format: int32 max_token_length, then per token float32 score,
 * int32 length, bytes. Pieces "<0xXX>" stand for one raw byte. Encoding:
 * each byte maps to its single-byte token (or "<0xXX>"), then llama2.c's
 * greedy BPE merges by score (no dummy-prefix space).
 *
 * GGUF (a path ending in ".gguf", e.g. the model itself): the
 * tokenizer.ggml.* metadata through tokenizer_vocab.h, giving llama.cpp's
 * token ids (SentencePiece or byte-level BPE). Then byte_token[b] is the token
 * of the one-byte text b where the vocabulary has one (-1 otherwise). */
#ifndef LPCS_RT_TOKENIZER_H
#define LPCS_RT_TOKENIZER_H

#include <stddef.h>

#include "rt_err.h"

struct rt_tok;

typedef struct {
    int vocab;
    int max_len;
    char **piece;       /* piece[i], NUL-terminated */
    int *piece_len;
    float *score;
    int byte_token[256];/* token of each raw byte, -1 if none */
    int *sorted;        /* token ids sorted by piece, for merge lookup */
    struct rt_tok *gguf;/* set: a GGUF tokenizer does the work */
} rt_tokenizer;

/* Loads path (GGUF when it ends in ".gguf"); the ids must fit vocab. */
int rt_tokenizer_load(rt_tokenizer *t, const char *path, int vocab, rt_err *e);
void rt_tokenizer_free(rt_tokenizer *t);
/* Bytes the token stands for (raw byte for "<0xXX>"); returns length. */
int rt_tokenizer_decode(const rt_tokenizer *t, int token, unsigned char *out, int cap);
/* Encodes text into tokens (no BOS); returns the count or a negative status
 * (a byte without a token). tokens must hold len entries; a GGUF tokenizer
 * whose encoding would not fit fails with LPCS_ERANGE (use _alloc). */
int rt_tokenizer_encode(const rt_tokenizer *t, const unsigned char *text, size_t len, int *tokens, rt_err *e);
/* The same into a malloc'd array (*tokens, caller frees), any length. */
int rt_tokenizer_encode_alloc(const rt_tokenizer *t, const unsigned char *text, size_t len, int **tokens,
                              rt_err *e);

#endif
