#include "gguf_write.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ggml_quants.h"
#include "gguf.h"

typedef struct {
    uint8_t *p;
    size_t n, cap;
    int oom;
} bytes;

typedef struct {
    char name[256];
    int n_dims;
    uint64_t ne[GGUF_MAX_DIMS];
    uint32_t type;
    const void *data;
    size_t nbytes;
    uint64_t offset;
} wtensor;

struct gguf_writer {
    bytes kv;        /* serialized key/value pairs */
    uint64_t n_kv;
    wtensor *t;
    size_t n_t, cap_t;
    uint64_t alignment;
};

static void put(bytes *b, const void *src, size_t n) {
    if (b->oom) return;
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + n) cap *= 2;
        uint8_t *p = realloc(b->p, cap);
        if (!p) { b->oom = 1; return; }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, src, n);
    b->n += n;
}
static void put_le(bytes *b, uint64_t v, int n) {
    uint8_t t[8];
    for (int i = 0; i < n; i++) t[i] = (uint8_t)(v >> (8 * i));
    put(b, t, (size_t)n);
}
static void put_str(bytes *b, const char *s, size_t len) {
    put_le(b, len, 8);
    put(b, s, len);
}
static void put_key(gguf_writer *w, const char *key, gguf_vtype t) {
    put_str(&w->kv, key, strlen(key));
    put_le(&w->kv, (uint64_t)t, 4);
    w->n_kv++;
}
static int done(gguf_writer *w) { return w->kv.oom ? LPCS_ENOMEM : LPCS_OK; }

gguf_writer *gguf_writer_new(void) {
    gguf_writer *w = calloc(1, sizeof *w);
    if (w) w->alignment = GGUF_DEFAULT_ALIGNMENT;
    return w;
}
void gguf_writer_free(gguf_writer *w) {
    if (!w) return;
    free(w->kv.p);
    free(w->t);
    free(w);
}

int gguf_w_u32(gguf_writer *w, const char *key, uint32_t v) {
    put_key(w, key, GGUF_T_UINT32);
    put_le(&w->kv, v, 4);
    if (!strcmp(key, "general.alignment") && v && !(v & (v - 1))) w->alignment = v;
    return done(w);
}
int gguf_w_i32(gguf_writer *w, const char *key, int32_t v) {
    put_key(w, key, GGUF_T_INT32);
    put_le(&w->kv, (uint32_t)v, 4);
    return done(w);
}
int gguf_w_f32(gguf_writer *w, const char *key, float v) {
    uint32_t u;
    memcpy(&u, &v, 4);
    put_key(w, key, GGUF_T_FLOAT32);
    put_le(&w->kv, u, 4);
    return done(w);
}
int gguf_w_bool(gguf_writer *w, const char *key, int v) {
    put_key(w, key, GGUF_T_BOOL);
    put_le(&w->kv, v ? 1 : 0, 1);
    return done(w);
}
int gguf_w_str(gguf_writer *w, const char *key, const char *v) {
    put_key(w, key, GGUF_T_STRING);
    put_str(&w->kv, v, strlen(v));
    return done(w);
}
int gguf_w_arr_str(gguf_writer *w, const char *key, const char *const *v, const size_t *lens, size_t n) {
    put_key(w, key, GGUF_T_ARRAY);
    put_le(&w->kv, GGUF_T_STRING, 4);
    put_le(&w->kv, n, 8);
    for (size_t i = 0; i < n; i++) put_str(&w->kv, v[i], lens ? lens[i] : strlen(v[i]));
    return done(w);
}
int gguf_w_arr_f32(gguf_writer *w, const char *key, const float *v, size_t n) {
    put_key(w, key, GGUF_T_ARRAY);
    put_le(&w->kv, GGUF_T_FLOAT32, 4);
    put_le(&w->kv, n, 8);
    for (size_t i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, &v[i], 4);
        put_le(&w->kv, u, 4);
    }
    return done(w);
}
int gguf_w_arr_i32(gguf_writer *w, const char *key, const int32_t *v, size_t n) {
    put_key(w, key, GGUF_T_ARRAY);
    put_le(&w->kv, GGUF_T_INT32, 4);
    put_le(&w->kv, n, 8);
    for (size_t i = 0; i < n; i++) put_le(&w->kv, (uint32_t)v[i], 4);
    return done(w);
}

