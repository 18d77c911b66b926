/* llama2.c tokenizer format: int32 max_token_length, then per token
 * float32 score, int32 length, bytes. Pieces "<0xXX>" stand for one raw byte.
 * Encoding: each byte maps to its single-byte token (or "<0xXX>"), then
 * llama2.c's greedy BPE merges by score (no dummy-prefix space). */
#ifndef LPCS_RT_TOKENIZER_H
#define LPCS_RT_TOKENIZER_H

#include <stddef.h>

#include "rt_err.h"

typedef struct {
    int vocab;
    int max_len;
    char **piece;       /* piece[i], NUL-terminated */
    int *piece_len;
    float *score;
    int byte_token[256];/* token of each raw byte, -1 if none */
    int *sorted;        /* token ids sorted by piece, for merge lookup */
} rt_tokenizer;

int rt_tokenizer_load(rt_tokenizer *t, const char *path, int vocab, rt_err *e);
void rt_tokenizer_free(rt_tokenizer *t);
/* Bytes the token stands for (raw byte for "<0xXX>"); returns length. */
int rt_tokenizer_decode(const rt_tokenizer *t, int token, unsigned char *out, int cap);
/* Encodes text into tokens (no BOS); returns the count or a negative status
 * (a byte without a token). tokens must hold len entries. */
int rt_tokenizer_encode(const rt_tokenizer *t, const unsigned char *text, size_t len, int *tokens, rt_err *e);

#endif
