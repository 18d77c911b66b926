# sim/platform/: the SystemC TLM-2.0 accelerator platform (issue 9).
#   build/platform/libplatform.a   C API (sim/platform/platform_api.h)
PLATFORM_DIR  := $(BUILD)/platform
PLATFORM_LIB  := $(PLATFORM_DIR)/libplatform.a
PLATFORM_CXX  := $(CXX) -std=c++17 $(WARN) $(OPT) $(SANFLAGS) $(CPPFLAGS_ALL) -Isim/platform $(shell pkg-config --cflags systemc) -MMD -MP
PLATFORM_LIBS := $(shell pkg-config --libs systemc) -lstdc++

$(PLATFORM_DIR)/obj/%.o: sim/platform/%.cpp
	@mkdir -p $(dir $@)
	$(PLATFORM_CXX) -c $< -o $@
$(PLATFORM_LIB): $(PLATFORM_DIR)/obj/platform.o
	rm -f $@ && ar rcs $@ $^
-include $(wildcard $(PLATFORM_DIR)/obj/*.d)

# Model vs platform vs RTL validation (tables in models/README.md).
TERNARY_RTL_LIB := $(BUILD)/verilator/ternary/libternary_rtl.a
$(PLATFORM_DIR)/obj/platform_validate.o: sim/platform/platform_validate.cpp
	@mkdir -p $(dir $@)
	$(PLATFORM_CXX) -Isim -DWITH_TERNARY_RTL -c $< -o $@
$(PLATFORM_DIR)/platform_validate: $(PLATFORM_DIR)/obj/platform_validate.o $(PLATFORM_LIB) $(TERNARY_RTL_LIB) $(BUILD)/liblpcsrt.a $(BUILD)/libgolden.a
	$(CXX) $(LDFLAGS_ALL) -o $@ $^ $(PLATFORM_LIBS) -ljansson -lpthread -lm
.PHONY: test-platform-validate
test-platform-validate: $(PLATFORM_DIR)/platform_validate
	$(PLATFORM_DIR)/platform_validate --max-err 5
TEST_STEPS += test-platform-validate
