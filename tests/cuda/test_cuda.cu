/* Bit-exactness of the lpcs CUDA kernels against golden (libgolden.a) and
 * against this file's own direct references, on the GPU machine.
 *
 *   build/cuda/test_cuda            all tests (prints PASS/FAIL per case)
 *   build/cuda/test_cuda --inject   corrupts one weight before upload: the
 *                                   ternary and LUT tests must then FAIL (proves
 *                                   the comparison can fail; exit status 1)
 *   build/cuda/test_cuda --quick    skips the 2^32 conversion sweeps
 * Without a CUDA device: prints "SKIP: no CUDA device (...)" and exits 0. */
#include "cuda/lpcs_cuda.h"
#include "status.h"
#include "test_common.h"

#include <vector>

#if __has_include("ternary.h")
#include "ternary.h"
#define HAVE_GOLDEN_TERNARY 1
#endif

static bool g_inject = false, g_quick = false;

/* ---------------------------------------------------------------- ternary */

/* Packing as SPEC/API.md: 00 = 0, 01 = +1, 11 = -1, weight k at bits
 * 2(k%4).. of byte k/4 of its row; rows padded to whole bytes. */
static void pack_ternary_rows(const int8_t *w, size_t rows, size_t cols, uint8_t *packed) {
    const size_t rb = (cols + 3) / 4;
    memset(packed, 0, rows * rb);
    for (size_t r = 0; r < rows; r++)
        for (size_t k = 0; k < cols; k++) {
            const int v = w[r * cols + k];
            const unsigned code = v == 0 ? 0u : v == 1 ? 1u : 3u;
            packed[r * rb + k / 4] |= (uint8_t)(code << (2 * (k % 4)));
        }
}

static void ref_gemm(const int8_t *w, size_t rows, size_t cols, const int8_t *x, size_t batch,
                     int32_t *y) {
    for (size_t b = 0; b < batch; b++)
        for (size_t r = 0; r < rows; r++) {
            int64_t s = 0;
            for (size_t k = 0; k < cols; k++) s += (int64_t)w[r * cols + k] * x[b * cols + k];
            y[b * rows + r] = (int32_t)s;
        }
}

/* Compares y_gpu with y_ref; describes the first mismatch in `detail`. */
static bool compare_i32(const int32_t *got, const int32_t *want, size_t rows, size_t batch,
                        char *detail, size_t dlen) {
    for (size_t b = 0; b < batch; b++)
        for (size_t r = 0; r < rows; r++)
            if (got[b * rows + r] != want[b * rows + r]) {
                snprintf(detail, dlen, "first mismatch token %zu row %zu: gpu %d, reference %d", b,
                         r, got[b * rows + r], want[b * rows + r]);
                return false;
            }
    return true;
}

