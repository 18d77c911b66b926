/* Weight-streaming GEMV at Llama-2-7B shapes (11008x4096, 4096x11008) with
 * the cpu backend's fp kernels (sw_runtime/kernels/fp_cpu: fp32, bf16, fp16
 * weights, golden's dot order), against the DRAM read bandwidth measured in
 * the same run with the same access pattern: a read-only AVX-512/AVX2 sum
 * over the same rotating weight copies (>= 384 MB in all, far beyond L3, so
 * weights come from DRAM). One thread. On a shared machine the best time is
 * the uncontended one: ratios use best times, medians are printed too.
 *   bench_stream [reps] [isa]      (markdown table on stdout) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../bench_util.h"
#include "kernels/fp_cpu.h"

#if defined(__x86_64__)
#include <immintrin.h>
__attribute__((target("avx2"))) static float read_sum(const void *p, size_t bytes) {
    const __m256 *v = p;
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    for (size_t i = 0; i + 4 <= bytes / 32; i += 4) {
        a0 = _mm256_add_ps(a0, _mm256_load_ps((const float *)(v + i)));
        a1 = _mm256_add_ps(a1, _mm256_load_ps((const float *)(v + i + 1)));
        a2 = _mm256_add_ps(a2, _mm256_load_ps((const float *)(v + i + 2)));
        a3 = _mm256_add_ps(a3, _mm256_load_ps((const float *)(v + i + 3)));
    }
    float o[8];
    _mm256_storeu_ps(o, _mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
    return o[0] + o[7];
}
#else
static float read_sum(const void *p, size_t bytes) {
    const float *f = p;
    float s = 0;
    for (size_t i = 0; i < bytes / 4; i++) s += f[i];
    return s;
}
#endif

static int cmpd(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static volatile float sink;

int main(int argc, char **argv) {
    int reps = argc > 1 ? atoi(argv[1]) : 15;
    int isa = argc > 2 ? kn_isa_parse(argv[2]) : (int)kn_isa_best();
    if (reps < 3 || isa < 0 || !kn_isa_supported((kn_isa)isa)) {
        fprintf(stderr, "usage: bench_stream [reps >= 3] [auto|avx512|avx2|portable]\n");
        return 2;
    }
    const size_t shapes[2][2] = {{11008, 4096}, {4096, 11008}};
    const struct {
        const char *name;
        kn_wtype wt;
        size_t bytes;
    } types[3] = {{"fp32", KN_W_F32, 4}, {"bf16", KN_W_BF16, 2}, {"fp16", KN_W_F16, 2}};
    printf("kernels: %s, one thread, %d reps per row\n\n", kn_isa_name((kn_isa)isa), reps);
    printf("| M x K | weights | MB | best ms | median ms | weights GB/s (best) | read-only sum GB/s (best, same buffers) | of read BW |\n");
    printf("|---|---|---|---|---|---|---|---|\n");
    uint64_t st = 7;
    double *t = malloc(sizeof(double) * (size_t)reps), *tr = malloc(sizeof(double) * (size_t)reps);
    for (int s = 0; s < 2; s++)
        for (int k = 0; k < 3; k++) {
            size_t M = shapes[s][0], K = shapes[s][1], wbytes = M * K * types[k].bytes;
            size_t copies = ((size_t)384 << 20) / wbytes + 2;
            uint8_t *W = aligned_alloc(64, copies * wbytes);
            float *x = aligned_alloc(64, K * sizeof(float)), *y = aligned_alloc(64, M * sizeof(float));
            if (!W || !x || !y) return 1;
            for (size_t i = 0; i < copies * wbytes / 2; i++) /* finite values of every type */
                ((uint16_t *)W)[i] = (uint16_t)(bench_splitmix64(&st) & 0x3bff);
            for (size_t i = 0; i < K; i++) x[i] = (float)(i % 13) * 0.01f;
            for (int r = 0; r < reps; r++) {
                const uint8_t *w = W + (size_t)r % copies * wbytes;
                double t0 = bench_now();
                kn_gemm((kn_isa)isa, types[k].wt, y, M, w, K, x, K, 1, 0, M, K);
                t[r] = bench_now() - t0;
                w = W + (size_t)(r + copies / 2) % copies * wbytes;
                t0 = bench_now();
                sink = read_sum(w, wbytes);
                tr[r] = bench_now() - t0;
            }
            qsort(t, (size_t)reps, sizeof *t, cmpd);
            qsort(tr, (size_t)reps, sizeof *tr, cmpd);
            double gbs = (double)wbytes / t[0] / 1e9, rbw = (double)wbytes / tr[0] / 1e9;
            printf("| %zux%zu | %s | %.0f | %.2f | %.2f | %.1f | %.1f | %.0f%% |\n", M, K, types[k].name,
                   (double)wbytes / 1e6, t[0] * 1e3, t[reps / 2] * 1e3, gbs, rbw, 100.0 * gbs / rbw);
            fflush(stdout);
            free(W), free(x), free(y);
        }
    free(t), free(tr);
    return 0;
}
