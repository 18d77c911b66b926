// Bit access on a Verilated port of any width: an integral type up to 64
// bits, or a VlWide array of 32-bit words (the co-sim drivers of the ternary
// and shiftmac engines share these).
#ifndef LPCS_SIM_VERILATED_PORTS_H
#define LPCS_SIM_VERILATED_PORTS_H

#include <cstdint>
#include <type_traits>

template <typename T> inline void put_bits(T &port, int off, int width, uint64_t v) {
    for (int b = 0; b < width; b++) {
        int bit = off + b;
        uint64_t one = (v >> b) & 1u;
        if constexpr (std::is_integral<T>::value) {
            port = (T)((port & ~((T)1 << bit)) | ((T)one << bit));
        } else {
            uint32_t &w = port[bit / 32];
            w = (w & ~(1u << (bit % 32))) | ((uint32_t)one << (bit % 32));
        }
    }
}
template <typename T> inline uint64_t get_bits(const T &port, int off, int width) {
    uint64_t v = 0;
    for (int b = 0; b < width; b++) {
        int bit = off + b;
        uint64_t one;
        if constexpr (std::is_integral<T>::value) one = (uint64_t)(port >> bit) & 1u;
        else one = (port[bit / 32] >> (bit % 32)) & 1u;
        v |= one << b;
    }
    return v;
}

// Writes a whole port from 32-bit words (word i = bits [32i+31:32i]).
template <typename T> inline void put_words(T &port, const uint32_t *w, int width) {
    if constexpr (std::is_integral<T>::value) {
        uint64_t v = w[0];
        if (width > 32) v |= (uint64_t)w[1] << 32;
        port = (T)v;
    } else {
        for (int i = 0; i < (width + 31) / 32; i++) port[i] = w[i];
    }
}

// Word i (bits [32i+31:32i]) of a port.
template <typename T> inline uint32_t get_word(const T &port, int i) {
    if constexpr (std::is_integral<T>::value) return (uint32_t)((uint64_t)port >> (32 * i));
    else return port[i];
}

#endif
