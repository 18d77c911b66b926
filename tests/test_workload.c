/* models/workload: parameter counts against the published (Hugging Face)
 * counts, DRAM traffic against hand-derived byte formulas (weights once per
 * prefill and per decode step, KV cache per sequence), residency, batching,
 * bad input. The oracles are written out here, not taken from the model. */
#include "test_util.h"

#include <math.h>

#include "design_point.h"
#include "tech_scale.h"
#include "workload.h"

static const char *LLAMA2_7B = "{\"name\":\"llama2-7b\",\"arch\":\"llama\",\"dim\":4096,\"layers\":32,\"heads\":32,"
                               "\"kv_heads\":32,\"hidden\":11008,\"vocab\":32000,\"tied\":false}";
static const char *LLAMA2_70B = "{\"name\":\"llama2-70b\",\"arch\":\"llama\",\"dim\":8192,\"layers\":80,\"heads\":64,"
                                "\"kv_heads\":8,\"hidden\":28672,\"vocab\":32000}";
static const char *TINY = "{\"name\":\"tiny\",\"arch\":\"llama\",\"dim\":256,\"layers\":5,\"heads\":8,"
                          "\"kv_heads\":4,\"hidden\":640,\"vocab\":259,\"tied\":true}";

static void load(const char *t, wl_shape *s) {
    char err[256];
    assert_int_equal(wl_shape_parse(t, s, err, sizeof err), 0);
}

static void test_param_counts(void **st) {
    (void)st;
    wl_shape s;
    /* HF model cards: Llama-2-7b-hf 6,738,415,616 parameters incl. 65 RMSNorm
     * vectors of 4096 (266,240), which the shape leaves out */
    load(LLAMA2_7B, &s);
    assert_true(wl_param_count(&s) == 6738415616.0 - 65 * 4096);
    /* Llama-2-70b-hf: 68,976,648,192 incl. 161 norm vectors of 8192 */
    load(LLAMA2_70B, &s);
    assert_true(wl_param_count(&s) == 68976648192.0 - 161 * 8192);
    /* shipped shakespeare-llama: 3,509,760 incl. 11 norm vectors of 256 */
    load(TINY, &s);
    assert_true(wl_param_count(&s) == 3509760.0 - 11 * 256);
}

static void test_dram_bytes(void **st) {
    (void)st;
    wl_shape s;
    load(LLAMA2_7B, &s);
    wl_params p;
    wl_params_default(&s, &p);
    p.prompt = 100, p.gen = 20, p.batch = 4;
    dp_config d;
    dp_default(&d);
    d.sram_kib = 64; /* nothing of 7B fits: the first matrix alone is 8 MiB at 4 bits */
    wl_result r;
    char err[256];
    assert_int_equal(wl_evaluate(&s, &p, &d, &r, err, sizeof err), 0);
    /* streamed: layer matrices + classifier; the embedding is a row lookup */
    double wbytes = (6738149376.0 - 32000.0 * 4096) * 4 / 8, kv_tok_layer = 2.0 * 4096 * 2;
    assert_false(r.weights_on_chip);
    assert_false(r.kv_on_chip);
    assert_true(r.weight_bytes == wbytes);
    /* prefill: weights once for all 400 tokens; K/V off chip with the whole 64 KiB free for
     * staging (no weight fits), less than one sequence's 100 x 16 KiB of a layer: query blocks
     * of floor(65536 / (4096 * (1 + 4) + 8 * 32)) = 3 queries, 34 blocks, block j re-reads
     * 3 (j + 1) rows, the last all 100: 3 * 34 * 33 / 2 + 100 = 1783 rows per sequence and layer */
    assert_true(r.prefill_kv_rows == 1783);
    assert_true(fabs(r.prefill.dram_bytes - (wbytes + 4 * 1783.0 * 32 * kv_tok_layer)) < 1);
    /* decode step: weights once for the batch, each sequence reads 110 positions */
    assert_true(fabs(r.decode_step.dram_bytes - (wbytes + 4 * 110.0 * 32 * kv_tok_layer)) < 1);
    assert_true(r.ttft_s > 0 && r.tpot_s > 0 && r.energy_per_token_j > 0 && r.area_mm2 > 0);
    assert_true(fabs(r.tokens_per_s - 4 / r.tpot_s) < 1e-9 * r.tokens_per_s);
    assert_int_equal(r.prefill.n_ops, 13);
}

