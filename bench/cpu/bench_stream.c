/* Weight-streaming GEMV at Llama-2-7B shapes (11008x4096, 4096x11008) with
 * the cpu backend's kernels: fp32 / bf16 / fp16 weights (kernels/fp_cpu,
 * golden's dot order) and int8 / int4 / ternary weights x int8 activations
 * (kernels/int_cpu, exact integer sums), against the DRAM read bandwidth:
 *   - "STREAM read": a read-only sum over one 1 GiB buffer, measured first
 *     (the machine's read bandwidth for this thread count);
 *   - "same-buffer read": the same read-only sum over the very weight copies
 *     the GEMV streams, right after it (same access pattern, same moment).
 * Weights rotate over copies of >= 384 MB in all, far beyond L3, so every
 * GEMV reads them from DRAM. On a shared machine the best time is the
 * uncontended one: ratios use best times, medians are printed too.
 *   bench_stream [reps] [isa] [threads] [incache|int|lut]   (markdown tables
 *   on stdout; incache: only the last table, the integer kernels with weights
 *   in L2; int: no fp rows; lut: only the LUT kernel's tables)
 * The LUT-GEMV kernel (kernels/lut_gemv_cpu.h, plan keyword lut) has its own
 * tables at the end: ternary and int4, streaming and in L2, its time
 * including the per-token table build. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../bench_util.h"
#include "kernels/fp_cpu.h"
#include "kernels/int_cpu.h"
#include "kernels/lut_gemv_cpu.h"
#include "kernels/pool.h"

/* The read reference runs two ways and keeps the faster: one sequential
 * stream, and READ_STREAMS streams (equal parts of the range read in
 * lockstep, as the GEMVs' row groups do), since a core's hardware
 * prefetchers may reach a higher rate on several streams than on one. */
#define READ_STREAMS 4
#if defined(__x86_64__)
#include <immintrin.h>
/* 8 independent 256-bit integer accumulators: the loads, not the adds, bound
 * it; ns streams of bytes / ns each (bytes a multiple of 256 * ns). */
__attribute__((target("avx2"))) static uint64_t read_sum(const void *p, size_t bytes, int ns) {
    const __m256i *v = p;
    size_t part = bytes / 32 / (size_t)ns; /* vectors per stream */
    __m256i a[8];
    for (int i = 0; i < 8; i++) a[i] = _mm256_setzero_si256();
    for (size_t i = 0; i + 8 / (size_t)ns <= part; i += 8 / (size_t)ns)
        for (int k = 0; k < 8; k++)
            a[k] = _mm256_add_epi64(a[k], _mm256_load_si256(v + (size_t)(k % ns) * part + i + (size_t)(k / ns)));
    for (int k = 1; k < 8; k++) a[0] = _mm256_add_epi64(a[0], a[k]);
    return (uint64_t)_mm256_extract_epi64(a[0], 0) + (uint64_t)_mm256_extract_epi64(a[0], 3);
}
#else
static uint64_t read_sum(const void *p, size_t bytes, int ns) {
    (void)ns;
    const uint64_t *f = p;
    uint64_t s = 0;
    for (size_t i = 0; i < bytes / 8; i++) s += f[i];
    return s;
}
#endif

