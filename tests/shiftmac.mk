# tests/shiftmac.mk: golden shift MAC against the independent oracle (tests/shiftmac_oracle.c).
UNIT_TESTS += test_shiftmac
test_shiftmac_SRCS := tests/shiftmac_oracle.c
# The unit reached from the runtime (--plan w=shiftmac), op by op vs the oracle.
UNIT_TESTS += test_shiftmac_runtime
test_shiftmac_runtime_SRCS := tests/shiftmac_oracle.c
