/* GGUF writer (version 3): collect key/value pairs and tensors, then write
 * header, metadata, tensor infos, padding to the alignment (32, or
 * general.alignment when set) and the tensor data, each tensor at an aligned
 * offset. Tensor data is referenced, not copied: it must stay valid until
 * gguf_writer_save returns. No global state. */
#ifndef LPCS_RT_GGUF_WRITE_H
#define LPCS_RT_GGUF_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "rt_err.h"

typedef struct gguf_writer gguf_writer;

gguf_writer *gguf_writer_new(void);
void gguf_writer_free(gguf_writer *w);

/* Metadata (keys must be unique; the caller keeps that promise). Each
 * returns LPCS_OK or LPCS_ENOMEM. */
int gguf_w_u32(gguf_writer *w, const char *key, uint32_t v);
int gguf_w_i32(gguf_writer *w, const char *key, int32_t v);
int gguf_w_f32(gguf_writer *w, const char *key, float v);
int gguf_w_bool(gguf_writer *w, const char *key, int v);
int gguf_w_str(gguf_writer *w, const char *key, const char *v);
/* Arrays: n strings (lens[i] bytes each; lens NULL = NUL-terminated),
 * n floats, n int32. */
int gguf_w_arr_str(gguf_writer *w, const char *key, const char *const *v, const size_t *lens, size_t n);
int gguf_w_arr_f32(gguf_writer *w, const char *key, const float *v, size_t n);
int gguf_w_arr_i32(gguf_writer *w, const char *key, const int32_t *v, size_t n);

/* A tensor of ggml type `type` with n_dims dims ne[] (ne[0] = row length),
 * nbytes of data (must equal what the type and shape imply). */
int gguf_w_tensor(gguf_writer *w, const char *name, int n_dims, const uint64_t *ne, uint32_t type,
                  const void *data, size_t nbytes, rt_err *e);

/* Writes the file; an error names the path. */
int gguf_writer_save(gguf_writer *w, const char *path, rt_err *e);

#endif
