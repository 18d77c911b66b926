/* golden/minifloat arithmetic against an exact oracle written separately:
 * operands decoded from their bit fields into exact dyadics (wide integers),
 * the exact result (or, for div/sqrt, exact comparisons) located between two
 * neighbouring format values and rounded to nearest-even there, IEEE-754
 * special cases spelled out. Shares no code with golden/minifloat.c.
 * Exhaustive pairs for FP4/FP6/FP8 (add/sub/mul/div), all codes for sqrt,
 * exhaustive triples for FP4/FP6 fma, random operands for the rest. */
#include "test_util.h"
#include "minifloat.h"

/* ---------------- wide unsigned dyadics: value = N * 2^k ---------------- */
/* Cheap assertion for the hot paths (cmocka's assert_true is a call). */
#define BIG_CHECK(c) do { if (!(c)) fail_msg("bigint invariant failed: %s", #c); } while (0)
#define NL 20   /* 640 bits: enough for bf16 fma (~525 bits after alignment) */
typedef struct { uint32_t w[NL]; int k; } big;

static big big_from(uint64_t m, int k) {
    big r;
    memset(&r, 0, sizeof r);
    r.w[0] = (uint32_t)m;
    r.w[1] = (uint32_t)(m >> 32);
    r.k = k;
    return r;
}

static int big_is_zero(const big *a) {
    for (int i = 0; i < NL; i++)
        if (a->w[i]) return 0;
    return 1;
}

static int big_bitlen(const big *a) {
    for (int i = NL - 1; i >= 0; i--)
        if (a->w[i]) return 32 * i + 32 - __builtin_clz(a->w[i]);
    return 0;
}

/* N <<= s (s >= 0), k -= s; the value is unchanged (asserts no bits lost). */
static void big_shl(big *a, int s) {
    BIG_CHECK(s >= 0 && big_bitlen(a) + s <= 32 * NL);
    int limbs = s / 32, bits = s % 32;
    for (int i = NL - 1; i >= 0; i--) {
        uint64_t v = 0;
        if (i - limbs >= 0) v = (uint64_t)a->w[i - limbs] << bits;
        if (bits && i - limbs - 1 >= 0) v |= a->w[i - limbs - 1] >> (32 - bits);
        a->w[i] = (uint32_t)v;
    }
    a->k -= s;
}

static void big_align(big *a, big *b) {
    if (big_is_zero(a)) a->k = b->k;
    if (big_is_zero(b)) b->k = a->k;
    if (a->k > b->k) big_shl(a, a->k - b->k);
    else if (b->k > a->k) big_shl(b, b->k - a->k);
}

static int big_cmp(big a, big b) {
    big_align(&a, &b);
    for (int i = NL - 1; i >= 0; i--)
        if (a.w[i] != b.w[i]) return a.w[i] < b.w[i] ? -1 : 1;
    return 0;
}

static big big_add(big a, big b) {
    big_align(&a, &b);
    uint64_t c = 0;
    for (int i = 0; i < NL; i++) {
        c += (uint64_t)a.w[i] + b.w[i];
        a.w[i] = (uint32_t)c;
        c >>= 32;
    }
    BIG_CHECK(c == 0);
    return a;
}

static big big_sub(big a, big b) {   /* requires a >= b */
    big_align(&a, &b);
    int64_t c = 0;
    for (int i = 0; i < NL; i++) {
        c += (int64_t)a.w[i] - b.w[i];
        a.w[i] = (uint32_t)c;
        c = c < 0 ? -1 : 0;
    }
    BIG_CHECK(c == 0);
    return a;
}

static big big_mul(big a, big b) {
    big r;
    memset(&r, 0, sizeof r);
    int nb = NL;
    while (nb > 0 && !b.w[nb - 1]) nb--;
    for (int i = 0; i < NL; i++) {
        if (!a.w[i]) continue;
        uint64_t c = 0;
        for (int j = 0; i + j < NL && (j < nb || c); j++) {
            c += (uint64_t)a.w[i] * b.w[j] + r.w[i + j];
            r.w[i + j] = (uint32_t)c;
            c >>= 32;
        }
        BIG_CHECK(c == 0);
    }
    r.k = a.k + b.k;
    return r;
}

/* ---------------- the formats, decoded from their fields ---------------- */
typedef struct { int bits, ebits, mbits, bias, has_inf, e4m3_nan; uint32_t max_code; } fmt_t;
static const fmt_t k_fmt[MF_FORMAT_COUNT] = {
    {4, 2, 1, 1, 0, 0, 0x7}, {6, 2, 3, 1, 0, 0, 0x1f}, {6, 3, 2, 3, 0, 0, 0x1f},
    {8, 4, 3, 7, 0, 1, 0x7e}, {8, 5, 2, 15, 1, 0, 0x7b}, {16, 8, 7, 127, 1, 0, 0x7f7f},
    {16, 5, 10, 15, 1, 0, 0x7bff}};

