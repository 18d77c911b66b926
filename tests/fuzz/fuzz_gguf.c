/* libFuzzer harness: the GGUF reader (sw_runtime/gguf.h) and the GGUF model
 * loader on arbitrary bytes. The first byte selects: 1 = also write
 * the rest to a temporary file and load it as a model (rt_model_load_gguf;
 * only when the byte is exactly 1, to keep the harness fast);
 * the rest is always parsed from memory, then every key is read through
 * every getter and every decodable tensor (up to 2^16 values) dequantized.
 * A rejection must carry a message; nothing may crash. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ggml_quants.h"
#include "gguf.h"
#include "model.h"

static char model_path[64];

static void check(int rc, const rt_err *e) {
    if (getenv("LPCS_FUZZ_VERBOSE")) fprintf(stderr, "gguf: rc %d %s\n", rc, rc ? e->msg : "(accepted)");
    if (rc && !e->msg[0]) abort();
}

static void walk(const gguf_file *g) {
    for (uint64_t i = 0; i < g->n_kv; i++) {
        const char *k = g->kv[i].key;
        rt_err e = {0};
        uint32_t u;
        int64_t v;
        float f;
        int b;
        gguf_str s;
        char buf[64];
        gguf_get_u32(g, k, &u, &e);
        gguf_get_i64(g, k, &v, &e);
        gguf_get_f32(g, k, &f, &e);
        gguf_get_bool(g, k, &b, &e);
        gguf_get_str(g, k, &s, &e);
        gguf_get_cstr(g, k, buf, sizeof buf, &e);
        gguf_vtype et;
        uint64_t n;
        if (gguf_get_arr(g, k, &et, &n, &e) == LPCS_OK && n <= (1u << 20)) {
            void *out = malloc((size_t)(n ? n : 1) * sizeof(gguf_str));
            if (!out) continue;
            gguf_arr_strs(g, k, out, n, &e);
            gguf_arr_f32(g, k, out, n, &e);
            gguf_arr_i32(g, k, out, n, &e);
            free(out);
        }
    }
    for (uint64_t i = 0; i < g->n_tensors; i++) {
        const gguf_tensor *t = &g->t[i];
        uint64_t n = t->ne[0] * t->ne[1] * t->ne[2] * t->ne[3];
        const ggml_type_traits *tr = ggml_type_info(t->type);
        if (!tr || !tr->codec || n > (1u << 16) || gguf_find_tensor(g, t->name) != t) continue;
        float *y = malloc((size_t)n * sizeof *y);
        if (!y) continue;
        if (ggml_dequantize(t->type, t->data, y, (size_t)n)) abort(); /* the reader validated the size */
        free(y);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    rt_err e = {0};
    gguf_file g;
    int rc = gguf_open_mem(&g, data + 1, size - 1, "fuzz.gguf", &e);
    check(rc, &e);
    if (!rc) {
        walk(&g);
        gguf_close(&g);
    }
    if (data[0] == 1) {
        if (!model_path[0]) snprintf(model_path, sizeof model_path, "/tmp/fuzz_gguf_%d.gguf", (int)getpid());
        FILE *f = fopen(model_path, "wb");
        if (!f || (size > 1 && fwrite(data + 1, 1, size - 1, f) != size - 1) || fclose(f)) abort();
        rt_model m;
        rt_err e2 = {0};
        rc = rt_model_load_gguf(&m, model_path, &e2);
        check(rc, &e2);
        if (!rc) rt_model_free(&m);
    }
    return 0;
}
