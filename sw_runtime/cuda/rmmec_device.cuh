/* RMMEC accumulate and readout as __host__ __device__ code (contract:
 * golden/rmmec.h). The accumulator is a 128-bit two's complement integer:
 *   FP4 : low 32 bits used, lsb 2^-2, wraps mod 2^32
 *   P4  : low 32 bits used, lsb 2^-8, wraps mod 2^32, sticky NaR flag
 *   P8  : quire8 (32 bits, lsb 2^-12); the pattern 0x80000000 is NaR (sticky)
 *   P16 : quire16 (128 bits, lsb 2^-56); 2^127 is NaR (sticky)
 * SoftPosit's quire rule -- a sum landing exactly on the NaR pattern reads as
 * 0 -- makes P8/P16 accumulation depend on the order of the partial sums, so
 * the GPU kernel gives each output row one thread that accumulates in golden's
 * order (words in increasing index, lanes 0..) rather than a tree reduction;
 * FP4/P4 sums wrap mod 2^32 and would be order-free anyway. */
#ifndef LPCS_RMMEC_DEVICE_CUH
#define LPCS_RMMEC_DEVICE_CUH

#include "formats.cuh"

enum { LPCS_RMMEC_FP4, LPCS_RMMEC_P4, LPCS_RMMEC_P8, LPCS_RMMEC_P16 };
enum { LPCS_RMMEC_OUT_POSIT, LPCS_RMMEC_OUT_P16E1, LPCS_RMMEC_OUT_FP32, LPCS_RMMEC_OUT_BF16 };

typedef unsigned __int128 lpcs_u128;

typedef struct {
    lpcs_u128 acc;
    int nar;
} lpcs_rmmec_acc;

LPCS_CUDA_HD int32_t lpcs_fp4_halves(uint32_t code) {
    const int32_t mag[8] = {0, 1, 2, 3, 4, 6, 8, 12};
    const int32_t v = mag[code & 7];
    return (code & 8) ? -v : v;
}

/* p4e1 product in units of 2^-8 (exact). */
LPCS_CUDA_HD int32_t lpcs_p4_product(uint32_t a, uint32_t b) {
    if (a == 0 || b == 0) return 0;
    const lpcs_posit_dec x = lpcs_posit_decode(4, 1, a), y = lpcs_posit_decode(4, 1, b);
    /* (sx * 2^(ex-31)) * (sy * 2^(ey-31)) * 2^8 */
    const int shift = x.scale + y.scale - 62 + 8;
    const uint64_t m = (uint64_t)x.sig * y.sig;
    const uint64_t v = shift >= 0 ? m << shift : m >> (-shift);
    return (int32_t)((x.neg ^ y.neg) ? (uint32_t)0 - (uint32_t)v : (uint32_t)v);
}

/* acc += a_word . b_word, as rmmec_accumulate. */
LPCS_CUDA_HD void lpcs_rmmec_step(int mode, lpcs_rmmec_acc *s, uint32_t a, uint32_t b) {
    if (mode == LPCS_RMMEC_FP4) {
        uint32_t sum = 0;
        for (int k = 0; k < 4; k++)
            sum += (uint32_t)(lpcs_fp4_halves((a >> (4 * k)) & 15u) * lpcs_fp4_halves((b >> (4 * k)) & 15u));
        s->acc = (lpcs_u128)(uint32_t)((uint32_t)s->acc + sum);
    } else if (mode == LPCS_RMMEC_P4) {
        uint32_t sum = 0;
        for (int k = 0; k < 4; k++) {
            const uint32_t la = (a >> (4 * k)) & 15u, lb = (b >> (4 * k)) & 15u;
            if (la == 8u || lb == 8u) s->nar = 1;
            else sum += (uint32_t)lpcs_p4_product(la, lb);
        }
        if (!s->nar) s->acc = (lpcs_u128)(uint32_t)((uint32_t)s->acc + sum);
    } else if (mode == LPCS_RMMEC_P8) {
        for (int k = 0; k < 2; k++) {
            const uint32_t la = (a >> (8 * k)) & 0xFFu, lb = (b >> (8 * k)) & 0xFFu;
            if (s->nar || la == 0x80u || lb == 0x80u) {
                s->nar = 1;
                continue;
            }
            if (la == 0 || lb == 0) continue;
            const lpcs_posit_dec x = lpcs_posit_decode(8, 0, la), y = lpcs_posit_decode(8, 0, lb);
            const uint64_t p = (uint64_t)x.sig * y.sig; /* * 2^(sx+sy-62) */
            uint32_t v = (uint32_t)(p >> (50 - (x.scale + y.scale))); /* units of 2^-12, exact */
            if (x.neg ^ y.neg) v = 0u - v;
            uint32_t q = (uint32_t)s->acc + v;
            if (q == 0x80000000u) q = 0; /* SoftPosit: landing on NaR reads as 0 */
            s->acc = q;
        }
    } else {
        const uint32_t la = a & 0xFFFFu, lb = b & 0xFFFFu;
        if (s->nar || la == 0x8000u || lb == 0x8000u) {
            s->nar = 1;
            return;
        }
        if (la == 0 || lb == 0) return;
        const lpcs_posit_dec x = lpcs_posit_decode(16, 1, la), y = lpcs_posit_decode(16, 1, lb);
        const uint64_t p = (uint64_t)x.sig * y.sig;
        const int shift = x.scale + y.scale - 6; /* units of 2^-56 */
        lpcs_u128 v = shift < 0 ? (lpcs_u128)(p >> (-shift)) : (lpcs_u128)p << shift;
        if (x.neg ^ y.neg) v = (lpcs_u128)0 - v;
        lpcs_u128 q = s->acc + v;
        if (q == ((lpcs_u128)1 << 127)) q = 0;
        s->acc = q;
    }
}

