/* libFuzzer harness: the scheduling options `--backend NAME` and `--place
 * PATTERN=BACKEND` (sw_runtime/engine.c, rt_sched_backend / rt_sched_place)
 * on the built-in backends. Input: lines; the first is a --backend value,
 * each other one a --place value. A rejection must carry a message and leave
 * the options as they were; an accepted --place must hold the text before
 * the first '=' as its pattern and the named backend; an accepted --backend
 * must enable that backend and cpu only (auto: all), wanting it unless cpu. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

enum { MAX_INPUT = 1 << 12 };

static void check_backend(const rt_sched_opts *before, const rt_sched_opts *o, const char *name, int rc,
                          const rt_err *e) {
    if (rc) {
        if (!e->msg[0] || memcmp(before, o, sizeof *o)) abort(); /* silent, or changed by a refusal */
        return;
    }
    int b = rt_sched_find(o, name), is_auto = !strcmp(name, "auto");
    if (!is_auto && b < 0) abort(); /* accepted an unknown name */
    for (int i = 0; i < o->n_backends; i++) {
        int want = is_auto || i == b || !strcmp(o->backends[i].iface->name, "cpu");
        if (o->backends[i].enabled != want) abort();
    }
    if (o->wanted != (is_auto || !strcmp(name, "cpu") ? -1 : b)) abort();
}

static void check_place(const rt_sched_opts *before, const rt_sched_opts *o, const char *spec, int rc,
                        const rt_err *e) {
    if (rc) {
        if (!e->msg[0] || memcmp(before, o, sizeof *o)) abort();
        return;
    }
    const char *eq = strchr(spec, '=');
    if (!eq || o->n_place != before->n_place + 1) abort();
    size_t n = (size_t)(eq - spec);
    const char *pat = o->place[o->n_place - 1].pattern;
    if (!n || strlen(pat) != n || memcmp(pat, spec, n)) abort(); /* pattern is not the text before '=' */
    int b = o->place[o->n_place - 1].backend;
    if (b < 0 || b >= o->n_backends || strcmp(o->backends[b].iface->name, eq + 1)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > MAX_INPUT) return 0;
    char text[MAX_INPUT + 1];
    memcpy(text, data, size);
    text[size] = 0;
    rt_sched_opts o, before;
    memset(&o, 0, sizeof o); /* padding too: refusals are compared byte for byte */
    rt_sched_default(&o);
    char *line = text;
    for (int i = 0; line; i++) {
        char *nl = strchr(line, '\n');
        if (nl) *nl = 0;
        rt_err e = {0, ""};
        memcpy(&before, &o, sizeof o);
        if (i == 0)
            check_backend(&before, &o, line, rt_sched_backend(&o, line, &e), &e);
        else
            check_place(&before, &o, line, rt_sched_place(&o, line, &e), &e);
        line = nl ? nl + 1 : NULL;
    }
    return 0;
}
