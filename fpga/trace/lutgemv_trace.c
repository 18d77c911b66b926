/* Scan trace for rtl/pim_bank.v (one SRAM-PIM LUT-GEMV bank) at the FPGA
 * parameterization (FPGA_PARAM_* from the generated layout.h), with expected
 * results and lookup counts from golden/lutgemv.h.
 * Cases: the co-simulation's random classes (sim/lutgemv_cosim.cpp: random
 * shape, weight kind signed / ternary / unsigned + zero point, weight and
 * activation bits, activation magnitude, pattern reuse on/off), plus
 * directed extremes (full-size bank, most negative weights and
 * activations, both pattern settings). Cases the bank's widths cannot hold
 * (golden entry/accumulator bits) are skipped, as the co-sim does.
 * Usage: lutgemv_trace [RANDOM_CASES [SEED]]   (defaults 12 1)
 *
 * Cycle timing is the bank's documented interface (rtl/pim_bank.v):
 * cmd_ready only when idle; BUILD 2^G cycles, LOADX 1, RUN 1 + lookups + 1,
 * READ 1 with rsp_valid/rsp_data visible right after the accepting edge;
 * stat_lookups restarts at 0 on RUN and counts one per lookup cycle. The
 * next command is presented while the bank is still busy, so the trace
 * also checks that it is not taken early. Values and the lookup count come
 * from golden (lutgemv_build_tables, lutgemv_gemv). */
#include "lutgemv.h"
#include "scan_trace.h"

#define PG FPGA_PARAM_G
#define PROWS FPGA_PARAM_ROWS
#define PGROUPS FPGA_PARAM_GROUPS
#define PNB FPGA_PARAM_NB
#define PAB FPGA_PARAM_AB
#define PWB FPGA_PARAM_WB
#define PE FPGA_PARAM_E
#define PACC FPGA_PARAM_ACC

enum { OP_BUILD = 1, OP_LOADX = 2, OP_RUN = 3, OP_READ = 4 };

static int log2i(int v)
{
    int l = 0;
    while ((1 << l) < v) l++;
    return l;
}

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static scan_cycle cyc;
static long cycles, results, skipped, cases;
static int busy_left;        /* cycles until the bank is idle again (0 = idle now) */
static uint32_t stat;        /* stat_lookups as visible */
static int stat_counting;    /* lookups still to count */

static void die(const char *m)
{
    fprintf(stderr, "lutgemv_trace: %s\n", m);
    exit(2);
}

/* One cycle: the outputs the model expects after this cycle's edge. */
static void emit_cycle(int rsp_valid, uint64_t rsp)
{
    SCAN_EXPECT(&cyc, cmd_ready, busy_left == 0);
    SCAN_EXPECT(&cyc, rsp_valid, rsp_valid);
    SCAN_EXPECT(&cyc, stat_lookups, stat);
    if (rsp_valid) SCAN_EXPECT(&cyc, rsp_data, rsp);
    scan_emit(stdout, &cyc);
    cycles++;
    SCAN_IN(&cyc, rst, 0);
}

/* Presents a command until the bank takes it; the bank's state advances
 * one cycle per call of the inner loop. kind: cycles the command keeps the
 * bank busy after the accepting cycle (BUILD 2^G - 1, RUN lookups + 1). */
static void command(int op, uint64_t addr, const uint64_t *data, int busy_after, int lookups,
                    int is_read, uint64_t rsp)
{
    SCAN_IN(&cyc, cmd_valid, 1);
    SCAN_IN(&cyc, cmd_op, op);
    SCAN_IN(&cyc, cmd_addr, addr);
    if (data) SCAN_IN_WIDE(&cyc, cmd_data, data);
    else SCAN_IN(&cyc, cmd_data, 0);
    for (;;) {
        int accept = busy_left == 0; /* state before this edge */
        if (accept) {
            busy_left = busy_after;
            if (op == OP_RUN) {
                stat = 0;
                stat_counting = lookups;
            }
            emit_cycle(is_read, rsp);
            break;
        }
        /* not taken: the bank works on */
        busy_left--;
        if (stat_counting > 0) {
            stat++;
            stat_counting--;
        }
        emit_cycle(0, 0);
    }
    SCAN_IN(&cyc, cmd_valid, 0);
}

