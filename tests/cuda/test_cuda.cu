/* Bit-exactness of the lpcs CUDA kernels against golden (libgolden.a) and
 * against this file's own direct references, on the GPU machine.
 *
 *   build/cuda/test_cuda            all tests (prints PASS/FAIL per case)
 *   build/cuda/test_cuda --inject   corrupts one weight before upload: the
 *                                   ternary and LUT tests must then FAIL (proves
 *                                   the comparison can fail; exit status 1)
 *   build/cuda/test_cuda --quick    skips the 2^32 conversion sweeps
 * Without a CUDA device: prints "SKIP: no CUDA device (...)" and exits 77
 * (counted as skipped by tests/run_steps.sh, never as passed). */
#include "cuda/lpcs_cuda.h"
#include "status.h"
#include "test_common.h"

#include "bitlinear.h"
#include "formats.cuh"
#include "lpcs_cuda_internal.h"
#include "lutgemv.h"
#include "minifloat.h"
#include "mx.h"
#include "posit.h"
#include "rmmec.h"
#include "ternary.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#define HAVE_GOLDEN_TERNARY 1

static bool g_inject = false, g_quick = false;
static double g_sweep_budget_s = 120.0; /* all 2^32 sweeps together, CPU side */

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
        if (g_quick && rows * cols * batch > ((size_t)1 << 26)) continue; /* the big ones: full runs only */
        std::vector<int8_t> w(rows * cols), x(batch * cols);
        for (auto &v : w) v = (int8_t)g.range(-1, 1);
        for (size_t b = 0; b < batch; b++) random_x(g, x.data() + b * cols, cols, b == 1 ? 1 : 0);
        ternary_case("random", w.data(), rows, cols, x.data(), batch);
    }
    { /* the invalid code 0b10 (the kernels store w+1 and could not represent it):
       * rejected at upload with golden's status, at the first and a later weight */
        const size_t rows = 3, cols = 70, rb = (cols + 3) / 4;
        bool ok = true;
        char detail[160] = "";
        for (size_t bad : {(size_t)0, (size_t)(2 * cols + 37)}) {
            std::vector<uint8_t> packed(rows * rb, 0x55); /* all +1 */
            const size_t r = bad / cols, k = bad % cols;
            packed[r * rb + k / 4] = (uint8_t)((packed[r * rb + k / 4] & ~(3u << (2 * (k % 4)))) | (2u << (2 * (k % 4))));
            std::vector<int8_t> wg(cols);
            const int grc = ternary_unpack(packed.data() + r * rb, cols, wg.data());
            lpcs_cuda_ternary *dw = NULL;
            const int rc = lpcs_cuda_ternary_upload(packed.data(), rows, cols, &dw);
            lpcs_cuda_ternary_free(dw);
            if (grc != LPCS_EFORMAT || rc != LPCS_EFORMAT || dw) {
                ok = false;
                snprintf(detail, sizeof detail, "weight %zu: golden %s, cuda %s", bad, lpcs_status_str(grc),
                         lpcs_status_str(rc));
            }
        }
        test_report("ternary upload rejects code 0b10 (LPCS_EFORMAT, as golden)", ok, detail);
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
        if (g_quick && rows * cols * batch > ((size_t)1 << 26)) continue;
        const int bits = (int)s[3];
        std::vector<int8_t> w(rows * cols), x(batch * cols);
        for (auto &v : w) v = (int8_t)g.range(-(1 << (bits - 1)), (1 << (bits - 1)) - 1);
        for (size_t b = 0; b < batch; b++) random_x(g, x.data() + b * cols, cols, 0);
        lut_case("random", w.data(), rows, cols, bits, 1, x.data(), batch);
    }
}


/* ------------------------------------------------------- conversion sweeps */

static unsigned n_threads(void) {
    const unsigned h = std::thread::hardware_concurrency();
    return h ? h : 4;
}

/* Runs f(i) for i in [0, n) on all CPU threads. */
template <class F> static void parallel_for(size_t n, F f) {
    const unsigned T = n_threads();
    std::vector<std::thread> th;
    for (unsigned t = 0; t < T; t++)
        th.emplace_back([&, t] {
            const size_t lo = n * t / T, hi = n * (t + 1) / T;
            for (size_t i = lo; i < hi; i++) f(i);
        });
    for (auto &x : th) x.join();
}

struct sweep_spec {
    char name[64];
    int kind, a, b; /* conv_sweep_f32 arguments */
};

static uint32_t sweep_golden(const sweep_spec &sp, uint32_t u) {
    const float x = lpcs_bits_f32(u);
    if (sp.kind == 0) return mf_from_f32((mf_format)sp.a, x, (mf_sat)sp.b);
    return posit_from_float(posit_cfg_make(sp.a, sp.b), x);
}

/* fp32 -> format on the GPU for all 2^32 patterns, compared with golden on
 * the CPU (all threads). If golden is too slow for the time budget, every
 * stride-th pattern (rotating phase) is compared and the report says so. */
