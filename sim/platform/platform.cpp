// SystemC TLM-2.0 (loosely timed, annotated delays) accelerator platform.
// See platform_api.h for what it models; models/README.md for the numbers.
//
//   Host --cmd--> Bus --+--> Dram   (pipelined bursts: bandwidth + latency)
//                       +--> Sram   (accounting; one cycle per access)
//                       +--> Unit[rmmec | ternary | pim | vector] (command registers)
//   Dma  --------> Bus  (DRAM -> SRAM tiles, at most NBUF tiles ahead of the unit)
//
// A unit command runs the op: the unit stages its inputs (DataPath::begin),
// the DMA copies its weight tiles from DRAM into the unit's tile buffers
// (when they are not resident on chip; resident tiles are read from SRAM),
// the unit waits for each tile, computes that tile's rows from its buffer
// (cycles from the unit model for the tile), frees the tile buffer, and
// after the pipeline drain runs its output stage and writes the result back
// (DataPath::finish).
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "arch_consts.h"
#include "platform_api.h"
#include "bitlinear.h"
#include "hgrn.h"
#include "minifloat.h"
#include "posit.h"
#include "ternary.h"
#include "pim_bank.h"
#include "vector_unit.h"
#include "unit.h"

using namespace sc_core;

namespace {

const int NBUF = DMA_TILE_BUFFERS;             // tile buffers (double buffering)
const uint64_t SRAM_BASE = 1ull << 40, UNIT_BASE = 2ull << 40, UNIT_STRIDE = 1 << 12;
const int HOST_CMD_WORDS = 4;                  // op, shape, addresses, start

struct Platform;

// THE SystemC kernel. SystemC elaborates one module hierarchy per process and
// has one simulation clock, so the platform is one object per process: this
// one, and nothing else in the platform is mutable at namespace scope. Every
// API call takes it under its lock and runs with the caller's design point
// (set at the start of the call, under the lock), so two engines with
// different design points in one process, from any threads, get what each
// would get alone: timing depends on the op and the point, never on who ran
// before (the DMA / DRAM queues are idle again when an op completes).
struct Kernel {
    std::mutex lock;
    Platform *plat = nullptr; // elaborated on first use
    dp_config dp{};           // the design point of the call in progress
    bool started = false;
    // The RMMEC P8 datapath's product ROM: quire8 increment of every pair of
    // p8e0 codes (golden quire8_fdp_add on the lone pair), NaR pairs marked.
    // A constant, built on first use.
    std::vector<uint32_t> p8_rom;
    // per activation code b: the largest |increment| of any weight code with it,
    // and the ROM with b as the high index byte (one activation's products
    // side by side, for the column-major walk)
    std::vector<uint32_t> p8_colmax, p8_rom_t;
    // The P16 datapath's decoder ROM: every p16e1 code as an integer
    // significand m (<= 13 bits, signed) and exponent e, value = m * 2^e
    // (from golden posit_to_double, exact for p16e1); NaR and 0 marked by m = 0.
    std::vector<int16_t> p16_m;
    std::vector<int8_t> p16_e;
};
Kernel kern;

const uint32_t P8_NAR_PAIR = 0x80000000u; // no quire8 increment has this value (|p| <= 2^24 lsb)

sc_time cycles(double c) { return sc_time(c * 1000.0 / kern.dp.clock_ghz, SC_PS); }
double to_cycles(const sc_time &t) { return t.to_seconds() * 1e9 * kern.dp.clock_ghz; }

struct Dram : sc_module {
    tlm_utils::simple_target_socket<Dram> t;
    sc_time busy_until = SC_ZERO_TIME;
    double bytes = 0;
    explicit Dram(sc_module_name n) : sc_module(n), t("t") { t.register_b_transport(this, &Dram::b_transport); }
    void b_transport(tlm::tlm_generic_payload &p, sc_time &delay) {
        sc_time start = std::max(sc_time_stamp() + delay, busy_until);
        busy_until = start + cycles(p.get_data_length() / arch_dram_bytes_per_cycle(&kern.dp));
        delay = busy_until + cycles(arch_dram_latency_cycles(&kern.dp)) - sc_time_stamp();
        bytes += p.get_data_length();
        p.set_response_status(tlm::TLM_OK_RESPONSE);
    }
};

// On-chip SRAM. With sram_bytes_per_cycle > 0 its port is one shared
// resource of that bandwidth (as the analytical model's SRAM bound, models/
// workload.c): DMA staging writes and the units' reads queue on it; 0 keeps
// it unlimited (one cycle per write, reads free), the default.
struct Sram : sc_module {
    tlm_utils::simple_target_socket<Sram> t;
    double bytes = 0;
    sc_time busy_until = SC_ZERO_TIME;
    explicit Sram(sc_module_name n) : sc_module(n), t("t") { t.register_b_transport(this, &Sram::b_transport); }
    // Books n bytes on the port from time `from` on; returns when they are done
    // (`from` itself when the bandwidth is unlimited).
    sc_time reserve(double n, sc_time from) {
        double bpc = kern.dp.sram_bytes_per_cycle;
        if (bpc <= 0 || n <= 0) return from;
        busy_until = std::max(from, busy_until) + cycles(n / bpc);
        return busy_until;
    }
    void b_transport(tlm::tlm_generic_payload &p, sc_time &delay) {
        bytes += p.get_data_length();
        sc_time now = sc_time_stamp(), done = reserve(p.get_data_length(), now + delay);
        delay = std::max(delay + cycles(1), done - now);
        p.set_response_status(tlm::TLM_OK_RESPONSE);
    }
};

// The data path of one op inside its unit: inputs staged into the unit's
// own buffers, weight tiles computed from the tile buffer the DMA filled,
// the result written back when the op completes.
struct DataPath {
    const plat_data *pd;
    size_t row_bytes = 0;
    // staged operands (the unit's input buffers)
    std::vector<float> x, x2, vec, res, att;
    std::vector<uint16_t> xw;   // RMMEC: x in the mode's words
    // RMMEC P4 / FP4: the unit's 32-bit wrapping fixed-point accumulator is
    // linear, so a row is the sum of per-lane products: prod[i][c] = the
    // accumulator increment of weight code c times element i of x (and its
    // NaR flag), taken from golden rmmec_accumulate on the lone pair.
    std::vector<uint32_t> prod;
    std::vector<uint8_t> prod_nar;
    std::vector<int8_t> xq;     // ternary: int8 activations
    std::vector<int32_t> acc;   // ternary: int32 results
    // ternary: per nibble position h (two weights, x[2h], x[2h + 1]) the
    // exact int32 dot of each of the 16 nibbles with them; a nibble holding
    // the invalid code 0b10 in a field that counts is flagged (golden rejects it)
    std::vector<int32_t> nib;
    std::vector<uint8_t> nib_bad;
    float s = 0;                // ternary: activation scale
    size_t fault_col = 0;       // test hook: the column the corrupted bit hits
    // RMMEC P8: no partial sum of this activation with any weights can reach
    // the quire8's NaR pattern (sum of |increments| < 2^31, no NaR input), so
    // a row is its plain sum (wrap-free, order-free) or NaR
    bool p8_no_wrap = false;
    std::vector<uint32_t> p8_q, p8_nar; // per tile row: sum, NaR flag
    pim_bank pim{};             // PIM LUT-GEMV bank: staged activation codes / bit planes
    shift_engine sh{};          // shift-MAC engine: staged int8 activations

