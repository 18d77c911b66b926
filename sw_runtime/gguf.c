#include "gguf.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ggml_quants.h"

/* A cursor over the image; every read checks the remaining bytes first. */
typedef struct {
    const uint8_t *p;
    size_t size, pos;
    const char *name;
    rt_err *e;
} cur;

static uint64_t rd_le(const uint8_t *p, int n) {
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--) v = (v << 8) | p[i];
    return v;
}

static int need(cur *c, uint64_t n, const char *what) {
    if (n > c->size - c->pos)
        return rt_fail(c->e, LPCS_EFORMAT,
                       "%s: truncated GGUF: %s needs %" PRIu64 " bytes at offset %zu but the file is %zu bytes",
                       c->name, what, n, c->pos, c->size);
    return LPCS_OK;
}

static int get_u(cur *c, int n, uint64_t *v, const char *what) {
    int rc = need(c, (uint64_t)n, what);
    if (rc) return rc;
    *v = rd_le(c->p + c->pos, n);
    c->pos += (size_t)n;
    return LPCS_OK;
}

static int get_str(cur *c, gguf_str *s, const char *what) {
    uint64_t len;
    int rc = get_u(c, 8, &len, what);
    if (rc) return rc;
    if (len > c->size - c->pos)
        return rt_fail(c->e, LPCS_EFORMAT,
                       "%s: %s at offset %zu claims %" PRIu64 " bytes, more than the %zu left in the file",
                       c->name, what, c->pos - 8, len, c->size - c->pos);
    s->ptr = (const char *)c->p + c->pos;
    s->len = len;
    c->pos += (size_t)len;
    return LPCS_OK;
}

static const int vsize[GGUF_T_COUNT] = {1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8};

const char *gguf_vtype_name(gguf_vtype t) {
    static const char *const n[GGUF_T_COUNT] = {"u8",   "i8",     "u16", "i16", "u32", "i32", "f32",
                                          "bool", "string", "array", "u64", "i64", "f64"};
    return (unsigned)t < GGUF_T_COUNT ? n[t] : "unknown";
}

/* Skips one value of type t (not ARRAY) at the cursor. */
static int skip_value(cur *c, gguf_vtype t, const char *key) {
    if (t == GGUF_T_STRING) {
        gguf_str s;
        return get_str(c, &s, "a string value");
    }
    int rc = need(c, (uint64_t)vsize[t], "a value");
    if (rc) return rc;
    if (t == GGUF_T_BOOL && c->p[c->pos] > 1)
        return rt_fail(c->e, LPCS_EFORMAT, "%s: key '%s' has a bool value %u (must be 0 or 1)", c->name, key,
                       c->p[c->pos]);
    c->pos += (size_t)vsize[t];
    return LPCS_OK;
}

static char *dup_str(gguf_str s) {
    char *d = malloc((size_t)s.len + 1);
    if (!d) return NULL;
    memcpy(d, s.ptr, (size_t)s.len);
    d[s.len] = 0;
    return d;
}

static int has_nul(gguf_str s) { return memchr(s.ptr, 0, (size_t)s.len) != NULL; }

void gguf_close(gguf_file *g) {
    if (!g) return;
    if (g->kv)
        for (uint64_t i = 0; i < g->n_kv; i++) free(g->kv[i].key);
    if (g->t)
        for (uint64_t i = 0; i < g->n_tensors; i++) free(g->t[i].name);
    free(g->kv);
    free(g->t);
    if (g->owns_map) rt_file_unmap(&g->file);
    memset(g, 0, sizeof *g);
}

