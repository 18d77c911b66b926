/* The physical limit of fp32 decode on a cache-resident model: one token's
 * matmuls of shakespeare-llama's shapes (dim 256, hidden 640, 5 layers,
 * 4 KV heads of 32, vocab 259: 14 MB of fp32 weights, inside a 32 MB L3)
 * with the cpu backend's kn_gemm, against a read-only sum over the same
 * arena (what reading the weights alone costs). Weights live in one
 * rt_weights_alloc arena, as the loader puts them. Times are process CPU
 * time (steadier than wall time on a shared machine); best and median of
 * the reps.
 *   bench_l3 [reps] [isa]      (markdown on stdout) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernels/fp_cpu.h"
#include "rt_weights_alloc.h"

#if defined(__x86_64__)
#include <immintrin.h>
/* 4 independent zmm accumulators (float adds): the loads bound it */
__attribute__((target("avx512f"))) static float read_sum512(const float *p, size_t n) {
    __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0; /* registers, not an array */
    for (size_t i = 0; i + 64 <= n; i += 64) {
        a0 = _mm512_add_ps(a0, _mm512_loadu_ps(p + i));
        a1 = _mm512_add_ps(a1, _mm512_loadu_ps(p + i + 16));
        a2 = _mm512_add_ps(a2, _mm512_loadu_ps(p + i + 32));
        a3 = _mm512_add_ps(a3, _mm512_loadu_ps(p + i + 48));
    }
    float t[16];
    _mm512_storeu_ps(t, _mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)));
    return t[0] + t[15];
}
#endif
static float read_sum(kn_isa isa, const float *p, size_t n) {
#if defined(__x86_64__)
    if (isa == KN_ISA_AVX512) return read_sum512(p, n);
#endif
    (void)isa;
    float s[8] = {0};
    for (size_t i = 0; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++) s[k] += p[i + (size_t)k];
    return s[0] + s[7];
}

static double cpu_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmpd(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

enum { LAYERS = 5, PER_LAYER = 7, TOKENS_PER_REP = 200 };
static const size_t shape[PER_LAYER][2] = {{256, 256}, {128, 256}, {128, 256}, {256, 256}, {640, 256}, {256, 640}, {640, 256}};
static volatile float sink;

int main(int argc, char **argv) {
    int reps = argc > 1 ? atoi(argv[1]) : 9;
    int isa = argc > 2 ? kn_isa_parse(argv[2]) : (int)kn_isa_best();
    if (reps < 1 || reps > 1000 || isa < 0 || !kn_isa_supported((kn_isa)isa)) {
        fprintf(stderr, "usage: bench_l3 [reps 1..1000] [auto|avx512|avx2|portable supported here]\n");
        return 2;
    }
    size_t n = 259 * 256; /* classifier */
    for (int m = 0; m < PER_LAYER; m++) n += LAYERS * shape[m][0] * shape[m][1];
    float *A = rt_weights_alloc(n * sizeof *A), x[640], y[640];
    double *tr = calloc((size_t)reps, sizeof *tr), *tg = calloc((size_t)reps, sizeof *tg);
    if (!A || !tr || !tg) return fprintf(stderr, "bench_l3: out of memory\n"), 1;
    uint32_t s = 1;
    for (size_t i = 0; i < n; i++) A[i] = (float)((s = s * 1664525u + 1013904223u) >> 9) * 0x1p-23f - 1.0f;
    for (int i = 0; i < 640; i++) x[i] = (float)i * 1e-3f;
    for (int r = 0; r < reps; r++) {
        double t0 = cpu_now();
        for (int t = 0; t < TOKENS_PER_REP; t++) sink = read_sum((kn_isa)isa, A, n);
        double t1 = cpu_now();
        for (int t = 0; t < TOKENS_PER_REP; t++) {
            const float *w = A;
            for (int l = 0; l < LAYERS; l++)
                for (int m = 0; m < PER_LAYER; m++) {
                    kn_gemm((kn_isa)isa, KN_W_F32, y, shape[m][0], w, shape[m][1], x, shape[m][1], 1, 0, shape[m][0], shape[m][1]);
                    w += shape[m][0] * shape[m][1];
                }
            kn_gemm((kn_isa)isa, KN_W_F32, y, 259, w, 256, x, 256, 1, 0, 259, 256);
        }
        double t2 = cpu_now();
        tr[r] = (t1 - t0) / TOKENS_PER_REP, tg[r] = (t2 - t1) / TOKENS_PER_REP;
    }
    qsort(tr, (size_t)reps, sizeof *tr, cmpd);
    qsort(tg, (size_t)reps, sizeof *tg, cmpd);
    double mb = (double)n * 4.0 / 1e6;
    printf("shakespeare-llama decode matmuls, %.1f MB fp32 weights, kernels %s, 1 thread, %d reps of %d tokens (CPU time)\n\n",
           mb, kn_isa_name((kn_isa)isa), reps, TOKENS_PER_REP);
    printf("| per token | best us | median us | GB/s (best) | tok/CPU-s bound (best) |\n|---|---|---|---|---|\n");
    printf("| read-only sum of the weights | %.1f | %.1f | %.1f | %.0f |\n", tr[0] * 1e6, tr[reps / 2] * 1e6, mb / 1e3 / tr[0],
           1.0 / tr[0]);
    printf("| kn_gemm over every matrix | %.1f | %.1f | %.1f | %.0f |\n", tg[0] * 1e6, tg[reps / 2] * 1e6, mb / 1e3 / tg[0],
           1.0 / tg[0]);
    printf("\nmatmuls at %.0f%% of the read-only rate (best), %.0f%% (median)\n", 100.0 * tr[0] / tg[0],
           100.0 * tr[reps / 2] / tg[reps / 2]);
    free(A), free(tr), free(tg);
    return 0;
}
