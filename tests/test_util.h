/* Helpers shared by the CMocka unit tests (header-only). */
#ifndef LPCS_TEST_UTIL_H
#define LPCS_TEST_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* Path of a file under ../shared (LPCS_SHARED overrides, set by make). */
static inline const char *test_shared_path(char *buf, size_t len, const char *rel) {
    const char *root = getenv("LPCS_SHARED");
    snprintf(buf, len, "%s/%s", root && *root ? root : "../shared", rel);
    return buf;
}

/* True under `make test-long` (LPCS_LONG=1): run the 2^32 sweeps. */
static inline int test_long_mode(void) {
    const char *v = getenv("LPCS_LONG");
    return v && *v && strcmp(v, "0") != 0;
}

/* Reads a whole file; NULL (and a message) if it is missing. Caller frees. */
static inline unsigned char *test_read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *p = n > 0 ? malloc((size_t)n) : NULL;
    if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
        free(p);
        p = NULL;
    }
    fclose(f);
    if (p) *len = (size_t)n;
    return p;
}

/* Reads ../shared/<dir>/<name> whole (e.g. "vectors/posit", "p8_add.bin");
 * fails the running test, naming the path, if it cannot. Caller frees. */
static inline unsigned char *test_load_shared(const char *dir, const char *name, size_t *len) {
    char rel[512], path[1024];
    *len = 0;
    snprintf(rel, sizeof rel, "%s/%s", dir, name);
    unsigned char *p = test_read_file(test_shared_path(path, sizeof path, rel), len);
    if (!p) fail_msg("missing vector file %s", path);
    return p;
}

/* Deterministic 64-bit PRNG (splitmix64) so failures reproduce. */
static inline uint64_t test_rand64(uint64_t *state) {
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

#endif
