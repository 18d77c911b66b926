/* qformat: format names -> quantize-dequantize; see qformat.h. */
#include "qformat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intq.h"
#include "minifloat.h"
#include "mx.h"
#include "posit.h"
#include "status.h"
#include "ternary.h"

/* The one table of element-format names (qformat_parse; `lpcs num` and the
 * runtime's plans read it through qformat_parse). FP4/FP6 have no Inf/NaN:
 * they always saturate, so they are listed as MF_SATFINITE (the flag has no
 * effect on them; it says what they do). */
static const struct { const char *name; mf_format f; mf_sat s; } k_mf_names[] = {
    {"bf16", MF_BF16, MF_NONSAT},          {"fp16", MF_FP16, MF_NONSAT},
    {"fp8e4m3", MF_FP8_E4M3, MF_NONSAT},   {"fp8e5m2", MF_FP8_E5M2, MF_NONSAT},
    {"fp6e2m3", MF_FP6_E2M3, MF_SATFINITE}, {"fp6e3m2", MF_FP6_E3M2, MF_SATFINITE},
    {"fp4e2m1", MF_FP4_E2M1, MF_SATFINITE}, {"bf16sat", MF_BF16, MF_SATFINITE},
    {"fp16sat", MF_FP16, MF_SATFINITE},    {"fp8e4m3sat", MF_FP8_E4M3, MF_SATFINITE},
    {"fp8e5m2sat", MF_FP8_E5M2, MF_SATFINITE},
};

static const struct { const char *name; mx_elem e; } k_mx_names[] = {
    {"mxfp8", MX_FP8_E4M3}, {"mxfp8e4m3", MX_FP8_E4M3}, {"mxfp8e5m2", MX_FP8_E5M2},
    {"mxfp6", MX_FP6_E2M3}, {"mxfp6e2m3", MX_FP6_E2M3}, {"mxfp6e3m2", MX_FP6_E3M2},
    {"mxfp4", MX_FP4_E2M1}, {"mxint8", MX_INT8},
};

/* "p<N>e<E>" with 2 <= N <= 32, 0 <= E <= 3, plain decimal digits. */
static int parse_posit(const char *s, int *n, int *es) {
    if (s[0] != 'p' || s[1] < '0' || s[1] > '9') return 0;
    char *end;
    long nv = strtol(s + 1, &end, 10);
    if (*end != 'e' || end[1] < '0' || end[1] > '9') return 0;
    char *end2;
    long ev = strtol(end + 1, &end2, 10);
    if (*end2 || end - s > 3 || end2 - end > 2) return 0;
    if (nv < 2 || nv > 32 || ev < 0 || ev > 3) return 0;
    *n = (int)nv;
    *es = (int)ev;
    return 1;
}

int qformat_parse(const char *name, qformat *out) {
    if (!out) return LPCS_EINVAL;
    memset(out, 0, sizeof *out);
    if (!name) return LPCS_EINVAL;
    size_t len = strlen(name);
    if (len == 0 || len >= sizeof out->name) return LPCS_EUNSUPPORTED;
    qformat f;
    memset(&f, 0, sizeof f);
    memcpy(f.name, name, len + 1);
    int found = 0;
    if (!strcmp(name, "fp32")) {
        f.kind = QF_FP32;
        found = 1;
    }
    for (size_t i = 0; !found && i < sizeof k_mf_names / sizeof *k_mf_names; i++)
        if (!strcmp(name, k_mf_names[i].name)) {
            f.kind = QF_MINIFLOAT;
            f.mf = k_mf_names[i].f;
            f.sat = k_mf_names[i].s;
            found = 1;
        }
    for (size_t i = 0; !found && i < sizeof k_mx_names / sizeof *k_mx_names; i++) {
        size_t l = strlen(k_mx_names[i].name);
        if (strncmp(name, k_mx_names[i].name, l)) continue;
        if (name[l] == '\0' || !strcmp(name + l, "-ta")) {
            f.kind = QF_MX;
            f.mx_elem = k_mx_names[i].e;
            f.mx_round = name[l] ? MX_ROUND_TIES_AWAY : MX_ROUND_RNE;
            found = 1;
        }
    }
    if (!found && !strcmp(name, "nvfp4")) {
        f.kind = QF_NVFP4;
        found = 1;
    }
    if (!found && !strncmp(name, "int", 3) && len == 4 && name[3] >= '2' && name[3] <= '8') {
        f.kind = QF_INT;
        f.bits = name[3] - '0';
        found = 1;
    }
    if (!found && !strcmp(name, "ternary")) {
        f.kind = QF_TERNARY;
        found = 1;
    }
    if (!found && parse_posit(name, &f.posit_n, &f.posit_es)) {
        f.kind = QF_POSIT;
        found = 1;
    }
    if (!found) return LPCS_EUNSUPPORTED;
    *out = f;
    return LPCS_OK;
}

