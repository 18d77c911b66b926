#include "ppl_shard.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int rt_ppl_shard_write(FILE *out, const rt_ppl_shard *sh, rt_err *e) {
    const rt_ppl_shard_key *k = &sh->key;
    json_t *r = json_object(), *nll = json_array(), *tg = json_array();
    int bad = !r || !nll || !tg;
    for (size_t i = 0; !bad && i < sh->w.count; i++) {
        char hex[64]; /* %a is exact: strtod gives back the same double */
        snprintf(hex, sizeof hex, "%a", sh->w.nll[i]);
        bad |= json_array_append_new(nll, json_string(hex)) != 0;
        bad |= json_array_append_new(tg, json_integer((json_int_t)sh->w.targets[i])) != 0;
    }
    if (!bad) {
        json_object_set_new(r, "format", json_string(RT_PPL_SHARD_FORMAT));
        json_object_set_new(r, "model", json_string(k->model));
        json_object_set_new(r, "plan", json_string(k->plan));
        json_object_set_new(r, "exec", json_string(k->exec));
        json_object_set_new(r, "text", json_string(k->text));
        json_object_set_new(r, "begin", json_integer((json_int_t)k->begin));
        json_object_set_new(r, "end", json_integer((json_int_t)k->end));
        json_object_set_new(r, "windows_total", json_integer((json_int_t)k->windows_total));
        json_object_set_new(r, "first", json_integer((json_int_t)sh->w.first));
        json_object_set(r, "window_nll", nll);
        json_object_set(r, "window_targets", tg);
        bad = json_dumpf(r, out, JSON_INDENT(1)) != 0 || fputc('\n', out) == EOF;
    }
    json_decref(nll), json_decref(tg), json_decref(r);
    return bad ? rt_fail(e, LPCS_EIO, "ppl: cannot write the shard file") : LPCS_OK;
}

void rt_ppl_shard_free(rt_ppl_shard *sh) { rt_ppl_windows_free(&sh->w); }

static int get_str(json_t *r, const char *key, char *dst, size_t cap, const char *name, rt_err *e) {
    json_t *v = json_object_get(r, key);
    if (!json_is_string(v)) return rt_fail(e, LPCS_EFORMAT, "%s: \"%s\" missing or not a string", name, key);
    if (json_string_length(v) >= cap || strlen(json_string_value(v)) != json_string_length(v))
        return rt_fail(e, LPCS_EFORMAT, "%s: \"%s\" too long or holds a NUL", name, key);
    memcpy(dst, json_string_value(v), json_string_length(v) + 1);
    return LPCS_OK;
}

static int get_count(json_t *r, const char *key, unsigned long long *dst, const char *name, rt_err *e) {
    json_t *v = json_object_get(r, key);
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return rt_fail(e, LPCS_EFORMAT, "%s: \"%s\" missing or not a non-negative integer", name, key);
    *dst = (unsigned long long)json_integer_value(v);
    return LPCS_OK;
}

static int parse_obj(json_t *r, const char *name, rt_ppl_shard *sh, rt_err *e) {
    rt_ppl_shard_key *k = &sh->key;
    char format[32];
    unsigned long long total, first;
    int rc;
    if ((rc = get_str(r, "format", format, sizeof format, name, e))) return rc;
    if (strcmp(format, RT_PPL_SHARD_FORMAT))
        return rt_fail(e, LPCS_EFORMAT, "%s: format \"%s\", expected \"%s\"", name, format, RT_PPL_SHARD_FORMAT);
    if ((rc = get_str(r, "model", k->model, sizeof k->model, name, e)) ||
        (rc = get_str(r, "plan", k->plan, sizeof k->plan, name, e)) ||
        (rc = get_str(r, "exec", k->exec, sizeof k->exec, name, e)) ||
        (rc = get_str(r, "text", k->text, sizeof k->text, name, e)) ||
        (rc = get_count(r, "begin", &k->begin, name, e)) || (rc = get_count(r, "end", &k->end, name, e)) ||
        (rc = get_count(r, "windows_total", &total, name, e)) || (rc = get_count(r, "first", &first, name, e)))
        return rc;
    json_t *nll = json_object_get(r, "window_nll"), *tg = json_object_get(r, "window_targets");
    if (!json_is_array(nll) || !json_is_array(tg) || json_array_size(nll) != json_array_size(tg) ||
        json_array_size(nll) == 0)
        return rt_fail(e, LPCS_EFORMAT, "%s: window_nll and window_targets must be arrays of one non-zero length",
                       name);
    size_t count = json_array_size(nll);
    if (k->end <= k->begin || total == 0 || first >= total || count > total - first)
        return rt_fail(e, LPCS_EFORMAT, "%s: windows %llu..%llu + %zu or bytes [%llu, %llu) out of range", name,
                       first, total, count, k->begin, k->end);
    k->windows_total = (size_t)total;
    sh->w = (rt_ppl_windows){(size_t)total, (size_t)first, count, calloc(count, sizeof(double)),
                             calloc(count, sizeof(size_t))};
    if (!sh->w.nll || !sh->w.targets) return rt_fail(e, LPCS_ENOMEM, "%s: out of memory", name);
    for (size_t i = 0; i < count; i++) {
        json_t *x = json_array_get(nll, i), *t = json_array_get(tg, i);
        const char *s = json_string_value(x);
        char *end = NULL;
        if (s) sh->w.nll[i] = strtod(s, &end);
        /* hex only: decimal could lose bits; finite only: an exponent past the
         * double range reads as inf, which the writer cannot give back as hex */
        if (!s || !*s || *end || !strstr(s, "0x") || !isfinite(sh->w.nll[i]))
            return rt_fail(e, LPCS_EFORMAT, "%s: window_nll[%zu] is not a finite hex double string", name, i);
        if (!json_is_integer(t) || json_integer_value(t) < 1 || json_integer_value(t) > RT_PPL_WINDOW)
            return rt_fail(e, LPCS_EFORMAT, "%s: window_targets[%zu] not in 1..%d", name, i, RT_PPL_WINDOW);
        sh->w.targets[i] = (size_t)json_integer_value(t);
        if (sh->w.targets[i] != RT_PPL_WINDOW && first + i + 1 != total)
            return rt_fail(e, LPCS_EFORMAT, "%s: window %llu is short but not the last", name, first + i);
    }
    return LPCS_OK;
}

