/* Backend "rtl" when the Verilated engine is not linked: registered, supports
 * no op, so everything falls back. The real one is sw_runtime/rtl/
 * backend_rtl_verilated.c (it replaces this archive member at link time). */
#include "backend_rtl.h"
#include "engine.h"

static int rtl_supports(const rt_backend_inst *be, const rt_engine *eng, const rt_op *op) {
    (void)be, (void)eng, (void)op;
    return 0;
}

static int rtl_exec(rt_backend_inst *be, rt_engine *eng, rt_op *op, int n_tokens) {
    (void)be, (void)eng, (void)op, (void)n_tokens;
    return LPCS_EUNSUPPORTED;
}

unsigned long long rt_rtl_cycles(const rt_engine *eng) {
    (void)eng;
    return 0;
}

unsigned long long rt_rtl_unit_cycles(const rt_engine *eng, const char *unit) {
    (void)eng, (void)unit;
    return 0;
}

int rt_rtl_lanes(void) { return 0; }

const rt_backend_iface rt_backend_rtl = {.name = "rtl", .supports = rtl_supports, .exec = rtl_exec};
