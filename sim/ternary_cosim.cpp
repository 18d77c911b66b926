// Co-simulation: the Verilated ternary GEMV engine against golden
// ternary_gemv_i32, bit for bit, on edge-case and random tiles.
//   ternary_cosim [--random N] [--seed S] [--inject-fault] [--vcd-dir DIR] [--mutant N]
// On the first mismatch: prints the case, the inputs of the failing row and
// both results, reruns the case with tracing into DIR/ternary_fail.vcd, exits 1.
// --inject-fault corrupts one engine result (to prove the check can fail).
// --mutant N (builds of the yosys-mutated netlist with -DTERNARY_MUTSEL only,
// tests/mutation.mk) activates mutant N of the netlist.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "ternary.h"
#include "ternary_engine.h"
#include "stimulus.h"

using ternary_sim::Engine;
using ternary_sim::EngineConfig;

static const EngineConfig kCfg = {TERNARY_LANES, TERNARY_KTILE, TERNARY_WDEPTH, TERNARY_XDEPTH};

struct Case {
    std::string name;
    size_t rows, cols;
    std::vector<int8_t> w, x; // w: [rows][cols] in {-1,0,1}
    bool invalid_code = false; // plant a 0b10 code in a valid position:
    size_t bad_row = 0, bad_col = 0; // this one
};

static stim_rng rng_state;
static uint64_t rnd() { return stim_next(&rng_state); }

static Case make(const std::string &name, size_t rows, size_t cols, int wfill, int xfill) {
    // wfill: -1/0/1 constant, 2 random, 3 alternating; xfill: value, or 1000 random, 1001 alternating extremes
    Case c{name, rows, cols, std::vector<int8_t>(rows * cols), std::vector<int8_t>(cols)};
    for (size_t i = 0; i < rows * cols; i++)
        c.w[i] = (int8_t)(wfill == 2 ? (int)(rnd() % 3) - 1 : wfill == 3 ? ((i % cols) % 2 ? -1 : 1) : wfill);
    for (size_t k = 0; k < cols; k++)
        c.x[k] = (int8_t)(xfill == 1000 ? (int)(rnd() & 0xff) - 128 : xfill == 1001 ? (k % 2 ? -128 : 127) : xfill);
    return c;
}

static std::vector<Case> edge_cases() {
    const size_t L = kCfg.lanes, KT = kCfg.ktile, KMAX = (size_t)kCfg.xdepth * KT;
    std::vector<Case> v;
    const size_t colss[] = {1, 2, KT - 1, KT, KT + 1, L + 1, 3 * L - 1, 2 * KT + 3, KMAX - 1, KMAX};
    for (size_t cols : colss) {
        if (cols == 0 || cols > KMAX) continue;
        size_t rows = L + 3;
        char n[64];
        snprintf(n, sizeof n, "K=%zu", cols);
        v.push_back(make(std::string("all-zero W ") + n, rows, cols, 0, 1000));
        v.push_back(make(std::string("all-zero x ") + n, rows, cols, 2, 0));
        v.push_back(make(std::string("+1 W, x=127 ") + n, rows, cols, 1, 127));
        v.push_back(make(std::string("+1 W, x=-128 ") + n, rows, cols, 1, -128));
        v.push_back(make(std::string("-1 W, x=-128 ") + n, rows, cols, -1, -128));
        v.push_back(make(std::string("-1 W, x=127 ") + n, rows, cols, -1, 127));
        v.push_back(make(std::string("alt W, alt extremes x ") + n, rows, cols, 3, 1001));
        v.push_back(make(std::string("random ") + n, rows, cols, 2, 1000));
    }
    v.push_back(make("one row", 1, 7, 2, 1000));
    v.push_back(make("rows = lanes", L, KT, 2, 1000));
    v.push_back(make("rows = lanes - 1", L > 1 ? L - 1 : 1, KT + 5, 2, 1000));
    // taller than the weight buffer holds at full K: runs in row chunks
    size_t tall = (size_t)(kCfg.wdepth / kCfg.xdepth) * L * 2 + 5;
    v.push_back(make("tall (chunked), K max", tall, KMAX, 2, 1000));
    // a full weight buffer: WDEPTH row groups of one tile, WDEPTH/2 of two
    // (the group counter's and the n_groups compare's top bits)
    v.push_back(make("full buffer, one tile", (size_t)kCfg.wdepth * L, KT, 2, 1000));
    v.push_back(make("full buffer, two tiles", (size_t)kCfg.wdepth / 2 * L, KT + 1, 2, 1000));
    v.push_back(make("full buffer + 1 group (chunked), K=1", (size_t)kCfg.wdepth * L + 1, 1, 2, 1000));
    // an invalid code in every lane, at the first, a middle and the last valid column
    for (size_t l = 0; l < L; l++)
        for (size_t col : {(size_t)0, KT / 2, KT + 1}) {
            Case bad = make("invalid code 0b10 lane " + std::to_string(l) + " col " + std::to_string(col), L + 1, KT + 2, 2,
                            1000);
            bad.invalid_code = true;
            bad.bad_row = l, bad.bad_col = col;
            v.push_back(bad);
        }
    Case bad = make("invalid code 0b10", L + 1, KT + 2, 2, 1000);
    bad.invalid_code = true;
    bad.bad_row = (L + 1) / 2;
    v.push_back(bad);
    return v;
}