static void ternary_case(const char *label, const int8_t *w, size_t rows, size_t cols,
                         const int8_t *x, size_t batch) {
    char name[160], detail[256] = "";
    snprintf(name, sizeof name, "ternary_gemm %s %zux%zu batch %zu", label, rows, cols, batch);
    std::vector<uint8_t> packed(rows * ((cols + 3) / 4));
    pack_ternary_rows(w, rows, cols, packed.data());
    bool ok = true;
#ifdef HAVE_GOLDEN_TERNARY
    { /* golden packing must agree with the test's own */
        std::vector<uint8_t> gp(packed.size());
        for (size_t r = 0; r < rows && ok; r++) {
            const size_t rb = (cols + 3) / 4;
            if (ternary_pack(w + r * cols, cols, gp.data() + r * rb) != LPCS_OK) ok = false;
        }
        if (!ok || memcmp(gp.data(), packed.data(), packed.size()) != 0) {
            test_report(name, false, "golden ternary_pack differs from the SPEC packing");
            return;
        }
    }
#endif
    if (g_inject) packed[0] ^= 0x01; /* weight (0,0): 0 <-> +1, or -1 -> -2 */
    std::vector<int32_t> y_ref(rows * batch), y_gpu(rows * batch, 0x5a5a5a5a);
    ref_gemm(w, rows, cols, x, batch, y_ref.data());
#ifdef HAVE_GOLDEN_TERNARY
    {
        std::vector<int32_t> yg(rows);
        for (size_t b = 0; b < batch; b++) {
            if (ternary_gemv_i32(packed.data(), rows, cols, x + b * cols, yg.data()) != LPCS_OK) {
                if (!g_inject) {
                    test_report(name, false, "golden ternary_gemv_i32 failed");
                    return;
                }
                continue;
            }
            if (!g_inject && memcmp(yg.data(), y_ref.data() + b * rows, rows * 4) != 0) {
                test_report(name, false, "golden ternary_gemv_i32 differs from the direct reference");
                return;
            }
        }
    }
#endif
    lpcs_cuda_ternary *dw = NULL;
    int rc = lpcs_cuda_ternary_upload(packed.data(), rows, cols, &dw);
    if (rc == LPCS_OK) rc = lpcs_cuda_ternary_gemm_i32(dw, x, batch, y_gpu.data());
    lpcs_cuda_ternary_free(dw);
    if (rc != LPCS_OK) {
        snprintf(detail, sizeof detail, "cuda call failed: %s", lpcs_status_str(rc));
        test_report(name, false, detail);
        return;
    }
    ok = compare_i32(y_gpu.data(), y_ref.data(), rows, batch, detail, sizeof detail);
    test_report(name, ok, detail);
}

static void random_x(test_rng &g, int8_t *x, size_t n, int mode) {
    for (size_t i = 0; i < n; i++) {
        switch (mode) {
        case 0: x[i] = (int8_t)g.range(-128, 127); break;
        case 1: x[i] = -128; break;
        case 2: x[i] = 127; break;
        default: x[i] = (int8_t)((i & 1) ? -128 : 127); break;
        }
    }
}

static void test_ternary(void) {
    test_rng g{7};
    { /* exhaustive: all 3^8 rows of 8 weights, extreme and random tokens */
        const size_t cols = 8, rows = 6561, batch = 16;
        std::vector<int8_t> w(rows * cols), x(batch * cols);
        for (size_t r = 0; r < rows; r++) {
            size_t v = r;
            for (size_t k = 0; k < cols; k++, v /= 3) w[r * cols + k] = (int8_t)((int)(v % 3) - 1);
        }
        for (size_t b = 0; b < batch; b++) random_x(g, x.data() + b * cols, cols, b < 4 ? (int)b : 0);
        ternary_case("exhaustive-3^8", w.data(), rows, cols, x.data(), batch);
    }
    const size_t shapes[][3] = {{1, 1, 1},    {33, 65, 3},     {31, 63, 17},   {100, 300, 5},
                                {257, 1000, 16}, {64, 4096, 33}, {4096, 4096, 1}, {4096, 4096, 16},
                                {11008, 4096, 4}, {4096, 11008, 16}};
    for (const auto &s : shapes) {
        const size_t rows = s[0], cols = s[1], batch = s[2];
        std::vector<int8_t> w(rows * cols), x(batch * cols);
        for (auto &v : w) v = (int8_t)g.range(-1, 1);
        for (size_t b = 0; b < batch; b++) random_x(g, x.data() + b * cols, cols, b == 1 ? 1 : 0);
        ternary_case("random", w.data(), rows, cols, x.data(), batch);
    }
}

/* ---------------------------------------------------------------- LUT-GEMV */

