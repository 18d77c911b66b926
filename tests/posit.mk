# tests/posit.mk: posit / quire unit tests.
#   test_posit_vectors: every SoftPosit vector in ../shared/vectors/posit
#   test_posit_oracle : golden vs the independent exact oracle (posit_oracle.c)
UNIT_TESTS += test_posit_vectors test_posit_oracle
test_posit_oracle_SRCS := tests/posit_oracle.c
