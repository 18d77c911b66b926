/* bench_ring: what limits the engine's one-row copy-ring GEMV (gemv1_pipe_k)
 * at batch 1? The same bytes streamed through the same per-thread cp.async
 * ring, with (a) the engine's access pattern (a block reads its 16 rows side
 * by side: 256 contiguous bytes of each row per chunk step), (b) the row
 * group read as one contiguous stream (4 KB a step), each with no work per
 * chunk and with the bf16 GEMV's work (decode, x from shared memory, the
 * fmaf chain); (c) plain 16-byte loads over the whole buffer (the read-only
 * reference). No exactness here: this is a bandwidth probe; the engine's bits
 * are checked by test_llm. Prints one CSV line per case. */
#include <cuda_runtime.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <algorithm>
#include <vector>

#define CK(x)                                                                                                  \
    do {                                                                                                       \
        cudaError_t e_ = (x);                                                                                  \
        if (e_ != cudaSuccess) {                                                                               \
            fprintf(stderr, "%s: %s\n", #x, cudaGetErrorString(e_));                                           \
            exit(1);                                                                                           \
        }                                                                                                      \
    } while (0)

__device__ __forceinline__ void cp16(uint32_t s, const void *g, bool ca) {
    if (ca) asm volatile("cp.async.ca.shared.global [%0], [%1], 16;\n" ::"r"(s), "l"(g));
    else asm volatile("cp.async.cg.shared.global [%0], [%1], 16;\n" ::"r"(s), "l"(g));
}
template <int N> __device__ __forceinline__ void cp_wait() { asm volatile("cp.async.wait_group %0;\n" ::"n"(N)); }

/* PAT 0: chunk c of thread (hr, j) = row g*16+hr, bytes c*256 + j*16 (the engine's lane-grouped layout);
 * PAT 1: chunk c of thread t = bytes c*4096 + t*16 of the row group's 16 * rowb contiguous bytes.
 * WORK 0: fold the bytes; 1: bf16 decode + 8 fmaf against x in shared memory (the bf16 GEMV's work). */
template <int PAT, int WORK, int STG, int NSTG>
__global__ void __launch_bounds__(256) ring_k(const unsigned char *__restrict__ W, int nrg, size_t rowb, int nch,
                                              bool ca, float *__restrict__ out) {
    constexpr int D = STG * NSTG;
    extern __shared__ __align__(16) unsigned char sm[];
    float *x = (float *)sm; /* 16 lanes x (nch * 8 + 4) floats */
    const int cs = nch * 8 + 4;
    unsigned char *ring = sm + (size_t)16 * cs * 4;
    const int t = threadIdx.x, j = t & 15, hr = t >> 4;
    for (int i = t; i < 16 * cs; i += 256) x[i] = 1.0f + (float)(i & 7) * 0.125f;
    const uint32_t rs = (uint32_t)__cvta_generic_to_shared(ring) + t * 16;
    int pg = blockIdx.x, pc = 0, ps = 0;
    auto src = [&]() -> const unsigned char * {
        if (PAT == 0) return W + ((size_t)pg * 16 + hr) * rowb + (size_t)pc * 256 + j * 16;
        return W + (size_t)pg * 16 * rowb + (size_t)pc * 4096 + t * 16;
    };
    auto issue = [&]() {
        for (int u = 0; u < STG; u++) {
            if (pg < nrg) {
                cp16(rs + (uint32_t)ps * 4096u, src(), ca);
                if (++pc == nch) pc = 0, pg += gridDim.x;
            }
            if (++ps == D) ps = 0;
        }
        asm volatile("cp.async.commit_group;\n" ::);
    };
    for (int s = 0; s < NSTG - 1; s++) issue();
    __syncthreads();
    const float *xl = x + j * cs;
    float acc = 0.0f;
    uint32_t fold = 0;
    int q = 0, cslot = 0;
    for (int g = blockIdx.x; g < nrg; g += gridDim.x) {
        float p = 0.0f;
        for (int c = 0; c < nch; c++, q++, cslot = cslot + 1 == D ? 0 : cslot + 1) {
            if ((q & (STG - 1)) == 0) {
                cp_wait<NSTG - 2>();
                issue();
            }
            const uint4 wd = *(const uint4 *)(ring + (size_t)cslot * 4096 + t * 16);
            if (WORK == 0) {
                fold ^= wd.x ^ wd.y ^ wd.z ^ wd.w;
            } else {
                const uint32_t u[4] = {wd.x, wd.y, wd.z, wd.w};
                const float *xc = xl + c * 8;
#pragma unroll
                for (int e = 0; e < 4; e += 2) {
                    const float4 x4 = *(const float4 *)(xc + 2 * e);
                    p = fmaf(__uint_as_float(u[e] << 16), x4.x, p);
                    p = fmaf(__uint_as_float(u[e] & 0xffff0000u), x4.y, p);
                    p = fmaf(__uint_as_float(u[e + 1] << 16), x4.z, p);
                    p = fmaf(__uint_as_float(u[e + 1] & 0xffff0000u), x4.w, p);
                }
            }
        }
        acc += p;
    }
    cp_wait<0>();
    if (acc == 12345.0f || fold == 0x9e3779b9u) out[blockIdx.x] = acc + (float)fold; /* keeps the work */
}

__global__ void read_k(const uint4 *__restrict__ W, size_t n, float *__restrict__ out) {
    uint32_t f = 0;
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x) {
        const uint4 v = __ldg(W + i);
        f ^= v.x ^ v.y ^ v.z ^ v.w;
    }
    if (f == 0x9e3779b9u) out[0] = (float)f;
}

