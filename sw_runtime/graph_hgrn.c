/* The HGRN-Bit (MatMul-free LM) forward as an op list; BitLinear and the
 * ternary GEMV come from the golden ternary module. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "graph_util.h"

#if defined(__has_include)
#if __has_include("bitlinear.h")
#define RT_HAVE_BITLINEAR 1
#endif
#endif

#ifndef RT_HAVE_BITLINEAR
int rt_graph_hgrn(rt_engine *eng, rt_err *e) {
    return rt_fail(e, LPCS_EUNSUPPORTED, "%s: hgrn_bit needs golden/bitlinear.h, which this build lacks",
                   eng->m->path);
}
int rt_hgrn_exec(rt_engine *eng, rt_op *op) {
    (void)eng;
    (void)op;
    return LPCS_EUNSUPPORTED;
}
void rt_hgrn_free_aux(rt_engine *eng) { (void)eng; }
#endif
