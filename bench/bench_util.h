/* Helpers shared by the C benchmarks (header-only). */
#ifndef LPCS_BENCH_UTIL_H
#define LPCS_BENCH_UTIL_H

#include <stdint.h>
#include <time.h>

/* Wall-clock seconds (monotonic). */
static inline double bench_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* splitmix64: deterministic inputs, so runs compare like with like. */
static inline uint64_t bench_splitmix64(uint64_t *state) {
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

#endif
