/* Writes the coverage counters of every Verilated model of the process
 * (built with --coverage-toggle) to path: the C side of issue 16's
 * switching-activity drivers. Returns 0, or -1 if the model was built
 * without coverage (VM_COVERAGE 0) or path is NULL. */
#ifndef LPCS_SIM_VL_COVERAGE_H
#define LPCS_SIM_VL_COVERAGE_H

#ifdef __cplusplus
extern "C" {
#endif

int vl_coverage_write(const char *path);

#ifdef __cplusplus
}
#endif
#endif
