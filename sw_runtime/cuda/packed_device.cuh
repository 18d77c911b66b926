/* Packed low-bit weights of the device engine (llm_engine.h, w_qbits):
 * layout, decode and the host packer, shared by the kernels and the CPU-side
 * check (tests/cuda/test_cuda_host.cu).
 *
 * Layout: chain step i of lane j of row n (column 16 i + j of the contract
 * order, docs/numerics.md) lies in superblocks of QSB = 128 / bits steps (16
 * bytes) per lane: uint4 (n * nsb + i / QSB) * 16 + j, 32-bit word
 * (i % QSB) / PW (PW = 32 / bits codes per word), bits [bits * (i % PW),
 * + bits); the 16 lanes of a row read 256 contiguous bytes. Stored value =
 * code + 8 (4 bits: codes -8..7, plans int2..int4) or code + 1 (2 bits:
 * ternary -1..1). Steps past a lane's end hold 0 and never enter a chain.
 *
 * Decode: the weight is (float)code * s (golden qformat's dequantizer, s the
 * row scale; ternary: s = 1 / inv, and golden's q / inv is the same value for
 * q in -1..1). */
#ifndef LPCS_PACKED_DEVICE_CUH
#define LPCS_PACKED_DEVICE_CUH

#include <stdint.h>
#include <string.h>

#include "formats.cuh"

#ifdef __CUDA_ARCH__
#define LPCS_Q_UNROLL _Pragma("unroll")
#else
#define LPCS_Q_UNROLL
#endif

/* Superblocks per row for K columns. */
LPCS_CUDA_HD int lpcs_q_nsb(int K, int bits) {
    const int qsb = 128 / bits;
    return ((K + 15) / 16 + qsb - 1) / qsb;
}

/* Stored value -> weight, the plain way: 2^23 + stored is exact in fp32, and
 * subtracting 2^23 + offset leaves the code exactly (an OR and an add
 * instead of the int -> float conversion unit); then golden's multiply. */
LPCS_CUDA_HD float lpcs_qdec(uint32_t stored, int bits, float s) {
    const float off = 8388608.0f + (bits == 4 ? 8.0f : 1.0f);
    return (lpcs_bits_f32(0x4B000000u | stored) - off) * s;
}

/* Scales for lpcs_qdec_word: sk[k] = s * 2^-(bits k), k < (bits == 4 ? 5 : 11). */
#define LPCS_QDEC_NS(bits) ((bits) == 4 ? 5 : 11)
LPCS_CUDA_HD void lpcs_qdec_scales(float s, int bits, float *sk) {
    for (int k = 0; k < LPCS_QDEC_NS(bits); k++) sk[k] = s * (1.0f / (float)(1u << (bits * k)));
}

/* The PW weights of one code word with fewer integer steps: code t sits at
 * bit b t (b = bits); ORing the word masked to those bits into 2^23 gives
 * 2^23 + stored * 2^(b t), and subtracting 2^23 + offset * 2^(b t) leaves
 * code * 2^(b t) exactly (an integer below 2^20); times sk[t] =
 * s * 2^-(b t) (exact: s is a normal number >= 1e-30, checked at upload, so
 * no scale underflows) the real product is code * s, rounded once:
 * lpcs_qdec's value, bit for bit. Codes past bit 20 are shifted down once
 * and reuse the first scales. */
/* magic | (src & mask) in one instruction on the device: the compiler
 * otherwise emits an AND and an OR (two constants do not fit one LOP3), a
 * fifth of the packed GEMV's instructions (SASS, session 8); 8-9% off the
 * int4 / ternary 7B decode step (H100, session 9). */
#ifdef __CUDACC__
__host__ __device__
#endif
inline uint32_t lpcs_q_or_masked(uint32_t src, uint32_t mask, uint32_t magic) {
#ifdef __CUDA_ARCH__
    uint32_t r;
    asm("lop3.b32 %0, %1, %2, %3, 0xEA;" : "=r"(r) : "r"(src), "r"(mask), "r"(magic)); /* (a & b) | c */
    return r;
#else
    return magic | (src & mask);
#endif
}

template <int BITS>
#ifdef __CUDACC__
__host__ __device__
#endif
inline void lpcs_qdec_word(uint32_t wd, const float *sk, float *w) {
    constexpr int PW = 32 / BITS, LO = BITS == 4 ? 5 : 11; /* codes read in place; the rest after one shift */
    constexpr uint32_t MASK = (1u << BITS) - 1;
    constexpr float OFF = BITS == 4 ? 8.0f : 1.0f;
    const uint32_t hi = wd >> (BITS * LO);
LPCS_Q_UNROLL
    for (int t = 0; t < PW; t++) {
        const int k = t < LO ? t : t - LO;
        const uint32_t src = t < LO ? wd : hi;
        const float m = 8388608.0f + OFF * (float)(1u << (BITS * k));
        w[t] = (lpcs_bits_f32(lpcs_q_or_masked(src, MASK << (BITS * k), 0x4B000000u)) - m) * sk[k];
    }
}

/* Index of the 32-bit word holding step i of lane j of row n, and the shift. */
LPCS_CUDA_HD size_t lpcs_q_word(size_t n, int j, int i, int nsb, int bits) {
    const int qsb = 128 / bits, pw = 32 / bits;
    return (((size_t)n * (size_t)nsb + (size_t)(i / qsb)) * 16 + (size_t)j) * 4 + (size_t)((i % qsb) / pw);
}

/* Host packer: codes[rows][cols] (-8..7 / -1..1) into h (rows * nsb * 64
 * zeroed words), rows [r0, r1); 1 on a code out of range. */
static inline int lpcs_q_pack_rows(uint32_t *h, const int8_t *q, size_t r0, size_t r1, size_t cols, int bits) {
    const int nsb = lpcs_q_nsb((int)cols, bits), qsb = 128 / bits, pw = 32 / bits;
    const int off = bits == 4 ? 8 : 1, hi = bits == 4 ? 15 : 2;
    int bad = 0;
    for (size_t r = r0; r < r1; r++)
        for (size_t j = 0; j < 16 && j < cols; j++) { /* lane j: columns j, j + 16, ... = steps 0, 1, ... */
            uint32_t *lane = h + (r * (size_t)nsb * 16 + j) * 4; /* superblock b at lane + 64 b */
            const int8_t *src = q + r * cols + j;
            const size_t cnt = (cols - j + 15) / 16;
            for (size_t i = 0; i < cnt; i++) {
                const int v = src[16 * i] + off;
                bad |= v < 0 || v > hi;
                lane[(i / (size_t)qsb) * 64 + (i % (size_t)qsb) / (size_t)pw] |= (uint32_t)(v & 15)
                                                                                 << (bits * (int)(i % (size_t)pw));
            }
        }
    return bad;
}

#endif
