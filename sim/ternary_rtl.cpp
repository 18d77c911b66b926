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

void ternary_rtl_vcd_window(ternary_rtl *e, uint64_t from, uint64_t to) {
    if (e) e->eng.set_vcd_window(from, to);
}

static int status_of(int engine_status) {
    switch (engine_status) {
    case 0: return 0;
    case -2: return -4; /* invalid weight code: LPCS_EFORMAT */
    case -3: return -2; /* engine did not finish: LPCS_ERANGE */
    default: return -1; /* LPCS_EINVAL */
    }
}

int ternary_rtl_gemv(ternary_rtl *e, const uint8_t *packed, size_t rows, size_t cols, const int8_t *x,
                     int32_t *y) {
    return e ? status_of(e->eng.gemv(packed, rows, cols, x, y)) : -1;
}

int ternary_rtl_load(ternary_rtl *e, const uint8_t *packed, size_t rows, size_t cols) {
    return e ? status_of(e->eng.load(packed, rows, cols)) : -1;
}

int ternary_rtl_run(ternary_rtl *e, const int8_t *x, int32_t *y) {
    return e ? status_of(e->eng.run_loaded(x, y)) : -1;
}

size_t ternary_rtl_max_rows(size_t cols) {
    if (cols == 0 || cols > (size_t)TERNARY_XDEPTH * TERNARY_KTILE) return 0;
    return (size_t)(TERNARY_WDEPTH / ((cols + TERNARY_KTILE - 1) / TERNARY_KTILE)) * TERNARY_LANES;
}

uint64_t ternary_rtl_cycles(const ternary_rtl *e) { return e ? e->eng.cycles() : 0; }
uint64_t ternary_rtl_compute_cycles(const ternary_rtl *e) { return e ? e->eng.compute_cycles() : 0; }

}  // extern "C"
