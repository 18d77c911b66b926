/* Ternary GEMV throughput, each against a baseline in the same run:
 *  - golden ternary_gemv_i32 (packed 2-bit, add/subtract) vs a dense
 *    int8 x int8 GEMV with multiplies on the same shape;
 *  - the Verilated engine (sim/ternary_rtl.h): GEMV/s and simulated cycles/s,
 *    and its compute cycles vs the physical limit of LANES*KTILE MACs/cycle.
 * Shapes: the HGRN-Bit checkpoint's 256x256, 1536x256 (gate_proj), 256x768. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../sim/ternary_rtl.h"
#include "ternary.h"
#include "bench_util.h"

static uint64_t rs = 1;
static uint64_t rnd(void) {
    rs ^= rs << 13, rs ^= rs >> 7, rs ^= rs << 17;
    return rs;
}

static void dense_i8(const int8_t *w, size_t rows, size_t cols, const int8_t *x, int32_t *y) {
    for (size_t r = 0; r < rows; r++) {
        int32_t acc = 0;
        for (size_t k = 0; k < cols; k++) acc += (int32_t)w[r * cols + k] * x[k];
        y[r] = acc;
    }
}

int main(void) {
    const size_t shapes[3][2] = {{256, 256}, {1536, 256}, {256, 768}};
    ternary_rtl_config cfg = ternary_rtl_info();
    ternary_rtl *e = ternary_rtl_open(NULL);
    if (!e) return 1;
    printf("%-10s %14s %14s %8s | %10s %12s %10s\n", "shape", "golden GMAC/s", "dense8 GMAC/s", "ratio", "rtl GEMV/s",
           "rtl Mcyc/s", "util");
    for (int s = 0; s < 3; s++) {
        size_t rows = shapes[s][0], cols = shapes[s][1], rb = ternary_row_bytes(cols);
        int8_t *w = malloc(rows * cols), *x = malloc(cols);
        uint8_t *p = malloc(rows * rb);
        int32_t *y = malloc(rows * 4), *y2 = malloc(rows * 4);
        for (size_t i = 0; i < rows * cols; i++) w[i] = (int8_t)((int)(rnd() % 3) - 1);
        for (size_t k = 0; k < cols; k++) x[k] = (int8_t)rnd();
        ternary_pack_matrix(w, rows, cols, p);
        int reps = (int)(2e8 / (double)(rows * cols));
        double t0 = bench_now();
        for (int i = 0; i < reps; i++) ternary_gemv_i32(p, rows, cols, x, y), x[i % cols] ^= (int8_t)y[0];
        double tg = bench_now() - t0;
        t0 = bench_now();
        for (int i = 0; i < reps; i++) dense_i8(w, rows, cols, x, y2), x[i % cols] ^= (int8_t)y2[0];
        double td = bench_now() - t0;
        int rtl_reps = 5;
        uint64_t c0 = ternary_rtl_cycles(e), cc0 = ternary_rtl_compute_cycles(e);
        t0 = bench_now();
        for (int i = 0; i < rtl_reps; i++)
            if (ternary_rtl_gemv(e, p, rows, cols, x, y2)) return 1;
        double tr = bench_now() - t0;
        uint64_t cyc = ternary_rtl_cycles(e) - c0, ccyc = ternary_rtl_compute_cycles(e) - cc0;
        double ideal = (double)rtl_reps * rows * cols / (cfg.lanes * cfg.ktile);
        ternary_gemv_i32(p, rows, cols, x, y);
        for (size_t r = 0; r < rows; r++)
            if (y[r] != y2[r]) return fprintf(stderr, "rtl != golden\n"), 1;
        double macs = (double)reps * rows * cols;
        char name[32];
        snprintf(name, sizeof name, "%zux%zu", rows, cols);
        printf("%-10s %14.2f %14.2f %8.2f | %10.1f %12.3f %9.1f%%\n", name, macs / tg / 1e9, macs / td / 1e9, td / tg,
               rtl_reps / tr, cyc / tr / 1e6, 100 * ideal / ccyc);
        free(w), free(x), free(p), free(y), free(y2);
    }
    printf("ratio = dense int8 time / golden ternary time (same run). util = ideal compute cycles "
           "(rows*cols/%d MACs per cycle) / measured compute cycles; loading the weight buffer "
           "costs as many cycles again.\n", cfg.lanes * cfg.ktile);
    ternary_rtl_close(e);
    return 0;
}
