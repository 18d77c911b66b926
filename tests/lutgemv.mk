# LUT-GEMV golden model tests (issue 5).
UNIT_TESTS += test_lutgemv
UNIT_TESTS += test_lut_gemv_cpu
UNIT_TESTS += test_lutgemv_model
# The SystemC platform's PIM bank and shift-MAC engine datapaths against golden.
UNIT_TESTS += test_pim_bank
test_pim_bank_SRCS := sim/platform/pim_bank.c

# The LUT kernel's checks can fail for the right reason: a mutant of
# kernels/lut_gemv_cpu.c whose row ranges drop the last, partial 16-row block
# (`rb1 = (r1 + BLOCK_ROWS - 1) / BLOCK_ROWS` -> `r1 / BLOCK_ROWS`: a real
# tail bug, invisible when M is a multiple of 16), compiled in
# $(BUILD)/mutants/lut_tail and linked before the runtime library, must fail
# test_lut_gemv_cpu.
LUT_MUT_DIR := $(BUILD)/mutants/lut_tail
# (library paths spelled out: this file is included before RUNTIME_LIB and GOLDEN_LIB are set)
$(LUT_MUT_DIR)/test_lut_gemv_cpu: sw_runtime/kernels/lut_gemv_cpu.c $(BUILD)/obj/tests/test_lut_gemv_cpu.o $(BUILD)/liblpcsrt.a $(BUILD)/libmodels.a $(BUILD)/libgolden.a
	@mkdir -p $(LUT_MUT_DIR)
	sed 's|rb1 = (r1 + BLOCK_ROWS - 1) / BLOCK_ROWS;|rb1 = r1 / BLOCK_ROWS;|' $< > $(LUT_MUT_DIR)/lut_gemv_cpu.c
	@! cmp -s $< $(LUT_MUT_DIR)/lut_gemv_cpu.c || { echo "lut mutant: the mutation did not apply"; exit 1; }
	$(CC) $(CFLAGS_ALL) $(INC_sw_runtime) -c $(LUT_MUT_DIR)/lut_gemv_cpu.c -o $(LUT_MUT_DIR)/lut_gemv_cpu.o
	$(CC) $(LDFLAGS_ALL) -o $@ $(LUT_MUT_DIR)/lut_gemv_cpu.o $(BUILD)/obj/tests/test_lut_gemv_cpu.o $(RUNTIME_LIB) $(MODELS_LIB) $(GOLDEN_LIB) -lcmocka -ljansson -lm -lpthread
TEST_STEPS += test-lut-gemv-mutant
.PHONY: test-lut-gemv-mutant
test-lut-gemv-mutant: $(LUT_MUT_DIR)/test_lut_gemv_cpu
	@out=$$($(TEST_ENV) $(LUT_MUT_DIR)/test_lut_gemv_cpu 2>&1); rc=$$?; \
	n=$$(echo "$$out" | grep -c 'kernel .* golden'); \
	echo "$$out" | grep 'kernel .* golden' | head -2; \
	if [ $$rc -ne 0 ] && [ $$n -ge 1 ]; then echo "test-lut-gemv-mutant: the tail-block mutant of lut_gemv_cpu.c fails ($$n mismatches reported)"; \
	else echo "test-lut-gemv-mutant: the mutant PASSED (rc=$$rc)"; exit 1; fi