enum { C_ZERO, C_FIN, C_INF, C_NAN };
typedef struct { int cls, neg; big mag; } xval;

static xval decode(const fmt_t *F, uint32_t code) {
    xval v;
    uint32_t mag = code & ((1u << (F->bits - 1)) - 1);
    uint32_t e = mag >> F->mbits, m = mag & ((1u << F->mbits) - 1);
    v.neg = (int)(code >> (F->bits - 1)) & 1;
    v.mag = big_from(0, 0);
    if (F->e4m3_nan && mag == 0x7f) v.cls = C_NAN;
    else if (F->has_inf && e == (1u << F->ebits) - 1) v.cls = m ? C_NAN : C_INF;
    else if (mag == 0) v.cls = C_ZERO;
    else {
        v.cls = C_FIN;
        v.mag = e ? big_from(m | (1u << F->mbits), (int)e - F->bias - F->mbits)
                  : big_from(m, 1 - F->bias - F->mbits);
    }
    return v;
}

/* What an operation producing NaN returns: the canonical NaN, or +max for
 * formats without NaN (as CUDA converts NaN). */
static uint32_t nan_result(mf_format f) {
    static const uint32_t c[MF_FORMAT_COUNT] = {0x7, 0x1f, 0x1f, 0x7f, 0x7f, 0x7fff, 0x7fff};
    return c[f];
}

static uint32_t inf_result(mf_format f, int sat, int neg) {
    const fmt_t *F = &k_fmt[f];
    uint32_t s = (uint32_t)neg << (F->bits - 1);
    if (sat || (!F->has_inf && !F->e4m3_nan)) return s | F->max_code;
    if (F->e4m3_nan) return s | 0x7f;
    return s | (F->max_code + 1);   /* Inf follows max in the IEEE-style formats */
}

/* X is given by how it compares to a positive dyadic D. */
enum { K_DYADIC, K_QUOT, K_ROOT };
typedef struct { int kind; big a, b; } xmag;   /* a ; a/b ; sqrt(a) */

static int cmp_x(const xmag *x, big d) {
    switch (x->kind) {
    case K_QUOT: return big_cmp(x->a, big_mul(d, x->b));
    case K_ROOT: return big_cmp(x->a, big_mul(d, d));
    default: return big_cmp(x->a, d);
    }
}

/* Value of positive code c <= max_code + 1 (max_code + 1 = the next value an
 * unbounded exponent range would have). */
static big value_of(const fmt_t *F, uint32_t c) {
    uint32_t e = c >> F->mbits, m = c & ((1u << F->mbits) - 1);
    return e ? big_from(m | (1u << F->mbits), (int)e - F->bias - F->mbits)
             : big_from(m, 1 - F->bias - F->mbits);
}

/* Round the positive exact value x to nearest-even, then encode. */
static uint32_t round_x(mf_format f, int sat, int neg, const xmag *x) {
    const fmt_t *F = &k_fmt[f];
    uint32_t lo = 0, hi = F->max_code + 1;   /* invariant: v(lo) <= x */
    if (cmp_x(x, value_of(F, hi)) >= 0) return inf_result(f, sat, neg);
    while (hi - lo > 1) {   /* v(lo) <= x < v(hi) */
        uint32_t mid = lo + (hi - lo) / 2;
        if (cmp_x(x, value_of(F, mid)) >= 0) lo = mid;
        else hi = mid;
    }
    big midpoint = big_add(value_of(F, lo), value_of(F, hi));
    midpoint.k -= 1;
    int c = cmp_x(x, midpoint);
    uint32_t r = c < 0 ? lo : c > 0 ? hi : ((lo & 1) ? hi : lo);
    if (r > F->max_code) return inf_result(f, sat, neg);
    return ((uint32_t)neg << (F->bits - 1)) | r;
}

static uint32_t zero_result(mf_format f, int neg) { return (uint32_t)neg << (k_fmt[f].bits - 1); }

