/* Backend "rtl": Verilated accelerator units on real tensors (slow; must
 * match cpu bit for bit). Hook only in this build: the ternary engine's
 * C-callable model (sim/ternary_rtl.h) is not wired in yet, so it supports
 * no op and everything falls back. */
#include "engine.h"

static int rtl_supports(const rt_engine *eng, const rt_op *op) {
    (void)eng;
    (void)op;
    return 0;
}

static int rtl_exec(rt_engine *eng, rt_op *op) {
    (void)eng;
    (void)op;
    return LPCS_EUNSUPPORTED;
}

const rt_backend rt_backend_rtl = {"rtl", rtl_supports, rtl_exec};
