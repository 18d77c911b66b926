/* Minimal safetensors reader for the ternary tests (the runtime owns the real
 * loader): whole file in memory, JSON header parsed with jansson, every
 * tensor's dtype, shape and byte range validated before use. F32 and BF16
 * tensors are returned as fp32 arrays (BF16 widened exactly). */
#ifndef LPCS_TESTS_TERNARY_ST_H
#define LPCS_TESTS_TERNARY_ST_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    unsigned char *buf;
    size_t len, data_off;
    json_t *hdr;
} tst_file;

static inline void tst_close(tst_file *f) {
    if (f->hdr) json_decref(f->hdr);
    free(f->buf);
    memset(f, 0, sizeof *f);
}

/* 0 on success; -1 (with a message on stderr) on a missing or malformed file. */
static inline int tst_open(tst_file *f, const char *path) {
    memset(f, 0, sizeof *f);
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        fprintf(stderr, "safetensors: cannot open %s\n", path);
        return -1;
    }
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    if (n < 8) {
        fclose(fp);
        fprintf(stderr, "safetensors: %s too short\n", path);
        return -1;
    }
    f->buf = (unsigned char *)malloc((size_t)n);
    f->len = (size_t)n;
    if (!f->buf || fread(f->buf, 1, f->len, fp) != f->len) {
        fclose(fp);
        tst_close(f);
        return -1;
    }
    fclose(fp);
    uint64_t hl = 0;
    for (int i = 7; i >= 0; i--) hl = hl << 8 | f->buf[i];
    if (hl > f->len - 8) {
        fprintf(stderr, "safetensors: header length %llu past the file end\n", (unsigned long long)hl);
        tst_close(f);
        return -1;
    }
    json_error_t err;
    f->hdr = json_loadb((const char *)f->buf + 8, (size_t)hl, 0, &err);
    if (!f->hdr || !json_is_object(f->hdr)) {
        fprintf(stderr, "safetensors: bad JSON header: %s\n", err.text);
        tst_close(f);
        return -1;
    }
    f->data_off = 8 + (size_t)hl;
    return 0;
}

/* Reads tensor `name` as fp32 (malloc'd, caller frees). Checks the element
 * count equals rows*cols (cols = 1 for a vector: pass the expected shape). */
static inline float *tst_get(const tst_file *f, const char *name, size_t rows, size_t cols) {
    json_t *t = json_object_get(f->hdr, name);
    json_t *dt = t ? json_object_get(t, "dtype") : NULL, *sh = t ? json_object_get(t, "shape") : NULL;
    json_t *off = t ? json_object_get(t, "data_offsets") : NULL;
    if (!json_is_string(dt) || !json_is_array(sh) || !json_is_array(off) || json_array_size(off) != 2) {
        fprintf(stderr, "safetensors: tensor %s missing or malformed\n", name);
        return NULL;
    }
    size_t count = 1;
    for (size_t i = 0; i < json_array_size(sh); i++) {
        json_int_t d = json_integer_value(json_array_get(sh, i));
        if (d <= 0 || (size_t)d > ((size_t)1 << 32) / count) return NULL;
        count *= (size_t)d;
    }
    int bf16 = strcmp(json_string_value(dt), "BF16") == 0, f32 = strcmp(json_string_value(dt), "F32") == 0;
    json_int_t a = json_integer_value(json_array_get(off, 0)), b = json_integer_value(json_array_get(off, 1));
    size_t es = bf16 ? 2 : 4;
    if ((!bf16 && !f32) || count != rows * cols || a < 0 || b < a || (size_t)(b - a) != count * es ||
        (size_t)b > f->len - f->data_off) {
        fprintf(stderr, "safetensors: tensor %s: unexpected dtype/shape/offsets\n", name);
        return NULL;
    }
    const unsigned char *p = f->buf + f->data_off + (size_t)a;
    float *out = (float *)malloc(count * sizeof(float));
    if (!out) return NULL;
    for (size_t i = 0; i < count; i++) {
        uint32_t u = bf16 ? (uint32_t)(p[2 * i] | p[2 * i + 1] << 8) << 16
                          : (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 | (uint32_t)p[4 * i + 2] << 16 |
                                (uint32_t)p[4 * i + 3] << 24;
        memcpy(&out[i], &u, 4);
    }
    return out;
}

#endif
