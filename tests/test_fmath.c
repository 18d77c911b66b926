/* golden/fmath.h, the numerics contract: lpcs_expf against exp((double)x)
 * (<= 1 ulp from the correctly rounded value; every float under LPCS_LONG=1,
 * a strided sample of ~2^24 floats otherwise) and lpcs_dot_f32 against a
 * separate transcription of the rule with the tree written out by hand, plus
 * properties that would catch a changed lane assignment or tree. */
#include <math.h>

#include "fmath.h"
#include "test_util.h"

static float u2f(uint32_t u) {
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static uint32_t f2u(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

/* Distance in ulps between two finite floats of the same sign or zero. */
static uint32_t ulp_dist(float a, float b) {
    int64_t x = (int32_t)f2u(a), y = (int32_t)f2u(b);
    if (x < 0) x = INT32_MIN - x; /* map to a monotonic integer line */
    if (y < 0) y = INT32_MIN - y;
    int64_t d = x - y;
    return (uint32_t)(d < 0 ? -d : d);
}

static void test_expf_accuracy(void **state) {
    (void)state;
    uint64_t step = test_long_mode() ? 1 : 251, n = 0, worst_u = 0;
    uint32_t worst = 0;
    for (uint64_t u = 0; u <= 0xffffffffull; u += step) {
        float x = u2f((uint32_t)u);
        if (isnan(x)) continue;
        float y = lpcs_expf(x), c = (float)exp((double)x);
        uint32_t d = isinf(c) || isinf(y) ? (f2u(c) == f2u(y) ? 0 : 99) : ulp_dist(y, c);
        if (d > worst) worst = d, worst_u = u;
        n++;
    }
    printf("lpcs_expf: %llu floats, worst %u ulp at %a\n", (unsigned long long)n, worst,
           (double)u2f((uint32_t)worst_u));
    assert_true(n > 16000000);
    assert_true(worst <= 1);
}

static void test_expf_special(void **state) {
    (void)state;
    assert_true(isnan(lpcs_expf(NAN)));
    assert_true(isnan(lpcs_expf(-NAN)));
    assert_true(lpcs_expf(INFINITY) == INFINITY);
    assert_true(f2u(lpcs_expf(-INFINITY)) == 0);
    assert_true(lpcs_expf(0.0f) == 1.0f && lpcs_expf(-0.0f) == 1.0f);
    /* the overflow edge: largest finite result, then +inf */
    assert_true(isfinite(lpcs_expf(88.72283172607421875f)));
    assert_true(lpcs_expf(88.72283935546875f) == INFINITY);
    assert_true(lpcs_expf(1000.0f) == INFINITY);
    /* the underflow edge: the smallest subnormal, then 0 */
    assert_true(lpcs_expf(-103.972076416015625f) == u2f(1));
    assert_true(lpcs_expf(-103.97208404541015625f) == 0.0f);
    assert_true(lpcs_expf(-1000.0f) == 0.0f);
    /* subnormal results are rounded once */
    for (float x = -103.9f; x < -87.0f; x += 0.37f)
        assert_true(ulp_dist(lpcs_expf(x), (float)exp((double)x)) <= 1);
    assert_true(lpcs_expf(1.0f) == (float)exp(1.0));
    assert_true(lpcs_sigmoidf(0.0f) == 0.5f);
}

/* The rule transcribed independently: whole blocks of 16, lanes named, the
 * tree written out as one expression. */
static float dot_spec(const float *a, const float *b, size_t n) {
    float p[16] = {0};
    for (size_t base = 0; base < n; base += 16)
        for (size_t l = 0; l < 16 && base + l < n; l++) p[l] = fmaf(a[base + l], b[base + l], p[l]);
    return ((((p[0] + p[8]) + (p[4] + p[12])) + ((p[2] + p[10]) + (p[6] + p[14]))) +
            (((p[1] + p[9]) + (p[5] + p[13])) + ((p[3] + p[11]) + (p[7] + p[15]))));
}

static uint32_t rng_state = 12345u;
static float rnd(void) { /* xorshift32, values in [-2, 2) with varied exponents */
    rng_state ^= rng_state << 13, rng_state ^= rng_state >> 17, rng_state ^= rng_state << 5;
    float m = (float)(rng_state >> 8) / 8388608.0f - 1.0f;
    return m * (float)(1u << (rng_state & 3)) / 2.0f;
}

static void test_dot_matches_rule(void **state) {
    (void)state;
    enum { MAXN = 1100 };
    static float a[MAXN], b[MAXN];
    size_t checked = 0, differs_from_serial = 0;
    for (size_t n = 0; n <= MAXN; n += (n < 70 ? 1 : 37)) {
        for (size_t i = 0; i < n; i++) a[i] = rnd(), b[i] = rnd();
        float got = lpcs_dot_f32(a, b, n), want = dot_spec(a, b, n);
        assert_true(f2u(got) == f2u(want));
        float serial = 0.0f;
        for (size_t i = 0; i < n; i++) serial = fmaf(a[i], b[i], serial);
        differs_from_serial += f2u(serial) != f2u(got);
        checked++;
    }
    assert_true(checked > 90);
    /* the order matters for random data: a serial sum would not pass */
    assert_true(differs_from_serial > 10);
}

static void test_dot_properties(void **state) {
    (void)state;
    float a[64], b[64], z[64] = {0};
    for (int i = 0; i < 64; i++) a[i] = rnd(), b[i] = rnd();
    assert_true(f2u(lpcs_dot_f32(a, b, 0)) == f2u(0.0f)); /* +0, not -0 */
    assert_true(f2u(lpcs_dot_f32(a, z, 64)) == f2u(0.0f));
    for (size_t n = 1; n <= 64; n++) /* a and b commute (fmaf does) */
        assert_true(f2u(lpcs_dot_f32(a, b, n)) == f2u(lpcs_dot_f32(b, a, n)));
    /* a zero tail padded up to 16 does not change the bits */
    float ap[64] = {0}, bp[64] = {0};
    memcpy(ap, a, 21 * sizeof(float)), memcpy(bp, b, 21 * sizeof(float));
    assert_true(f2u(lpcs_dot_f32(a, b, 21)) == f2u(lpcs_dot_f32(ap, bp, 32)));
    /* lane assignment: 1 + 2^-24 terms cancel only in the tree order.
     * lane 0 gets 1.0, lane 8 gets 2^-24 twice (n = 25): p0 + p8 = 1 + 2^-23 */
    float o[25] = {0}, one[25];
    for (int i = 0; i < 25; i++) one[i] = 1.0f;
    o[0] = 1.0f, o[8] = 0x1p-24f, o[24] = 0x1p-24f;
    assert_true(lpcs_dot_f32(o, one, 25) == 1.0f + 0x1p-23f);
    /* fused: one rounding per step. (1 + 2^-12)^2 = 1 + 2^-11 + 2^-24 keeps its last bit
     * only when the partial sum is already large enough; with p = -1 it survives. */
    float c[17] = {0}, d[17] = {0};
    c[0] = -1.0f, d[0] = 1.0f, c[16] = 1.0f + 0x1p-12f, d[16] = 1.0f + 0x1p-12f;
    assert_true(lpcs_dot_f32(c, d, 17) == 0x1p-11f + 0x1p-24f);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expf_special),
        cmocka_unit_test(test_dot_matches_rule),
        cmocka_unit_test(test_dot_properties),
        cmocka_unit_test(test_expf_accuracy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
