# Tokenizers from GGUF metadata against llama.cpp (tests/tokenizer/): its
# test vectors, then llama_tokenize / llama_token_to_piece on a torture text
# and tinyshakespeare. Skip (77) without .deps/llama (see llama_oracle.mk).
TEST_STEPS += test-tokenizer-llama
LONG_STEPS += test-tokenizer-llama-long
.PHONY: test-tokenizer-llama test-tokenizer-llama-long
test-tokenizer-llama test-tokenizer-llama-long: $(LPCS_BIN)
	$(LLAMA_NEED)
	@$(MAKE) --no-print-directory $(LLAMA_ORACLE)
	/usr/bin/python3 tests/tokenizer/check_tokenizer.py $(LPCS_BIN) $(LLAMA_ORACLE) $(LLAMA_SRC)/models \
	  $(SHARED) $(BUILD)/tokenizer_check $(if $(filter %-long,$@),--long)

# lpcs run / ppl on a GGUF use its own tokenizer: the plain-Python F32 GGUF
# of shakespeare-llama (llama_oracle.mk) gives metrics.json's greedy sample,
# and lpcs ppl on it equals llama.cpp's NLL on the same text, each side
# tokenizing the text itself.
TEST_STEPS += test-tokenizer-cli
.PHONY: test-tokenizer-cli
test-tokenizer-cli: $(LPCS_BIN)
	$(LLAMA_NEED)
	@$(MAKE) --no-print-directory $(LLAMA_ORACLE) $(LLAMA_FIXTURE)
	/usr/bin/python3 tests/tokenizer/check_cli.py $(LPCS_BIN) $(LLAMA_ORACLE) $(LLAMA_FIXTURE) $(SHARED) $(BUILD)/tokenizer_check

# Hand-built vocabularies, hand-derived expectations (no llama.cpp needed).
UNIT_TESTS += test_tokenizer_vocab
