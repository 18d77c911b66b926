/* gguf_hash FILE.gguf: per tensor "name type n fnv1a64" of lpcs's
 * dequantization (sw_runtime/gguf.h + golden/ggml_quants.h), in the format
 * of llama_oracle's `dequant` subcommand, so the two can be compared line
 * for line. Types lpcs cannot decode print "-" as the hash. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ggml_quants.h"
#include "gguf.h"

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: gguf_hash FILE.gguf\n");
        return 2;
    }
    gguf_file g;
    rt_err e = {0};
    if (gguf_open(&g, argv[1], &e)) {
        fprintf(stderr, "gguf_hash: %s\n", e.msg);
        return 1;
    }
    for (uint64_t i = 0; i < g.n_tensors; i++) {
        const gguf_tensor *t = &g.t[i];
        uint64_t n = t->ne[0] * t->ne[1] * t->ne[2] * t->ne[3];
        float *f = malloc((size_t)n * sizeof *f);
        char type[16];
        snprintf(type, sizeof type, "%s", ggml_type_info(t->type)->name);
        for (char *c = type; *c; c++)
            if (*c >= 'A' && *c <= 'Z' && !(c > type && c[-1] == '_')) *c = (char)(*c - 'A' + 'a');
        if (!f || ggml_dequantize(t->type, t->data, f, (size_t)n)) {
            printf("%s %s %" PRIu64 " -\n", t->name, type, n);
            free(f);
            continue;
        }
        uint64_t h = 1469598103934665603ull;
        for (uint64_t k = 0; k < n; k++) {
            uint32_t u;
            memcpy(&u, &f[k], 4);
            for (int b = 0; b < 4; b++) {
                h ^= (u >> (8 * b)) & 0xff;
                h *= 1099511628211ull;
            }
        }
        printf("%s %s %" PRIu64 " %016" PRIx64 "\n", t->name, type, n, h);
        free(f);
    }
    gguf_close(&g);
    return 0;
}
