// Validates the analytical cycle model (models/arch_model.h) against the
// SystemC platform, and the platform's unit timing against the RTL:
//  - model vs platform: the same ops (every unit, weights on chip or
//    streamed from DRAM, compute- and memory-bound) on the default design
//    point and on a DRAM-starved one; error per op type, fails above --max-err;
//  - platform vs RTL (with --ternary-rtl, linked with libternary_rtl.a): the
//    Verilated ternary engine's compute cycles for the same shapes, results
//    compared bit for bit with the platform's (golden) results;
//  - RMMEC: the model's per-row command count + pipeline fill against the
//    Verilated rmmec (sim/rmmec_cosim --cycles) is reported by that harness.
// Prints markdown tables (models/README.md keeps a copy).
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "bitlinear.h"
#include "minifloat.h"
#include "platform_api.h"
#include "posit.h"
#include "ternary.h"
#ifdef WITH_TERNARY_RTL
#include "ternary_rtl.h"
#endif

struct Case {
    std::string type;
    arch_op op;
};

static arch_op gemv(arch_op_kind k, size_t r, size_t c, double wb, arch_fmt f, int resident) {
    arch_op o{};
    o.kind = k, o.rows = r, o.cols = c, o.w_bits = wb, o.a_bits = k == ARCH_OP_BITLINEAR ? 8 : 8, o.w_fmt = f;
    o.weights_resident = resident, o.tables_resident = resident;
    return o;
}

// The data path (platform_exec_op): the units compute on the tiles the DMA
// delivered; results equal golden called directly on the same operands.
// RMMEC: random words in all four modes (NaR codes included), activations
// with NaN / huge / tiny values, streamed in several tiles; a P4 sum that
// wraps the 32-bit accumulator. Ternary: BitLinear vs golden
// bitlinear_forward, and an invalid code refused as golden refuses it.
static uint16_t enc(rmmec_mode m, float v) {
    switch (m) {
    case RMMEC_FP4: return (uint16_t)mf_from_f32(MF_FP4_E2M1, v, MF_SATFINITE);
    case RMMEC_P4: return (uint16_t)posit_from_float(posit_cfg_make(4, 1), v);
    case RMMEC_P8: return (uint16_t)posit_from_float(posit_cfg_make(8, 0), v);
    default: return (uint16_t)posit_from_float(posit_cfg_make(16, 1), v);
    }
}

