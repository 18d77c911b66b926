// What the thin C APIs over Verilated units (rmmec_rtl, shiftmac_rtl,
// pim_rtl) share: one model in its own context, a clock, a cycle count, and
// construction that reports failure as NULL to C callers.
#ifndef LPCS_SIM_VL_UNIT_H
#define LPCS_SIM_VL_UNIT_H

#include <cstdint>
#include <memory>
#include <new>

#include "verilated.h"

template <class V> struct vl_unit {
    std::unique_ptr<VerilatedContext> ctx{new VerilatedContext};
    std::unique_ptr<V> top{new V{ctx.get()}};
    uint64_t cycles = 0;

    // One clock cycle: inputs as set, evaluated low then high.
    void tick() {
        top->clk = 0;
        top->eval();
        top->clk = 1;
        top->eval();
        cycles++;
    }
};

// new T, or nullptr if it throws (the C API's *_open).
template <class T> T *vl_new() {
    try {
        return new T;
    } catch (...) {
        return nullptr;
    }
}

#endif
