// Co-simulation: the Verilated shift-MAC GEMV engine (rtl/shiftmac_gemv.v)
// against golden shiftmac_gemv_i32, bit for bit, on edge-case and random
// GEMVs; every case's cycle counts must equal models/shiftmac_model.h.
//   shiftmac_cosim [--random N] [--seed S] [--min-outputs M] [--vcd-dir DIR]
//                  [--model-table FILE]
// Exit 0 only if every case matched and at least M int32 outputs (default
// 1000) were compared. On the first mismatch: prints the case, the failing
// row's inputs and both results, reruns the case with tracing into
// DIR/shiftmac_fail.vcd, exits 1. Built with -GFAULT=1/2 the RTL itself is
// mutated (see rtl/shiftmac_dot_tile.v) and this program must fail.
// --mutant N (builds of the yosys-mutated netlist with -DSM_MUTSEL only)
// activates mutant N of sim/shiftmac_mutations.txt; 0 = none.
// Built by sim/shiftmac.mk with -DSM_LANES/KTILE/WDEPTH/XDEPTH = the -G values.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "Vshiftmac_gemv.h"
#include "shiftmac.h"
#include "shiftmac_model.h"
#include "verilated.h"
#include "verilated_vcd_c.h"
#include "stimulus.h"
#include "verilated_ports.h"

static const shiftmac_model_cfg kCfg = {SM_LANES, SM_KTILE, SM_WDEPTH, SM_XDEPTH};
static unsigned g_mutant = 0; // mutsel of a mutated netlist (SM_MUTSEL builds)

// Drives the engine the way models/shiftmac_model.h assumes: x once, then
// the matrix in row chunks that fit the weight buffer.
class Engine {
  public:
    explicit Engine(const char *vcd_path = nullptr) : ctx_(new VerilatedContext) {
        if (vcd_path) ctx_->traceEverOn(true);
        top_.reset(new Vshiftmac_gemv(ctx_.get(), "shiftmac_gemv"));
        if (vcd_path) {
            vcd_.reset(new VerilatedVcdC);
            top_->trace(vcd_.get(), 99);
            vcd_->open(vcd_path);
        }
        top_->clk = 0, top_->rst = 1, top_->start = 0, top_->w_we = 0, top_->x_we = 0;
#ifdef SM_MUTSEL
        top_->mutsel = g_mutant;
#endif
        tick();
        tick();
        top_->rst = 0;
    }
    ~Engine() {
        if (vcd_) vcd_->close();
        top_->final();
    }
    // 0, or -1 bad sizes, -3 timeout / wrong number of results, -4 busy/done protocol broken.
    // extra: whole tiles issued past K (legal: k_len may be any 1..n_tiles*KTILE;
    // they hold junk and must contribute nothing).
    int gemv(const uint8_t *packed, size_t rows, size_t cols, const int8_t *x, int32_t *y, shiftmac_cycles *cy,
             size_t extra = 0) {
        const size_t KT = kCfg.ktile, L = kCfg.lanes;
        const size_t T = (cols + KT - 1) / KT + extra;
        if (rows == 0 || cols == 0 || T > (size_t)kCfg.xdepth) return -1;
        const size_t chunk = kCfg.wdepth / T * L;
        extra_ = extra;
        *cy = shiftmac_cycles{};
        uint64_t c0 = cycles_;
        load_x(x, cols);
        cy->load_x = cycles_ - c0;
        for (size_t r0 = 0; r0 < rows; r0 += chunk) {
            size_t n = rows - r0 < chunk ? rows - r0 : chunk;
            c0 = cycles_;
            load_weights(packed, r0, n, cols);
            cy->load_w += cycles_ - c0;
            c0 = cycles_;
            int st = compute(n, cols, y + r0);
            cy->compute += cycles_ - c0;
            cy->chunks++;
            if (st) return st;
        }
        cy->total = cy->load_x + cy->load_w + cy->compute;
        return 0;
    }

