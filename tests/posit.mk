# tests/posit.mk: posit / quire unit tests.
#   test_posit_vectors: every SoftPosit vector in ../shared/vectors/posit
#   test_posit_oracle : golden vs the independent exact oracle (posit_oracle.c)
UNIT_TESTS += test_posit_vectors test_posit_oracle
test_posit_oracle_SRCS := tests/posit_oracle.c

# The vector check can fail: with one result corrupted per file it must exit
# non-zero and name the failing record.
TEST_STEPS += test-posit-vectors-fault
.PHONY: test-posit-vectors-fault
test-posit-vectors-fault: $(BUILD)/tests/test_posit_vectors
	@out=$$(LPCS_POSIT_FAULT=1 $(TEST_ENV) $(BUILD)/tests/test_posit_vectors 2>&1); rc=$$?; \
	echo "$$out" | grep 'first mismatch' | head -3; \
	n=$$(echo "$$out" | grep -c 'first mismatch'); \
	if [ $$rc -ne 0 ] && [ $$n -ge 8 ]; then echo "test-posit-vectors-fault: injected faults caught ($$n tests report a mismatch)"; \
	else echo "test-posit-vectors-fault: injected faults NOT caught (rc=$$rc, $$n reports)"; exit 1; fi

# The same vectors catch a wrong design, not only a corrupted comparison: a
# mutant of golden's posit encoder (ties round away from even: `rest ||
# (mag & 1u)` -> `rest || 1`, a copy of golden/posit.c + posit_impl.h
# compiled in $(BUILD)/mutants/posit_ties) linked before libgolden must fail.
POSIT_MUT_DIR := $(BUILD)/mutants/posit_ties
$(POSIT_MUT_DIR)/test_posit_vectors: golden/posit.c golden/posit_impl.h $(BUILD)/obj/tests/test_posit_vectors.o $(RUNTIME_LIB) $(GOLDEN_LIB)
	@mkdir -p $(POSIT_MUT_DIR)
	cp golden/posit.c $(POSIT_MUT_DIR)/posit.c
	sed 's/if (round \&\& (rest || (mag \& 1u)))/if (round \&\& (rest || 1))/' golden/posit_impl.h > $(POSIT_MUT_DIR)/posit_impl.h
	@! cmp -s golden/posit_impl.h $(POSIT_MUT_DIR)/posit_impl.h || { echo "posit mutant: the mutation did not apply"; exit 1; }
	$(CC) $(CFLAGS_ALL) -c $(POSIT_MUT_DIR)/posit.c -o $(POSIT_MUT_DIR)/posit.o
	$(CC) $(LDFLAGS_ALL) -o $@ $(POSIT_MUT_DIR)/posit.o $(BUILD)/obj/tests/test_posit_vectors.o $(RUNTIME_LIB) $(GOLDEN_LIB) -lcmocka -ljansson -lm -lpthread
TEST_STEPS += test-posit-vectors-mutant
.PHONY: test-posit-vectors-mutant
test-posit-vectors-mutant: $(POSIT_MUT_DIR)/test_posit_vectors
	@out=$$($(TEST_ENV) $(POSIT_MUT_DIR)/test_posit_vectors 2>&1); rc=$$?; \
	n=$$(echo "$$out" | grep -c 'first mismatch'); \
	echo "$$out" | grep 'first mismatch' | head -2; \
	if [ $$rc -ne 0 ] && [ $$n -ge 1 ]; then echo "test-posit-vectors-mutant: the ties-away mutant of posit_impl.h fails $$n vector files"; \
	else echo "test-posit-vectors-mutant: the mutant PASSED (rc=$$rc)"; exit 1; fi
