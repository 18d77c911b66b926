# tests/posit.mk: posit / quire unit tests.
UNIT_TESTS += test_posit_vectors
