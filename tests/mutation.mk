# RTL mutation testing (yosys `mutate`, the engine of YosysHQ's mcy): the
# mutants of a unit live in one netlist, selected by an added `mutsel` input
# (`mutate -ctrl`), so Verilator builds once; each mutant runs through the
# unit's co-simulation and is killed when the co-sim fails. See docs/mutation.md.
# One machinery for every unit U (rmmec, ternary, pim, shiftmac):
#
#   make mutation-U        all mutants of tests/mutation/U_mutations.txt -> $(MUT_DIR)/U/results.csv (test-long)
#   make test-mutation-U   the fixed sample tests/mutation/U_sample.txt: all must be killed (make test)
#   make mutation-list-U   regenerate tests/mutation/U_mutations.txt (after an RTL change)
#   make mutation-equiv-U ID=N   yosys equiv_* proof that mutant N equals the design
#   make mutation-all      every unit's full run
#   make mutation-golden   golden C mutants against the oracle tests (test-long)
#
# tests/mutation/U_equivalent.txt lists the survivors shown equivalent (id +
# the argument); summarize.py counts them apart and fails if one was killed.
# A unit gives MUT_U_N (list length), MUT_U_PREP (yosys commands that read and
# flatten its RTL), MUT_U_COSIM (the co-sim command line; its first word is the
# binary, built from $(MUT_DIR)/U/mutated.v by a rule below) and calls
# mutation_unit. The list is committed: mutant ids (and the sample) stay stable;
# a stale list (the RTL changed) makes yosys fail on a missing cell -> regenerate.
MUT_DIR := $(BUILD)/mutation
MUT_TIMEOUT ?= 60
MUT_GOLDEN := $(BUILD)/libgolden.a
MUT_VERILATOR := verilator --cc --exe --build -j 2 -Wno-fatal -Wno-lint -Wno-style --x-assign fast --x-initial fast --trace

define mutation_unit
.PHONY: mutation-list-$(1) mutation-$(1) test-mutation-$(1) mutation-equiv-$(1)
mutation-list-$(1):
	yosys -q -p "$$(MUT_$(1)_PREP); mutate -list $$(MUT_$(1)_N) -seed 1 -o tests/mutation/$(1)_mutations.txt"
	@echo "tests/mutation/$(1)_mutations.txt: $$$$(grep -c '^mutate' tests/mutation/$(1)_mutations.txt) mutants"
# every mutant behind mutsel == its line number (1-based); mutsel 0 = the design
$(MUT_DIR)/$(1)/mutated.v: tests/mutation/$(1)_mutations.txt $(2)
	@mkdir -p $$(dir $$@)
	awk '/^mutate/ { sub(/^mutate /, ""); printf "mutate -ctrl mutsel 16 %d %s\n", ++i, $$$$0 }' $$< > $$(dir $$@)mutate_ctrl.ys
	yosys -q -l $$(dir $$@)yosys.log -p "$$(MUT_$(1)_PREP); script $$(dir $$@)mutate_ctrl.ys; opt_clean; write_verilog -noattr $$@.tmp"
	mv $$@.tmp $$@
mutation-$(1): $$(firstword $$(MUT_$(1)_COSIM))
	tests/mutation/run_mutants.sh "$$(MUT_$(1)_COSIM)" tests/mutation/$(1)_mutations.txt $(MUT_DIR)/$(1)/results.csv $(MUT_TIMEOUT) all
	tests/mutation/summarize.py $(MUT_DIR)/$(1)/results.csv $(wildcard tests/mutation/$(1)_equivalent.txt)
test-mutation-$(1): $$(firstword $$(MUT_$(1)_COSIM))
	tests/mutation/run_mutants.sh "$$(MUT_$(1)_COSIM)" tests/mutation/$(1)_mutations.txt $(MUT_DIR)/$(1)/sample.csv $(MUT_TIMEOUT) \
	  $$$$(grep -v '^#' tests/mutation/$(1)_sample.txt)
	@n=$$$$(tail -n +2 $(MUT_DIR)/$(1)/sample.csv | wc -l); k=$$$$(grep -c ',killed,' $(MUT_DIR)/$(1)/sample.csv); \
	if [ $$$$n -ge 20 ] && [ $$$$k -eq $$$$n ]; then echo "test-mutation-$(1): $$$$k of $$$$n sampled mutants killed"; \
	else echo "test-mutation-$(1): $$$$k of $$$$n sampled mutants killed (want all, at least 20)"; grep ',survived,' $(MUT_DIR)/$(1)/sample.csv; exit 1; fi
