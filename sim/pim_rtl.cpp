// C API over the Verilated PIM bank (see pim_rtl.h). -DPB_* come from
// sim/rtl_backend.mk and match the -G parameters of the model.
#include "pim_rtl.h"

#include <vector>

#include "Vpim_bank.h"
#include "vl_unit.h"

namespace {
enum { OP_BUILD = 1, OP_LOADX = 2, OP_RUN = 3, OP_READ = 4 };
const int kRW = __builtin_ctz(PB_ROWS), kGW = __builtin_ctz(PB_GROUPS), kNW = __builtin_ctz(PB_NB);
const uint64_t HANG_CYCLES = 1u << 20;

// Little fields into cmd_data of whatever width Verilator chose.
void put_bits(std::vector<uint32_t> &w, int pos, int width, uint64_t v) {
    for (int b = 0; b < width; b++)
        if (v >> b & 1) w[(size_t)(pos + b) / 32] |= 1u << ((pos + b) % 32);
}
template <typename T> void set_data(T &d, const std::vector<uint32_t> &w) {
    if constexpr (sizeof(T) <= 4) d = (T)w[0];
    else d = (T)(w[0] | (uint64_t)w[1] << 32);
}
template <std::size_t N> void set_data(VlWide<N> &d, const std::vector<uint32_t> &w) {
    for (std::size_t i = 0; i < N; i++) d[i] = w[i];
}
int64_t sext(uint64_t v, int bits) {
    uint64_t m = 1ull << (bits - 1);
    v &= (1ull << bits) - 1;
    return (int64_t)((v ^ m) - m);
}
size_t gcd(size_t a, size_t b) { return b ? gcd(b, a % b) : a; }
} // namespace

struct pim_rtl : vl_unit<Vpim_bank> {
    Vpim_bank *m = top.get();
    std::vector<uint64_t> rsp;
    bool hung = false;

    void tick() {
        vl_unit<Vpim_bank>::tick();
        if (m->rsp_valid) rsp.push_back((uint64_t)m->rsp_data);
    }
    pim_rtl() {
        m->rst = 1;
        m->cmd_valid = 0;
        tick();
        tick();
        m->rst = 0;
    }
    void wait_ready() {
        m->clk = 0;
        m->eval();
        for (uint64_t n = 0; !m->cmd_ready && !hung; n++) {
            if (n > HANG_CYCLES) hung = true;
            tick();
        }
    }
    void cmd(int op, uint32_t addr, const std::vector<uint32_t> &data) {
        wait_ready();
        m->cmd_valid = 1;
        m->cmd_op = (CData)op;
        m->cmd_addr = addr;
        set_data(m->cmd_data, data);
        tick();
        m->cmd_valid = 0;
    }
};

extern "C" {

pim_rtl *pim_rtl_open(void) { return vl_new<pim_rtl>(); }

void pim_rtl_close(pim_rtl *b) { delete b; }

uint64_t pim_rtl_cycles(const pim_rtl *b) { return b ? b->cycles : 0; }

pim_rtl_info pim_rtl_params(void) {
    return pim_rtl_info{PB_G, PB_ROWS, PB_GROUPS, PB_NB, PB_AB, PB_WB, PB_E, PB_ACC};
}

int pim_rtl_gemv(pim_rtl *b, const lutgemv_cfg *c, const int16_t *w, const int16_t *zp, const int8_t *x,
                 int pattern_aware, int64_t *acc, uint64_t *lookups) {
    if (!b || !c || !w || !x || !acc || lutgemv_cfg_check(c) || c->g != PB_G || c->batch > (size_t)PB_NB ||
        c->a_bits > PB_AB || (c->w_kind == LUTGEMV_W_UNSIGNED_ZP && !zp))
        return -1;
    const size_t M = c->rows, K = c->cols, N = c->batch, Q = lutgemv_qgroups(c), g = PB_G;
    size_t kt = (size_t)PB_GROUPS * g; // tile columns: whole table groups, inside one scale group
    if (c->qgroup) kt = gcd(kt, c->qgroup);
    lutgemv_cfg tile = *c;
    tile.cols = kt, tile.qgroup = 0;
    int wmin, wmax;
    if (lutgemv_entry_bits(&tile) > PB_E || lutgemv_acc_bits(&tile) > PB_ACC ||
        lutgemv_weight_range(c, &wmin, &wmax) || lutgemv_signed_bits(wmin, wmax) > PB_WB)
        return -1;
    const int aw = PB_AB, wbits = PB_WB;
    std::vector<uint32_t> d((size_t)(g * (aw > wbits ? aw : wbits) + 63) / 32 + 2);
    for (size_t i = 0; i < N * M * Q; i++) acc[i] = 0;
    for (size_t k0 = 0; k0 < K; k0 += kt) {
        const size_t kn = K - k0 < kt ? K - k0 : kt, G = (kn + g - 1) / g, q = c->qgroup ? k0 / c->qgroup : 0;
        b->m->cfg_groups = (CData)G;
        b->m->cfg_batch = (CData)N;
        b->m->cfg_top_plane = (CData)(c->a_bits - 1);
        b->m->cfg_pattern = (CData)(pattern_aware ? 1 : 0);
        for (size_t grp = 0; grp < G; grp++) { // this K tile of every token
            for (size_t n = 0; n < N; n++) {
                std::fill(d.begin(), d.end(), 0u);
                for (size_t j = 0; j < g; j++) {
                    size_t k = k0 + grp * g + j;
                    put_bits(d, (int)(j * aw), aw, (uint64_t)(int64_t)(k < k0 + kn ? x[n * K + k] : 0));
                }
                b->cmd(OP_LOADX, (uint32_t)(n << kGW | grp), d);
            }
        }
        for (size_t r0 = 0; r0 < M; r0 += PB_ROWS) {
            const size_t rn = M - r0 < (size_t)PB_ROWS ? M - r0 : (size_t)PB_ROWS;
            for (size_t r = 0; r < rn; r++)
                for (size_t grp = 0; grp < G; grp++) {
                    std::fill(d.begin(), d.end(), 0u);
                    for (size_t j = 0; j < g; j++) {
                        size_t k = k0 + grp * g + j;
                        int v = 0;
                        if (k < k0 + kn) {
                            v = w[(r0 + r) * K + k];
                            if (c->w_kind == LUTGEMV_W_UNSIGNED_ZP) v -= zp[(r0 + r) * Q + q];
                        }
                        put_bits(d, (int)(j * wbits), wbits, (uint64_t)(int64_t)v);
                    }
                    b->cmd(OP_BUILD, (uint32_t)(r << kGW | grp), d);
                }
            b->wait_ready();
            b->m->cfg_rows = (CData)rn;
            b->cmd(OP_RUN, 0, std::vector<uint32_t>(d.size(), 0u));
            b->wait_ready();
            if (lookups) *lookups += b->m->stat_lookups;
            b->rsp.clear();
            for (size_t r = 0; r < rn; r++)
                for (size_t n = 0; n < N; n++) b->cmd(OP_READ, (uint32_t)(r << kNW | n), std::vector<uint32_t>(d.size(), 0u));
            b->tick(); // the last read's response
            if (b->hung || b->rsp.size() != rn * N) return -2;
            for (size_t r = 0; r < rn; r++) // host step: the tiles of one scale group add up exactly
                for (size_t n = 0; n < N; n++) acc[(n * M + r0 + r) * Q + q] += sext(b->rsp[r * N + n], PB_ACC);
        }
    }
    return 0;
}

} // extern "C"