static void run_sweep(const sweep_spec &sp, double budget_s) {
    /* full: all 2^32 in chunks of 2^26; quick: 64 chunks of 2^16 spread over the range */
    const size_t chunk = g_quick ? (size_t)1 << 16 : (size_t)1 << 26;
    const uint64_t step = g_quick ? (1ull << 26) : chunk;
    std::vector<uint16_t> h_out(chunk);
    char name[160], detail[256] = "";
    /* time golden on 2^20 patterns spread over the range */
    double t0 = test_now();
    volatile uint32_t sink = 0;
    for (uint32_t i = 0; i < (1u << 20); i++) sink = sink + sweep_golden(sp, i * 4099u);
    const double per_call = (test_now() - t0) / (1u << 20);
    const double est = per_call * 4294967296.0 / n_threads();
    const uint64_t stride = g_quick || est <= budget_s ? 1 : (uint64_t)(est / budget_s) + 1;
    std::atomic<uint64_t> checked{0};
    std::atomic<bool> bad{false};
    std::atomic<uint32_t> bad_u{0};
    uint32_t bad_gpu = 0, bad_gold = 0;
    t0 = test_now();
    for (uint64_t base = 0; base < (1ull << 32) && !bad; base += step) {
        const int rc = lpcs_cuda_sweep_f32(sp.kind, sp.a, sp.b, (uint32_t)base, chunk, h_out.data());
        if (rc != LPCS_OK) {
            test_report(sp.name, false, lpcs_status_str(rc));
            return;
        }
        const uint64_t phase = (base / chunk) % stride;
        const size_t nsel = (size_t)((chunk - phase + stride - 1) / stride);
        const size_t blocks = (nsel + 4095) / 4096;
        parallel_for(blocks, [&](size_t blk) {
            uint64_t local = 0;
            for (size_t j = blk * 4096; j < nsel && j < (blk + 1) * 4096; j++) {
                const size_t i = (size_t)(phase + j * stride);
                const uint32_t u = (uint32_t)(base + i);
                const uint32_t g = sweep_golden(sp, u) & 0xFFFFu;
                local++;
                if (g != h_out[i] && !bad.exchange(true)) bad_u = u;
            }
            checked += local;
        });
        if (bad) {
            const uint32_t u = bad_u;
            bad_gold = sweep_golden(sp, u);
            bad_gpu = h_out[(size_t)(u - (uint32_t)base)];
        }
    }
    const uint64_t nchk = checked.load();
    if (bad)
        snprintf(detail, sizeof detail, "first mismatch x = 0x%08x (%g): golden 0x%x, gpu 0x%x",
                 (uint32_t)bad_u, lpcs_bits_f32(bad_u), bad_gold, bad_gpu);
    else
        snprintf(detail, sizeof detail, "%.1f s", test_now() - t0);
    snprintf(name, sizeof name, "sweep %s: %s (%llu patterns compared)", sp.name,
             nchk == (1ull << 32) ? "all 2^32 fp32 patterns"
             : g_quick ? "quick sample, 64 runs of 2^16" : "every stride-th of 2^32 (golden too slow for all)",
             (unsigned long long)nchk);
    test_report(name, !bad, detail);
}