  private:
    void tick() {
        top_->clk = 0;
        top_->eval();
        if (vcd_) vcd_->dump(ctx_->time());
        ctx_->timeInc(1);
        top_->clk = 1;
        top_->eval();
        if (vcd_) vcd_->dump(ctx_->time());
        ctx_->timeInc(1);
        cycles_++;
    }
    void load_x(const int8_t *x, size_t cols) {
        const size_t KT = kCfg.ktile, T = (cols + KT - 1) / KT + extra_;
        std::vector<uint32_t> word((8 * KT + 31) / 32);
        for (size_t t = 0; t < T; t++) {
            std::fill(word.begin(), word.end(), 0u);
            for (size_t j = 0; j < KT; j++) {
                size_t k = t * KT + j; // past cols: junk, which k_len must mask
                uint32_t v = k < cols ? (uint8_t)x[k] : (uint8_t)(0x81 + 37 * j);
                word[j / 4] |= v << (8 * (j % 4));
            }
            put_words(top_->x_wdata, word.data(), 8 * (int)KT);
            top_->x_addr = (uint32_t)t;
            top_->x_we = 1;
            tick();
        }
        top_->x_we = 0;
    }
    void load_weights(const uint8_t *packed, size_t row0, size_t nrows, size_t cols) {
        const size_t KT = kCfg.ktile, L = kCfg.lanes, T = (cols + KT - 1) / KT + extra_, G = (nrows + L - 1) / L;
        const size_t rb = shiftmac_row_bytes(cols);
        std::vector<uint32_t> word((4 * L * KT + 31) / 32);
        for (size_t g = 0; g < G; g++)
            for (size_t t = 0; t < T; t++) {
                std::fill(word.begin(), word.end(), 0u);
                for (size_t l = 0; l < L; l++)
                    for (size_t j = 0; j < KT; j++) {
                        size_t r = g * L + l, k = t * KT + j;
                        // rows past the chunk: code 0 (their results are dropped);
                        // columns past cols: junk codes, masked by k_len
                        unsigned code = r >= nrows ? 0u
                                      : k < cols  ? (packed[(row0 + r) * rb + k / 2] >> (4 * (k % 2))) & 15u
                                                  : (unsigned)(j * 5 + 3) & 15u;
                        size_t bit = 4 * (l * KT + j);
                        word[bit / 32] |= (uint32_t)code << (bit % 32);
                    }
                put_words(top_->w_wdata, word.data(), 4 * (int)(L * KT));
                top_->w_addr = (uint32_t)(g * T + t);
                top_->w_we = 1;
                tick();
            }
        top_->w_we = 0;
    }
    void collect(size_t nrows, int32_t *y, std::vector<int> &seen) {
        const size_t L = kCfg.lanes, g = (size_t)top_->y_group;
        if (g >= seen.size()) return;
        seen[g]++;
        for (size_t l = 0; l < L; l++)
            if (g * L + l < nrows) y[g * L + l] = (int32_t)get_word(top_->y_data, (int)l);
    }
    int compute(size_t nrows, size_t cols, int32_t *y) {
        const size_t KT = kCfg.ktile, L = kCfg.lanes, T = (cols + KT - 1) / KT + extra_, G = (nrows + L - 1) / L;
        top_->n_groups = (uint32_t)G;
        top_->n_tiles = (uint32_t)T;
        top_->k_len = (uint32_t)cols;
        top_->start = 1;
        tick();
        top_->start = 0;
        // protocol: busy from the cycle after start until done, done low meanwhile
        if (!top_->busy || top_->done) return -4;
        std::vector<int> seen(G, 0);
        const uint64_t limit = G * T + 64, c0 = cycles_;
        while (!top_->done) {
            if (top_->y_valid) collect(nrows, y, seen);
            if (!top_->busy) return -4;
            // a start while busy must be ignored (pulsed once, mid-run)
            top_->start = cycles_ - c0 == (G * T) / 2;
            tick();
            top_->start = 0;
            if (cycles_ - c0 > limit) return -3;
        }
        if (top_->busy) return -4;
        if (top_->y_valid) collect(nrows, y, seen); // the last group arrives with done
        for (int s : seen)
            if (s != 1) return -3; // every group exactly once
        return 0;
    }

