// C API over the Verilated shift-MAC engine (see shiftmac_rtl.h). The -D
// parameters SM_LANES/KTILE/WDEPTH/XDEPTH come from sim/shiftmac.mk and match
// the -G parameters the model was Verilated with.
#include "shiftmac_rtl.h"

#include "Vshiftmac_gemv.h"
#include "vl_unit.h"

namespace {
const size_t L = SM_LANES, KT = SM_KTILE;

// Sets bits [off, off + width) of a wide port from v (width <= 32, no straddle of the 32-bit word needed).
void put(VlWide<(4 * SM_LANES * SM_KTILE + 31) / 32> &port, size_t off, uint32_t v, size_t width) {
    for (size_t b = 0; b < width; b++) {
        uint32_t &w = port[(off + b) / 32];
        w = (w & ~(1u << ((off + b) % 32))) | (((v >> b) & 1u) << ((off + b) % 32));
    }
}
} // namespace

struct shiftmac_rtl : vl_unit<Vshiftmac_gemv> {
    shiftmac_rtl() {
        top->rst = 1, top->start = 0, top->w_we = 0, top->x_we = 0;
        tick();
        tick();
        top->rst = 0;
    }
    void load_x(const int8_t *x, size_t cols, size_t T) {
        for (size_t t = 0; t < T; t++) {
            for (size_t j = 0; j < KT; j++) {
                size_t k = t * KT + j;
                uint32_t v = k < cols ? (uint8_t)x[k] : 0u;
                top->x_wdata[j / 4] = (top->x_wdata[j / 4] & ~(0xffu << (8 * (j % 4)))) | v << (8 * (j % 4));
            }
            top->x_addr = (uint32_t)t;
            top->x_we = 1;
            tick();
        }
        top->x_we = 0;
    }
    // Word g*T + t: rows g*L + l, columns t*KT + j (code 0 past the matrix: masked / dropped).
    void load_w(const uint8_t *packed, size_t row0, size_t nrows, size_t cols, size_t T) {
        const size_t rb = (cols + 1) / 2, G = (nrows + L - 1) / L;
        for (size_t g = 0; g < G; g++)
            for (size_t t = 0; t < T; t++) {
                for (size_t l = 0; l < L; l++)
                    for (size_t j = 0; j < KT; j++) {
                        size_t r = g * L + l, k = t * KT + j;
                        uint32_t code = r < nrows && k < cols ? (packed[(row0 + r) * rb + k / 2] >> (4 * (k % 2))) & 15u : 0u;
                        put(top->w_wdata, 4 * (l * KT + j), code, 4);
                    }
                top->w_addr = (uint32_t)(g * T + t);
                top->w_we = 1;
                tick();
            }
        top->w_we = 0;
    }
    int compute(size_t nrows, size_t cols, size_t T, int32_t *y) {
        const size_t G = (nrows + L - 1) / L;
        top->n_groups = (uint32_t)G;
        top->n_tiles = (uint32_t)T;
        top->k_len = (uint32_t)cols;
        top->start = 1;
        tick();
        top->start = 0;
        size_t seen = 0;
        const uint64_t limit = cycles + G * T + 64;
        for (;;) {
            if (top->y_valid && top->y_group < G) {
                for (size_t l = 0; l < L; l++)
                    if (top->y_group * L + l < nrows) y[top->y_group * L + l] = (int32_t)top->y_data[l];
                seen++;
            }
            if (top->done) break;
            if (cycles > limit) return -2;
            tick();
        }
        return seen == G ? 0 : -2;
    }
};

extern "C" {

shiftmac_rtl *shiftmac_rtl_open(void) { return vl_new<shiftmac_rtl>(); }

void shiftmac_rtl_close(shiftmac_rtl *e) { delete e; }

size_t shiftmac_rtl_max_cols(void) { return (size_t)SM_XDEPTH * SM_KTILE; }

uint64_t shiftmac_rtl_cycles(const shiftmac_rtl *e) { return e ? e->cycles : 0; }

int shiftmac_rtl_gemv(shiftmac_rtl *e, const uint8_t *packed, size_t rows, size_t cols, const int8_t *x,
                      int32_t *y) {
    if (!e || !packed || !x || !y || rows == 0 || cols == 0 || cols > shiftmac_rtl_max_cols()) return -1;
    const size_t T = (cols + KT - 1) / KT, chunk = SM_WDEPTH / T * L;
    e->load_x(x, cols, T);
    for (size_t r0 = 0; r0 < rows; r0 += chunk) {
        size_t n = rows - r0 < chunk ? rows - r0 : chunk;
        e->load_w(packed, r0, n, cols, T);
        int st = e->compute(n, cols, T, y + r0);
        if (st) return st;
    }
    return 0;
}

} // extern "C"
