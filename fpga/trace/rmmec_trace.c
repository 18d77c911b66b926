/* Scan trace for rtl/rmmec.v: the co-simulation's vector classes (sim/
 * rmmec_cosim.cpp), sized for netlist simulation, with expected results from
 * golden/rmmec.h.
 *   - every FP4 and P4 lane pair at every lane position (exhaustive), each
 *     product read out in every format of the mode
 *   - sampled P8 and P16 operand pairs (random words), read out likewise
 *   - random long accumulations per mode (biased lane values: 0, NaR,
 *     +-maxpos, +-minpos; cancellations of earlier products; reads in
 *     between), with random back-pressure on res_ready
 * Usage: rmmec_trace [PAIRS [SEGMENTS [SEGLEN]]]   (defaults 1500 12 200)
 *
 * The cycle timing is the unit's documented interface (rtl/rmmec.v): one
 * command per cycle when in_valid & in_ready, in_ready = !res_valid |
 * res_ready, a READ's result leaves the 5-stage pipe 4 accepted cycles
 * later on res_data with res_valid, everything stalls while a result waits.
 * The values come from golden: commands are applied to rmmec_state in the
 * order they are accepted. */
#include "rmmec.h"
#include "scan_trace.h"
#include "stimulus.h"

enum { OP_ACC = 0, OP_CLEAR = 1, OP_READ = 2, OP_READ_CLEAR = 3 };
enum { PIPE = 4 }; /* stages before res: v1, v2, v3, v4 */

typedef struct {
    int op, mode, fmt;
    uint16_t a, b;
} cmd;

typedef struct {
    int valid, read;
    uint32_t val;
} slot;

static stim_rng rng = {1}; /* the co-simulation's stimulus (sim/stimulus.h) */
static uint64_t rnd(void) { return stim_next(&rng); }

static const int lane_bits[4] = {4, 4, 8, 16};

/* ---- the unit's cycle behaviour, values from golden ---- */
static FILE *out;
static scan_cycle cyc;
static rmmec_state gold;
static slot pipe[PIPE], res;
static long cycles, reads;
static int backpressure;
static int gold_clear = 1; /* accumulator cleared since the last ACC */

static void die(const char *m)
{
    fprintf(stderr, "rmmec_trace: %s\n", m);
    exit(2);
}

/* Value of an accepted command's readout (golden, in acceptance order). */
static uint32_t golden_apply(const cmd *c)
{
    uint32_t v = 0;
    if ((rmmec_mode)c->mode != gold.mode) { /* a new mode starts from a clear accumulator */
        if (!gold_clear) die("mode changed without a clear");
        if (rmmec_init(&gold, (rmmec_mode)c->mode) != LPCS_OK) die("init failed");
    }
    if (c->op == OP_ACC) {
        if (rmmec_accumulate(&gold, c->a, c->b) != LPCS_OK) die("accumulate failed");
        gold_clear = 0;
    } else if (c->op == OP_CLEAR) {
        rmmec_clear(&gold);
        gold_clear = 1;
    } else {
        if (rmmec_readout(&gold, (rmmec_out)c->fmt, &v) != LPCS_OK) die("unsupported mode/format pair");
        if (c->op == OP_READ_CLEAR) {
            rmmec_clear(&gold);
            gold_clear = 1;
        }
    }
    return v;
}

/* One unit cycle with inputs (rst_n, c or idle); returns 1 if c was accepted. */
static int cycle(int rst_n, const cmd *c)
{
    int res_ready = backpressure ? (rnd() & 3) != 0 : 1;
    SCAN_IN(&cyc, rst_n, rst_n);
    SCAN_IN(&cyc, in_valid, c != NULL);
    SCAN_IN(&cyc, in_op, c ? c->op : 0);
    SCAN_IN(&cyc, in_mode, c ? c->mode : 0);
    SCAN_IN(&cyc, in_fmt, c ? c->fmt : 0);
    SCAN_IN(&cyc, in_a, c ? c->a : 0);
    SCAN_IN(&cyc, in_b, c ? c->b : 0);
    SCAN_IN(&cyc, res_ready, res_ready);
    int took = 0;
    if (!rst_n) {
        memset(pipe, 0, sizeof pipe);
        memset(&res, 0, sizeof res);
        rmmec_init(&gold, RMMEC_FP4);
        gold_clear = 1;
    } else if (!res.valid || res_ready) { /* adv */
        res.valid = pipe[3].valid;
        res.val = pipe[3].val;
        pipe[3] = pipe[2];
        pipe[2].valid = pipe[1].valid && pipe[1].read; /* v3: only reads go on */
        pipe[2].val = pipe[1].val;
        pipe[1] = pipe[0];
        pipe[0].valid = c != NULL;
        pipe[0].read = c && c->op >= OP_READ;
        pipe[0].val = c ? golden_apply(c) : 0;
        took = c != NULL;
    }
    SCAN_EXPECT(&cyc, res_valid, res.valid);
    SCAN_EXPECT(&cyc, in_ready, !res.valid || res_ready);
    if (res.valid) {
        SCAN_EXPECT(&cyc, res_data, res.val);
        reads++;
    }
    scan_emit(out, &cyc);
    cycles++;
    return took;
}