    std::vector<float> kc, vc; // attention: the staged K and V cache
    explicit DataPath(const plat_data *p) : pd(p) {}
    // The next op on the same buffers: emptied as a new DataPath's, their
    // storage kept (re-allocating them per op cost ~15% of a run in brk/munmap).
    void reset(const plat_data *p) {
        pd = p, row_bytes = 0, s = 0, fault_col = 0, p8_no_wrap = false;
        for (auto *v : {&x, &x2, &vec, &res, &att, &kc, &vc}) v->clear();
        xw.clear(), prod.clear(), prod_nar.clear(), xq.clear(), acc.clear(), nib.clear(), nib_bad.clear();
        p8_q.clear(), p8_nar.clear();
        pim_bank_free(&pim), shift_engine_free(&sh);
        pim = pim_bank{}, sh = shift_engine{};
    }
    ~DataPath() { pim_bank_free(&pim), shift_engine_free(&sh); }
    bool gemv() const {
        return pd->kind == PD_GEMV_RMMEC || pd->kind == PD_BITLINEAR || pd->kind == PD_GEMV_F32 ||
               pd->kind == PD_GEMV_LUT || pd->kind == PD_GEMV_SHIFTMAC;
    }
    size_t rows() const { return gemv() ? pd->rows : 0; }
    size_t tile_bytes(size_t r0, size_t r1) const { return (r1 - r0) * pd->w_row_bytes; }

