/* Backend "cuda": hooks for the CUDA kernels. Without a CUDA build
 * (LPCS_WITH_CUDA) it is registered but supports no op. */
#include "engine.h"

static int cuda_supports(const rt_engine *eng, const rt_op *op) {
    (void)eng;
    (void)op;
#ifdef LPCS_WITH_CUDA
    return 0; /* kernels register here when the CUDA work lands */
#else
    return 0;
#endif
}

static int cuda_exec(rt_engine *eng, rt_op *op) {
    (void)eng;
    (void)op;
    return LPCS_EUNSUPPORTED;
}

const rt_backend rt_backend_cuda = {"cuda", cuda_supports, cuda_exec, NULL};
