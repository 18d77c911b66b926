/* Plain C++ test helpers for the CUDA tests (no cmocka: the GPU machine may
 * not have it). Each check prints the first mismatch with its inputs. */
#ifndef LPCS_CUDA_TEST_COMMON_H
#define LPCS_CUDA_TEST_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int g_passed = 0, g_failed = 0;

/* Deterministic splitmix64, so failures reproduce. */
struct test_rng {
    uint64_t s;
    uint64_t next() {
        uint64_t z = (s += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    int range(int lo, int hi) { return lo + (int)(next() % (uint64_t)(hi - lo + 1)); }
};

static inline double test_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Records one named test case result; prints PASS/FAIL with a detail line. */
static inline void test_report(const char *name, bool ok, const char *detail) {
    if (ok) g_passed++;
    else g_failed++;
    printf("%s %s%s%s\n", ok ? "PASS" : "FAIL", name, detail && *detail ? ": " : "",
           detail ? detail : "");
    fflush(stdout);
}

#endif
