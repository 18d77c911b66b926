// SystemC testbench of the ternary GEMV engine (sim/gemv_sc_tb.h): every
// result checked against golden ternary_gemv_i32. --inject-fault corrupts one
// result (the run must fail).
// Built for LANES=4 KTILE=8 (64-bit load ports, 128-bit result port).
#include "Vternary_gemv.h"
#include "gemv_sc_tb.h"
#include "ternary.h"

struct TernaryUnit {
    typedef Vternary_gemv Dut;
    typedef int8_t Code; // -1, 0, +1
    typedef uint64_t XWord;
    static const int LANES = TERNARY_SC_LANES, KTILE = TERNARY_SC_KTILE, XDEPTH = TERNARY_SC_XDEPTH;
    static const int CODE_BITS = 2, RANDOM_W = 2;
    static constexpr int modes[7][2] = {{0, 1000}, {2, 0}, {1, 127}, {1, -128}, {-1, -128}, {-1, 127}, {2, 1000}};
    static uint64_t wire(bool in, Code v) { return !in || v == 0 ? 0 : v > 0 ? 1 : 3; }
    static Code random_code(uint64_t r) { return (Code)((int)(r % 3) - 1); }
    static size_t row_bytes(size_t cols) { return ternary_row_bytes(cols); }
    static void pack(const Code *w, size_t rows, size_t cols, uint8_t *out) { ternary_pack_matrix(w, rows, cols, out); }
    static int gemv(const uint8_t *p, size_t rows, size_t cols, const int8_t *x, int32_t *y) {
        return ternary_gemv_i32(p, rows, cols, x, y);
    }
    template <class Tb> static void bind_extra(Dut &dut, Tb &tb) { dut.err(tb.err); }
};

int sc_main(int argc, char **argv) { return gemv_sc_main<TernaryUnit>("ternary", argc, argv, 2000); }
