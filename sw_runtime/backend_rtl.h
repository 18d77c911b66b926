/* Backend "rtl" (backend_rtl.c): its configuration and its counters. */
#ifndef LPCS_RT_BACKEND_RTL_H
#define LPCS_RT_BACKEND_RTL_H

#include "engine.h"

typedef struct {
    const char *vcd_path; /* waveform of the Verilated engine, NULL = none */
    unsigned long long vcd_from, vcd_to; /* only clock cycles [from, to) in it (to = 0: all) */
} rt_rtl_config;

/* Simulated clock cycles of eng's rtl backend so far (0 if it never ran). */
unsigned long long rt_rtl_cycles(const rt_engine *eng);
/* Simulated clock cycles of one unit's Verilated model on eng's rtl backend
 * ("ternary", "rmmec", "shiftmac"; 0 if it never ran or is not linked). */
unsigned long long rt_rtl_unit_cycles(const rt_engine *eng, const char *unit);
/* Rows the engine computes in parallel (0 without the Verilated engine). */
int rt_rtl_lanes(void);

#endif
