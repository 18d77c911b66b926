# tests/rmmec.mk: golden RMMEC against independent oracles (tests/rmmec_oracle.c)
UNIT_TESTS += test_rmmec
test_rmmec_SRCS := tests/rmmec_oracle.c
