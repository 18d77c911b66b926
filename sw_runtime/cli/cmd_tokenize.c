/* lpcs tokenize MODEL.gguf (--text FILE | --string S) [--bos] [--special]
 *                [--pieces] [--split-vectors]
 * Token ids of a text with the tokenizer of a GGUF file, one line, space
 * separated (as llama.cpp's llama_tokenize; default add_special = parse_special
 * = false like its test-tokenizer-0). --pieces prints the bytes of each id
 * instead of the ids (text in, text out). --split-vectors reads llama.cpp's
 * .inp format (texts separated by "\n__ggml_vocab_test__\n") and prints one
 * line of ids per text, as the matching .out file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "rt_file.h"
#include "tokenizer_gguf.h"

static int usage(void)
{
    fprintf(stderr, "usage: lpcs tokenize MODEL.gguf (--text FILE | --string S) [--bos] [--special] [--pieces] "
                    "[--split-vectors]\n");
    return 2;
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, got;
    unsigned char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            unsigned char *p = realloc(buf, cap *= 2);
            if (!p) {
                free(buf);
                buf = NULL;
            }
            buf = p;
        }
    }
    int bad = !buf || ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

static int emit(const rt_tok *t, const unsigned char *s, size_t len, int bos, int special, int pieces)
{
    int *ids;
    rt_err e = {0};
    int n = rt_tok_encode(t, s, len, bos, special, &ids, &e);
    if (n < 0) {
        fprintf(stderr, "lpcs tokenize: %s\n", e.msg);
        return 1;
    }
    for (int i = 0; i < n; i++) {
        if (pieces) {
            unsigned char buf[256];
            int k = rt_tok_piece(t, ids[i], special, buf, sizeof buf);
            if (k > (int)sizeof buf) {
                unsigned char *big = malloc((size_t)k);
                if (big) {
                    rt_tok_piece(t, ids[i], special, big, k);
                    fwrite(big, 1, (size_t)k, stdout);
                    free(big);
                }
            } else if (k > 0) {
                fwrite(buf, 1, (size_t)k, stdout);
            }
        } else {
            printf(i ? " %d" : "%d", ids[i]);
        }
    }
    if (!pieces)
        putchar('\n');
    free(ids);
    return 0;
}

int cmd_tokenize(int argc, char **argv)
{
    const char *model = NULL, *text_file = NULL, *str = NULL;
    int bos = 0, special = 0, pieces = 0, vectors = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--text") && i + 1 < argc) text_file = argv[++i];
        else if (!strcmp(argv[i], "--string") && i + 1 < argc) str = argv[++i];
        else if (!strcmp(argv[i], "--bos")) bos = 1;
        else if (!strcmp(argv[i], "--special")) special = 1;
        else if (!strcmp(argv[i], "--pieces")) pieces = 1;
        else if (!strcmp(argv[i], "--split-vectors")) vectors = 1;
        else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { usage(); return 0; }
        else if (argv[i][0] != '-' && !model) model = argv[i];
        else return usage();
    }
    if (!model || !!text_file == !!str)
        return usage();
    rt_err e = {0};
    rt_tok *t = rt_tok_from_gguf_path(model, &e);
    if (!t) {
        fprintf(stderr, "lpcs tokenize: %s\n", e.msg);
        return 1;
    }
    size_t len;
    unsigned char *text;
    if (str) {
        len = strlen(str);
        text = malloc(len + 1);
        if (text)
            memcpy(text, str, len + 1);
    } else {
        text = slurp(text_file, &len);
    }
    if (!text) {
        fprintf(stderr, "lpcs tokenize: cannot read %s\n", str ? "the string" : text_file);
        rt_tok_free(t);
        return 1;
    }
    int rc = 0;
    if (!vectors) {
        rc = emit(t, text, len, bos, special, pieces);
    } else {
        static const char SEP[] = "\n__ggml_vocab_test__\n";
        size_t sl = sizeof SEP - 1, pos = 0;
        while (pos < len && !rc) {
            size_t end = pos;
            while (end + sl <= len && memcmp(text + end, SEP, sl) != 0)
                end++;
            if (end + sl > len)
                end = len;
            rc = emit(t, text + pos, end - pos, bos, special, pieces);
            if (pieces)
                putchar('\n');
            pos = end == len ? len : end + sl;
        }
    }
    free(text);
    rt_tok_free(t);
    return rc;
}
