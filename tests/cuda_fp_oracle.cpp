// Thin extern "C" wrappers over CUDA's host conversion functions, compiled
// with plain g++ -isystem <cuda>/include. Format numbers follow mf_format.
#include "cuda_fp_oracle.h"

#include <cstring>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_fp4.h>
#include <cuda_fp6.h>
#include <cuda_fp8.h>

namespace {
enum { FP4 = 0, FP6_E2M3, FP6_E3M2, FP8_E4M3, FP8_E5M2, BF16, FP16 };

uint16_t half_bits(__half h) { return static_cast<__half_raw>(h).x; }
uint16_t bf16_bits(__nv_bfloat16 h) { return static_cast<__nv_bfloat16_raw>(h).x; }

// BF16/FP16 satfinite: CUDA gives +-Inf on overflow; saturate that.
uint32_t sat16(uint32_t code, uint32_t inf, uint32_t max, int sat) {
    if (sat && (code & 0x7fffu) == inf) return (code & 0x8000u) | max;
    return code;
}

template <typename T> uint32_t from_any(int fmt, T x, int sat) {
    const __nv_saturation_t s = sat ? __NV_SATFINITE : __NV_NOSAT;
    switch (fmt) {
    case FP4: return __nv_cvt_double_to_fp4(static_cast<double>(x), __NV_E2M1, cudaRoundNearest);
    case FP6_E2M3: return __nv_cvt_double_to_fp6(static_cast<double>(x), __NV_E2M3, cudaRoundNearest);
    case FP6_E3M2: return __nv_cvt_double_to_fp6(static_cast<double>(x), __NV_E3M2, cudaRoundNearest);
    default: break;
    }
    if constexpr (sizeof(T) == 4) {
        switch (fmt) {
        case FP8_E4M3: return __nv_cvt_float_to_fp8(x, s, __NV_E4M3);
        case FP8_E5M2: return __nv_cvt_float_to_fp8(x, s, __NV_E5M2);
        case BF16: return sat16(bf16_bits(__float2bfloat16(x)), 0x7f80u, 0x7f7fu, sat);
        case FP16: return sat16(half_bits(__float2half(x)), 0x7c00u, 0x7bffu, sat);
        }
    } else {
        switch (fmt) {
        case FP8_E4M3: return __nv_cvt_double_to_fp8(x, s, __NV_E4M3);
        case FP8_E5M2: return __nv_cvt_double_to_fp8(x, s, __NV_E5M2);
        case BF16: return sat16(bf16_bits(__double2bfloat16(x)), 0x7f80u, 0x7f7fu, sat);
        case FP16: return sat16(half_bits(__double2half(x)), 0x7c00u, 0x7bffu, sat);
        }
    }
    return 0xffffffffu;
}
}  // namespace

extern "C" uint32_t cuda_oracle_from_f32(int fmt, float x, int sat) {
    // FP4/FP6: the float entry points, not the double ones, are the API.
    if (fmt == FP4) return __nv_cvt_float_to_fp4(x, __NV_E2M1, cudaRoundNearest);
    if (fmt == FP6_E2M3) return __nv_cvt_float_to_fp6(x, __NV_E2M3, cudaRoundNearest);
    if (fmt == FP6_E3M2) return __nv_cvt_float_to_fp6(x, __NV_E3M2, cudaRoundNearest);
    return from_any<float>(fmt, x, sat);
}

extern "C" uint32_t cuda_oracle_from_f64(int fmt, double x, int sat) {
    return from_any<double>(fmt, x, sat);
}

extern "C" float cuda_oracle_to_f32(int fmt, uint32_t code) {
    __half_raw h;
    switch (fmt) {
    case FP4: h = __nv_cvt_fp4_to_halfraw(static_cast<__nv_fp4_storage_t>(code), __NV_E2M1); break;
    case FP6_E2M3: h = __nv_cvt_fp6_to_halfraw(static_cast<__nv_fp6_storage_t>(code), __NV_E2M3); break;
    case FP6_E3M2: h = __nv_cvt_fp6_to_halfraw(static_cast<__nv_fp6_storage_t>(code), __NV_E3M2); break;
    case FP8_E4M3: h = __nv_cvt_fp8_to_halfraw(static_cast<__nv_fp8_storage_t>(code), __NV_E4M3); break;
    case FP8_E5M2: h = __nv_cvt_fp8_to_halfraw(static_cast<__nv_fp8_storage_t>(code), __NV_E5M2); break;
    case BF16: {
        __nv_bfloat16_raw r;
        r.x = static_cast<unsigned short>(code);
        return __bfloat162float(__nv_bfloat16(r));
    }
    case FP16: h.x = static_cast<unsigned short>(code); break;
    default: return 0.0f;
    }
    return __half2float(__half(h));
}

extern "C" void cuda_oracle_from_f32_array(int fmt, const float *x, uint8_t *out, long n, int sat) {
    const __nv_saturation_t s = sat ? __NV_SATFINITE : __NV_NOSAT;
    if (fmt == FP8_E4M3)
        for (long i = 0; i < n; i++) out[i] = __nv_cvt_float_to_fp8(x[i], s, __NV_E4M3);
    else if (fmt == FP8_E5M2)
        for (long i = 0; i < n; i++) out[i] = __nv_cvt_float_to_fp8(x[i], s, __NV_E5M2);
    else if (fmt == FP4)
        for (long i = 0; i < n; i++) out[i] = __nv_cvt_float_to_fp4(x[i], __NV_E2M1, cudaRoundNearest);
    else
        for (long i = 0; i < n; i++) out[i] = static_cast<uint8_t>(cuda_oracle_from_f32(fmt, x[i], sat));
}
