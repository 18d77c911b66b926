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

/* SM count of the current device, queried once per device (launch plans ask
 * on every call; an attribute query per launch would add host overhead). */
static inline int lpcs_sm_count(void) {
    static int cache[64];
    int dev = 0;
    if (cudaGetDevice(&dev) != cudaSuccess || dev < 0 || dev >= 64) return 132;
    if (!cache[dev]) {
        int n = 0;
        if (cudaDeviceGetAttribute(&n, cudaDevAttrMultiProcessorCount, dev) != cudaSuccess || n < 1) n = 132;
        cache[dev] = n;
    }
    return cache[dev];
}

#endif