static void wait_idle(void)
{
    SCAN_IN(&cyc, cmd_valid, 0);
    while (busy_left > 0) {
        busy_left--;
        if (stat_counting > 0) {
            stat++;
            stat_counting--;
        }
        emit_cycle(0, 0);
    }
}

static void put_field(uint64_t *d, int nwords, int off, int width, int64_t v)
{
    for (int i = 0; i < width; i++) {
        int b = off + i;
        if (b / 64 >= nwords) die("field outside the data word");
        if (((uint64_t)v >> (i < 63 ? i : 63)) & 1u) d[b / 64] |= 1ull << (b % 64);
    }
}

#define DWORDS SCAN_WORDS(FPGA_IN_cmd_data_W)

/* One case through the bank: build, load x, run, read every result. */
static void run_case(const lutgemv_cfg *f, const int16_t *w, const int16_t *zp, const int8_t *x, int pattern)
{
    const int NW = log2i(PNB), GW = log2i(PGROUPS);
    size_t G = lutgemv_groups(f), M = f->rows, N = f->batch, K = f->cols;
    if (lutgemv_entry_bits(f) > PE || lutgemv_acc_bits(f) > PACC || G > PGROUPS || M > PROWS || N > PNB) {
        skipped++;
        return;
    }
    int16_t *tab = malloc(sizeof *tab * lutgemv_table_len(f));
    int64_t *acc = malloc(sizeof *acc * lutgemv_acc_len(f));
    lutgemv_counts k;
    if (!tab || !acc) die("out of memory");
    if (lutgemv_build_tables(f, w, zp, PE, tab) != LPCS_OK) die("golden table build failed");
    if (lutgemv_gemv(f, tab, x, pattern, acc, &k) != LPCS_OK) die("golden gemv failed");
    cases++;

    for (size_t r = 0; r < M; r++)
        for (size_t grp = 0; grp < G; grp++) {
            uint64_t d[DWORDS] = {0};
            for (int j = 0; j < PG; j++) {
                size_t kk = grp * PG + (size_t)j;
                int v = 0;
                if (kk < K) {
                    v = w[r * K + kk];
                    if (f->w_kind == LUTGEMV_W_UNSIGNED_ZP) v -= zp[r];
                }
                put_field(d, DWORDS, j * PWB, PWB, v);
            }
            command(OP_BUILD, (r << GW) | grp, d, (1 << PG) - 1, 0, 0, 0);
        }
    for (size_t n = 0; n < N; n++)
        for (size_t grp = 0; grp < G; grp++) {
            uint64_t d[DWORDS] = {0};
            for (int j = 0; j < PG; j++) {
                size_t kk = grp * PG + (size_t)j;
                put_field(d, DWORDS, j * PAB, PAB, kk < K ? x[n * K + kk] : 0);
            }
            command(OP_LOADX, (n << GW) | grp, d, 0, 0, 0, 0);
        }
    SCAN_IN(&cyc, cfg_rows, M);
    SCAN_IN(&cyc, cfg_groups, G);
    SCAN_IN(&cyc, cfg_batch, N);
    SCAN_IN(&cyc, cfg_top_plane, f->a_bits - 1);
    SCAN_IN(&cyc, cfg_pattern, pattern);
    if (k.lookups_done > 100000000u) die("absurd lookup count");
    command(OP_RUN, 0, NULL, (int)k.lookups_done + 1, (int)k.lookups_done, 0, 0);
    for (size_t r = 0; r < M; r++)
        for (size_t n = 0; n < N; n++) {
            uint64_t v = (uint64_t)acc[n * M + r] & ((1ull << PACC) - 1);
            command(OP_READ, (r << NW) | n, NULL, 0, 0, 1, v);
            results++;
        }
    wait_idle();
    free(tab);
    free(acc);
}