    std::unique_ptr<VerilatedContext> ctx_;
    std::unique_ptr<Vshiftmac_gemv> top_;
    std::unique_ptr<VerilatedVcdC> vcd_;
    uint64_t cycles_ = 0;
    size_t extra_ = 0;
};

struct Case {
    std::string name;
    size_t rows, cols;
    std::vector<uint8_t> codes; // [rows][cols]
    std::vector<int8_t> x;
    size_t extra = 0; // tiles issued past K (junk, masked by k_len)
};

static stim_rng rng_state;
static uint64_t rnd() { return stim_next(&rng_state); }

// wfill: a code 0..15, 16 random, 17 every code in turn; xfill: value, 1000 random, 1001 alternating extremes
static Case make(const std::string &name, size_t rows, size_t cols, int wfill, int xfill) {
    Case c{name, rows, cols, std::vector<uint8_t>(rows * cols), std::vector<int8_t>(cols)};
    for (size_t i = 0; i < rows * cols; i++)
        c.codes[i] = (uint8_t)(wfill == 16 ? rnd() & 15 : wfill == 17 ? (i + i / cols) & 15 : wfill);
    for (size_t k = 0; k < cols; k++)
        c.x[k] = (int8_t)(xfill == 1000 ? (int)(rnd() & 0xff) - 128 : xfill == 1001 ? (k % 2 ? -128 : 127) : xfill);
    return c;
}

static std::vector<Case> edge_cases() {
    const size_t L = kCfg.lanes, KT = kCfg.ktile, KMAX = (size_t)kCfg.xdepth * KT;
    std::vector<Case> v;
    const size_t colss[] = {1, 2, 3, KT - 1, KT, KT + 1, 2 * KT + 3, KMAX - 1, KMAX};
    for (size_t cols : colss) {
        if (cols == 0 || cols > KMAX) continue;
        const size_t rows = L + 3;
        const std::string n = " K=" + std::to_string(cols);
        v.push_back(make("+128 W, x=-128" + n, rows, cols, 0x0, -128)); // the largest sum
        v.push_back(make("-128 W, x=-128" + n, rows, cols, 0x8, -128));
        v.push_back(make("-128 W, x=127" + n, rows, cols, 0x8, 127));
        v.push_back(make("+1 W, x=-128" + n, rows, cols, 0x7, -128));
        v.push_back(make("-1 W, alt extremes" + n, rows, cols, 0xF, 1001));
        v.push_back(make("every code, alt extremes" + n, rows, cols, 17, 1001));
        v.push_back(make("x = 0" + n, rows, cols, 16, 0));
        v.push_back(make("random" + n, rows, cols, 16, 1000));
    }
    // each code alone against each x extreme, in every lane and tile position
    for (unsigned code = 0; code < 16; code++)
        for (int xv : {-128, -1, 1, 127}) {
            Case c = make("code " + std::to_string(code) + " x=" + std::to_string(xv), L, KT, 0x7, 0);
            for (size_t l = 0; l < L; l++) {
                c.codes[l * KT + (l % KT)] = (uint8_t)code;
                c.x[l % KT] = (int8_t)xv;
            }
            v.push_back(c);
        }
    // whole junk tiles past K: k_len must mask them (K = 1, a tile edge, K max - KTILE)
    for (size_t cols : {(size_t)1, KT, KT + 1, KMAX - KT}) {
        Case c = make("extra tiles past K=" + std::to_string(cols), L + 2, cols, 16, 1000);
        c.extra = (KMAX - cols) / KT < 2 ? (KMAX - cols) / KT : 2;
        if (c.extra) v.push_back(c);
    }
    // the weight buffer full (n_groups up to WDEPTH: every bit of the group counters)
    for (size_t cols : {KT, 2 * KT + 1}) {
        size_t T = (cols + KT - 1) / KT;
        if (T <= (size_t)kCfg.xdepth) v.push_back(make("full weight buffer K=" + std::to_string(cols), kCfg.wdepth / T * L, cols, 16, 1000));
    }
    v.push_back(make("one row", 1, 7, 16, 1000));
    v.push_back(make("rows = lanes", L, KT, 16, 1000));
    v.push_back(make("rows = lanes - 1", L > 1 ? L - 1 : 1, KT + 5, 16, 1000));
    // taller than the weight buffer holds at full K: runs in row chunks
    const size_t tall = (size_t)(kCfg.wdepth / kCfg.xdepth) * L * 2 + 5;
    v.push_back(make("tall (chunked), K max", tall, KMAX, 16, 1000));
    return v;
}