static void send(const cmd *c)
{
    while (!cycle(1, c)) {
    }
}

/* ---- vector classes (as in sim/rmmec_cosim.cpp) ---- */
static int formats(int mode, int *f)
{
    if (mode == RMMEC_FP4) {
        f[0] = RMMEC_OUT_FP32;
        f[1] = RMMEC_OUT_BF16;
        return 2;
    }
    f[0] = RMMEC_OUT_POSIT;
    f[1] = RMMEC_OUT_P16E1;
    f[2] = RMMEC_OUT_FP32;
    f[3] = RMMEC_OUT_BF16;
    return 4;
}

static void read_all(int mode)
{
    int f[4], n = formats(mode, f);
    for (int i = 0; i < n; i++) {
        cmd c = {i + 1 == n ? OP_READ_CLEAR : OP_READ, mode, f[i], 0, 0};
        send(&c);
    }
}

static void single(int mode, uint16_t a, uint16_t b)
{
    cmd c = {OP_ACC, mode, 0, a, b};
    send(&c);
    read_all(mode);
}

static uint16_t special_word(int mode) { return stim_rmmec_special_word(&rng, mode); }
static uint16_t negate_word(int mode, uint16_t w) { return stim_rmmec_negate_word(mode, w); }

static void random_segments(int mode, int nseg, int maxlen)
{
    int f[4], nf = formats(mode, f);
    cmd *hist = malloc(sizeof(cmd) * (size_t)maxlen);
    if (!hist) die("out of memory");
    for (int i = 0; i < nseg; i++) {
        int len = 1 + (int)(rnd() % (unsigned)maxlen), nh = 0;
        int no_nar = (rnd() % 4) != 0;
        for (int k = 0; k < len; k++) {
            cmd c = {OP_ACC, mode, 0, special_word(mode), special_word(mode)};
            if (no_nar && mode != RMMEC_FP4) {
                unsigned lb = (unsigned)lane_bits[mode], nar = 1u << (lb - 1), m = (1u << lb) - 1;
                for (unsigned l = 0; l < 16 / lb; l++) {
                    if (((c.a >> (lb * l)) & m) == nar) c.a ^= (uint16_t)(1u << (lb * l));
                    if (((c.b >> (lb * l)) & m) == nar) c.b ^= (uint16_t)(1u << (lb * l));
                }
            }
            if (nh && rnd() % 5 == 0) { /* cancel an earlier product */
                const cmd *h = &hist[rnd() % (unsigned)nh];
                c.a = negate_word(mode, h->a);
                c.b = h->b;
            }
            hist[nh++] = c;
            send(&c);
            if (rnd() % 16 == 0) {
                cmd r = {OP_READ, mode, f[rnd() % (unsigned)nf], 0, 0};
                send(&r);
            }
        }
        if (rnd() % 8 == 0) { /* an explicit CLEAR, then one product */
            cmd cl = {OP_CLEAR, mode, 0, 0, 0};
            send(&cl);
            cmd c = {OP_ACC, mode, 0, special_word(mode), special_word(mode)};
            send(&c);
        }
        read_all(mode);
    }
    free(hist);
}

int main(int argc, char **argv)
{
    long pairs = argc > 1 ? atol(argv[1]) : 1500;
    long nseg = argc > 2 ? atol(argv[2]) : 12;
    long seglen = argc > 3 ? atol(argv[3]) : 200;
    if (pairs < 0 || pairs > 100000000 || nseg < 0 || nseg > 1000000 || seglen < 1 || seglen > 1000000)
        die("usage: rmmec_trace [PAIRS [SEGMENTS [SEGLEN]]]");
    out = stdout;
    memset(&cyc, 0, sizeof cyc);
    cycle(0, NULL);
    cycle(0, NULL);
    for (int mode = 0; mode < 4; mode++) {
        if (mode <= RMMEC_P4) {
            for (int l = 0; l < 4; l++)
                for (unsigned x = 0; x < 16; x++)
                    for (unsigned y = 0; y < 16; y++)
                        single(mode, (uint16_t)(x << (4 * l)), (uint16_t)(y << (4 * l)));
        } else {
            for (long i = 0; i < pairs; i++) single(mode, (uint16_t)rnd(), (uint16_t)rnd());
        }
        backpressure = 1;
        random_segments(mode, (int)nseg, (int)seglen);
        backpressure = 0;
    }
    for (int i = 0; i < PIPE + 2; i++) cycle(1, NULL); /* drain */
    fprintf(stderr, "rmmec_trace: %ld cycles, %ld readouts expected\n", cycles, reads);
    return 0;
}