static Case random_case(int i) {
    const size_t KMAX = (size_t)kCfg.xdepth * kCfg.ktile;
    size_t rows = 1 + rnd() % (4 * kCfg.lanes + 5), cols = 1 + rnd() % KMAX;
    Case c = make("random #" + std::to_string(i), rows, cols, 2, 1000);
    unsigned zero_pct = (unsigned)(rnd() % 101); // vary sparsity 0..100%
    for (auto &w : c.w)
        if (rnd() % 100 < zero_pct) w = 0;
    return c;
}

static std::vector<uint8_t> pack(const Case &c) {
    size_t rb = ternary_row_bytes(c.cols);
    std::vector<uint8_t> p(c.rows * rb);
    if (ternary_pack_matrix(c.w.data(), c.rows, c.cols, p.data()) != LPCS_OK) abort();
    if (c.invalid_code) { // golden/ternary.h: 4 codes a byte, column k in bits [2(k%4)+1 : 2(k%4)]
        uint8_t &b = p[rb * c.bad_row + c.bad_col / 4];
        b = (uint8_t)((b & ~(3u << 2 * (c.bad_col % 4))) | 2u << 2 * (c.bad_col % 4));
    }
    return p;
}

static void print_failure(const Case &c, size_t r, int32_t got, int32_t want, uint64_t cycle, int lanes) {
    fprintf(stderr, "MISMATCH in case '%s' (rows %zu, cols %zu) at row %zu (lane %zu, engine cycle %llu at the case's end): "
            "engine %d, golden %d\n", c.name.c_str(), c.rows, c.cols, r, r % (size_t)lanes, (unsigned long long)cycle, got,
            want);
    fprintf(stderr, "  W[row] =");
    for (size_t k = 0; k < c.cols && k < 64; k++) fprintf(stderr, " %d", c.w[r * c.cols + k]);
    fprintf(stderr, "%s\n  x      =", c.cols > 64 ? " ..." : "");
    for (size_t k = 0; k < c.cols && k < 64; k++) fprintf(stderr, " %d", c.x[k]);
    fprintf(stderr, "%s\n", c.cols > 64 ? " ..." : "");
}

