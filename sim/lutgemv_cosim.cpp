// Co-simulation of rtl/pim_bank.v against golden/lutgemv.h, bit for bit.
//   lutgemv_cosim [--cases N] [--seed S] [--fault] [--drop-read] [--model-table FILE] [--vcd-dir DIR]
// Random cases (shape, weight kind/bits, activation bits, pattern reuse on/off)
// are built into the bank, run, read back and compared with lutgemv_gemv; the
// bank's lookup counter is compared with the golden count. On the first
// mismatch the case is printed, re-simulated with a VCD written to
// DIR/lutgemv_fail.vcd, and the exit status is 1. --fault flips one weight bit
// sent to the RTL (the check must then fail). --model-table runs a fixed set
// of shapes, measures cycles per command phase and compares them with
// models/lutgemv_model.h (exit 1 on any difference), writing a markdown table;
// given with --cases, it runs after the random cases.
// --mutant N (builds of the yosys-mutated netlist with -DPB_MUTSEL only,
// tests/mutation.mk) activates mutant N of the netlist.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "Vpim_bank.h"
#include "verilated.h"
#include "verilated_vcd_c.h"

#include "lutgemv.h"
#include "lutgemv_model.h"
#include "stimulus.h"

#ifndef PB_G
#error "build with -DPB_G=... matching the RTL parameters"
#endif

static const int kG = PB_G, kRows = PB_ROWS, kGroups = PB_GROUPS, kNB = PB_NB, kAB = PB_AB,
                 kWB = PB_WB, kE = PB_E, kACC = PB_ACC;

static uint64_t rng_next(uint64_t *s) { // splitmix64 (sim/stimulus.h)
    stim_rng r = {*s};
    uint64_t z = stim_next(&r);
    *s = r.s;
    return z;
}

// Packs little fields into cmd_data of whatever width Verilator chose.
static void put_bits(std::vector<uint32_t> &w, int pos, int width, uint64_t v) {
    for (int b = 0; b < width; b++) {
        int at = pos + b;
        if ((size_t)(at / 32) >= w.size()) w.resize((size_t)at / 32 + 1, 0);
        if (v >> b & 1) w[(size_t)at / 32] |= 1u << (at % 32);
    }
}
static void set_data(CData &d, const std::vector<uint32_t> &w) { d = (CData)(w.empty() ? 0 : w[0]); }
static void set_data(SData &d, const std::vector<uint32_t> &w) { d = (SData)(w.empty() ? 0 : w[0]); }
static void set_data(IData &d, const std::vector<uint32_t> &w) { d = w.empty() ? 0 : w[0]; }
static void set_data(QData &d, const std::vector<uint32_t> &w) {
    d = (w.size() > 0 ? w[0] : 0) | (QData)(w.size() > 1 ? w[1] : 0) << 32;
}
template <std::size_t T>
static void set_data(VlWide<T> &d, const std::vector<uint32_t> &w) {
    for (std::size_t i = 0; i < T; i++) d[i] = i < w.size() ? w[i] : 0;
}

struct Case {
    lutgemv_cfg cfg;
    int pattern;
    std::vector<int16_t> w, zp;
    std::vector<int8_t> x;
};

struct PhaseCycles {
    uint64_t build = 0, load_x = 0, run = 0, read = 0;
};

static unsigned g_mutant = 0;  // mutsel of a mutated netlist (PB_MUTSEL builds)

