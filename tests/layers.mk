# make check-layers: every #include and every library archive's symbols
# against the layer table of the top-level Makefile, and the README's Layout
# table against that (tests/check_layers.py). test-check-layers-plant shows
# the check fails on a planted upward include and a planted link edge.
LAYER_ARCHIVES = golden=$(BUILD)/libgolden.a models=$(BUILD)/libmodels.a sim=$(BUILD)/platform/libplatform.a \
                 sw_runtime=$(BUILD)/liblpcsrt.a
.PHONY: check-layers test-check-layers-plant
# The SystemC platform's adapter hands operands over and computes nothing
# (check 4): the sim backend's results come from the platform's own units.
DATA_ONLY_OBJS = $(BUILD)/obj/sw_runtime/backend_platform.o
check-layers: $(BUILD)/libgolden.a $(BUILD)/libmodels.a $(BUILD)/platform/libplatform.a $(BUILD)/liblpcsrt.a
	@$(MAKE) -s --no-print-directory print-layers > $(BUILD)/layers.txt
	python3 tests/check_layers.py --layers $(BUILD)/layers.txt $(addprefix --lib ,$(LAYER_ARCHIVES)) \
	  $(addprefix --data-only ,$(DATA_ONLY_OBJS))

test-check-layers-plant: check-layers
	@tests/check_layers_plant.sh $(BUILD) "$(LAYER_ARCHIVES)"
TEST_STEPS += check-layers test-check-layers-plant