static int check_data_path(const dp_config *d, std::mt19937 &rng) {
    int bad = 0;
    size_t cases = 0, outputs = 0;
    for (rmmec_mode m : {RMMEC_FP4, RMMEC_P4, RMMEC_P8, RMMEC_P16})
        for (int big = 0; big < 3; big++) {
            size_t lanes = (size_t)rmmec_lanes(m), bits = 16 / lanes;
            size_t R = big == 2 ? 3 : 300, K = big == 2 ? (m == RMMEC_P8 ? 200 : 40000) : big ? 1001 : 37;
            size_t W = (K + lanes - 1) / lanes;
            std::vector<uint16_t> w(R * W), xw(W, 0);
            std::vector<float> x(K);
            for (size_t i = 0; i < K; i++) {
                int r = (int)(rng() % 100);
                x[i] = r == 0 ? NAN : r == 1 ? 1e30f : r == 2 ? 1e-30f : std::ldexp((float)((int)(rng() % 2001) - 1000), -8);
                // maxpos: the P4 sum wraps the accumulator; P8: 64 * 64 = 2^24 lsb, so the
                // 128th product lands the quire8 on the NaR pattern (read as 0, SoftPosit)
                // (P16: 2^28 * 2^28 = 2^112 lsb: the 32768th product lands on NaR)
                if (big == 2) x[i] = m == RMMEC_P4 ? 16.0f : m == RMMEC_P8 ? 64.0f : m == RMMEC_P16 ? 268435456.0f : 6.0f;
                xw[i / lanes] |= (uint16_t)(enc(m, x[i]) << (bits * (i % lanes)));
            }
            for (size_t r = 0; r < R; r++)
                for (size_t j = 0; j < W; j++) { // unused lanes of the last word stay 0 (as the runtime packs)
                    uint16_t v = (uint16_t)rng();
                    if (big == 2) v = m == RMMEC_P4 || m == RMMEC_FP4 ? 0x7777 : m == RMMEC_P8 ? 0x7F7F : 0x7FFF;
                    if (big == 2 && m == RMMEC_P8 && r == 1 && j == 0) v = 0x7F00; // row 1 lands in lane 0
                    if ((j + 1) * lanes > K) v &= (uint16_t)((1u << (bits * (K - j * lanes))) - 1);
                    w[r * W + j] = v;
                }
            std::vector<uint32_t> yg(R);
            std::vector<float> yp(R);
            rmmec_gemv(m, w.data(), R, W, xw.data(), RMMEC_OUT_FP32, yg.data());
            plat_data pd{};
            pd.kind = PD_GEMV_RMMEC, pd.mode = m, pd.rows = R, pd.cols = K, pd.w = w.data(), pd.w_row_bytes = 2 * W;
            pd.in = x.data(), pd.out = yp.data();
            arch_op op = gemv(ARCH_OP_GEMV, R, K, (double)bits, ARCH_FMT_FLOAT, 0);
            plat_result pr;
            if (platform_exec_op(d, &op, &pd, &pr) || memcmp(yp.data(), yg.data(), R * 4) || pr.tiles < (R > 100 ? 2 : 1)) {
                printf("FAIL: data path RMMEC %s %zu x %zu (%d tiles) differs from golden rmmec_gemv\n", rmmec_mode_name(m), R,
                       K, pr.tiles);
                bad++;
            }
            float y0, y1;
            memcpy(&y0, &yg[0], 4), memcpy(&y1, &yg[1], 4);
            if ((m == RMMEC_P4 && big == 2 && !(y0 < 0)) ||
                (m == RMMEC_P8 && big == 2 && (y0 != 72 * 4096.0f || y1 != 71 * 4096.0f)) ||
                (m == RMMEC_P16 && big == 2 && y0 != std::ldexp(7232.0f, 56))) {
                // P4: 40000 x 2^8 > 2^23 must have wrapped; P8: 200 x 2^12 with the reset at 2^19 gives 72 x 2^12
                printf("FAIL: the %s accumulator edge case was not reached (%g)\n", rmmec_mode_name(m), y0);
                bad++;
            }
            cases++, outputs += R;
        }
    { // BitLinear on the ternary engine
        size_t R = 200, K = 301;
        std::vector<int8_t> wq(R * K);
        std::vector<float> x(K), g(K), yp(R), yg(R);
        for (auto &v : wq) v = (int8_t)((int)(rng() % 3) - 1);
        for (auto &v : x) v = std::ldexp((float)((int)(rng() % 2001) - 1000), -6);
        for (auto &v : g) v = 0.5f + (float)(rng() % 100) / 100.0f;
        bitlinear B;
        if (bitlinear_init_from_ternary(&B, wq.data(), 0.37f, g.data(), K, R)) return bad + 1;
        std::vector<unsigned char> scratch(bitlinear_scratch_bytes(&B));
        int sg = bitlinear_forward(&B, x.data(), yg.data(), scratch.data());
        plat_data pd{};
        pd.kind = PD_BITLINEAR, pd.rows = R, pd.cols = K, pd.w = B.packed, pd.w_row_bytes = ternary_row_bytes(K);
        pd.v = B.norm_weight, pd.inv_beta = B.inv_beta, pd.in = x.data(), pd.out = yp.data();
        arch_op op = gemv(ARCH_OP_BITLINEAR, R, K, 2, ARCH_FMT_TERNARY, 0);
        plat_result pr;
        if (sg || platform_exec_op(d, &op, &pd, &pr) || memcmp(yp.data(), yg.data(), R * 4)) {
            printf("FAIL: data path BitLinear differs from golden bitlinear_forward\n");
            bad++;
        }
        B.packed[(R / 3) * ternary_row_bytes(K) + 5] |= 0x20; // one field 0b1x: now 0b10 or 0b11
        B.packed[(R / 3) * ternary_row_bytes(K) + 5] &= (uint8_t)~0x10; // -> 0b10, invalid
        if (platform_exec_op(d, &op, &pd, &pr) != LPCS_EFORMAT || bitlinear_forward(&B, x.data(), yg.data(), scratch.data()) != LPCS_EFORMAT) {
            printf("FAIL: data path BitLinear: an invalid ternary code was not refused as golden refuses it\n");
            bad++;
        }
        bitlinear_free(&B);
        cases += 2, outputs += R;
    }
    printf("platform data path: %zu cases, %zu outputs equal golden (RMMEC fp4/p4/p8/p16 incl. NaR and a wrapping P4 sum, "
           "BitLinear, invalid code refused)\n\n", cases, outputs);
    if (cases < 14 || outputs < 2500) bad++;
    return bad;
}

