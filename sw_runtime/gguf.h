/* GGUF reader (versions 2 and 3, little-endian) — llama.cpp's model file.
 *
 * Layout: "GGUF", u32 version, u64 n_tensors, u64 n_kv; n_kv key/value pairs
 * (gguf string key, u32 value type, value); n_tensors tensor infos (name,
 * u32 n_dims <= 4, u64 ne[n_dims] (ne[0] = innermost), u32 ggml type, u64
 * offset relative to the data section); padding to `general.alignment`
 * (default 32); the data section. A gguf string is a u64 length + bytes
 * (no NUL). Every count, length, offset and size is checked against the file
 * size before anything is allocated; a malformed file gives one rt_err
 * sentence naming the file.
 *
 * The parsed file keeps the mapping: strings and tensor data are views into
 * it, valid until gguf_close. Keys and tensor names are NUL-terminated copies.
 * No global state. */
#ifndef LPCS_RT_GGUF_H
#define LPCS_RT_GGUF_H

#include <stddef.h>
#include <stdint.h>

#include "rt_err.h"
#include "rt_file.h"

#define GGUF_MAX_DIMS 4
#define GGUF_DEFAULT_ALIGNMENT 32

typedef enum {
    GGUF_T_UINT8 = 0,
    GGUF_T_INT8 = 1,
    GGUF_T_UINT16 = 2,
    GGUF_T_INT16 = 3,
    GGUF_T_UINT32 = 4,
    GGUF_T_INT32 = 5,
    GGUF_T_FLOAT32 = 6,
    GGUF_T_BOOL = 7,
    GGUF_T_STRING = 8,
    GGUF_T_ARRAY = 9,
    GGUF_T_UINT64 = 10,
    GGUF_T_INT64 = 11,
    GGUF_T_FLOAT64 = 12,
    GGUF_T_COUNT
} gguf_vtype;

/* A string inside the file: len bytes at ptr, not NUL-terminated. */
typedef struct {
    const char *ptr;
    uint64_t len;
} gguf_str;

typedef struct {
    char *key;            /* NUL-terminated copy */
    gguf_vtype type;      /* value type */
    gguf_vtype arr_type;  /* element type when type == GGUF_T_ARRAY */
    uint64_t arr_n;       /* element count when type == GGUF_T_ARRAY */
    const uint8_t *val;   /* the value (for arrays: the first element) in the file */
} gguf_kv;

typedef struct {
    char *name; /* NUL-terminated copy */
    int n_dims;
    uint64_t ne[GGUF_MAX_DIMS]; /* unused dims are 1 */
    uint32_t type;              /* ggml type (golden/ggml_quants.h) */
    uint64_t offset;            /* relative to the data section */
    uint64_t nbytes;
    const uint8_t *data;        /* in the mapping */
} gguf_tensor;

typedef struct {
    rt_file file;
    int owns_map;        /* 1 when opened by path */
    uint32_t version;
    uint64_t n_kv, n_tensors;
    gguf_kv *kv;
    gguf_tensor *t;
    uint64_t alignment;
    uint64_t data_off;   /* start of the data section in the file */
} gguf_file;

/* Parses a GGUF file (mmap). On error nothing stays allocated. */
int gguf_open(gguf_file *g, const char *path, rt_err *e);
/* Parses a GGUF image already in memory (not copied, must outlive g);
 * name is used in error messages. */
int gguf_open_mem(gguf_file *g, const uint8_t *data, size_t size, const char *name, rt_err *e);
void gguf_close(gguf_file *g);

/* ---- metadata ---- */
/* The pair with this key, or NULL. */
const gguf_kv *gguf_find(const gguf_file *g, const char *key);
const char *gguf_vtype_name(gguf_vtype t);

/* Scalars. Each returns LPCS_OK, or an error naming the key when it is
 * absent (LPCS_ENOTFOUND-like: LPCS_EFORMAT) or has an incompatible type.
 * Integer getters accept any integer type whose value fits; gguf_get_f32
 * accepts FLOAT32, FLOAT64 and integers; gguf_get_bool accepts BOOL and
 * integers (non-zero = true). Use gguf_find first for optional keys. */
int gguf_get_u32(const gguf_file *g, const char *key, uint32_t *out, rt_err *e);
int gguf_get_i64(const gguf_file *g, const char *key, int64_t *out, rt_err *e);
int gguf_get_f32(const gguf_file *g, const char *key, float *out, rt_err *e);
int gguf_get_bool(const gguf_file *g, const char *key, int *out, rt_err *e);
/* A STRING value (view into the file). */
int gguf_get_str(const gguf_file *g, const char *key, gguf_str *out, rt_err *e);
/* Copies a STRING value NUL-terminated into buf (error if it does not fit
 * or contains a NUL byte). */
int gguf_get_cstr(const gguf_file *g, const char *key, char *buf, size_t buf_len, rt_err *e);

/* Arrays: the element count and type of an ARRAY value. */
int gguf_get_arr(const gguf_file *g, const char *key, gguf_vtype *elem_type, uint64_t *n,
                 rt_err *e);
/* Fills out[0..n) with views of an array of strings (n = its count). */
int gguf_arr_strs(const gguf_file *g, const char *key, gguf_str *out, uint64_t n, rt_err *e);
/* Converts a numeric array to float / int32 (any numeric element type whose
 * values fit); n must equal the array's count. */
int gguf_arr_f32(const gguf_file *g, const char *key, float *out, uint64_t n, rt_err *e);
int gguf_arr_i32(const gguf_file *g, const char *key, int32_t *out, uint64_t n, rt_err *e);

/* ---- tensors ---- */
const gguf_tensor *gguf_find_tensor(const gguf_file *g, const char *name);

/* 1 if the string view equals the NUL-terminated s. */
int gguf_str_eq(gguf_str a, const char *s);

#endif