int gguf_w_tensor(gguf_writer *w, const char *name, int n_dims, const uint64_t *ne, uint32_t type,
                  const void *data, size_t nbytes, rt_err *e) {
    if (n_dims < 1 || n_dims > GGUF_MAX_DIMS || strlen(name) >= 256)
        return rt_fail(e, LPCS_EINVAL, "gguf writer: tensor '%s': bad name or dimension count", name);
    uint64_t numel = 1;
    for (int d = 0; d < n_dims; d++) numel *= ne[d];
    size_t row = ggml_row_bytes(type, (size_t)ne[0]);
    if (!row || row * (numel / ne[0]) != nbytes)
        return rt_fail(e, LPCS_EINVAL, "gguf writer: tensor '%s': %zu bytes do not match its type and shape", name,
                       nbytes);
    if (w->n_t == w->cap_t) {
        size_t cap = w->cap_t ? 2 * w->cap_t : 64;
        wtensor *t = realloc(w->t, cap * sizeof *t);
        if (!t) return rt_fail(e, LPCS_ENOMEM, "gguf writer: out of memory");
        w->t = t;
        w->cap_t = cap;
    }
    wtensor *t = &w->t[w->n_t++];
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", name);
    t->n_dims = n_dims;
    for (int d = 0; d < GGUF_MAX_DIMS; d++) t->ne[d] = d < n_dims ? ne[d] : 1;
    t->type = type;
    t->data = data;
    t->nbytes = nbytes;
    return LPCS_OK;
}

int gguf_writer_save(gguf_writer *w, const char *path, rt_err *e) {
    bytes h = {0};
    put(&h, "GGUF", 4);
    put_le(&h, 3, 4);
    put_le(&h, w->n_t, 8);
    put_le(&h, w->n_kv, 8);
    put(&h, w->kv.p, w->kv.n);
    uint64_t off = 0, a = w->alignment;
    for (size_t i = 0; i < w->n_t; i++) {
        wtensor *t = &w->t[i];
        t->offset = off;
        put_str(&h, t->name, strlen(t->name));
        put_le(&h, (uint64_t)t->n_dims, 4);
        for (int d = 0; d < t->n_dims; d++) put_le(&h, t->ne[d], 8);
        put_le(&h, t->type, 4);
        put_le(&h, t->offset, 8);
        off += (t->nbytes + a - 1) / a * a;
    }
    static const uint8_t zeros[64] = {0};
    while (h.n % a) put(&h, zeros, (size_t)((a - h.n % a) < 64 ? a - h.n % a : 64));
    if (h.oom || w->kv.oom) {
        free(h.p);
        return rt_fail(e, LPCS_ENOMEM, "%s: out of memory building the GGUF header", path);
    }
    FILE *f = fopen(path, "wb");
    if (!f) {
        free(h.p);
        return rt_fail(e, LPCS_EIO, "%s: cannot create the file", path);
    }
    int ok = fwrite(h.p, 1, h.n, f) == h.n;
    for (size_t i = 0; ok && i < w->n_t; i++) {
        const wtensor *t = &w->t[i];
        ok = fwrite(t->data, 1, t->nbytes, f) == t->nbytes;
        for (size_t pad = (a - t->nbytes % a) % a; ok && pad; pad -= pad < 64 ? pad : 64)
            ok = fwrite(zeros, 1, pad < 64 ? pad : 64, f) == (pad < 64 ? pad : 64);
    }
    free(h.p);
    if (fclose(f) != 0) ok = 0;
    if (!ok) return rt_fail(e, LPCS_EIO, "%s: write failed (disk full?)", path);
    return LPCS_OK;
}
