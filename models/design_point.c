#include "design_point.h"

#include <jansson.h>
#include <stddef.h>
#include <stdlib.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef enum { F_DOUBLE, F_INT, F_STR } field_kind;

typedef struct {
    const char *name;
    field_kind kind;
    size_t off;
    double lo, hi; /* range (numbers) */
} field_desc;

#define FD(n, k, lo, hi) {#n, k, offsetof(dp_config, n), lo, hi}
static const field_desc FIELDS[] = {
    FD(id, F_STR, 0, 0),
    FD(clock_ghz, F_DOUBLE, 0.01, 10),
    FD(rmmec_units, F_INT, 0, 65536),
    FD(ternary_lanes, F_INT, 0, 4096),
    FD(ternary_ktile, F_INT, 2, 1024),
    FD(ternary_overlap_load, F_INT, 0, 1),
    FD(pim_banks, F_INT, 0, 65536),
    FD(pim_rows_per_bank, F_INT, 1, 1 << 20),
    FD(pim_g, F_INT, 2, 8),
    FD(pim_entry_bits, F_INT, 4, 32),
    FD(pim_kib, F_DOUBLE, 0.125, 1 << 20),
    FD(vector_lanes, F_INT, 1, 65536),
    FD(sram_kib, F_DOUBLE, 1, 1 << 24),
    FD(dram_gbps, F_DOUBLE, 0.01, 1e5),
    FD(dram_latency_ns, F_DOUBLE, 0, 1e6),
    FD(dma_burst_bytes, F_DOUBLE, 16, 1 << 24),
    FD(plan, F_STR, 0, 0),
};
#define NFIELDS (sizeof FIELDS / sizeof FIELDS[0])

const char *const *dp_field_names(void) {
    static const char *names[NFIELDS + 1];
    for (size_t i = 0; i < NFIELDS; i++) names[i] = FIELDS[i].name;
    names[NFIELDS] = NULL;
    return names;
}

void dp_default(dp_config *d) {
    memset(d, 0, sizeof *d);
    snprintf(d->id, sizeof d->id, "default");
    d->clock_ghz = 1.0;
    d->rmmec_units = 64;
    d->ternary_lanes = 8;
    d->ternary_ktile = 16;
    d->pim_banks = 16;
    d->pim_rows_per_bank = 64;
    d->pim_g = 4;
    d->pim_entry_bits = 12;
    d->pim_kib = 64;
    d->vector_lanes = 16;
    d->sram_kib = 1024;
    d->dram_gbps = 25.6;
    d->dram_latency_ns = 50;
    d->dma_burst_bytes = 4096;
    snprintf(d->plan, sizeof d->plan, "fp32");
}

static void seterr(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t len, const char *fmt, ...) {
    if (!err || !len) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, len, fmt, ap);
    va_end(ap);
}

int dp_check(const dp_config *d, char *err, size_t errlen) {
    if (!d) {
        seterr(err, errlen, "%s", "null design point");
        return -1;
    }
    for (size_t i = 0; i < NFIELDS; i++) {
        const field_desc *f = &FIELDS[i];
        double v;
        if (f->kind == F_STR) {
            const char *s = (const char *)d + f->off;
            if (!s[0]) {
                seterr(err, errlen, "design point: field %s is empty", f->name);
                return -1;
            }
            continue;
        }
        v = f->kind == F_INT ? (double)*(const int *)((const char *)d + f->off)
                             : *(const double *)((const char *)d + f->off);
        if (!(v >= f->lo && v <= f->hi)) {
            seterr(err, errlen, "design point: field %s out of range (%g)", f->name, v);
            return -1;
        }
    }
    int k = d->ternary_ktile;
    if (k & (k - 1)) {
        seterr(err, errlen, "design point: %s must be a power of two (%d)", "ternary_ktile", k);
        return -1;
    }
    if (d->rmmec_units + d->ternary_lanes + d->pim_banks == 0) {
        seterr(err, errlen, "design point %s: no compute unit at all", d->id);
        return -1;
    }
    return 0;
}

static const field_desc *find_field(const char *key) {
    for (size_t i = 0; i < NFIELDS; i++)
        if (!strcmp(FIELDS[i].name, key)) return &FIELDS[i];
    return NULL;
}

