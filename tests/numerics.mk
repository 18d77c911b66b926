# The numerics contract (docs/numerics.md): golden/fmath.h's exp and dot order.
UNIT_TESTS += test_fmath
UNIT_TESTS += test_fp_cpu
UNIT_TESTS += test_cpu_forward
test_cpu_forward_SRCS := tests/ref_llama.c
# The cpu backend's integer kernels (bit-exact to golden intdot) and its thread pool.
UNIT_TESTS += test_int_cpu
UNIT_TESTS += test_kn_pool
