/* The one stimulus library of the co-simulations (sim/) and the FPGA scan
 * traces (fpga/trace/): a seeded generator and each unit's biased operand
 * values, so a Verilator co-sim and the bitstream's trace drive a unit with
 * the same vector classes. Plain C, header only (C and C++ harnesses built
 * by different compilers include it); no state but the caller's stim_rng. */
#ifndef LPCS_SIM_STIMULUS_H
#define LPCS_SIM_STIMULUS_H

#include <stdint.h>

#include "rmmec.h"

/* splitmix64: a seeded, portable sequence (the same on every machine). */
typedef struct {
    uint64_t s;
} stim_rng;

static inline uint64_t stim_next(stim_rng *r) {
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* ---- rmmec: lanes of 4, 4, 8, 16 bits (FP4, P4, P8, P16) ---- */

static inline int stim_rmmec_lane_bits(int mode) { return mode == RMMEC_P8 ? 8 : mode == RMMEC_P16 ? 16 : 4; }

/* A lane value biased toward the interesting ones: 0, NaR (posits), +-maxpos, +-minpos. */
static inline unsigned stim_rmmec_special_lane(stim_rng *r, int mode) {
    int lb = stim_rmmec_lane_bits(mode);
    unsigned mask = (1u << lb) - 1, nar = 1u << (lb - 1);
    unsigned p = (unsigned)(stim_next(r) % 100);
    if (p < 10) return 0;
    if (p < 12 && mode != RMMEC_FP4) return nar;
    if (p < 20) return (stim_next(r) & 1) ? mask >> 1 : (nar | 1u); /* +-maxpos (posit) */
    if (p < 28) return (stim_next(r) & 1) ? 1u : mask;              /* +-minpos */
    return (unsigned)stim_next(r) & mask;
}

static inline uint16_t stim_rmmec_special_word(stim_rng *r, int mode) {
    int lb = stim_rmmec_lane_bits(mode);
    uint16_t w = 0;
    for (int l = 0; l < 16 / lb; l++) w |= (uint16_t)(stim_rmmec_special_lane(r, mode) << (lb * l));
    return w;
}

/* Negates every lane: posit two's complement; FP4 flips the sign bit. */
static inline uint16_t stim_rmmec_negate_word(int mode, uint16_t w) {
    int lb = stim_rmmec_lane_bits(mode);
    unsigned mask = (1u << lb) - 1;
    uint16_t o = 0;
    for (int l = 0; l < 16 / lb; l++) {
        unsigned v = (w >> (lb * l)) & mask;
        v = mode == RMMEC_FP4 ? v ^ (1u << (lb - 1)) : (0u - v) & mask;
        o |= (uint16_t)(v << (lb * l));
    }
    return o;
}

#endif
