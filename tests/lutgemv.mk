# LUT-GEMV golden model tests (issue 5).
UNIT_TESTS += test_lutgemv
UNIT_TESTS += test_lut_gemv_cpu
UNIT_TESTS += test_lutgemv_model
# The SystemC platform's PIM bank and shift-MAC engine datapaths against golden.
UNIT_TESTS += test_pim_bank
test_pim_bank_SRCS := sim/platform/pim_bank.c