# yosys equiv_* on one mutant: make mutation-equiv-U ID=N (tests/mutation/equiv_check.sh)
mutation-equiv-$(1):
	tests/mutation/equiv_check.sh "$$(MUT_$(1)_PREP)" tests/mutation/$(1)_mutations.txt $$(ID)
LONG_STEPS += mutation-$(1)
TEST_STEPS += test-mutation-$(1)
MUT_UNITS += $(1)
endef

# --- RMMEC: the whole unit, co-sim suite `mutant` (a random screen of all
# four modes, then a shortened quick suite)
MUT_rmmec_N := 300
MUT_rmmec_PREP := read_verilog -sv $(RMMEC_RTL); hierarchy -top rmmec; proc; flatten; opt_clean
MUT_rmmec_COSIM = $(MUT_DIR)/rmmec/obj/Vrmmec --suite mutant --vcd $(MUT_DIR)/rmmec/mismatch.vcd
$(MUT_DIR)/rmmec/obj/Vrmmec: $(MUT_DIR)/rmmec/mutated.v sim/rmmec_cosim.cpp sim/stimulus.h $(MUT_GOLDEN) golden/rmmec.h
	+$(MUT_VERILATOR) -O3 --top-module rmmec --Mdir $(dir $@) \
	  -CFLAGS "-O2 -std=c++17 -I$(CURDIR)/golden -I$(CURDIR)/sim -DRMMEC_MUTSEL" -LDFLAGS "$(abspath $(MUT_GOLDEN)) -lm" \
	  $< $(abspath sim/rmmec_cosim.cpp) -o Vrmmec >$(MUT_DIR)/rmmec/build.log 2>&1 \
	  || { tail -30 $(MUT_DIR)/rmmec/build.log; exit 1; }
$(eval $(call mutation_unit,rmmec,$(RMMEC_RTL)))

# --- ternary GEMV engine, the small odd configuration of ternary-cosim-small
# (LANES=3 KTILE=4 WDEPTH=64 XDEPTH=8: tall matrices run in chunks)
MUT_ternary_N := 200
MUT_ternary_P := LANES=3 KTILE=4 WDEPTH=64 XDEPTH=8
MUT_ternary_PREP := read_verilog $(TERNARY_RTL); chparam $(foreach p,$(MUT_ternary_P),-set $(subst =, ,$(p))) ternary_gemv; \
                    hierarchy -top ternary_gemv; proc; flatten; opt -fast
MUT_ternary_COSIM = $(MUT_DIR)/ternary/obj/ternary_cosim --random 3000 --seed 7 --vcd-dir $(MUT_DIR)/ternary
$(MUT_DIR)/ternary/obj/ternary_cosim: $(MUT_DIR)/ternary/mutated.v sim/ternary_cosim.cpp sim/ternary_engine.cpp sim/ternary_engine.h $(MUT_GOLDEN)
	+$(MUT_VERILATOR) -O3 --top-module ternary_gemv --Mdir $(dir $@) \
	  -CFLAGS "-O2 -std=c++17 -I$(CURDIR)/golden -I$(CURDIR)/sim -DTERNARY_MUTSEL $(addprefix -DTERNARY_,$(MUT_ternary_P))" \
	  -LDFLAGS "$(abspath $(MUT_GOLDEN)) -lm" \
	  $< $(abspath sim/ternary_cosim.cpp) $(abspath sim/ternary_engine.cpp) -o ternary_cosim >$(MUT_DIR)/ternary/build.log 2>&1 \
	  || { tail -30 $(MUT_DIR)/ternary/build.log; exit 1; }
$(eval $(call mutation_unit,ternary,$(TERNARY_RTL)))

# --- LUT-GEMV PIM bank, configuration g3 (G=3: not a power of two)
MUT_pim_N := 200
MUT_pim_CFG := g3
MUT_pim_PREP := read_verilog $(UNIT_RTL_lutgemv); chparam $(subst -G, -set ,$(subst =, ,$(call lutgemv_gparams,$(MUT_pim_CFG)))) pim_bank; \
                hierarchy -top pim_bank; proc; flatten; opt -fast
MUT_pim_COSIM = $(MUT_DIR)/pim/obj/lutgemv_cosim --cases 150 --model-table $(MUT_DIR)/pim/model_table.md --vcd-dir $(MUT_DIR)/pim
$(MUT_DIR)/pim/obj/lutgemv_cosim: $(MUT_DIR)/pim/mutated.v sim/lutgemv_cosim.cpp $(MUT_GOLDEN) $(BUILD)/libmodels.a
	+$(MUT_VERILATOR) -O3 --top-module pim_bank --Mdir $(dir $@) \
	  -CFLAGS "-O1 -I$(abspath golden) -I$(abspath models) -DPB_MUTSEL $(call lutgemv_defs,$(MUT_pim_CFG))" \
	  $< $(abspath sim/lutgemv_cosim.cpp) $(abspath $(BUILD)/libmodels.a) $(abspath $(MUT_GOLDEN)) -o lutgemv_cosim \
	  >$(MUT_DIR)/pim/build.log 2>&1 || { tail -30 $(MUT_DIR)/pim/build.log; exit 1; }
