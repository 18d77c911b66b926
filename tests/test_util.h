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

/* Deterministic 64-bit PRNG (splitmix64) so failures reproduce. */
static inline uint64_t test_rand64(uint64_t *state) {
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

#endif
