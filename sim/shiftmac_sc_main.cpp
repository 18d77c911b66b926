// SystemC testbench of the shift-MAC GEMV engine (sim/gemv_sc_tb.h): every
// result checked against golden shiftmac_gemv_i32. sim/shiftmac.mk builds it
// twice: as is, and with the RTL mutated (-GFAULT=1), which must fail.
// Built for LANES=4 KTILE=4 (64-bit weight port, 32-bit x port, 128-bit results).
#include "Vshiftmac_gemv.h"
#include "gemv_sc_tb.h"
#include "shiftmac.h"

struct ShiftmacUnit {
    typedef Vshiftmac_gemv Dut;
    typedef uint8_t Code; // 4-bit sign/shift codes 0..15
    typedef uint32_t XWord;
    static const int LANES = SM_SC_LANES, KTILE = SM_SC_KTILE, XDEPTH = SM_SC_XDEPTH;
    static const int CODE_BITS = 4, RANDOM_W = 16;
    static constexpr int modes[7][2] = {{0, -128}, {8, -128}, {8, 127}, {7, -128}, {15, 127}, {16, 0}, {16, 1000}};
    static uint64_t wire(bool in, Code c) { return in ? c : 0x5; }
    static Code random_code(uint64_t r) { return (Code)(r & 15); }
    static size_t row_bytes(size_t cols) { return shiftmac_row_bytes(cols); }
    static void pack(const Code *w, size_t rows, size_t cols, uint8_t *out) { shiftmac_pack_matrix(w, rows, cols, out); }
    static int gemv(const uint8_t *p, size_t rows, size_t cols, const int8_t *x, int32_t *y) {
        return shiftmac_gemv_i32(p, rows, cols, x, y);
    }
    template <class Tb> static void bind_extra(Dut &, Tb &) {} // no err port
};

int sc_main(int argc, char **argv) { return gemv_sc_main<ShiftmacUnit>("shiftmac", argc, argv, 2000); }
