/* Host-side check of the CUDA backend's shared __host__ __device__ code
 * (sw_runtime/cuda/formats.cuh, the layouts of the GEMV kernels) against
 * golden, run on the CPU: what CI can verify without a GPU. The GPU test
 * (test_cuda.cu) runs the same functions inside kernels over all 2^32 inputs.
 *
 * Here: every code of every minifloat and of every posit config with n <= 16
 * decoded; fp32 -> format over a stride of the 2^32 patterns (every 509th,
 * about 8.4M) plus specials; a kernel-free emulation of the ternary kernel's
 * tiled layout, activation permutation and dp4a decode. */
#include "formats.cuh"
#include "lut_kernels.cuh"
#include "packed_device.cuh"
#include "minifloat.h"
#include "posit.h"
#include "rmmec.h"
#include "rmmec_device.cuh"
#include "ternary_kernels.cuh"
#include "test_common.h"

#include <vector>

static_assert((int)LPCS_MF_FP4_E2M1 == (int)MF_FP4_E2M1 && (int)LPCS_MF_FP16 == (int)MF_FP16 &&
                  (int)LPCS_MF_COUNT == (int)MF_FORMAT_COUNT,
              "format ids follow golden mf_format");

static const uint32_t kSpecials[] = {0x00000000u, 0x80000000u, 0x7F800000u, 0xFF800000u, 0x7FC00000u,
                                     0xFFC00000u, 0x7F800001u, 0xFFFFFFFFu, 0x00000001u, 0x80000001u,
                                     0x007FFFFFu, 0x00800000u, 0x3F800000u, 0x7F7FFFFFu, 0xFF7FFFFFu,
                                     0x43E00000u, 0x43E80000u, 0x47600000u, 0x47700000u, 0x477FF000u,
                                     0x40C00000u, 0x40E00000u, 0x41E00000u, 0x41F00000u, 0x3E800000u};

static bool same_f32(float a, float b) { return lpcs_f32_bits(a) == lpcs_f32_bits(b); }

static void check_minifloats(uint32_t stride) {
    char name[96], detail[200];
    for (int f = 0; f < MF_FORMAT_COUNT; f++) {
        const mf_info *info = mf_get_info((mf_format)f);
        /* decode: every code */
        bool ok = true;
        detail[0] = 0;
        for (uint32_t c = 0; c < (1u << info->bits) && ok; c++) {
            const float g = mf_to_f32((mf_format)f, c), m = lpcs_mf_to_f32(f, c);
            if (!same_f32(g, m)) {
                ok = false;
                snprintf(detail, sizeof detail, "code 0x%x: golden 0x%08x, cuda 0x%08x", c,
                         lpcs_f32_bits(g), lpcs_f32_bits(m));
            }
        }
        snprintf(name, sizeof name, "host mf_to_f32 %s all %u codes", info->name, 1u << info->bits);
        test_report(name, ok, detail);
        for (int sat = 0; sat <= 1; sat++) {
            ok = true;
            detail[0] = 0;
            uint64_t n = 0;
            auto one = [&](uint32_t u) {
                const float x = lpcs_bits_f32(u);
                const uint32_t g = mf_from_f32((mf_format)f, x, (mf_sat)sat);
                const uint32_t m = lpcs_mf_from_f32(f, x, sat);
                n++;
                if (g != m && ok) {
                    ok = false;
                    snprintf(detail, sizeof detail, "x 0x%08x (%g): golden 0x%x, cuda 0x%x", u, x, g, m);
                }
            };
            for (uint32_t u : kSpecials) {
                one(u);
                one(u ^ 0x80000000u);
            }
            /* all fp32 around every format value: +-2 ulps of each decoded code */
            for (uint32_t c = 0; c < (1u << info->bits); c++) {
                const uint32_t v = lpcs_f32_bits(mf_to_f32((mf_format)f, c));
                for (int d = -2; d <= 2; d++) one(v + (uint32_t)d);
            }
            for (uint64_t u = 0; u < (1ull << 32); u += stride) one((uint32_t)u);
            snprintf(name, sizeof name, "host mf_from_f32 %s %s (%llu inputs)", info->name,
                     sat ? "satfinite" : "nonsat", (unsigned long long)n);
            test_report(name, ok, detail);
        }
    }
}