/* Signed exact sum of two finite-or-zero values. */
static uint32_t exact_sum(mf_format f, int sat, xval p, xval q) {
    if (p.cls == C_ZERO && q.cls == C_ZERO) return zero_result(f, p.neg && q.neg);
    xmag x = {K_DYADIC, big_from(0, 0), big_from(0, 0)};
    int neg;
    if (p.neg == q.neg) {
        x.a = big_add(p.mag, q.mag);
        neg = p.neg;
    } else {
        int c = big_cmp(p.mag, q.mag);
        if (c == 0) return zero_result(f, 0);   /* x - x = +0 in RNE */
        x.a = c > 0 ? big_sub(p.mag, q.mag) : big_sub(q.mag, p.mag);
        neg = c > 0 ? p.neg : q.neg;
    }
    return round_x(f, sat, neg, &x);
}

static uint32_t oracle_add(mf_format f, int sat, uint32_t a, uint32_t b, int negate_b) {
    const fmt_t *F = &k_fmt[f];
    xval p = decode(F, a), q = decode(F, b);
    q.neg ^= negate_b;
    if (p.cls == C_NAN || q.cls == C_NAN) return nan_result(f);
    if (p.cls == C_INF || q.cls == C_INF) {
        if (p.cls == C_INF && q.cls == C_INF && p.neg != q.neg) return nan_result(f);
        return inf_result(f, sat, p.cls == C_INF ? p.neg : q.neg);
    }
    return exact_sum(f, sat, p, q);
}

static uint32_t oracle_mul(mf_format f, int sat, uint32_t a, uint32_t b) {
    const fmt_t *F = &k_fmt[f];
    xval p = decode(F, a), q = decode(F, b);
    int neg = p.neg ^ q.neg;
    if (p.cls == C_NAN || q.cls == C_NAN) return nan_result(f);
    if (p.cls == C_INF || q.cls == C_INF) {
        if (p.cls == C_ZERO || q.cls == C_ZERO) return nan_result(f);
        return inf_result(f, sat, neg);
    }
    if (p.cls == C_ZERO || q.cls == C_ZERO) return zero_result(f, neg);
    xmag x = {K_DYADIC, big_mul(p.mag, q.mag), big_from(0, 0)};
    return round_x(f, sat, neg, &x);
}

static uint32_t oracle_div(mf_format f, int sat, uint32_t a, uint32_t b) {
    const fmt_t *F = &k_fmt[f];
    xval p = decode(F, a), q = decode(F, b);
    int neg = p.neg ^ q.neg;
    if (p.cls == C_NAN || q.cls == C_NAN) return nan_result(f);
    if (p.cls == C_INF) return q.cls == C_INF ? nan_result(f) : inf_result(f, sat, neg);
    if (q.cls == C_INF) return zero_result(f, neg);
    if (q.cls == C_ZERO) return p.cls == C_ZERO ? nan_result(f) : inf_result(f, sat, neg);
    if (p.cls == C_ZERO) return zero_result(f, neg);
    xmag x = {K_QUOT, p.mag, q.mag};
    return round_x(f, sat, neg, &x);
}

static uint32_t oracle_sqrt(mf_format f, int sat, uint32_t a) {
    xval p = decode(&k_fmt[f], a);
    if (p.cls == C_NAN) return nan_result(f);
    if (p.cls == C_ZERO) return zero_result(f, p.neg);
    if (p.neg) return nan_result(f);
    if (p.cls == C_INF) return inf_result(f, sat, 0);
    xmag x = {K_ROOT, p.mag, big_from(0, 0)};
    return round_x(f, sat, 0, &x);
}

static uint32_t oracle_fma(mf_format f, int sat, uint32_t a, uint32_t b, uint32_t c) {
    const fmt_t *F = &k_fmt[f];
    xval p = decode(F, a), q = decode(F, b), r = decode(F, c);
    if (p.cls == C_NAN || q.cls == C_NAN || r.cls == C_NAN) return nan_result(f);
    xval prod = {C_FIN, p.neg ^ q.neg, big_from(0, 0)};
    if (p.cls == C_INF || q.cls == C_INF) {
        if (p.cls == C_ZERO || q.cls == C_ZERO) return nan_result(f);
        prod.cls = C_INF;
    } else if (p.cls == C_ZERO || q.cls == C_ZERO) {
        prod.cls = C_ZERO;
    } else {
        prod.mag = big_mul(p.mag, q.mag);
    }
    if (prod.cls == C_INF || r.cls == C_INF) {
        if (prod.cls == C_INF && r.cls == C_INF && prod.neg != r.neg) return nan_result(f);
        return inf_result(f, sat, prod.cls == C_INF ? prod.neg : r.neg);
    }
    return exact_sum(f, sat, prod, r);
}

/* ---------------- comparison harness ---------------- */
enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_SQRT, OP_FMA, OP_COUNT };
static const char *k_opname[OP_COUNT] = {"add", "sub", "mul", "div", "sqrt", "fma"};

