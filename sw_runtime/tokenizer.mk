# Tokenizers from GGUF metadata (tokenizer_vocab, tokenizer_pretok,
# tokenizer_gguf; sources come in through runtime.mk's wildcard). The BPE
# pre-tokenizers take Unicode categories from ICU (Debian libicu-dev).
TOKENIZER_LDLIBS := -licuuc
LPCS_LDLIBS += $(TOKENIZER_LDLIBS)
# Its libFuzzer harness, tests/fuzz/fuzz_tokenizer.c (make fuzz; fuzz-smoke in
# make test). Registered here: tests/fuzz.mk expands the list at parse time.
FUZZ_HARNESSES += fuzz_tokenizer
