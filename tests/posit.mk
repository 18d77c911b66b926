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