class Bank {
  public:
    explicit Bank(const char *vcd_path) {
        ctx_.reset(new VerilatedContext);
        m_.reset(new Vpim_bank{ctx_.get()});
#ifdef PB_MUTSEL
        m_->mutsel = g_mutant;
#endif
        if (vcd_path) {
            ctx_->traceEverOn(true);
            tfp_.reset(new VerilatedVcdC);
            m_->trace(tfp_.get(), 99);
            tfp_->open(vcd_path);
        }
        m_->rst = 1;
        m_->cmd_valid = 0;
        tick();
        tick();
        m_->rst = 0;
    }
    ~Bank() {
        if (tfp_) tfp_->close();
        m_->final();
    }
    void tick() {
        m_->clk = 0;
        m_->eval();
        if (tfp_) tfp_->dump(t_++);
        m_->clk = 1;
        m_->eval();
        if (tfp_) tfp_->dump(t_++);
        cycle_++;
        if (m_->rsp_valid) rsp_.push_back((uint64_t)m_->rsp_data);
    }
    // Issues one command; returns once it has been accepted.
    void cmd(int op, uint32_t addr, const std::vector<uint32_t> &data) {
        wait_ready();
        m_->cmd_valid = 1;
        m_->cmd_op = (CData)op;
        m_->cmd_addr = addr;
        set_data(m_->cmd_data, data);
        tick();
        m_->cmd_valid = 0;
    }
    // Waits until the bank is idle; a bank busy for 2^20 cycles has hung.
    void wait_ready() {
        m_->clk = 0;
        m_->eval();
        for (uint64_t n = 0; !m_->cmd_ready; n++) {
            if (n > (1u << 20)) {
                fprintf(stderr, "RTL HUNG: busy for %llu cycles (cycle %llu)\n", (unsigned long long)n,
                        (unsigned long long)cycle_);
                exit(1);
            }
            tick();
        }
    }
    Vpim_bank *m() { return m_.get(); }
    uint64_t cycle() const { return cycle_; }
    std::vector<uint64_t> rsp_;

  private:
    std::unique_ptr<VerilatedContext> ctx_;
    std::unique_ptr<Vpim_bank> m_;
    std::unique_ptr<VerilatedVcdC> tfp_;
    uint64_t t_ = 0, cycle_ = 0;
};

enum { OP_BUILD = 1, OP_LOADX = 2, OP_RUN = 3, OP_READ = 4 };
static const int kRW = __builtin_ctz(kRows), kGW = __builtin_ctz(kGroups), kNW = __builtin_ctz(kNB);

static int64_t sext(uint64_t v, int bits) {
    uint64_t m = 1ull << (bits - 1);
    v &= (bits == 64) ? ~0ull : ((1ull << bits) - 1);
    return (int64_t)((v ^ m) - m);
}

// --drop-read: issue one READ fewer, so the bank answers one response short
// (a negative test of the response count check below).
static bool g_drop_read = false;

// Runs one case on the RTL: results acc[n*M + r], lookups counter, phase cycles.
// False (and a message) when the RTL returned the wrong number of responses.
static bool run_rtl(const Case &c, bool fault, const char *vcd, std::vector<int64_t> &acc,
                    uint64_t &lookups, PhaseCycles &pc) {
    Bank b(vcd);
    const lutgemv_cfg &f = c.cfg;
    const size_t G = lutgemv_groups(&f), Q = lutgemv_qgroups(&f);
    uint64_t t0 = b.cycle();
    for (size_t r = 0; r < f.rows; r++)
        for (size_t grp = 0; grp < G; grp++) {
            std::vector<uint32_t> d;
            for (int j = 0; j < kG; j++) {
                size_t k = grp * (size_t)kG + (size_t)j;
                int v = 0;
                if (k < f.cols) {
                    v = c.w[r * f.cols + k];
                    if (f.w_kind == LUTGEMV_W_UNSIGNED_ZP) v -= c.zp[r * Q + k / f.cols];
                }
                if (fault && r == f.rows - 1 && grp == 0 && j == 0) v ^= 1;  // injected fault
                put_bits(d, j * kWB, kWB, (uint64_t)(int64_t)v);
            }
            b.cmd(OP_BUILD, (uint32_t)(r << kGW | grp), d);
        }
    b.wait_ready();
    pc.build = b.cycle() - t0;
    t0 = b.cycle();
    for (size_t n = 0; n < f.batch; n++)
        for (size_t grp = 0; grp < G; grp++) {
            std::vector<uint32_t> d;
            for (int j = 0; j < kG; j++) {
                size_t k = grp * (size_t)kG + (size_t)j;
                int v = k < f.cols ? c.x[n * f.cols + k] : 0;
                put_bits(d, j * kAB, kAB, (uint64_t)(int64_t)v);
            }
            b.cmd(OP_LOADX, (uint32_t)(n << kGW | grp), d);
        }
    b.wait_ready();
    pc.load_x = b.cycle() - t0;
    Vpim_bank *m = b.m();
    m->cfg_rows = (CData)f.rows;
    m->cfg_groups = (CData)G;
    m->cfg_batch = (CData)f.batch;
    m->cfg_top_plane = (CData)(f.a_bits - 1);
    m->cfg_pattern = (CData)c.pattern;
    t0 = b.cycle();
    b.cmd(OP_RUN, 0, {});
    b.wait_ready();
    pc.run = b.cycle() - t0;
    lookups = m->stat_lookups;
    t0 = b.cycle();
    b.rsp_.clear();
    for (size_t r = 0; r < f.rows; r++)
        for (size_t n = 0; n < f.batch; n++)
            if (!(g_drop_read && r == f.rows - 1 && n == f.batch - 1)) b.cmd(OP_READ, (uint32_t)(r << kNW | n), {});
    pc.read = b.cycle() - t0;
    b.tick();  // no response may arrive after the reads' own cycles
    acc.assign(f.rows * f.batch, 0);
    if (b.rsp_.size() != f.rows * f.batch) {
        fprintf(stderr, "RESPONSE COUNT: RTL returned %zu responses, expected %zu\n", b.rsp_.size(), f.rows * f.batch);
        return false;
    }
    for (size_t r = 0; r < f.rows; r++)
        for (size_t n = 0; n < f.batch; n++) acc[n * f.rows + r] = sext(b.rsp_[r * f.batch + n], kACC);
    return true;
}

