// Switching activity of rtl/rmmec.v on real operands (issue 16): the
// Verilated RTL, built with --coverage-toggle (Verilator counts every toggle
// of every bit of every RTL signal), runs GEMV rows of the shipped llama's
// first layer (wq rows x RMSNorm'ed token embeddings of real text), or
// uniformly random operand codes for comparison. Every readout is checked
// against golden rmmec (so the drive is known to be right). Prints one JSON
// line: toggles / (toggle points x cycles) = mean toggle rate per signal bit
// per clock, the activity factor the energy model multiplies with.
//   rmmec_activity --mode p8|p16|fp4 --source model|random --model LLAMA.bin
//                  --text TEXT [--rows R] [--tokens T] [--cov OUT.dat]
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "Vrmmec.h"
#include "verilated.h"
#include "verilated_cov.h"

extern "C" {
#include "minifloat.h"
#include "posit.h"
#include "rmmec.h"
}
#include "stimulus.h"

namespace {

enum Op { OP_ACC = 0, OP_CLEAR = 1, OP_READ = 2, OP_READ_CLEAR = 3 };

struct Drive {
    std::unique_ptr<Vrmmec> t{new Vrmmec};
    unsigned long long cycles = 0, checked = 0, bad = 0;
    std::vector<uint32_t> expect;
    size_t next_expect = 0;
    // One clock; true if the unit took the input offered in this cycle.
    bool tick() {
        t->clk = 0;
        t->eval();
        bool took = t->in_valid && t->in_ready;
        if (t->res_valid && t->res_ready) {
            if (next_expect >= expect.size() || t->res_data != expect[next_expect]) bad++;
            next_expect++, checked++;
        }
        t->clk = 1;
        t->eval();
        cycles++;
        return took;
    }
    void reset() {
        t->rst_n = 0, t->in_valid = 0, t->res_ready = 1;
        tick(), tick();
        t->rst_n = 1;
        tick();
        cycles = 0;
    }
    void cmd(int op, int mode, uint16_t a, uint16_t b) {
        t->in_valid = 1, t->in_op = op, t->in_mode = mode, t->in_fmt = RMMEC_OUT_FP32, t->in_a = a, t->in_b = b;
        for (int guard = 0; guard < 100000 && !tick(); guard++) {}
        t->in_valid = 0;
    }
};

int fail(const char *m) {
    fprintf(stderr, "rmmec_activity: %s\n", m);
    return 2;
}

// llama2.c checkpoint: header (7 int32) then token embedding, rms_att, wq, ...
struct Llama {
    int dim = 0, hidden = 0, layers = 0, heads = 0, kv_heads = 0, vocab = 0, seq = 0;
    std::vector<float> emb, wq;
    bool load(const char *path) {
        FILE *f = fopen(path, "rb");
        if (!f) return false;
        int h[7];
        bool ok = fread(h, sizeof h, 1, f) == 1;
        dim = h[0], hidden = h[1], layers = h[2], heads = h[3], kv_heads = h[4], vocab = abs(h[5]), seq = h[6];
        ok = ok && dim > 0 && dim <= 65536 && layers > 0 && vocab > 0 && vocab <= (1 << 20);
        if (ok) {
            emb.resize((size_t)vocab * dim);
            ok = fread(emb.data(), sizeof(float), emb.size(), f) == emb.size();
        }
        if (ok) ok = fseek(f, (long)((size_t)layers * dim * sizeof(float)), SEEK_CUR) == 0; // rms_att
        if (ok) {
            wq.resize((size_t)dim * dim); // layer 0's wq
            ok = fread(wq.data(), sizeof(float), wq.size(), f) == wq.size();
        }
        fclose(f);
        return ok;
    }
};

// Operand code of x in the mode's lane format (fp4: x already scaled to the E2M1 range).
uint16_t encode(rmmec_mode m, float x) {
    switch (m) {
    case RMMEC_P16: return (uint16_t)posit_from_float(posit_cfg_make(16, 1), x);
    case RMMEC_P8: return (uint16_t)posit_from_float(posit_cfg_make(8, 0), x);
    case RMMEC_P4: return (uint16_t)posit_from_float(posit_cfg_make(4, 1), x);
    default: return (uint16_t)mf_from_f32(MF_FP4_E2M1, x, MF_SATFINITE);
    }
}

// Packs n values into operand words of the mode's lanes.
std::vector<uint16_t> pack(rmmec_mode m, const float *x, size_t n, float scale) {
    int lanes = rmmec_lanes(m), bits = 16 / lanes;
    std::vector<uint16_t> w((n + lanes - 1) / lanes, 0);
    for (size_t i = 0; i < n; i++) w[i / lanes] |= (uint16_t)((encode(m, x[i] * scale) & ((1u << bits) - 1)) << (bits * (i % lanes)));
    return w;
}

float absmax(const float *x, size_t n) {
    float a = 0;
    for (size_t i = 0; i < n; i++) a = std::fmax(a, std::fabs(x[i]));
    return a > 0 ? a : 1;
}

// Sum of the toggle counters in a Verilator coverage file, and their number (clock and reset left out).
bool toggles(const char *path, double &sum, double &points) {
    std::ifstream in(path);
    std::string line;
    sum = points = 0;
    while (std::getline(in, line)) {
        if (line.compare(0, 3, "C '") || line.find("v_toggle/") == std::string::npos) continue;
        size_t at = line.find("v_toggle/") + 9;
        std::string sig = line.substr(at, line.find('h', at) - at); // "to<name>" up to the hierarchy marker
        if (sig == "toclk" || sig == "torst_n") continue;
        sum += atof(line.substr(line.rfind(' ') + 1).c_str());
        points++;
    }
    return points > 0;
}

} // namespace