static Case random_case(int i) {
    const size_t KMAX = (size_t)kCfg.xdepth * kCfg.ktile;
    size_t rows = 1 + rnd() % (4 * kCfg.lanes + 5), cols = 1 + rnd() % KMAX;
    Case c = make("random #" + std::to_string(i), rows, cols, 16, 1000);
    unsigned small_pct = (unsigned)(rnd() % 101); // vary the share of tiny weights (e = 7)
    for (auto &w : c.codes)
        if (rnd() % 100 < small_pct) w = (uint8_t)(w | 7);
    const size_t room = (size_t)kCfg.xdepth - (cols + kCfg.ktile - 1) / kCfg.ktile;
    if (room && rnd() % 8 == 0) c.extra = 1 + rnd() % room; // sometimes junk tiles past K
    return c;
}

static void print_failure(const Case &c, size_t r, int32_t got, int32_t want) {
    fprintf(stderr, "MISMATCH in case '%s' (rows %zu, cols %zu) at row %zu: engine %d, golden %d\n", c.name.c_str(),
            c.rows, c.cols, r, got, want);
    fprintf(stderr, "  codes[row] =");
    for (size_t k = 0; k < c.cols && k < 48; k++) fprintf(stderr, " %x", c.codes[r * c.cols + k]);
    fprintf(stderr, "%s\n  x          =", c.cols > 48 ? " ..." : "");
    for (size_t k = 0; k < c.cols && k < 48; k++) fprintf(stderr, " %d", c.x[k]);
    fprintf(stderr, "%s\n", c.cols > 48 ? " ..." : "");
}