static void lut_case(const char *label, const int8_t *w, size_t rows, size_t cols, int bits,
                     int is_signed, const int8_t *x, size_t batch) {
    char name[160], detail[256] = "";
    snprintf(name, sizeof name, "lut_gemm %s %d-bit %s %zux%zu batch %zu", label, bits,
             is_signed ? "signed" : "unsigned", rows, cols, batch);
    std::vector<int8_t> wu(w, w + rows * cols);
    if (g_inject) wu[0] = (int8_t)(wu[0] == 0 ? 1 : 0);
    std::vector<int32_t> y_ref(rows * batch), y_gpu(rows * batch, 0x5a5a5a5a);
    ref_gemm(w, rows, cols, x, batch, y_ref.data());
    lpcs_cuda_lut *dw = NULL;
    int rc = lpcs_cuda_lut_upload(wu.data(), rows, cols, bits, is_signed, &dw);
    if (rc == LPCS_OK) rc = lpcs_cuda_lut_gemm_i32(dw, x, batch, y_gpu.data());
    lpcs_cuda_lut_free(dw);
    if (rc != LPCS_OK) {
        snprintf(detail, sizeof detail, "cuda call failed: %s", lpcs_status_str(rc));
        test_report(name, false, detail);
        return;
    }
    test_report(name, compare_i32(y_gpu.data(), y_ref.data(), rows, batch, detail, sizeof detail),
                detail);
}

static void test_lut(void) {
    test_rng g{11};
    for (int bits = 1; bits <= 4; bits++)
        for (int sg = 0; sg <= 1; sg++) {
            const int lo = sg ? -(1 << (bits - 1)) : 0, hi = sg ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
            const int nv = hi - lo + 1;
            { /* exhaustive: every weight value at every position of a 4-column group */
                const size_t cols = 4, batch = 8;
                size_t rows = 1;
                for (int k = 0; k < 4; k++) rows *= (size_t)nv;
                std::vector<int8_t> w(rows * cols), x(batch * cols);
                for (size_t r = 0; r < rows; r++) {
                    size_t v = r;
                    for (size_t k = 0; k < cols; k++, v /= nv) w[r * cols + k] = (int8_t)(lo + (int)(v % nv));
                }
                for (size_t b = 0; b < batch; b++) random_x(g, x.data() + b * cols, cols, b < 4 ? (int)b : 0);
                lut_case("exhaustive", w.data(), rows, cols, bits, sg, x.data(), batch);
            }
            const size_t shapes[][3] = {{1, 1, 1}, {33, 129, 3}, {300, 1000, 16}, {70, 257, 21}};
            for (const auto &s : shapes) {
                const size_t rows = s[0], cols = s[1], batch = s[2];
                std::vector<int8_t> w(rows * cols), x(batch * cols);
                for (auto &v : w) v = (int8_t)g.range(lo, hi);
                for (size_t b = 0; b < batch; b++) random_x(g, x.data() + b * cols, cols, b == 1 ? 1 : 0);
                lut_case("random", w.data(), rows, cols, bits, sg, x.data(), batch);
            }
        }
    const size_t big[][4] = {{4096, 4096, 1, 4}, {4096, 4096, 16, 4}, {11008, 4096, 3, 2}, {4096, 11008, 8, 3}};
    for (const auto &s : big) {
        const size_t rows = s[0], cols = s[1], batch = s[2];
        const int bits = (int)s[3];
        std::vector<int8_t> w(rows * cols), x(batch * cols);
        for (auto &v : w) v = (int8_t)g.range(-(1 << (bits - 1)), (1 << (bits - 1)) - 1);
        for (size_t b = 0; b < batch; b++) random_x(g, x.data() + b * cols, cols, 0);
        lut_case("random", w.data(), rows, cols, bits, 1, x.data(), batch);
    }
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--inject")) g_inject = true;
        else if (!strcmp(argv[i], "--quick")) g_quick = true;
        else {
            fprintf(stderr, "usage: %s [--inject] [--quick]\n", argv[0]);
            return 2;
        }
    }
    if (!lpcs_cuda_available()) {
        printf("SKIP: no CUDA device (%s); the GPU tests did not run\n", lpcs_cuda_describe());
        return 0;
    }
    printf("device: %s%s%s\n", lpcs_cuda_describe(), g_inject ? " (fault injection on)" : "",
           g_quick ? " (quick)" : "");
    const double t0 = test_now();
    test_ternary();
    test_lut();
    printf("cuda tests: %d passed, %d failed (%.1f s)\n", g_passed, g_failed, test_now() - t0);
    return g_failed ? 1 : 0;
}
