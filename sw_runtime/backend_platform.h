/* The SystemC platform as a backend (backend_platform.c; registered by the
 * CLI as "sim", configuration const dp_config *) and as the per-token timing
 * of `lpcs sweep --mode platform`. Linking it needs build/platform/libplatform.a
 * and SystemC. */
#ifndef LPCS_RT_BACKEND_PLATFORM_H
#define LPCS_RT_BACKEND_PLATFORM_H

#include <stdio.h>

#include "engine.h"
#include "rt_arch.h"

/* One token's op list at position pos through the platform on design point
 * d (totals like rt_arch_token_cost). explain (may be NULL) gets one line per
 * op: model vs platform cycles. */
int rt_platform_token_cost(const rt_engine *eng, const dp_config *d, int pos, rt_arch_token *tot, FILE *explain);
/* Bytes op i of eng moved on its platform backend so far, and its unit; -1
 * if eng has no platform backend that ran. */
int rt_platform_op_bytes(const rt_engine *eng, int i, double *dram, double *sram, int *unit);

#endif