static void make_case(uint64_t seed, Case &c, size_t M, size_t K, size_t N, int ab, int kind, int wb, int pattern,
                      int x_mag) {
    uint64_t s = seed;
    c.cfg = lutgemv_cfg{};
    c.cfg.rows = M, c.cfg.cols = K, c.cfg.batch = N, c.cfg.g = kG, c.cfg.a_bits = ab;
    c.cfg.w_kind = (lutgemv_wkind)kind, c.cfg.w_bits = wb, c.cfg.qgroup = 0;
    c.pattern = pattern;
    c.w.resize(M * K), c.zp.resize(M), c.x.resize(N * K);
    for (auto &v : c.w) {
        if (kind == LUTGEMV_W_TERNARY) v = (int16_t)((int)(rng_next(&s) % 3) - 1);
        else if (kind == LUTGEMV_W_SIGNED) v = (int16_t)((int)(rng_next(&s) % (1u << wb)) - (1 << (wb - 1)));
        else v = (int16_t)(rng_next(&s) % (1u << wb));
    }
    for (auto &v : c.zp) v = (int16_t)(rng_next(&s) % (1u << wb));
    // Activations of magnitude <= x_mag (small magnitudes repeat bit patterns).
    int hi = (1 << (ab - 1)) - 1, lo = -(1 << (ab - 1));
    for (auto &v : c.x) {
        int a = (int)(rng_next(&s) % (uint64_t)(2 * x_mag + 1)) - x_mag;
        v = (int8_t)(a > hi ? hi : a < lo ? lo : a);
    }
}

static void random_case(uint64_t seed, Case &c) {
    uint64_t s = seed;
    size_t M = 1 + rng_next(&s) % kRows, K = 1 + rng_next(&s) % (size_t)(kGroups * kG);
    size_t N = 1 + rng_next(&s) % kNB;
    int ab = 2 + (int)(rng_next(&s) % (uint64_t)(kAB - 1));
    int kind = (int)(rng_next(&s) % 3), wb = kind == LUTGEMV_W_TERNARY ? 2 : 1 + (int)(rng_next(&s) % 8);
    int pattern = (int)(rng_next(&s) & 1);
    int mag = 1 + (int)(rng_next(&s) % 128);
    make_case(rng_next(&s), c, M, K, N, ab, kind, wb, pattern, mag);
}