static void check_posits(uint32_t stride) {
    char name[96], detail[200];
    for (int nb = 2; nb <= 32; nb++)
        for (int es = 0; es <= 3; es++) {
            const posit_cfg c = posit_cfg_make(nb, es);
            const bool all = nb <= 16;
            if (!all && nb != 24 && nb != 32) continue;
            bool ok = true;
            detail[0] = 0;
            uint64_t cnt = 0;
            test_rng g{(uint64_t)(nb * 4 + es)};
            const uint64_t total = all ? (1ull << nb) : (1ull << 20);
            for (uint64_t i = 0; i < total && ok; i++) {
                const uint32_t p = all ? (uint32_t)i : (uint32_t)g.next() & (nb == 32 ? 0xFFFFFFFFu : ((1u << nb) - 1));
                const float gv = posit_to_float(c, p), mv = lpcs_posit_to_f32(nb, es, p);
                const double gd = posit_to_double(c, p), md = lpcs_posit_to_f64(nb, es, p);
                cnt++;
                const bool nan_both = gd != gd && md != md;
                if (!same_f32(gv, mv) || (!nan_both && gd != md)) {
                    ok = false;
                    snprintf(detail, sizeof detail, "p 0x%x: golden %a / %a, cuda %a / %a", p, gd,
                             (double)gv, md, (double)mv);
                }
            }
            snprintf(name, sizeof name, "host posit_to_f32 p%de%d (%s %llu)", nb, es,
                     all ? "all" : "random", (unsigned long long)cnt);
            test_report(name, ok, detail);
            if (!(nb == 4 || nb == 8 || nb == 16 || nb == 32 || nb == 6 || nb == 12)) continue;
            ok = true;
            detail[0] = 0;
            cnt = 0;
            auto one = [&](uint32_t u) {
                const float x = lpcs_bits_f32(u);
                const uint32_t gp = posit_from_float(c, x), mp = lpcs_posit_from_f32(nb, es, x);
                cnt++;
                if (gp != mp && ok) {
                    ok = false;
                    snprintf(detail, sizeof detail, "x 0x%08x (%g): golden 0x%x, cuda 0x%x", u, x, gp, mp);
                }
            };
            for (uint32_t u : kSpecials) {
                one(u);
                one(u ^ 0x80000000u);
            }
            if (nb <= 16) /* every posit value and its neighbours in fp32 */
                for (uint32_t p = 0; p < (1u << nb); p++) {
                    const uint32_t v = lpcs_f32_bits(posit_to_float(c, p));
                    for (int d = -2; d <= 2; d++) one(v + (uint32_t)d);
                }
            for (uint64_t u = 0; u < (1ull << 32); u += stride * 4ull) one((uint32_t)u);
            snprintf(name, sizeof name, "host posit_from_f32 p%de%d (%llu inputs)", nb, es,
                     (unsigned long long)cnt);
            test_report(name, ok, detail);
        }
}

/* The ternary device layout, decoded without the packer's helpers: every
 * weight lands where ternary_kernels.cuh says, padding is zero. (The mma
 * arithmetic itself is checked by the emulated and device GEMM tests.) */
static void check_ternary_emulation(void) {
    test_rng g{3};
    const size_t shapes[][2] = {{1, 1}, {33, 70}, {64, 256}, {37, 129}};
    for (const auto &s : shapes) {
        const size_t rows = s[0], cols = s[1], rb = (cols + 3) / 4;
        std::vector<int8_t> w(rows * cols);
        std::vector<uint8_t> packed(rows * rb, 0);
        for (size_t i = 0; i < rows * cols; i++) {
            const int v = g.range(-1, 1);
            w[i] = (int8_t)v;
            packed[(i / cols) * rb + (i % cols) / 4] |= (uint8_t)((v == 0 ? 0 : v == 1 ? 1 : 3) << (2 * ((i % cols) % 4)));
        }
        std::vector<uint8_t> tiled(ternary_tiled_bytes(rows, cols));
        ternary_tile_host(packed.data(), rows, cols, tiled.data());
        /* Decode every weight back from the formula in ternary_kernels.cuh
         * (written from the header text, not from the packer): stored value
         * minus the offset 1; padding must decode to 0. */
        const size_t nchunks = (cols + 127) / 128, tiles = (rows + 15) / 16;
        std::vector<int> back(tiles * 16 * nchunks * 128, 99);
        for (size_t t = 0; t < tiles; t++)
            for (size_t c = 0; c < nchunks; c++)
                for (size_t l = 0; l < 32; l++) {
                    const uint8_t *piece = tiled.data() + ((t * nchunks + c) * 32 + l) * 16;
                    for (int m = 0; m < 4; m++)
                        for (int j = 0; j < 4; j++)
                            for (int i = 0; i < 4; i++) {
                                const int code = (piece[4 * m + i] >> (2 * j)) & 3;
                                const size_t r = 16 * t + l / 4 + 8 * (j & 1);
                                const size_t k = 128 * c + 32 * (l % 4) + 8 * m + 4 * (j >> 1) + i;
                                back[r * nchunks * 128 + k] = code - 1; /* stored as weight + 1 */
                            }
                }
        bool ok = true;
        for (size_t r = 0; r < tiles * 16; r++)
            for (size_t k = 0; k < nchunks * 128; k++) {
                const int want = r < rows && k < cols ? w[r * cols + k] : 0;
                if (back[r * nchunks * 128 + k] != want) ok = false;
            }
        char name[96];
        snprintf(name, sizeof name, "host ternary mma layout decode %zux%zu", rows, cols);
        test_report(name, ok, "");
    }
}

