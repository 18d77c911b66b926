# libFuzzer harnesses (tests/fuzz/): `make fuzz` builds them with clang
# (-fsanitize=fuzzer,address,undefined) and runs each for FUZZ_SECONDS on one
# job, seeded by tests/fuzz/make_seeds.py; the corpus grows in $(BUILD)/fuzz/corpus.
# Not part of `make test`. Crashes land in $(BUILD)/fuzz/crash-* and fail the run.
FUZZ_SECONDS ?= 60
FUZZ_HARNESSES := fuzz_num fuzz_qformat fuzz_loaders
FUZZ_CC := clang
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS := -std=c11 -g -O1 -Wall $(FUZZ_SAN) -fsanitize=fuzzer-no-link $(CPPFLAGS_ALL) -MMD -MP
# Library objects instrumented for coverage, in an archive so each harness
# pulls in only what it calls (tests/ sorts after every other folder, so the
# source lists are complete here).
FUZZ_LIB_SRCS = $(GOLDEN_SRCS) $(MODELS_SRCS) $(RUNTIME_SRCS) sw_runtime/cli/num_eval.c
FUZZ_LIB := $(FUZZ_DIR)/libfuzzlpcs.a

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@
$(FUZZ_LIB): $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(FUZZ_LIB_SRCS))
	rm -f $@ && ar rcs $@ $^
$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB) -ljansson -lm -lpthread

.PHONY: fuzz fuzz-build
fuzz-build: $(addprefix $(FUZZ_DIR)/,$(FUZZ_HARNESSES))
fuzz: fuzz-build
	@/usr/bin/python3 tests/fuzz/make_seeds.py $(FUZZ_DIR)/seeds $(SHARED)
	@fail=0; for h in $(FUZZ_HARNESSES); do \
	  mkdir -p $(FUZZ_DIR)/corpus/$$h; \
	  echo "fuzz: $$h for $(FUZZ_SECONDS) s"; \
	  $(TEST_ENV) $(FUZZ_DIR)/$$h -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/$$h- \
	    $(FUZZ_DIR)/corpus/$$h $(FUZZ_DIR)/seeds/$$h 2>$(FUZZ_DIR)/$$h.log \
	    || { tail -40 $(FUZZ_DIR)/$$h.log; echo "fuzz: $$h FAILED (reproducer: $(FUZZ_DIR)/$$h-*)"; fail=1; }; \
	  grep -E '^stat::number_of_executed_units|^Done' $(FUZZ_DIR)/$$h.log | tr '\n' ' '; echo; \
	done; exit $$fail
-include $(shell find $(FUZZ_DIR) -name '*.d' 2>/dev/null)
