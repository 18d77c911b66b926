// Co-simulation of rtl/ternary_act_quant.v (fixed-point absmax int8
// quantizer) against golden act_quant_absmax_fixed_i8, bit for bit.
//   ternary_aq_cosim [--random N] [--inject-fault] [--vcd-dir DIR]
// First mismatch: prints the vector and both results, reruns it traced into
// DIR/ternary_aq_fail.vcd, exits 1. Built for XW=16, DEPTH=1024.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "Vternary_act_quant.h"
#include "ternary.h"
#include "verilated.h"
#include "verilated_vcd_c.h"
#include "stimulus.h"

static const int XW = TERNARY_AQ_XW, DEPTH = TERNARY_AQ_DEPTH;

struct Dut {
    std::unique_ptr<VerilatedContext> ctx{new VerilatedContext};
    std::unique_ptr<Vternary_act_quant> top;
    std::unique_ptr<VerilatedVcdC> vcd;
    uint64_t cycles = 0;
    explicit Dut(const char *vcd_path) {
        if (vcd_path) ctx->traceEverOn(true);
        top.reset(new Vternary_act_quant(ctx.get()));
        if (vcd_path) {
            vcd.reset(new VerilatedVcdC);
            top->trace(vcd.get(), 99);
            vcd->open(vcd_path);
        }
        top->rst = 1;
        tick();
        tick();
        top->rst = 0;
    }
    ~Dut() {
        if (vcd) vcd->close();
        top->final();
    }
    void tick() {
        top->clk = 0;
        top->eval();
        if (vcd) vcd->dump(ctx->time());
        ctx->timeInc(1);
        top->clk = 1;
        top->eval();
        if (vcd) vcd->dump(ctx->time());
        ctx->timeInc(1);
        cycles++;
    }
    // Returns false on a protocol failure (missing / out-of-order codes, timeout).
    bool run(const std::vector<int32_t> &x, std::vector<int8_t> &q, uint32_t &amax) {
        for (size_t k = 0; k < x.size(); k++) {
            top->x_we = 1, top->x_addr = (uint32_t)k, top->x_wdata = (uint32_t)x[k] & ((1u << XW) - 1);
            tick();
        }
        top->x_we = 0;
        top->n = (uint32_t)x.size(), top->start = 1;
        tick();
        top->start = 0;
        size_t got = 0;
        for (size_t guard = 0; guard < 2 * x.size() + 16; guard++) {
            tick();
            if (top->q_valid) {
                if (top->q_idx != got) return false;
                q[got++] = (int8_t)top->q_data;
            }
            if (top->done) break;
        }
        amax = top->amax;
        return got == x.size() && top->done;
    }
};

static stim_rng rng = {5};
static uint64_t rnd() { return stim_next(&rng); }

int main(int argc, char **argv) {
    int nrandom = 500, inject = 0;
    std::string vcd_dir = "build/verilator/ternary";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--random") && i + 1 < argc) nrandom = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--inject-fault")) inject = 1;
        else if (!strcmp(argv[i], "--vcd-dir") && i + 1 < argc) vcd_dir = argv[++i];
        else return fprintf(stderr, "usage: %s [--random N] [--inject-fault] [--vcd-dir DIR]\n", argv[0]), 2;
    }
    const int32_t lo = -(1 << (XW - 1)), hi = (1 << (XW - 1)) - 1;
    std::vector<std::vector<int32_t>> cases = {
        {0}, {0, 0, 0}, {lo}, {hi}, {lo, hi, -1, 1, 0}, {hi, lo + 1},
        {254, 1, 3, 5, -1, -3, 2, 0, 127, 381}, // 127*x/254 = x/2: ties at .5, 1.5, 2.5
        {-254, 1, -3, 5},
    };
    std::vector<int32_t> ramp(DEPTH);
    for (int k = 0; k < DEPTH; k++) ramp[k] = lo + (int32_t)((int64_t)k * (hi - lo) / (DEPTH - 1));
    cases.push_back(ramp);
    for (int i = 0; i < nrandom; i++) {
        size_t n = 1 + rnd() % DEPTH;
        int bits = 1 + (int)(rnd() % XW);
        std::vector<int32_t> x(n);
        for (auto &v : x) v = (int32_t)((int64_t)rnd() >> (64 - bits));
        cases.push_back(x);
    }
    Dut dut(nullptr);
    size_t codes = 0;
    auto t0 = std::chrono::steady_clock::now();
    for (size_t ci = 0; ci < cases.size(); ci++) {
        const auto &x = cases[ci];
        std::vector<int8_t> want(x.size()), got(x.size());
        uint32_t wamax = 0, gamax = 0;
        if (act_quant_absmax_fixed_i8(x.data(), x.size(), want.data(), &wamax) != LPCS_OK) return 1;
        bool ok = dut.run(x, got, gamax);
        if (inject && ci == 6) got[2] ^= 1;
        size_t bad = x.size();
        for (size_t k = 0; k < x.size(); k++)
            if (got[k] != want[k]) {
                bad = k;
                break;
            }
        if (!ok || bad < x.size() || gamax != wamax) {
            size_t k = bad < x.size() ? bad : 0;
            fprintf(stderr, "MISMATCH vector %zu (n %zu)%s: x[%zu] = %d, amax rtl %u golden %u, q rtl %d golden %d\n", ci,
                    x.size(), ok ? "" : " (protocol failure)", k, x[k], gamax, wamax, got[k], want[k]);
            std::string vcd = vcd_dir + "/ternary_aq_fail.vcd";
            Dut traced(vcd.c_str());
            traced.run(x, got, gamax);
            fprintf(stderr, "  waveform: %s\n", vcd.c_str());
            return 1;
        }
        codes += x.size();
    }
    if (codes == 0) { // zero compared is a failure
        fprintf(stderr, "ternary act-quant co-sim: FAIL: no code compared\n");
        return 1;
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    printf("ternary act-quant co-sim (XW=%d DEPTH=%d): %zu vectors, %zu int8 codes bit-exact vs golden, "
           "%.0f vectors/s, %llu cycles\n",
           XW, DEPTH, cases.size(), codes, cases.size() / secs, (unsigned long long)dut.cycles);
    return 0;
}
