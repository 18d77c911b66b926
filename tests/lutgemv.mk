# LUT-GEMV golden model tests (issue 5).
UNIT_TESTS += test_lutgemv
UNIT_TESTS += test_lut_gemv_cpu
UNIT_TESTS += test_lutgemv_model