static void print_case(const Case &c) {
    const lutgemv_cfg &f = c.cfg;
    fprintf(stderr, "  cfg: M=%zu K=%zu N=%zu g=%d w_kind=%d w_bits=%d a_bits=%d pattern=%d\n", f.rows, f.cols,
            f.batch, f.g, (int)f.w_kind, f.w_bits, f.a_bits, c.pattern);
    for (size_t r = 0; r < f.rows; r++) {
        fprintf(stderr, "  w[%zu] (zp %d):", r, f.w_kind == LUTGEMV_W_UNSIGNED_ZP ? c.zp[r] : 0);
        for (size_t k = 0; k < f.cols; k++) fprintf(stderr, " %d", c.w[r * f.cols + k]);
        fprintf(stderr, "\n");
    }
    for (size_t n = 0; n < f.batch; n++) {
        fprintf(stderr, "  x[%zu]:", n);
        for (size_t k = 0; k < f.cols; k++) fprintf(stderr, " %d", c.x[n * f.cols + k]);
        fprintf(stderr, "\n");
    }
}

// Golden result and counts; false if the bank's widths cannot hold the case.
static bool golden(const Case &c, std::vector<int64_t> &acc, lutgemv_counts &k) {
    const lutgemv_cfg &f = c.cfg;
    if (lutgemv_entry_bits(&f) > kE || lutgemv_acc_bits(&f) > kACC) return false;
    int wmin, wmax;
    lutgemv_weight_range(&f, &wmin, &wmax);
    if (wmin < -(1 << (kWB - 1)) || wmax > (1 << (kWB - 1)) - 1) return false;
    std::vector<int16_t> t(lutgemv_table_len(&f));
    acc.assign(lutgemv_acc_len(&f), 0);
    if (lutgemv_build_tables(&f, c.w.data(), c.zp.data(), kE, t.data()) != LPCS_OK) return false;
    return lutgemv_gemv(&f, t.data(), c.x.data(), c.pattern, acc.data(), &k) == LPCS_OK;
}

// Compares one case; prints and writes a VCD on the first mismatch.
static uint64_t g_compared = 0;   // results compared, over all cases

static bool check_case(const Case &c, bool fault, const std::string &vcd_dir, PhaseCycles *pc_out,
                       lutgemv_counts *k_out) {
    std::vector<int64_t> ref, got;
    lutgemv_counts k{};
    if (!golden(c, ref, k)) {
        fprintf(stderr, "case does not fit the bank's widths\n");
        print_case(c);
        return false;
    }
    uint64_t lookups = 0;
    PhaseCycles pc;
    if (!run_rtl(c, fault, nullptr, got, lookups, pc)) {
        print_case(c);
        return false;
    }
    if (got.size() != ref.size() || got.empty()) {
        fprintf(stderr, "RESPONSE COUNT: %zu results from the RTL, %zu from golden\n", got.size(), ref.size());
        return false;
    }
    if (pc_out) *pc_out = pc;
    if (k_out) *k_out = k;
    const size_t M = c.cfg.rows;
    for (size_t i = 0; i < got.size(); i++) {
        if (got[i] != ref[i] || lookups != k.lookups_done) {
            std::string vcd = vcd_dir + "/lutgemv_fail.vcd";
            fprintf(stderr, "MISMATCH token %zu row %zu: rtl %lld golden %lld (lookups rtl %llu golden %llu)\n",
                    i / M, i % M, (long long)got[i], (long long)ref[i], (unsigned long long)lookups,
                    (unsigned long long)k.lookups_done);
            print_case(c);
            (void)run_rtl(c, fault, vcd.c_str(), got, lookups, pc);
            fprintf(stderr, "  waveform: %s\n", vcd.c_str());
            return false;
        }
        g_compared++;
    }
    return true;
}