    static int encode(int mode, float v) {
        switch (mode) {
        case RMMEC_FP4: return (int)mf_from_f32(MF_FP4_E2M1, v, MF_SATFINITE);
        case RMMEC_P4: return (int)posit_from_float(posit_cfg_make(4, 1), v);
        case RMMEC_P8: return (int)posit_from_float(posit_cfg_make(8, 0), v);
        default: return (int)posit_from_float(posit_cfg_make(16, 1), v);
        }
    }
    // Before the first tile: the unit's input stage.
    int begin() {
        const plat_data *p = pd;
        size_t nin = gemv() ? p->cols : p->kind == PD_GLU ? 2 * p->n : p->n;
        if (p->in) x.assign(p->in, p->in + (p->kind == PD_ROPE ? p->n : nin));
        if (p->in2) x2.assign(p->in2, p->in2 + (p->kind == PD_ROPE ? p->cols : p->n));
        switch (p->kind) {
        case PD_GEMV_RMMEC: { // activation converted to the weight's format at the unit input
            size_t lanes = (size_t)rmmec_lanes((rmmec_mode)p->mode), bits = 16 / lanes;
            if (!lanes || p->w_row_bytes != 2 * ((p->cols + lanes - 1) / lanes)) return LPCS_EINVAL;
            xw.assign((p->cols + lanes - 1) / lanes, 0);
            float best = -1;
            for (size_t i = 0; i < p->cols; i++) {
                xw[i / lanes] |= (uint16_t)(encode(p->mode, x[i]) << (bits * (i % lanes)));
                if (std::fabs(x[i]) > best) best = std::fabs(x[i]), fault_col = i;
            }
            res.assign(p->rows, 0.0f);
            if (p->mode == RMMEC_P4 || p->mode == RMMEC_FP4) return products();
            if (p->mode == RMMEC_P16 && kern.p16_m.empty()) {
                kern.p16_m.assign(1u << 16, 0), kern.p16_e.assign(1u << 16, 0);
                for (uint32_t a = 1; a < (1u << 16); a++) {
                    if (a == 0x8000u) continue;
                    int e;
                    double f = std::frexp(posit_to_double(posit_cfg_make(16, 1), a), &e); // |f| in [0.5, 1)
                    kern.p16_m[a] = (int16_t)std::ldexp(f, 14), kern.p16_e[a] = (int8_t)(e - 14);
                }
            }
            if (p->mode == RMMEC_P8 && kern.p8_rom.empty()) {
                kern.p8_rom.resize(1u << 16);
                for (uint32_t a = 0; a < 256; a++)
                    for (uint32_t b = 0; b < 256; b++)
                        kern.p8_rom[a << 8 | b] = a == 0x80u || b == 0x80u ? P8_NAR_PAIR
                                                : quire8_fdp_add(quire8_clear(), a, b).bits;
                kern.p8_colmax.assign(256, 0);
                kern.p8_rom_t.resize(1u << 16);
                for (uint32_t a = 0; a < 256; a++)
                    for (uint32_t b = 0; b < 256; b++) {
                        int32_t v = (int32_t)kern.p8_rom[a << 8 | b];
                        kern.p8_rom_t[b << 8 | a] = (uint32_t)v;
                        uint32_t m = v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
                        if (a != 0x80u && b != 0x80u && m > kern.p8_colmax[b]) kern.p8_colmax[b] = m;
                    }
            }
            if (p->mode == RMMEC_P8) {
                uint64_t bound = 0;
                int nar = 0;
                for (uint16_t w : xw)
                    for (unsigned b : {w & 0xFFu, (unsigned)w >> 8}) nar |= b == 0x80u, bound += kern.p8_colmax[b];
                p8_no_wrap = !nar && bound < (1ull << 31);
            }
            return LPCS_OK;
        }
        case PD_BITLINEAR: { // RMSNorm and int8 absmax on the vector unit
            if (p->w_row_bytes != ternary_row_bytes(p->cols) || !p->v) return LPCS_EINVAL;
            std::vector<float> xh(p->cols);
            xq.assign(p->cols, 0);
            int st = bitlinear_rmsnorm_f32(x.data(), p->v, p->cols, BITLINEAR_NORM_EPS, xh.data());
            if (!st) st = act_quant_absmax_i8(xh.data(), p->cols, xq.data(), &s);
            int best = -1;
            for (size_t i = 0; i < p->cols; i++)
                if (std::abs((int)xq[i]) > best) best = std::abs((int)xq[i]), fault_col = i;
            acc.assign(p->rows, 0);
            size_t nh = (p->cols + 1) / 2;
            nib.assign(nh * 16, 0), nib_bad.assign(nh * 16, 0);
            for (size_t h = 0; h < nh; h++)
                for (int v = 0; v < 16; v++)
                    for (int f = 0; f < 2 && 2 * h + (size_t)f < p->cols; f++) {
                        int code = (v >> (2 * f)) & 3;
                        nib_bad[h * 16 + v] |= code == 2;
                        nib[h * 16 + v] += (code == 1 ? 1 : code == 3 ? -1 : 0) * xq[2 * h + (size_t)f];
                    }
            return st;
        }
        case PD_GEMV_LUT: // the bank's input stage: codes and bit-plane indices
            if (p->lut.rows != p->rows || p->lut.cols != p->cols || p->w_row_bytes != pim_row_bytes(&p->lut))
                return LPCS_EINVAL;
            res.assign(p->rows, 0.0f);
            return pim_bank_input(&pim, &p->lut, kern.dp.pim_entry_bits, x.data());
        case PD_GEMV_SHIFTMAC:
            if (p->w_row_bytes != shift_row_bytes(p->cols)) return LPCS_EINVAL;
            res.assign(p->rows, 0.0f);
            return shift_engine_input(&sh, p->cols, x.data());
        case PD_GEMV_F32: {
            if (p->w_row_bytes != p->cols * (p->mode ? 2 : 4)) return LPCS_EINVAL;
            float best = -1;
            for (size_t i = 0; i < p->cols; i++)
                if (std::fabs(x[i]) > best) best = std::fabs(x[i]), fault_col = i;
            res.assign(p->rows, 0.0f);
            return LPCS_OK;
        }
        default: return LPCS_OK;
        }
    }
    int products() {
        size_t n = xw.size() * 4;
        uint32_t pt[16][16];
        uint8_t pn[16][16];
        for (int a = 0; a < 16; a++)
            for (int b = 0; b < 16; b++) {
                rmmec_state st;
                if (rmmec_init(&st, (rmmec_mode)pd->mode) || rmmec_accumulate(&st, (uint16_t)a, (uint16_t)b))
                    return LPCS_EINVAL;
                pt[a][b] = st.fx, pn[a][b] = (uint8_t)st.nar;
            }
        prod.resize(n * 16), prod_nar.resize(n * 16);
        for (size_t i = 0; i < n; i++) {
            int xc = (xw[i / 4] >> (4 * (i % 4))) & 15;
            for (int c = 0; c < 16; c++) prod[i * 16 + c] = pt[c][xc], prod_nar[i * 16 + c] = pn[c][xc];
        }
        return LPCS_OK;
    }
    // The test hook: one bit of the tile buffer, in row r (local) of the tile.
    void corrupt(uint8_t *tile, size_t r) const {
        uint8_t *row = tile + r * pd->w_row_bytes;
        switch (pd->kind) {
        case PD_GEMV_RMMEC: { // the second-highest bit of the lane: always another value
            size_t lanes = (size_t)rmmec_lanes((rmmec_mode)pd->mode), bits = 16 / lanes;
            uint16_t w;
            std::memcpy(&w, row + 2 * (fault_col / lanes), 2);
            w ^= (uint16_t)(1u << (bits * (fault_col % lanes) + bits - 2));
            std::memcpy(row + 2 * (fault_col / lanes), &w, 2);
            break;
        }
        case PD_BITLINEAR: { // 0 <-> +1, or -1 -> +1: a valid code, another weight
            uint8_t &b = row[fault_col / 4];
            int sh = 2 * (int)(fault_col % 4);
            b ^= (uint8_t)(((b >> sh) & 3u) == 3u ? 2u << sh : 1u << sh);
            break;
        }
        case PD_GEMV_LUT: pim_bank_corrupt(&pim, row); break;
        case PD_GEMV_SHIFTMAC: shift_engine_corrupt(&sh, row); break;
        default: // fp32 / bf16: an exponent bit
            row[pd->mode ? 2 * fault_col + 1 : 4 * fault_col + 3] ^= 0x40;
        }
    }
    // Rows [r0, r1) from the unit's tile buffer.
    int compute_tile(const uint8_t *tile, size_t r0, size_t r1) {
        const plat_data *p = pd;
        size_t n = r1 - r0;
        switch (p->kind) {
        case PD_GEMV_RMMEC: {
            // weight words straight from the tile buffer, results into the output buffer
            auto word = [tile](size_t i) { uint16_t v; std::memcpy(&v, tile + 2 * i, 2); return (unsigned)v; };
            auto put = [this, r0](size_t r, uint32_t bits) { std::memcpy(&res[r0 + r], &bits, 4); };
            if (p->mode == RMMEC_P16) { // exact products into the 128-bit quire16 (lsb 2^-56), golden readout
                size_t words = xw.size();
                const int16_t *M = kern.p16_m.data();
                const int8_t *E = kern.p16_e.data();
                typedef unsigned __int128 u128;
                const u128 nar_pat = (u128)1 << 127;
                for (size_t r = 0; r < n; r++) {
                    u128 q = 0;
                    int nar = 0;
                    for (size_t j = 0; j < words; j++) {
                        unsigned a = word(r * words + j), b = xw[j];
                        if (a == 0x8000u || b == 0x8000u) {
                            nar = 1;
                            break; // NaR is sticky
                        }
                        if (!M[a] || !M[b]) continue;
                        int64_t pm = (int64_t)M[a] * M[b]; // exact, |pm| < 2^28
                        int sh = E[a] + E[b] + 56;         // the product is a whole number of 2^-56
                        uint64_t mag = (uint64_t)(pm < 0 ? -pm : pm);
                        u128 v = sh >= 0 ? (u128)mag << sh : (u128)(mag >> -sh);
                        if (pm < 0) v = (u128)0 - v;
                        q += v;
                        if (q == nar_pat) q = 0; // a sum landing on NaR reads as 0 (SoftPosit)
                    }
                    rmmec_state st;
                    rmmec_init(&st, RMMEC_P16);
                    if (nar) q = nar_pat;
                    st.q16.hi = (uint64_t)(q >> 64), st.q16.lo = (uint64_t)q;
                    uint32_t o;
                    if (rmmec_readout(&st, RMMEC_OUT_FP32, &o)) return LPCS_EINVAL;
                    put(r, o);
                }
                return LPCS_OK;
            }
            if (p->mode == RMMEC_P8) { // lane 0 then lane 1 into quire8, as golden; golden readout
                size_t words = xw.size();
                const uint32_t *rom = kern.p8_rom.data();
                if (p8_no_wrap) { // column by column over the tile's rows: the sums, NaR flagged aside
                    p8_q.assign(n, 0), p8_nar.assign(n, 0);
                    const uint32_t *rt = kern.p8_rom_t.data();
                    for (size_t j = 0; j < words; j++) {
                        const uint32_t *t0 = rt + ((xw[j] & 0xFFu) << 8), *t1 = rt + ((unsigned)(xw[j] >> 8) << 8);
                        for (size_t r = 0; r < n; r++) {
                            unsigned a = word(r * words + j);
                            uint32_t v0 = t0[a & 0xFFu], v1 = t1[a >> 8];
                            p8_nar[r] |= (v0 == P8_NAR_PAIR) | (v1 == P8_NAR_PAIR);
                            p8_q[r] += v0 + v1;
                        }
                    }
                    for (size_t r = 0; r < n; r++) {
                        rmmec_state st;
                        rmmec_init(&st, RMMEC_P8);
                        st.q8.bits = p8_nar[r] ? 0x80000000u : p8_q[r];
                        uint32_t o;
                        if (rmmec_readout(&st, RMMEC_OUT_FP32, &o)) return LPCS_EINVAL;
                        put(r, o);
                    }
                    return LPCS_OK;
                }
                for (size_t r = 0; r < n; r++) {
                    uint32_t q = 0;
                    int nar = 0;
                    for (size_t j = 0; j < words; j++) {
                        unsigned a = word(r * words + j), b = xw[j];
                        uint32_t v0 = rom[(a & 0xFFu) << 8 | (b & 0xFFu)], v1 = rom[(a >> 8) << 8 | (b >> 8)];
                        if (v0 == P8_NAR_PAIR || v1 == P8_NAR_PAIR) {
                            nar = 1;
                            break; // NaR is sticky
                        }
                        if (v0 && (q += v0) == 0x80000000u) q = 0; // a sum landing on NaR reads as 0 (SoftPosit)
                        if (v1 && (q += v1) == 0x80000000u) q = 0;
                    }
                    rmmec_state st;
                    rmmec_init(&st, RMMEC_P8);
                    st.q8.bits = nar ? 0x80000000u : q;
                    uint32_t o;
                    if (rmmec_readout(&st, RMMEC_OUT_FP32, &o)) return LPCS_EINVAL;
                    put(r, o);
                }
                return LPCS_OK;
            }
            if (!prod.empty()) { // P4 / FP4: wrapping sum of the lane products, golden readout
                size_t words = xw.size();
                for (size_t r = 0; r < n; r++) {
                    uint32_t acc = 0;
                    int nar = 0;
                    for (size_t j = 0; j < words; j++) {
                        unsigned v = word(r * words + j);
                        for (size_t k = 0; k < 4; k++, v >>= 4) {
                            size_t e = (4 * j + k) * 16 + (v & 15);
                            acc += prod[e], nar |= prod_nar[e];
                        }
                    }
                    rmmec_state st;
                    rmmec_init(&st, (rmmec_mode)p->mode);
                    st.fx = acc, st.nar = nar;
                    uint32_t o;
                    if (rmmec_readout(&st, RMMEC_OUT_FP32, &o)) return LPCS_EINVAL;
                    put(r, o);
                }
                return LPCS_OK;
            }
            std::vector<uint32_t> o(n);
            std::vector<uint16_t> w(n * p->w_row_bytes / 2);
            std::memcpy(w.data(), tile, n * p->w_row_bytes);
            int st = rmmec_gemv((rmmec_mode)p->mode, w.data(), n, xw.size(), xw.data(), RMMEC_OUT_FP32, o.data());
            std::memcpy(res.data() + r0, o.data(), n * sizeof(float));
            return st;
        }
        case PD_BITLINEAR: { // the engine's adder tree, two weights per lookup
            size_t nh = (p->cols + 1) / 2;
            for (size_t r = 0; r < n; r++) {
                const uint8_t *row = tile + r * p->w_row_bytes;
                int64_t a = 0;
                int bad = 0;
                const int32_t *nb = nib.data();
                const uint8_t *nbad = nib_bad.data();
                size_t h = 0;
                for (; h + 1 < nh; h += 2) { // one byte: nibble positions h (low) and h + 1 (high)
                    size_t e0 = h * 16 + (row[h / 2] & 15u), e1 = (h + 1) * 16 + (row[h / 2] >> 4);
                    a += nb[e0] + nb[e1], bad |= nbad[e0] | nbad[e1];
                }
                if (h < nh) { // an odd last position: the low nibble of the last byte
                    size_t e = h * 16 + (row[h / 2] & 15u);
                    a += nb[e], bad |= nbad[e];
                }
                if (bad) return LPCS_EFORMAT;
                acc[r0 + r] = (int32_t)a;
            }
            return LPCS_OK;
        }
        case PD_GEMV_LUT: return pim_bank_rows(&pim, tile, n, res.data() + r0);
        case PD_GEMV_SHIFTMAC: return shift_engine_rows(&sh, tile, n, res.data() + r0);
        case PD_GEMV_F32: // rows read in place from the tile buffer (aligned: std::vector storage, whole rows)
            pv_gemv_f32(res.data() + r0, tile, p->mode ? 1 : 0, x.data(), n, p->cols);
            return LPCS_OK;
        default: return LPCS_EINVAL;
        }
    }
    // After the last tile: the output stage (vector steps) and the write-back.
    int finish() {
        const plat_data *p = pd;
        int st = LPCS_OK;
        switch (p->kind) {
        case PD_GEMV_RMMEC:
        case PD_GEMV_LUT:
        case PD_GEMV_SHIFTMAC:
        case PD_GEMV_F32: break;
        case PD_BITLINEAR:
            res.assign(p->rows, 0.0f);
            st = bitlinear_dequant(acc.data(), p->rows, s, p->inv_beta, res.data());
            break;
        case PD_EMBED: res.assign((const float *)p->w, (const float *)p->w + p->n); break;
        case PD_RMSNORM:
            res.assign(p->n, 0.0f);
            pv_rmsnorm(res.data(), x.data(), p->v, p->n, p->eps);
            break;
        case PD_RMSNORM_BL:
            res.assign(p->n, 0.0f);
            st = bitlinear_rmsnorm_f32(x.data(), p->v, p->n, p->eps, res.data());
            break;
        case PD_QUANT:
            res = x; // qf NULL: identity (fp32)
            if (p->qf) st = qformat_roundtrip(p->qf, x.data(), res.data(), p->n, p->row_len);
            if (!st && p->qf && p->in2) st = qformat_roundtrip(p->qf, x2.data(), x2.data(), p->n, p->row_len);
            break;
        case PD_ROPE:
            pv_rope(x.data(), p->n, x2.data(), p->cols, p->v, p->head_size);
            res = x;
            break;
        case PD_ATTENTION: {
            kc.assign(p->k_cache, p->k_cache + p->T * p->kv_dim), vc.assign(p->v_cache, p->v_cache + p->T * p->kv_dim);
            res.assign(p->n_heads * p->head_size, 0.0f);
            att.assign(p->T, 0.0f);
            pv_attention(res.data(), x.data(), kc.data(), vc.data(), p->T, p->kv_dim, p->n_heads, p->kv_mul,
                         p->head_size, att.data());
            break;
        }
        case PD_SWIGLU:
            res.assign(p->n, 0.0f);
            pv_swiglu(res.data(), x.data(), x2.data(), p->n);
            break;
        case PD_ADD:
            res.assign(p->out, p->out + p->n);
            pv_add(res.data(), x.data(), p->n);
            break;
        case PD_MLGRU:
            res.assign(p->out, p->out + p->n);
            st = hgrn_mlgru_recur(p->n, x.data(), x2.data(), p->v, res.data());
            break;
        case PD_GATED_NORM:
            res.assign(p->n, 0.0f);
            st = hgrn_gate_out(p->n, x.data(), p->v, x2.data(), res.data());
            break;
        case PD_GLU:
            res.assign(p->n, 0.0f);
            st = hgrn_glu(p->n, x.data(), res.data());
            break;
        default: return LPCS_EINVAL;
        }
        if (st) return st;
        if (p->fault && !gemv() && !res.empty()) { // the vector unit's result register
            uint32_t u;
            std::memcpy(&u, &res[res.size() / 2], 4);
            u ^= 0x40000000u;
            std::memcpy(&res[res.size() / 2], &u, 4);
        }
        float *dst = p->kind == PD_ROPE || p->kind == PD_QUANT ? (float *)p->in : p->out;
        if (!dst) return LPCS_EINVAL;
        std::memcpy(dst, res.data(), res.size() * sizeof(float));
        if (p->kind == PD_ROPE || (p->kind == PD_QUANT && p->in2)) std::memcpy((float *)p->in2, x2.data(), x2.size() * sizeof(float));
        return LPCS_OK;
    }
};

// One op as the host hands it to a unit (the payload's data pointer).
struct UnitCmd {
    arch_op op;
    std::function<int()> fn; // platform-internal golden calls (platform_pim_gemv); NULL with data
    DataPath *data;          // the op's data path, NULL for timing only
    plat_result *res;
    int status;
};

struct Tile {
    int index;
    sc_time ready;
    int slot; // the unit's tile buffer holding its data
};

typedef std::vector<uint8_t> TileBuf;

struct DmaJob {
    std::vector<double> bytes;
    sc_fifo<Tile> *to_unit;
    sc_fifo<int> *free_slots;
    // data: tile k is rows [row0[k], row0[k + 1]) of src, copied into bufs[slot]
    const uint8_t *src;
    size_t row_bytes;
    std::vector<size_t> row0;
    TileBuf *bufs;
};
// sc_fifo<T> prints its contents on request: it needs operator<<.
std::ostream &operator<<(std::ostream &os, const Tile &t) { return os << "tile " << t.index << " @" << t.ready; }
std::ostream &operator<<(std::ostream &os, const DmaJob &j) { return os << "dma job of " << j.bytes.size() << " tiles"; }

struct Bus : sc_module {
    tlm_utils::simple_target_socket<Bus> t, t_dma; // host and DMA initiators
    tlm_utils::simple_initiator_socket<Bus> to_dram, to_sram;
    std::vector<std::unique_ptr<tlm_utils::simple_initiator_socket<Bus>>> to_unit; // one per unit of the table
    double transactions = 0;
    explicit Bus(sc_module_name n) : sc_module(n), t("t"), t_dma("t_dma"), to_dram("to_dram"), to_sram("to_sram") {
        t.register_b_transport(this, &Bus::b_transport);
        t_dma.register_b_transport(this, &Bus::b_transport);
        for (int u = 0; u < arch_n_units(); u++)
            to_unit.emplace_back(new tlm_utils::simple_initiator_socket<Bus>(
                (std::string("to_") + arch_unit_get(u)->name).c_str()));
    }
    void b_transport(tlm::tlm_generic_payload &p, sc_time &delay) {
        transactions++;
        uint64_t a = p.get_address();
        if (a >= UNIT_BASE) {
            uint64_t u = (a - UNIT_BASE) / UNIT_STRIDE;
            if (u >= (uint64_t)arch_n_units()) {
                p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
                return;
            }
            (*to_unit[u])->b_transport(p, delay);
        } else if (a >= SRAM_BASE) {
            to_sram->b_transport(p, delay);
        } else {
            to_dram->b_transport(p, delay);
        }
    }
};

struct Dma : sc_module {
    tlm_utils::simple_initiator_socket<Dma> i;
    sc_fifo<DmaJob> jobs;
    uint8_t dummy[1];
    SC_HAS_PROCESS(Dma);
    explicit Dma(sc_module_name n) : sc_module(n), i("i"), jobs(1) { SC_THREAD(run); }
    void run() {
        for (;;) {
            DmaJob j = jobs.read();
            for (size_t k = 0; k < j.bytes.size(); k++) {
                int slot = j.free_slots->read(); // a tile buffer is free
                tlm::tlm_generic_payload p;
                sc_time d = SC_ZERO_TIME;
                p.set_command(tlm::TLM_READ_COMMAND);
                p.set_address(0);
                p.set_data_ptr(dummy);
                p.set_data_length((unsigned)j.bytes[k]);
                i->b_transport(p, d); // DRAM: d = until the tile's last byte
                tlm::tlm_generic_payload w;
                sc_time dw = SC_ZERO_TIME;
                w.set_command(tlm::TLM_WRITE_COMMAND);
                w.set_address(SRAM_BASE);
                w.set_data_ptr(dummy);
                w.set_data_length((unsigned)j.bytes[k]);
                i->b_transport(w, dw); // staging write into the tile buffer (SRAM port, when limited)
                if (kern.dp.sram_bytes_per_cycle > 0 && dw > d) d = dw;
                if (j.src && k + 1 < j.row0.size()) { // the tile's weight rows, as stored in DRAM
                    size_t off = j.row0[k] * j.row_bytes, len = (j.row0[k + 1] - j.row0[k]) * j.row_bytes;
                    j.bufs[slot].assign(j.src + off, j.src + off + len);
                }
                j.to_unit->write(Tile{(int)k, sc_time_stamp() + d, slot});
            }
        }
    }
};

// Per-tile work of an op on a unit.
struct TilePlan {
    std::vector<double> bytes;   // DRAM bytes per tile (empty: nothing streamed)
    std::vector<double> compute; // unit cycles per tile
    double prologue = 0, drain = 0;
    double sram_read = 0;        // bytes the unit reads from SRAM
};

// The unit's tiles, from its descriptor (models/unit.h): the platform names no unit.
TilePlan plan_tiles(const arch_op &op, arch_unit u) {
    TilePlan tp;
    const dp_config &d = kern.dp;
    double R = (double)op.rows, wb = op.w_bits;
    bool stream = !op.weights_resident;
    arch_tile_info info{};
    const arch_unit_desc *ud = arch_unit_get((int)u);
    ud->tiles(&d, &op, stream, [](void *ctx, double compute, double bytes) {
        TilePlan *t = (TilePlan *)ctx;
        t->compute.push_back(compute);
        t->bytes.push_back(bytes);
    }, &tp, &info);
    // op.tokens tokens use each weight tile while it is in its buffer (prefill GEMM, batched decode)
    double T = op.tokens > 1 ? op.tokens : 1;
    for (double &c : tp.compute) c *= T;
    // attention: a K/V row the DMA staged in SRAM serves kv_reuse queries (arch_prefill_kv_rows),
    // so each tile fetches that share from DRAM; the unit still reads every row per query
    if (op.kind == ARCH_OP_ATTENTION && op.kv_reuse > 1)
        for (double &b : tp.bytes) b /= op.kv_reuse;
    bool any = false;
    for (double b : tp.bytes) any = any || b > 0;
    if (!any) tp.bytes.clear(); // nothing streamed
    tp.prologue = info.prologue, tp.drain = info.drain, tp.sram_read = info.sram_read;
    // the unit reads its weights (or KV rows) from SRAM, streamed or resident;
    // weights a unit keeps itself (resident PIM tables) do not
    if (op.kind == ARCH_OP_GEMV || op.kind == ARCH_OP_BITLINEAR)
        tp.sram_read += info.weights_in_unit ? 0.0 : R * (double)op.cols * wb / 8.0;
    else if (op.kind == ARCH_OP_ATTENTION)
        tp.sram_read += 2.0 * arch_kv_values(&op) * wb / 8.0;
    tp.sram_read *= T;
    return tp;
}

struct Unit : sc_module {
    tlm_utils::simple_target_socket<Unit> t;
    arch_unit kind;
    Dma *dma = nullptr;
    Sram *sram = nullptr;
    sc_fifo<Tile> tiles;
    sc_fifo<int> free_slots;
    TileBuf bufs[NBUF]; // the unit's tile buffers: weight tiles in its storage format
    double busy_cycles = 0;
    Unit(sc_module_name n, arch_unit k) : sc_module(n), t("t"), kind(k), tiles(NBUF + 1), free_slots(NBUF + 1) {
        t.register_b_transport(this, &Unit::b_transport);
        for (int i = 0; i < NBUF; i++) free_slots.nb_write(i);
    }
    // Command registers: the START word carries the op; runs it to completion.
    void b_transport(tlm::tlm_generic_payload &p, sc_time &delay) {
        p.set_response_status(tlm::TLM_OK_RESPONSE);
        if (p.get_data_length() != sizeof(UnitCmd *)) return; // a plain register write
        UnitCmd *c;
        std::memcpy(&c, p.get_data_ptr(), sizeof c);
        wait(delay); // sync: the unit runs in simulated time from here
        delay = SC_ZERO_TIME;
        TilePlan tp = plan_tiles(c->op, kind);
        DataPath *dp = c->data;
        int st = dp ? dp->begin() : 0;
        // data tiles: the op's weight rows split evenly over the timing tiles
        size_t nt = std::max<size_t>(tp.compute.size(), 1), R = dp ? dp->rows() : 0;
        std::vector<size_t> row0(nt + 1);
        for (size_t k = 0; k <= nt; k++) row0[k] = std::min(R, (R + nt - 1) / nt * k);
        size_t fault_row = R / 2; // the test hook corrupts the middle row, in whichever tile holds it
        bool stream = !tp.bytes.empty();
        if (stream)
            dma->jobs.write(DmaJob{tp.bytes, &tiles, &free_slots, R && !st ? (const uint8_t *)dp->pd->w : nullptr,
                                   R ? dp->pd->w_row_bytes : 0, row0, bufs});
        double busy = tp.prologue;
        wait(cycles(tp.prologue));
        for (size_t i = 0; i < nt; i++) {
            int slot = 0;
            if (stream && i < tp.compute.size()) {
                Tile tl = tiles.read();
                slot = tl.slot;
                if (tl.ready > sc_time_stamp()) wait(tl.ready - sc_time_stamp());
            } else if (R && !st) { // weights resident on chip: the unit reads the tile from SRAM
                const uint8_t *src = (const uint8_t *)dp->pd->w + row0[i] * dp->pd->w_row_bytes;
                bufs[slot].assign(src, src + dp->tile_bytes(row0[i], row0[i + 1]));
            }
            if (R && !st && row0[i] < row0[i + 1]) {
                if (dp->pd->fault && row0[i] <= fault_row && fault_row < row0[i + 1])
                    dp->corrupt(bufs[slot].data(), fault_row - row0[i]);
                st = dp->compute_tile(bufs[slot].data(), row0[i], row0[i + 1]);
            }
            // the tile's share of the unit's SRAM reads queues on the port (limited bandwidth only)
            sc_time now = sc_time_stamp(), rd = sram->reserve(tp.sram_read / (double)nt, now) - now;
            if (i < tp.compute.size()) {
                wait(std::max(cycles(tp.compute[i]), rd));
                busy += tp.compute[i];
            } else if (rd > SC_ZERO_TIME) {
                wait(rd);
            }
            if (stream && i < tp.compute.size()) free_slots.write(slot);
        }
        wait(cycles(tp.drain));
        busy += tp.drain;
        sram->bytes += tp.sram_read;
        if (dp && !st) st = dp->finish();
        c->status = st ? st : c->fn ? c->fn() : 0;
        busy_cycles += busy;
        c->res->compute_cycles = busy;
        c->res->tiles = (int)tp.bytes.size();
    }
};

struct Host : sc_module {
    tlm_utils::simple_initiator_socket<Host> i;
    sc_event cmd_ev;
    UnitCmd *pending = nullptr;
    arch_unit pending_unit = ARCH_U_VECTOR;
    sc_time last_duration;
    SC_HAS_PROCESS(Host);
    explicit Host(sc_module_name n) : sc_module(n), i("i") { SC_THREAD(run); }
    void write_reg(uint64_t addr, unsigned char *data, unsigned len) {
        tlm::tlm_generic_payload p;
        sc_time d = SC_ZERO_TIME;
        p.set_command(tlm::TLM_WRITE_COMMAND);
        p.set_address(addr);
        p.set_data_ptr(data);
        p.set_data_length(len);
        i->b_transport(p, d);
        wait(d);
    }
    void run() {
        for (;;) {
            while (!pending) wait(cmd_ev);
            UnitCmd *c = pending;
            sc_time t0 = sc_time_stamp();
            uint64_t base = UNIT_BASE + (uint64_t)pending_unit * UNIT_STRIDE;
            uint32_t word = 0;
            for (int w = 0; w + 1 < HOST_CMD_WORDS; w++) { // command queue entry: one bus write per cycle
                write_reg(base + 4 * w, (unsigned char *)&word, 4);
                wait(cycles(1));
            }
            write_reg(base + 0x100, (unsigned char *)&c, sizeof c); // START: runs to completion
            wait(cycles(1));                                        // done interrupt
            last_duration = sc_time_stamp() - t0;
            pending = nullptr;
        }
    }
};

struct Platform {
    Host host{"host"};
    Bus bus{"bus"};
    Dram dram{"dram"};
    Sram sram{"sram"};
    Dma dma{"dma"};
    std::unique_ptr<Unit> units[ARCH_MAX_UNITS];
    // The data path's buffers, reused by every op with data (one op at a
    // time, under kern.lock): emptied per op, their storage kept.
    DataPath reused{nullptr};
    Platform() {
        host.i.bind(bus.t);
        dma.i.bind(bus.t_dma);
        bus.to_dram.bind(dram.t);
        bus.to_sram.bind(sram.t);
        for (int u = 0; u < arch_n_units(); u++) { // one module per unit, named as the unit
            units[u].reset(new Unit(arch_unit_get(u)->name, (arch_unit)u));
            units[u]->dma = &dma;
            units[u]->sram = &sram;
            bus.to_unit[u]->bind(units[u]->t);
        }
    }
};

// Elaborates the platform once and takes d as the point of this call.
int use_point(const dp_config *d) {
    char err[256];
    if (!d || dp_check(d, err, sizeof err)) return -1;
    kern.dp = *d;
    if (kern.plat) return 0;
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    sc_report_handler::set_actions(SC_WARNING, SC_DO_NOTHING);
    sc_set_time_resolution(1, SC_PS);
    kern.plat = new Platform();
    return 0;
}

// One op to completion; kern.lock held and kern.dp set.
int run_op_locked(const arch_op *op, std::function<int()> fn, const plat_data *pd, plat_result *r) {
    Platform *P = kern.plat;
    std::memset(r, 0, sizeof *r);
    arch_cost ac; // energy of the unit's events: the same per-event constants as the model
    if (arch_op_cost(&kern.dp, op, &ac)) return -1;
    // the PIM bank's / shift-MAC engine's data path runs only in that unit's module
    if (pd && (pd->kind == PD_GEMV_LUT || pd->kind == PD_GEMV_SHIFTMAC) &&
        std::strcmp(arch_unit_name(ac.unit), pd->kind == PD_GEMV_LUT ? "lutgemv" : "shiftmac"))
        return LPCS_EUNSUPPORTED;
    DataPath *dp = pd ? (P->reused.reset(pd), &P->reused) : nullptr;
    UnitCmd c{*op, fn, dp, r, 0};
    r->unit = ac.unit;
    double dram0 = P->dram.bytes, sram0 = P->sram.bytes;
    P->host.pending = &c;
    P->host.pending_unit = ac.unit;
    P->host.cmd_ev.notify(SC_ZERO_TIME);
    kern.started = true;
    sc_start();
    if (P->host.pending) return -1; // did not finish: a deadlock in the model
    r->cycles = to_cycles(P->host.last_duration);
    r->dram_bytes = P->dram.bytes - dram0;
    r->sram_bytes = P->sram.bytes - sram0;
    r->energy_pj = ac.e_compute_pj + r->sram_bytes * arch_sram_pj_per_byte_at(&kern.dp) +
                   r->dram_bytes * HZ_DRAM_PJ_PER_B;
    return c.status;
}

}  // namespace