/* The RMMEC accumulate/readout code against golden rmmec_dot: every lane-0
 * operand pair of the 4-bit modes and p8 (one word), random words with NaR,
 * and a p8 vector whose partial sum lands on the quire NaR pattern. */
static void check_rmmec(void) {
    test_rng g{5};
    for (int mode = 0; mode < 4; mode++) {
        bool ok = true;
        char detail[200] = "";
        uint64_t cases = 0;
        auto dot = [&](const uint16_t *a, const uint16_t *b, size_t n) {
            for (int f = 0; f < 4 && ok; f++) {
                uint32_t want = 0, got = 0;
                const int grc = rmmec_dot((rmmec_mode)mode, a, b, n, (rmmec_out)f, &want);
                lpcs_rmmec_acc s;
                s.acc = 0;
                s.nar = 0;
                for (size_t i = 0; i < n; i++) lpcs_rmmec_step(mode, &s, a[i], b[i]);
                const int mrc = lpcs_rmmec_readout(mode, &s, f, &got);
                cases++;
                if ((grc == LPCS_OK) != (mrc == 0) || (grc == LPCS_OK && want != got)) {
                    ok = false;
                    snprintf(detail, sizeof detail, "mode %d out %d n %zu a[0]=0x%x b[0]=0x%x: golden 0x%x (rc %d), cuda 0x%x (rc %d)",
                             mode, f, n, a[0], n ? b[0] : 0, want, grc, got, mrc);
                }
            }
        };
        const uint32_t lane_codes = mode == 2 ? 256 : mode == 3 ? 0 : 16;
        for (uint32_t x = 0; x < lane_codes && ok; x++)
            for (uint32_t y = 0; y < lane_codes && ok; y++) {
                const uint16_t a = (uint16_t)x, b = (uint16_t)y;
                dot(&a, &b, 1);
            }
        std::vector<uint16_t> a(300), b(300);
        for (int t = 0; t < 400 && ok; t++) {
            const size_t n = 1 + g.next() % 300;
            for (size_t i = 0; i < n; i++) {
                a[i] = (uint16_t)g.next();
                b[i] = (uint16_t)g.next();
                if (g.next() % 64 != 0) { /* mostly no NaR lanes */
                    const uint16_t nar_mask = mode == 3 ? 0x8000 : mode == 2 ? 0x8080 : 0x8888;
                    if ((a[i] & nar_mask) && (mode != 0)) a[i] ^= (uint16_t)(a[i] & 0x1111u ? 0 : 0x1111u);
                }
            }
            dot(a.data(), b.data(), n);
        }
        if (mode == 2) { /* 128 products of maxpos^2 = 2^24 units each: lands on 2^31 */
            std::vector<uint16_t> m(80, 0x7F7F);
            dot(m.data(), m.data(), 80);
        }
        char name[96];
        snprintf(name, sizeof name, "host rmmec mode %d vs golden rmmec_dot (%llu dots)", mode, (unsigned long long)cases);
        test_report(name, ok, detail);
    }
}

/* Packed low-bit weights of the device engine (packed_device.cuh): the
 * decode the one-row GEMV uses (lpcs_qdec_word) and the plain one (lpcs_qdec)
 * against (float)code * s computed here, for every code and 200k scales over
 * the accepted range [1e-30, 1e30]; the layout packed by lpcs_q_pack_rows
 * read back through lpcs_q_word; a corrupted word must be detected. */
