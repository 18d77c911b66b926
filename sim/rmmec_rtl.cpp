// C API over the Verilated RMMEC (see rmmec_rtl.h): a command stream, one
// command offered per cycle, results collected in order.
#include "rmmec_rtl.h"

#include "Vrmmec.h"
#include "vl_unit.h"

namespace {
enum { OP_ACC = 0, OP_CLEAR = 1, OP_READ_CLEAR = 3 };
const uint64_t HANG_CYCLES = 100000; // no progress for this long: a hardware bug
} // namespace

struct rmmec_rtl : vl_unit<Vrmmec> {
    rmmec_rtl() {
        top->rst_n = 0;
        top->in_valid = 0;
        top->res_ready = 1;
        tick();
        tick();
        top->rst_n = 1;
        tick();
    }
};

extern "C" {

rmmec_rtl *rmmec_rtl_open(void) { return vl_new<rmmec_rtl>(); }

void rmmec_rtl_close(rmmec_rtl *u) { delete u; }

uint64_t rmmec_rtl_cycles(const rmmec_rtl *u) { return u ? u->cycles : 0; }

int rmmec_rtl_gemv(rmmec_rtl *u, int mode, const uint16_t *w, size_t rows, size_t words, const uint16_t *x,
                   int fmt, uint32_t *y) {
    if (!u || !w || !x || !y || mode < 0 || mode > 3 || fmt < 0 || fmt > 3 || rows == 0 || words == 0) return -1;
    Vrmmec *t = u->top.get();
    // Command i of the stream: 0 = CLEAR (sets the mode), then per row
    // `words` ACC commands and one READ_CLEAR.
    const size_t per_row = words + 1, n_cmds = 1 + rows * per_row;
    size_t sent = 0, got = 0;
    uint64_t idle = 0;
    t->res_ready = 1;
    while (got < rows) {
        bool offer = sent < n_cmds;
        t->in_valid = offer;
        if (offer) {
            t->in_mode = (uint8_t)mode;
            t->in_fmt = (uint8_t)fmt;
            if (sent == 0) {
                t->in_op = OP_CLEAR;
                t->in_a = t->in_b = 0;
            } else {
                size_t r = (sent - 1) / per_row, k = (sent - 1) % per_row;
                t->in_op = k < words ? OP_ACC : OP_READ_CLEAR;
                t->in_a = k < words ? w[r * words + k] : 0;
                t->in_b = k < words ? x[k] : 0;
            }
        }
        t->clk = 0;
        t->eval();
        bool took = offer && t->in_ready, res = t->res_valid;
        uint32_t data = t->res_data;
        t->clk = 1;
        t->eval();
        u->cycles++;
        if (took) sent++;
        if (res) y[got++] = data;
        idle = (took || res) ? 0 : idle + 1;
        if (idle > HANG_CYCLES) return -2;
    }
    t->in_valid = 0;
    return 0;
}

} // extern "C"
