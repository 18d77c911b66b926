#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_file.h"

static const rt_qf FP32 = {.name = "fp32", .identity = 1};

int rt_qf_parse(const char *name, rt_qf *out, rt_err *e) {
    memset(out, 0, sizeof *out);
    if (!name || !*name || strlen(name) >= sizeof out->name)
        return rt_fail(e, LPCS_EUNSUPPORTED, "invalid number format name '%s'", name ? name : "");
    snprintf(out->name, sizeof out->name, "%s", name);
    if (!strcmp(name, "fp32")) {
        out->identity = 1;
        return LPCS_OK;
    }
    if (qformat_parse(name, &out->q) == LPCS_OK) return LPCS_OK;
    return rt_fail(e, LPCS_EUNSUPPORTED,
                   "unknown number format '%s' (e.g. fp32 bf16 fp16 fp8e4m3 fp8e5m2 mxfp4 mxfp6 mxfp8 nvfp4 "
                   "int2..int8 ternary p8e0 p16e1; see golden/qformat.h)", name);
}

int rt_qf_roundtrip(const rt_qf *f, const float *in, float *out, size_t n, size_t row_len) {
    if (f->identity) {
        if (in != out) memmove(out, in, n * sizeof *out);
        return LPCS_OK;
    }
    return qformat_roundtrip(&f->q, in, out, n, row_len);
}

double rt_qf_bits(const rt_qf *f) {
    if (f->identity) return 32;
    return qformat_bits_per_value(&f->q);
}

const char *rt_wclass_name(rt_wclass c) {
    static const char *const n[WC_N] = {"embed", "attn", "ffn", "head"};
    return c < WC_N ? n[c] : "?";
}

void rt_plan_default(rt_plan *p) {
    memset(p, 0, sizeof *p);
    snprintf(p->text, sizeof p->text, "fp32");
}

static int add_entry(rt_plan *p, const char *key, const char *val, rt_err *e) {
    rt_plan_entry en = {.layer = -1, .wclass = -1};
    const char *k = key;
    if (k[0] == 'L' && k[1] >= '0' && k[1] <= '9') {
        char *end;
        long l = strtol(k + 1, &end, 10);
        if (*end != '.' || l < 0 || l > 100000) return rt_fail(e, LPCS_EINVAL, "plan: bad layer key '%s'", key);
        en.layer = (int)l;
        k = end + 1;
    }
    if (!strncmp(k, "kv", 2) && (k[2] == 0)) {
        en.what = 'k';
    } else if ((k[0] == 'w' || k[0] == 'a') && (k[1] == 0 || k[1] == '.')) {
        en.what = k[0];
        if (k[1] == '.') {
            for (int c = 0; c < WC_N; c++)
                if (!strcmp(k + 2, rt_wclass_name((rt_wclass)c))) en.wclass = c;
            if (en.wclass < 0)
                return rt_fail(e, LPCS_EINVAL, "plan: unknown tensor class in '%s' (embed attn ffn head)", key);
        }
    } else {
        return rt_fail(e, LPCS_EINVAL, "plan: unknown key '%s' (w, a, kv, w.CLASS, a.CLASS, L<n>.KEY)", key);
    }
    int rc = rt_qf_parse(val, &en.f, e);
    if (rc) return rc;
    if (p->n >= RT_PLAN_MAX_OVERRIDES) return rt_fail(e, LPCS_ERANGE, "plan: more than %d entries", RT_PLAN_MAX_OVERRIDES);
    p->e[p->n++] = en;
    return LPCS_OK;
}

static int parse_text(rt_plan *p, char *s, int depth, rt_err *e) {
    char *save = NULL;
    for (char *tok = strtok_r(s, ",\n", &save); tok; tok = strtok_r(NULL, ",\n", &save)) {
        char *hash = strchr(tok, '#');
        if (hash) *hash = 0;
        while (*tok == ' ' || *tok == '\t' || *tok == '\r') tok++;
        size_t n = strlen(tok);
        while (n && (tok[n - 1] == ' ' || tok[n - 1] == '\t' || tok[n - 1] == '\r')) tok[--n] = 0;
        if (!*tok) continue;
        int rc;
        if (tok[0] == '@') {
            if (depth > 0) return rt_fail(e, LPCS_EINVAL, "plan: nested plan file '%s'", tok + 1);
            rt_file f;
            if ((rc = rt_file_map(&f, tok + 1, e))) return rc;
            if (f.size > 65536) {
                rt_file_unmap(&f);
                return rt_fail(e, LPCS_EFORMAT, "%s: plan file larger than 64 KiB", tok + 1);
            }
            char *buf = malloc(f.size + 1);
            if (!buf) {
                rt_file_unmap(&f);
                return rt_fail(e, LPCS_ENOMEM, "out of memory");
            }
            if (f.size) memcpy(buf, f.data, f.size); /* an empty file maps to NULL (tests/fuzz/fuzz_plan) */
            buf[f.size] = 0;
            rt_file_unmap(&f);
            rc = parse_text(p, buf, depth + 1, e);
            free(buf);
        } else {
            char *eq = strchr(tok, '=');
            if (!eq && !strcmp(tok, "ggml")) {
                p->ggml = 1;
                rc = LPCS_OK;
            } else if (!eq && !strcmp(tok, "intdot")) {
                p->intdot = 1;
                rc = LPCS_OK;
            } else if (!eq && !strcmp(tok, "lut")) {
                p->intdot = p->lut = 1;
                rc = LPCS_OK;
            } else if (!eq)
                rc = add_entry(p, "w", tok, e);
            else {
                *eq = 0;
                rc = add_entry(p, tok, eq + 1, e);
            }
        }
        if (rc) return rc;
    }
    return LPCS_OK;
}

int rt_plan_parse(rt_plan *p, const char *spec, rt_err *e) {
    rt_plan_default(p);
    if (!spec) return LPCS_OK;
    snprintf(p->text, sizeof p->text, "%s", spec);
    char *s = strdup(spec);
    if (!s) return rt_fail(e, LPCS_ENOMEM, "out of memory");
    int rc = parse_text(p, s, 0, e);
    free(s);
    return rc;
}

static const rt_qf *lookup(const rt_plan *p, char what, int c, int layer) {
    const rt_qf *f = &FP32;
    for (int i = 0; i < p->n; i++) {
        const rt_plan_entry *en = &p->e[i];
        if (en->what == what && (en->layer < 0 || en->layer == layer) && (en->wclass < 0 || en->wclass == c))
            f = &en->f;
    }
    return f;
}

const rt_qf *rt_plan_w(const rt_plan *p, rt_wclass c, int layer) { return lookup(p, 'w', (int)c, layer); }
const rt_qf *rt_plan_a(const rt_plan *p, rt_wclass c, int layer) { return lookup(p, 'a', (int)c, layer); }
const rt_qf *rt_plan_kv(const rt_plan *p, int layer) { return lookup(p, 'k', -1, layer); }

int rt_plan_is_fp32(const rt_plan *p) {
    for (int i = 0; i < p->n; i++)
        if (!p->e[i].f.identity) return 0;
    return 1;
}
