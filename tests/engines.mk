# Two engines with different design points and plans in one process,
# interleaved, equal to two processes (analytical sim and SystemC platform);
# --fault (a different point in one process) must be caught.
TWO_ENGINES := $(BUILD)/tests/two_engines_check
$(TWO_ENGINES): $(BUILD)/obj/tests/two_engines_check.o $(BUILD)/liblpcsrt.a $(PLATFORM_LIB) $(BUILD)/libmodels.a $(BUILD)/libgolden.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(BUILD)/liblpcsrt.a $(PLATFORM_LIB) $(BUILD)/libmodels.a $(BUILD)/libgolden.a $(PLATFORM_LIBS) -ljansson -lm -lpthread
.PHONY: test-two-engines
test-two-engines: $(TWO_ENGINES)
	$< $(SHARED)/models/shakespeare-llama.bin -n 3
	@if $< $(SHARED)/models/shakespeare-llama.bin -n 2 --fault >/dev/null; then \
	  echo "test-two-engines: a different design point in one process NOT detected"; exit 1; fi
	@echo "test-two-engines: a different design point in one process detected"
TEST_STEPS += test-two-engines
