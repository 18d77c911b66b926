/* C API of the Verilated RMMEC (rtl/rmmec.v), for the runtime's `rtl`
 * backend: a GEMV streamed through the unit's one accumulator, row by row
 * (per row: one ACC command per packed word pair, then READ_CLEAR in the
 * requested readout format). Results equal golden rmmec_gemv bit for bit
 * (the co-simulation sim/rmmec_cosim.cpp proves the unit; this only drives
 * it). Link: build/verilator/rmmec/librmmec_rtl.a -lstdc++ (the archive holds
 * the Verilated model, the Verilator runtime and this wrapper). The archive
 * librmmec_rtl_fault.a has the same API on the model built with
 * -DRMMEC_FAULT_PP (one partial-product bit stuck at 0): a DUT-side fault.
 * One instance is not thread safe; separate instances are independent. */
#ifndef LPCS_SIM_RMMEC_RTL_H
#define LPCS_SIM_RMMEC_RTL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rmmec_rtl rmmec_rtl;

/* New unit instance, reset. NULL on allocation failure. */
rmmec_rtl *rmmec_rtl_open(void);
void rmmec_rtl_close(rmmec_rtl *u);

/* y[r] = readout(fmt) of sum_k w[r][k] . x[k] for r < rows, with mode and
 * fmt as golden/rmmec.h (rmmec_mode, rmmec_out) and words = packed words per
 * row. Returns 0 (LPCS_OK), -1 (LPCS_EINVAL: NULL, bad mode/fmt or sizes),
 * -2 (LPCS_ERANGE: the unit stopped answering - a hardware bug). */
int rmmec_rtl_gemv(rmmec_rtl *u, int mode, const uint16_t *w, size_t rows, size_t words, const uint16_t *x,
                   int fmt, uint32_t *y);

/* Clock cycles simulated so far (reset included). */
uint64_t rmmec_rtl_cycles(const rmmec_rtl *u);

#ifdef __cplusplus
}
#endif
#endif