static uint32_t oracle(int op, mf_format f, int sat, uint32_t a, uint32_t b, uint32_t c) {
    switch (op) {
    case OP_ADD: return oracle_add(f, sat, a, b, 0);
    case OP_SUB: return oracle_add(f, sat, a, b, 1);
    case OP_MUL: return oracle_mul(f, sat, a, b);
    case OP_DIV: return oracle_div(f, sat, a, b);
    case OP_SQRT: return oracle_sqrt(f, sat, a);
    default: return oracle_fma(f, sat, a, b, c);
    }
}

static int g_fault;   /* inject one wrong golden answer (negative test) */
static uint32_t golden(int op, mf_format f, int sat, uint32_t a, uint32_t b, uint32_t c) {
    mf_sat s = (mf_sat)sat;
    uint32_t r;
    switch (op) {
    case OP_ADD: r = mf_add(f, s, a, b); break;
    case OP_SUB: r = mf_sub(f, s, a, b); break;
    case OP_MUL: r = mf_mul(f, s, a, b); break;
    case OP_DIV: r = mf_div(f, s, a, b); break;
    case OP_SQRT: r = mf_sqrt(f, s, a); break;
    default: r = mf_fma(f, s, a, b, c); break;
    }
    if (g_fault && op == OP_MUL && a == 0x3a && b == 0x45) r ^= 1;
    return r;
}

static uint64_t g_checked, g_bad;
static void check(int op, mf_format f, int sat, uint32_t a, uint32_t b, uint32_t c) {
    uint32_t want = oracle(op, f, sat, a, b, c), got = golden(op, f, sat, a, b, c);
    g_checked++;
    if (want != got && g_bad++ == 0 && !g_fault)
        fprintf(stderr, "MISMATCH %s %s %s(0x%x, 0x%x, 0x%x): exact 0x%x golden 0x%x\n",
                mf_get_info(f)->name, sat ? "satfinite" : "nonsat", k_opname[op], a, b, c, want,
                got);
}

static void report(const char *what) {
    printf("%s: %llu results checked, %llu mismatches\n", what, (unsigned long long)g_checked,
           (unsigned long long)g_bad);
    assert_int_equal(g_bad, 0);
    g_checked = g_bad = 0;
}

static void test_exhaustive_pairs(void **state) {
    (void)state;
    static const mf_format fs[] = {MF_FP4_E2M1, MF_FP6_E2M3, MF_FP6_E3M2, MF_FP8_E4M3, MF_FP8_E5M2};
    for (size_t i = 0; i < sizeof fs / sizeof *fs; i++) {
        uint32_t n = mf_code_count(fs[i]);
        for (int sat = 0; sat < 2; sat++)
            for (int op = OP_ADD; op <= OP_DIV; op++)
                for (uint32_t a = 0; a < n; a++)
                    for (uint32_t b = 0; b < n; b++) check(op, fs[i], sat, a, b, 0);
        char what[64];
        snprintf(what, sizeof what, "%s add/sub/mul/div exhaustive", mf_get_info(fs[i])->name);
        report(what);
    }
}

static void test_sqrt_all_codes(void **state) {
    (void)state;
    for (int f = 0; f < MF_FORMAT_COUNT; f++)
        for (int sat = 0; sat < 2; sat++)
            for (uint32_t a = 0; a < mf_code_count((mf_format)f); a++)
                check(OP_SQRT, (mf_format)f, sat, a, 0, 0);
    report("sqrt, every code of every format");
}

static void test_fma(void **state) {
    (void)state;
    for (int f = MF_FP4_E2M1; f <= MF_FP6_E3M2; f++) {
        uint32_t n = mf_code_count((mf_format)f);
        for (int sat = 0; sat < 2; sat++)
            for (uint32_t a = 0; a < n; a++)
                for (uint32_t b = 0; b < n; b++)
                    for (uint32_t c = 0; c < n; c++) check(OP_FMA, (mf_format)f, sat, a, b, c);
    }
    report("fma exhaustive triples fp4/fp6");
    uint64_t rng = 0xf3a0001;
    for (int f = MF_FP8_E4M3; f < MF_FORMAT_COUNT; f++)
        for (int i = 0; i < (1 << 17); i++) {
            uint64_t r = test_rand64(&rng);
            uint32_t mask = mf_code_count((mf_format)f) - 1;
            check(OP_FMA, (mf_format)f, i & 1, (uint32_t)r & mask, (uint32_t)(r >> 16) & mask,
                  (uint32_t)(r >> 32) & mask);
        }
    report("fma random triples fp8/bf16/fp16 (2^17 each)");
}