double qformat_bits_per_value(const qformat *f) {
    if (!f) return 0.0;
    switch (f->kind) {
    case QF_FP32: return 32.0;
    case QF_MINIFLOAT: {
        const mf_info *i = mf_get_info((mf_format)f->mf);
        return i ? i->bits : 0.0;
    }
    case QF_MX: {
        const mx_elem_info *i = mx_get_elem_info((mx_elem)f->mx_elem);
        return i ? i->bits + 8.0 / MX_BLOCK : 0.0;
    }
    case QF_NVFP4: return 4.0 + 8.0 / NVFP4_BLOCK;
    case QF_INT: return f->bits;
    case QF_TERNARY: return 2.0;
    case QF_POSIT: return f->posit_n;
    }
    return 0.0;
}

double qformat_storage_bits(const qformat *f, size_t n, size_t row_len) {
    if (!f) return 0.0;
    double rows = row_len ? (double)(n / row_len) : 0.0;
    switch (f->kind) {
    case QF_MX: {
        const mx_elem_info *i = mx_get_elem_info((mx_elem)f->mx_elem);
        if (!i || !row_len) return (double)n * (i ? i->bits : 0);
        return (double)n * i->bits + 8.0 * rows * (double)mx_num_blocks(row_len);
    }
    case QF_NVFP4:
        if (!row_len) return 4.0 * (double)n + 32.0;
        return 4.0 * (double)n + 8.0 * rows * (double)nvfp4_num_blocks(row_len) + 32.0;
    case QF_INT:
    case QF_TERNARY: return qformat_bits_per_value(f) * (double)n + 32.0 * rows;
    default: return qformat_bits_per_value(f) * (double)n;
    }
}

/* One row: per-row scale, quantize, dequantize (element by element: safe
 * when in == out). */
static void roundtrip_int_row(int bits, const float *in, float *out, size_t len) {
    float scale = intq_scale_for_absmax(bits, intq_absmax(in, len));
    for (size_t i = 0; i < len; i++) out[i] = (float)intq_quantize_one(bits, in[i], scale) * scale;
}

int qformat_roundtrip(const qformat *f, const float *in, float *out, size_t n, size_t row_len) {
    if (!f) return LPCS_EINVAL;
    if (n == 0) return LPCS_OK;
    if (!in || !out || row_len == 0 || n % row_len) return LPCS_EINVAL;
    const size_t rows = n / row_len;
    switch (f->kind) {
    case QF_FP32:
        if (in != out) memmove(out, in, n * sizeof *out);
        return LPCS_OK;
    case QF_MINIFLOAT:
        if (!mf_get_info((mf_format)f->mf)) return LPCS_EINVAL;
        for (size_t i = 0; i < n; i++)
            out[i] = mf_to_f32((mf_format)f->mf, mf_from_f32((mf_format)f->mf, in[i], (mf_sat)f->sat));
        return LPCS_OK;
    case QF_MX: {
        uint8_t scale, codes[MX_BLOCK];
        for (size_t r = 0; r < rows; r++)
            for (size_t s = 0; s < row_len; s += MX_BLOCK) {
                size_t len = row_len - s < MX_BLOCK ? row_len - s : MX_BLOCK;
                const size_t off = r * row_len + s;
                int rc = mx_quantize((mx_elem)f->mx_elem, (mx_round)f->mx_round, in + off, len,
                                     &scale, codes);
                if (!rc) rc = mx_dequantize((mx_elem)f->mx_elem, &scale, codes, len, out + off);
                if (rc) return rc;
            }
        return LPCS_OK;
    }
    case QF_NVFP4: {
        const float ts = nvfp4_tensor_scale(in, n);
        uint8_t scale, codes[NVFP4_BLOCK];
        for (size_t r = 0; r < rows; r++)
            for (size_t s = 0; s < row_len; s += NVFP4_BLOCK) {
                size_t len = row_len - s < NVFP4_BLOCK ? row_len - s : NVFP4_BLOCK;
                const size_t off = r * row_len + s;
                nvfp4_quantize_with_scale(in + off, len, ts, &scale, codes);
                nvfp4_dequantize(ts, &scale, codes, len, out + off);
            }
        return LPCS_OK;
    }
    case QF_INT:
        if (intq_check_bits(f->bits)) return LPCS_EINVAL;
        for (size_t r = 0; r < rows; r++)
            roundtrip_int_row(f->bits, in + r * row_len, out + r * row_len, row_len);
        return LPCS_OK;
    case QF_TERNARY: {   /* BitNet absmean per row (golden/ternary.h) */
        int8_t *q = malloc(row_len);
        if (!q) return LPCS_ENOMEM;
        int rc = LPCS_OK;
        for (size_t r = 0; r < rows && rc == LPCS_OK; r++) {
            float beta;
            rc = ternary_absmean_quantize(in + r * row_len, row_len, q, &beta);
            const float inv = 1.0f / beta;   /* dequantized weight = q / inv, as bitlinear.h */
            for (size_t i = 0; rc == LPCS_OK && i < row_len; i++) out[r * row_len + i] = (float)q[i] / inv;
        }
        free(q);
        return rc;
    }
    case QF_POSIT: {
        posit_cfg c = posit_cfg_make(f->posit_n, f->posit_es);
        if (posit_cfg_check(c) != LPCS_OK) return LPCS_EINVAL;
        for (size_t i = 0; i < n; i++) out[i] = posit_to_float(c, posit_from_float(c, in[i]));
        return LPCS_OK;
    }
    }
    return LPCS_EINVAL;
}