int main(int argc, char **argv) {
    Verilated::commandArgs(argc, argv);
    std::string mode_s = "p8", source = "model", model, text, cov = "rmmec_activity.dat";
    long rows = 64, tokens = 16;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        if (i + 1 >= argc) return fail(("missing value after " + a).c_str());
        std::string v = argv[++i];
        if (a == "--mode") mode_s = v;
        else if (a == "--source") source = v;
        else if (a == "--model") model = v;
        else if (a == "--text") text = v;
        else if (a == "--cov") cov = v;
        else if (a == "--rows") rows = atol(v.c_str());
        else if (a == "--tokens") tokens = atol(v.c_str());
        else return fail(("unknown option " + a).c_str());
    }
    rmmec_mode m = mode_s == "p16" ? RMMEC_P16 : mode_s == "p8" ? RMMEC_P8 : mode_s == "fp4" ? RMMEC_FP4 : RMMEC_MODE_COUNT;
    if (m == RMMEC_MODE_COUNT || (source != "model" && source != "random") || rows < 1 || tokens < 1)
        return fail("usage: --mode p8|p16|fp4 --source model|random --model LLAMA.bin --text TEXT [--rows R] [--tokens T]");
    Llama L;
    if (!L.load(model.c_str())) return fail("cannot read the llama checkpoint (--model)");
    std::ifstream tf(text, std::ios::binary);
    std::string txt((std::istreambuf_iterator<char>(tf)), std::istreambuf_iterator<char>());
    if ((long)txt.size() < tokens) return fail("text shorter than --tokens (--text)");
    rows = std::min<long>(rows, L.dim);
    size_t K = (size_t)L.dim;
    stim_rng rng{7};
    Drive d;
    d.reset();
    unsigned long long cmds = 0;
    for (long tk = 0; tk < tokens; tk++) {
        // activation: RMSNorm (no gain) of the embedding of the text's byte tk (vocab = bytes)
        std::vector<float> x(L.emb.begin() + (size_t)(unsigned char)txt[(size_t)tk] % L.vocab * K,
                             L.emb.begin() + ((size_t)(unsigned char)txt[(size_t)tk] % L.vocab + 1) * K);
        double ss = 0;
        for (float v : x) ss += (double)v * v;
        float inv = (float)(1.0 / std::sqrt(ss / (double)K + 1e-5));
        for (float &v : x) v *= inv;
        float xs = m == RMMEC_FP4 ? 6.0f / absmax(x.data(), K) : 1.0f; // fp4: per-vector scale to E2M1's 6
        std::vector<uint16_t> xa = pack(m, x.data(), K, xs);
        for (long r = 0; r < rows; r++) {
            const float *w = &L.wq[(size_t)r * K];
            std::vector<uint16_t> wa = pack(m, w, K, m == RMMEC_FP4 ? 6.0f / absmax(w, K) : 1.0f);
            if (source == "random")
                for (size_t i = 0; i < wa.size(); i++) wa[i] = (uint16_t)stim_next(&rng), xa[i] = (uint16_t)stim_next(&rng);
            rmmec_state g;
            rmmec_init(&g, m);
            for (size_t i = 0; i < wa.size(); i++) {
                rmmec_accumulate(&g, wa[i], xa[i]);
                d.cmd(OP_ACC, m, wa[i], xa[i]);
            }
            uint32_t want = 0;
            rmmec_readout(&g, RMMEC_OUT_FP32, &want);
            d.expect.push_back(want);
            d.cmd(OP_READ_CLEAR, m, 0, 0);
            cmds += wa.size() + 1;
            if (source == "random") xa = pack(m, x.data(), K, xs);
        }
    }
    for (int i = 0; i < 16; i++) d.tick(); // drain the pipeline
    VerilatedCov::write(cov.c_str());
    double sum, points;
    if (!toggles(cov.c_str(), sum, points)) return fail("no toggle points in the coverage file (built without --coverage-toggle?)");
    if (d.checked != d.expect.size() || d.bad) {
        fprintf(stderr, "rmmec_activity: %llu of %zu readouts wrong or missing: the drive is broken\n", d.bad,
                d.expect.size());
        return 1;
    }
    printf("{\"unit\":\"rmmec\",\"mode\":\"%s\",\"source\":\"%s\",\"rows\":%ld,\"tokens\":%ld,\"commands\":%llu,"
           "\"cycles\":%llu,\"readouts_checked\":%llu,\"toggle_points\":%.0f,\"toggles\":%.0f,\"activity\":%.5f}\n",
           mode_s.c_str(), source.c_str(), rows, tokens, cmds, d.cycles, d.checked, points, sum,
           sum / (points * (double)d.cycles));
    return 0;
}
