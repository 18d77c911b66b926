/* The "lutgemv" unit's matmul (unit_matmul.h contract) on the Verilated PIM
 * bank (sim/pim_rtl.h): the rtl backend's exact LUT-GEMV ops (exact.h maps
 * integer / ternary weights with integer activations to the PIM unit).
 * ctx: a pim_rtl instance. The tokens
 * of one call go through the bank together, up to its batch (8) at a time,
 * pattern-aware lookup on; the result equals golden's batch-1 GEMV per token
 * (rt_unit_mm_golden_lutgemv; checked by tests/test_pim_rtl_tiles.c).
 * Link: build/verilator/lutgemv/rt/libpim_rtl.a -lstdc++. */
#ifndef LPCS_RT_UNIT_MM_PIM_RTL_H
#define LPCS_RT_UNIT_MM_PIM_RTL_H

#include "unit_matmul.h"

extern const rt_unit_mm rt_unit_mm_rtl_lutgemv;

#endif