static void test_conversions(void) {
    char name[128], detail[256];
    /* decode: every code of every minifloat and of every posit with n <= 16 */
    for (int f = 0; f < MF_FORMAT_COUNT; f++) {
        const uint32_t nc = mf_code_count((mf_format)f);
        std::vector<uint32_t> codes(nc);
        std::vector<float> y(nc);
        for (uint32_t c = 0; c < nc; c++) codes[c] = c;
        const int rc = lpcs_cuda_mf_to_f32(f, codes.data(), nc, y.data());
        bool ok = rc == LPCS_OK;
        detail[0] = 0;
        for (uint32_t c = 0; c < nc && ok; c++) {
            const float g = mf_to_f32((mf_format)f, c);
            if (lpcs_f32_bits(g) != lpcs_f32_bits(y[c])) {
                ok = false;
                snprintf(detail, sizeof detail, "code 0x%x: golden 0x%08x gpu 0x%08x", c, lpcs_f32_bits(g), lpcs_f32_bits(y[c]));
            }
        }
        snprintf(name, sizeof name, "mf_to_f32 %s all %u codes", mf_get_info((mf_format)f)->name, nc);
        test_report(name, ok, rc == LPCS_OK ? detail : lpcs_status_str(rc));
    }
    for (int nb = 2; nb <= 32; nb++)
        for (int es = 0; es <= 3; es++) {
            if (nb > 16 && nb != 32) continue;
            const size_t cnt = nb <= 16 ? ((size_t)1 << nb) : ((size_t)1 << 24);
            std::vector<uint32_t> p(cnt);
            std::vector<float> y(cnt);
            test_rng g{(uint64_t)nb * 7 + es};
            for (size_t i = 0; i < cnt; i++) p[i] = nb <= 16 ? (uint32_t)i : (uint32_t)g.next();
            const int rc = lpcs_cuda_posit_to_f32(nb, es, p.data(), cnt, y.data());
            bool ok = rc == LPCS_OK;
            detail[0] = 0;
            for (size_t i = 0; i < cnt && ok; i++) {
                const float gv = posit_to_float(posit_cfg_make(nb, es), p[i]);
                if (lpcs_f32_bits(gv) != lpcs_f32_bits(y[i])) {
                    ok = false;
                    snprintf(detail, sizeof detail, "p 0x%x: golden 0x%08x gpu 0x%08x", p[i], lpcs_f32_bits(gv), lpcs_f32_bits(y[i]));
                }
            }
            snprintf(name, sizeof name, "posit_to_f32 p%de%d (%s %zu)", nb, es, nb <= 16 ? "all" : "random", cnt);
            test_report(name, ok, rc == LPCS_OK ? detail : lpcs_status_str(rc));
        }
    /* fp32 -> posit for wide posits (n > 16): 2^24 random patterns + specials */
    const int wide[][2] = {{32, 2}, {32, 3}, {24, 1}, {20, 0}, {32, 0}};
    for (const auto &c : wide) {
        const size_t cnt = (size_t)1 << 24;
        std::vector<float> x(cnt);
        std::vector<uint32_t> out(cnt);
        test_rng g{(uint64_t)c[0] * 11 + c[1]};
        for (size_t i = 0; i < cnt; i++) x[i] = lpcs_bits_f32((uint32_t)g.next());
        const int rc = lpcs_cuda_posit_from_f32(c[0], c[1], x.data(), cnt, out.data());
        bool ok = rc == LPCS_OK;
        detail[0] = 0;
        for (size_t i = 0; i < cnt && ok; i++) {
            const uint32_t gp = posit_from_float(posit_cfg_make(c[0], c[1]), x[i]);
            if (gp != out[i]) {
                ok = false;
                snprintf(detail, sizeof detail, "x 0x%08x: golden 0x%x gpu 0x%x", lpcs_f32_bits(x[i]), gp, out[i]);
            }
        }
        snprintf(name, sizeof name, "posit_from_f32 p%de%d (random %zu)", c[0], c[1], cnt);
        test_report(name, ok, rc == LPCS_OK ? detail : lpcs_status_str(rc));
    }
    /* fp32 -> posit for every config n = 2..32, es = 0..3: 2^18 random patterns each */
    {
        const size_t cnt = (size_t)1 << 18;
        std::vector<float> x(cnt);
        std::vector<uint32_t> out(cnt);
        test_rng g{77};
        for (auto &v : x) v = lpcs_bits_f32((uint32_t)g.next());
        bool ok = true;
        detail[0] = 0;
        for (int nb = 2; nb <= 32 && ok; nb++)
            for (int es = 0; es <= 3 && ok; es++) {
                if (lpcs_cuda_posit_from_f32(nb, es, x.data(), cnt, out.data()) != LPCS_OK) {
                    ok = false;
                    snprintf(detail, sizeof detail, "p%de%d: cuda call failed", nb, es);
                }
                for (size_t i = 0; i < cnt && ok; i++) {
                    const uint32_t gp = posit_from_float(posit_cfg_make(nb, es), x[i]);
                    if (gp != out[i]) {
                        ok = false;
                        snprintf(detail, sizeof detail, "p%de%d x 0x%08x: golden 0x%x gpu 0x%x", nb, es,
                                 lpcs_f32_bits(x[i]), gp, out[i]);
                    }
                }
            }
        test_report("posit_from_f32 every config n=2..32 es=0..3 (2^18 random each)", ok, detail);
    }
    /* element-wise API path once (the sweeps use the same device function) */
    {
        const size_t cnt = (size_t)1 << 20;
        std::vector<float> x(cnt);
        std::vector<uint32_t> out(cnt);
        test_rng g{99};
        for (auto &v : x) v = lpcs_bits_f32((uint32_t)g.next());
        bool ok = true;
        for (int f = 0; f < MF_FORMAT_COUNT && ok; f++)
            for (int sat = 0; sat <= 1 && ok; sat++) {
                if (lpcs_cuda_mf_from_f32(f, sat, x.data(), cnt, out.data()) != LPCS_OK) ok = false;
                for (size_t i = 0; i < cnt && ok; i++)
                    if (out[i] != mf_from_f32((mf_format)f, x[i], (mf_sat)sat)) ok = false;
            }
        test_report("mf_from_f32 API path, 7 formats x 2 modes x 2^20 random", ok, "");
    }
    /* the 2^32 sweeps: every minifloat in both modes, the posit presets */
    std::vector<sweep_spec> specs;
    for (int f = 0; f < MF_FORMAT_COUNT; f++)
        for (int sat = 0; sat <= 1; sat++) {
            sweep_spec sp;
            snprintf(sp.name, sizeof sp.name, "mf_from_f32 %s %s", mf_get_info((mf_format)f)->name,
                     sat ? "satfinite" : "nonsat");
            sp.kind = 0;
            sp.a = f;
            sp.b = sat;
            specs.push_back(sp);
        }
    const int pc[][2] = {{4, 1}, {8, 0}, {16, 1}, {8, 2}, {16, 2}};
    for (const auto &c : pc) {
        sweep_spec sp;
        snprintf(sp.name, sizeof sp.name, "posit_from_f32 p%de%d", c[0], c[1]);
        sp.kind = 1;
        sp.a = c[0];
        sp.b = c[1];
        specs.push_back(sp);
    }
    const double per_sweep = g_sweep_budget_s / specs.size();
    for (const auto &sp : specs) run_sweep(sp, per_sweep);
}

/* ---------------------------------------------------------- MX and NVFP4 */

/* Test data: random magnitudes over many binades, plus special blocks. */
static std::vector<float> block_test_data(size_t n, uint64_t seed) {
    test_rng g{seed};
    std::vector<float> x(n);
    for (size_t i = 0; i < n; i++) {
        const int binade = g.range(-140, 30);
        const float m = 1.0f + (float)(g.next() % (1u << 23)) / (float)(1u << 23);
        float v = ldexpf(m, binade) * ((g.next() & 1) ? -1.0f : 1.0f);
        if (g.next() % 16 == 0) v = (float)g.range(-8, 8) * 0.25f; /* exact grid values and ties */
        x[i] = v;
    }
    /* special blocks: zeros, a NaN, an Inf, fp32 max, subnormals only */
    for (size_t i = 0; i < 32 && 5 * 32 + i < n; i++) {
        x[i] = 0.0f;
        x[32 + i] = i == 7 ? NAN : 1.0f;
        x[64 + i] = i == 3 ? -INFINITY : 2.0f;
        x[96 + i] = i == 0 ? 3.4028235e38f : -1e30f;
        x[128 + i] = lpcs_bits_f32((uint32_t)(i * 7919u) & 0x807FFFFFu);
    }
    return x;
}