/* The prefill K/V rule at its edges, with the values written out by hand. */
static void test_prefill_kv_rows(void **st) {
    (void)st;
    assert_true(arch_prefill_kv_rows(100, 10, 5, 1000) == 100);     /* 100 x 10 B fit 1000 B: staged once */
    assert_true(arch_prefill_kv_rows(100, 10, 5, 999) == 100);      /* 199 queries' rows fit: one block */
    assert_true(arch_prefill_kv_rows(100, 10, 5, 0) == 5050);       /* Qb = 1: a re-read per query */
    assert_true(arch_prefill_kv_rows(100, 10, 5, 200) == 40 * 3 + 100); /* Qb 40, 3 blocks: 40 + 80 + 100 */
    assert_true(arch_prefill_kv_rows(1, 10, 5, 0) == 1);
    arch_op op = {.kind = ARCH_OP_ATTENTION, .n = 1000, .kv_n = 250, .w_bits = 16, .kv_reuse = 5};
    assert_true(arch_kv_dram_bytes(&op) == 2 * 250 * 2 / 5.0);
    op.kv_reuse = 0; /* unset: every query's reads come from DRAM */
    assert_true(arch_kv_dram_bytes(&op) == 1000);
}

static void test_batch_and_residency(void **st) {
    (void)st;
    wl_shape s;
    load(LLAMA2_70B, &s);
    wl_params p;
    wl_params_default(&s, &p);
    dp_config d;
    dp_default(&d);
    d.rmmec_units = 1024, d.pim_banks = 0, d.dram_gbps = 10; /* compute-rich, DRAM-poor */
    wl_result r1, r8;
    char err[256];
    assert_int_equal(wl_evaluate(&s, &p, &d, &r1, err, sizeof err), 0);
    p.batch = 8;
    assert_int_equal(wl_evaluate(&s, &p, &d, &r8, err, sizeof err), 0);
    /* weight-bound decode: 8 sequences share one weight stream */
    assert_true(r8.tokens_per_s > 4 * r1.tokens_per_s);
    int dram_bound = 0;
    for (int i = 0; i < r1.decode_step.n_ops; i++) dram_bound += r1.decode_step.ops[i].dram_bound;
    assert_true(dram_bound >= 7);
    /* everything on chip: no DRAM traffic at all */
    load(TINY, &s);
    wl_params_default(&s, &p);
    d.sram_kib = 65536;
    assert_int_equal(wl_evaluate(&s, &p, &d, &r1, err, sizeof err), 0);
    assert_true(r1.weights_on_chip && r1.kv_on_chip);
    assert_true(r1.prefill.dram_bytes == 0 && r1.decode_step.dram_bytes == 0);
}

/* Technology scaling against the source's own numbers: the erratum of
 * Stillmaker & Baas works 32 nm at 0.9 V to an energy factor of 0.4571; the
 * 45 nm row of their area table gives 0.46 (32 nm) and 0.059 (7 nm). And
 * what the fields do to a workload: on-chip energy and area scale, DRAM
 * energy does not; the SRAM bound appears when SRAM bandwidth is scarce. */
