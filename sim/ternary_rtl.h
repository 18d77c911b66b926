/* C API of the Verilated ternary GEMV engine, for the runtime's `rtl`
 * backend. Link: build/verilator/ternary/libternary_rtl.a -lstdc++ -lpthread -lm
 * (the archive holds the Verilated model, the Verilator runtime objects and
 * this wrapper; it needs nothing from libgolden.a). Build it with
 * `make build/verilator/ternary/libternary_rtl.a`.
 *
 * Engine configuration baked into the library: see ternary_rtl_info().
 * Weights use golden/ternary.h's packed row layout; results are exact int32
 * (bit-equal to ternary_gemv_i32). One instance is not thread safe; separate
 * instances are independent. */
#ifndef LPCS_SIM_TERNARY_RTL_H
#define LPCS_SIM_TERNARY_RTL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ternary_rtl ternary_rtl;

typedef struct {
    int lanes;          /* rows computed in parallel */
    int ktile;          /* columns per cycle per lane */
    int wdepth;         /* weight buffer words (lanes*ktile codes each) */
    size_t max_cols;    /* largest K one run accepts */
} ternary_rtl_config;

/* New engine instance; vcd_path (may be NULL) receives a waveform of
 * everything it runs. NULL on allocation failure. */
ternary_rtl *ternary_rtl_open(const char *vcd_path);
void ternary_rtl_close(ternary_rtl *e);
/* Limits the waveform to clock cycles [from, to) of ternary_rtl_cycles()
 * (a window around a mismatch instead of the whole run). */
void ternary_rtl_vcd_window(ternary_rtl *e, uint64_t from, uint64_t to);
ternary_rtl_config ternary_rtl_info(void);

/* y[rows] = W[rows][cols] . x[cols], packed as golden/ternary.h. Returns 0
 * (LPCS_OK), -1 (LPCS_EINVAL: NULL or sizes out of range, cols > max_cols),
 * -4 (LPCS_EFORMAT: a weight code 0b10, flagged by the engine), -2
 * (LPCS_ERANGE: the engine did not finish in time — a hardware bug). Tall
 * matrices are run in row chunks that fit the weight buffer. */
int ternary_rtl_gemv(ternary_rtl *e, const uint8_t *packed, size_t rows, size_t cols, const int8_t *x,
                     int32_t *y);
/* Weight-stationary use (e.g. one instance per matrix, weights loaded once):
 * ternary_rtl_load keeps W in the engine's weight buffer (LPCS_EINVAL = -1
 * if rows > ternary_rtl_max_rows(cols) or sizes are bad); ternary_rtl_run
 * then computes y = W x for any x, loading only the activations. A later
 * ternary_rtl_gemv on the same instance overwrites the loaded matrix
 * (ternary_rtl_run then returns -1). Return codes as ternary_rtl_gemv. */
int ternary_rtl_load(ternary_rtl *e, const uint8_t *packed, size_t rows, size_t cols);
int ternary_rtl_run(ternary_rtl *e, const int8_t *x, int32_t *y);
size_t ternary_rtl_max_rows(size_t cols);

/* Clock cycles simulated so far (loading included) and the compute part. */
uint64_t ternary_rtl_cycles(const ternary_rtl *e);
uint64_t ternary_rtl_compute_cycles(const ternary_rtl *e);
/* Toggle counters of builds Verilated with --coverage-toggle (make
 * ternary-activity): sim/vl_coverage.h. */

#ifdef __cplusplus
}
#endif
#endif