static bool same_or_both_nan(float a, float b) {
    return lpcs_f32_bits(a) == lpcs_f32_bits(b) || (a != a && b != b);
}

static void test_block_formats(void) {
    char name[128], detail[256];
    const size_t n = 100003; /* a short last block */
    const std::vector<float> x = block_test_data(n, 21);
    const size_t nb = mx_num_blocks(n);
    for (int e = 0; e < MX_ELEM_COUNT; e++)
        for (int r = 0; r <= 1; r++) {
            std::vector<uint8_t> gs(nb), gc(n), ds(nb), dc(n);
            std::vector<float> gy(n), dy(n);
            int rc = mx_quantize((mx_elem)e, (mx_round)r, x.data(), n, gs.data(), gc.data());
            const int crc = lpcs_cuda_mx_quantize(e, r, x.data(), n, ds.data(), dc.data());
            bool ok = rc == LPCS_OK && crc == LPCS_OK;
            detail[0] = 0;
            for (size_t b = 0; b < nb && ok; b++)
                if (gs[b] != ds[b]) {
                    ok = false;
                    snprintf(detail, sizeof detail, "block %zu scale: golden 0x%02x gpu 0x%02x", b, gs[b], ds[b]);
                }
            for (size_t i = 0; i < n && ok; i++)
                if (gc[i] != dc[i]) {
                    ok = false;
                    snprintf(detail, sizeof detail, "element %zu (x 0x%08x): golden 0x%02x gpu 0x%02x", i,
                             lpcs_f32_bits(x[i]), gc[i], dc[i]);
                }
            snprintf(name, sizeof name, "mx_quantize %s %s (%zu values)", mx_get_elem_info((mx_elem)e)->name,
                     r ? "ties-away" : "rne", n);
            test_report(name, ok, detail);
            rc = mx_dequantize((mx_elem)e, gs.data(), gc.data(), n, gy.data());
            const int crc2 = lpcs_cuda_mx_dequantize(e, gs.data(), gc.data(), n, dy.data());
            ok = rc == LPCS_OK && crc2 == LPCS_OK;
            detail[0] = 0;
            for (size_t i = 0; i < n && ok; i++)
                if (!same_or_both_nan(gy[i], dy[i])) {
                    ok = false;
                    snprintf(detail, sizeof detail, "element %zu: golden 0x%08x gpu 0x%08x", i, lpcs_f32_bits(gy[i]),
                             lpcs_f32_bits(dy[i]));
                }
            snprintf(name, sizeof name, "mx_dequantize %s (NaN outputs compared as NaN)", mx_get_elem_info((mx_elem)e)->name);
            if (r == 0) test_report(name, ok, detail);
        }
    for (int variant = 0; variant < 3; variant++) {
        std::vector<float> xv = x;
        if (variant == 1) /* all finite, no special blocks */
            for (auto &v : xv)
                if (!isfinite(v)) v = 1.5f;
        if (variant == 2) /* narrow range: block scales well inside E4M3 */
            for (size_t i = 0; i < n; i++) xv[i] = (float)((int)(i * 2654435761u % 2001u) - 1000) / 37.0f;
        const size_t nb4 = nvfp4_num_blocks(n);
        std::vector<uint8_t> gs(nb4), gc(n), ds(nb4), dc(n);
        float gts = 0, dts = 0;
        const int rc = nvfp4_quantize(xv.data(), n, &gts, gs.data(), gc.data());
        const int crc = lpcs_cuda_nvfp4_quantize(xv.data(), n, &dts, ds.data(), dc.data());
        bool ok = rc == LPCS_OK && crc == LPCS_OK && lpcs_f32_bits(gts) == lpcs_f32_bits(dts);
        snprintf(detail, sizeof detail, "tensor scale golden %a gpu %a", (double)gts, (double)dts);
        for (size_t b = 0; b < nb4 && ok; b++)
            if (gs[b] != ds[b]) {
                ok = false;
                snprintf(detail, sizeof detail, "block %zu scale: golden 0x%02x gpu 0x%02x", b, gs[b], ds[b]);
            }
        for (size_t i = 0; i < n && ok; i++)
            if (gc[i] != dc[i]) {
                ok = false;
                snprintf(detail, sizeof detail, "element %zu: golden 0x%x gpu 0x%x", i, gc[i], dc[i]);
            }
        std::vector<float> gy(n), dy(n);
        if (ok) {
            nvfp4_dequantize(gts, gs.data(), gc.data(), n, gy.data());
            ok = lpcs_cuda_nvfp4_dequantize(gts, gs.data(), gc.data(), n, dy.data()) == LPCS_OK;
            for (size_t i = 0; i < n && ok; i++)
                if (!same_or_both_nan(gy[i], dy[i])) {
                    ok = false;
                    snprintf(detail, sizeof detail, "dequantized element %zu: golden 0x%08x gpu 0x%08x", i,
                             lpcs_f32_bits(gy[i]), lpcs_f32_bits(dy[i]));
                }
        }
        snprintf(name, sizeof name, "nvfp4 quantize+dequantize, data set %d (%zu values)", variant, n);
        test_report(name, ok, ok ? "" : detail);
    }
}