static void test_tech_and_sram_bound(void **st) {
    (void)st;
    double e45 = 1.018 - 0.3107 + 0.1539; /* 45 nm polynomial at 1.0 V */
    assert_true(fabs(tech_energy_factor(32) - 0.4571 / e45) < 1e-4);
    assert_true(tech_area_factor(32) == 0.46 && tech_area_factor(7) == 0.059 && tech_energy_factor(45) == 1);
    assert_true(tech_energy_factor(28) < tech_energy_factor(32) && tech_energy_factor(28) > tech_energy_factor(20));
    assert_true(tech_node_interpolated(28) && !tech_node_interpolated(16) && !tech_node_known(33));
    wl_shape s;
    load(LLAMA2_7B, &s);
    wl_params p;
    wl_params_default(&s, &p);
    dp_config d;
    dp_default(&d);
    char err[256];
    d.tech_nm = 33;
    assert_int_equal(dp_check(&d, err, sizeof err), -1);
    d.tech_nm = 45;
    wl_result r45, r7, rs;
    assert_int_equal(wl_evaluate(&s, &p, &d, &r45, err, sizeof err), 0);
    d.tech_nm = 7;
    assert_int_equal(wl_evaluate(&s, &p, &d, &r7, err, sizeof err), 0);
    assert_true(fabs(r7.area_mm2 - 0.059 * r45.area_mm2) < 1e-9 * r45.area_mm2);
    assert_true(r7.prefill_energy_per_token_j < r45.prefill_energy_per_token_j);
    assert_true(r7.decode_step.cycles == r45.decode_step.cycles); /* timing does not depend on the node */
    /* DRAM energy is not scaled: the 7 nm decode step keeps at least its DRAM part */
    assert_true(r7.decode_step.energy_pj >= r45.decode_step.dram_bytes * 1950.0 / 8);
    d.tech_nm = 45, d.sram_bytes_per_cycle = 1; /* 1 byte per cycle: every matrix op is SRAM bound */
    assert_int_equal(wl_evaluate(&s, &p, &d, &rs, err, sizeof err), 0);
    int sram_bound = 0;
    for (int i = 0; i < rs.decode_step.n_ops; i++) sram_bound += rs.decode_step.ops[i].bound == WL_BOUND_SRAM;
    assert_true(sram_bound >= 7);
    assert_true(rs.decode_step.cycles > r45.decode_step.cycles);
}

static void test_bad_input(void **st) {
    (void)st;
    const char *bad[] = {
        "", "[]", "{\"name\":\"x\",\"arch\":\"llama\",\"dim\":64,\"layers\":1,\"heads\":4,\"kv_heads\":4,\"hidden\":8}",
        "{\"name\":\"x\",\"arch\":\"gpt\",\"dim\":64,\"layers\":1,\"heads\":4,\"kv_heads\":4,\"hidden\":8,\"vocab\":9}",
        "{\"name\":\"x\",\"arch\":\"llama\",\"dim\":64,\"layers\":1,\"heads\":5,\"kv_heads\":5,\"hidden\":8,\"vocab\":9}",
        "{\"name\":\"x\",\"arch\":\"llama\",\"dim\":64,\"layers\":1,\"heads\":4,\"kv_heads\":3,\"hidden\":8,\"vocab\":9}",
        "{\"name\":\"x\",\"arch\":\"llama\",\"dim\":64,\"layers\":1,\"heads\":4,\"kv_heads\":4,\"hidden\":8,\"vocab\":9,\"dims\":1}",
        "{\"name\":\"x\",\"arch\":\"llama\",\"dim\":-64,\"layers\":1,\"heads\":4,\"kv_heads\":4,\"hidden\":8,\"vocab\":9}",
        "{\"name\":\"x\",\"arch\":\"llama\",\"dim\":64.5,\"layers\":1,\"heads\":4,\"kv_heads\":4,\"hidden\":8,\"vocab\":9}",
    };
    wl_shape s;
    char err[256];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = 0;
        assert_int_equal(wl_shape_parse(bad[i], &s, err, sizeof err), -1);
        assert_true(err[0] != 0);
    }
    load(TINY, &s);
    wl_params p;
    wl_params_default(&s, &p);
    p.batch = 0;
    dp_config d;
    dp_default(&d);
    wl_result r;
    assert_int_equal(wl_evaluate(&s, &p, &d, &r, err, sizeof err), -1);
}

int main(void) {
    const struct CMUnitTest t[] = {cmocka_unit_test(test_param_counts), cmocka_unit_test(test_dram_bytes),
                                   cmocka_unit_test(test_batch_and_residency), cmocka_unit_test(test_bad_input),
                                   cmocka_unit_test(test_tech_and_sram_bound), cmocka_unit_test(test_prefill_kv_rows)};
    return cmocka_run_group_tests(t, NULL, NULL);
}
