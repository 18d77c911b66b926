# tests/ternary.mk: unit tests of golden/ternary.c, bitlinear.c, hgrn.c.
UNIT_TESTS += test_ternary test_bitlinear test_ternary_model test_ternary_formats
