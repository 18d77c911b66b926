/* libFuzzer harness: the runtime's file loaders on arbitrary bytes.
 * The first input byte picks the loader; the rest is written to a temporary
 * file (the loaders take paths and mmap them):
 *   0  llama2.c checkpoint       rt_model_load_llama2c
 *   1  safetensors               st_open, then st_read_f32 of every tensor
 *   2  llama2.c tokenizer        rt_tokenizer_load (vocab: next 2 bytes LE), encode + decode
 *   3  safetensors + config.json rt_model_load_safetensors; config = bytes up
 *                                to the first NUL, model = the rest
 * A loader may reject the file (with a message); it must not crash. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_file.h"
#include "model.h"
#include "safetensors.h"
#include "tokenizer.h"

static char model_path[64], config_path[64];

/* LPCS_FUZZ_VERBOSE=1 prints each loader's verdict (for replaying one input). */
static void check_msg(int rc, const rt_err *e) {
    if (getenv("LPCS_FUZZ_VERBOSE")) fprintf(stderr, "loader: rc %d %s\n", rc, rc ? e->msg : "(accepted)");
    if (rc && !e->msg[0]) abort(); /* a rejection must say why */
}

static void fuzz_safetensors(void) {
    st_file s;
    rt_err e = {0};
    int rc = st_open(&s, model_path, &e);
    check_msg(rc, &e);
    if (rc) return;
    for (size_t i = 0; i < s.n; i++) {
        const st_tensor *t = &s.t[i];
        /* st_open's promise: a supported tensor's shape spans exactly its bytes */
        uint64_t bytes = t->end - t->begin, esz = t->dtype == ST_F32 ? 4 : 2;
        if (t->dtype != ST_UNSUPPORTED && (bytes % esz || bytes / esz != t->numel)) {
            fprintf(stderr, "st_open accepted tensor '%s' with %llu elements in %llu bytes\n", t->name,
                    (unsigned long long)t->numel, (unsigned long long)bytes);
            abort();
        }
        if (t->numel > (1u << 20)) continue;
        float *dst = malloc((t->numel ? t->numel : 1) * sizeof *dst);
        if (!dst) abort();
        rt_err e2 = {0};
        check_msg(st_read_f32(&s, t->name, t->ndim, t->shape, dst, &e2), &e2);
        free(dst);
    }
    st_close(&s);
}

static void fuzz_tokenizer(int vocab) {
    rt_tokenizer t;
    rt_err e = {0};
    int rc = rt_tokenizer_load(&t, model_path, vocab, &e);
    check_msg(rc, &e);
    if (rc) return;
    static const unsigned char text[] = "ROMEO: Hello, world!\n<0x41> \xff\x00z";
    int tokens[sizeof text];
    rt_err e2 = {0};
    rt_tokenizer_encode(&t, text, sizeof text, tokens, &e2);
    unsigned char buf[512];
    for (int i = -1; i <= t.vocab; i++) rt_tokenizer_decode(&t, i, buf, sizeof buf);
    rt_tokenizer_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    if (!model_path[0]) {
        fuzz_tmp_path(model_path, sizeof model_path, "model");
        fuzz_tmp_path(config_path, sizeof config_path, "config.json");
    }
    int mode = data[0] % 4;
    data++, size--;
    rt_model m;
    rt_err e = {0};
    int rc;
    switch (mode) {
    case 0:
        fuzz_write_file(model_path, data, size);
        memset(&m, 0, sizeof m);
        rc = rt_model_load_llama2c(&m, model_path, &e);
        check_msg(rc, &e);
        if (!rc) rt_model_free(&m);
        break;
    case 1:
        fuzz_write_file(model_path, data, size);
        fuzz_safetensors();
        break;
    case 2:
        if (size < 2) return 0;
        fuzz_write_file(model_path, data + 2, size - 2);
        fuzz_tokenizer(data[0] | data[1] << 8);
        break;
    default: {
        const uint8_t *nul = memchr(data, 0, size);
        size_t clen = nul ? (size_t)(nul - data) : size;
        fuzz_write_file(config_path, data, clen);
        size_t off = nul ? clen + 1 : size;
        fuzz_write_file(model_path, data + off, size - off);
        memset(&m, 0, sizeof m);
        rc = rt_model_load_safetensors(&m, model_path, config_path, &e);
        check_msg(rc, &e);
        if (!rc) rt_model_free(&m);
        break;
    }
    }
    return 0;
}
