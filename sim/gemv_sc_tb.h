// The SystemC testbench shared by the integer GEMV engines (ternary, shiftmac):
// the RTL Verilated as a SystemC module (verilator --sc), driven cycle by
// cycle through sc_signals by a clocked thread; every int32 result is checked
// against the unit's golden GEMV. The engines share their port protocol
// (weight / activation buffers, start, busy, y_valid per lane group, done);
// what differs (code width and packing, port widths, golden calls, stimulus
// modes, an err port) comes from a traits struct U:
//   Dut, Code (weight code type), XWord (activation port word)
//   LANES, KTILE, XDEPTH, CODE_BITS, RANDOM_W (the wmode meaning "random")
//   wire(in_range, code) -> the code as the RTL stores it (padding if !in_range)
//   random_code(r), row_bytes(cols), pack(w, rows, cols, out), gemv(...)
//   modes[7][2] ({wmode, xmode}; xmode 1000 = random), bind_extra(dut, tb)
#pragma once
#include <systemc.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

#include "status.h"
#include "stimulus.h"

template <class U> struct GemvScTb : public sc_module {
    static const int LANES = U::LANES, KTILE = U::KTILE;
    static_assert(U::CODE_BITS * LANES * KTILE == 64, "testbench assumes a 64-bit weight port");
    static_assert(8 * KTILE == 8 * (int)sizeof(typename U::XWord), "activation port holds KTILE int8 values");
    sc_in<bool> clk;
    sc_signal<bool> rst, w_we, x_we, start, busy, done, err, y_valid;
    sc_signal<uint32_t> w_addr, x_addr, n_groups, n_tiles, k_len, y_group;
    sc_signal<uint64_t> w_wdata;
    sc_signal<typename U::XWord> x_wdata;
    sc_signal<sc_bv<32 * LANES>> y_data;
    typename U::Dut dut;
    stim_rng rng = {42};
    bool inject = false, failed = false; // inject: corrupt one result (the run must fail)
    long vectors = 0, outputs = 0;
    uint64_t cycles = 0;

    void tick() {
        wait();
        cycles++;
    }

    // One GEMV on the engine (codes [rows][cols]); false on a protocol failure.
    bool run(const std::vector<typename U::Code> &w, size_t rows, size_t cols, const std::vector<int8_t> &x,
             std::vector<int32_t> &y) {
        size_t nt = (cols + KTILE - 1) / KTILE, ng = (rows + LANES - 1) / LANES;
        for (size_t t = 0; t < nt; t++) {
            typename U::XWord word = 0;
            for (int j = 0; j < KTILE; j++) {
                size_t k = t * KTILE + j;
                word |= (typename U::XWord)(uint8_t)(k < cols ? x[k] : 0x5a) << (8 * j);
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
                        bool in = r < rows && k < cols;
                        word |= U::wire(in, in ? w[r * cols + k] : 0) << (U::CODE_BITS * (l * KTILE + j));
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
        return got == ng && !err.read(); // err stays low on an engine without that port
    }

    // wmode: a code or U::RANDOM_W; xmode: a value or 1000 random
    void check(size_t rows, size_t cols, int wmode, int xmode) {
        std::vector<typename U::Code> w(rows * cols);
        std::vector<int8_t> x(cols);
        for (size_t i = 0; i < w.size(); i++)
            w[i] = wmode == U::RANDOM_W ? U::random_code(stim_next(&rng)) : (typename U::Code)wmode;
        for (size_t k = 0; k < cols; k++)
            x[k] = (int8_t)(xmode == 1000 ? (int)(stim_next(&rng) & 0xff) - 128 : xmode);
        std::vector<uint8_t> p(rows * U::row_bytes(cols));
        std::vector<int32_t> want(rows), got(rows, 0x5a5a5a5a);
        U::pack(w.data(), rows, cols, p.data());
        if (U::gemv(p.data(), rows, cols, x.data(), want.data()) != LPCS_OK || !run(w, rows, cols, x, got)) {
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
        const size_t KMAX = (size_t)U::XDEPTH * KTILE;
        const size_t colss[] = {1, 3, KTILE - 1, KTILE, KTILE + 1, LANES + 1, KMAX - 1, KMAX};
        for (size_t cols : colss)
            for (auto &m : U::modes) check(LANES + 3, cols, m[0], m[1]);
        for (int i = 0; i < 400 && !failed; i++)
            check(1 + stim_next(&rng) % (3 * LANES + 2), 1 + stim_next(&rng) % KMAX, U::RANDOM_W, 1000);
        sc_stop();
    }

    SC_HAS_PROCESS(GemvScTb);
    explicit GemvScTb(sc_module_name n) : sc_module(n), dut("dut") {
        dut.clk(clk);
        dut.rst(rst), dut.w_we(w_we), dut.w_addr(w_addr), dut.w_wdata(w_wdata);
        dut.x_we(x_we), dut.x_addr(x_addr), dut.x_wdata(x_wdata);
        dut.n_groups(n_groups), dut.n_tiles(n_tiles), dut.k_len(k_len), dut.start(start);
        dut.busy(busy), dut.done(done), dut.y_valid(y_valid), dut.y_group(y_group), dut.y_data(y_data);
        U::bind_extra(dut, *this);
        SC_CTHREAD(main_thread, clk.pos());
    }
};

// sc_main's body: exit 0 only if every result matched and at least
// min_outputs were compared (a run that compares too little fails).
template <class U> int gemv_sc_main(const char *name, int argc, char **argv, long min_outputs) {
    sc_clock clk("clk", 10, SC_NS);
    GemvScTb<U> tb("tb");
    tb.clk(clk);
    tb.inject = argc > 1 && !strcmp(argv[1], "--inject-fault");
    auto t0 = std::chrono::steady_clock::now();
    sc_start();
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (tb.failed || tb.outputs < min_outputs) {
        fprintf(stderr, "%s SystemC: FAILED (%ld outputs compared, minimum %ld)\n", name, tb.outputs, min_outputs);
        return 1;
    }
    printf("%s SystemC (LANES=%d KTILE=%d): %ld GEMV vectors, %ld int32 outputs bit-exact vs golden, "
           "%llu cycles, %.0f vectors/s\n",
           name, U::LANES, U::KTILE, tb.vectors, tb.outputs, (unsigned long long)tb.cycles, tb.vectors / secs);
    return 0;
}
