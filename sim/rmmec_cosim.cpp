// Co-simulation of rtl/rmmec.v (Verilated) against golden/rmmec.h, bit for bit.
// Streams commands (ACC / CLEAR / READ / READ_CLEAR) into the RTL one per cycle,
// mirrors them on the golden model and compares every readout. On the first
// mismatch it prints mode, operands and both results, replays the failing
// segment (everything since its last clear) with tracing into a VCD file, and
// exits 1.
//   --suite quick|long|mutant   quick: make test set; long: adds all 2^32 P16
//                        pairs; mutant: a short random screen of every mode
//                        first (most mutants die there), then the quick set with
//                        2e4 instead of 2e5 P16 pairs and 100 random segments
//                        per mode (tests/mutation/)
//   --inject-fault N     corrupt the N-th expected value (proves the check can fail)
//   --vcd PATH           waveform path (default build/verilator/rmmec/mismatch.vcd)
//   --seed S             random seed
//   --mode M             only fp4 | p4 | p8 | p16
//   --shard k/n          long suite: only the k-th of n slices of the P16 a range
//   --mutant N           (builds with -DRMMEC_MUTSEL only: the yosys-mutated
//                        netlist of tests/mutation/) activate mutant N; 0 = none
// A unit that stops accepting commands or answering reads for 100000 cycles
// fails (HANG) instead of hanging the run.
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "Vrmmec.h"
#include "verilated.h"
#include "verilated_vcd_c.h"

extern "C" {
#include "rmmec.h"
}
#include "stimulus.h"

namespace {

enum Op { OP_ACC = 0, OP_CLEAR = 1, OP_READ = 2, OP_READ_CLEAR = 3 };

struct Cmd {
    uint8_t op, mode, fmt;
    uint16_t a, b;
};

// A segment starts from a clear accumulator and ends with READ_CLEAR.
struct Segment {
    std::vector<Cmd> cmds;
    std::vector<uint32_t> expect;   // one per READ / READ_CLEAR
    size_t checked = 0;
};

stim_rng rng{1}; // the stimulus sequence (sim/stimulus.h), shared with fpga/trace/rmmec_trace.c
uint64_t rnd() { return stim_next(&rng); }
unsigned mutant = 0;   // mutsel of a mutated netlist (RMMEC_MUTSEL builds)

void select_mutant(Vrmmec *t) {
#ifdef RMMEC_MUTSEL
    t->mutsel = mutant;
#else
    (void)t;
#endif
}

class Bench {
  public:
    explicit Bench(const std::string &vcd) : vcd_path_(vcd) {
        select_mutant(top_.get());
        reset(top_.get());
    }

    long long fault_at = -1;   // index of the expected value to corrupt
    bool backpressure = false; // randomly hold res_ready low
    unsigned long long reads = 0, cycles = 0, cmds = 0;

    // Computes the golden results of a segment and queues it for the RTL.
    void push(Segment seg) {
        rmmec_state g;
        rmmec_init(&g, (rmmec_mode)seg.cmds.front().mode);
        for (const Cmd &c : seg.cmds) {
            if (c.op == OP_ACC) {
                rmmec_accumulate(&g, c.a, c.b);
            } else if (c.op == OP_CLEAR) {
                rmmec_init(&g, (rmmec_mode)c.mode);
            } else {
                uint32_t v = 0;
                if (rmmec_readout(&g, (rmmec_out)c.fmt, &v) != LPCS_OK) {
                    fprintf(stderr, "generator bug: mode %d fmt %d\n", c.mode, c.fmt);
                    exit(2);
                }
                if ((long long)expected_total_ == fault_at) v ^= 1;
                expected_total_++;
                seg.expect.push_back(v);
                if (c.op == OP_READ_CLEAR) rmmec_init(&g, (rmmec_mode)c.mode);
            }
        }
        queue_.push_back(std::move(seg));
        pending_.push_back(queue_.size() - 1 + base_);
        drive();
    }