int sc_main(int, char **) { return 0; } // SystemC wants one; lpcs has its own main()

extern "C" int platform_check_point(const dp_config *d) {
    char err[256];
    return d && !dp_check(d, err, sizeof err) ? 0 : -1;
}

extern "C" double platform_now_ns(void) {
    std::lock_guard<std::mutex> g(kern.lock);
    return kern.started ? sc_time_stamp().to_seconds() * 1e9 : 0;
}

extern "C" int platform_time_op(const dp_config *d, const arch_op *op, plat_result *r) {
    if (!op || !r) return -1;
    std::lock_guard<std::mutex> g(kern.lock);
    if (use_point(d)) return -1;
    return run_op_locked(op, nullptr, nullptr, r);
}

extern "C" int platform_exec_op(const dp_config *d, const arch_op *op, const plat_data *pd, plat_result *r) {
    if (!op || !r || !pd || (unsigned)pd->kind >= PD_KIND_COUNT) return LPCS_EINVAL;
    std::lock_guard<std::mutex> g(kern.lock);
    if (use_point(d)) return -1;
    return run_op_locked(op, nullptr, pd, r);
}

// Internal: op with a golden computation run when the unit completes.
static int run_golden_op(const dp_config *d, const arch_op *op, std::function<int()> fn, plat_result *r) {
    std::lock_guard<std::mutex> g(kern.lock);
    if (use_point(d)) return -1;
    return run_op_locked(op, fn, nullptr, r);
}

