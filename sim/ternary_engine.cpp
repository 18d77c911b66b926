// Driver of the Verilated ternary GEMV engine (see ternary_engine.h).
#include "ternary_engine.h"

#include <algorithm>

namespace ternary_sim {

Engine::Engine(EngineConfig cfg, const char *vcd_path, unsigned mutant) : cfg_(cfg), ctx_(new VerilatedContext) {
    if (vcd_path) ctx_->traceEverOn(true);
    top_.reset(new Vternary_gemv(ctx_.get(), "ternary_gemv"));
#ifdef TERNARY_MUTSEL
    top_->mutsel = (uint16_t)mutant;
#else
    (void)mutant;
#endif
    if (vcd_path) {
        vcd_.reset(new VerilatedVcdC);
        top_->trace(vcd_.get(), 99);
        vcd_->open(vcd_path);
    }
    top_->clk = 0;
    top_->rst = 1;
    top_->start = 0;
    top_->w_we = 0;
    top_->x_we = 0;
    tick();
    tick();
    top_->rst = 0;
}

Engine::~Engine() {
    if (vcd_) vcd_->close();
    top_->final();
}

void Engine::tick() {
    bool dump = vcd_ && cycles_ >= vcd_from_ && cycles_ < vcd_to_;
    top_->clk = 0;
    top_->eval();
    if (dump) vcd_->dump(ctx_->time());
    ctx_->timeInc(1);
    top_->clk = 1;
    top_->eval();
    if (dump) vcd_->dump(ctx_->time());
    ctx_->timeInc(1);
    cycles_++;
}

static int code_at(const uint8_t *row, size_t k) { return (row[k / 4] >> (2 * (k % 4))) & 3; }

void Engine::load_weights(const uint8_t *packed, size_t row0, size_t nrows, size_t cols) {
    const int L = cfg_.lanes, KT = cfg_.ktile;
    const size_t rb = cols / 4 + (cols % 4 != 0);
    const size_t ntiles = (cols + KT - 1) / KT, ngroups = (nrows + L - 1) / L;
    // weights: word g*ntiles + t. Rows past the matrix get code 00; columns
    // past cols get junk (01/10/11), which k_len must mask (including the
    // invalid code 10, which must not raise err there).
    std::vector<uint32_t> word((2 * L * KT + 31) / 32);
    for (size_t g = 0; g < ngroups; g++)
        for (size_t t = 0; t < ntiles; t++) {
            std::fill(word.begin(), word.end(), 0u);
            for (int l = 0; l < L; l++)
                for (int j = 0; j < KT; j++) {
                    size_t r = g * L + l, k = t * KT + j;
                    int code = r >= nrows ? 0 : (k < cols ? code_at(packed + (row0 + r) * rb, k) : j % 3 + 1);
                    int bit = 2 * (l * KT + j);
                    word[bit / 32] |= (uint32_t)code << (bit % 32);
                }
            put_words(top_->w_wdata, word.data(), 2 * L * KT);
            top_->w_addr = (uint32_t)(g * ntiles + t);
            top_->w_we = 1;
            tick();
        }
    top_->w_we = 0;
}

int Engine::compute(size_t nrows, size_t cols, int32_t *y) {
    const int L = cfg_.lanes, KT = cfg_.ktile;
    const size_t ntiles = (cols + KT - 1) / KT, ngroups = (nrows + L - 1) / L;
    top_->n_groups = (uint32_t)ngroups;
    top_->n_tiles = (uint32_t)ntiles;
    top_->k_len = (uint32_t)cols;
    top_->start = 1;
    tick();
    top_->start = 0;
    size_t got = 0;
    uint64_t limit = ngroups * ntiles + 64, c0 = cycles_;
    while (!top_->done) {
        if (!top_->busy) return -4; // busy must hold from start until done
        if (top_->y_valid) {
            size_t g = (size_t)top_->y_group;
            for (int l = 0; l < L; l++)
                if (g * L + l < nrows) y[g * L + l] = (int32_t)(uint32_t)get_bits(top_->y_data, 32 * l, 32);
            got++;
        }
        tick();
        if (cycles_ - c0 > limit) return -3;
    }
    if (top_->y_valid) { // the last group's results arrive with done
        size_t g = (size_t)top_->y_group;
        for (int l = 0; l < L; l++)
            if (g * L + l < nrows) y[g * L + l] = (int32_t)(uint32_t)get_bits(top_->y_data, 32 * l, 32);
        got++;
    }
    compute_cycles_ += cycles_ - c0;
    if (got != ngroups) return -3;
    if (top_->busy) return -4; // and drop with done
    return top_->err ? -2 : 0;
}

void Engine::load_x(const int8_t *x, size_t cols) {
    const int KT = cfg_.ktile;
    const size_t ntiles = (cols + KT - 1) / KT;
    // activations; columns past cols are masked by k_len, so fill them with junk
    std::vector<uint32_t> word((8 * KT + 31) / 32);
    for (size_t t = 0; t < ntiles; t++) {
        std::fill(word.begin(), word.end(), 0u);
        for (int j = 0; j < KT; j++) {
            size_t k = t * KT + j;
            uint32_t v = k < cols ? (uint8_t)x[k] : (uint8_t)(0xA5 + j);
            word[j / 4] |= v << (8 * (j % 4));
        }
        put_words(top_->x_wdata, word.data(), 8 * KT);
        top_->x_addr = (uint32_t)t;
        top_->x_we = 1;
        tick();
    }
    top_->x_we = 0;
}

size_t Engine::rows_per_chunk(size_t cols) const {
    return (size_t)(cfg_.wdepth / ((cols + cfg_.ktile - 1) / cfg_.ktile)) * cfg_.lanes;
}

int Engine::gemv(const uint8_t *packed, size_t rows, size_t cols, const int8_t *x, int32_t *y) {
    if (!packed || !x || !y || rows == 0 || cols == 0 || cols > max_cols()) return -1;
    loaded_rows_ = 0; // the weight buffer is about to be overwritten
    load_x(x, cols);
    const size_t chunk = rows_per_chunk(cols);
    if (chunk == 0) return -1;
    for (size_t r0 = 0; r0 < rows; r0 += chunk) {
        size_t n = rows - r0 < chunk ? rows - r0 : chunk;
        load_weights(packed, r0, n, cols);
        int st = compute(n, cols, y + r0);
        if (st) return st;
    }
    return 0;
}

int Engine::load(const uint8_t *packed, size_t rows, size_t cols) {
    loaded_rows_ = 0;
    if (!packed || rows == 0 || cols == 0 || cols > max_cols() || rows > rows_per_chunk(cols)) return -1;
    load_weights(packed, 0, rows, cols);
    loaded_rows_ = rows, loaded_cols_ = cols;
    return 0;
}

int Engine::run_loaded(const int8_t *x, int32_t *y) {
    if (!x || !y || loaded_rows_ == 0) return -1;
    load_x(x, loaded_cols_);
    return compute(loaded_rows_, loaded_cols_, y);
}

}  // namespace ternary_sim
