// SystemC testbench of the ternary GEMV engine: the RTL Verilated as a
// SystemC module (verilator --sc), driven cycle by cycle through sc_signals
// by a clocked thread; every result is checked against golden
// ternary_gemv_i32. --inject-fault corrupts one result (the run must fail).
// Built for LANES=4 KTILE=8 (64-bit load ports, 128-bit result port).
#include <systemc.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

#include "Vternary_gemv.h"
#include "ternary.h"

static const int LANES = TERNARY_SC_LANES, KTILE = TERNARY_SC_KTILE, WDEPTH = TERNARY_SC_WDEPTH,
                 XDEPTH = TERNARY_SC_XDEPTH;
static_assert(2 * LANES * KTILE == 64 && 8 * KTILE == 64, "testbench port types assume 64-bit load ports");

static uint64_t rng = 42;
static uint64_t rnd() {
    uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

SC_MODULE(Tb) {
    sc_in<bool> clk;
    sc_signal<bool> rst, w_we, x_we, start, busy, done, err, y_valid;
    sc_signal<uint32_t> w_addr, x_addr, n_groups, n_tiles, k_len, y_group;
    sc_signal<uint64_t> w_wdata, x_wdata;
    sc_signal<sc_bv<32 * LANES>> y_data;
    Vternary_gemv dut;
    bool inject = false, failed = false;
    long vectors = 0, outputs = 0;
    uint64_t cycles = 0;

    void tick() {
        wait();
        cycles++;
    }

    // One GEMV on the engine; returns false on a protocol failure.
    bool run(const std::vector<int8_t> &w, size_t rows, size_t cols, const std::vector<int8_t> &x,
             std::vector<int32_t> &y) {
        size_t nt = (cols + KTILE - 1) / KTILE, ng = (rows + LANES - 1) / LANES;
        for (size_t t = 0; t < nt; t++) {
            uint64_t word = 0;
            for (int j = 0; j < KTILE; j++) {
                size_t k = t * KTILE + j;
                word |= (uint64_t)(uint8_t)(k < cols ? x[k] : 0x5a) << (8 * j);
            }
            x_addr = (uint32_t)t, x_wdata = word, x_we = true;
            tick();
        }
        x_we = false;
        for (size_t g = 0; g < ng; g++)
            for (size_t t = 0; t < nt; t++) {
                uint64_t word = 0;
                for (int l = 0; l < LANES; l++)
                    for (int j = 0; j < KTILE; j++) {
                        size_t r = g * LANES + l, k = t * KTILE + j;
                        int v = (r < rows && k < cols) ? w[r * cols + k] : 0;
                        word |= (uint64_t)(v == 0 ? 0 : v > 0 ? 1 : 3) << (2 * (l * KTILE + j));
                    }
                w_addr = (uint32_t)(g * nt + t), w_wdata = word, w_we = true;
                tick();
            }
        w_we = false;
        n_groups = (uint32_t)ng, n_tiles = (uint32_t)nt, k_len = (uint32_t)cols, start = true;
        tick();
        start = false;
        int guard = 0;
        while (!busy.read()) {
            tick();
            if (++guard > 8) return false;
        }
        size_t got = 0;
        for (guard = 0; guard < (int)(ng * nt) + 16; guard++) {
            tick();
            if (y_valid.read()) {
                uint32_t g = y_group.read();
                sc_bv<32 * LANES> d = y_data.read();
                for (int l = 0; l < LANES; l++)
                    if (g * LANES + l < rows) y[g * LANES + l] = (int32_t)d.range(32 * l + 31, 32 * l).to_uint();
                got++;
            }
            if (done.read()) break;
        }
        return got == ng && !err.read();
    }

    void check(size_t rows, size_t cols, int wmode, int xmode) {
        std::vector<int8_t> w(rows * cols), x(cols);
        for (size_t i = 0; i < w.size(); i++) w[i] = (int8_t)(wmode == 2 ? (int)(rnd() % 3) - 1 : wmode);
        for (size_t k = 0; k < cols; k++) x[k] = (int8_t)(xmode == 1000 ? (int)(rnd() & 0xff) - 128 : xmode);
        std::vector<uint8_t> p(rows * ternary_row_bytes(cols));
        std::vector<int32_t> want(rows), got(rows, 0x5a5a5a5a);
        ternary_pack_matrix(w.data(), rows, cols, p.data());
        if (ternary_gemv_i32(p.data(), rows, cols, x.data(), want.data()) != LPCS_OK || !run(w, rows, cols, x, got)) {
            fprintf(stderr, "protocol failure on %zux%zu\n", rows, cols);
            failed = true;
            return;
        }
        if (inject && vectors == 5) got[0] ^= 1 << 7;
        for (size_t r = 0; r < rows; r++)
            if (got[r] != want[r]) {
                if (!failed)
                    fprintf(stderr, "MISMATCH %zux%zu (wmode %d, xmode %d) row %zu: SystemC engine %d, golden %d\n",
                            rows, cols, wmode, xmode, r, got[r], want[r]);
                failed = true;
            }
        vectors++;
        outputs += (long)rows;
    }

    void main_thread() {
        rst = true;
        tick();
        tick();
        rst = false;
        tick();
        const size_t KMAX = (size_t)XDEPTH * KTILE;
        const size_t colss[] = {1, 3, KTILE - 1, KTILE, KTILE + 1, LANES + 1, KMAX - 1, KMAX};
        const int modes[][2] = {{0, 1000}, {2, 0}, {1, 127}, {1, -128}, {-1, -128}, {-1, 127}, {2, 1000}};
        for (size_t cols : colss)
            for (auto &m : modes) check(LANES + 3, cols, m[0], m[1]);
        for (int i = 0; i < 400 && !failed; i++) check(1 + rnd() % (3 * LANES + 2), 1 + rnd() % KMAX, 2, 1000);
        sc_stop();
    }

    SC_HAS_PROCESS(Tb);
    explicit Tb(sc_module_name n) : sc_module(n), dut("dut") {
        dut.clk(clk);
        dut.rst(rst), dut.w_we(w_we), dut.w_addr(w_addr), dut.w_wdata(w_wdata);
        dut.x_we(x_we), dut.x_addr(x_addr), dut.x_wdata(x_wdata);
        dut.n_groups(n_groups), dut.n_tiles(n_tiles), dut.k_len(k_len), dut.start(start);
        dut.busy(busy), dut.done(done), dut.err(err), dut.y_valid(y_valid), dut.y_group(y_group), dut.y_data(y_data);
        SC_CTHREAD(main_thread, clk.pos());
    }
};

int sc_main(int argc, char **argv) {
    sc_clock clk("clk", 10, SC_NS);
    Tb tb("tb");
    tb.clk(clk);
    tb.inject = argc > 1 && !strcmp(argv[1], "--inject-fault");
    auto t0 = std::chrono::steady_clock::now();
    sc_start();
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (tb.failed || tb.outputs <= 0) { // zero compared is a failure
        fprintf(stderr, "ternary SystemC: FAILED (%ld outputs compared)\n", (long)tb.outputs);
        return 1;
    }
    printf("ternary SystemC (LANES=%d KTILE=%d): %ld GEMV vectors, %ld int32 outputs bit-exact vs golden, "
           "%llu cycles, %.0f vectors/s\n",
           LANES, KTILE, tb.vectors, tb.outputs, (unsigned long long)tb.cycles, tb.vectors / secs);
    return 0;
}