/* ------------------------------------------------------------------ RMMEC */

static void test_rmmec(void) {
    test_rng g{31};
    char name[128], detail[256];
    /* long dot products (one row): every mode, fp32 and posit readouts */
    for (int mode = 0; mode < 4; mode++) {
        const size_t n = 50000;
        std::vector<uint16_t> a(n), b(n);
        for (size_t i = 0; i < n; i++) {
            a[i] = (uint16_t)g.next();
            b[i] = (uint16_t)g.next();
            if (mode) { /* keep NaR out so the sum is real */
                const int lb = mode == 3 ? 16 : mode == 2 ? 8 : 4;
                for (int lane = 0; lane * lb < 16; lane++) {
                    const uint16_t m = (uint16_t)(((1u << lb) - 1) << (lane * lb)), nar = (uint16_t)(1u << (lane * lb + lb - 1));
                    if ((a[i] & m) == nar) a[i] ^= (uint16_t)(1u << (lane * lb));
                    if ((b[i] & m) == nar) b[i] ^= (uint16_t)(1u << (lane * lb));
                }
            }
        }
        for (int f = 2; f >= 0; f -= 2) {
            if (!rmmec_out_valid((rmmec_mode)mode, (rmmec_out)f)) continue;
            uint32_t want = 0, got = 0;
            const int rc = rmmec_dot((rmmec_mode)mode, a.data(), b.data(), n, (rmmec_out)f, &want);
            const int crc = lpcs_cuda_rmmec_gemv(mode, a.data(), 1, n, b.data(), f, &got);
            snprintf(name, sizeof name, "rmmec dot %s -> %s, %zu words", rmmec_mode_name((rmmec_mode)mode),
                     rmmec_out_name((rmmec_out)f), n);
            snprintf(detail, sizeof detail, "golden 0x%x (rc %d), gpu 0x%x (rc %d)", want, rc, got, crc);
            test_report(name, rc == LPCS_OK && crc == LPCS_OK && want == got, want == got ? "" : detail);
        }
    }
    for (int mode = 0; mode < 4; mode++)
        for (int f = 0; f < 4; f++) {
            if (!rmmec_out_valid((rmmec_mode)mode, (rmmec_out)f)) continue;
            const size_t rows = 1000, cols = 333;
            std::vector<uint16_t> w(rows * cols), x(cols);
            for (auto &v : w) v = (uint16_t)g.next();
            for (auto &v : x) v = (uint16_t)g.next();
            const uint16_t nar_bits = mode == 3 ? 0x8000 : mode == 2 ? 0x8080 : 0x8888;
            /* most rows free of NaR lanes, so the readouts see real sums */
            for (size_t r = 0; r < rows; r++)
                if (r % 8 != 0 && mode != 0)
                    for (size_t k = 0; k < cols; k++) {
                        uint16_t &v = w[r * cols + k];
                        for (int lane = 0; lane < 4; lane++) {
                            const int lb = mode == 3 ? 16 : mode == 2 ? 8 : 4;
                            if (lane * lb >= 16) break;
                            const uint16_t m = (uint16_t)(((1u << lb) - 1) << (lane * lb));
                            if ((v & m) == (nar_bits & m)) v ^= (uint16_t)(1u << (lane * lb));
                        }
                    }
            for (size_t k = 0; k < cols; k++) {
                uint16_t &v = x[k];
                for (int lane = 0; lane < 4; lane++) {
                    const int lb = mode == 3 ? 16 : mode == 2 ? 8 : 4;
                    if (lane * lb >= 16) break;
                    const uint16_t m = (uint16_t)(((1u << lb) - 1) << (lane * lb));
                    if (mode && (v & m) == (nar_bits & m)) v ^= (uint16_t)(1u << (lane * lb));
                }
            }
            if (mode == 2) /* row 1: partial sums land on the quire NaR pattern */
                for (size_t k = 0; k < cols; k++) {
                    w[1 * cols + k] = k < 64 ? 0x7F7F : 0;
                    if (k < 64) x[k] = 0x7F7F;
                }
            std::vector<uint32_t> gy(rows), dy(rows);
            const int rc = rmmec_gemv((rmmec_mode)mode, w.data(), rows, cols, x.data(), (rmmec_out)f, gy.data());
            if (g_inject) w[0] ^= 0x0101;
            const int crc = lpcs_cuda_rmmec_gemv(mode, w.data(), rows, cols, x.data(), f, dy.data());
            bool ok = rc == LPCS_OK && crc == LPCS_OK;
            snprintf(detail, sizeof detail, "golden rc %d, cuda rc %d", rc, crc);
            for (size_t r = 0; r < rows && ok; r++)
                if (gy[r] != dy[r]) {
                    ok = false;
                    snprintf(detail, sizeof detail, "row %zu: golden 0x%x gpu 0x%x", r, gy[r], dy[r]);
                }
            snprintf(name, sizeof name, "rmmec_gemv %s -> %s %zux%zu", rmmec_mode_name((rmmec_mode)mode),
                     rmmec_out_name((rmmec_out)f), rows, cols);
            test_report(name, ok, ok ? "" : detail);
        }
}

/* -------------------------------------------------------------- BitLinear */