static void make_case(uint64_t seed, size_t M, size_t K, size_t N, int ab, int kind, int wb, int pattern, int x_mag,
                      int extremes)
{
    uint64_t s = seed;
    lutgemv_cfg f = {0};
    f.rows = M, f.cols = K, f.batch = N, f.g = PG, f.a_bits = ab;
    f.w_kind = (lutgemv_wkind)kind, f.w_bits = wb, f.qgroup = 0;
    int16_t *w = malloc(sizeof *w * M * K), *zp = malloc(sizeof *zp * M);
    int8_t *x = malloc(N * K);
    if (!w || !zp || !x) die("out of memory");
    for (size_t i = 0; i < M * K; i++) {
        if (kind == LUTGEMV_W_TERNARY) w[i] = (int16_t)((int)(rng_next(&s) % 3) - 1);
        else if (kind == LUTGEMV_W_SIGNED) w[i] = (int16_t)((int)(rng_next(&s) % (1u << wb)) - (1 << (wb - 1)));
        else w[i] = (int16_t)(rng_next(&s) % (1u << wb));
        if (extremes) w[i] = kind == LUTGEMV_W_SIGNED ? (int16_t)-(1 << (wb - 1)) : 0;
    }
    for (size_t r = 0; r < M; r++) zp[r] = extremes ? (int16_t)((1 << wb) - 1) : (int16_t)(rng_next(&s) % (1u << wb));
    int hi = (1 << (ab - 1)) - 1, lo = -(1 << (ab - 1));
    for (size_t i = 0; i < N * K; i++) {
        int a = (int)(rng_next(&s) % (uint64_t)(2 * x_mag + 1)) - x_mag;
        x[i] = (int8_t)(extremes ? lo : a > hi ? hi : a < lo ? lo : a);
    }
    if (lutgemv_cfg_check(&f) != LPCS_OK) die("invalid case configuration");
    run_case(&f, w, zp, x, pattern);
    free(w);
    free(zp);
    free(x);
}

int main(int argc, char **argv)
{
    long ncases = argc > 1 ? atol(argv[1]) : 12;
    uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 1;
    if (ncases < 0 || ncases > 1000000) die("usage: lutgemv_trace [RANDOM_CASES [SEED]]");
    memset(&cyc, 0, sizeof cyc);
    SCAN_IN(&cyc, rst, 1);
    emit_cycle(0, 0);

    /* directed: full bank, extremes (signed 8-bit -128 weights x -128
     * activations; unsigned weights 0 with zero point 255), both patterns */
    for (int pattern = 1; pattern >= 0; pattern--) {
        make_case(11, PROWS, PGROUPS * PG, PNB, 8, LUTGEMV_W_SIGNED, 8, pattern, 128, 1);
        make_case(12, PROWS, PGROUPS * PG, PNB, 8, LUTGEMV_W_UNSIGNED_ZP, 8, pattern, 128, 1);
        make_case(13, PROWS, PGROUPS * PG - 1, PNB, 8, LUTGEMV_W_SIGNED, 8, pattern, 128, 0);
        make_case(14, PROWS, PGROUPS * PG, PNB, 4, LUTGEMV_W_TERNARY, 2, pattern, 3, 0);
    }
    for (long i = 0; i < ncases; i++) { /* random, as sim/lutgemv_cosim.cpp random_case */
        uint64_t s = seed * 1000003u + (uint64_t)i;
        size_t M = 1 + rng_next(&s) % PROWS, K = 1 + rng_next(&s) % (size_t)(PGROUPS * PG);
        size_t N = 1 + rng_next(&s) % PNB;
        int ab = 2 + (int)(rng_next(&s) % (uint64_t)(PAB - 1));
        int kind = (int)(rng_next(&s) % 3), wb = kind == LUTGEMV_W_TERNARY ? 2 : 1 + (int)(rng_next(&s) % 8);
        int pattern = (int)(rng_next(&s) & 1);
        int mag = 1 + (int)(rng_next(&s) % 128);
        make_case(rng_next(&s), M, K, N, ab, kind, wb, pattern, mag, 0);
    }
    fprintf(stderr, "lutgemv_trace: %ld cycles, %ld cases (%ld skipped: too wide for the bank), %ld results\n",
            cycles, cases, skipped, results);
    return cases > 0 ? 0 : 2;
}
