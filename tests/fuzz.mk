# libFuzzer harnesses (tests/fuzz/): `make fuzz` builds them with clang
# (-fsanitize=fuzzer,address,undefined) and runs each for FUZZ_SECONDS on one
# job, seeded by tests/fuzz/make_seeds.py; the corpus grows in $(BUILD)/fuzz/corpus.
# Crashes land in $(BUILD)/fuzz/crash-* and fail the run.
# `make fuzz-smoke` (a `make test` step) runs every harness of FUZZ_HARNESSES
# for FUZZ_SMOKE_SECONDS on the corpus kept in the repo (tests/fuzz/corpus/<h>/,
# regression inputs) plus the crashers of tests/fuzz/crashers/ that belong to
# it (<h without fuzz_>-*); a harness that runs fewer than FUZZ_SMOKE_MIN_EXECS
# inputs fails. Harnesses join by `FUZZ_HARNESSES += fuzz_<name>` (tests/fuzz/fuzz_<name>.c).
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 20
FUZZ_SMOKE_MIN_EXECS ?= 1000
FUZZ_HARNESSES += fuzz_num fuzz_qformat fuzz_loaders fuzz_design_point fuzz_grid fuzz_plan
FUZZ_HARNESSES += fuzz_gguf fuzz_sweep_csv fuzz_sched
FUZZ_CC := clang
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS := -std=c11 -g -O1 -Wall $(FUZZ_SAN) -fsanitize=fuzzer-no-link $(CPPFLAGS_ALL) -MMD -MP
# Library objects instrumented for coverage, in an archive so each harness
# pulls in only what it calls (tests/ sorts after every other folder, so the
# source lists are complete here).
FUZZ_LIB_SRCS = $(GOLDEN_SRCS) $(MODELS_SRCS) $(RUNTIME_SRCS) sw_runtime/cli/num_eval.c sw_runtime/cli/cmd_sweep.c \
  sw_runtime/cli/sweep_plot.c sw_runtime/cli/version.c sw_runtime/cli/workload_sweep.c
FUZZ_LIB := $(FUZZ_DIR)/libfuzzlpcs.a

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@
# cli/version.c reads the generated version header (sw_runtime/cli.mk).
$(FUZZ_DIR)/obj/sw_runtime/cli/version.o: $(BUILD)/gen/lpcs_version.h
$(FUZZ_DIR)/obj/sw_runtime/cli/version.o: FUZZ_CFLAGS += -I$(BUILD)/gen
$(FUZZ_LIB): $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(FUZZ_LIB_SRCS))
	rm -f $@ && ar rcs $@ $^
$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB) -ljansson -lm -lpthread

.PHONY: fuzz fuzz-build fuzz-smoke
fuzz-build: $(addprefix $(FUZZ_DIR)/,$(FUZZ_HARNESSES))
fuzz: fuzz-build
	@/usr/bin/python3 tests/fuzz/make_seeds.py $(FUZZ_DIR)/seeds $(SHARED)
	@fail=0; for h in $(FUZZ_HARNESSES); do \
	  mkdir -p $(FUZZ_DIR)/corpus/$$h $(FUZZ_DIR)/seeds/$$h; \
	  echo "fuzz: $$h for $(FUZZ_SECONDS) s"; \
	  $(TEST_ENV) $(FUZZ_DIR)/$$h -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/$$h- \
	    $(FUZZ_DIR)/corpus/$$h $(FUZZ_DIR)/seeds/$$h 2>$(FUZZ_DIR)/$$h.log \
	    || { tail -40 $(FUZZ_DIR)/$$h.log; echo "fuzz: $$h FAILED (reproducer: $(FUZZ_DIR)/$$h-*)"; fail=1; }; \
	  grep -E '^stat::number_of_executed_units|^Done' $(FUZZ_DIR)/$$h.log | tr '\n' ' '; echo; \
	done; exit $$fail

