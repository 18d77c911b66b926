/* The status codes have distinct, non-empty descriptions. */
#include "test_util.h"
#include "status.h"

static void test_status_strings(void **state) {
    (void)state;
    assert_string_equal(lpcs_status_str(LPCS_OK), "ok");
    assert_string_equal(lpcs_status_str(LPCS_EFORMAT), "malformed input");
    assert_string_equal(lpcs_status_str(12345), "unknown error");
    for (int a = LPCS_EUNSUPPORTED; a <= LPCS_OK; a++)
        for (int b = a + 1; b <= LPCS_OK; b++)
            assert_string_not_equal(lpcs_status_str(a), lpcs_status_str(b));
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_status_strings)};
    return cmocka_run_group_tests_name("status", tests, NULL, NULL);
}