$(eval $(call mutation_unit,pim,$(UNIT_RTL_lutgemv)))

# --- shift-MAC engine (LANES=3 KTILE=4 WDEPTH=64 XDEPTH=8); the co-sim also
# checks cycle counts and the busy/done protocol
MUT_shiftmac_N := 200
MUT_shiftmac_PREP := read_verilog $(SHIFTMAC_RTL); chparam -set LANES 3 -set KTILE 4 -set WDEPTH 64 -set XDEPTH 8 shiftmac_gemv; \
                     hierarchy -top shiftmac_gemv; proc; flatten; opt -fast
MUT_shiftmac_COSIM = $(MUT_DIR)/shiftmac/obj/shiftmac_cosim --random 1500 --min-outputs 10000 --vcd-dir $(MUT_DIR)/shiftmac
$(MUT_DIR)/shiftmac/obj/shiftmac_cosim: $(MUT_DIR)/shiftmac/mutated.v sim/shiftmac_cosim.cpp $(SHIFTMAC_MODEL_OBJ) $(MUT_GOLDEN)
	+$(MUT_VERILATOR) --top-module shiftmac_gemv --Mdir $(dir $@) -o shiftmac_cosim \
	  -CFLAGS "-O1 -std=c++17 -I$(abspath golden) -I$(abspath models) -DSM_MUTSEL $(call shiftmac_defs,odd)" \
	  -LDFLAGS "$(abspath $(SHIFTMAC_MODEL_OBJ)) $(abspath $(MUT_GOLDEN)) -lm" \
	  $< $(abspath sim/shiftmac_cosim.cpp) >$(MUT_DIR)/shiftmac/build.log 2>&1 || { tail -30 $(MUT_DIR)/shiftmac/build.log; exit 1; }
$(eval $(call mutation_unit,shiftmac,$(SHIFTMAC_RTL)))

.PHONY: mutation-all
mutation-all: $(addprefix mutation-,$(MUT_UNITS))

# Golden C: operator and constant mutations of the unit files, a fixed sample
# of MUT_GOLDEN_SAMPLE sites per file (seed 1), each compiled alone and linked
# into the unit's oracle tests (tests/mutation/golden_mutants.py).
MUT_GOLDEN_SAMPLE ?= 40
# argument checks one at a time and hand-written layouts of every golden unit
# (killed golden mutants that the units' oracle tests let through)
UNIT_TESTS += test_golden_args
MUT_GOLDEN_SPECS := golden/posit.c:test_posit_vectors+test_posit_oracle:$(BUILD)/obj/tests/posit_oracle.o \
  golden/posit_impl.h:golden/posit.c:test_posit_vectors+test_posit_oracle:$(BUILD)/obj/tests/posit_oracle.o \
  golden/ternary.c:test_ternary+test_ternary_formats+test_bitlinear+test_golden_args golden/qformat.c:test_qformat+test_golden_args \
  golden/shiftmac.c:test_shiftmac+test_shiftmac_runtime+test_golden_args:$(BUILD)/obj/tests/shiftmac_oracle.o \
  golden/rmmec.c:test_rmmec+test_golden_args:$(BUILD)/obj/tests/rmmec_oracle.o golden/lutgemv.c:test_lutgemv+test_lut_gemv_cpu+test_golden_args
.PHONY: mutation-golden
mutation-golden: $(BUILD)/tests/test_posit_vectors $(BUILD)/tests/test_posit_oracle $(BUILD)/tests/test_ternary \
    $(BUILD)/tests/test_ternary_formats $(BUILD)/tests/test_bitlinear $(BUILD)/tests/test_qformat $(BUILD)/tests/test_shiftmac \
    $(BUILD)/tests/test_shiftmac_runtime $(BUILD)/tests/test_rmmec $(BUILD)/tests/test_lutgemv $(BUILD)/tests/test_lut_gemv_cpu $(BUILD)/tests/test_golden_args
	$(TEST_ENV) BUILD=$(BUILD) tests/mutation/golden_mutants.py $(MUT_DIR)/golden $(MUT_DIR)/golden/results.csv \
	  $(MUT_GOLDEN_SAMPLE) $(MUT_GOLDEN_SPECS)
LONG_STEPS += mutation-golden
