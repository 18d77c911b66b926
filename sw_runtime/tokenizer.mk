# Tokenizers from GGUF metadata (tokenizer_vocab, tokenizer_pretok,
# tokenizer_gguf; sources come in through runtime.mk's wildcard). The Unicode
# classes of the BPE pre-tokenizers are a table generated from ICU (Debian
# libicu-dev) by tests/tokenizer/gen_unicode_table.c; the library links no ICU.
# `make check-unicode-table` regenerates it and must find no difference.
.PHONY: check-unicode-table
check-unicode-table:
	@mkdir -p $(BUILD)
	$(CC) $(CSTD) $(WARN) tests/tokenizer/gen_unicode_table.c -o $(BUILD)/gen_unicode_table -licuuc
	$(BUILD)/gen_unicode_table | cmp - sw_runtime/tokenizer_unicode.inc && echo "check-unicode-table: table = ICU"
TEST_STEPS += check-unicode-table

# Its libFuzzer harness, tests/fuzz/fuzz_tokenizer.c (make fuzz; fuzz-smoke in
# make test). Registered here: tests/fuzz.mk expands the list at parse time.
FUZZ_HARNESSES += fuzz_tokenizer