extern "C" int platform_ternary_gemv(const dp_config *d, const uint8_t *packed, size_t rows, size_t cols, const int8_t *x, int32_t *y,
                                     plat_result *r) {
    if (!packed || !x || !y || !rows || !cols) return LPCS_EINVAL;
    arch_op op{};
    op.kind = ARCH_OP_BITLINEAR, op.rows = rows, op.cols = cols, op.w_bits = 2, op.a_bits = 8;
    op.w_fmt = ARCH_FMT_TERNARY;
    struct Ctx { const uint8_t *w; size_t r, c; const int8_t *x; int32_t *y; } cx{packed, rows, cols, x, y};
    return run_golden_op(d, &op, [&cx] { return ternary_gemv_i32(cx.w, cx.r, cx.c, cx.x, cx.y); }, r);
}

extern "C" int platform_rmmec_gemv(const dp_config *d, rmmec_mode mode, const uint16_t *w, size_t rows, size_t cols, const uint16_t *x,
                                   rmmec_out f, uint32_t *y, plat_result *r) {
    if (!w || !x || !y || !rows || !cols || rmmec_lanes(mode) == 0) return LPCS_EINVAL;
    arch_op op{};
    int lanes = rmmec_lanes(mode);
    op.kind = ARCH_OP_GEMV, op.rows = rows, op.cols = cols * (size_t)lanes; // cols = 16-bit words
    op.w_bits = 16.0 / lanes, op.a_bits = 16.0 / lanes;
    op.w_fmt = ARCH_FMT_FLOAT;
    struct Ctx { rmmec_mode m; const uint16_t *w; size_t r, c; const uint16_t *x; rmmec_out f; uint32_t *y; } cx{
        mode, w, rows, cols, x, f, y};
    return run_golden_op(d, &op, [&cx] { return rmmec_gemv(cx.m, cx.w, cx.r, cx.c, cx.x, cx.f, cx.y); }, r);
}