int main(int argc, char **argv) {
    double max_err = 5.0;
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--max-err") && i + 1 < argc) max_err = atof(argv[++i]);
    std::vector<std::pair<std::string, dp_config>> points;
    dp_config d;
    dp_default(&d);
    snprintf(d.id, sizeof d.id, "default");
    points.push_back({"default (1 GHz, 25.6 GB/s, 50 ns)", d});
    dp_config s = d;
    s.dram_gbps = 6.4, s.dram_latency_ns = 200, s.rmmec_units = 256, s.ternary_lanes = 32;
    snprintf(s.id, sizeof s.id, "dram-starved");
    points.push_back({"DRAM-starved (6.4 GB/s, 200 ns, 256 RMMEC, 32 lanes)", s});

    std::vector<Case> cases;
    const size_t shapes[][2] = {{256, 256}, {768, 288}, {288, 768}, {4096, 288}};
    for (auto &sh : shapes)
        for (int res = 0; res < 2; res++) {
            cases.push_back({"gemv rmmec fp4", gemv(ARCH_OP_GEMV, sh[0], sh[1], 4.25, ARCH_FMT_FLOAT, res)});
            cases.push_back({"gemv rmmec p8", gemv(ARCH_OP_GEMV, sh[0], sh[1], 8, ARCH_FMT_FLOAT, res)});
            cases.push_back({"gemv rmmec fp32", gemv(ARCH_OP_GEMV, sh[0], sh[1], 32, ARCH_FMT_FLOAT, res)});
            cases.push_back({"bitlinear ternary", gemv(ARCH_OP_BITLINEAR, sh[0], sh[1], 2, ARCH_FMT_TERNARY, res)});
            cases.push_back({"gemv pim int4", gemv(ARCH_OP_GEMV, sh[0], sh[1], 4, ARCH_FMT_INT, res)});
        }
    for (size_t t : {16, 64, 256})
        for (int res = 0; res < 2; res++) {
            arch_op o{};
            o.kind = ARCH_OP_ATTENTION, o.rows = t * 6, o.n = t * 288, o.w_bits = 16, o.weights_resident = res;
            cases.push_back({"attention rmmec", o});
        }
    for (size_t n : {288, 768, 32000}) {
        arch_op o{};
        o.kind = ARCH_OP_VECTOR, o.n = n, o.passes = 2;
        cases.push_back({"vector", o});
    }

    int bad = 0;
    printf("## Analytical model vs SystemC platform (cycles per op)\n\n");
    for (auto &pt : points) {
        if (platform_check_point(&pt.second)) {
            fprintf(stderr, "invalid design point %s\n", pt.first.c_str());
            return 1;
        }
        std::map<std::string, std::vector<double>> errs;
        for (auto &c : cases) {
            arch_cost m;
            plat_result r;
            if (arch_op_cost(&pt.second, &c.op, &m) || platform_time_op(&pt.second, &c.op, &r)) {
                fprintf(stderr, "op failed: %s\n", c.type.c_str());
                return 1;
            }
            double e = 100.0 * (m.cycles - r.cycles) / r.cycles;
            errs[c.type].push_back(e);
            if (getenv("PLATFORM_VALIDATE_VERBOSE"))
                printf("  %-18s %5zux%-5zu res=%d model %10.0f platform %10.0f (%+.2f%%) tiles %d\n", c.type.c_str(),
                       c.op.rows, c.op.cols ? c.op.cols : c.op.n, c.op.weights_resident, m.cycles, r.cycles, e, r.tiles);
        }
        printf("Design point: %s\n\n| op type | ops | mean abs error | max abs error | mean signed error |\n|---|---|---|---|---|\n",
               pt.first.c_str());
        for (auto &kv : errs) {
            double sa = 0, mx = 0, ss = 0;
            for (double e : kv.second) sa += fabs(e), ss += e, mx = std::max(mx, fabs(e));
            printf("| %s | %zu | %.2f%% | %.2f%% | %+.2f%% |\n", kv.first.c_str(), kv.second.size(), sa / kv.second.size(),
                   mx, ss / kv.second.size());
            if (sa / kv.second.size() > max_err) bad++;
        }
        printf("\n");
    }

    // golden results through the platform API match golden called directly
    std::mt19937 rng(7);
    size_t R = 96, K = 200;
    std::vector<int8_t> w(R * K), x(K);
    for (auto &v : w) v = (int8_t)((int)(rng() % 3) - 1);
    for (auto &v : x) v = (int8_t)(rng() % 255 - 127);
    std::vector<uint8_t> packed(R * ternary_row_bytes(K));
    ternary_pack_matrix(w.data(), R, K, packed.data());
    std::vector<int32_t> y_plat(R), y_gold(R);
    plat_result pr;
    const dp_config *p0 = &points[0].second;
    if (platform_ternary_gemv(p0, packed.data(), R, K, x.data(), y_plat.data(), &pr) ||
        ternary_gemv_i32(packed.data(), R, K, x.data(), y_gold.data()) || y_plat != y_gold) {
        printf("FAIL: platform ternary GEMV result differs from golden\n");
        bad++;
    }
    { // RMMEC GEMV and PIM GEMV through the platform API: golden results
        std::vector<uint16_t> rw(R * 40), rx(40);
        for (auto &v : rw) v = (uint16_t)rng();
        for (auto &v : rx) v = (uint16_t)rng();
        for (rmmec_mode m : {RMMEC_FP4, RMMEC_P8, RMMEC_P16}) {
            rmmec_out f = m == RMMEC_FP4 ? RMMEC_OUT_FP32 : RMMEC_OUT_POSIT;
            std::vector<uint32_t> yp(R), yg(R);
            if (platform_rmmec_gemv(p0, m, rw.data(), R, 40, rx.data(), f, yp.data(), &pr) ||
                rmmec_gemv(m, rw.data(), R, 40, rx.data(), f, yg.data()) || yp != yg || pr.cycles <= 0) {
                printf("FAIL: platform RMMEC GEMV (%s) differs from golden\n", rmmec_mode_name(m));
                bad++;
            }
        }
        lutgemv_cfg lc{};
        lc.rows = 40, lc.cols = 30, lc.batch = 1, lc.g = 4, lc.w_bits = 4, lc.w_kind = LUTGEMV_W_SIGNED, lc.a_bits = 8;
        std::vector<int16_t> lw(lc.rows * lc.cols), tb(lutgemv_table_len(&lc));
        std::vector<int8_t> lx(lc.cols);
        for (auto &v : lw) v = (int16_t)((int)(rng() % 16) - 8);
        for (auto &v : lx) v = (int8_t)(rng() % 255 - 127);
        std::vector<int64_t> ap(lutgemv_acc_len(&lc)), ag(lutgemv_acc_len(&lc));
        if (platform_pim_gemv(p0, &lc, lw.data(), lx.data(), ap.data(), &pr) ||
            lutgemv_build_tables(&lc, lw.data(), NULL, points[0].second.pim_entry_bits, tb.data()) ||
            lutgemv_gemv(&lc, tb.data(), lx.data(), 0, ag.data(), NULL) || ap != ag || pr.cycles <= 0) {
            printf("FAIL: platform PIM GEMV differs from golden\n");
            bad++;
        }
        if (platform_ternary_gemv(p0, nullptr, R, K, x.data(), y_plat.data(), &pr) == 0 ||
            platform_rmmec_gemv(p0, RMMEC_P8, nullptr, 1, 1, rx.data(), RMMEC_OUT_POSIT, nullptr, &pr) == 0) {
            printf("FAIL: null arguments accepted\n");
            bad++;
        }
        printf("platform API: ternary, RMMEC (fp4/p8/p16) and PIM GEMVs equal golden; null arguments refused\n\n");
    }
    bad += check_data_path(p0, rng);
#ifdef WITH_TERNARY_RTL
    printf("## Ternary engine: model / platform vs Verilated RTL (cycles)\n\n");
    ternary_rtl_config rc = ternary_rtl_info();
    dp_config dt = points[0].second;
    dt.ternary_lanes = rc.lanes, dt.ternary_ktile = rc.ktile;
    printf("RTL build: LANES=%d KTILE=%d WDEPTH=%d. Run = start to done; op = activation load + weight-buffer "
           "load + start + run.\n\n| rows x cols | RTL run | model run | RTL op | model op | platform op (unit busy) | "
           "model err | platform err | results |\n|---|---|---|---|---|---|---|---|---|\n",
           rc.lanes, rc.ktile, rc.wdepth);
    const size_t tshapes[][2] = {{8, 16}, {64, 256}, {256, 256}, {200, 100}, {512, 1024}, {33, 777}};
    for (auto &sh : tshapes) {
        size_t r = sh[0], k = sh[1];
        if (k > rc.max_cols || (size_t)rc.wdepth < ((k + rc.ktile - 1) / rc.ktile) * ((r + rc.lanes - 1) / rc.lanes))
            continue; // one run of the engine only (no row chunks)
        std::vector<int8_t> ww(r * k), xx(k);
        for (auto &v : ww) v = (int8_t)((int)(rng() % 3) - 1);
        for (auto &v : xx) v = (int8_t)(rng() % 255 - 127);
        std::vector<uint8_t> pk(r * ternary_row_bytes(k));
        ternary_pack_matrix(ww.data(), r, k, pk.data());
        std::vector<int32_t> yr(r), yp(r);
        ternary_rtl *e = ternary_rtl_open(nullptr);
        uint64_t c0 = ternary_rtl_compute_cycles(e), t0 = ternary_rtl_cycles(e);
        int st = ternary_rtl_gemv(e, pk.data(), r, k, xx.data(), yr.data());
        double rtl_run = (double)(ternary_rtl_compute_cycles(e) - c0), rtl_op = (double)(ternary_rtl_cycles(e) - t0);
        ternary_rtl_close(e);
        plat_result p2;
        platform_ternary_gemv(&dt, pk.data(), r, k, xx.data(), yp.data(), &p2);
        double run = arch_ternary_cycles(r, k, rc.lanes, rc.ktile);
        double model = arch_ternary_op_cycles(r, k, rc.lanes, rc.ktile, 0), plat = p2.compute_cycles;
        bool same = st == 0 && yr == yp;
        printf("| %zu x %zu | %.0f | %.0f | %.0f | %.0f | %.0f | %+.2f%% | %+.2f%% | %s |\n", r, k, rtl_run, run, rtl_op,
               model, plat, 100 * (model - rtl_op) / rtl_op, 100 * (plat - rtl_op) / rtl_op, same ? "bit-equal" : "DIFFER");
        if (!same || run != rtl_run || fabs(model - rtl_op) / rtl_op * 100 > max_err) bad++;
    }
    printf("\n");
#endif
    printf("platform-validate: %s (goal: mean abs error <= %.1f%% per op type)\n", bad ? "FAIL" : "PASS", max_err);
    return bad ? 1 : 0;
}
