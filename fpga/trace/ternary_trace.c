/* Scan trace for rtl/ternary_gemv.v at the FPGA parameterization
 * (FPGA_PARAM_LANES/KTILE/WDEPTH/XDEPTH from the generated layout.h), with
 * expected results from golden/ternary.h (ternary_gemv_i32).
 * Cases: the co-simulation's classes (sim/ternary_cosim.cpp) sized to the
 * buffers: all-zero W / x, +-1 W with x = 127 / -128 extremes, alternating
 * W with alternating extremes, random, for K = 1, 2, KTILE-1, KTILE,
 * KTILE+1, ..., KMAX; rows = LANES, LANES-1; an invalid code (0b10) in a
 * valid position (err must rise; golden value with that weight 0); then
 * random shapes with random sparsity. Padding columns (>= K) of the last
 * tile get random codes incl. 0b10 and random x: the engine must mask them.
 * Usage: ternary_trace [RANDOM_CASES [SEED]]   (defaults 6 1)
 *
 * Cycle timing is the engine's documented interface (rtl/ternary_gemv.v):
 * buffers written one word per cycle while idle; start while !busy; the
 * engine issues one weight word per cycle from the next cycle on (word
 * i at cycle start+1+i), and a row group's y_valid / y_data / y_group
 * appear 2 cycles after its last word's issue, with busy falling and done
 * rising together with the last group; err (sticky) rises with the group
 * whose tile held the invalid code. */
#include "scan_trace.h"
#include "ternary.h"

#define L FPGA_PARAM_LANES
#define KT FPGA_PARAM_KTILE
#define WD FPGA_PARAM_WDEPTH
#define XD FPGA_PARAM_XDEPTH
#define KMAX (XD * KT)

