// SystemC wrapper of one PIM bank: the Verilated RTL (verilator --sc) behind a
// blocking command API that SC_THREADs of a platform call. Each call drives
// the bank's command port for as many clock cycles as the RTL takes, so
// simulated time is the RTL's cycle count.
#ifndef LPCS_SIM_LUTGEMV_SC_H
#define LPCS_SIM_LUTGEMV_SC_H

#include <cstdint>
#include <vector>

#include <systemc.h>

#include "Vpim_bank.h"

SC_MODULE(lutgemv_bank_sc) {
    sc_in<bool> clk;
    Vpim_bank rtl;

    enum { OP_BUILD = 1, OP_LOADX = 2, OP_RUN = 3, OP_READ = 4 };

    SC_CTOR(lutgemv_bank_sc) : rtl("rtl") {
        rtl.clk(clk);
        rtl.rst(rst_);
        rtl.cfg_rows(cfg_rows_);
        rtl.cfg_groups(cfg_groups_);
        rtl.cfg_batch(cfg_batch_);
        rtl.cfg_top_plane(cfg_top_plane_);
        rtl.cfg_pattern(cfg_pattern_);
        rtl.cmd_valid(cmd_valid_);
        rtl.cmd_ready(cmd_ready_);
        rtl.cmd_op(cmd_op_);
        rtl.cmd_addr(cmd_addr_);
        rtl.cmd_data(cmd_data_);
        rtl.rsp_valid(rsp_valid_);
        rtl.rsp_data(rsp_data_);
        rtl.stat_lookups(stat_lookups_);
    }

    // All calls below must come from an SC_THREAD (they wait on the clock).
    void reset() {
        rst_.write(true);
        cmd_valid_.write(false);
        wait_cycles(2);
        rst_.write(false);
        wait_cycles(1);
    }
    void build(unsigned row_grp, uint64_t weights) { command(OP_BUILD, row_grp, weights); }
    void load_x(unsigned tok_grp, uint64_t acts) { command(OP_LOADX, tok_grp, acts); }
    // Runs the GEMV; returns the cycles from acceptance until the bank is idle.
    uint64_t run(unsigned rows, unsigned groups, unsigned batch, unsigned a_bits, bool pattern) {
        cfg_rows_.write(rows);
        cfg_groups_.write(groups);
        cfg_batch_.write(batch);
        cfg_top_plane_.write(a_bits - 1);
        cfg_pattern_.write(pattern);
        sc_time t0 = sc_time_stamp();
        command(OP_RUN, 0, 0);
        wait_idle();
        return (uint64_t)((sc_time_stamp() - t0) / clk_period());
    }
    // Reads one accumulator (raw ACC-bit pattern).
    uint32_t read(unsigned row_tok) {
        command(OP_READ, row_tok, 0);
        return rsp_data_.read();  // registered at the accept edge
    }
    uint32_t lookups() const { return stat_lookups_.read(); }

  private:
    sc_signal<bool> rst_, cfg_pattern_, cmd_valid_, cmd_ready_, rsp_valid_;
    sc_signal<uint32_t> cfg_rows_, cfg_groups_, cfg_batch_, cfg_top_plane_, cmd_op_, cmd_addr_, rsp_data_,
        stat_lookups_;
    sc_signal<uint64_t> cmd_data_;

    sc_time clk_period() const { return sc_time(10, SC_NS); }
    void wait_cycles(int n) {
        for (int i = 0; i < n; i++) {
            wait(clk.posedge_event());
            wait(SC_ZERO_TIME);  // the RTL evaluates this edge ...
            wait(SC_ZERO_TIME);  // ... and its outputs settle
        }
    }
    void wait_idle() {
        while (!cmd_ready_.read()) wait_cycles(1);
    }
    // Drives one command for the cycle in which the bank accepts it.
    void command(unsigned op, unsigned addr, uint64_t data) {
        wait_idle();
        cmd_valid_.write(true);
        cmd_op_.write(op);
        cmd_addr_.write(addr);
        cmd_data_.write(data);
        wait_cycles(1);
        cmd_valid_.write(false);
    }
};

#endif
