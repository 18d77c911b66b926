/* The golden HGRN-Bit ops run the shipped checkpoint (../shared/models):
 * greedy decoding after <s> + "ROMEO:" must reproduce the PyTorch reference
 * sample recorded in metrics.json byte for byte (200 bytes; 40 under ASan). */
#include "test_util.h"
#include "ternary_model.h"

#ifdef __SANITIZE_ADDRESS__
#define GREEDY_BYTES 40
#else
#define GREEDY_BYTES 200
#endif

static int argmax(const float *v, int n) {
    int b = 0;
    for (int k = 1; k < n; k++)
        if (v[k] > v[b]) b = k;
    return b;
}

static void test_greedy_matches_reference(void **st) {
    (void)st;
    char path[512];
    json_error_t err;
    json_t *metrics = json_load_file(test_shared_path(path, sizeof path, "models/metrics.json"), 0, &err);
    assert_non_null(metrics);
    const char *want = json_string_value(json_object_get(json_object_get(metrics, "mmfree"), "sample_greedy_ROMEO"));
    assert_non_null(want);
    tm_model m;
    assert_int_equal(tm_load(&m, test_shared_path(path, sizeof path, "models/shakespeare-mmfree.safetensors")), 0);
    float logits[TM_VOCAB];
    assert_int_equal(tm_step(&m, 1, logits), LPCS_OK);
    const char *prompt = "ROMEO:";
    for (const char *c = prompt; *c; c++) assert_int_equal(tm_step(&m, (unsigned char)*c + 3, logits), LPCS_OK);
    char got[GREEDY_BYTES + 8] = "ROMEO:";
    for (int i = 0; i < GREEDY_BYTES; i++) {
        int t = argmax(logits, TM_VOCAB);
        got[6 + i] = (char)(t - 3);
        assert_int_equal(tm_step(&m, t, logits), LPCS_OK);
    }
    got[6 + GREEDY_BYTES] = 0;
    if (strncmp(got, want, 6 + GREEDY_BYTES)) fail_msg("golden greedy sample differs:\n%s\n--- reference:\n%s", got, want);
    print_message("golden HGRN-Bit greedy: %d bytes equal to the PyTorch reference\n", GREEDY_BYTES);
    tm_free(&m);
    json_decref(metrics);
}

static void test_bad_checkpoint(void **st) {
    (void)st;
    tm_model m;
    assert_int_not_equal(tm_load(&m, "/nonexistent/x.safetensors"), 0);
    char path[512];
    assert_int_not_equal(tm_load(&m, test_shared_path(path, sizeof path, "models/metrics.json")), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_greedy_matches_reference),
                                       cmocka_unit_test(test_bad_checkpoint)};
    return cmocka_run_group_tests_name("ternary_model", tests, NULL, NULL);
}