int main(int argc, char **argv) {
    int nrandom = 2000, inject = 0;
    unsigned mutant = 0;
    uint64_t seed = 1;
    std::string vcd_dir = "build/verilator/ternary";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--random") && i + 1 < argc) nrandom = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc) seed = strtoull(argv[++i], nullptr, 0);
        else if (!strcmp(argv[i], "--inject-fault")) inject = 1;
        else if (!strcmp(argv[i], "--vcd-dir") && i + 1 < argc) vcd_dir = argv[++i];
        else if (!strcmp(argv[i], "--mutant") && i + 1 < argc) {
            mutant = (unsigned)strtoul(argv[++i], nullptr, 0);
#ifndef TERNARY_MUTSEL
            fprintf(stderr, "--mutant needs the mutated-netlist build (tests/mutation.mk)\n");
            return 2;
#endif
        } else {
            fprintf(stderr, "usage: %s [--random N] [--seed S] [--inject-fault] [--vcd-dir DIR] [--mutant N]\n", argv[0]);
            return 2;
        }
    }
    rng_state.s = seed;
    std::vector<Case> cases = edge_cases();
    size_t n_edge = cases.size();
    for (int i = 0; i < nrandom; i++) cases.push_back(random_case(i));

    Engine eng(kCfg, nullptr, mutant);
    uint64_t values = 0, macs = 0;
    auto t0 = std::chrono::steady_clock::now();
    for (size_t ci = 0; ci < cases.size(); ci++) {
        const Case &c = cases[ci];
        std::vector<uint8_t> p = pack(c);
        std::vector<int32_t> want(c.rows), got(c.rows, 0x5a5a5a5a);
        int gst = ternary_gemv_i32(p.data(), c.rows, c.cols, c.x.data(), want.data());
        int est = eng.gemv(p.data(), c.rows, c.cols, c.x.data(), got.data());
        if (c.invalid_code) {
            if (gst != LPCS_EFORMAT || est != -2) {
                fprintf(stderr, "case '%s': golden status %d, engine status %d (want EFORMAT / err flag)\n",
                        c.name.c_str(), gst, est);
                return 1;
            }
            continue;
        }
        if (gst != LPCS_OK || est != 0) {
            fprintf(stderr, "case '%s': golden status %d, engine status %d\n", c.name.c_str(), gst, est);
            return 1;
        }
        if (inject && ci == n_edge / 2) got[c.rows / 2] ^= 1; // the fault the check must catch
        for (size_t r = 0; r < c.rows; r++)
            if (got[r] != want[r]) {
                print_failure(c, r, got[r], want[r], eng.cycles(), kCfg.lanes);
                std::string vcd = vcd_dir + "/ternary_fail.vcd";
                Engine traced(kCfg, vcd.c_str(), mutant);
                std::vector<int32_t> again(c.rows);
                traced.gemv(p.data(), c.rows, c.cols, c.x.data(), again.data());
                fprintf(stderr, "  waveform of the failing case: %s (rerun gives %d)\n", vcd.c_str(), again[r]);
                return 1;
            }
        values += c.rows;
        macs += (uint64_t)c.rows * c.cols;
    }
    // Every valid case compared at least one row (a run that compared nothing proves nothing).
    size_t valid = 0;
    for (const Case &c : cases) valid += !c.invalid_code;
    if (valid == 0 || values < valid) {
        fprintf(stderr, "ternary co-sim: FAIL: %llu outputs compared over %zu valid cases (minimum one per case)\n",
                (unsigned long long)values, valid);
        return 1;
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    printf("ternary co-sim (LANES=%d KTILE=%d WDEPTH=%d XDEPTH=%d): %zu GEMV vectors (%zu edge, %d random), "
           "%llu int32 outputs, %llu MACs bit-exact vs golden\n",
           kCfg.lanes, kCfg.ktile, kCfg.wdepth, kCfg.xdepth, cases.size(), n_edge, nrandom,
           (unsigned long long)values, (unsigned long long)macs);
    printf("throughput: %.0f vectors/s, %.2f M simulated cycles/s (%llu cycles, %llu compute), %.1fs\n",
           cases.size() / secs, eng.cycles() / secs / 1e6, (unsigned long long)eng.cycles(),
           (unsigned long long)eng.compute_cycles(), secs);
    return 0;
}
