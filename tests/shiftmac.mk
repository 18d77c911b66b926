# tests/shiftmac.mk: golden shift MAC against the independent oracle (tests/shiftmac_oracle.c).
UNIT_TESTS += test_shiftmac
test_shiftmac_SRCS := tests/shiftmac_oracle.c