extern "C" int platform_pim_gemv(const dp_config *d, const lutgemv_cfg *c, const int16_t *w, const int8_t *x, int64_t *acc,
                                 plat_result *r) {
    if (!c || !w || !x || !acc || lutgemv_cfg_check(c) != LPCS_OK || c->batch != 1) return LPCS_EINVAL;
    arch_op op{};
    op.kind = ARCH_OP_GEMV, op.rows = c->rows, op.cols = c->cols, op.w_bits = c->w_bits, op.a_bits = c->a_bits;
    op.w_fmt = c->w_kind == LUTGEMV_W_TERNARY ? ARCH_FMT_TERNARY : ARCH_FMT_INT;
    std::vector<int16_t> tables(lutgemv_table_len(c));
    if (!d) return LPCS_EINVAL;
    int eb = d->pim_entry_bits;
    struct Ctx { const lutgemv_cfg *c; const int16_t *w; const int8_t *x; int64_t *acc; int16_t *t; int eb; } cx{
        c, w, x, acc, tables.data(), eb};
    return run_golden_op(d, &op, [&cx] {
        int s = lutgemv_build_tables(cx.c, cx.w, NULL, cx.eb, cx.t);
        return s ? s : lutgemv_gemv(cx.c, cx.t, cx.x, 0, cx.acc, NULL);
    }, r);
}
