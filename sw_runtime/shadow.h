/* --check (shadow) mode: an op placed on sim, rtl or cuda also runs on the
 * cpu backend (the golden reference) from the same inputs, and every float
 * it wrote must match bit for bit. The first mismatch stops the engine with
 * a message naming op, layer, token, buffer and element (for rtl also the
 * engine's cycle counter and lane). */
#ifndef LPCS_RT_SHADOW_H
#define LPCS_RT_SHADOW_H

#include "engine.h"

/* Runs op on its backend and on cpu and compares. LPCS_OK; or an error with
 * the message in e (the backend's failure, or LPCS_EINVAL on a mismatch). */
int rt_shadow_exec(rt_engine *eng, rt_op *op, rt_err *e);

/* Fault injection for tests of the check itself: if op is eng->fault_op,
 * flips the sign of one output element (as a corrupted weight row of the
 * unit would). Called by the analytical sim backend; the SystemC platform
 * corrupts its own weight tile instead (plat_data.fault, backend_platform.c). */
void rt_inject_fault(rt_engine *eng, const rt_op *op);
/* 1 if op is the one eng->fault_op names. */
int rt_is_fault_op(const rt_engine *eng, const rt_op *op);
/* A copy of a packed ternary matrix (golden/ternary.h layout) with one
 * corrupted weight tile: 16 codes of the middle row rotated 0 -> +1 -> -1
 * -> 0. Caller frees; NULL if out of memory. */
uint8_t *rt_fault_tile_copy(const uint8_t *packed, size_t rows, size_t cols);

#endif