static void check_packed(void) {
    test_rng r{7};
    for (int bits : {4, 2}) {
        const int off = bits == 4 ? 8 : 1, nv = bits == 4 ? 16 : 3, pw = 32 / bits;
        size_t bad = 0, n = 0;
        for (int it = 0; it < 200000; it++) {
            float s;
            if (it < 4) s = it == 0 ? 1e-30f : it == 1 ? 1e30f : it == 2 ? 1.0f : 7.0f / 3.0f;
            else { /* log-uniform over ~2^-99 .. 2^99, random mantissa */
                const uint32_t e = 28 + (uint32_t)(r.next() % 199), mant = (uint32_t)(r.next() & 0x7FFFFF);
                s = lpcs_bits_f32((e << 23) | mant);
                if (!(s >= 1e-30f && s <= 1e30f)) continue;
            }
            float sk[LPCS_QDEC_NS(4) > LPCS_QDEC_NS(2) ? LPCS_QDEC_NS(4) : LPCS_QDEC_NS(2)];
            lpcs_qdec_scales(s, bits, sk);
            uint32_t wd = 0, st[16];
            for (int t = 0; t < pw; t++) {
                st[t] = (uint32_t)(r.next() % (uint32_t)nv);
                wd |= st[t] << (bits * t);
            }
            float w[16];
            if (bits == 4) lpcs_qdec_word<4>(wd, sk, w);
            else lpcs_qdec_word<2>(wd, sk, w);
            for (int t = 0; t < pw; t++) {
                const float want = (float)((int)st[t] - off) * s;
                bad += !same_f32(w[t], want) || !same_f32(lpcs_qdec(st[t], bits, s), want);
                n++;
            }
        }
        char name[96], d[160];
        snprintf(name, sizeof name, "packed %d-bit decode = (float)code * scale", bits);
        snprintf(d, sizeof d, "%zu of %zu weights differ", bad, n);
        test_report(name, bad == 0 && n > 1000000, d);
        /* layout: pack, read back every code and the zero padding; then one corrupted word */
        for (int cols : {300, 4101}) {
            const size_t rows = 5, nsb = (size_t)lpcs_q_nsb(cols, bits);
            std::vector<int8_t> q(rows * cols);
            for (auto &c : q) c = (int8_t)((int)(r.next() % (uint32_t)(bits == 4 ? 15 : 3)) - (bits == 4 ? 7 : 1));
            std::vector<uint32_t> h(rows * nsb * 64, 0);
            const int rej = lpcs_q_pack_rows(h.data(), q.data(), 0, rows, (size_t)cols, bits);
            for (int fault = 0; fault < 2; fault++) {
                if (fault) h[lpcs_q_word(3, 5, 7, (int)nsb, bits)] ^= 1u << (bits * (7 % pw)); /* row 3, col 117 */
                size_t wrong = 0, pad = 0;
                for (size_t rr = 0; rr < rows; rr++)
                    for (int j = 0; j < 16; j++)
                        for (int i = 0; i < (int)nsb * (128 / bits); i++) {
                            const uint32_t v = (h[lpcs_q_word(rr, j, i, (int)nsb, bits)] >> (bits * (i % pw))) & ((1u << bits) - 1);
                            if (16 * i + j < cols) wrong += (int)v - off != q[rr * cols + 16 * i + j];
                            else pad += v != 0;
                        }
                snprintf(name, sizeof name, "packed %d-bit layout, 5 x %d%s", bits, cols,
                         fault ? ": corrupted code detected" : "");
                snprintf(d, sizeof d, "%zu codes differ, %zu padding steps not zero, rejected %d", wrong, pad, rej);
                test_report(name, fault ? wrong == 1 : (wrong == 0 && pad == 0 && !rej), d);
            }
        }
        std::vector<int8_t> q1(16, 0);
        q1[3] = bits == 4 ? 8 : 2; /* out of range */
        std::vector<uint32_t> h1((size_t)lpcs_q_nsb(16, bits) * 64, 0);
        snprintf(name, sizeof name, "packed %d-bit packer rejects an out-of-range code", bits);
        test_report(name, lpcs_q_pack_rows(h1.data(), q1.data(), 0, 1, 16, bits) == 1, "");
    }
}

int main(int argc, char **argv) {
    /* --stride N: fp32 patterns stepped by N (1 = all 2^32; default 509) */
    uint32_t stride = 509;
    if (argc == 3 && !strcmp(argv[1], "--stride")) stride = (uint32_t)strtoul(argv[2], 0, 0);
    if (stride < 1) stride = 1;
    const double t0 = test_now();
    check_minifloats(stride);
    check_posits(stride);
    check_ternary_emulation();
    check_rmmec();
    check_packed();
    printf("cuda host checks: %d passed, %d failed (%.1f s)\n", g_passed, g_failed, test_now() - t0);
    return g_failed ? 1 : 0;
}