static void test_bitlinear(void) {
    test_rng g{41};
    char name[128], detail[256];
    const size_t shapes[][3] = {{256, 256, 1}, {256, 768, 7}, {768, 256, 16}, {1000, 333, 3}, {4096, 4096, 20}};
    for (const auto &sh : shapes) {
        const size_t in = sh[0], out = sh[1], batch = sh[2];
        std::vector<float> lat(in * out), nw(in), x(batch * in);
        for (auto &v : lat) v = (float)((int)(g.next() % 2001) - 1000) / 3000.0f;
        for (auto &v : nw) v = 0.5f + (float)(g.next() % 1000) / 1000.0f;
        for (auto &v : x) v = ldexpf((float)((int)(g.next() % 20001) - 10000), -(int)(g.next() % 12));
        /* edge tokens: all zero, tiny (subnormal squares), huge, a single spike */
        for (size_t k = 0; k < in && batch > 3; k++) {
            x[0 * in + k] = 0.0f;
            x[1 * in + k] = (k % 3 ? 1 : -1) * 1e-30f * (float)(k + 1);
            x[2 * in + k] = (k % 2 ? 3e18f : -2.5e18f);
            x[3 * in + k] = k == in / 2 ? 1000.0f : 0.001f;
        }
        bitlinear L;
        if (bitlinear_init_from_latent(&L, lat.data(), nw.data(), in, out) != LPCS_OK) {
            test_report("bitlinear init (golden)", false, "");
            return;
        }
        std::vector<float> gy(batch * out), dy(batch * out);
        std::vector<uint8_t> scratch(bitlinear_scratch_bytes(&L));
        bool ok = true;
        for (size_t b = 0; b < batch && ok; b++)
            ok = bitlinear_forward(&L, x.data() + b * in, gy.data() + b * out, scratch.data()) == LPCS_OK;
        lpcs_cuda_ternary *w = NULL;
        int rc = lpcs_cuda_ternary_upload(L.packed, out, in, &w);
        if (rc == LPCS_OK) rc = lpcs_cuda_bitlinear_forward(w, L.beta, L.norm_weight, x.data(), batch, dy.data());
        lpcs_cuda_ternary_free(w);
        ok = ok && rc == LPCS_OK;
        snprintf(detail, sizeof detail, "cuda rc %d", rc);
        for (size_t i = 0; i < batch * out && ok; i++)
            if (lpcs_f32_bits(gy[i]) != lpcs_f32_bits(dy[i])) {
                ok = false;
                snprintf(detail, sizeof detail, "token %zu out %zu: golden %a gpu %a", i / out, i % out, (double)gy[i],
                         (double)dy[i]);
            }
        snprintf(name, sizeof name, "bitlinear_forward in %zu out %zu batch %zu", in, out, batch);
        test_report(name, ok, ok ? "" : detail);
        bitlinear_free(&L);
    }
}

/* ------------------------------------------------------------ direct int4 */

static void int4_case(const char *label, const int8_t *w, size_t rows, size_t cols, const int8_t *x,
                      size_t batch) {
    char name[160], detail[256] = "";
    snprintf(name, sizeof name, "int4_gemm %s %zux%zu batch %zu", label, rows, cols, batch);
    std::vector<int8_t> wu(w, w + rows * cols);
    if (g_inject) wu[0] = (int8_t)(wu[0] == 0 ? 1 : 0);
    std::vector<int32_t> y_ref(rows * batch), y_gpu(rows * batch, 0x5a5a5a5a);
    ref_gemm(w, rows, cols, x, batch, y_ref.data());
    lpcs_cuda_int4 *dw = NULL;
    int rc = lpcs_cuda_int4_upload(wu.data(), rows, cols, &dw);
    if (rc == LPCS_OK) rc = lpcs_cuda_int4_gemm_i32(dw, x, batch, y_gpu.data());
    lpcs_cuda_int4_free(dw);
    if (rc != LPCS_OK) {
        snprintf(detail, sizeof detail, "cuda call failed: %s", lpcs_status_str(rc));
        test_report(name, false, detail);
        return;
    }
    test_report(name, compare_i32(y_gpu.data(), y_ref.data(), rows, batch, detail, sizeof detail), detail);
}

static void test_int4(void) {
    test_rng g{13};
    { /* exhaustive: every pair of weight values in columns 0 and 5 (low and high nibble) */
        const size_t cols = 8, rows = 256, batch = 8;
        std::vector<int8_t> w(rows * cols, 0), x(batch * cols);
        for (size_t r = 0; r < rows; r++) {
            w[r * cols + 0] = (int8_t)((int)(r % 16) - 8);
            w[r * cols + 5] = (int8_t)((int)(r / 16) - 8);
            w[r * cols + 3] = (int8_t)((int)((r * 7) % 16) - 8);
        }
        for (size_t b = 0; b < batch; b++) random_x(g, x.data() + b * cols, cols, b < 4 ? (int)b : 0);
        int4_case("exhaustive-pairs", w.data(), rows, cols, x.data(), batch);
    }
    const size_t shapes[][3] = {{1, 1, 1},      {33, 65, 3},      {31, 63, 17},    {100, 300, 5},
                                {257, 1000, 16}, {4096, 4096, 1}, {4096, 4096, 16}, {11008, 4096, 5},
                                {4096, 11008, 16}};
    for (const auto &s : shapes) {
        const size_t rows = s[0], cols = s[1], batch = s[2];
        if (g_quick && rows * cols * batch > ((size_t)1 << 26)) continue;
        std::vector<int8_t> w(rows * cols), x(batch * cols);
        for (auto &v : w) v = (int8_t)g.range(-8, 7);
        for (size_t b = 0; b < batch; b++) random_x(g, x.data() + b * cols, cols, b == 1 ? 1 : 0);
        int4_case("random", w.data(), rows, cols, x.data(), batch);
    }
}

