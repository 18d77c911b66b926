// C API over the C++ engine driver (see ternary_rtl.h). The -D parameters
// TERNARY_LANES/KTILE/WDEPTH/XDEPTH come from sim/ternary.mk and match the
// -G parameters the model was Verilated with.
#include "ternary_rtl.h"

#include <new>

#include "ternary_engine.h"

struct ternary_rtl {
    ternary_sim::Engine eng;
    explicit ternary_rtl(const char *vcd) : eng({TERNARY_LANES, TERNARY_KTILE, TERNARY_WDEPTH, TERNARY_XDEPTH}, vcd) {}
};

extern "C" {

ternary_rtl_config ternary_rtl_info(void) {
    ternary_rtl_config c;
    c.lanes = TERNARY_LANES;
    c.ktile = TERNARY_KTILE;
    c.wdepth = TERNARY_WDEPTH;
    c.max_cols = (size_t)TERNARY_XDEPTH * TERNARY_KTILE;
    return c;
}

ternary_rtl *ternary_rtl_open(const char *vcd_path) {
    try {
        return new ternary_rtl(vcd_path);
    } catch (...) {
        return nullptr;
    }
}

void ternary_rtl_close(ternary_rtl *e) { delete e; }

int ternary_rtl_gemv(ternary_rtl *e, const uint8_t *packed, size_t rows, size_t cols, const int8_t *x,
                     int32_t *y) {
    if (!e) return -1;
    switch (e->eng.gemv(packed, rows, cols, x, y)) {
    case 0: return 0;
    case -2: return -4;
    case -3: return -2;
    default: return -1;
    }
}

uint64_t ternary_rtl_cycles(const ternary_rtl *e) { return e ? e->eng.cycles() : 0; }
uint64_t ternary_rtl_compute_cycles(const ternary_rtl *e) { return e ? e->eng.compute_cycles() : 0; }

}  // extern "C"