static int cmpd(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static volatile uint64_t sink[64]; /* one slot per thread */

enum { T_F32, T_BF16, T_F16, T_I8, T_I4, T_TERN, T_N };
static const char *const tname[T_N] = {"fp32", "bf16", "fp16", "int8", "int4", "ternary"};
static const int ibits[T_N] = {0, 0, 0, 8, 4, 2};

/* One GEMV or read, its rows / bytes split over the pool's threads. */
typedef struct {
    int type;
    kn_isa isa;
    ki_variant kv;
    const void *W;      /* fp weights of this copy */
    const ki_matrix *m; /* int weights: all copies stacked, rows [r0, r0 + M) */
    size_t r0, M, K;
    float *y;
    const float *x;
    const int8_t *a;
    const float *sa;
    const int32_t *qsum;
    const uint8_t *rd; /* read-only sum: buffer and bytes */
    size_t rbytes;
    int streams; /* read: 1 or READ_STREAMS */
} job;

static void run_part(void *arg, int idx, int n) {
    const job *j = arg;
    unsigned long lo, hi;
    if (j->rd) {
        size_t unit = 256 * READ_STREAMS;
        kn_split(j->rbytes / unit, idx, n, 1, &lo, &hi);
        sink[idx] = read_sum(j->rd + lo * unit, (hi - lo) * unit, j->streams);
        return;
    }
    kn_split(j->M, idx, n, 16, &lo, &hi);
    if (lo >= hi) return;
    if (j->type <= T_F16)
        kn_gemm(j->isa, j->type == T_F32 ? KN_W_F32 : j->type == T_BF16 ? KN_W_BF16 : KN_W_F16, j->y, j->M, j->W, j->K, j->x,
                j->K, 1, lo, hi, j->K);
    else
        ki_gemm(j->kv, j->m, j->y - j->r0, j->m->rows, j->a, j->sa, j->qsum, 1, j->r0 + lo, j->r0 + hi);
}

static double timed(kn_pool *p, job *j) {
    double t0 = bench_now();
    kn_pool_run(p, run_part, j);
    return bench_now() - t0;
}

/* A read of j's range: the faster of one stream and READ_STREAMS streams. */
static double timed_read(kn_pool *p, job *j) {
    j->streams = 1;
    double t1 = timed(p, j);
    j->streams = READ_STREAMS;
    double t4 = timed(p, j);
    return t1 < t4 ? t1 : t4;
}

/* ---- the LUT-GEMV kernel (plan keyword lut) ---- */
/* One token: its tables (on the calling thread), then the rows over the pool. */
static double lut_timed(kn_pool *pool, const lut_gemv_weights *p, const int8_t *x, void *tab, int32_t *y) {
    double t0 = bench_now();
    lut_gemv_gemm_pool(p, x, p->cols, 1, y, p->rows, LUTK_IMPL_AUTO, tab, pool);
    return bench_now() - t0;
}

/* Packed weights of a random M x K matrix of type t (x: K random int8). */
static int lut_make(lut_gemv_weights *p, lutk_wtype t, size_t M, size_t K, uint64_t *st) {
    int8_t *w = malloc(M * K);
    if (!w) return 1;
    for (size_t i = 0; i < M * K; i++) {
        uint64_t r = bench_splitmix64(st);
        w[i] = (int8_t)(t == LUTK_TERNARY ? (int)(r % 3) - 1 : (int)(r % 15) - 7);
    }
    int rc = lut_gemv_pack(w, M, K, t, p);
    free(w);
    return rc;
}

static int lut_tables(kn_pool *pool, int reps, int threads, int streaming, double stream_bw, uint64_t *st) {
    double *t = malloc(sizeof(double) * (size_t)reps), *tr = malloc(sizeof(double) * (size_t)reps);
    static const lutk_wtype types[2] = {LUTK_TERNARY, LUTK_INT4};
    static const char *const names[2] = {"ternary", "int4"};
    if (!t || !tr) return 1;
    if (streaming) {
        printf("\nLUT-GEMV kernel (%s path, plan keyword lut; per token: tables + lookups), %d thread(s):\n\n",
               lut_gemv_has_avx2() ? "AVX2" : "portable", threads);
        printf("| M x K | weights | MB | best ms | median ms | weights GB/s (best) | of STREAM read | same-buffer read GB/s (best) | of same-buffer read |\n");
        printf("|---|---|---|---|---|---|---|---|---|\n");
    } else {
        printf("\nIn-cache rate of the LUT-GEMV kernel (512x2048, weights in L2, %d thread(s), best of %d x 64 GEMVs):\n\n",
               threads, reps);
        printf("| weights | KB | G weights/s | packed GB/s |\n|---|---|---|---|\n");
    }
    const size_t shapes[3][2] = {{11008, 4096}, {4096, 11008}, {512, 2048}};
    for (int s = streaming ? 0 : 2; s < (streaming ? 2 : 3); s++)
        for (int k = 0; k < 2; k++) {
            size_t M = shapes[s][0], K = shapes[s][1];
            lut_gemv_weights p;
            if (lut_make(&p, types[k], M, K, st)) return 1;
            size_t wbytes = lut_gemv_weight_bytes(&p), copies = streaming ? ((size_t)384 << 20) / wbytes + 2 : 1;
            uint8_t *W = aligned_alloc(64, copies * wbytes);
            int8_t *x = malloc(K);
            int32_t *y = malloc(M * sizeof *y);
            void *tab = aligned_alloc(64, (lut_gemv_scratch_bytes(&p) + 63) / 64 * 64);
            if (!W || !x || !y || !tab) return 1;
            for (size_t c = 0; c < copies; c++) memcpy(W + c * wbytes, p.packed, wbytes);
            for (size_t i = 0; i < K; i++) x[i] = (int8_t)(bench_splitmix64(st) & 0xff);
            lut_gemv_weights pc = p;
            for (int r = 0; r < reps; r++) {
                pc.packed = W + (size_t)r % copies * wbytes;
                if (streaming) {
                    t[r] = lut_timed(pool, &pc, x, tab, y);
                    job rd = {.rd = W + (size_t)(r + copies / 2) % copies * wbytes, .rbytes = wbytes};
                    tr[r] = timed_read(pool, &rd);
                } else {
                    double t0 = bench_now();
                    for (int i = 0; i < 64; i++) lut_timed(pool, &pc, x, tab, y);
                    t[r] = (bench_now() - t0) / 64;
                }
            }
            qsort(t, (size_t)reps, sizeof *t, cmpd);
            qsort(tr, (size_t)reps, sizeof *tr, cmpd);
            double gbs = (double)wbytes / t[0] / 1e9;
            if (streaming) {
                double rbw = (double)wbytes / tr[0] / 1e9;
                printf("| %zux%zu | %s | %.0f | %.2f | %.2f | %.1f | %.0f%% | %.1f | %.0f%% |\n", M, K, names[k],
                       (double)wbytes / 1e6, t[0] * 1e3, t[reps / 2] * 1e3, gbs, 100.0 * gbs / stream_bw, rbw, 100.0 * gbs / rbw);
            } else
                printf("| %s | %.0f | %.1f | %.1f |\n", names[k], (double)wbytes / 1024, (double)(M * K) / t[0] / 1e9, gbs);
            fflush(stdout);
            lut_gemv_free(&p);
            free(W), free(x), free(y), free(tab);
        }
    free(t), free(tr);
    return 0;
}

int main(int argc, char **argv) {
    int reps = argc > 1 ? atoi(argv[1]) : 15;
    int isa = argc > 2 ? kn_isa_parse(argv[2]) : (int)kn_isa_best();
    int threads = argc > 3 ? atoi(argv[3]) : 1, only_cache = argc > 4 && !strcmp(argv[4], "incache"),
        only_int = argc > 4 && !strcmp(argv[4], "int"), only_lut = argc > 4 && !strcmp(argv[4], "lut");
    if (reps < 3 || isa < 0 || !kn_isa_supported((kn_isa)isa) || threads < 1 || threads > 64) {
        fprintf(stderr, "usage: bench_stream [reps >= 3] [auto|avx512|avx2|portable] [threads] [incache|int]\n");
        return 2;
    }
    kn_pool *pool = kn_pool_new(threads);
    if (!pool) return 1;
    ki_variant kv = ki_for_isa((kn_isa)isa);
    uint64_t st = 7;
    double *t = malloc(sizeof(double) * (size_t)reps), *tr = malloc(sizeof(double) * (size_t)reps);

    if (only_cache) goto in_cache;
    /* STREAM-like read bandwidth: 1 GiB, read-only, best of reps */
    size_t sb = (size_t)1 << 30;
    uint8_t *S = aligned_alloc(64, sb);
    if (!S || !t || !tr) return 1;
    for (size_t i = 0; i < sb / 8; i++) ((uint64_t *)S)[i] = i;
    job rj = {.rd = S, .rbytes = sb};
    for (int r = 0; r < reps; r++) tr[r] = timed_read(pool, &rj);
    qsort(tr, (size_t)reps, sizeof *tr, cmpd);
    double stream_bw = (double)sb / tr[0] / 1e9;
    free(S);
    printf("kernels: fp %s, int %s; %d thread(s); %d reps per row\n\n", kn_isa_name((kn_isa)isa), ki_name(kv), threads, reps);
    printf("STREAM-like read bandwidth (1 GiB read-only sum, faster of 1 and %d streams, %d thread(s)): best %.1f GB/s, "
           "median %.1f GB/s\n\n",
           READ_STREAMS, threads,
           stream_bw, (double)sb / tr[reps / 2] / 1e9);
    printf("| M x K | weights | MB | best ms | median ms | weights GB/s (best) | of STREAM read | same-buffer read GB/s (best) | of same-buffer read |\n");
    printf("|---|---|---|---|---|---|---|---|---|\n");

    const size_t shapes[2][2] = {{11008, 4096}, {4096, 11008}};
    for (int s = 0; s < 2 && !only_lut; s++)
        for (int k = only_int ? T_I8 : 0; k < T_N; k++) {
            size_t M = shapes[s][0], K = shapes[s][1];
            ki_matrix m = {0};
            size_t wbytes;
            if (ibits[k]) {
                m.bits = ibits[k], m.cols = K;
                ki_layout(ibits[k], K, &m.kpad, &m.row_bytes);
                wbytes = M * m.row_bytes;
            } else
                wbytes = M * K * (k == T_F32 ? 4 : 2);
            size_t copies = ((size_t)384 << 20) / wbytes + 2;
            uint8_t *W = aligned_alloc(64, copies * wbytes);
            float *x = aligned_alloc(64, m.kpad + K * sizeof(float)), *y = aligned_alloc(64, M * sizeof(float));
            int8_t *a = aligned_alloc(64, m.kpad + 64);
            if (!W || !x || !y || !a) return 1;
            for (size_t i = 0; i < copies * wbytes / 2; i++) /* finite values of every fp type; any codes */
                ((uint16_t *)W)[i] = (uint16_t)(bench_splitmix64(&st) & 0x3bff);
            for (size_t i = 0; i < K; i++) x[i] = (float)(i % 13) * 0.01f - 0.05f;
            float sa = 0;
            int32_t qsum = 0;
            if (ibits[k]) {
                m.rows = M * copies, m.w = W;
                m.scale = calloc(m.rows, sizeof *m.scale);
                m.wsum = calloc(m.rows, sizeof *m.wsum);
                if (!m.scale || !m.wsum) return 1;
                ki_quantize_act(kv, x, K, m.kpad, a, &sa, &qsum);
            }
            for (int r = 0; r < reps; r++) {
                size_t c = (size_t)r % copies;
                job j = {k, (kn_isa)isa, kv, W + c * wbytes, &m, c * M, M, K, y, x, a, &sa, &qsum, NULL, 0, 0};
                t[r] = timed(pool, &j);
                job rd = {.rd = W + (size_t)(r + copies / 2) % copies * wbytes, .rbytes = wbytes};
                tr[r] = timed_read(pool, &rd);
            }
            qsort(t, (size_t)reps, sizeof *t, cmpd);
            qsort(tr, (size_t)reps, sizeof *tr, cmpd);
            double gbs = (double)wbytes / t[0] / 1e9, rbw = (double)wbytes / tr[0] / 1e9;
            printf("| %zux%zu | %s | %.0f | %.2f | %.2f | %.1f | %.0f%% | %.1f | %.0f%% |\n", M, K, tname[k], (double)wbytes / 1e6,
                   t[0] * 1e3, t[reps / 2] * 1e3, gbs, 100.0 * gbs / stream_bw, rbw, 100.0 * gbs / rbw);
            fflush(stdout);
            free(m.scale), free(m.wsum);
            free(W), free(x), free(y), free(a);
        }
    if (lut_tables(pool, reps, threads, 1, stream_bw, &st)) return 1;
in_cache:
    /* the integer kernels' own rate: a 512x2048 matrix that stays in L2 (256 KB
     * ternary .. 1 MB int8), the same GEMV repeated: if this is well above the
     * read bandwidth, the kernel is not what bounds the streaming rows */
    printf("\nIn-cache rate of the integer kernels (512x2048, weights in L2, %d thread(s), best of %d x 64 GEMVs):\n\n",
           threads, reps);
    printf("| weights | KB | G weights/s | packed GB/s |\n|---|---|---|---|\n");
    for (int k = T_I8; k < T_N; k++) {
        size_t M = 512, K = 2048;
        int8_t *codes = malloc(M * K), *a = aligned_alloc(64, 4096);
        float *x = malloc(K * sizeof *x), *y = malloc(M * sizeof *y), sa = 0;
        int32_t qsum = 0;
        ki_matrix m;
        if (!codes || !a || !x || !y) return 1;
        for (size_t i = 0; i < M * K; i++) codes[i] = (int8_t)((int)(bench_splitmix64(&st) % 3) - 1);
        for (size_t i = 0; i < K; i++) x[i] = (float)(i % 13) * 0.01f - 0.05f;
        if (ki_matrix_init(&m, ibits[k], codes, NULL, M, K)) return 1;
        ki_quantize_act(kv, x, K, m.kpad, a, &sa, &qsum);
        job j = {k, (kn_isa)isa, kv, NULL, &m, 0, M, K, y, x, a, &sa, &qsum, NULL, 0, 0};
        for (int r = 0; r < reps; r++) {
            double t0 = bench_now();
            for (int i = 0; i < 64; i++) kn_pool_run(pool, run_part, &j);
            t[r] = (bench_now() - t0) / 64;
        }
        qsort(t, (size_t)reps, sizeof *t, cmpd);
        printf("| %s | %.0f | %.1f | %.1f |\n", tname[k], (double)(M * m.row_bytes) / 1024, (double)(M * K) / t[0] / 1e9,
               (double)(M * m.row_bytes) / t[0] / 1e9);
        ki_matrix_free(&m);
        free(codes), free(a), free(x), free(y);
    }
    if (lut_tables(pool, reps, threads, 0, 0, &st)) return 1;
    free(t), free(tr);
    kn_pool_free(pool);
    return 0;
}
