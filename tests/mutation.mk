# RTL mutation testing (yosys `mutate`, the engine of YosysHQ's mcy): the
# mutants of a unit live in one netlist, selected by an added `mutsel` input
# (`mutate -ctrl`), so Verilator builds once; each mutant runs through the
# unit's co-simulation and is killed when the co-sim fails. See docs/mutation.md.
#
#   make mutation-rmmec       all MUT_RMMEC_N mutants -> $(MUT_DIR)/rmmec/results.csv (test-long)
#   make test-mutation-rmmec  the fixed sample tests/mutation/rmmec_sample.txt: all must be killed (make test)
#   make mutation-list-rmmec  regenerate tests/mutation/rmmec_mutations.txt (after an RTL change)
#
# The list is committed: mutant ids (and the sample) stay stable; a stale list
# (the RTL changed) makes yosys fail on a missing cell -> regenerate it.
MUT_DIR := $(BUILD)/mutation
MUT_RMMEC_N ?= 300
MUT_RMMEC_LIST := tests/mutation/rmmec_mutations.txt
MUT_RMMEC_PREP := read_verilog -sv $(RMMEC_RTL); hierarchy -top rmmec; proc; flatten; opt_clean
MUT_TIMEOUT ?= 60

.PHONY: mutation-list-rmmec mutation-rmmec test-mutation-rmmec
mutation-list-rmmec:
	yosys -q -p "$(MUT_RMMEC_PREP); mutate -list $(MUT_RMMEC_N) -seed 1 -o $(MUT_RMMEC_LIST)"
	@echo "$(MUT_RMMEC_LIST): $$(grep -c '^mutate' $(MUT_RMMEC_LIST)) mutants"

# every mutant behind mutsel == its line number (1-based); mutsel 0 = the design
$(MUT_DIR)/rmmec/mutated.v: $(MUT_RMMEC_LIST) $(RMMEC_RTL)
	@mkdir -p $(dir $@)
	awk '/^mutate/ { sub(/^mutate /, ""); printf "mutate -ctrl mutsel 16 %d %s\n", ++i, $$0 }' $< > $(dir $@)/mutate_ctrl.ys
	yosys -q -l $(dir $@)/yosys.log -p "$(MUT_RMMEC_PREP); script $(dir $@)/mutate_ctrl.ys; opt_clean; write_verilog -noattr $@.tmp"
	mv $@.tmp $@
$(MUT_DIR)/rmmec/obj/Vrmmec: $(MUT_DIR)/rmmec/mutated.v sim/rmmec_cosim.cpp sim/stimulus.h $(GOLDEN_LIB) golden/rmmec.h
	+verilator --cc --exe --build -j 2 -Wno-fatal -Wno-lint -Wno-style --x-assign fast --x-initial fast -O3 --trace \
	  -DRMMEC_MUTSEL --top-module rmmec --Mdir $(MUT_DIR)/rmmec/obj \
	  -CFLAGS "-O2 -std=c++17 -I$(CURDIR)/golden -I$(CURDIR)/sim -DRMMEC_MUTSEL" -LDFLAGS "$(abspath $(GOLDEN_LIB)) -lm" \
	  $< $(abspath sim/rmmec_cosim.cpp) -o Vrmmec >$(MUT_DIR)/rmmec/build.log 2>&1 \
	  || { tail -30 $(MUT_DIR)/rmmec/build.log; exit 1; }

MUT_RMMEC_COSIM = $(MUT_DIR)/rmmec/obj/Vrmmec --suite mutant --vcd $(MUT_DIR)/rmmec/mismatch.vcd
mutation-rmmec: $(MUT_DIR)/rmmec/obj/Vrmmec
	tests/mutation/run_mutants.sh "$(MUT_RMMEC_COSIM)" $(MUT_RMMEC_LIST) $(MUT_DIR)/rmmec/results.csv $(MUT_TIMEOUT) all
	tests/mutation/summarize.py $(MUT_DIR)/rmmec/results.csv
test-mutation-rmmec: $(MUT_DIR)/rmmec/obj/Vrmmec
	tests/mutation/run_mutants.sh "$(MUT_RMMEC_COSIM)" $(MUT_RMMEC_LIST) $(MUT_DIR)/rmmec/sample.csv $(MUT_TIMEOUT) \
	  $$(grep -v '^#' tests/mutation/rmmec_sample.txt)
	@n=$$(tail -n +2 $(MUT_DIR)/rmmec/sample.csv | wc -l); k=$$(grep -c ',killed,' $(MUT_DIR)/rmmec/sample.csv); \
	if [ $$n -ge 20 ] && [ $$k -eq $$n ]; then echo "test-mutation-rmmec: $$k of $$n sampled mutants killed"; \
	else echo "test-mutation-rmmec: $$k of $$n sampled mutants killed (want all, at least 20)"; grep ',survived,' $(MUT_DIR)/rmmec/sample.csv; exit 1; fi
LONG_STEPS += mutation-rmmec
TEST_STEPS += test-mutation-rmmec