int rt_ppl_shard_parse(const char *text, size_t len, const char *name, rt_ppl_shard *sh, rt_err *e) {
    memset(sh, 0, sizeof *sh);
    json_error_t je;
    json_t *r = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!r) return rt_fail(e, LPCS_EFORMAT, "%s: line %d: %s", name, je.line, je.text);
    int rc = json_is_object(r) ? parse_obj(r, name, sh, e)
                               : rt_fail(e, LPCS_EFORMAT, "%s: a shard is a JSON object", name);
    json_decref(r);
    if (rc) rt_ppl_shard_free(sh);
    return rc;
}

static int key_equal(const rt_ppl_shard_key *a, const rt_ppl_shard_key *b) {
    return !strcmp(a->model, b->model) && !strcmp(a->plan, b->plan) && !strcmp(a->exec, b->exec) &&
           !strcmp(a->text, b->text) && a->begin == b->begin && a->end == b->end &&
           a->windows_total == b->windows_total;
}

int rt_ppl_shard_combine(const rt_ppl_shard *sh, int n, rt_ppl_result *res, rt_err *e) {
    memset(res, 0, sizeof *res);
    if (n < 1) return rt_fail(e, LPCS_EINVAL, "ppl --combine: no shards");
    for (int i = 1; i < n; i++)
        if (!key_equal(&sh[0].key, &sh[i].key))
            return rt_fail(e, LPCS_EINVAL,
                           "ppl --combine: shard %d is of another evaluation (model, plan, exec, text, byte range "
                           "or window count differ from shard 0)",
                           i);
    size_t total = sh[0].key.windows_total, held = 0;
    for (int i = 0; i < n; i++) held += sh[i].w.count;
    /* checked before allocating by windows_total: a damaged count must not ask for gigabytes */
    if (held != total)
        return rt_fail(e, LPCS_EINVAL, "ppl --combine: the shards hold %zu windows, the evaluation has %zu%s", held,
                       total, held < total ? " (a shard is missing)" : " (a window is in two shards)");
    double *nll = malloc(total * sizeof *nll);
    size_t *targets = malloc(total * sizeof *targets);
    unsigned char *seen = calloc(total, 1);
    int rc = !nll || !targets || !seen ? rt_fail(e, LPCS_ENOMEM, "ppl --combine: out of memory") : LPCS_OK;
    for (int i = 0; i < n && !rc; i++)
        for (size_t k = 0; k < sh[i].w.count && !rc; k++) {
            size_t w = sh[i].w.first + k;
            if (seen[w]) rc = rt_fail(e, LPCS_EINVAL, "ppl --combine: window %zu is in two shards", w);
            seen[w] = 1, nll[w] = sh[i].w.nll[k], targets[w] = sh[i].w.targets[k];
        }
    for (size_t w = 0; w < total && !rc; w++)
        if (!seen[w]) rc = rt_fail(e, LPCS_EINVAL, "ppl --combine: window %zu of %zu is in no shard", w, total);
    if (!rc) rt_ppl_summarize(nll, targets, total, res);
    free(nll), free(targets), free(seen);
    return rc;
}
