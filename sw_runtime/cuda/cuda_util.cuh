/* Small helpers shared by the lpcs CUDA sources (device code and hosts). */
#ifndef LPCS_CUDA_UTIL_CUH
#define LPCS_CUDA_UTIL_CUH

#include <cuda_runtime.h>
#include <stdio.h>

/* Evaluates a CUDA runtime call; on failure prints where and returns `ret`. */
#define LPCS_CU_TRY(call, ret)                                                  \
    do {                                                                        \
        cudaError_t e_ = (call);                                                \
        if (e_ != cudaSuccess) {                                                \
            fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #call,       \
                    cudaGetErrorString(e_));                                    \
            return ret;                                                         \
        }                                                                       \
    } while (0)

static inline size_t lpcs_ceil_div(size_t a, size_t b) { return (a + b - 1) / b; }

/* SM count of the current device. Asked on every launch plan: an attribute
 * query is a host-side lookup (no state kept here: no cache in a header). */
static inline int lpcs_sm_count(void) {
    int dev = 0, n = 0;
    if (cudaGetDevice(&dev) != cudaSuccess) return 132;
    if (cudaDeviceGetAttribute(&n, cudaDevAttrMultiProcessorCount, dev) != cudaSuccess || n < 1) n = 132;
    return n;
}

#endif
