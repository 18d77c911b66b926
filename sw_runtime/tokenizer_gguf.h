/* The tokenizer a GGUF file describes (tokenizer.ggml.* metadata) — glue
 * between the GGUF reader and tokenizer_vocab.h. */
#ifndef LPCS_RT_TOKENIZER_GGUF_H
#define LPCS_RT_TOKENIZER_GGUF_H

#include "gguf.h"
#include "rt_err.h"
#include "tokenizer_vocab.h"

/* NULL and e filled when the file has no (supported) tokenizer. */
rt_tok *rt_tok_from_gguf(const gguf_file *g, rt_err *e);
/* Opens path, builds its tokenizer, closes it. */
rt_tok *rt_tok_from_gguf_path(const char *path, rt_err *e);

#endif