# Long campaigns (docs/fuzzing.md): each harness until FUZZ_RUNS inputs or
# FUZZ_CAMPAIGN_SECONDS, on the seeds + the repo corpus; one CSV row each
# (harness, inputs run, seconds, crash artifacts). `make fuzz-corpus-update`
# then merges the campaign corpora, minimized (-merge=1), into tests/fuzz/corpus/.
FUZZ_RUNS ?= 1000000
FUZZ_CAMPAIGN_SECONDS ?= 600
.PHONY: fuzz-campaign fuzz-corpus-update
fuzz-campaign: fuzz-build
	@/usr/bin/python3 tests/fuzz/make_seeds.py $(FUZZ_DIR)/seeds $(SHARED)
	@echo "harness,inputs,seconds,crashes" > $(FUZZ_DIR)/campaign.csv; fail=0; \
	for h in $(FUZZ_HARNESSES); do \
	  mkdir -p $(FUZZ_DIR)/corpus/$$h $(FUZZ_DIR)/campaign/$$h $(FUZZ_DIR)/seeds/$$h tests/fuzz/corpus/$$h; t0=$$(date +%s); \
	  $(TEST_ENV) $(FUZZ_DIR)/$$h -runs=$(FUZZ_RUNS) -max_total_time=$(FUZZ_CAMPAIGN_SECONDS) -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/campaign/$$h- \
	    $(FUZZ_DIR)/corpus/$$h $(FUZZ_DIR)/seeds/$$h tests/fuzz/corpus/$$h > $(FUZZ_DIR)/campaign/$$h.log 2>&1 || fail=1; \
	  execs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $(FUZZ_DIR)/campaign/$$h.log); \
	  crashes=$$(ls $(FUZZ_DIR)/campaign/$$h-* 2>/dev/null | wc -l); \
	  echo "$$h,$${execs:-0},$$(( $$(date +%s) - t0 )),$$crashes" | tee -a $(FUZZ_DIR)/campaign.csv; \
	done; exit $$fail
fuzz-corpus-update: fuzz-build
	@for h in $(FUZZ_HARNESSES); do \
	  mkdir -p tests/fuzz/corpus/$$h $(FUZZ_DIR)/seeds/$$h; \
	  $(TEST_ENV) $(FUZZ_DIR)/$$h -merge=1 tests/fuzz/corpus/$$h $(FUZZ_DIR)/seeds/$$h $(FUZZ_DIR)/corpus/$$h \
	    > $(FUZZ_DIR)/$$h.merge.log 2>&1 || { tail -20 $(FUZZ_DIR)/$$h.merge.log; exit 1; }; \
	  echo "tests/fuzz/corpus/$$h: $$(ls tests/fuzz/corpus/$$h | wc -l) files, $$(du -sk tests/fuzz/corpus/$$h | cut -f1) KiB"; \
	done

fuzz-smoke: fuzz-build
	@fail=0; total=0; for h in $(FUZZ_HARNESSES); do \
	  rm -rf $(FUZZ_DIR)/smoke/$$h; mkdir -p $(FUZZ_DIR)/smoke/$$h tests/fuzz/corpus/$$h; \
	  crashers=$$(ls tests/fuzz/crashers/$${h#fuzz_}-* 2>/dev/null); \
	  if [ -n "$$crashers" ]; then \
	    $(TEST_ENV) $(FUZZ_DIR)/$$h $$crashers >$(FUZZ_DIR)/smoke/$$h.crashers.log 2>&1 \
	      || { tail -30 $(FUZZ_DIR)/smoke/$$h.crashers.log; echo "fuzz-smoke: $$h: a recorded crasher crashes again"; fail=1; }; \
	  fi; \
	  $(TEST_ENV) $(FUZZ_DIR)/$$h -max_total_time=$(FUZZ_SMOKE_SECONDS) -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_DIR)/smoke/$$h- $(FUZZ_DIR)/smoke/$$h tests/fuzz/corpus/$$h \
	    >$(FUZZ_DIR)/smoke/$$h.log 2>&1 \
	    || { tail -40 $(FUZZ_DIR)/smoke/$$h.log; echo "fuzz-smoke: $$h FAILED (reproducer: $(FUZZ_DIR)/smoke/$$h-*)"; fail=1; }; \
	  execs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $(FUZZ_DIR)/smoke/$$h.log); \
	  seeds=$$(ls tests/fuzz/corpus/$$h | wc -l); \
	  echo "fuzz-smoke: $$h: $${execs:-0} inputs in $(FUZZ_SMOKE_SECONDS) s from $$seeds corpus files + $$(echo $$crashers | wc -w) crashers"; \
	  [ "$${execs:-0}" -ge $(FUZZ_SMOKE_MIN_EXECS) ] || { echo "fuzz-smoke: $$h ran fewer than $(FUZZ_SMOKE_MIN_EXECS) inputs"; fail=1; }; \
	  total=$$((total + 1)); \
	done; \
	[ $$total -ge 1 ] || { echo "fuzz-smoke: no harness ran"; fail=1; }; \
	echo "fuzz-smoke: $$total harnesses, $(FUZZ_SMOKE_SECONDS) s each"; exit $$fail
TEST_STEPS += fuzz-smoke

-include $(shell find $(FUZZ_DIR) -name '*.d' 2>/dev/null)
