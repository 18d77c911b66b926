// SystemC testbench for the Verilated RMMEC (verilator --sc): the Vrmmec
// sc_module is the block the SystemC platform instantiates. A driver thread
// streams commands on the falling edge and checks every readout against
// golden/rmmec bit for bit. Exit status 0 only if every readout matched.
#include <systemc.h>

#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

#include "Vrmmec.h"

extern "C" {
#include "rmmec.h"
}
#include "stimulus.h"

namespace {
enum { OP_ACC = 0, OP_CLEAR = 1, OP_READ = 2, OP_READ_CLEAR = 3 };
stim_rng rs{2024}; // sim/stimulus.h
uint64_t rnd() { return stim_next(&rs); }
}  // namespace

SC_MODULE(rmmec_tb) {
    sc_in<bool> clk;
    sc_out<bool> rst_n, in_valid, res_ready;
    sc_in<bool> in_ready, res_valid;
    sc_out<uint32_t> in_op, in_mode, in_fmt, in_a, in_b;
    sc_in<uint32_t> res_data;

    unsigned long reads = 0, errors = 0, cmds = 0;
    bool done = false;

    struct Cmd {
        uint32_t op, mode, fmt;
        uint16_t a, b;
    };
    std::vector<Cmd> prog;          // the command stream
    std::vector<uint32_t> expect;   // golden readouts, in order

    void build() {
        for (int mode = 0; mode < 4; mode++) {
            rmmec_state g;
            rmmec_init(&g, (rmmec_mode)mode);
            int lb = mode == 3 ? 16 : mode == 2 ? 8 : 4;
            for (int seg = 0; seg < 40; seg++) {
                int len = 1 + (int)(rnd() % 200);
                for (int i = 0; i < len; i++) {
                    uint16_t a = (uint16_t)rnd(), b = (uint16_t)rnd();
                    if (rnd() % 50 != 0) {   // NaR only now and then
                        for (int l = 0; l < 16 / lb; l++) {
                            uint32_t m = (1u << lb) - 1, nar = 1u << (lb - 1);
                            if (((a >> (lb * l)) & m) == nar) a ^= (uint16_t)(1u << (lb * l));
                            if (((b >> (lb * l)) & m) == nar) b ^= (uint16_t)(1u << (lb * l));
                        }
                    }
                    prog.push_back({OP_ACC, (uint32_t)mode, 0, a, b});
                    rmmec_accumulate(&g, a, b);
                }
                for (int f = 0; f < RMMEC_OUT_COUNT; f++) {
                    if (!rmmec_out_valid((rmmec_mode)mode, (rmmec_out)f)) continue;
                    uint32_t v = 0;
                    rmmec_readout(&g, (rmmec_out)f, &v);
                    prog.push_back({OP_READ, (uint32_t)mode, (uint32_t)f, 0, 0});
                    expect.push_back(v);
                }
                prog.push_back({OP_CLEAR, (uint32_t)mode, 0, 0, 0});
                rmmec_clear(&g);
            }
        }
    }

    void run() {
        rst_n.write(false);
        in_valid.write(false);
        res_ready.write(true);
        for (int i = 0; i < 3; i++) wait(clk.negedge_event());
        rst_n.write(true);
        size_t pc = 0, idle = 0;
        while (idle < 20) {
            wait(clk.negedge_event());
            if (res_valid.read()) {   // held for exactly one cycle (res_ready = 1)
                uint32_t got = res_data.read(), want = reads < expect.size() ? expect[reads] : ~0u;
                if (got != want && errors++ < 5)
                    fprintf(stderr, "MISMATCH readout %lu: rtl 0x%08" PRIx32 " golden 0x%08" PRIx32 "\n", reads, got, want);
                reads++;
            }
            if (!in_ready.read()) {
                fprintf(stderr, "in_ready low with res_ready high\n");
                errors++;
            }
            if (pc < prog.size()) {
                const Cmd &c = prog[pc++];
                in_valid.write(true);
                in_op.write(c.op);
                in_mode.write(c.mode);
                in_fmt.write(c.fmt);
                in_a.write(c.a);
                in_b.write(c.b);
                cmds++;
            } else {
                in_valid.write(false);
                idle++;
            }
        }
        done = true;
        sc_stop();
    }

    SC_CTOR(rmmec_tb) {
        build();
        SC_THREAD(run);
    }
};

int sc_main(int argc, char **argv) {
    Verilated::commandArgs(argc, argv);
    sc_clock clk("clk", 10, SC_NS);
    sc_signal<bool> rst_n, in_valid, in_ready, res_valid, res_ready;
    sc_signal<uint32_t> in_op, in_mode, in_fmt, in_a, in_b, res_data;

    Vrmmec dut("dut");
    dut.clk(clk);
    dut.rst_n(rst_n);
    dut.in_valid(in_valid);
    dut.in_ready(in_ready);
    dut.in_op(in_op);
    dut.in_mode(in_mode);
    dut.in_fmt(in_fmt);
    dut.in_a(in_a);
    dut.in_b(in_b);
    dut.res_valid(res_valid);
    dut.res_ready(res_ready);
    dut.res_data(res_data);

    rmmec_tb tb("tb");
    // --inject-fault: corrupt one expected value; the run must then fail.
    for (int i = 1; i < argc; i++)
        if (std::string(argv[i]) == "--inject-fault") tb.expect[10] ^= 1;
    tb.clk(clk);
    tb.rst_n(rst_n);
    tb.in_valid(in_valid);
    tb.in_ready(in_ready);
    tb.in_op(in_op);
    tb.in_mode(in_mode);
    tb.in_fmt(in_fmt);
    tb.in_a(in_a);
    tb.in_b(in_b);
    tb.res_valid(res_valid);
    tb.res_ready(res_ready);
    tb.res_data(res_data);

    sc_start();
    bool ok = tb.done && tb.errors == 0 && tb.reads == tb.expect.size() && tb.reads > 0; // zero compared is a failure
    printf("rmmec systemc: %lu commands, %lu of %zu readouts compared, %lu mismatches: %s\n", tb.cmds, tb.reads,
           tb.expect.size(), tb.errors, ok ? "PASS" : "FAIL");
    dut.final();
    return ok ? 0 : 1;
}
