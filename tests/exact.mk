# Exact execution (sw_runtime/exact.h): whole models in the units' arithmetic.
UNIT_TESTS += test_exact_forward