// Out-of-range configs (0, or one above the bank's size) make RUN a 1-cycle
// no-op: stat_lookups 0, earlier results untouched.
static bool check_bad_configs() {
    Bank b(nullptr);
    Vpim_bank *m = b.m();
    // A valid run first: one row, one group, one token, weight 1, x = 1 -> 1.
    std::vector<uint32_t> d;
    put_bits(d, 0, kWB, 1);
    b.cmd(OP_BUILD, 0, d);
    d.clear();
    put_bits(d, 0, kAB, 1);
    b.cmd(OP_LOADX, 0, d);
    m->cfg_rows = 1, m->cfg_groups = 1, m->cfg_batch = 1, m->cfg_top_plane = (CData)(kAB - 1), m->cfg_pattern = 1;
    b.cmd(OP_RUN, 0, {});
    b.wait_ready();
    const unsigned bad[6][3] = {{0, 1, 1}, {1, 0, 1}, {1, 1, 0},
                                {kRows + 1, 1, 1}, {1, kGroups + 1, 1}, {1, 1, kNB + 1}};
    for (const auto &cfg : bad) {
        m->cfg_rows = (CData)cfg[0], m->cfg_groups = (CData)cfg[1], m->cfg_batch = (CData)cfg[2];
        uint64_t t0 = b.cycle();
        b.cmd(OP_RUN, 0, {});
        b.wait_ready();
        b.rsp_.clear();
        b.cmd(OP_READ, 0, {});
        if (b.cycle() - t0 != 2 || m->stat_lookups != 0 || b.rsp_.size() != 1 || b.rsp_[0] != 1) {
            fprintf(stderr, "bad config rows=%u groups=%u batch=%u: RUN took %llu cycles (1 expected), "
                    "lookups %u, result %llu (1 expected)\n", cfg[0], cfg[1], cfg[2],
                    (unsigned long long)(b.cycle() - t0 - 1), m->stat_lookups,
                    (unsigned long long)(b.rsp_.empty() ? 0 : b.rsp_[0]));
            return false;
        }
    }
    return true;
}