    // Runs until every queued command is consumed and checked.
    bool finish() {
        while (!queue_.empty() && ok_) step();
        return ok_;
    }
    bool ok() const { return ok_; }
    size_t expected_total() const { return expected_total_; }

  private:
    std::unique_ptr<Vrmmec> top_{new Vrmmec};
    std::string vcd_path_;
    std::deque<Segment> queue_;        // segments with unchecked results
    std::deque<size_t> pending_;       // segment ids with commands not yet sent
    size_t base_ = 0;                  // id of queue_.front()
    size_t next_cmd_ = 0;              // next command of pending_.front()
    size_t expected_total_ = 0;
    bool ok_ = true;
    unsigned long long idle_ = 0;      // cycles without progress while work is queued

    static void tick(Vrmmec *t, VerilatedVcdC *tr, uint64_t &time) {
        t->clk = 0;
        t->eval();
        if (tr) tr->dump(time++);
        t->clk = 1;
        t->eval();
        if (tr) tr->dump(time++);
    }
    static void reset(Vrmmec *t) {
        t->rst_n = 0;
        t->in_valid = 0;
        t->res_ready = 1;
        uint64_t time = 0;
        tick(t, nullptr, time);
        tick(t, nullptr, time);
        t->rst_n = 1;
        tick(t, nullptr, time);
    }

    // Keep the input busy while commands remain (bounded queue depth).
    void drive() {
        while (pending_.size() > 8 && ok_) step();
    }

    void step() {
        Vrmmec *t = top_.get();
        const Cmd *c = nullptr;
        if (!pending_.empty()) c = &queue_[pending_.front() - base_].cmds[next_cmd_];
        t->in_valid = c != nullptr;
        if (c) {
            t->in_op = c->op;
            t->in_mode = c->mode;
            t->in_fmt = c->fmt;
            t->in_a = c->a;
            t->in_b = c->b;
        }
        t->res_ready = backpressure ? (rnd() & 3) != 0 : 1;
        t->clk = 0;
        t->eval();
        // the interface contract (rtl/rmmec.v): the pipe stalls only while a result waits
        if (t->in_ready != (!t->res_valid || t->res_ready) && ok_) {
            fprintf(stderr, "MISMATCH (PROTOCOL): in_ready %d with res_valid %d, res_ready %d (%llu commands done)\n",
                    t->in_ready, t->res_valid, t->res_ready, cmds);
            ok_ = false;
        }
        bool took = c && t->in_ready;
        bool got = t->res_valid && t->res_ready;
        uint32_t res = t->res_data;
        t->clk = 1;
        t->eval();
        cycles++;
        if (took) {
            cmds++;
            Segment &s = queue_[pending_.front() - base_];
            if (++next_cmd_ == s.cmds.size()) {
                pending_.pop_front();
                next_cmd_ = 0;
            }
        }
        if (got) check(res);
        idle_ = (took || got) ? 0 : idle_ + 1;
        if (idle_ > 100000 && ok_) {
            fprintf(stderr, "MISMATCH (HANG): no command taken and no result for 100000 cycles (%llu commands, %llu readouts done)\n",
                    cmds, reads);
            ok_ = false;
        }
    }

    void check(uint32_t res) {
        Segment &s = queue_.front();
        uint32_t want = s.expect[s.checked];
        reads++;
        if (res != want) {
            report(s, s.checked, res, want);
            ok_ = false;
            return;
        }
        if (++s.checked == s.expect.size()) {
            queue_.pop_front();
            base_++;
        }
    }

