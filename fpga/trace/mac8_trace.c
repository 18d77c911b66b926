/* Trace of the flow's self-test design fpga/demo/mac8.v (int8 MAC). Its
 * reference is written here because mac8 is not a project unit: plain C
 * integer arithmetic, acc wraps at ACC_W bits. Deterministic (fixed LCG). */
#include "scan_trace.h"

#define ACC_W FPGA_OUT_acc_W

static uint32_t lcg(uint32_t *s) { return *s = *s * 1664525u + 1013904223u; }

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 400;
    if (n <= 0 || n > 10000000) { fprintf(stderr, "mac8_trace: bad cycle count\n"); return 2; }
    scan_cycle c;
    memset(&c, 0, sizeof c);
    uint32_t seed = 12345;
    int64_t acc = 0;
    const int64_t mod = (int64_t)1 << ACC_W;
    for (int i = 0; i < n; i++) {
        uint32_t r = lcg(&seed);
        int rst = (i == 0) || (r % 97 == 0);
        int en = (r >> 8) % 8 != 0;
        int8_t a = (int8_t)(lcg(&seed) >> 24), b = (int8_t)(lcg(&seed) >> 24);
        if (i % 50 == 7) { a = -128; b = -128; } /* extremes */
        SCAN_IN(&c, rst, rst);
        SCAN_IN(&c, en, en);
        SCAN_IN(&c, a, (uint8_t)a);
        SCAN_IN(&c, b, (uint8_t)b);
        if (rst) acc = 0;
        else if (en) acc = ((acc + (int64_t)a * b) % mod + mod) % mod;
        SCAN_EXPECT(&c, acc, (uint64_t)acc);
        scan_emit(stdout, &c);
    }
    return 0;
}
