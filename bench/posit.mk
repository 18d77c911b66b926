# bench/posit.mk: `make bench-posit [SOFTPOSIT_DIR=/path/to/SoftPosit]`
# posit16 add/mul/div throughput: golden vs SoftPosit (same run, same inputs)
# vs naive references. SoftPosit is never part of the repo: build it outside
# (its build/Linux-x86_64-GCC/softposit.a) and point SOFTPOSIT_DIR at its root;
# without it the SoftPosit column is skipped.
BENCH_STEPS += bench-posit
SOFTPOSIT_DIR ?=
BENCH_POSIT_BIN := $(BUILD)/bench/bench_posit
ifneq ($(strip $(SOFTPOSIT_DIR)),)
BENCH_POSIT_SP := -DHAVE_SOFTPOSIT -isystem $(SOFTPOSIT_DIR)/source/include \
  -isystem $(SOFTPOSIT_DIR)/build/Linux-x86_64-GCC $(SOFTPOSIT_DIR)/build/Linux-x86_64-GCC/softposit.a
endif
.PHONY: bench-posit
bench-posit: $(GOLDEN_LIB)
	@mkdir -p $(BUILD)/bench
	$(CC) $(CSTD) $(WARN) $(OPT) $(CPPFLAGS_ALL) -Itests bench/bench_posit.c tests/posit_oracle.c \
	  $(GOLDEN_LIB) $(BENCH_POSIT_SP) -lm -o $(BENCH_POSIT_BIN)
	@[ -n "$(strip $(SOFTPOSIT_DIR))" ] || echo "bench-posit: SOFTPOSIT_DIR unset, skipping the SoftPosit column"
	$(BENCH_POSIT_BIN)