static float median(std::vector<float> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

int main(void) {
    cudaDeviceProp pr;
    CK(cudaGetDeviceProperties(&pr, 0));
    const int sms = pr.multiProcessorCount;
    /* shapes: the w1 / w3 pair of Llama-2-7B in bf16 (2 x 11008 rows of 4096: 180 MB), w2 (4096 x 11008) */
    struct shape { const char *name; int rows, k; } shapes[] = {{"w1w3 22016x4096", 22016, 4096}, {"w2 4096x11008", 4096, 11008}};
    const size_t maxb = (size_t)22016 * 4096 * 2 * 3; /* three copies: each rep reads a cold one (> L2) */
    unsigned char *W;
    float *out;
    CK(cudaMalloc(&W, maxb));
    CK(cudaMemset(W, 0x3c, maxb));
    CK(cudaMalloc(&out, 1 << 20));
    cudaEvent_t e0, e1;
    CK(cudaEventCreate(&e0));
    CK(cudaEventCreate(&e1));
    printf("device,%s,sms,%d\n", pr.name, sms);
    printf("shape,case,blocks_per_sm,us,GBps\n");
    for (const shape &s : shapes) {
        const size_t rowb = (size_t)s.k * 2, bytes = rowb * s.rows;
        const int nch = (int)(rowb / 256), nrg = s.rows / 16;
        auto timeit = [&](auto launch) {
            std::vector<float> ms;
            for (int r = 0; r < 13; r++) {
                const unsigned char *w = W + (size_t)(r % 3) * bytes;
                CK(cudaEventRecord(e0));
                launch(w);
                CK(cudaEventRecord(e1));
                CK(cudaEventSynchronize(e1));
                float m;
                CK(cudaEventElapsedTime(&m, e0, e1));
                if (r >= 3) ms.push_back(m);
            }
            CK(cudaGetLastError());
            return median(ms) * 1000.0f;
        };
        {
            const float us = timeit([&](const unsigned char *w) { read_k<<<sms * 8, 256>>>((const uint4 *)w, bytes / 16, out); });
            printf("%s,plain 16-byte loads (reference),8,%.2f,%.0f\n", s.name, us, bytes / us / 1e3);
        }
        auto run = [&](auto kern, const char *name, int stg, int nstg, bool ca) {
            const size_t smem0 = (size_t)16 * (nch * 8 + 4) * 4 + (size_t)256 * 16 * stg * nstg;
            CK(cudaFuncSetAttribute(kern, cudaFuncAttributeMaxDynamicSharedMemorySize, 227 * 1024));
            CK(cudaFuncSetAttribute(kern, cudaFuncAttributePreferredSharedMemoryCarveout, 100));
            for (int bps : {1, 2, 3, 4, 6, 8}) { /* blocks per SM, set by padding the shared memory */
                size_t smem = std::max(smem0, (size_t)(pr.sharedMemPerMultiprocessor / bps) - 1024);
                if (smem > 227 * 1024) continue;
                int fit = 0;
                CK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&fit, kern, 256, smem));
                if (fit != bps) continue;
                const int grid = std::min(nrg, fit * sms);
                const float us = timeit([&](const unsigned char *w) { kern<<<grid, 256, smem>>>(w, nrg, rowb, nch, ca, out); });
                printf("%s,%s %dx%d %s,%d,%.2f,%.0f\n", s.name, name, stg, nstg, ca ? "ca" : "cg", bps, us, bytes / us / 1e3);
            }
        };
        for (int ca = 0; ca < 2; ca++) {
            run(ring_k<0, 0, 1, 4>, "engine pattern, no work", 1, 4, ca);
            run(ring_k<1, 0, 1, 4>, "contiguous, no work", 1, 4, ca);
            run(ring_k<0, 1, 1, 4>, "engine pattern, bf16 work", 1, 4, ca);
            run(ring_k<1, 1, 1, 4>, "contiguous, bf16 work", 1, 4, ca);
            run(ring_k<0, 1, 2, 6>, "engine pattern, bf16 work", 2, 6, ca);
            run(ring_k<1, 1, 2, 6>, "contiguous, bf16 work", 2, 6, ca);
        }
    }
    return 0;
}
