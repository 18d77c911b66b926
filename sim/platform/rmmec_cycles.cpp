// test-rmmec-model: cycles of GEMVs on the Verilated RMMEC (rtl/rmmec.v), one
// command per cycle (rows x (cols ACC + READ_CLEAR)), against the analytical
// model (models/arch_model.h: arch_rmmec_cycles for one unit); results checked
// bit for bit against golden rmmec_gemv. Prints a markdown table; exit 1 on
// any result mismatch or a cycle difference.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <vector>

#include "Vrmmec.h"
#include "verilated.h"

#include "arch_model.h"
#include "rmmec.h"

static void half_tick(Vrmmec *t, int clk) {
    t->clk = clk;
    t->eval();
}

int main(int argc, char **argv) {
    Verilated::commandArgs(argc, argv);
    std::mt19937 rng(11);
    const rmmec_mode modes[] = {RMMEC_FP4, RMMEC_P4, RMMEC_P8, RMMEC_P16};
    const size_t shapes[][2] = {{1, 1}, {4, 8}, {16, 32}, {33, 17}};
    int bad = 0;
    printf("| mode | rows x words | RTL cycles | model | error | results |\n|---|---|---|---|---|---|\n");
    for (rmmec_mode m : modes)
        for (auto &sh : shapes) {
            size_t R = sh[0], C = sh[1];
            rmmec_out f = m == RMMEC_FP4 ? RMMEC_OUT_FP32 : RMMEC_OUT_POSIT;
            std::vector<uint16_t> w(R * C), x(C);
            for (auto &v : w) v = (uint16_t)rng();
            for (auto &v : x) v = (uint16_t)rng();
            std::vector<uint32_t> gold(R), rtl;
            if (rmmec_gemv(m, w.data(), R, C, x.data(), f, gold.data())) {
                printf("golden rmmec_gemv failed\n");
                return 1;
            }
            std::unique_ptr<Vrmmec> t(new Vrmmec);
            t->rst_n = 0, t->in_valid = 0, t->res_ready = 1;
            for (int i = 0; i < 3; i++) half_tick(t.get(), 0), half_tick(t.get(), 1);
            t->rst_n = 1;
            half_tick(t.get(), 0), half_tick(t.get(), 1);
            size_t next = 0, total = R * (C + 1);
            uint64_t edges = 0, done_at = 0;
            while (rtl.size() < R && edges < 10 * total + 100) {
                bool issue = next < total;
                t->in_valid = issue;
                if (issue) {
                    size_t r = next / (C + 1), k = next % (C + 1);
                    t->in_op = k == C ? 3 : 0; // READ_CLEAR after the row's ACCs
                    t->in_mode = m, t->in_fmt = f;
                    t->in_a = k == C ? 0 : w[r * C + k];
                    t->in_b = k == C ? 0 : x[k];
                }
                half_tick(t.get(), 0);
                if (t->res_valid) {
                    rtl.push_back(t->res_data);
                    done_at = edges; // result valid after this many edges
                }
                bool took = issue && t->in_ready;
                half_tick(t.get(), 1);
                edges++;
                if (took) next++;
            }
            double model = arch_rmmec_cycles(R, C * (size_t)rmmec_lanes(m), rmmec_lanes(m), 1);
            bool same = rtl == gold;
            printf("| %s | %zu x %zu | %llu | %.0f | %+.2f%% | %s |\n", rmmec_mode_name(m), R, C,
                   (unsigned long long)done_at, model, 100.0 * (model - (double)done_at) / (double)done_at,
                   same ? "bit-equal" : "DIFFER");
            if (!same || model != (double)done_at) bad++;
            t->final();
        }
    printf("test-rmmec-model: %s\n", bad ? "FAIL" : "PASS");
    return bad ? 1 : 0;
}