/* Levenshtein distance of two short names (capped at 64 characters). */
static int edit_distance(const char *a, const char *b) {
    size_t n = strlen(a), m = strlen(b);
    if (n > 64 || m > 64) return 99;
    int row[65];
    for (size_t j = 0; j <= m; j++) row[j] = (int)j;
    for (size_t i = 1; i <= n; i++) {
        int diag = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= m; j++) {
            int up = row[j], best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            diag = up;
            row[j] = best;
        }
    }
    return row[m];
}

static int set_from_json(dp_config *d, const char *key, json_t *v, char *err, size_t errlen) {
    const field_desc *f = find_field(key);
    if (!f) {
        /* one message that names the closest field and every valid one */
        char valid[512];
        size_t o = 0;
        const char *best = NULL;
        int best_d = 4;
        for (size_t i = 0; i < NFIELDS; i++) {
            o += (size_t)snprintf(valid + o, sizeof valid - o, "%s%s", i ? ", " : "", FIELDS[i].name);
            int dist = edit_distance(key, FIELDS[i].name);
            if (dist < best_d) best_d = dist, best = FIELDS[i].name;
        }
        seterr(err, errlen, "design point: unknown field '%s'%s%s%s (valid fields: %s)", key,
               best ? " (did you mean '" : "", best ? best : "", best ? "'?)" : "", valid);
        return -1;
    }
    char *base = (char *)d + f->off;
    if (f->kind == F_STR) {
        if (!json_is_string(v) || strlen(json_string_value(v)) >= (f->off == offsetof(dp_config, id) ? DP_ID_LEN : DP_PLAN_LEN)) {
            seterr(err, errlen, "design point: field %s wants a (short) string", key);
            return -1;
        }
        strcpy(base, json_string_value(v));
        return 0;
    }
    if (!json_is_number(v)) {
        seterr(err, errlen, "design point: field %s wants a number", key);
        return -1;
    }
    double x = json_number_value(v);
    if (f->kind == F_INT) {
        if (x != floor(x) || fabs(x) > 1e9) {
            seterr(err, errlen, "design point: field %s wants an integer (%g)", key, x);
            return -1;
        }
        *(int *)base = (int)x;
    } else {
        *(double *)base = x;
    }
    return 0;
}

int dp_set_field(dp_config *d, const char *key, const char *text, int is_string, char *err, size_t errlen) {
    json_t *v = is_string ? json_string(text) : json_loads(text, JSON_DECODE_ANY, NULL);
    if (!v) {
        seterr(err, errlen, "design point: bad value for %s", key);
        return -1;
    }
    int rc = set_from_json(d, key, v, err, errlen);
    json_decref(v);
    return rc;
}

static int parse_obj(json_t *root, dp_config *d, char *err, size_t errlen) {
    if (!json_is_object(root)) {
        seterr(err, errlen, "design point: %s", "not a JSON object");
        return -1;
    }
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v) {
        if (key[0] == '_') continue; /* "_comment" and the like */
        if (set_from_json(d, key, v, err, errlen)) return -1;
    }
    return dp_check(d, err, errlen);
}

int dp_parse_json_text(const char *text, dp_config *d, char *err, size_t errlen) {
    if (!text || !d) {
        seterr(err, errlen, "design point: %s", "null argument");
        return -1;
    }
    json_error_t je;
    json_t *root = json_loads(text, 0, &je);
    if (!root) {
        seterr(err, errlen, "design point: JSON error: %s", je.text);
        return -1;
    }
    int rc = parse_obj(root, d, err, errlen);
    json_decref(root);
    return rc;
}

int dp_load_file(const char *path, dp_config *d, char *err, size_t errlen) {
    if (!path || !d) {
        seterr(err, errlen, "design point: %s", "null argument");
        return -1;
    }
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root) {
        if (err && errlen) snprintf(err, errlen, "%s:%d: %s", path, je.line, je.text);
        return -1;
    }
    int rc = parse_obj(root, d, err, errlen);
    json_decref(root);
    return rc;
}

int dp_to_json(const dp_config *d, char *out, size_t outlen) {
    json_t *o = json_object();
    for (size_t i = 0; i < NFIELDS; i++) {
        const field_desc *f = &FIELDS[i];
        const char *base = (const char *)d + f->off;
        json_t *v = f->kind == F_STR   ? json_string(base)
                    : f->kind == F_INT ? json_integer(*(const int *)base)
                                       : json_real(*(const double *)base);
        json_object_set_new(o, f->name, v);
    }
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!s) return -1;
    int rc = strlen(s) < outlen ? 0 : -1;
    if (!rc) strcpy(out, s);
    free(s);
    return rc;
}