int main(int argc, char **argv) {
    int nrandom = 500;
    uint64_t seed = 1, min_outputs = 1000;
    std::string vcd_dir = ".", table;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--random") && i + 1 < argc) nrandom = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc) seed = strtoull(argv[++i], nullptr, 0);
        else if (!strcmp(argv[i], "--min-outputs") && i + 1 < argc) min_outputs = strtoull(argv[++i], nullptr, 0);
        else if (!strcmp(argv[i], "--vcd-dir") && i + 1 < argc) vcd_dir = argv[++i];
        else if (!strcmp(argv[i], "--model-table") && i + 1 < argc) table = argv[++i];
        else if (!strcmp(argv[i], "--mutant") && i + 1 < argc) {
            g_mutant = (unsigned)strtoul(argv[++i], nullptr, 0);
#ifndef SM_MUTSEL
            fprintf(stderr, "--mutant needs the mutated-netlist build (make shiftmac-mutants)\n");
            return 2;
#endif
        }
        else {
            fprintf(stderr,
                    "usage: %s [--random N] [--seed S] [--min-outputs M] [--vcd-dir DIR] [--model-table FILE] "
                    "[--mutant N]\n",
                    argv[0]);
            return 2;
        }
    }
    rng_state.s = seed;
    std::vector<Case> cases = edge_cases();
    const size_t n_edge = cases.size();
    for (int i = 0; i < nrandom; i++) cases.push_back(random_case(i));

    FILE *tf = table.empty() ? nullptr : fopen(table.c_str(), "w");
    if (!table.empty() && !tf) {
        fprintf(stderr, "cannot write %s\n", table.c_str());
        return 2;
    }
    if (tf)
        fprintf(tf, "| LANESxKTILE | rows | K | chunks | load_x rtl/model | load_w rtl/model | compute rtl/model | total rtl/model |\n"
                    "|---|---|---|---|---|---|---|---|\n");

    Engine eng;
    std::set<std::pair<size_t, size_t>> shown;
    uint64_t outputs = 0, macs = 0, cycles = 0;
    auto t0 = std::chrono::steady_clock::now();
    for (size_t ci = 0; ci < cases.size(); ci++) {
        const Case &c = cases[ci];
        std::vector<uint8_t> p(c.rows * shiftmac_row_bytes(c.cols));
        if (shiftmac_pack_matrix(c.codes.data(), c.rows, c.cols, p.data()) != LPCS_OK) abort();
        std::vector<int32_t> want(c.rows), got(c.rows, 0x5a5a5a5a);
        shiftmac_cycles cy, model;
        int gst = shiftmac_gemv_i32(p.data(), c.rows, c.cols, c.x.data(), want.data());
        int est = eng.gemv(p.data(), c.rows, c.cols, c.x.data(), got.data(), &cy, c.extra);
        // the model sees the tiles actually issued
        const size_t issued = c.extra ? ((c.cols + kCfg.ktile - 1) / kCfg.ktile + c.extra) * kCfg.ktile : c.cols;
        int mst = shiftmac_model_cycles(&kCfg, c.rows, issued, &model);
        if (gst != LPCS_OK || est != 0 || mst != LPCS_OK) {
            fprintf(stderr, "case '%s': golden status %d, engine status %d, model status %d\n", c.name.c_str(), gst,
                    est, mst);
            return 1;
        }
        for (size_t r = 0; r < c.rows; r++)
            if (got[r] != want[r]) {
                print_failure(c, r, got[r], want[r]);
                std::string vcd = vcd_dir + "/shiftmac_fail.vcd";
                Engine traced(vcd.c_str());
                std::vector<int32_t> again(c.rows);
                shiftmac_cycles cy2;
                traced.gemv(p.data(), c.rows, c.cols, c.x.data(), again.data(), &cy2, c.extra);
                fprintf(stderr, "  waveform of the failing case: %s (rerun gives %d)\n", vcd.c_str(), again[r]);
                return 1;
            }
        if (cy.load_x != model.load_x || cy.load_w != model.load_w || cy.compute != model.compute ||
            cy.chunks != model.chunks || cy.total != model.total) {
            fprintf(stderr,
                    "CYCLES differ in case '%s' (rows %zu, cols %zu): rtl load_x %llu load_w %llu compute %llu, "
                    "model %llu %llu %llu\n",
                    c.name.c_str(), c.rows, c.cols, (unsigned long long)cy.load_x, (unsigned long long)cy.load_w,
                    (unsigned long long)cy.compute, (unsigned long long)model.load_x,
                    (unsigned long long)model.load_w, (unsigned long long)model.compute);
            return 1;
        }
        // the table: each distinct shape once, chunked runs always
        bool fresh = shown.insert({c.rows, c.cols}).second;
        if (tf && ((fresh && shown.size() <= 16) || cy.chunks > 1))
            fprintf(tf, "| %dx%d | %zu | %zu | %llu | %llu/%llu | %llu/%llu | %llu/%llu | %llu/%llu |\n", kCfg.lanes,
                    kCfg.ktile, c.rows, c.cols, (unsigned long long)cy.chunks, (unsigned long long)cy.load_x,
                    (unsigned long long)model.load_x, (unsigned long long)cy.load_w, (unsigned long long)model.load_w,
                    (unsigned long long)cy.compute, (unsigned long long)model.compute, (unsigned long long)cy.total,
                    (unsigned long long)model.total);
        outputs += c.rows;
        macs += (uint64_t)c.rows * c.cols;
        cycles += cy.total;
    }
    if (tf) fclose(tf);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (outputs < min_outputs) {
        fprintf(stderr, "shiftmac co-sim: only %llu outputs compared (minimum %llu)\n", (unsigned long long)outputs,
                (unsigned long long)min_outputs);
        return 1;
    }
    printf("shiftmac co-sim (LANES=%d KTILE=%d WDEPTH=%d XDEPTH=%d): %zu GEMVs (%zu edge, %d random), "
           "%llu int32 outputs, %llu MACs bit-exact vs golden; cycles = model in every case (%llu cycles), %.1fs\n",
           kCfg.lanes, kCfg.ktile, kCfg.wdepth, kCfg.xdepth, cases.size(), n_edge, nrandom,
           (unsigned long long)outputs, (unsigned long long)macs, (unsigned long long)cycles, secs);
    return 0;
}