/* ------------------------------- BitLinear on the real HGRN-Bit checkpoint */

/* A BF16 tensor of a safetensors file as floats (bits << 16); empty if absent.
 * Minimal reader: finds "name": {... "data_offsets": [a, b]} in the header. */
static std::vector<float> st_tensor(const std::vector<uint8_t> &file, const char *name) {
    std::vector<float> out;
    if (file.size() < 8) return out;
    uint64_t hlen = 0;
    memcpy(&hlen, file.data(), 8);
    if (hlen > file.size() - 8) return out;
    const std::string hdr((const char *)file.data() + 8, (size_t)hlen);
    const std::string key = std::string("\"") + name + "\"";
    const size_t at = hdr.find(key);
    if (at == std::string::npos) return out;
    const size_t end = hdr.find('}', at), off = hdr.find("\"data_offsets\"", at);
    if (off == std::string::npos || off > end || hdr.find("\"BF16\"", at) > end) return out;
    unsigned long long a = 0, b = 0;
    if (sscanf(hdr.c_str() + hdr.find('[', off), "[%llu, %llu]", &a, &b) != 2 || b < a || (b - a) % 2) return out;
    const size_t base = 8 + (size_t)hlen;
    if (base + b > file.size()) return out;
    out.resize((b - a) / 2);
    for (size_t i = 0; i < out.size(); i++) {
        uint16_t v;
        memcpy(&v, file.data() + base + a + 2 * i, 2);
        out[i] = lpcs_bits_f32((uint32_t)v << 16);
    }
    return out;
}

static void test_bitlinear_checkpoint(void) {
    const char *root = getenv("LPCS_SHARED");
    const std::string path = std::string(root && *root ? root : "../shared") + "/models/shakespeare-mmfree.safetensors";
    FILE *f = fopen(path.c_str(), "rb");
    if (!f) {
        printf("SKIP bitlinear on the shakespeare-mmfree checkpoint: %s not found (set LPCS_SHARED)\n", path.c_str());
        return;
    }
    std::vector<uint8_t> file;
    uint8_t buf[1 << 16];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) file.insert(file.end(), buf, buf + got);
    fclose(f);
    const std::vector<float> emb = st_tensor(file, "model.embeddings.weight");
    const size_t dim = 256, ntok = 64;
    if (emb.size() != 259 * dim) {
        test_report("bitlinear checkpoint: embeddings", false, "model.embeddings.weight missing or not [259][256]");
        return;
    }
    /* tokens: the embeddings of 64 bytes of text, as layer-0 inputs */
    const char *text = "ROMEO: But soft, what light through yonder window breaks? It is";
    std::vector<float> x(ntok * dim);
    for (size_t t = 0; t < ntok; t++) memcpy(&x[t * dim], &emb[(size_t)((uint8_t)text[t % 63] + 3) * dim], dim * 4);
    const char *projs[] = {"attn.i_proj", "attn.f_proj", "attn.g_proj", "attn.o_proj", "mlp.gate_proj", "mlp.down_proj"};
    size_t checked = 0;
    for (int layer = 0; layer < 6; layer++)
        for (const char *pj : projs) {
            char wname[96], nname[96], name[160], detail[200] = "";
            snprintf(wname, sizeof wname, "model.layers.%d.%s.weight", layer, pj);
            snprintf(nname, sizeof nname, "model.layers.%d.%s.norm.weight", layer, pj);
            const std::vector<float> w = st_tensor(file, wname), nw = st_tensor(file, nname);
            if (nw.empty() || w.empty() || w.size() % nw.size()) {
                snprintf(name, sizeof name, "bitlinear checkpoint %s", wname);
                test_report(name, false, "tensor missing");
                continue;
            }
            const size_t in = nw.size(), out = w.size() / in;
            /* inputs of width `in`: the token embeddings, tiled */
            std::vector<float> xi(ntok * in);
            for (size_t t = 0; t < ntok; t++)
                for (size_t k = 0; k < in; k++) xi[t * in + k] = x[t * dim + k % dim] * (1.0f + (float)(k / dim));
            bitlinear L;
            if (bitlinear_init_from_latent(&L, w.data(), nw.data(), in, out) != LPCS_OK) {
                test_report(wname, false, "golden init failed");
                continue;
            }
            std::vector<float> gy(ntok * out), dy(ntok * out);
            std::vector<uint8_t> scratch(bitlinear_scratch_bytes(&L));
            bool ok = true;
            for (size_t t = 0; t < ntok && ok; t++)
                ok = bitlinear_forward(&L, &xi[t * in], &gy[t * out], scratch.data()) == LPCS_OK;
            lpcs_cuda_ternary *dw = NULL;
            int rc = lpcs_cuda_ternary_upload(L.packed, out, in, &dw);
            if (rc == LPCS_OK) rc = lpcs_cuda_bitlinear_forward(dw, L.beta, L.norm_weight, xi.data(), ntok, dy.data());
            lpcs_cuda_ternary_free(dw);
            ok = ok && rc == LPCS_OK;
            for (size_t i = 0; i < ntok * out && ok; i++)
                if (lpcs_f32_bits(gy[i]) != lpcs_f32_bits(dy[i])) {
                    ok = false;
                    snprintf(detail, sizeof detail, "token %zu out %zu: golden %a gpu %a", i / out, i % out, (double)gy[i],
                             (double)dy[i]);
                }
            checked += ok;
            snprintf(name, sizeof name, "bitlinear checkpoint %s [%zu x %zu] x %zu tokens", wname, out, in, ntok);
            test_report(name, ok, ok ? "" : detail);
            bitlinear_free(&L);
        }
    printf("bitlinear checkpoint: %zu of 36 projections bit-exact\n", checked);
}

