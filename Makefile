# lpcs — top-level Makefile.
#
# Each folder contributes a fragment (`<folder>/*.mk`, included below) that
# appends to the variables documented here; nothing else in this file needs
# to change when a module is added.
#
#   GOLDEN_SRCS     C sources of build/libgolden.a         (golden/ only)
#   MODELS_SRCS     C sources of build/libmodels.a         (models/ only)
#   RUNTIME_SRCS    C sources of build/liblpcsrt.a         (sw_runtime/ only)
#   LPCS_SRCS       C sources linked only into build/lpcs  (the CLI)
#   LPCS_LDLIBS     extra libraries for build/lpcs
#   UNIT_TESTS      CMocka test names: tests/<name>.c -> $(BUILD)/tests/<name>
#                   (extra sources for one test: <name>_SRCS, libs: <name>_LDLIBS)
#   TEST_STEPS      phony targets run by `make test` after the unit tests
#                   (co-simulation, end-to-end, ...), each one a pass/fail step
#   LONG_STEPS      phony targets run only by `make test-long`
#   BENCH_STEPS     phony targets run by `make bench`
#   CLEAN_EXTRA     extra paths removed by `make clean`
#   DEPS_STEPS      targets `make deps` runs after the Debian packages
#                   (installs into git-ignored folders, e.g. .deps/llama)
#
# Build output lives in $(BUILD) (default build/, ignored by git). SAN=1 builds
# with AddressSanitizer + UBSan (`make test` does this once, in build/asan).

SHARED  ?= ../shared
BUILD   ?= build
CC      := gcc
CXX     := g++
NPROC   := $(shell nproc 2>/dev/null || echo 2)

OPT     ?= -O2 -g
WARN    := -Wall -Wextra -Werror
# No silent FMA contraction anywhere: bit-exact code states every fmaf (docs/numerics.md).
FPFLAGS := -ffp-contract=off
CSTD    := -std=c11
CPPFLAGS_BASE := -D_POSIX_C_SOURCE=200809L

# Layers: the README's Layout table, enforced. A file is compiled with the
# include paths of its own layer and of the layers it may use, nothing else;
# each library links only what its layer may use; `make check-layers`
# (tests/check_layers.py) checks every #include and every archive's symbols
# against this table and the README against it. The order of LAYERS is
# most specific folder first (sw_runtime/cli before sw_runtime).
LAYERS := cli tests fpga bench sw_runtime sim models golden rtl
LAYER_DIRS_golden     := golden
LAYER_DEPS_golden     :=
LAYER_DIRS_rtl        := rtl
LAYER_DEPS_rtl        :=
LAYER_DIRS_models     := models
LAYER_DEPS_models     := golden
LAYER_DIRS_sim        := sim
LAYER_DEPS_sim        := models golden rtl
LAYER_DIRS_sw_runtime := sw_runtime
LAYER_DEPS_sw_runtime := sim models golden
LAYER_DIRS_cli        := sw_runtime/cli
LAYER_DEPS_cli        := sw_runtime sim models golden
LAYER_DIRS_fpga       := fpga
LAYER_DEPS_fpga       := sim rtl golden
LAYER_DIRS_tests      := tests
LAYER_DEPS_tests      := *
LAYER_DIRS_bench      := bench
LAYER_DEPS_bench      := *
# Include folders of each layer (a layer's headers may sit in subfolders).
LAYER_INC_golden      := golden
LAYER_INC_models      := models
LAYER_INC_sim         := sim sim/platform
LAYER_INC_sw_runtime  := sw_runtime
LAYER_INC_cli         := sw_runtime/cli
ALL_LIB_LAYERS        := sw_runtime sim models golden
layer_deps = $(if $(filter *,$(LAYER_DEPS_$(1))),$(ALL_LIB_LAYERS),$(LAYER_DEPS_$(1)))
# -I flags of layer $(1): its own folders, then its dependencies'.
layer_inc  = $(addprefix -I,$(LAYER_INC_$(1)) $(foreach d,$(call layer_deps,$(1)),$(LAYER_INC_$(d))))
# Layer of a source path (first match in LAYERS order).
layer_of   = $(firstword $(foreach L,$(LAYERS),$(if $(filter $(LAYER_DIRS_$(L))/%,$(1)),$(L))))
INC_golden     := $(call layer_inc,golden)
INC_models     := $(call layer_inc,models)
INC_sim        := $(call layer_inc,sim)
INC_sw_runtime := $(call layer_inc,sw_runtime)
INC_cli        := $(call layer_inc,cli)
INC_fpga       := $(call layer_inc,fpga)
INC_tests      := $(call layer_inc,tests)
# What the top layers (tests, bench) compile with.
CPPFLAGS_ALL := $(CPPFLAGS_BASE) $(INC_tests)
ifeq ($(SAN),1)
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
endif
CPPFLAGS_OF  = $(CPPFLAGS_BASE) $(call layer_inc,$(or $(call layer_of,$(1)),tests))
# EXTRA_CPPFLAGS (target-specific, C and C++) and EXTRA_CFLAGS (C only) for one object.
CFLAGS_ALL   = $(CSTD) $(WARN) $(FPFLAGS) $(OPT) $(SANFLAGS) $(call CPPFLAGS_OF,$<) $(EXTRA_CPPFLAGS) -MMD -MP $(EXTRA_CFLAGS)
CXXFLAGS_ALL = -std=c++17 $(WARN) $(FPFLAGS) $(OPT) $(SANFLAGS) $(call CPPFLAGS_OF,$<) $(EXTRA_CPPFLAGS) -MMD -MP
LDFLAGS_ALL  = $(SANFLAGS)