// The fixed shapes of the RTL-vs-model table (all fit the bank).
static int model_table(const char *path, const std::string &vcd_dir) {
    struct Shape { size_t M, K, N; int ab, kind, wb, mag; };
    const Shape shapes[] = {
        {kRows, (size_t)(kGroups * kG), kNB, 8, LUTGEMV_W_SIGNED, 4, 127},
        {kRows, (size_t)(kGroups * kG), kNB, 8, LUTGEMV_W_TERNARY, 2, 8},
        {kRows, (size_t)(kGroups * kG), kNB, 4, LUTGEMV_W_UNSIGNED_ZP, 8, 7},
        {kRows / 2, (size_t)(kGroups * kG) - 3, kNB / 2, 8, LUTGEMV_W_SIGNED, 8, 20},
        {3, (size_t)kG + 1, 1, 2, LUTGEMV_W_SIGNED, 1, 2},
        {kRows, (size_t)(kGroups * kG), kNB, 8, LUTGEMV_W_SIGNED, 2, 1},
    };
    FILE *out = fopen(path, "w");
    if (!out) {
        perror(path);
        return 1;
    }
    fprintf(out, "| M | K | N | g | a_bits | weights | pattern | lookups | build rtl/model | load_x rtl/model | run rtl/model | read rtl/model |\n");
    fprintf(out, "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    int bad = 0;
    uint64_t seed = 0xCAFE;
    for (const Shape &s : shapes)
        for (int pattern = 1; pattern >= 0; pattern--) {
            Case c;
            make_case(seed++, c, s.M, s.K, s.N, s.ab, s.kind, s.wb, pattern, s.mag);
            PhaseCycles pc;
            lutgemv_counts k;
            if (!check_case(c, false, vcd_dir, &pc, &k)) return 1;
            lutgemv_model_params mp = lutgemv_model_defaults();
            mp.pattern_aware = pattern;
            lutgemv_cycles mc;
            if (lutgemv_model_cycles(&c.cfg, &k, &mp, &mc) != LPCS_OK) return 1;
            bool eq = pc.build == mc.build && pc.load_x == mc.load_x && pc.run == mc.run && pc.read == mc.read;
            bad += !eq;
            const char *wk = s.kind == LUTGEMV_W_TERNARY ? "ternary" : s.kind == LUTGEMV_W_SIGNED ? "int" : "uint+zp";
            std::string wname = s.kind == LUTGEMV_W_TERNARY ? std::string("ternary") : wk + std::to_string(s.wb);
            fprintf(out, "| %zu | %zu | %zu | %d | %d | %s | %s | %llu | %llu/%llu | %llu/%llu | %llu/%llu | %llu/%llu |%s\n",
                    s.M, s.K, s.N, kG, s.ab, wname.c_str(), pattern ? "on" : "off",
                    (unsigned long long)k.lookups_done, (unsigned long long)pc.build, (unsigned long long)mc.build,
                    (unsigned long long)pc.load_x, (unsigned long long)mc.load_x, (unsigned long long)pc.run,
                    (unsigned long long)mc.run, (unsigned long long)pc.read, (unsigned long long)mc.read,
                    eq ? "" : " DIFFERS");
        }
    fclose(out);
    printf("model table: %s, %s\n", path, bad ? "cycle counts DIFFER" : "model == RTL for every shape and phase");
    return bad ? 1 : 0;
}

int main(int argc, char **argv) {
    Verilated::commandArgs(argc, argv);
    int cases = 300;
    uint64_t seed = 1;
    bool fault = false, cases_given = false;
    const char *table = nullptr;
    std::string vcd_dir = ".";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--cases") && i + 1 < argc) cases = atoi(argv[++i]), cases_given = true;
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc) seed = strtoull(argv[++i], nullptr, 0);
        else if (!strcmp(argv[i], "--fault")) fault = true;
        else if (!strcmp(argv[i], "--drop-read")) g_drop_read = true;
        else if (!strcmp(argv[i], "--model-table") && i + 1 < argc) table = argv[++i];
        else if (!strcmp(argv[i], "--vcd-dir") && i + 1 < argc) vcd_dir = argv[++i];
        else if (!strcmp(argv[i], "--mutant") && i + 1 < argc) {
            g_mutant = (unsigned)strtoul(argv[++i], nullptr, 0);
#ifndef PB_MUTSEL
            fprintf(stderr, "--mutant needs the mutated-netlist build (tests/mutation.mk)\n");
            return 2;
#endif
        } else if (argv[i][0] != '+') {
            fprintf(stderr, "usage: %s [--cases N] [--seed S] [--fault] [--drop-read] [--model-table FILE] [--vcd-dir DIR] [--mutant N]\n", argv[0]);
            return 2;
        }
    }
    if (table && !cases_given) return model_table(table, vcd_dir);
    uint64_t lookups = 0, naive = 0;
    for (int i = 0; i < cases; i++) {
        Case c;
        random_case(seed * 1000003u + (uint64_t)i, c);
        if (fault && i == 0) c.x[0] = 1;  // the faulty weight (last row, k=0) meets a nonzero activation
        lutgemv_counts k{};
        if (!check_case(c, fault && i == 0, vcd_dir, nullptr, &k)) {
            fprintf(stderr, "lutgemv co-sim: FAILED at case %d (seed %llu)\n", i, (unsigned long long)seed);
            return 1;
        }
        lookups += k.lookups_done, naive += k.lookups_naive;
    }
    if (!fault && !check_bad_configs()) return 1;
    // At least one result per case must have been compared (every case has M, N >= 1).
    if (cases < 1 || g_compared < (uint64_t)cases) {
        fprintf(stderr, "lutgemv co-sim: FAILED: %llu results compared over %d cases (minimum: one per case, at least 1)\n",
                (unsigned long long)g_compared, cases);
        return 1;
    }
    printf("lutgemv co-sim (g=%d rows=%d groups=%d batch=%d): %d cases, %llu results bit-exact + out-of-range configs rejected, lookups %llu (naive %llu)\n", kG,
           kRows, kGroups, kNB, cases, (unsigned long long)g_compared, (unsigned long long)lookups, (unsigned long long)naive);
    // --cases with --model-table: the cycle counts are checked too (the mutant runs, tests/mutation.mk)
    return table ? model_table(table, vcd_dir) : 0;
}