/* --------------------------------------------- LUT-GEMV vs golden lutgemv */

static void test_lut_vs_golden_lutgemv(void) {
    test_rng g{51};
    const size_t shapes[][4] = {{100, 64, 4, 4}, {257, 300, 3, 2}, {64, 1000, 16, 3}, {33, 129, 1, 1}};
    for (const auto &sh : shapes) {
        const size_t rows = sh[0], cols = sh[1], batch = sh[2];
        const int bits = (int)sh[3];
        lutgemv_cfg c;
        memset(&c, 0, sizeof c);
        c.rows = rows;
        c.cols = cols;
        c.batch = batch;
        c.g = 4;
        c.w_bits = bits;
        c.w_kind = LUTGEMV_W_SIGNED;
        c.a_bits = 8;
        c.qgroup = 0;
        std::vector<int16_t> w16(rows * cols);
        std::vector<int8_t> w8(rows * cols), x(batch * cols);
        for (size_t i = 0; i < rows * cols; i++) {
            w8[i] = (int8_t)g.range(-(1 << (bits - 1)), (1 << (bits - 1)) - 1);
            w16[i] = w8[i];
        }
        for (auto &v : x) v = (int8_t)g.range(-128, 127);
        std::vector<int16_t> tables(lutgemv_table_len(&c));
        std::vector<int64_t> acc(lutgemv_acc_len(&c));
        int rc = lutgemv_build_tables(&c, w16.data(), NULL, 0, tables.data());
        if (rc == LPCS_OK) rc = lutgemv_gemv(&c, tables.data(), x.data(), 1, acc.data(), NULL);
        std::vector<int32_t> y(batch * rows), y4(batch * rows);
        lpcs_cuda_lut *dw = NULL;
        int crc = lpcs_cuda_lut_upload(w8.data(), rows, cols, bits, 1, &dw);
        if (crc == LPCS_OK) crc = lpcs_cuda_lut_gemm_i32(dw, x.data(), batch, y.data());
        lpcs_cuda_lut_free(dw);
        lpcs_cuda_int4 *d4 = NULL; /* the direct int4 path must give the same integers */
        int crc4 = lpcs_cuda_int4_upload(w8.data(), rows, cols, &d4);
        if (crc4 == LPCS_OK) crc4 = lpcs_cuda_int4_gemm_i32(d4, x.data(), batch, y4.data());
        lpcs_cuda_int4_free(d4);
        bool ok = rc == LPCS_OK && crc == LPCS_OK && crc4 == LPCS_OK;
        char name[128], detail[200];
        snprintf(detail, sizeof detail, "golden rc %d, cuda rc %d", rc, crc);
        for (size_t b = 0; b < batch && ok; b++)
            for (size_t r = 0; r < rows && ok; r++)
                if (acc[b * rows + r] != (int64_t)y[b * rows + r] || acc[b * rows + r] != (int64_t)y4[b * rows + r]) {
                    ok = false;
                    snprintf(detail, sizeof detail, "token %zu row %zu: golden lutgemv %lld, gpu lut %d, gpu int4 %d", b,
                             r, (long long)acc[b * rows + r], y[b * rows + r], y4[b * rows + r]);
                }
        snprintf(name, sizeof name, "lut_gemm + int4_gemm vs golden lutgemv_gemv (g=4, w%d signed) %zux%zu batch %zu", bits, rows,
                 cols, batch);
        test_report(name, ok, ok ? "" : detail);
    }
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--inject")) g_inject = true;
        else if (!strcmp(argv[i], "--quick")) g_quick = true;
        else if (!strcmp(argv[i], "--sweep-budget") && i + 1 < argc) g_sweep_budget_s = atof(argv[++i]);
        else {
            fprintf(stderr, "usage: %s [--inject] [--quick] [--sweep-budget SECONDS]\n", argv[0]);
            return 2;
        }
    }
    if (!lpcs_cuda_available()) {
        char dbuf[512];
        printf("SKIP: no CUDA device (%s); the GPU tests did not run\n", lpcs_cuda_describe(dbuf, sizeof dbuf));
        return 77;
    }
    char dev[512];
    printf("device: %s%s%s\n", lpcs_cuda_describe(dev, sizeof dev), g_inject ? " (fault injection on)" : "",
           g_quick ? " (quick)" : "");
    const double t0 = test_now();
    test_ternary();
    test_int4();
    test_lut();
    if (!g_inject) {
        test_lut_vs_golden_lutgemv();
        test_bitlinear();
        test_bitlinear_checkpoint();
        test_block_formats();
        test_conversions();
    }
    test_rmmec();
    printf("cuda tests: %d passed, %d failed (%.1f s)\n", g_passed, g_failed, test_now() - t0);
    if (g_passed + g_failed < 10) {   /* a run that checked (almost) nothing proves nothing */
        printf("cuda tests: FAIL: only %d checks ran, at least 10 expected\n", g_passed + g_failed);
        return 1;
    }
    return g_failed ? 1 : 0;
}
