/* C API of the Verilated shift-MAC GEMV engine (rtl/shiftmac_gemv.v), for
 * the runtime's `rtl` backend: y = W x, int32, exact, with W packed as
 * golden/shiftmac.h (4-bit codes) and x int8. Matrices taller than the
 * weight buffer run in row chunks. Bit-equal to golden shiftmac_gemv_i32
 * (proved by sim/shiftmac_cosim.cpp; this only drives the engine).
 * Link: build/verilator/shiftmac/rt/libshiftmac_rtl.a -lstdc++.
 * One instance is not thread safe; separate instances are independent. */
#ifndef LPCS_SIM_SHIFTMAC_RTL_H
#define LPCS_SIM_SHIFTMAC_RTL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct shiftmac_rtl shiftmac_rtl;

shiftmac_rtl *shiftmac_rtl_open(void);
void shiftmac_rtl_close(shiftmac_rtl *e);
/* Largest K one GEMV accepts (XDEPTH * KTILE of the build). */
size_t shiftmac_rtl_max_cols(void);
/* Returns 0, -1 (LPCS_EINVAL: NULL or sizes out of range), -2 (LPCS_ERANGE:
 * the engine did not deliver every row group in time - a hardware bug). */
int shiftmac_rtl_gemv(shiftmac_rtl *e, const uint8_t *packed, size_t rows, size_t cols, const int8_t *x,
                      int32_t *y);
/* Clock cycles simulated so far (buffer loads included). */
uint64_t shiftmac_rtl_cycles(const shiftmac_rtl *e);

#ifdef __cplusplus
}
#endif
#endif
