// SystemC testbench: random LUT-GEMV cases through lutgemv_bank_sc (the
// Verilated bank in SystemC), each result checked bit for bit against
// golden/lutgemv.h, lookup counter and RUN cycles against the golden count
// and models/lutgemv_model.h. Exit status 1 on the first mismatch.
//   lutgemv_sc [cases] [fault]   (fault: flip one weight bit sent to the RTL;
//                                 the run must then fail)
#include <cstdio>
#include <cstring>
#include <vector>

#include "lutgemv_sc.h"
#include "lutgemv.h"
#include "lutgemv_model.h"
#include "stimulus.h"

static const int kG = PB_G, kRows = PB_ROWS, kGroups = PB_GROUPS, kNB = PB_NB, kAB = PB_AB, kWB = PB_WB,
                 kE = PB_E, kACC = PB_ACC;

// The g values of group grp of one row (zero past cols), each as a width-bit
// two's complement field, value j at bits j*width: the bank's BUILD / LOADX word.
template <typename T>
static uint64_t pack_group(const T *row, size_t cols, size_t grp, int width) {
    uint64_t d = 0;
    for (int j = 0; j < kG; j++) {
        size_t kk = grp * kG + (size_t)j;
        uint64_t v = kk < cols ? (uint64_t)(int64_t)row[kk] : 0;
        d |= (v & ((1ull << width) - 1)) << (j * width);
    }
    return d;
}

static uint64_t rng(uint64_t *s) { // splitmix64 (sim/stimulus.h)
    stim_rng r = {*s};
    uint64_t z = stim_next(&r);
    *s = r.s;
    return z;
}

SC_MODULE(tb) {
    sc_in<bool> clk;
    lutgemv_bank_sc *bank;
    int cases, failures = 0, done = 0;
    bool fault = false;

    SC_HAS_PROCESS(tb);
    tb(sc_module_name n, lutgemv_bank_sc *b, int ncases, bool f) : sc_module(n), bank(b), cases(ncases), fault(f) {
        SC_THREAD(main);
    }

    void main() {
        bank->reset();
        uint64_t s = 42;
        for (int i = 0; i < cases && !failures; i++, done++) {
            lutgemv_cfg c{};
            c.rows = 1 + rng(&s) % kRows, c.cols = 1 + rng(&s) % (kGroups * kG), c.batch = 1 + rng(&s) % kNB;
            c.g = kG, c.a_bits = 2 + (int)(rng(&s) % (kAB - 1)), c.w_kind = LUTGEMV_W_SIGNED;
            c.w_bits = 1 + (int)(rng(&s) % 8);
            int pattern = (int)(rng(&s) & 1);
            std::vector<int16_t> w(c.rows * c.cols), t(lutgemv_table_len(&c));
            std::vector<int8_t> x(c.batch * c.cols);
            for (auto &v : w) v = (int16_t)((int)(rng(&s) % (1u << c.w_bits)) - (1 << (c.w_bits - 1)));
            for (auto &v : x) v = (int8_t)((int)(rng(&s) % (1u << c.a_bits)) - (1 << (c.a_bits - 1)));
            if (fault) x[0] = 1;  // the faulty weight meets a nonzero activation
            std::vector<int64_t> ref(lutgemv_acc_len(&c));
            lutgemv_counts k{};
            if (lutgemv_build_tables(&c, w.data(), nullptr, kE, t.data()) != LPCS_OK ||
                lutgemv_gemv(&c, t.data(), x.data(), pattern, ref.data(), &k) != LPCS_OK ||
                lutgemv_acc_bits(&c) > kACC) {
                printf("golden refused case %d\n", i);
                failures++;
                break;
            }
            const size_t G = lutgemv_groups(&c);
            for (size_t r = 0; r < c.rows; r++)
                for (size_t grp = 0; grp < G; grp++) {
                    uint64_t d = pack_group(&w[r * c.cols], c.cols, grp, kWB);
                    if (fault && r == 0 && grp == 0) d ^= 1;  // weight 0 of row 0 off by one
                    bank->build((unsigned)(r << __builtin_ctz(kGroups) | grp), d);
                }
            for (size_t n = 0; n < c.batch; n++)
                for (size_t grp = 0; grp < G; grp++) {
                    uint64_t d = pack_group(&x[n * c.cols], c.cols, grp, kAB);
                    bank->load_x((unsigned)(n << __builtin_ctz(kGroups) | grp), d);
                }
            uint64_t cyc = bank->run((unsigned)c.rows, (unsigned)G, (unsigned)c.batch, (unsigned)c.a_bits, pattern);
            lutgemv_model_params mp = lutgemv_model_defaults();
            mp.pattern_aware = pattern;
            lutgemv_cycles mc;
            lutgemv_model_cycles(&c, &k, &mp, &mc);
            if (bank->lookups() != k.lookups_done || cyc != mc.run) {
                printf("case %d: lookups rtl %u golden %llu, run cycles rtl %llu model %llu\n", i, bank->lookups(),
                       (unsigned long long)k.lookups_done, (unsigned long long)cyc, (unsigned long long)mc.run);
                failures++;
            }
            for (size_t r = 0; r < c.rows && !failures; r++)
                for (size_t n = 0; n < c.batch; n++) {
                    uint32_t raw = bank->read((unsigned)(r << __builtin_ctz(kNB) | n));
                    int64_t got = (int64_t)((uint64_t)raw << (64 - kACC)) >> (64 - kACC);
                    if (got != ref[n * c.rows + r]) {
                        printf("MISMATCH case %d row %zu token %zu: rtl %lld golden %lld (M=%zu K=%zu N=%zu wb=%d ab=%d)\n",
                               i, r, n, (long long)got, (long long)ref[n * c.rows + r], c.rows, c.cols, c.batch,
                               c.w_bits, c.a_bits);
                        failures++;
                        break;
                    }
                }
        }
        sc_stop();
    }
};

int sc_main(int argc, char **argv) {
    int cases = argc > 1 ? atoi(argv[1]) : 100;
    bool fault = argc > 2 && !strcmp(argv[2], "fault");
    sc_clock clk("clk", 10, SC_NS);
    lutgemv_bank_sc bank("bank");
    bank.clk(clk);
    tb t("tb", &bank, cases, fault);
    t.clk(clk);
    sc_start(sc_time(100.0 * cases + 1000.0, SC_US));  // a hung bank ends here with done < cases
    printf("lutgemv SystemC: %d cases, %s at %s\n", t.done, t.failures ? "FAILED" : "all bit-exact",
           sc_time_stamp().to_string().c_str());
    return t.failures || t.done != cases || cases < 1 ? 1 : 0; // zero cases is a failure
}
