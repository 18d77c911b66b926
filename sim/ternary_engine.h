// C++ driver of the Verilated ternary GEMV engine (rtl/ternary_gemv.v):
// converts golden's packed rows (golden/ternary.h layout) into the engine's
// buffer words, loads them through the load ports, runs, collects y.
// Matrices taller than the weight buffer are run in row chunks.
#ifndef LPCS_SIM_TERNARY_ENGINE_H
#define LPCS_SIM_TERNARY_ENGINE_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "Vternary_gemv.h"
#include "verilated.h"
#include "verilated_vcd_c.h"
#include "verilated_ports.h"

namespace ternary_sim {

struct EngineConfig {
    int lanes, ktile, wdepth, xdepth;
};

class Engine {
  public:
    // cfg must match the -G parameters the model was Verilated with.
    // mutant: mutsel of a yosys-mutated netlist (TERNARY_MUTSEL builds, tests/mutation.mk).
    explicit Engine(EngineConfig cfg, const char *vcd_path = nullptr, unsigned mutant = 0);
    ~Engine();
    Engine(const Engine &) = delete;
    Engine &operator=(const Engine &) = delete;

    // y[rows] = W x; packed rows as golden/ternary.h. Returns 0, or
    // -1 bad sizes, -2 invalid weight code (engine err flag), -3 timeout,
    // -4 busy/done protocol broken (busy low before done, or high with done).
    int gemv(const uint8_t *packed, size_t rows, size_t cols, const int8_t *x, int32_t *y);
    // Weight-stationary use: load a matrix once (it must fit the weight
    // buffer: rows <= rows_per_chunk(cols)), then run any number of x.
    int load(const uint8_t *packed, size_t rows, size_t cols);
    int run_loaded(const int8_t *x, int32_t *y);
    size_t rows_per_chunk(size_t cols) const;
    size_t max_cols() const { return (size_t)cfg_.xdepth * cfg_.ktile; }
    uint64_t cycles() const { return cycles_; }
    // Waveform only for cycles in [from, to) (the whole run by default).
    void set_vcd_window(uint64_t from, uint64_t to) { vcd_from_ = from, vcd_to_ = to; }
    uint64_t compute_cycles() const { return compute_cycles_; }
    const EngineConfig &config() const { return cfg_; }

  private:
    void tick();
    void load_x(const int8_t *x, size_t cols);
    void load_weights(const uint8_t *packed, size_t row0, size_t nrows, size_t cols);
    int compute(size_t nrows, size_t cols, int32_t *y);

    EngineConfig cfg_;
    std::unique_ptr<VerilatedContext> ctx_;
    std::unique_ptr<Vternary_gemv> top_;
    std::unique_ptr<VerilatedVcdC> vcd_;
    uint64_t vcd_from_ = 0, vcd_to_ = UINT64_MAX;
    uint64_t cycles_ = 0, compute_cycles_ = 0;
    size_t loaded_rows_ = 0, loaded_cols_ = 0;
};

}  // namespace ternary_sim
#endif