/* Random bf16/fp16 operands: uniform codes, and codes with nearby exponents
 * (where cancellation and ties happen). */
static void test_random_16bit(void **state) {
    (void)state;
    uint64_t rng = 0xb16f16;
    for (int f = MF_BF16; f <= MF_FP16; f++)
        for (int op = OP_ADD; op <= OP_DIV; op++)
            for (int i = 0; i < (1 << 16); i++) {
                uint64_t r = test_rand64(&rng);
                uint32_t a = (uint32_t)r & 0xffff, b = (uint32_t)(r >> 16) & 0xffff;
                if (i & 1) b = (b & 0x80ffu) | ((a + (uint32_t)((r >> 40) & 0xf00)) & 0x7f00u);
                check(op, (mf_format)f, (int)(r >> 63), a, b, 0);
            }
    report("bf16/fp16 add/sub/mul/div random pairs (2^16 per op)");
}

/* A case where rounding an fp64 fma result naively double-rounds: bf16
 * (17/16)^2 + 2^-100 = 1.12890625 + 2^-100, just above a bf16 tie. */
static void test_double_rounding_case(void **state) {
    (void)state;
    uint32_t a = mf_from_f32(MF_BF16, 1.0625f, MF_NONSAT);
    uint32_t tiny = mf_from_f64(MF_BF16, 0x1p-100, MF_NONSAT);
    uint32_t naive = mf_from_f64(MF_BF16, 1.0625 * 1.0625 + 0x1p-100, MF_NONSAT);
    uint32_t want = oracle_fma(MF_BF16, 0, a, a, tiny);
    assert_int_equal(want, mf_from_f32(MF_BF16, 1.1328125f, MF_NONSAT));
    assert_int_not_equal(naive, want);
    assert_int_equal(mf_fma(MF_BF16, MF_NONSAT, a, a, tiny), want);
}

/* The harness catches a single wrong answer. */
static void test_harness_detects_fault(void **state) {
    (void)state;
    g_fault = 1;
    for (uint32_t a = 0x30; a < 0x40; a++)
        for (uint32_t b = 0x40; b < 0x50; b++) check(OP_MUL, MF_FP8_E4M3, 0, a, b, 0);
    g_fault = 0;
    assert_int_equal(g_bad, 1);
    g_checked = g_bad = 0;
}

static void test_special_values(void **state) {
    (void)state;
    /* Spot checks of the rules the oracle encodes. */
    assert_int_equal(mf_add(MF_FP8_E4M3, MF_NONSAT, 0x7e, 0x7e), 0x7f);     /* 448+448: NaN */
    assert_int_equal(mf_add(MF_FP8_E4M3, MF_SATFINITE, 0x7e, 0x7e), 0x7e);
    assert_int_equal(mf_add(MF_FP8_E5M2, MF_NONSAT, 0x7b, 0x7b), 0x7c);     /* Inf */
    assert_int_equal(mf_sub(MF_FP8_E5M2, MF_NONSAT, 0x7c, 0x7c), 0x7f);     /* Inf-Inf */
    assert_int_equal(mf_div(MF_FP4_E2M1, MF_NONSAT, 0x2, 0x0), 0x7);        /* 1/0 -> 6 */
    assert_int_equal(mf_div(MF_FP4_E2M1, MF_NONSAT, 0xa, 0x0), 0xf);        /* -1/0 -> -6 */
    assert_int_equal(mf_add(MF_FP16, MF_NONSAT, 0x8000, 0x8000), 0x8000);   /* -0 + -0 */
    assert_int_equal(mf_add(MF_FP16, MF_NONSAT, 0x3c00, 0xbc00), 0x0000);   /* 1 - 1 = +0 */
    assert_int_equal(mf_sqrt(MF_BF16, MF_NONSAT, 0x8000), 0x8000);          /* sqrt(-0) */
    assert_int_equal(mf_sqrt(MF_BF16, MF_NONSAT, 0xbf80), 0x7fff);          /* sqrt(-1) */
    assert_int_equal(mf_add(MF_FP4_E2M1, MF_NONSAT, 0x12, 0x0), 0x2);      /* bits above the format ignored */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_special_values),
        cmocka_unit_test(test_harness_detects_fault),
        cmocka_unit_test(test_double_rounding_case),
        cmocka_unit_test(test_exhaustive_pairs),
        cmocka_unit_test(test_sqrt_all_codes),
        cmocka_unit_test(test_fma),
        cmocka_unit_test(test_random_16bit),
    };
    return cmocka_run_group_tests_name("minifloat_arith", tests, NULL, NULL);
}