static uint64_t rng = 1;
static uint64_t rnd(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static scan_cycle cyc;
static long cycles, results;

static void die(const char *m)
{
    fprintf(stderr, "ternary_trace: %s\n", m);
    exit(2);
}

/* Idle-state outputs every cycle cares about (engine idle, no result). */
static void expect_idle(int done, int err)
{
    SCAN_EXPECT(&cyc, busy, 0);
    SCAN_EXPECT(&cyc, done, done);
    SCAN_EXPECT(&cyc, err, err);
    SCAN_EXPECT(&cyc, y_valid, 0);
}

static void emit(void)
{
    scan_emit(stdout, &cyc);
    cycles++;
    SCAN_IN(&cyc, w_we, 0);
    SCAN_IN(&cyc, x_we, 0);
    SCAN_IN(&cyc, start, 0);
    SCAN_IN(&cyc, rst, 0);
}

static int done_flag, err_flag;

/* Runs one GEMV block: rows <= (WD / n_tiles) * L, cols <= KMAX.
 * w: [rows][cols] in {-1,0,1}; bad_row/bad_col: an invalid code there
 * (or -1). Emits the load, run and result cycles. */
static void run_block(const int8_t *w, size_t rows, size_t cols, const int8_t *x, long bad_row, long bad_col)
{
    size_t n_tiles = (cols + KT - 1) / KT, n_groups = (rows + L - 1) / L;
    if (cols == 0 || cols > KMAX || n_groups * n_tiles > WD) die("block does not fit the buffers");

    /* expected: golden on the packed valid matrix (the invalid code counts as 0) */
    size_t rb = ternary_row_bytes(cols);
    uint8_t *packed = calloc(rows * rb, 1);
    int32_t *y = calloc(rows, sizeof *y);
    if (!packed || !y) die("out of memory");
    if (ternary_pack_matrix(w, rows, cols, packed) != LPCS_OK) die("pack failed");
    if (ternary_gemv_i32(packed, rows, cols, x, y) != LPCS_OK) die("golden gemv failed");

    /* activation words */
    for (size_t t = 0; t < n_tiles; t++) {
        uint64_t word[SCAN_WORDS(8 * KT)] = {0};
        for (size_t j = 0; j < KT; j++) {
            size_t k = t * KT + j;
            uint8_t v = k < cols ? (uint8_t)x[k] : (uint8_t)rnd(); /* padding: junk */
            word[(8 * j) / 64] |= (uint64_t)v << ((8 * j) % 64);
        }
        SCAN_IN(&cyc, x_we, 1);
        SCAN_IN(&cyc, x_addr, t);
        SCAN_IN_WIDE(&cyc, x_wdata, word);
        expect_idle(done_flag, err_flag);
        emit();
    }
    /* weight words: word g*n_tiles + t, lane l, position j */
    for (size_t g = 0; g < n_groups; g++)
        for (size_t t = 0; t < n_tiles; t++) {
            uint64_t word[SCAN_WORDS(2 * L * KT)] = {0};
            for (size_t l = 0; l < L; l++)
                for (size_t j = 0; j < KT; j++) {
                    size_t r = g * L + l, k = t * KT + j;
                    unsigned code;
                    if (r < rows && k < cols) {
                        int v = w[r * cols + k];
                        code = v == 1 ? 1u : v == -1 ? 3u : 0u;
                        if ((long)r == bad_row && (long)k == bad_col) code = 2u;
                    } else if (k < cols) {
                        code = (unsigned)(rnd() % 3); /* rows past the end: valid codes, ignored */
                        code = code == 2 ? 3u : code;
                    } else {
                        code = (unsigned)(rnd() & 3); /* columns >= K: any code, masked */
                    }
                    size_t bit = 2 * (l * KT + j);
                    word[bit / 64] |= (uint64_t)code << (bit % 64);
                }
            SCAN_IN(&cyc, w_we, 1);
            SCAN_IN(&cyc, w_addr, g * n_tiles + t);
            SCAN_IN_WIDE(&cyc, w_wdata, word);
            expect_idle(done_flag, err_flag);
            emit();
        }
    /* run */
    SCAN_IN(&cyc, n_groups, n_groups);
    SCAN_IN(&cyc, n_tiles, n_tiles);
    SCAN_IN(&cyc, k_len, cols);
    SCAN_IN(&cyc, start, 1);
    /* cycle s: start taken -> busy, done and err cleared */
    SCAN_EXPECT(&cyc, busy, 1);
    SCAN_EXPECT(&cyc, done, 0);
    SCAN_EXPECT(&cyc, err, 0);
    SCAN_EXPECT(&cyc, y_valid, 0);
    emit();
    size_t words = n_groups * n_tiles, bad_word = (size_t)-1;
    if (bad_row >= 0) bad_word = ((size_t)bad_row / L) * n_tiles + (size_t)bad_col / KT;
    int err = 0;
    /* cycle s+1+i issues word i; its stage-3 effects are visible at s+3+i */
    for (size_t c = 1; c < words + 3; c++) {
        long i = (long)c - 3; /* word whose stage 3 happened at this cycle's edge */
        int yv = 0, last = 0;
        if (i >= 0) {
            if ((size_t)i == bad_word) err = 1;
            yv = ((size_t)i % n_tiles) == n_tiles - 1;
            last = (size_t)i == words - 1;
        }
        SCAN_EXPECT(&cyc, busy, !last);
        SCAN_EXPECT(&cyc, done, last);
        SCAN_EXPECT(&cyc, err, err);
        SCAN_EXPECT(&cyc, y_valid, yv);
        if (yv) {
            size_t g = (size_t)i / n_tiles;
            SCAN_EXPECT(&cyc, y_group, g);
            /* per lane: only real rows are cared for */
            for (size_t l = 0; l < L; l++) {
                size_t r = g * L + l;
                if (r >= rows) continue;
                int off = FPGA_OUT_y_data_OFF + 32 * (int)l;
                uint64_t v = (uint32_t)y[r], ones = 0xffffffffu;
                scan_put(cyc.exp, FPGA_OUT_LEN, off, 32, &v);
                scan_put(cyc.mask, FPGA_OUT_LEN, off, 32, &ones);
                results++;
            }
        }
        emit();
    }
    done_flag = 1;
    err_flag = err;
    expect_idle(done_flag, err_flag); /* one idle cycle: the flags hold */
    emit();
    free(packed);
    free(y);
}

/* A GEMV of any rows (cols <= KMAX), split into blocks that fit WDEPTH. */
static void gemv(const int8_t *w, size_t rows, size_t cols, const int8_t *x, long bad_row, long bad_col)
{
    size_t n_tiles = (cols + KT - 1) / KT, max_rows = (WD / n_tiles) * L;
    for (size_t r0 = 0; r0 < rows; r0 += max_rows) {
        size_t n = rows - r0 < max_rows ? rows - r0 : max_rows;
        long br = (bad_row >= (long)r0 && bad_row < (long)(r0 + n)) ? bad_row - (long)r0 : -1;
        run_block(w + r0 * cols, n, cols, x, br, br >= 0 ? bad_col : -1);
    }
}

/* wfill: -1/0/1 constant, 2 random, 3 alternating; xfill: constant, 1000 random, 1001 alternating extremes */
static void make_case(size_t rows, size_t cols, int wfill, int xfill, int zero_pct, int invalid)
{
    int8_t *w = malloc(rows * cols), *x = malloc(cols);
    if (!w || !x) die("out of memory");
    for (size_t i = 0; i < rows * cols; i++) {
        w[i] = (int8_t)(wfill == 2 ? (int)(rnd() % 3) - 1 : wfill == 3 ? (((i % cols) % 2) ? -1 : 1) : wfill);
        if (zero_pct && (int)(rnd() % 100) < zero_pct) w[i] = 0;
    }
    for (size_t k = 0; k < cols; k++)
        x[k] = (int8_t)(xfill == 1000 ? (int)(rnd() & 0xff) - 128 : xfill == 1001 ? ((k % 2) ? -128 : 127) : xfill);
    long br = -1, bc = -1;
    if (invalid) {
        br = (long)(rows / 2);
        bc = 0;
        w[(size_t)br * cols] = 0; /* golden counts the invalid code as 0 */
    }
    gemv(w, rows, cols, x, br, bc);
    free(w);
    free(x);
}

int main(int argc, char **argv)
{
    long nrandom = argc > 1 ? atol(argv[1]) : 6;
    if (argc > 2) rng = strtoull(argv[2], NULL, 0);
    if (nrandom < 0 || nrandom > 1000000) die("usage: ternary_trace [RANDOM_CASES [SEED]]");
    memset(&cyc, 0, sizeof cyc);
    SCAN_IN(&cyc, rst, 1);
    expect_idle(0, 0);
    scan_emit(stdout, &cyc);
    cycles++;
    SCAN_IN(&cyc, rst, 0);

    const size_t colss[] = {1, 2, KT - 1, KT, KT + 1, L + 1, 3 * L - 1, 2 * KT + 3, KMAX - 1, KMAX};
    for (size_t i = 0; i < sizeof colss / sizeof colss[0]; i++) {
        size_t cols = colss[i];
        if (cols == 0 || cols > KMAX) continue;
        size_t rows = L + 3;
        make_case(rows, cols, 0, 1000, 0, 0);
        make_case(rows, cols, 2, 0, 0, 0);
        make_case(rows, cols, 1, 127, 0, 0);
        make_case(rows, cols, 1, -128, 0, 0);
        make_case(rows, cols, -1, -128, 0, 0);
        make_case(rows, cols, -1, 127, 0, 0);
        make_case(rows, cols, 3, 1001, 0, 0);
        make_case(rows, cols, 2, 1000, 0, 0);
    }
    make_case(L, KT, 2, 1000, 0, 0);
    make_case(L > 1 ? L - 1 : 1, KT + 5 <= KMAX ? KT + 5 : KMAX, 2, 1000, 0, 0);
    make_case(L + 3, KT + 1 <= KMAX ? KT + 1 : KMAX, 2, 1000, 0, 1); /* invalid code -> err */
    make_case(L + 3, KT, 2, 1000, 0, 0);                              /* err clears on the next start */
    for (long i = 0; i < nrandom; i++) {
        size_t rows = 1 + rnd() % (4 * L + 5), cols = 1 + rnd() % KMAX;
        make_case(rows, cols, 2, 1000, (int)(rnd() % 101), 0);
    }
    fprintf(stderr, "ternary_trace: %ld cycles, %ld output rows expected (LANES %d KTILE %d WDEPTH %d XDEPTH %d)\n",
            cycles, results, L, KT, WD, XD);
    return 0;
}
