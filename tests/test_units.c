/* The table of unit descriptors (models/unit.h, models/units.c) is
 * consistent: unique names, every function present, no two design-point
 * fields in the same place or with the same key, defaults that pass
 * dp_check, exactly one fallback unit, arch_unit_find and arch_unit_name
 * agree, and every op kind finds a unit on the default point. A new unit
 * that reuses another's unit_param slot or name fails here. */
#include "test_util.h"

#include "arch_consts.h"
#include "arch_model.h"
#include "design_point.h"
#include "unit.h"

static void test_table(void **state) {
    (void)state;
    int n = arch_n_units(), fallbacks = 0, nfields = 0;
    assert_true(n >= 4 && n <= ARCH_MAX_UNITS);
    assert_null(arch_unit_get(n));
    assert_int_equal(arch_unit_find("no-such-unit"), -1);
    for (int u = 0; u < n; u++) {
        const arch_unit_desc *d = arch_unit_get(u);
        assert_non_null(d);
        assert_true(d->name && d->rank && d->compute && d->dma_tiles && d->tiles && d->area_mm2);
        assert_int_equal(arch_unit_find(d->name), u);
        assert_string_equal(arch_unit_name((arch_unit)u), d->name);
        fallbacks += d->fallback;
        assert_true(d->n_fields >= 1 && d->fields);
        for (int f = 0; f < d->n_fields; f++, nfields++) {
            const dp_field *a = &d->fields[f];
            assert_true(a->lo <= a->def && a->def <= a->hi);
            for (int v = 0; v <= u; v++) /* no other field of any unit at the same place or key */
                for (int g = 0; g < (v == u ? f : arch_unit_get(v)->n_fields); g++) {
                    const dp_field *b = &arch_unit_get(v)->fields[g];
                    assert_true(a->off != b->off);
                    assert_string_not_equal(a->name, b->name);
                }
        }
    }
    assert_int_equal(fallbacks, 1);
    assert_true(nfields >= 10);
    /* the unit names used across layers */
    assert_int_equal(arch_unit_find("rmmec"), ARCH_U_RMMEC);
    assert_int_equal(arch_unit_find("ternary"), ARCH_U_TERNARY);
    assert_int_equal(arch_unit_find("lutgemv"), ARCH_U_LUTGEMV);
    assert_int_equal(arch_unit_find("vector"), ARCH_U_VECTOR);
}

static void test_defaults_and_fields(void **state) {
    (void)state;
    dp_config d;
    char err[256];
    dp_default(&d);
    assert_int_equal(dp_check(&d, err, sizeof err), 0);
    size_t k = 0;
    while (dp_field_name(k)) k++;
    assert_true(k >= 12); /* id, clock, every unit's fields, memory, plan */
    assert_string_equal(dp_field_name(0), "id");
    /* a field of a unit round-trips through JSON text */
    char js[2048];
    assert_int_equal(dp_set_field(&d, "ternary_lanes", "4", 0, err, sizeof err), 0);
    assert_int_equal(dp_to_json(&d, js, sizeof js), 0);
    dp_config e;
    dp_default(&e);
    assert_int_equal(dp_parse_json_text(js, &e, err, sizeof err), 0);
    assert_int_equal(e.ternary_lanes, 4);
    assert_int_not_equal(dp_set_field(&d, "no_such_field", "1", 0, err, sizeof err), 0);
}

static void test_every_op_kind_has_a_unit(void **state) {
    (void)state;
    dp_config d;
    dp_default(&d);
    for (int k = 0; k < ARCH_OP_KIND_COUNT; k++) {
        arch_op op;
        memset(&op, 0, sizeof op);
        op.kind = (arch_op_kind)k, op.rows = 8, op.cols = 16, op.n = 64, op.w_bits = 4, op.a_bits = 8;
        arch_cost c;
        assert_int_equal(arch_op_cost(&d, &op, &c), 0);
        assert_true(c.cycles > 0);
        assert_non_null(arch_unit_get((int)c.unit));
    }
}

/* Compute energy of one op with activity_model = act on d. */
static double e_compute(dp_config *d, const arch_op *op, int act, arch_unit want) {
    arch_cost c;
    d->activity_model = act;
    assert_int_equal(arch_op_cost(d, op, &c), 0);
    assert_int_equal(c.unit, want);
    return c.e_compute_pj;
}

/* activity_model = 1 scales each unit's compute energy by the activity
 * measured on its RTL (arch_consts.h): RMMEC, ternary and shiftmac as a
 * whole, the PIM banks only in their logic (the SRAM table accesses stay),
 * the vector unit (no RTL) not at all. */
static void test_activity_model(void **state) {
    (void)state;
    dp_config d;
    dp_default(&d);
    char err[256];
    assert_int_equal(dp_set_field(&d, "shiftmac_lanes", "8", 0, err, sizeof err), 0);
    arch_op op;
    memset(&op, 0, sizeof op);
    op.kind = ARCH_OP_GEMV, op.rows = 64, op.cols = 256, op.a_bits = 8;
    op.w_bits = 8, op.w_fmt = ARCH_FMT_FLOAT; /* p8 lanes on the RMMEC */
    assert_float_equal(e_compute(&d, &op, 1, ARCH_U_RMMEC) / e_compute(&d, &op, 0, ARCH_U_RMMEC), RMMEC_ACTIVITY_P8,
                       1e-12);
    op.w_fmt = ARCH_FMT_SHIFTMAC, op.w_bits = 4;
    int sm = arch_unit_find("shiftmac");
    assert_true(sm >= 0);
    assert_float_equal(e_compute(&d, &op, 1, (arch_unit)sm) / e_compute(&d, &op, 0, (arch_unit)sm), SHIFTMAC_ACTIVITY,
                       1e-12);
    op.kind = ARCH_OP_BITLINEAR, op.w_fmt = ARCH_FMT_TERNARY, op.w_bits = 2;
    d.pim_banks = 0; /* BitLinear on the ternary engine */
    assert_float_equal(e_compute(&d, &op, 1, ARCH_U_TERNARY) / e_compute(&d, &op, 0, ARCH_U_TERNARY), TERNARY_ACTIVITY,
                       1e-12);
    dp_default(&d);
    op.kind = ARCH_OP_GEMV, op.w_fmt = ARCH_FMT_INT, op.w_bits = 4;
    double r = e_compute(&d, &op, 1, ARCH_U_LUTGEMV) / e_compute(&d, &op, 0, ARCH_U_LUTGEMV);
    assert_true(r < 1 && r > PIM_ACTIVITY); /* logic scaled, table reads and writes not */
    op.kind = ARCH_OP_VECTOR, op.n = 256;
    assert_float_equal(e_compute(&d, &op, 1, ARCH_U_VECTOR), e_compute(&d, &op, 0, ARCH_U_VECTOR), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_defaults_and_fields),
        cmocka_unit_test(test_every_op_kind_has_a_unit),
        cmocka_unit_test(test_activity_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
