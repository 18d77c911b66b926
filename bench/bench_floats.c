/* fp32 -> FP8 (E4M3, E5M2) and FP4 (E2M1) conversion throughput: golden
 * (per call and array), CUDA's host conversion functions (compiled with g++,
 * tests/cuda_fp_oracle.cpp) and a naive reference (nearest-value search over
 * the format's value table), in the same run, on the same inputs. All three
 * must agree on every output. Prints M conversions/s and ratios. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "minifloat.h"
#include "../tests/cuda_fp_oracle.h"
#include "bench_util.h"

enum { N = 1 << 20, REPS = 21 };   /* short runs, best of many: the host is shared */

static uint64_t rng_state = 0x6e6e;

/* Naive reference: nearest value of the table, ties to the even code,
 * saturating to max finite (NaN -> the format's canonical NaN / +max). */
typedef struct { float v[128]; uint32_t nmax, nan; int bits; } naive_tab;
static naive_tab naive_make(mf_format f) {
    naive_tab t;
    t.nmax = mf_max_code(f);
    t.nan = mf_nan_code(f);
    t.bits = mf_get_info(f)->bits;
    for (uint32_t c = 0; c <= t.nmax; c++) t.v[c] = mf_to_f32(f, c);
    return t;
}
static uint8_t naive_one(const naive_tab *t, float x) {
    if (isnan(x)) return (uint8_t)t->nan;
    float a = fabsf(x);
    uint32_t best = 0;
    double bd = INFINITY;
    for (uint32_t c = 0; c <= t->nmax; c++) {
        double d = fabs((double)a - t->v[c]);
        if (d < bd || (d == bd && !(c & 1))) {
            bd = d;
            best = c;
        }
    }
    return (uint8_t)(best | (signbit(x) ? 1u << (t->bits - 1) : 0));
}

typedef struct { const char *name; mf_format f; } fmt_case;

int main(void) {
    static const fmt_case cases[] = {
        {"fp8e4m3", MF_FP8_E4M3}, {"fp8e5m2", MF_FP8_E5M2}, {"fp4e2m1", MF_FP4_E2M1}};
    float *x = malloc(N * sizeof *x);
    uint8_t *g = malloc(N), *ga = malloc(N), *c = malloc(N), *nv = malloc(N);
    if (!x || !g || !ga || !c || !nv) return 1;
    /* values within each format's range (no overflow: both modes agree) */
    int bad = 0;
    printf("bench-floats: fp32 -> minifloat, %d values, best of %d runs, satfinite\n", N, REPS);
    printf("%-8s %12s %12s %12s %12s %10s %10s\n", "format", "golden", "golden[]", "cuda", "naive",
           "gold/cuda", "gold/naive");
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        mf_format f = cases[k].f;
        double maxv = mf_get_info(f)->max_finite;
        for (int i = 0; i < N; i++) {
            uint64_t r = bench_splitmix64(&rng_state);
            float m = (float)(r & 0xffffff) / (float)0x1000000;   /* [0,1) */
            x[i] = ldexpf(m, -(int)((r >> 24) % 12)) * (float)maxv * ((r >> 63) ? -1.0f : 1.0f);
        }
        double tg = 1e9, tga = 1e9, tc = 1e9, tn = 1e9;
        naive_tab nt = naive_make(f);
        for (int rep = 0; rep < REPS; rep++) {
            double t0 = bench_now();
            for (int i = 0; i < N; i++) g[i] = (uint8_t)mf_from_f32(f, x[i], MF_SATFINITE);
            double t1 = bench_now();
            mf_from_f32_array(f, MF_SATFINITE, x, N, ga);
            double t2 = bench_now();
            cuda_oracle_from_f32_array((int)f, x, c, N, 1);
            double t3 = bench_now();
            tg = fmin(tg, t1 - t0);
            tga = fmin(tga, t2 - t1);
            tc = fmin(tc, t3 - t2);
        }
        const int NN = N / 16;   /* the naive search is slow: time a slice */
        for (int rep = 0; rep < 3; rep++) {
            double t0 = bench_now();
            for (int i = 0; i < NN; i++) nv[i] = naive_one(&nt, x[i]);
            tn = fmin(tn, (bench_now() - t0) * 16.0);
        }
        for (int i = 0; i < N; i++)
            if (g[i] != c[i] || ga[i] != c[i] || (i < NN && nv[i] != c[i])) {
                fprintf(stderr, "MISMATCH %s x=%a golden %x array %x cuda %x naive %x\n", cases[k].name,
                        (double)x[i], g[i], ga[i], c[i], i < NN ? nv[i] : 0);
                bad = 1;
                break;
            }
        double mg = N / tg / 1e6, mga = N / tga / 1e6, mc = N / tc / 1e6, mn = N / tn / 1e6;
        printf("%-8s %9.1f M/s %9.1f M/s %9.1f M/s %9.1f M/s %9.2fx %9.1fx\n", cases[k].name, mg,
               mga, mc, mn, mga / mc, mga / mn);
    }
    printf("(ratios use golden[] = mf_from_f32_array; columns are M conversions/s)\n");
    free(x); free(g); free(ga); free(c); free(nv);
    return bad;
}
