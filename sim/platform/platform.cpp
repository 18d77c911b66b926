// SystemC TLM-2.0 (loosely timed, annotated delays) accelerator platform.
// See platform_api.h for what it models; models/README.md for the numbers.
//
//   Host --cmd--> Bus --+--> Dram   (pipelined bursts: bandwidth + latency)
//                       +--> Sram   (accounting; one cycle per access)
//                       +--> Unit[rmmec | ternary | pim | vector] (command registers)
//   Dma  --------> Bus  (DRAM -> SRAM tiles, at most NBUF tiles ahead of the unit)
//
// A unit command runs the op: the DMA streams its weight tiles (when they
// are not resident on chip), the unit waits for each tile, computes it
// (cycles from the unit model for the tile's rows), frees the tile buffer,
// and after the pipeline drain runs the functional callback.
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
#include "ternary.h"
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
};
Kernel kern;

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

struct Sram : sc_module {
    tlm_utils::simple_target_socket<Sram> t;
    double bytes = 0;
    explicit Sram(sc_module_name n) : sc_module(n), t("t") { t.register_b_transport(this, &Sram::b_transport); }
    void b_transport(tlm::tlm_generic_payload &p, sc_time &delay) {
        bytes += p.get_data_length();
        delay += cycles(1);
        p.set_response_status(tlm::TLM_OK_RESPONSE);
    }
};

// One op as the host hands it to a unit (the payload's data pointer).
struct UnitCmd {
    arch_op op;
    std::function<int()> fn;
    plat_result *res;
    int status;
};

struct Tile {
    int index;
    sc_time ready;
};

struct DmaJob {
    std::vector<double> bytes;
    sc_fifo<Tile> *to_unit;
    sc_fifo<int> *free_slots;
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
                j.free_slots->read(); // a tile buffer is free
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
                i->b_transport(w, dw); // staging write into the tile buffer
                j.to_unit->write(Tile{(int)k, sc_time_stamp() + d});
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
    double busy_cycles = 0;
    Unit(sc_module_name n, arch_unit k) : sc_module(n), t("t"), kind(k), tiles(NBUF + 1), free_slots(NBUF + 1) {
        t.register_b_transport(this, &Unit::b_transport);
        for (int i = 0; i < NBUF; i++) free_slots.nb_write(1);
    }
    // Command registers: the START word carries the op; runs it to completion.
    void b_transport(tlm::tlm_generic_payload &p, sc_time &delay) {
        p.set_response_status(tlm::TLM_OK_RESPONSE);
        if (p.get_data_length() != sizeof(UnitCmd *)) return; // a plain register write
        UnitCmd *c;
        std::memcpy(&c, p.get_data_ptr(), sizeof c);
        wait(delay); // sync: the unit runs in simulated time from here
        delay = SC_ZERO_TIME;
        sc_time t0 = sc_time_stamp();
        TilePlan tp = plan_tiles(c->op, kind);
        if (!tp.bytes.empty()) dma->jobs.write(DmaJob{tp.bytes, &tiles, &free_slots});
        double busy = tp.prologue;
        wait(cycles(tp.prologue));
        for (size_t i = 0; i < tp.compute.size(); i++) {
            if (!tp.bytes.empty()) {
                Tile tl = tiles.read();
                if (tl.ready > sc_time_stamp()) wait(tl.ready - sc_time_stamp());
            }
            wait(cycles(tp.compute[i]));
            busy += tp.compute[i];
            if (!tp.bytes.empty()) free_slots.write(1);
        }
        wait(cycles(tp.drain));
        busy += tp.drain;
        sram->bytes += tp.sram_read;
        c->status = c->fn ? c->fn() : 0;
        busy_cycles += busy;
        c->res->compute_cycles = busy;
        c->res->tiles = (int)tp.bytes.size();
        (void)t0;
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
int run_op_locked(const arch_op *op, int (*fn)(void *), void *ctx, plat_result *r) {
    Platform *P = kern.plat;
    std::memset(r, 0, sizeof *r);
    arch_cost ac; // energy of the unit's events: the same per-event constants as the model
    if (arch_op_cost(&kern.dp, op, &ac)) return -1;
    UnitCmd c{*op, fn ? std::function<int()>([fn, ctx] { return fn(ctx); }) : std::function<int()>(), r, 0};
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

extern "C" int platform_run_op(const dp_config *d, const arch_op *op, int (*fn)(void *), void *ctx, plat_result *r) {
    if (!op || !r) return -1;
    std::lock_guard<std::mutex> g(kern.lock);
    if (use_point(d)) return -1;
    return run_op_locked(op, fn, ctx, r);
}

extern "C" int platform_ternary_gemv(const dp_config *d, const uint8_t *packed, size_t rows, size_t cols, const int8_t *x, int32_t *y,
                                     plat_result *r) {
    if (!packed || !x || !y || !rows || !cols) return LPCS_EINVAL;
    arch_op op{};
    op.kind = ARCH_OP_BITLINEAR, op.rows = rows, op.cols = cols, op.w_bits = 2, op.a_bits = 8;
    op.w_fmt = ARCH_FMT_TERNARY;
    struct Ctx { const uint8_t *w; size_t r, c; const int8_t *x; int32_t *y; } cx{packed, rows, cols, x, y};
    return platform_run_op(d, &op, [](void *p) { Ctx *c = (Ctx *)p; return ternary_gemv_i32(c->w, c->r, c->c, c->x, c->y); },
                           &cx, r);
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
    return platform_run_op(d, &op, [](void *p) { Ctx *c = (Ctx *)p; return rmmec_gemv(c->m, c->w, c->r, c->c, c->x, c->f, c->y); },
                           &cx, r);
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
    return platform_run_op(d, &op, [](void *p) {
        Ctx *k = (Ctx *)p;
        int s = lutgemv_build_tables(k->c, k->w, NULL, k->eb, k->t);
        return s ? s : lutgemv_gemv(k->c, k->t, k->x, 0, k->acc, NULL);
    }, &cx, r);
}
