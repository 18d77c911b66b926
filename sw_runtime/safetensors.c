#include "safetensors.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int dtype_size(st_dtype d) { return d == ST_F32 ? 4 : 2; }

float st_bf16_to_f32(uint16_t h) {
    uint32_t u = (uint32_t)h << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

float st_f16_to_f32(uint16_t h) {
    uint32_t sign = (uint32_t)(h >> 15) << 31, exp = (h >> 10) & 0x1f, man = h & 0x3ff, u;
    if (exp == 0x1f)
        u = sign | 0x7f800000u | (man << 13);
    else if (exp != 0)
        u = sign | ((exp + 112) << 23) | (man << 13);
    else if (man == 0)
        u = sign;
    else { /* subnormal: value = man * 2^-24, exact in fp32 */
        float f = ldexpf((float)man, -24);
        memcpy(&u, &f, 4);
        u |= sign;
    }
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static int parse_entry(st_file *s, const char *name, json_t *v, st_tensor *t, uint64_t data_len, rt_err *e) {
    const char *path = s->file.path;
    memset(t, 0, sizeof *t);
    if (strlen(name) >= sizeof t->name)
        return rt_fail(e, LPCS_EFORMAT, "%s: tensor name too long: %.60s...", path, name);
    strcpy(t->name, name);
    json_t *dt = json_object_get(v, "dtype"), *sh = json_object_get(v, "shape"),
           *of = json_object_get(v, "data_offsets");
    if (!json_is_object(v) || !json_is_string(dt) || !json_is_array(sh) || !json_is_array(of) ||
        json_array_size(of) != 2)
        return rt_fail(e, LPCS_EFORMAT, "%s: tensor '%s': header entry needs dtype, shape and data_offsets[2]",
                       path, name);
    snprintf(t->dtype_name, sizeof t->dtype_name, "%s", json_string_value(dt));
    t->dtype = !strcmp(t->dtype_name, "F32")    ? ST_F32
               : !strcmp(t->dtype_name, "F16")  ? ST_F16
               : !strcmp(t->dtype_name, "BF16") ? ST_BF16
                                                : ST_UNSUPPORTED;
    if (json_array_size(sh) > ST_MAX_DIMS)
        return rt_fail(e, LPCS_EFORMAT, "%s: tensor '%s' has %zu dimensions (at most %d)", path, name,
                       json_array_size(sh), ST_MAX_DIMS);
    t->ndim = (int)json_array_size(sh);
    t->numel = 1;
    for (int i = 0; i < t->ndim; i++) {
        json_t *d = json_array_get(sh, (size_t)i);
        if (!json_is_integer(d) || json_integer_value(d) < 0)
            return rt_fail(e, LPCS_EFORMAT, "%s: tensor '%s': shape entries must be non-negative integers", path,
                           name);
        t->shape[i] = (uint64_t)json_integer_value(d);
        if (t->shape[i] > 0 && t->numel > data_len / t->shape[i] + 1)
            return rt_fail(e, LPCS_EFORMAT, "%s: tensor '%s': shape is larger than the file", path, name);
        t->numel *= t->shape[i];
    }
    json_t *b = json_array_get(of, 0), *en = json_array_get(of, 1);
    if (!json_is_integer(b) || !json_is_integer(en) || json_integer_value(b) < 0 ||
        json_integer_value(en) < json_integer_value(b))
        return rt_fail(e, LPCS_EFORMAT, "%s: tensor '%s': invalid data_offsets", path, name);
    t->begin = (uint64_t)json_integer_value(b);
    t->end = (uint64_t)json_integer_value(en);
    if (t->end > data_len)
        return rt_fail(e, LPCS_EFORMAT,
                       "%s: tensor '%s': data_offsets [%llu, %llu] run past the end of the file (data section is "
                       "%llu bytes; file truncated?)",
                       path, name, (unsigned long long)t->begin, (unsigned long long)t->end,
                       (unsigned long long)data_len);
    /* Compare by division: numel * size can wrap for absurd shapes. */
    uint64_t span = t->end - t->begin, size = t->dtype != ST_UNSUPPORTED ? (uint64_t)dtype_size(t->dtype) : 0;
    if (size && (span % size != 0 || span / size != t->numel))
        return rt_fail(e, LPCS_EFORMAT,
                       "%s: tensor '%s': shape holds %llu %s values but data_offsets span %llu bytes", path, name,
                       (unsigned long long)t->numel, t->dtype_name, (unsigned long long)(t->end - t->begin));
    return LPCS_OK;
}

int st_open(st_file *s, const char *path, rt_err *e) {
    memset(s, 0, sizeof *s);
    int rc = rt_file_map(&s->file, path, e);
    if (rc) return rc;
    const rt_file *f = &s->file;
    if (f->size < 8) {
        rc = rt_fail(e, LPCS_EFORMAT, "%s: truncated safetensors file (%zu bytes, need at least 8)", path, f->size);
        goto fail;
    }
    uint64_t hlen = 0;
    for (int i = 7; i >= 0; i--) hlen = hlen << 8 | f->data[i];
    if (hlen > f->size - 8 || hlen > ST_MAX_HEADER) {
        rc = rt_fail(e, LPCS_EFORMAT,
                     "%s: safetensors header length %llu is beyond the file (%zu bytes) or the %u-byte limit", path,
                     (unsigned long long)hlen, f->size, ST_MAX_HEADER);
        goto fail;
    }
    s->data_off = 8 + hlen;
    json_error_t je;
    json_t *root = json_loadb((const char *)f->data + 8, (size_t)hlen, JSON_REJECT_DUPLICATES, &je);
    if (!root || !json_is_object(root)) {
        rc = rt_fail(e, LPCS_EFORMAT, "%s: safetensors header is not a JSON object (%s at byte %d)", path,
                     root ? "not an object" : je.text, root ? 0 : je.position);
        json_decref(root);
        goto fail;
    }
    s->t = calloc(json_object_size(root) + 1, sizeof *s->t);
    if (!s->t) {
        json_decref(root);
        rc = rt_fail(e, LPCS_ENOMEM, "%s: out of memory for the tensor table", path);
        goto fail;
    }
    const char *key;
    json_t *val;
    uint64_t data_len = f->size - s->data_off;
    json_object_foreach(root, key, val) {
        if (!strcmp(key, "__metadata__")) continue;
        if ((rc = parse_entry(s, key, val, &s->t[s->n], data_len, e))) {
            json_decref(root);
            goto fail;
        }
        s->n++;
    }
    json_decref(root);
    return LPCS_OK;
fail:
    st_close(s);
    return rc;
}

void st_close(st_file *s) {
    free(s->t);
    rt_file_unmap(&s->file);
    memset(s, 0, sizeof *s);
}

const st_tensor *st_find(const st_file *s, const char *name) {
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->t[i].name, name)) return &s->t[i];
    return NULL;
}

