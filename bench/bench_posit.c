/* posit16 (p16e1) add/mul/div throughput: golden (fixed-config fast path and
 * the generic posit_add(cfg, ...)) vs SoftPosit (when built with
 * -DHAVE_SOFTPOSIT) vs naive references (through double, and the exact
 * oracle of tests/posit_oracle.c), all in the same run on the same inputs.
 * Golden and SoftPosit results are compared bit for bit (exit 1 on any
 * difference). Prints Mops/s and the ratios golden/SoftPosit. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "posit.h"
#include "posit_oracle.h"

#ifdef HAVE_SOFTPOSIT
#include "softposit.h"
#endif

#define N (1u << 20)
#define REPS 7

static uint32_t va[N], vb[N], out_g[N], out_ref[N];

/* Thread CPU time: the build machine is shared, and time spent descheduled
 * must not count against whichever kernel happened to run then. */
static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static uint64_t rng = 0x5eed;
static uint32_t rnd(void) {
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng >> 33);
}

typedef void (*kernel)(uint32_t count, uint32_t *out);

/* Best-of-REPS time for count operations, in Mops/s. */
static double mops(kernel k, uint32_t count, uint32_t *out) {
    double best = 1e30;
    for (int r = 0; r < REPS; r++) {
        double t0 = now();
        k(count, out);
        double t = now() - t0;
        if (t < best) best = t;
    }
    return count / best / 1e6;
}

#define GOLDEN_FAST(name, fn)                                                         \
    static void name(uint32_t count, uint32_t *out) {                                 \
        for (uint32_t i = 0; i < count; i++) out[i] = fn(va[i], vb[i]);               \
    }
#define GOLDEN_GENERIC(name, fn)                                                      \
    static void name(uint32_t count, uint32_t *out) {                                 \
        const posit_cfg c = POSIT_P16E1;                                              \
        for (uint32_t i = 0; i < count; i++) out[i] = fn(c, va[i], vb[i]);            \
    }
GOLDEN_FAST(g_add, posit_p16e1_add)
GOLDEN_FAST(g_mul, posit_p16e1_mul)
GOLDEN_FAST(g_div, posit_p16e1_div)
GOLDEN_GENERIC(gg_add, posit_add)
GOLDEN_GENERIC(gg_mul, posit_mul)
GOLDEN_GENERIC(gg_div, posit_div)

/* Naive: decode to double, operate in double, round back (not exact in
 * general; a speed reference only). */
#define NAIVE(name, OP)                                                               \
    static void name(uint32_t count, uint32_t *out) {                                 \
        const posit_cfg c = POSIT_P16E1;                                              \
        for (uint32_t i = 0; i < count; i++)                                          \
            out[i] = posit_from_double(c, posit_to_double(c, va[i]) OP posit_to_double(c, vb[i])); \
    }
NAIVE(n_add, +)
NAIVE(n_mul, *)
NAIVE(n_div, /)

#define ORACLE(name, fn)                                                              \
    static void name(uint32_t count, uint32_t *out) {                                 \
        for (uint32_t i = 0; i < count; i++) out[i] = fn(16, 1, va[i], vb[i]);        \
    }
ORACLE(o_add, orc_add)
ORACLE(o_mul, orc_mul)
ORACLE(o_div, orc_div)

#ifdef HAVE_SOFTPOSIT
#define SOFT(name, fn)                                                                \
    static void name(uint32_t count, uint32_t *out) {                                 \
        for (uint32_t i = 0; i < count; i++) {                                        \
            posit16_t x, y, z;                                                        \
            x.v = (uint16_t)va[i];                                                    \
            y.v = (uint16_t)vb[i];                                                    \
            z = fn(x, y);                                                             \
            out[i] = z.v;                                                             \
        }                                                                             \
    }
SOFT(s_add, p16_add)
SOFT(s_mul, p16_mul)
SOFT(s_div, p16_div)
#endif

#ifdef HAVE_SOFTPOSIT
/* Beyond the vectors: golden vs SoftPosit on operations the shared vectors
 * do not cover (p32 div/sqrt/fma, p16 fma/sub, conversions). Returns the
 * number of differences. */
