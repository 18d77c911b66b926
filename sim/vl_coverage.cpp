// See vl_coverage.h.
#include "vl_coverage.h"

#include "verilated.h"
#if VM_COVERAGE
#include "verilated_cov.h"
#endif

extern "C" int vl_coverage_write(const char *path) {
#if VM_COVERAGE
    if (!path) return -1;
    VerilatedCov::write(path);
    return 0;
#else
    (void)path;
    return -1;
#endif
}
