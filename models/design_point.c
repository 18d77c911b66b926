#include "design_point.h"
#include "tech_scale.h"

#include <jansson.h>
#include <stddef.h>
#include <stdlib.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"

typedef dp_field field_desc;
#define F_DOUBLE DP_F_DOUBLE
#define F_INT DP_F_INT
#define F_STR DP_F_STR
#define FD(n, k, lo, hi, def) DP_FIELD(n, k, lo, hi, def)

/* The fields in JSON / CSV order: these, each unit's (models/units.c order), then TAIL. */
static const field_desc HEAD[] = {
    FD(id, F_STR, 0, 0, 0),
    FD(clock_ghz, F_DOUBLE, 0.01, 10, 1.0),
};
static const field_desc TAIL[] = {
    FD(sram_kib, F_DOUBLE, 1, 1 << 24, 1024),
    FD(dram_gbps, F_DOUBLE, 0.01, 1e5, 25.6),
    FD(dram_latency_ns, F_DOUBLE, 0, 1e6, 50),
    FD(dma_burst_bytes, F_DOUBLE, 16, 1 << 24, 4096),
    FD(sram_bytes_per_cycle, F_DOUBLE, 0, 1 << 20, 0),
    FD(tech_nm, F_DOUBLE, 7, 45, 45),
    FD(activity_model, F_INT, 0, 1, 0),
    FD(plan, F_STR, 0, 0, 0),
};
#define NHEAD (sizeof HEAD / sizeof HEAD[0])
#define NTAIL (sizeof TAIL / sizeof TAIL[0])

static size_t n_fields(void) {
    size_t n = NHEAD + NTAIL;
    for (int u = 0; u < arch_n_units(); u++) n += (size_t)arch_unit_get(u)->n_fields;
    return n;
}

/* Field i in table order, NULL past the end. */
static const field_desc *field_at(size_t i) {
    if (i < NHEAD) return &HEAD[i];
    i -= NHEAD;
    for (int u = 0; u < arch_n_units(); u++) {
        const arch_unit_desc *ud = arch_unit_get(u);
        if (i < (size_t)ud->n_fields) return &ud->fields[i];
        i -= (size_t)ud->n_fields;
    }
    return i < NTAIL ? &TAIL[i] : NULL;
}
#define NFIELDS n_fields()
#define FIELD(i) field_at(i)

static double get_num(const dp_config *d, const field_desc *f) {
    const char *b = (const char *)d + f->off;
    return f->kind == F_INT ? (double)*(const int *)b : *(const double *)b;
}

static void set_num(dp_config *d, const field_desc *f, double v) {
    char *b = (char *)d + f->off;
    if (f->kind == F_INT)
        *(int *)b = (int)v;
    else
        *(double *)b = v;
}

const char *dp_field_name(size_t i) {
    const field_desc *f = FIELD(i);
    return f ? f->name : NULL;
}

void dp_default(dp_config *d) {
    memset(d, 0, sizeof *d);
    for (size_t i = 0; i < NFIELDS; i++)
        if (FIELD(i)->kind != F_STR) set_num(d, FIELD(i), FIELD(i)->def);
    snprintf(d->id, sizeof d->id, "default");
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
        const field_desc *f = FIELD(i);
        double v;
        if (f->kind == F_STR) {
            const char *s = (const char *)d + f->off;
            if (!s[0]) {
                seterr(err, errlen, "design point: field %s is empty", f->name);
                return -1;
            }
            continue;
        }
        v = get_num(d, f);
        if (!(v >= f->lo && v <= f->hi) || (f->kind == DP_F_PARAM_INT && v != floor(v))) {
            seterr(err, errlen, "design point: field %s out of range (%g)", f->name, v);
            return -1;
        }
    }
    if (!tech_node_known(d->tech_nm)) {
        seterr(err, errlen, "design point: tech_nm %g is not a node with scaling factors (45, 32, 28, 22, 20, 16, 14, 10, 7)",
               d->tech_nm);
        return -1;
    }
    int compute_units = 0;
    for (int u = 0; u < arch_n_units(); u++) {
        const arch_unit_desc *ud = arch_unit_get(u);
        if (ud->check && ud->check(d, err, errlen)) return -1;
        /* a unit is there when its first field (its count) is > 0 */
        if (!ud->fallback && ud->n_fields > 0 && get_num(d, &ud->fields[0]) > 0) compute_units++;
    }
    if (compute_units == 0) {
        seterr(err, errlen, "design point %s: no compute unit at all", d->id);
        return -1;
    }
    return 0;
}

static const field_desc *find_field(const char *key) {
    for (size_t i = 0; i < NFIELDS; i++)
        if (!strcmp(FIELD(i)->name, key)) return FIELD(i);
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
            if (o < sizeof valid) o += (size_t)snprintf(valid + o, sizeof valid - o, "%s%s", i ? ", " : "", FIELD(i)->name);
            int dist = edit_distance(key, FIELD(i)->name);
            if (dist < best_d) best_d = dist, best = FIELD(i)->name;
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
    if (f->kind == F_INT || f->kind == DP_F_PARAM_INT) {
        if (x != floor(x) || fabs(x) > 1e9) {
            seterr(err, errlen, "design point: field %s wants an integer (%g)", key, x);
            return -1;
        }
    }
    (void)base;
    set_num(d, f, x);
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
        const field_desc *f = FIELD(i);
        const char *base = (const char *)d + f->off;
        json_t *v = f->kind == F_STR                                  ? json_string(base)
                    : f->kind == F_INT || f->kind == DP_F_PARAM_INT ? json_integer((json_int_t)get_num(d, f))
                                                                      : json_real(get_num(d, f));
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