static uint32_t softposit_differential(uint32_t count) {
    uint32_t bad[7] = {0};
    const posit_cfg c8 = POSIT_P8E0, c16 = POSIT_P16E1, c32 = POSIT_P32E2;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t a = rnd() ^ rnd() << 17, b = rnd() ^ rnd() << 17, d = rnd() ^ rnd() << 17;
        posit32_t A = {a}, B = {b}, D = {d};
        posit16_t a16 = {(uint16_t)a}, b16 = {(uint16_t)b}, d16 = {(uint16_t)d};
        bad[0] += p32_div(A, B).v != posit_div(c32, a, b);
        bad[1] += p32_sqrt(A).v != posit_sqrt(c32, a);
        bad[2] += p32_mulAdd(A, B, D).v != posit_fma(c32, a, b, d);
        bad[3] += p16_mulAdd(a16, b16, d16).v != posit_fma(c16, a & 0xFFFF, b & 0xFFFF, d & 0xFFFF);
        bad[4] += p16_sub(a16, b16).v != posit_sub(c16, a & 0xFFFF, b & 0xFFFF);
        bad[5] += p16_to_p8(a16).v != posit_convert(c16, a & 0xFFFF, c8);
        bad[6] += p16_to_p32(a16).v != posit_convert(c16, a & 0xFFFF, c32);
    }
    printf("golden vs SoftPosit on %u random operands: p32 div %u, p32 sqrt %u, p32 fma %u, p16 fma %u, "
           "p16 sub %u, p16->p8 %u, p16->p32 %u differences\n",
           count, bad[0], bad[1], bad[2], bad[3], bad[4], bad[5], bad[6]);
    return bad[0] + bad[1] + bad[2] + bad[3] + bad[4] + bad[5] + bad[6];
}
#endif

static uint32_t mismatches(const uint32_t *x, const uint32_t *y, uint32_t count) {
    uint32_t bad = 0;
    for (uint32_t i = 0; i < count; i++) bad += (x[i] & 0xFFFF) != (y[i] & 0xFFFF);
    return bad;
}

int main(void) {
    for (uint32_t i = 0; i < N; i++) {
        va[i] = rnd() & 0xFFFF;
        vb[i] = rnd() & 0xFFFF;
    }
    struct {
        const char *op;
        kernel golden, generic, naive, oracle, soft;
    } ops[3] = {
        {"add", g_add, gg_add, n_add, o_add, NULL},
        {"mul", g_mul, gg_mul, n_mul, o_mul, NULL},
        {"div", g_div, gg_div, n_div, o_div, NULL},
    };
#ifdef HAVE_SOFTPOSIT
    ops[0].soft = s_add;
    ops[1].soft = s_mul;
    ops[2].soft = s_div;
#else
    printf("SoftPosit: not built in (make bench-posit SOFTPOSIT_DIR=...): column skipped\n");
#endif
    printf("posit16 (p16e1), %u random operand pairs, best of %d runs, Mops/s of thread CPU time\n", N, REPS);
    printf("%-4s %10s %10s %10s %10s %10s %14s %14s\n", "op", "golden", "generic", "SoftPosit", "naive-dbl",
           "oracle", "golden/SoftP", "golden/naive");
    int fail = 0;
    for (int k = 0; k < 3; k++) {
        double g = mops(ops[k].golden, N, out_g);
        double gg = mops(ops[k].generic, N, out_ref);
        if (mismatches(out_g, out_ref, N)) {
            printf("%s: generic and fast path disagree\n", ops[k].op);
            fail = 1;
        }
        double nv = mops(ops[k].naive, N, out_ref);
        double orc = mops(ops[k].oracle, N / 64, out_ref); /* slow: a slice */
        if (mismatches(out_g, out_ref, N / 64)) {
            printf("%s: golden and the exact oracle disagree\n", ops[k].op);
            fail = 1;
        }
        double sp = 0;
        if (ops[k].soft) {
            sp = mops(ops[k].soft, N, out_ref);
            uint32_t bad = mismatches(out_g, out_ref, N);
            if (bad) {
                printf("%s: golden and SoftPosit disagree on %u of %u\n", ops[k].op, bad, N);
                fail = 1;
            }
        }
        char spcol[32] = "-", ratio[32] = "-";
        if (sp > 0) {
            snprintf(spcol, sizeof spcol, "%.1f", sp);
            snprintf(ratio, sizeof ratio, "%.2fx", g / sp);
        }
        printf("%-4s %10.1f %10.1f %10s %10.1f %10.2f %14s %13.2fx\n", ops[k].op, g, gg, spcol, nv, orc, ratio,
               g / nv);
    }
#ifdef HAVE_SOFTPOSIT
    if (softposit_differential(N)) fail = 1;
#endif
    if (fail) printf("bench-posit: RESULT MISMATCH\n");
    return fail;
}