LPCS_CUDA_HD int lpcs_rmmec_frac_bits(int mode) {
    return mode == LPCS_RMMEC_FP4 ? 2 : mode == LPCS_RMMEC_P4 ? 8 : mode == LPCS_RMMEC_P8 ? 12 : 56;
}

/* The accumulator as a signed 128-bit value (32-bit modes sign-extended). */
LPCS_CUDA_HD lpcs_u128 lpcs_rmmec_value(int mode, const lpcs_rmmec_acc *s) {
    if (mode == LPCS_RMMEC_P16) return s->acc;
    return (lpcs_u128)(__int128)(int32_t)(uint32_t)s->acc;
}

/* Rounds v * 2^-fb (128-bit two's complement, zero or normal in the target)
 * to 8 exponent bits and sig_bits significand bits (24: fp32, 8: bf16), RNE. */
LPCS_CUDA_HD uint32_t lpcs_fixed_to_e8(lpcs_u128 v, int fb, int sig_bits) {
    const uint32_t sign = (uint32_t)(v >> 127);
    const lpcs_u128 mag = sign ? (lpcs_u128)0 - v : v;
    if (mag == 0) return 0;
    int msb = 127;
    while (!((mag >> msb) & 1)) msb--;
    const int drop = msb - (sig_bits - 1);
    uint64_t keep;
    int exp = msb - fb;
    if (drop <= 0) {
        keep = (uint64_t)(mag << (-drop));
    } else {
        keep = (uint64_t)(mag >> drop);
        const lpcs_u128 rem = mag & (((lpcs_u128)1 << drop) - 1), half = (lpcs_u128)1 << (drop - 1);
        if (rem > half || (rem == half && (keep & 1))) keep++;
    }
    if (keep >> sig_bits) {
        keep >>= 1;
        exp++;
    }
    const uint32_t man = (uint32_t)(keep & ((1ull << (sig_bits - 1)) - 1));
    return (sign << (8 + sig_bits - 1)) | ((uint32_t)(exp + 127) << (sig_bits - 1)) | man;
}

/* Rounds v * 2^-fb to posit(nb, es) once. */
LPCS_CUDA_HD uint32_t lpcs_fixed_to_posit(lpcs_u128 v, int fb, int nb, int es) {
    const int neg = (int)(v >> 127);
    const lpcs_u128 mag = neg ? (lpcs_u128)0 - v : v;
    if (mag == 0) return 0;
    int msb = 127;
    while (!((mag >> msb) & 1)) msb--;
    uint64_t sig;
    int sticky = 0;
    if (msb >= 63) {
        sig = (uint64_t)(mag >> (msb - 63));
        sticky = (mag & ((((lpcs_u128)1) << (msb - 63)) - 1)) != 0;
    } else {
        sig = (uint64_t)mag << (63 - msb);
    }
    return lpcs_posit_encode(nb, es, neg, msb - fb, sig, sticky);
}

/* rmmec_readout; returns 0 with *out set, or -1 for an unsupported pair. */
LPCS_CUDA_HD int lpcs_rmmec_readout(int mode, const lpcs_rmmec_acc *s, int f, uint32_t *out) {
    if (mode == LPCS_RMMEC_FP4 && f != LPCS_RMMEC_OUT_FP32 && f != LPCS_RMMEC_OUT_BF16) return -1;
    const int pn = mode == LPCS_RMMEC_P4 ? 4 : mode == LPCS_RMMEC_P8 ? 8 : 16;
    const int pes = mode == LPCS_RMMEC_P8 ? 0 : 1;
    if (mode != LPCS_RMMEC_FP4 && s->nar) {
        *out = f == LPCS_RMMEC_OUT_POSIT ? 1u << (pn - 1)
             : f == LPCS_RMMEC_OUT_P16E1 ? 0x8000u
             : f == LPCS_RMMEC_OUT_FP32 ? 0x7FC00000u : 0x7FC0u;
        return 0;
    }
    const lpcs_u128 v = lpcs_rmmec_value(mode, s);
    const int fb = lpcs_rmmec_frac_bits(mode);
    if (f == LPCS_RMMEC_OUT_FP32) *out = lpcs_fixed_to_e8(v, fb, 24);
    else if (f == LPCS_RMMEC_OUT_BF16) *out = lpcs_fixed_to_e8(v, fb, 8);
    else if (f == LPCS_RMMEC_OUT_POSIT) *out = lpcs_fixed_to_posit(v, fb, pn, pes);
    else *out = lpcs_fixed_to_posit(v, fb, 16, 1);
    return 0;
}

#endif
