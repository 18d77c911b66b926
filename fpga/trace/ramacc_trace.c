/* Trace of the self-test design fpga/demo/ramacc.v (BRAM table + signed
 * accumulate). Reference written here (not a project unit): a C array
 * models the table, read-before-write semantics as in the RTL (the read
 * of cycle i sees writes of cycles < i), one cycle of read latency. */
#include "scan_trace.h"

static uint32_t lcg(uint32_t *s) { return *s = *s * 1664525u + 1013904223u; }

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 1200;
    if (n <= 600 || n > 10000000) { fprintf(stderr, "ramacc_trace: cycle count must be > 600\n"); return 2; }
    scan_cycle c;
    memset(&c, 0, sizeof c);
    uint32_t seed = 777;
    uint16_t mem[256] = {0};
    int64_t acc = 0;
    int en_q = 0;
    uint16_t rdata = 0;
    for (int i = 0; i < n; i++) {
        uint32_t r = lcg(&seed);
        int rst = i < 2;
        int we = i < 512 ? 1 : (r % 16 == 0);          /* fill the table, then rare updates */
        uint8_t waddr = i < 512 ? (uint8_t)i : (uint8_t)(r >> 8);
        uint16_t wdata = (uint16_t)(lcg(&seed) >> 16);
        int en = i >= 256 && (r >> 20) % 4 != 0;
        uint8_t raddr = (uint8_t)(lcg(&seed) >> 24);
        SCAN_IN(&c, rst, rst);
        SCAN_IN(&c, we, we);
        SCAN_IN(&c, waddr, waddr);
        SCAN_IN(&c, wdata, wdata);
        SCAN_IN(&c, en, en);
        SCAN_IN(&c, raddr, raddr);
        /* the clock edge: all right-hand sides use pre-edge state */
        int64_t acc_n = rst ? 0 : en_q ? (acc + (int16_t)rdata) & 0xffffff : acc;
        uint16_t rdata_n = mem[raddr];
        int en_q_n = en && !rst;
        if (we) mem[waddr] = wdata;
        acc = acc_n; rdata = rdata_n; en_q = en_q_n;
        SCAN_EXPECT(&c, acc, (uint64_t)acc);
        scan_emit(stdout, &c);
    }
    return 0;
}