    void report(const Segment &s, size_t read_idx, uint32_t got, uint32_t want) {
        size_t r = 0, at = 0;
        for (; at < s.cmds.size(); at++)
            if (s.cmds[at].op >= OP_READ && r++ == read_idx) break;
        const Cmd &c = s.cmds[at];
        fprintf(stderr, "MISMATCH mode %s readout %s (readout %zu of a segment of %zu commands)\n",
                rmmec_mode_name((rmmec_mode)c.mode), rmmec_out_name((rmmec_out)c.fmt), read_idx,
                s.cmds.size());
        size_t first = at > 8 ? at - 8 : 0;
        for (size_t i = first; i <= at; i++)
            fprintf(stderr, "  cmd %zu: op %d a=0x%04x b=0x%04x\n", i, s.cmds[i].op, s.cmds[i].a,
                    s.cmds[i].b);
        fprintf(stderr, "  rtl    = 0x%08" PRIx32 "\n  golden = 0x%08" PRIx32 "\n", got, want);
        write_vcd(s);
    }

    // Replays one segment on a fresh model with tracing.
    void write_vcd(const Segment &s) {
        Verilated::traceEverOn(true);
        std::unique_ptr<Vrmmec> t(new Vrmmec);
        select_mutant(t.get());
        std::unique_ptr<VerilatedVcdC> tr(new VerilatedVcdC);
        t->trace(tr.get(), 99);
        tr->open(vcd_path_.c_str());
        uint64_t time = 0;
        t->rst_n = 0;
        t->in_valid = 0;
        t->res_ready = 1;
        tick(t.get(), tr.get(), time);
        t->rst_n = 1;
        tick(t.get(), tr.get(), time);
        for (const Cmd &c : s.cmds) {
            t->in_valid = 1;
            t->in_op = c.op;
            t->in_mode = c.mode;
            t->in_fmt = c.fmt;
            t->in_a = c.a;
            t->in_b = c.b;
            tick(t.get(), tr.get(), time);
        }
        t->in_valid = 0;
        for (int i = 0; i < 10; i++) tick(t.get(), tr.get(), time);
        tr->close();
        fprintf(stderr, "  waveform of the segment: %s\n", vcd_path_.c_str());
    }
};

const int lane_bits[4] = {4, 4, 8, 16};

// Readout formats offered by a mode.
std::vector<uint8_t> formats(int mode) {
    if (mode == RMMEC_FP4) return {RMMEC_OUT_FP32, RMMEC_OUT_BF16};
    return {RMMEC_OUT_POSIT, RMMEC_OUT_P16E1, RMMEC_OUT_FP32, RMMEC_OUT_BF16};
}

// One product a*b, read out in every format of the mode.
Segment single(int mode, uint16_t a, uint16_t b) {
    Segment s;
    s.cmds.push_back({OP_ACC, (uint8_t)mode, 0, a, b});
    std::vector<uint8_t> f = formats(mode);
    for (size_t i = 0; i < f.size(); i++)
        s.cmds.push_back({(uint8_t)(i + 1 == f.size() ? OP_READ_CLEAR : OP_READ), (uint8_t)mode, f[i], 0, 0});
    return s;
}

// Every pair of lane values at every lane position (other lanes zero).
unsigned long long exhaustive_lanes(Bench &b, int mode) {
    int lb = lane_bits[mode], lanes = 16 / lb;
    unsigned n = 1u << lb;
    unsigned long long count = 0;
    for (int l = 0; l < lanes && b.ok(); l++)
        for (unsigned x = 0; x < n && b.ok(); x++)
            for (unsigned y = 0; y < n; y++) {
                b.push(single(mode, (uint16_t)(x << (lb * l)), (uint16_t)(y << (lb * l))));
                count++;
            }
    return count;
}

uint16_t special_word(int mode) { return stim_rmmec_special_word(&rng, mode); }
uint16_t negate_word(int mode, uint16_t w) { return stim_rmmec_negate_word(mode, w); }

// Long random accumulations with reads in between and cancellation.
unsigned long long random_segments(Bench &b, int mode, int nseg, int maxlen) {
    std::vector<uint8_t> f = formats(mode);
    unsigned long long count = 0;
    for (int i = 0; i < nseg && b.ok(); i++) {
        Segment s;
        int len = 1 + (int)(rnd() % (unsigned)maxlen);
        bool no_nar = (rnd() % 4) != 0;   // most segments stay finite
        std::vector<Cmd> hist;
        for (int k = 0; k < len; k++) {
            Cmd c{OP_ACC, (uint8_t)mode, 0, special_word(mode), special_word(mode)};
            if (no_nar && mode != RMMEC_FP4) {
                for (int l = 0; l < 16 / lane_bits[mode]; l++) {
                    unsigned nar = 1u << (lane_bits[mode] - 1), lb = (unsigned)lane_bits[mode];
                    if (((c.a >> (lb * l)) & ((1u << lb) - 1)) == nar) c.a ^= (uint16_t)(1u << (lb * l));
                    if (((c.b >> (lb * l)) & ((1u << lb) - 1)) == nar) c.b ^= (uint16_t)(1u << (lb * l));
                }
            }
            if (!hist.empty() && rnd() % 5 == 0) {   // cancel an earlier product
                const Cmd &h = hist[rnd() % hist.size()];
                c.a = negate_word(mode, h.a);
                c.b = h.b;
            }
            hist.push_back(c);
            s.cmds.push_back(c);
            if (rnd() % 64 == 0) {
                s.cmds.push_back({OP_READ, (uint8_t)mode, f[rnd() % f.size()], 0, 0});
                count++;
            }
        }
        for (size_t j = 0; j < f.size(); j++)
            s.cmds.push_back({(uint8_t)(j + 1 == f.size() ? OP_READ_CLEAR : OP_READ), (uint8_t)mode, f[j], 0, 0});
        count += f.size();
        b.push(std::move(s));
    }
    return count;
}

// Quire wrap corner cases: sums landing exactly on the NaR pattern (SoftPosit
// turns them into 0; in P8 per lane), and NaR stickiness across a clear.
// Sums of a few signed powers of two, one product per lane (issue 17: mutants
// of the readout's sticky/guard logic and of the quire's NaR-pattern test
// survived random stimulus). Every multiset 2^e1 >= 2^e2 >= 2^e3 of product
// exponents a lane reaches, with all 8 sign patterns (P4: one word, P8: two),
// so the guard bit, the lsb and each lone sticky bit of the readout occur
// (e.g. P4 8 + 2^-8 + 2^-8: a tie broken by one sticky bit). Expected values come from golden as everywhere else.
template <class Reads>
unsigned long long sparse_sums(Bench &b, int mode, Reads reads) {
    // power-of-two operand codes: P4 = posit(4,1) 2^{-4,-2,-1,0,1,2,4}, P8 = posit(8,0) 2^-6..2^6
    std::vector<std::pair<int, unsigned>> pw;
    if (mode == RMMEC_P4) pw = {{-4, 0x1}, {-2, 0x2}, {-1, 0x3}, {0, 0x4}, {1, 0x5}, {2, 0x6}, {4, 0x7}};
    else for (int k = -6; k <= 6; k++) pw.push_back({k, k >= 0 ? (0x80u - (0x40u >> k)) & 0x7Fu : 0x40u >> -k});
    int lb = lane_bits[mode], lanes = 16 / lb;
    unsigned mask = (1u << lb) - 1;
    std::map<int, std::pair<unsigned, unsigned>> prod;   // product exponent -> operand codes
    for (auto &x : pw)
        for (auto &y : pw) prod.emplace(x.first + y.first, std::make_pair(x.second, y.second));
    std::vector<int> ex;
    for (auto &p : prod) ex.push_back(p.first);
    unsigned long long n = 0;
    for (size_t i = 0; i < ex.size() && b.ok(); i++)
        for (size_t j = 0; j <= i; j++)
            for (size_t k = 0; k <= j; k++)
                for (int sbits = 0; sbits < 8; sbits++) {
                    const int sg[3] = {sbits & 1 ? -1 : 1, sbits & 2 ? -1 : 1, sbits & 4 ? -1 : 1};
                    int e[3] = {ex[i], ex[j], ex[k]};
                    Segment s;
                    Cmd c{OP_ACC, (uint8_t)mode, 0, 0, 0};
                    for (int t = 0, lane = 0; t < 3; t++) {
                        unsigned ca = prod[e[t]].first, cb = prod[e[t]].second;
                        if (sg[t] < 0) ca = (0u - ca) & mask;
                        c.a |= (uint16_t)(ca << (lb * lane));
                        c.b |= (uint16_t)(cb << (lb * lane));
                        if (++lane == lanes || t == 2) {
                            s.cmds.push_back(c);
                            c = Cmd{OP_ACC, (uint8_t)mode, 0, 0, 0};
                            lane = 0;
                        }
                    }
                    reads(s);
                    n += formats(mode).size();
                    b.push(std::move(s));
                }
    return n;
}

// Quire8 sums that land one lsb-of-a-unit beside the NaR pattern 0x80000000
// after lane 0 and after lane 1 (SoftPosit turns only 0x80000000 itself into 0).
template <class Reads>
unsigned long long near_nar_sums(Bench &b, Reads reads) {
    unsigned long long n = 0;
    for (int last_lane = 0; last_lane < 2; last_lane++) {
        Segment s;   // 1*1 - 127 * 64*64 (2^12 - 127 * 2^24 in quire lsb), then one more -64*64
        s.cmds.push_back({OP_ACC, RMMEC_P8, 0, 0x8140, 0x7F40});
        for (int i = 0; i < 63; i++) s.cmds.push_back({OP_ACC, RMMEC_P8, 0, 0x8181, 0x7F7F});
        s.cmds.push_back(last_lane ? Cmd{OP_ACC, RMMEC_P8, 0, 0x8100, 0x7F00} : Cmd{OP_ACC, RMMEC_P8, 0, 0x0081, 0x007F});
        reads(s);
        n += formats(RMMEC_P8).size();
        b.push(std::move(s));
    }
    return n;
}

template <class Reads>
unsigned long long boundary_segments(Bench &b, int mode, Reads reads) {
    unsigned long long n = 0;
    if (mode == RMMEC_P4 || mode == RMMEC_P8) n += sparse_sums(b, mode, reads);
    if (mode == RMMEC_P8) n += near_nar_sums(b, reads);
    return n;
}

unsigned long long directed_segments(Bench &b, int mode) {
    std::vector<uint8_t> f = formats(mode);
    auto reads = [&](Segment &s) {
        for (size_t j = 0; j < f.size(); j++)
            s.cmds.push_back({(uint8_t)(j + 1 == f.size() ? OP_READ_CLEAR : OP_READ), (uint8_t)mode, f[j], 0, 0});
    };
    unsigned long long n = 0;
    Segment s;
    if (mode == RMMEC_P8) {            // 128 * maxpos^2 = 2^31 after lane 0 of the last word
        for (int i = 0; i < 127; i++) s.cmds.push_back({OP_ACC, (uint8_t)mode, 0, 0x007F, 0x007F});
        s.cmds.push_back({OP_ACC, (uint8_t)mode, 0, 0x017F, 0x017F});
    } else if (mode == RMMEC_P16) {    // 2^15 * maxpos^2 = 2^127
        for (int i = 0; i < 32768; i++) s.cmds.push_back({OP_ACC, (uint8_t)mode, 0, 0x7FFF, 0x7FFF});
        s.cmds.push_back({OP_READ, (uint8_t)mode, RMMEC_OUT_POSIT, 0, 0});
        s.cmds.push_back({OP_ACC, (uint8_t)mode, 0, 0x0001, 0x0001});
        n++;
    } else {                           // 2^31 wrap of the 32-bit fixed point
        uint16_t big = 0x7777;          // P4: 4 * 16^2 per word wraps after 8192 words
        for (int i = 0; i < 9000; i++) s.cmds.push_back({OP_ACC, (uint8_t)mode, 0, big, big});
    }
    reads(s);
    n += f.size();
    b.push(std::move(s));
    if (mode != RMMEC_FP4) {           // NaR, then clear, then finite again
        Segment t;
        uint16_t nar = mode == RMMEC_P16 ? 0x8000 : mode == RMMEC_P8 ? 0x8000 : 0x0800;
        t.cmds.push_back({OP_ACC, (uint8_t)mode, 0, 0x1111, 0x2222});
        t.cmds.push_back({OP_ACC, (uint8_t)mode, 0, nar, 0});
        t.cmds.push_back({OP_ACC, (uint8_t)mode, 0, 0x1111, 0x2222});
        t.cmds.push_back({OP_READ, (uint8_t)mode, f[0], 0, 0});
        t.cmds.push_back({OP_CLEAR, (uint8_t)mode, 0, 0, 0});
        t.cmds.push_back({OP_ACC, (uint8_t)mode, 0, 0x1111, 0x2222});
        reads(t);
        n += 1 + f.size();
        b.push(std::move(t));
    }
    n += boundary_segments(b, mode, reads);
    return n;
}

double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

int main(int argc, char **argv) {
    Verilated::commandArgs(argc, argv);
    std::string suite = "quick", vcd = "build/verilator/rmmec/mismatch.vcd", only;
    long long fault = -1;
    unsigned shard_k = 0, shard_n = 1;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        auto need = [&](const char *what) {
            if (i + 1 >= argc) {
                fprintf(stderr, "%s needs %s\n", a.c_str(), what);
                exit(2);
            }
            return std::string(argv[++i]);
        };
        if (a == "--suite") suite = need("quick|long|mutant");
        else if (a == "--inject-fault") fault = atoll(need("an index").c_str());
        else if (a == "--vcd") vcd = need("a path");
        else if (a == "--seed") rng.s = strtoull(need("a number").c_str(), nullptr, 0);
        else if (a == "--mode") only = need("fp4|p4|p8|p16");
        else if (a == "--mutant") {
            mutant = (unsigned)strtoul(need("a mutant number").c_str(), nullptr, 0);
#ifndef RMMEC_MUTSEL
            fprintf(stderr, "--mutant needs the mutated netlist build (tests/mutation/)\n");
            return 2;
#endif
        }
        else if (a == "--shard") {
            std::string v = need("k/n");
            if (sscanf(v.c_str(), "%u/%u", &shard_k, &shard_n) != 2 || shard_n == 0 || shard_k >= shard_n ||
                shard_n > 65536) {
                fprintf(stderr, "--shard wants k/n with 0 <= k < n <= 65536\n");
                return 2;
            }
        }
        else if (a[0] == '+') continue;   // verilator plusargs
        else {
            fprintf(stderr, "usage: %s [--suite quick|long] [--mode M] [--shard k/n] [--inject-fault N] [--vcd PATH] [--seed S]\n", argv[0]);
            return 2;
        }
    }
    if (suite != "quick" && suite != "long" && suite != "mutant") {
        fprintf(stderr, "unknown suite %s\n", suite.c_str());
        return 2;
    }
    bool mode_known = only.empty();
    for (int mode = 0; mode < 4; mode++)
        if (only == rmmec_mode_name((rmmec_mode)mode)) mode_known = true;
    if (!mode_known) {
        fprintf(stderr, "unknown mode %s (fp4 | p4 | p8 | p16)\n", only.c_str());
        return 2;
    }
    Bench b(vcd);
    b.fault_at = fault;
    double t0 = now_s();
    bool all_ok = true;
    const bool mutant_suite = suite == "mutant";
    if (mutant_suite) {   // screen: random products and short accumulations of every mode
        for (int mode = 0; mode < 4 && all_ok; mode++) {
            if (!only.empty() && only != rmmec_mode_name((rmmec_mode)mode)) continue;
            for (int i = 0; i < 2000 && b.ok(); i++) b.push(single(mode, (uint16_t)rnd(), (uint16_t)rnd()));
            random_segments(b, mode, 20, 200);
            all_ok = b.finish();
        }
    }
    for (int mode = 0; mode < 4 && all_ok; mode++) {
        if (!only.empty() && only != rmmec_mode_name((rmmec_mode)mode)) continue;
        double m0 = now_s();
        unsigned long long reads0 = b.reads;
        unsigned long long ex = 0, pairs = 0;
        if (mode != RMMEC_P16) {
            ex = exhaustive_lanes(b, mode);
        } else if (suite == "long") {
            // Every pair (a in this shard's range), ACC + READ_CLEAR: two
            // cycles per pair; the format rotates so each sees 2^30 pairs.
            uint64_t lo = 65536 * shard_k / shard_n, hi = 65536 * (shard_k + 1) / shard_n;
            double p0 = now_s();
            for (uint64_t x = lo; x < hi && b.ok(); x++) {
                for (uint64_t y = 0; y < 65536; y++) {
                    Segment s;
                    s.cmds.push_back({OP_ACC, (uint8_t)mode, 0, (uint16_t)x, (uint16_t)y});
                    s.cmds.push_back({OP_READ_CLEAR, (uint8_t)mode, (uint8_t)((x + y) & 3), 0, 0});
                    b.push(std::move(s));
                }
                pairs += 65536;
                if ((x & 255) == 255)
                    fprintf(stderr, "  p16 a=0x%04llx done, %.0f pairs/s\n", (unsigned long long)x, pairs / (now_s() - p0));
            }
        } else {
            const int npairs = mutant_suite ? 20000 : 200000;
            for (int i = 0; i < npairs && b.ok(); i++) b.push(single(mode, (uint16_t)rnd(), (uint16_t)rnd()));
            pairs = (unsigned long long)npairs;
        }
        unsigned long long rr = directed_segments(b, mode);
        b.backpressure = true;
        rr += random_segments(b, mode, mutant_suite ? 100 : 300, 3000);
        b.backpressure = false;
        all_ok = b.finish();
        printf("rmmec cosim %-4s: %llu exhaustive lane pairs, %llu P16 pairs, %llu random-accumulation readouts, "
               "%llu readouts compared, %.2f s\n",
               rmmec_mode_name((rmmec_mode)mode), ex, pairs, rr, b.reads - reads0, now_s() - m0);
    }
    // A run that compared too little proves nothing: every expected value
    // must have been compared, and at least the exhaustive / sampled pairs'
    // readouts of each mode run (FP4 4x256 pairs x 2 formats, P4 x 4 formats,
    // P8 2x65536 x 4, P16 2e5 x 4).
    const unsigned long long mode_floor[4] = {2048, 4096, 524288, mutant_suite ? 80000ull : 800000ull};
    unsigned long long min_reads = 0;
    for (int mode = 0; mode < 4; mode++)
        if (only.empty() || only == rmmec_mode_name((rmmec_mode)mode))
            min_reads += suite == "long" && mode == RMMEC_P16 ? 0 : mode_floor[mode];
    if (all_ok && (b.reads != b.expected_total() || b.reads < min_reads)) {
        printf("rmmec cosim: FAIL: %llu readouts compared of %zu expected, at least %llu required\n", b.reads,
               b.expected_total(), min_reads);
        return 1;
    }
    double dt = now_s() - t0;
    printf("rmmec cosim: %llu readouts, %llu commands, %llu cycles in %.2f s: %.0f commands/s, %.0f readouts/s\n",
           b.reads, b.cmds, b.cycles, dt, b.cmds / dt, b.reads / dt);
    if (!all_ok) {
        printf("rmmec cosim: FAIL\n");
        return 1;
    }
    printf("rmmec cosim: PASS (bit-exact, %llu >= %llu readouts compared)\n", b.reads, min_reads);
    return 0;
}