# Environment every test sees: where ../shared is and where the repo is.
TEST_ENV = LPCS_SHARED=$(abspath $(SHARED)) LPCS_ROOT=$(CURDIR) LPCS_BUILD=$(abspath $(BUILD))

GOLDEN_SRCS  :=
MODELS_SRCS  :=
RUNTIME_SRCS :=
LPCS_SRCS    :=
LPCS_LDLIBS  :=
UNIT_TESTS   :=
TEST_STEPS   :=
LONG_STEPS   :=
BENCH_STEPS  :=
CLEAN_EXTRA  :=
DEPS_STEPS   :=

# The libraries and the CLI before the fragments: a fragment's rule names them
# as prerequisites, which make expands when it reads the rule.
GOLDEN_LIB  := $(BUILD)/libgolden.a
MODELS_LIB  := $(BUILD)/libmodels.a
RUNTIME_LIB := $(BUILD)/liblpcsrt.a
LPCS_BIN    := $(BUILD)/lpcs

.DEFAULT_GOAL := all
# Units' RTL source lists first (every fragment may use them), then the rest.
include rtl/units.mk
include $(filter-out rtl/units.mk,$(sort $(wildcard */*.mk)))

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(filter %.c,$(1))) \
      $(patsubst %.cpp,$(BUILD)/obj/%.o,$(filter %.cpp,$(1)))

UNIT_BINS   := $(addprefix $(BUILD)/tests/,$(UNIT_TESTS))

.PHONY: all deps print-layers test test-unit test-asan test-steps test-long bench clean help
all: $(LPCS_BIN) $(UNIT_BINS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@
$(BUILD)/obj/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS_ALL) -c $< -o $@

$(GOLDEN_LIB): $(call obj,$(GOLDEN_SRCS))
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^
$(MODELS_LIB): $(call obj,$(MODELS_SRCS))
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^
$(RUNTIME_LIB): $(call obj,$(RUNTIME_SRCS))
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# Link order = layer order, top first: runtime, sim, models, golden.
$(LPCS_BIN): $(call obj,$(LPCS_SRCS)) $(RUNTIME_LIB) $(MODELS_LIB) $(GOLDEN_LIB)
	$(CC) $(LDFLAGS_ALL) -o $@ $(call obj,$(LPCS_SRCS)) $(RUNTIME_LIB) $(LPCS_LDLIBS) $(MODELS_LIB) $(GOLDEN_LIB) -ljansson -lm -lpthread

# Keep objects built through pattern-rule chains (they are not throwaway intermediates).
.PRECIOUS: $(BUILD)/obj/%.o $(BUILD)/asan/obj/%.o
.SECONDEXPANSION:
$(BUILD)/tests/%: $(BUILD)/obj/tests/%.o $$(call obj,$$($$*_SRCS)) $(RUNTIME_LIB) $(MODELS_LIB) $(GOLDEN_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $(filter %.o,$^) $(RUNTIME_LIB) $($*_LDLIBS) $(MODELS_LIB) $(GOLDEN_LIB) -lcmocka -ljansson -lm -lpthread

# One line per layer for tests/check_layers.py: folders and allowed layers.
print-layers:
	@$(foreach L,$(LAYERS),echo "layer $(L) dirs=$(subst $(eval) ,$(shell printf ,),$(LAYER_DIRS_$(L))) deps=$(subst $(eval) ,$(shell printf ,),$(strip $(LAYER_DEPS_$(L))))";)

# `make deps`: every Debian package the project needs (idempotent), then the
# DEPS_STEPS. nodejs/npm only when no npm is on PATH: Debian's npm package
# conflicts with a nodejs that bundles its own npm (NodeSource).
DEB_PACKAGES := build-essential pkg-config verilator libsystemc-dev libcmocka-dev \
  libjansson-dev libicu-dev git yosys nextpnr-ice40 fpga-icestorm iverilog fpga-icestorm-chipdb gnuplot-nox fonts-liberation parallel python3 \
  slurm-wlm munge
deps:
	@SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	$$SUDO apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(DEB_PACKAGES) >/dev/null && \
	{ command -v npm >/dev/null || DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null; } && \
	echo "deps: all Debian packages present"
	@$(if $(DEPS_STEPS),$(MAKE) --no-print-directory $(DEPS_STEPS),true)

# `make test`: unit tests, the same unit tests under ASan+UBSan, then every
# co-simulation / end-to-end step. Prints one "tests: N passed, N failed, N skipped"
# line (exit status 77 = skipped, tests/README.md).
test:
	@$(MAKE) --no-print-directory -j$(NPROC) all
	@$(MAKE) --no-print-directory -j$(NPROC) BUILD=$(BUILD)/asan SAN=1 OPT="-O1 -g" $(addprefix $(BUILD)/asan/tests/,$(UNIT_TESTS))
	@tests/run_steps.sh "$(MAKE) --no-print-directory" "$(TEST_ENV)" \
	  $(addprefix unit:,$(UNIT_BINS)) \
	  $(addprefix unit:,$(addprefix $(BUILD)/asan/tests/,$(UNIT_TESTS))) \
	  $(addprefix step:,$(TEST_STEPS))

test-unit: all
	@tests/run_steps.sh "$(MAKE) --no-print-directory" "$(TEST_ENV)" $(addprefix unit:,$(UNIT_BINS))

test-asan:
	@$(MAKE) --no-print-directory -j$(NPROC) BUILD=$(BUILD)/asan SAN=1 OPT="-O1 -g" test-unit

test-steps: all
	@tests/run_steps.sh "$(MAKE) --no-print-directory" "$(TEST_ENV)" $(addprefix step:,$(TEST_STEPS))

# `make test-long`: the unit tests with LPCS_LONG=1 (2^32 sweeps) and the long steps.
test-long: all
	@tests/run_steps.sh "$(MAKE) --no-print-directory" "LPCS_LONG=1 $(TEST_ENV)" \
	  $(addprefix unit:,$(UNIT_BINS)) $(addprefix step:,$(LONG_STEPS))

bench: all
	@tests/run_steps.sh "$(MAKE) --no-print-directory" "$(TEST_ENV)" $(addprefix step:,$(BENCH_STEPS))

clean:
	rm -rf $(BUILD) $(CLEAN_EXTRA)

help:
	@echo "targets: deps all test test-unit test-asan test-steps test-long bench clean check-layers print-layers"
	@echo "unit tests: $(UNIT_TESTS)"
	@echo "test steps: $(TEST_STEPS)"
	@echo "long steps: $(LONG_STEPS)"
	@echo "bench steps: $(BENCH_STEPS)"

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
