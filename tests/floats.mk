# tests/ for the floats module (minifloat, intq, mx, qformat).
# Oracle: CUDA's host conversions, compiled with plain g++ (no GPU needed).
CUDA_HOME ?= /usr/local/cuda
$(BUILD)/obj/tests/cuda_fp_oracle.o: EXTRA_CPPFLAGS += -isystem $(CUDA_HOME)/include

UNIT_TESTS += test_minifloat
test_minifloat_SRCS := tests/cuda_fp_oracle.cpp
test_minifloat_LDLIBS := -lstdc++

UNIT_TESTS += test_minifloat_arith

UNIT_TESTS += test_mx
test_mx_SRCS := tests/cuda_fp_oracle.cpp
test_mx_LDLIBS := -lstdc++

UNIT_TESTS += test_qformat