static int cmp_off(const void *a, const void *b) {
    const gguf_tensor *x = *(const gguf_tensor *const *)a, *y = *(const gguf_tensor *const *)b;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static int parse(gguf_file *g, const char *name, rt_err *e) {
    cur c = {g->file.data, g->file.size, 0, name, e};
    uint64_t v;
    int rc;
    if (c.size < 4 || memcmp(c.p, "GGUF", 4) != 0)
        return rt_fail(e, LPCS_EFORMAT, "%s: not a GGUF file (magic is not \"GGUF\")", name);
    c.pos = 4;
    if ((rc = get_u(&c, 4, &v, "the version"))) return rc;
    if (v != 2 && v != 3) {
        if (v && (v & 0xffff) == 0)
            return rt_fail(e, LPCS_EUNSUPPORTED, "%s: big-endian GGUF files are not supported", name);
        return rt_fail(e, LPCS_EUNSUPPORTED, "%s: GGUF version %" PRIu64 " is not supported (only 2 and 3)",
                       name, v);
    }
    g->version = (uint32_t)v;
    if ((rc = get_u(&c, 8, &g->n_tensors, "the tensor count"))) return rc;
    if ((rc = get_u(&c, 8, &g->n_kv, "the key/value count"))) return rc;
    /* Each key/value takes >= 8+4+1 bytes, each tensor info >= 8+4+4+8 bytes:
     * reject counts the file cannot hold before allocating. */
    size_t left = c.size - c.pos;
    if (g->n_kv > left / 13)
        return rt_fail(e, LPCS_EFORMAT, "%s: key/value count %" PRIu64 " cannot fit in a %zu-byte file", name,
                       g->n_kv, c.size);
    if (g->n_tensors > left / 24)
        return rt_fail(e, LPCS_EFORMAT, "%s: tensor count %" PRIu64 " cannot fit in a %zu-byte file", name,
                       g->n_tensors, c.size);
    g->kv = calloc(g->n_kv ? (size_t)g->n_kv : 1, sizeof *g->kv);
    g->t = calloc(g->n_tensors ? (size_t)g->n_tensors : 1, sizeof *g->t);
    if (!g->kv || !g->t) return rt_fail(e, LPCS_ENOMEM, "%s: out of memory for the GGUF index", name);

    g->alignment = GGUF_DEFAULT_ALIGNMENT;
    for (uint64_t i = 0; i < g->n_kv; i++) {
        gguf_kv *kv = &g->kv[i];
        gguf_str key;
        if ((rc = get_str(&c, &key, "a key"))) return rc;
        if (key.len == 0 || has_nul(key))
            return rt_fail(e, LPCS_EFORMAT, "%s: key %" PRIu64 " is empty or contains a NUL byte", name, i);
        if (!(kv->key = dup_str(key))) return rt_fail(e, LPCS_ENOMEM, "%s: out of memory", name);
        for (uint64_t j = 0; j < i; j++)
            if (strcmp(g->kv[j].key, kv->key) == 0)
                return rt_fail(e, LPCS_EFORMAT, "%s: duplicate key '%s'", name, kv->key);
        if ((rc = get_u(&c, 4, &v, "a value type"))) return rc;
        if (v >= GGUF_T_COUNT)
            return rt_fail(e, LPCS_EFORMAT, "%s: key '%s' has unknown value type %" PRIu64, name, kv->key, v);
        kv->type = (gguf_vtype)v;
        if (kv->type == GGUF_T_ARRAY) {
            if ((rc = get_u(&c, 4, &v, "an array type"))) return rc;
            if (v >= GGUF_T_COUNT || v == GGUF_T_ARRAY)
                return rt_fail(e, LPCS_EFORMAT, "%s: key '%s' is an array of unsupported element type %" PRIu64,
                               name, kv->key, v);
            kv->arr_type = (gguf_vtype)v;
            if ((rc = get_u(&c, 8, &kv->arr_n, "an array length"))) return rc;
            uint64_t min_el = kv->arr_type == GGUF_T_STRING ? 8 : (uint64_t)vsize[kv->arr_type];
            if (kv->arr_n > (c.size - c.pos) / min_el)
                return rt_fail(e, LPCS_EFORMAT,
                               "%s: key '%s' claims %" PRIu64 " array elements, more than the file can hold", name,
                               kv->key, kv->arr_n);
            kv->val = c.p + c.pos;
            for (uint64_t j = 0; j < kv->arr_n; j++)
                if ((rc = skip_value(&c, kv->arr_type, kv->key))) return rc;
        } else {
            kv->val = c.p + c.pos;
            if ((rc = skip_value(&c, kv->type, kv->key))) return rc;
        }
        if (strcmp(kv->key, "general.alignment") == 0) {
            uint64_t a;
            if (kv->type == GGUF_T_UINT32) a = rd_le(kv->val, 4);
            else if (kv->type == GGUF_T_UINT64) a = rd_le(kv->val, 8);
            else return rt_fail(e, LPCS_EFORMAT, "%s: general.alignment must be an unsigned integer, not %s", name,
                                gguf_vtype_name(kv->type));
            if (a == 0 || (a & (a - 1)) || a > (1u << 20))
                return rt_fail(e, LPCS_EFORMAT, "%s: general.alignment %" PRIu64 " is not a power of two <= 1 MiB",
                               name, a);
            g->alignment = a;
        }
    }

    for (uint64_t i = 0; i < g->n_tensors; i++) {
        gguf_tensor *t = &g->t[i];
        gguf_str tn;
        if ((rc = get_str(&c, &tn, "a tensor name"))) return rc;
        if (tn.len == 0 || tn.len >= 256 || has_nul(tn))
            return rt_fail(e, LPCS_EFORMAT, "%s: tensor %" PRIu64 " has an empty, over-long or NUL-containing name",
                           name, i);
        if (!(t->name = dup_str(tn))) return rt_fail(e, LPCS_ENOMEM, "%s: out of memory", name);
        if ((rc = get_u(&c, 4, &v, "a tensor dimension count"))) return rc;
        if (v < 1 || v > GGUF_MAX_DIMS)
            return rt_fail(e, LPCS_EFORMAT, "%s: tensor '%s' has %" PRIu64 " dimensions (1..%d allowed)", name,
                           t->name, v, GGUF_MAX_DIMS);
        t->n_dims = (int)v;
        uint64_t numel = 1;
        for (int d = 0; d < GGUF_MAX_DIMS; d++) t->ne[d] = 1;
        for (int d = 0; d < t->n_dims; d++) {
            if ((rc = get_u(&c, 8, &t->ne[d], "a tensor dimension"))) return rc;
            if (t->ne[d] == 0 || t->ne[d] > ((uint64_t)1 << 40) || numel > ((uint64_t)1 << 42) / t->ne[d])
                return rt_fail(e, LPCS_EFORMAT, "%s: tensor '%s' has an empty or oversized dimension %" PRIu64,
                               name, t->name, t->ne[d]);
            numel *= t->ne[d];
        }
        if ((rc = get_u(&c, 4, &v, "a tensor type"))) return rc;
        const ggml_type_traits *tr = ggml_type_info((uint32_t)v);
        if (v > 0xffff || !tr)
            return rt_fail(e, LPCS_EUNSUPPORTED, "%s: tensor '%s' has unknown ggml type %" PRIu64, name, t->name,
                           v);
        t->type = (uint32_t)v;
        if (t->ne[0] % (uint64_t)tr->block)
            return rt_fail(e, LPCS_EFORMAT, "%s: tensor '%s' (%s) row of %" PRIu64
                           " values is not a multiple of the %d-value block", name, t->name, tr->name, t->ne[0],
                           tr->block);
        t->nbytes = numel / (uint64_t)tr->block * (uint64_t)tr->bytes;
        if ((rc = get_u(&c, 8, &t->offset, "a tensor offset"))) return rc;
        if (t->offset % g->alignment)
            return rt_fail(e, LPCS_EFORMAT, "%s: tensor '%s' offset %" PRIu64 " is not a multiple of the alignment %"
                           PRIu64, name, t->name, t->offset, g->alignment);
        for (uint64_t j = 0; j < i; j++)
            if (strcmp(g->t[j].name, t->name) == 0)
                return rt_fail(e, LPCS_EFORMAT, "%s: duplicate tensor name '%s'", name, t->name);
    }

    uint64_t data_off = ((uint64_t)c.pos + g->alignment - 1) / g->alignment * g->alignment;
    if (g->n_tensors && data_off > c.size)
        return rt_fail(e, LPCS_EFORMAT, "%s: the data section would start at %" PRIu64 ", past the end (%zu bytes)",
                       name, data_off, c.size);
    g->data_off = data_off;
    uint64_t data_size = g->n_tensors ? c.size - data_off : 0;
    for (uint64_t i = 0; i < g->n_tensors; i++) {
        gguf_tensor *t = &g->t[i];
        if (t->offset > data_size || t->nbytes > data_size - t->offset)
            return rt_fail(e, LPCS_EFORMAT, "%s: tensor '%s' (%" PRIu64 " bytes at data offset %" PRIu64
                           ") runs past the end of the file", name, t->name, t->nbytes, t->offset);
        t->data = c.p + data_off + t->offset;
    }
    /* No two tensors may share bytes. */
    if (g->n_tensors > 1) {
        gguf_tensor **s = malloc((size_t)g->n_tensors * sizeof *s);
        if (!s) return rt_fail(e, LPCS_ENOMEM, "%s: out of memory", name);
        for (uint64_t i = 0; i < g->n_tensors; i++) s[i] = &g->t[i];
        qsort(s, (size_t)g->n_tensors, sizeof *s, cmp_off);
        for (uint64_t i = 1; i < g->n_tensors; i++)
            if (s[i - 1]->offset + s[i - 1]->nbytes > s[i]->offset) {
                rc = rt_fail(e, LPCS_EFORMAT, "%s: tensors '%s' and '%s' overlap", name, s[i - 1]->name,
                             s[i]->name);
                free(s);
                return rc;
            }
        free(s);
    }
    return LPCS_OK;
}

int gguf_open_mem(gguf_file *g, const uint8_t *data, size_t size, const char *name, rt_err *e) {
    if (!g || (!data && size)) return rt_fail(e, LPCS_EINVAL, "gguf_open_mem: NULL argument");
    memset(g, 0, sizeof *g);
    g->file.data = data;
    g->file.size = size;
    snprintf(g->file.path, sizeof g->file.path, "%s", name ? name : "(memory)");
    int rc = parse(g, g->file.path, e);
    if (rc) gguf_close(g);
    return rc;
}

int gguf_open(gguf_file *g, const char *path, rt_err *e) {
    if (!g || !path) return rt_fail(e, LPCS_EINVAL, "gguf_open: NULL argument");
    memset(g, 0, sizeof *g);
    int rc = rt_file_map(&g->file, path, e);
    if (rc) return rc;
    g->owns_map = 1;
    rc = parse(g, path, e);
    if (rc) gguf_close(g);
    return rc;
}

/* ---- metadata ---- */

const gguf_kv *gguf_find(const gguf_file *g, const char *key) {
    if (!g || !key) return NULL;
    for (uint64_t i = 0; i < g->n_kv; i++)
        if (strcmp(g->kv[i].key, key) == 0) return &g->kv[i];
    return NULL;
}

static const gguf_kv *need_kv(const gguf_file *g, const char *key, rt_err *e) {
    const gguf_kv *kv = gguf_find(g, key);
    if (!kv) rt_fail(e, LPCS_EFORMAT, "%s: missing GGUF key '%s'", g ? g->file.path : "?", key);
    return kv;
}

static int type_err(const gguf_file *g, const gguf_kv *kv, const char *want, rt_err *e) {
    return rt_fail(e, LPCS_EFORMAT, "%s: GGUF key '%s' is %s, expected %s", g->file.path, kv->key,
                   gguf_vtype_name(kv->type), want);
}

/* Reads a numeric scalar of type t at p: integer types into *iv (and *isint
 * = 1), floats into *fv. */
static int scalar_at(gguf_vtype t, const uint8_t *p, int64_t *iv, uint64_t *uv, double *fv, int *kind) {
    uint64_t r = vsize[t] ? rd_le(p, vsize[t]) : 0;
    switch (t) {
    case GGUF_T_UINT8: case GGUF_T_UINT16: case GGUF_T_UINT32: case GGUF_T_UINT64: case GGUF_T_BOOL:
        *uv = r; *kind = 1; return 1;
    case GGUF_T_INT8: *iv = (int8_t)r; *kind = 2; return 1;
    case GGUF_T_INT16: *iv = (int16_t)r; *kind = 2; return 1;
    case GGUF_T_INT32: *iv = (int32_t)r; *kind = 2; return 1;
    case GGUF_T_INT64: *iv = (int64_t)r; *kind = 2; return 1;
    case GGUF_T_FLOAT32: { uint32_t b = (uint32_t)r; float f; memcpy(&f, &b, 4); *fv = f; *kind = 3; return 1; }
    case GGUF_T_FLOAT64: { double d; memcpy(&d, &r, 8); *fv = d; *kind = 3; return 1; }
    default: return 0;
    }
}

int gguf_get_i64(const gguf_file *g, const char *key, int64_t *out, rt_err *e) {
    const gguf_kv *kv = need_kv(g, key, e);
    if (!kv) return LPCS_EFORMAT;
    int64_t iv = 0; uint64_t uv = 0; double fv = 0; int kind = 0;
    if (!scalar_at(kv->type, kv->val, &iv, &uv, &fv, &kind) || kind == 3) return type_err(g, kv, "an integer", e);
    if (kind == 1) {
        if (uv > (uint64_t)INT64_MAX) return type_err(g, kv, "an integer below 2^63", e);
        iv = (int64_t)uv;
    }
    *out = iv;
    return LPCS_OK;
}

int gguf_get_u32(const gguf_file *g, const char *key, uint32_t *out, rt_err *e) {
    int64_t v;
    int rc = gguf_get_i64(g, key, &v, e);
    if (rc) return rc;
    if (v < 0 || v > (int64_t)UINT32_MAX)
        return rt_fail(e, LPCS_EFORMAT, "%s: GGUF key '%s' = %" PRId64 " is outside 0..2^32-1", g->file.path, key,
                       v);
    *out = (uint32_t)v;
    return LPCS_OK;
}

int gguf_get_f32(const gguf_file *g, const char *key, float *out, rt_err *e) {
    const gguf_kv *kv = need_kv(g, key, e);
    if (!kv) return LPCS_EFORMAT;
    int64_t iv = 0; uint64_t uv = 0; double fv = 0; int kind = 0;
    if (!scalar_at(kv->type, kv->val, &iv, &uv, &fv, &kind) || kv->type == GGUF_T_BOOL)
        return type_err(g, kv, "a number", e);
    *out = kind == 3 ? (float)fv : kind == 2 ? (float)iv : (float)uv;
    return LPCS_OK;
}

int gguf_get_bool(const gguf_file *g, const char *key, int *out, rt_err *e) {
    const gguf_kv *kv = need_kv(g, key, e);
    if (!kv) return LPCS_EFORMAT;
    int64_t iv = 0; uint64_t uv = 0; double fv = 0; int kind = 0;
    if (!scalar_at(kv->type, kv->val, &iv, &uv, &fv, &kind) || kind == 3) return type_err(g, kv, "a bool", e);
    *out = kind == 1 ? uv != 0 : iv != 0;
    return LPCS_OK;
}

int gguf_get_str(const gguf_file *g, const char *key, gguf_str *out, rt_err *e) {
    const gguf_kv *kv = need_kv(g, key, e);
    if (!kv) return LPCS_EFORMAT;
    if (kv->type != GGUF_T_STRING) return type_err(g, kv, "a string", e);
    out->len = rd_le(kv->val, 8);
    out->ptr = (const char *)kv->val + 8;
    return LPCS_OK;
}

int gguf_get_cstr(const gguf_file *g, const char *key, char *buf, size_t buf_len, rt_err *e) {
    gguf_str s;
    int rc = gguf_get_str(g, key, &s, e);
    if (rc) return rc;
    if (!buf || s.len >= buf_len || has_nul(s))
        return rt_fail(e, LPCS_EFORMAT, "%s: GGUF key '%s' is longer than %zu bytes or contains a NUL byte",
                       g->file.path, key, buf_len ? buf_len - 1 : 0);
    memcpy(buf, s.ptr, (size_t)s.len);
    buf[s.len] = 0;
    return LPCS_OK;
}

int gguf_get_arr(const gguf_file *g, const char *key, gguf_vtype *elem_type, uint64_t *n, rt_err *e) {
    const gguf_kv *kv = need_kv(g, key, e);
    if (!kv) return LPCS_EFORMAT;
    if (kv->type != GGUF_T_ARRAY) return type_err(g, kv, "an array", e);
    if (elem_type) *elem_type = kv->arr_type;
    if (n) *n = kv->arr_n;
    return LPCS_OK;
}

static const gguf_kv *need_arr(const gguf_file *g, const char *key, uint64_t n, rt_err *e) {
    const gguf_kv *kv = need_kv(g, key, e);
    if (!kv) return NULL;
    if (kv->type != GGUF_T_ARRAY) { type_err(g, kv, "an array", e); return NULL; }
    if (kv->arr_n != n) {
        rt_fail(e, LPCS_EFORMAT, "%s: GGUF array '%s' has %" PRIu64 " elements, expected %" PRIu64, g->file.path,
                key, kv->arr_n, n);
        return NULL;
    }
    return kv;
}

int gguf_arr_strs(const gguf_file *g, const char *key, gguf_str *out, uint64_t n, rt_err *e) {
    const gguf_kv *kv = need_arr(g, key, n, e);
    if (!kv) return LPCS_EFORMAT;
    if (kv->arr_type != GGUF_T_STRING)
        return rt_fail(e, LPCS_EFORMAT, "%s: GGUF array '%s' holds %s, expected strings", g->file.path, key,
                       gguf_vtype_name(kv->arr_type));
    const uint8_t *p = kv->val; /* already bounds-checked by the parser */
    for (uint64_t i = 0; i < n; i++) {
        out[i].len = rd_le(p, 8);
        out[i].ptr = (const char *)p + 8;
        p += 8 + out[i].len;
    }
    return LPCS_OK;
}

static int arr_num(const gguf_file *g, const char *key, float *of, int32_t *oi, uint64_t n, rt_err *e) {
    const gguf_kv *kv = need_arr(g, key, n, e);
    if (!kv) return LPCS_EFORMAT;
    gguf_vtype t = kv->arr_type;
    if (t == GGUF_T_STRING || t == GGUF_T_BOOL)
        return rt_fail(e, LPCS_EFORMAT, "%s: GGUF array '%s' holds %s, expected numbers", g->file.path, key,
                       gguf_vtype_name(t));
    for (uint64_t i = 0; i < n; i++) {
        int64_t iv = 0; uint64_t uv = 0; double fv = 0; int kind = 0;
        scalar_at(t, kv->val + i * (uint64_t)vsize[t], &iv, &uv, &fv, &kind);
        if (of) {
            of[i] = kind == 3 ? (float)fv : kind == 2 ? (float)iv : (float)uv;
        } else {
            if (kind == 3) {
                if (!(fv >= INT32_MIN && fv <= INT32_MAX) || fv != floor(fv))
                    return rt_fail(e, LPCS_EFORMAT, "%s: GGUF array '%s' element %" PRIu64 " is not an int32",
                                   g->file.path, key, i);
                iv = (int64_t)fv;
            } else if (kind == 1) {
                if (uv > INT32_MAX)
                    return rt_fail(e, LPCS_EFORMAT, "%s: GGUF array '%s' element %" PRIu64 " exceeds int32",
                                   g->file.path, key, i);
                iv = (int64_t)uv;
            }
            if (iv < INT32_MIN || iv > INT32_MAX)
                return rt_fail(e, LPCS_EFORMAT, "%s: GGUF array '%s' element %" PRIu64 " exceeds int32",
                               g->file.path, key, i);
            oi[i] = (int32_t)iv;
        }
    }
    return LPCS_OK;
}

int gguf_arr_f32(const gguf_file *g, const char *key, float *out, uint64_t n, rt_err *e) {
    return arr_num(g, key, out, NULL, n, e);
}
int gguf_arr_i32(const gguf_file *g, const char *key, int32_t *out, uint64_t n, rt_err *e) {
    return arr_num(g, key, NULL, out, n, e);
}

const gguf_tensor *gguf_find_tensor(const gguf_file *g, const char *name) {
    if (!g || !name) return NULL;
    for (uint64_t i = 0; i < g->n_tensors; i++)
        if (strcmp(g->t[i].name, name) == 0) return &g->t[i];
    return NULL;
}

int gguf_str_eq(gguf_str a, const char *s) {
    size_t n = strlen(s);
    return a.len == n && memcmp(a.ptr, s, n) == 0;
}