static void fmt_shape(char *buf, size_t len, int ndim, const uint64_t *sh) {
    size_t o = (size_t)snprintf(buf, len, "[");
    for (int i = 0; i < ndim && o < len; i++)
        o += (size_t)snprintf(buf + o, len - o, "%s%llu", i ? ", " : "", (unsigned long long)sh[i]);
    if (o < len) snprintf(buf + o, len - o, "]");
}

int st_read_f32(const st_file *s, const char *name, int ndim, const uint64_t *shape, float *dst, rt_err *e) {
    const char *path = s->file.path;
    const st_tensor *t = st_find(s, name);
    if (!t) return rt_fail(e, LPCS_EFORMAT, "%s: missing tensor '%s'", path, name);
    if (t->dtype == ST_UNSUPPORTED)
        return rt_fail(e, LPCS_EUNSUPPORTED, "%s: tensor '%s' has dtype %s (supported: F32, F16, BF16)", path, name,
                       t->dtype_name);
    int same = t->ndim == ndim;
    for (int i = 0; same && i < ndim; i++) same = t->shape[i] == shape[i];
    if (!same) {
        char want[128], got[128];
        fmt_shape(want, sizeof want, ndim, shape);
        fmt_shape(got, sizeof got, t->ndim, t->shape);
        return rt_fail(e, LPCS_EFORMAT, "%s: tensor '%s' has shape %s, expected %s", path, name, got, want);
    }
    const uint8_t *p = s->file.data + s->data_off + t->begin;
    if (t->dtype == ST_F32) {
        memcpy(dst, p, t->numel * 4);
    } else {
        for (uint64_t i = 0; i < t->numel; i++) {
            uint16_t h = (uint16_t)(p[2 * i] | p[2 * i + 1] << 8);
            dst[i] = t->dtype == ST_BF16 ? st_bf16_to_f32(h) : st_f16_to_f32(h);
        }
    }
    return LPCS_OK;
}
