#include "shadow.h"

#include "backend_rtl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static const char *const BUF_NAMES[B_COUNT] = {"x",  "xb", "xb2", "q", "k_cache", "v_cache", "hb",
                                               "hb2", "i", "f",   "g", "state",   "logits"};

typedef struct {
    rt_buf b;
    float *p;
    size_t n;
} region;

/* Everything an op may write: the activation buffers and this layer's KV
 * rows / recurrent state. */
static int regions_of(rt_engine *eng, const rt_op *op, region *r) {
    const rt_config *c = &eng->m->cfg;
    int n = 0;
    for (int b = 0; b < B_COUNT; b++) {
        float *p = NULL;
        size_t len = 0;
        if (b == B_KCUR || b == B_VCUR) {
            if (!eng->key_cache || op->layer < 0) continue;
            p = rt_engine_buf(eng, (rt_buf)b, op->layer);
            len = (size_t)c->dim * (size_t)c->n_kv_heads / (size_t)c->n_heads;
        } else if (b == B_STATE) {
            if (!eng->state || op->layer < 0) continue;
            p = rt_engine_buf(eng, (rt_buf)b, op->layer);
            len = (size_t)c->dim;
        } else {
            p = eng->buf[b];
            len = eng->buf_len[b];
        }
        if (p && len) r[n++] = (region){(rt_buf)b, p, len};
    }
    return n;
}

int rt_shadow_exec(rt_engine *eng, rt_op *op, rt_err *e) {
    rt_backend_inst *be = &eng->backends[op->backend];
    int is_rtl = be->iface == &rt_backend_rtl;
    region r[B_COUNT];
    int nr = regions_of(eng, op, r);
    size_t total = 0;
    for (int i = 0; i < nr; i++) total += r[i].n;
    float *before = malloc(total * sizeof(float)), *dut = malloc(total * sizeof(float));
    if (!before || !dut) {
        free(before), free(dut);
        return rt_fail(e, LPCS_ENOMEM, "--check: out of memory");
    }
    size_t o = 0;
    for (int i = 0; i < nr; o += r[i].n, i++) memcpy(before + o, r[i].p, r[i].n * sizeof(float));
    unsigned long long c0 = is_rtl ? rt_rtl_cycles(eng) : 0;
    int rc = be->iface->exec(be, eng, op, 1);
    if (rc) {
        free(before), free(dut);
        return rt_fail(e, rc, "op %s on backend %s failed: %s", op->name, be->iface->name, lpcs_status_str(rc));
    }
    o = 0;
    for (int i = 0; i < nr; o += r[i].n, i++) {
        memcpy(dut + o, r[i].p, r[i].n * sizeof(float));
        memcpy(r[i].p, before + o, r[i].n * sizeof(float));
    }
    rt_op_stats keep = op->st; /* the golden run must not count as the op's work */
    rc = rt_cpu_exec(eng, op);
    op->st = keep;
    if (rc) {
        free(before), free(dut);
        return rt_fail(e, rc, "--check: golden (cpu) run of op %s failed: %s", op->name, lpcs_status_str(rc));
    }
    o = 0;
    for (int i = 0; i < nr; o += r[i].n, i++) {
        if (!memcmp(dut + o, r[i].p, r[i].n * sizeof(float))) continue;
        size_t k = 0;
        uint32_t got = 0, want = 0;
        for (; k < r[i].n; k++) {
            memcpy(&got, dut + o + k, 4);
            memcpy(&want, r[i].p + k, 4);
            if (got != want) break;
        }
        char where[256] = "";
        if (is_rtl && rt_rtl_lanes() > 0 && op->type == OP_BITLINEAR) /* cycles, lanes, VCD: the ternary engine's */
            snprintf(where, sizeof where,
                     "; rtl: the op ran in clock cycles %llu..%llu, row %zu is lane %zu (waveform of just this op: "
                     "--vcd FILE --vcd-window %llu:%llu)",
                     c0, rt_rtl_cycles(eng), k, k % (size_t)rt_rtl_lanes(), c0, rt_rtl_cycles(eng));
        free(before), free(dut);
        return rt_fail(e, LPCS_EINVAL,
                       "--check: op %s (%s, layer %d) on %s differs from golden (cpu) at token %llu (position %d): "
                       "%s[%zu] = 0x%08x (%s) vs 0x%08x (golden)%s",
                       op->name, rt_op_type_name(op->type), op->layer, be->iface->name,
                       (unsigned long long)eng->steps + 1, eng->pos, BUF_NAMES[r[i].b], k, got, be->iface->name, want,
                       where);
    }
    free(before), free(dut);
    return LPCS_OK;
}

void rt_inject_fault(rt_engine *eng, const rt_op *op) {
    if (!eng->fault_op[0] || strcmp(eng->fault_op, op->name)) return;
    rt_buf b = op->out != B_NONE ? op->out : op->in;
    float *p = rt_engine_buf(eng, b, op->layer);
    size_t n = op->rows ? op->rows : op->n;
    if (p && n) p[n / 2] = -p[n / 2] + (p[n / 2] == 0.0f ? 1.0f : 0.0f);
}

int rt_is_fault_op(const rt_engine *eng, const rt_op *op) { return eng->fault_op[0] && !strcmp(eng->fault_op, op->name); }

uint8_t *rt_fault_tile_copy(const uint8_t *packed, size_t rows, size_t cols) {
    size_t rb = (cols + 3) / 4, tile = rb < 4 ? rb : 4;
    uint8_t *bad = malloc(rb * rows + 1);
    if (!bad) return NULL;
    memcpy(bad, packed, rb * rows);
    uint8_t *t = bad + (rows / 2) * rb;
    for (size_t k = 0; k < tile; k++) {
        uint8_t v = 0;
        for (int j = 0; j < 8; j += 2) { /* codes: 00 = 0, 01 = +1, 11 = -1 */
            unsigned code = (t[k] >> j) & 3u;
            v |= (uint8_t)((code == 0 ? 1u : code == 1 ? 3u : 0u) << j);
        }
        t[k] = v;
    }
    return bad;
}
